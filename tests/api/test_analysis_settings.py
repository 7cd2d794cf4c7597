"""The analysis and shutdown settings: from the environment, checked, and on ``govkg serve``."""

from __future__ import annotations

import pytest
from govkg.api.settings import Settings
from govkg.graph.errors import InputError
from support.cli import invoke


def test_analysis_and_grace_settings_come_from_the_environment() -> None:
    s = Settings.from_env(
        {
            "GOVKG_ANALYSIS_TIMEOUT": "5",
            "GOVKG_ANALYSIS_WORKERS": "3",
            "GOVKG_ANALYSIS_NICE": "0",
            "GOVKG_ANALYSIS_CACHE_MB": "8",
            "GOVKG_ANALYSIS_WARM": "yes",
            "GOVKG_GRACE": "2.5",
        }
    )
    assert (s.analysis_timeout, s.analysis_workers, s.analysis_nice) == (5.0, 3, 0)
    assert (s.analysis_cache_mb, s.analysis_warm, s.grace) == (8, True, 2.5)
    defaults = Settings.from_env({})
    assert (defaults.analysis_timeout, defaults.grace, defaults.analysis_warm) == (
        30.0,
        10.0,
        False,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GOVKG_ANALYSIS_TIMEOUT", "0"),
        ("GOVKG_ANALYSIS_NICE", "20"),
        ("GOVKG_ANALYSIS_WORKERS", "0"),
        ("GOVKG_GRACE", "-1"),
        ("GOVKG_ANALYSIS_WARM", "maybe"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(InputError, match=name):
        Settings.from_env({name: value})


def test_settings_refuse_what_they_cannot_honour() -> None:
    with pytest.raises(InputError, match="analysis_nice"):
        Settings(analysis_nice=25)
    with pytest.raises(InputError, match="grace"):
        Settings(grace=-1)


def test_serve_offers_the_grace_and_analysis_options() -> None:
    ran = invoke("serve", "--help")
    assert ran.returncode == 0
    for option in ("--grace", "--analysis-workers", "--no-warm"):
        assert option in ran.stdout
