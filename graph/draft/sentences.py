"""Splitting text into sentences with their character offsets.

Why rules rather than a trained model: drafting runs offline with no model downloads, and
governance news is regular enough: a sentence ends at ``.``, ``!`` or ``?`` (optionally inside
closing quotes or brackets) followed by white space and an upper-case letter, a digit or an
opening quote; a line break always ends one (headlines, bylines and table rows are lines of
their own). A full stop does not end a sentence after an abbreviation (``U.S.``, ``Mr.``,
``Inc.``, ``Md.``, single initials) or inside a number (``3.5``).

Every span satisfies ``text[start:end] == sentence``: the draft's quotes are cut from the input
by these offsets, never re-typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Words after which a full stop is not the end of a sentence.
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "st", "jr", "sr", "inc",
        "ltd", "corp", "co", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "e.u", "u.n", "md",
        "calif", "wash", "mass", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec", "art", "para", "sec", "approx", "dept", "fig",
    }
)  # fmt: skip
_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*")
_NEXT_STARTS = re.compile(r"\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u00de]")


@dataclass(frozen=True)
class Span:
    """A sentence: ``text[start:end]``, trimmed of surrounding white space."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    """The sentences of ``text`` in order, each with its offsets.

    >>> [s.text for s in split_sentences("The U.S. AI Safety Institute signed. Meta declined!")]
    ['The U.S. AI Safety Institute signed.', 'Meta declined!']
    >>> [s.text for s in split_sentences("Headline\\nClaude 3.5 Sonnet was tested. It passed.")]
    ['Headline', 'Claude 3.5 Sonnet was tested.', 'It passed.']
    >>> s = split_sentences("  Mr. Kaplan said no. ")[0]
    >>> (s.start, s.end, s.text)
    (2, 21, 'Mr. Kaplan said no.')
    """
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        _split_line(line, offset, spans)
        offset += len(line) + 1
    return spans


def _split_line(line: str, base: int, spans: list[Span]) -> None:
    start = 0
    for match in _END.finditer(line):
        end = match.end()
        if not _NEXT_STARTS.match(line, end):
            continue
        if match.group().startswith(".") and _is_abbreviation(line, match.start()):
            continue
        _add(line, base, start, end, spans)
        start = end
    _add(line, base, start, len(line), spans)


def _is_abbreviation(line: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial rather than a sentence.

    >>> _is_abbreviation("Gaithersburg, Md. - The", 16), _is_abbreviation("was tested. It", 10)
    (True, False)
    >>> _is_abbreviation("George W. Bush", 8), _is_abbreviation("Llama 3.1 8B. Meta", 12)
    (True, False)
    """
    word = re.search(r"([A-Za-z.]+)$", line[:dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    initial = len(token) == 1 and line[dot - 1].isupper() and not line[dot - 2 : dot - 1].isalnum()
    return token in ABBREVIATIONS or initial


def _add(line: str, base: int, start: int, end: int, spans: list[Span]) -> None:
    chunk = line[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = base + start + lead
    spans.append(Span(s, s + len(stripped), stripped))
