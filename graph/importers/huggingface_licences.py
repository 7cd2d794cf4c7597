"""Hub licence ids: which are well formed, how permissive each is, and its weights access.

Why an order at all: "licence drift along lineage" asks whether a derivative declares a *more
permissive* licence than its base (a fine-tune of a non-commercial model published as MIT). That
needs a documented ranking, and licences the ranking does not know are left out of the question
rather than guessed. The ranks (also in ``docs/importers.md``), higher is more permissive:

5. public domain dedications (``cc0-1.0``, ``unlicense``)
4. permissive (``apache-2.0``, ``mit``, BSD, ``cc-by-*`` without NC/SA/ND, ...)
3. copyleft (GPL family, ``mpl-2.0``, ``cc-by-sa-*``, ...)
2. use-restricted (responsible-AI and community licences: OpenRAIL, Llama, Gemma, ...)
1. non-commercial or no-derivatives (``cc-by-nc-*``, ``cc-by-nd-*``, ...)

``other``, ``unknown`` and ids not listed have no rank.

    >>> licence_rank("apache-2.0") > licence_rank("llama3.1") > licence_rank("cc-by-nc-4.0")
    True
    >>> licence_rank("other") is None
    True
    >>> is_licence_id("Apache 2.0!!"), is_licence_id("cc-by-nc-sa-4.0")
    (False, True)
"""

from __future__ import annotations

import re

_ID = re.compile(r"^[a-z0-9][a-z0-9.+\-_]*$")

PUBLIC_DOMAIN = frozenset({"cc0-1.0", "unlicense", "pddl"})
PERMISSIVE = frozenset(
    {
        "apache-2.0",
        "mit",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "isc",
        "bsl-1.0",
        "zlib",
        "artistic-2.0",
        "ecl-2.0",
        "postgresql",
        "odc-by",
        "afl-3.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "ms-pl",
    }
)
COPYLEFT = frozenset(
    {
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "lgpl-lr",
        "agpl-3.0",
        "mpl-2.0",
        "epl-1.0",
        "epl-2.0",
        "eupl-1.1",
        "osl-3.0",
        "odbl",
        "gfdl",
        "cdla-sharing-1.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
    }
)
USE_RESTRICTED = frozenset(
    {
        "openrail",
        "openrail++",
        "creativeml-openrail-m",
        "bigscience-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "llama2",
        "llama3",
        "llama3.1",
        "llama3.2",
        "llama3.3",
        "llama4",
        "gemma",
        "deepfloyd-if-license",
    }
)
NON_COMMERCIAL = frozenset(
    {
        "cc-by-nc-2.0",
        "cc-by-nc-3.0",
        "cc-by-nc-4.0",
        "cc-by-nc-nd-3.0",
        "cc-by-nc-nd-4.0",
        "cc-by-nc-sa-2.0",
        "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0",
        "cc-by-nd-4.0",
        "apple-amlr",
    }
)
RANKS: dict[str, int] = {
    **{licence: 5 for licence in PUBLIC_DOMAIN},
    **{licence: 4 for licence in PERMISSIVE},
    **{licence: 3 for licence in COPYLEFT},
    **{licence: 2 for licence in USE_RESTRICTED},
    **{licence: 1 for licence in NON_COMMERCIAL},
}
RANK_NAMES = {
    5: "public domain",
    4: "permissive",
    3: "copyleft",
    2: "use-restricted",
    1: "non-commercial",
}
#: The weights-access concept (local name under gkc:) for a licence rank; every public Hub
#: model's weights can be downloaded, so the concept is always under gkc:open-weights.
ACCESS_BY_RANK = {
    5: "open-weights-unrestricted",
    4: "open-weights-unrestricted",
    3: "open-weights",
    2: "open-weights-restricted",
    1: "open-weights-noncommercial",
}


def is_licence_id(value: str) -> bool:
    """Whether ``value`` is written like a Hub licence id (lower case, no spaces)."""
    return bool(_ID.match(value))


def licence_rank(licence: str | None) -> int | None:
    """The permissiveness rank of a licence id (5 most permissive), None when not ranked."""
    return RANKS.get(licence) if licence else None


def weights_access(licence: str | None) -> str:
    """The gkc: local name of the weights-access concept for a Hub model under ``licence``."""
    rank = licence_rank(licence)
    return ACCESS_BY_RANK[rank] if rank is not None else "open-weights"
