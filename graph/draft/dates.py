"""Dates in running text, with their precision, and weekdays resolved against the article date.

Why keep the precision: the data format writes ``YYYY-MM-DD`` for a day and ``YYYY-MM`` for a
month (docs/data-format.md); a draft must not turn "in July 2025" into 1 July. Recognised:

- ``2024-07-23``; ``23 July 2024``; ``July 23, 2024``; ``Jul. 23, 2024`` (precision day);
- ``July 2024`` (precision month);
- ``on January 20`` / ``20 January`` without a year, and ``on Tuesday`` / ``on Friday``: only
  when the article's own date is known, taken as the latest such day on or before it (news
  reports the past); without an article date these give no date at all, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})\b"
_NO_YEAR = r"\b(?!,?\s*\d{4})"
_PATTERNS = [
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b")),
    ("dmy", re.compile(r"\b" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR, re.I)),
    ("mdy", re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR, re.I)),
    ("my", re.compile(r"\b" + _MONTH + r",?\s+" + _YEAR, re.I)),
    ("md", re.compile(r"\b" + _MONTH + r"\s+" + _DAY + _NO_YEAR, re.I)),
    ("dm", re.compile(r"\b" + _DAY + r"\s+" + _MONTH + _NO_YEAR, re.I)),
    ("weekday", re.compile(r"\bon\s+(?P<weekday>" + "|".join(WEEKDAYS) + r")\b", re.I)),
]


@dataclass(frozen=True)
class FoundDate:
    """A date found in the text: its value as the data format writes it, and where it was."""

    value: str  # "YYYY-MM-DD" or "YYYY-MM"
    precision: str  # "day" | "month"
    start: int
    end: int
    relative: bool = False  # resolved against the article date


def find_dates(text: str, article_date: str | None = None) -> list[FoundDate]:
    """Every date in ``text``, in order, without overlaps (the longest reading wins).

    >>> [d.value for d in find_dates("On 23 July 2024 and in March 2023; 2025-01-20.")]
    ['2024-07-23', '2023-03', '2025-01-20']
    >>> [d.value for d in find_dates("Meta said on Friday", "2025-07-18")]
    ['2025-07-18']
    >>> find_dates("Meta said on Friday")
    []
    >>> [d.value for d in find_dates("released on January 20", "2025-01-30")]
    ['2025-01-20']
    """
    anchor = _parse_day(article_date) if article_date else None
    found: list[FoundDate] = []
    taken = bytearray(len(text))  # 1 where a longer reading already found a date
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if 1 in taken[m.start() : m.end()]:
                continue
            value = _value(kind, m, anchor)
            if value is None:
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            precision = "month" if kind == "my" else "day"
            relative = kind in ("md", "dm", "weekday")
            found.append(FoundDate(value, precision, m.start(), m.end(), relative))
    return sorted(found, key=lambda d: d.start)


def _value(kind: str, m: re.Match[str], anchor: date | None) -> str | None:
    groups = m.groupdict()
    try:
        if kind == "iso":
            return date(int(groups["year"]), int(groups["mnum"]), int(groups["day"])).isoformat()
        month = MONTHS[groups["month"].lower()] if groups.get("month") else 0
        if kind in ("dmy", "mdy"):
            return date(int(groups["year"]), month, int(groups["day"])).isoformat()
        if kind == "my":
            return f"{int(groups['year']):04d}-{month:02d}"
        if anchor is None:
            return None
        if kind == "weekday":
            back = (anchor.weekday() - WEEKDAYS.index(groups["weekday"].lower())) % 7
            return (anchor - timedelta(days=back)).isoformat()
        day = date(anchor.year, month, int(groups["day"]))
        if day > anchor:
            day = date(anchor.year - 1, month, int(groups["day"]))
        return day.isoformat()
    except ValueError:
        return None


def _parse_day(value: str) -> date | None:
    """A ``YYYY-MM-DD`` date (month-precision dates cannot anchor a weekday)."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def normalise_date(value: str) -> tuple[str, str] | None:
    """A metadata date (``2024-07-23T16:40:00Z``, ``23 July 2024``) as (value, precision).

    >>> normalise_date("2025-07-18T16:40:00Z"), normalise_date("July 2024"), normalise_date("x")
    (('2025-07-18', 'day'), ('2024-07', 'month'), None)
    """
    head = value.strip()[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", head) and _parse_day(head):
        return head, "day"
    found = find_dates(value)
    if found and not found[0].relative:
        return found[0].value, found[0].precision
    return None
