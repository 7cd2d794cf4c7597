"""Name normalisation and IRI slugs for imported entities.

Why a normal form at all: the same model or organisation is spelt differently by every data set
("Llama 3.1-405B" in Epoch AI, "Llama 3.1 405B" in Ecosystem Graphs, "Google Deepmind" next to
"Google DeepMind", "Meta AI" next to "Meta"). Entity resolution compares these *keys*, never the
raw strings. The rules are documented in ``docs/importers.md``; keep the two in step.

    >>> model_key("Llama 3.1-405B") == model_key("llama 3.1 405b")
    True
    >>> org_key("Meta AI") == org_key("Meta") == org_key("Meta, Inc.")
    True
    >>> org_key("Google Deepmind") == org_key("Google DeepMind")
    True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: Trailing words of an organisation name that do not change which organisation is meant.
LEGAL_SUFFIXES = frozenset(
    {"inc", "ltd", "llc", "corp", "corporation", "co", "company", "gmbh", "plc", "limited", "ag"}
)
#: A trailing "AI" is dropped too ("Meta AI", "Mistral AI", "Stability AI") unless it follows one
#: of these words ("Allen Institute for AI" keeps it: dropping it would leave a dangling phrase).
_KEEP_AI_AFTER = frozenset({"for", "of", "in", "and", "the"})

_APOSTROPHES = str.maketrans({"\u2019": "", "\u2018": "", "'": "", "`": ""})
# Separators: hyphens and dashes of every kind, underscores, slashes, middle dots.
_SEPARATORS = re.compile(r"[\-\u2010-\u2015_/\\\u00b7]+")
# Any other punctuation becomes a space; a dot survives only between two digits ("3.1"), and
# "+" always survives ("Command R+" is not "Command R").
_DOT_NOT_IN_NUMBER = re.compile(r"(?<!\d)\.|\.(?!\d)")
_OTHER_PUNCT = re.compile(r"[^\w.+\s]+")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")
_SPACES = re.compile(r"\s+")


def _fold(name: str, *, split_numbers: bool = True) -> str:
    """Unicode-fold, case-fold and unify separators; the shared first step of every key."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_APOSTROPHES)
    text = _SEPARATORS.sub(" ", text)
    text = _DOT_NOT_IN_NUMBER.sub(" ", text)
    text = _OTHER_PUNCT.sub(" ", text)
    # "llama2" and "llama 2", "gpt4" and "gpt 4" are the same name
    if split_numbers:
        text = _LETTER_DIGIT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def model_key(name: str) -> str:
    """The comparison key of a model (or data set or application) name."""
    return _fold(name)


def org_key(name: str) -> str:
    """The comparison key of an organisation name: like :func:`model_key`, minus legal suffixes
    (Inc., Ltd., LLC, ...), a trailing "AI" and a leading "The"."""
    words = _fold(name).split(" ")
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and (
        words[-1] in LEGAL_SUFFIXES
        or (words[-1] == "ai" and words[-2] not in _KEEP_AI_AFTER and not words[-2].isdigit())
    ):
        words.pop()
    return " ".join(words)


def is_legal_suffix(part: str) -> bool:
    """True for a list item that is only a legal suffix ("Inc." in "Runway AI, Inc.")."""
    return _fold(part) in LEGAL_SUFFIXES


def slugify(name: str) -> str:
    """A readable IRI segment for a name: ASCII letters, digits, ``.`` and ``-``.

    ``"Llama 3.1-405B"`` gives ``llama-3.1-405b``, ``"Command R+"`` ``command-r-plus``. Names with
    no Latin letters at all get a short hash, so every name has a stable slug. Slugs are for
    reading only: two names can share one, so callers that mint IRIs must de-duplicate.
    """
    key = _fold(name, split_numbers=False)
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("+", " plus ")
    slug = re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-.")
    if not slug:
        slug = "x-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return slug
