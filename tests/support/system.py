"""What a test does when a system component it needs (Chromium, Java, Virtuoso, Node) is missing.

Why not a plain skip: `make test` installs those components itself (as root, from Debian's
packages) and then sets ``GOVKG_TEST_REQUIRE_SYSTEM=1``; from then on a missing component means
the set-up is broken, and a skipped suite would hide it. A developer running pytest by hand
without the packages still gets a skip with the reason.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE_ENV = "GOVKG_TEST_REQUIRE_SYSTEM"


def required() -> bool:
    """Whether missing system components fail the run instead of skipping."""
    return os.environ.get(REQUIRE_ENV) == "1"


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail with it when the run requires every component."""
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: `make test` was to install it)", pytrace=False)
    pytest.skip(reason)
