"""The source block of a draft: title, publication date and publisher, where the document says.

Why from two places: HTML and PDF carry metadata in the container (``<meta>`` tags, the PDF's
document information), plain text only in its first lines. The first lines of any document are
read as a header: the first is the title; the following short lines that hold a date or start
with "By", "Published", "Publisher" or "Updated" are the byline. Byline lines are metadata, not
article text: the drafter takes no mentions or statements from them. A dateline ("PARIS -",
"GAITHERSBURG, Md. -") at the start of a paragraph is skipped the same way.

Nothing is guessed: a field that is not found is left out of the draft and marked for the
curator. A PDF's creation date is not its publication date and is never used as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govkg.graph.draft.dates import find_dates, normalise_date

_BYLINE_START = re.compile(r"^(?:by|published|publisher|updated|posted|source)\b[:\s]", re.I)
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:,\s+[A-Z][a-z]+\.?)?\s+[-\u2013\u2014]\s+")
_SEPARATORS = re.compile(r"\s*(?:[|\u00b7\u2022,]|\s[-\u2013\u2014]\s)\s*")
_LABEL = re.compile(r"^(?:published|publisher|updated|posted|source)\s*:?\s*(?:by\s+)?", re.I)


@dataclass
class SourceMeta:
    """What the document says about itself, and the spans that are metadata, not content."""

    title: str | None = None
    published: str | None = None
    precision: str | None = None
    publisher: str | None = None
    skip: list[tuple[int, int]] = field(default_factory=list)


def read_metadata(text: str, container: dict[str, str]) -> SourceMeta:
    """Title, date and publisher from the container's metadata, else from the header lines.

    >>> m = read_metadata("Meta signs code\\nGovkg Test Wire, 23 July 2024\\n\\nMeta signed.", {})
    >>> (m.title, m.published, m.precision, m.publisher)
    ('Meta signs code', '2024-07-23', 'day', 'Govkg Test Wire')
    """
    meta = SourceMeta(title=container.get("title"), publisher=container.get("publisher"))
    if container.get("published"):
        found = normalise_date(container["published"])
        if found:
            meta.published, meta.precision = found
    lines = _lines(text)
    header = _header_lines(lines)
    first = header[0][2].strip() if header else ""
    bylines = header[1:]
    if header and _is_byline(first):
        bylines = header  # no headline: the document opens with its byline
    elif meta.title is None and len(first.split()) <= 20 and not first.endswith("."):
        meta.title = first  # a headline, not the first sentence of an article without one
    for start, end, line in bylines:
        meta.skip.append((start, end))
        dates = [d for d in find_dates(line) if not d.relative]
        if dates and meta.published is None:
            meta.published, meta.precision = dates[0].value, dates[0].precision
        if meta.publisher is None and (dates or _BYLINE_START.match(line.strip())):
            meta.publisher = _publisher(line, dates)
    for start, _end, line in lines:
        dateline = _DATELINE.match(line)
        if dateline:
            meta.skip.append((start, start + dateline.end()))
    return meta


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((offset, offset + len(line), line))
        offset += len(line) + 1
    return out


def _header_lines(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The title line and the byline lines right after it."""
    if not lines:
        return []
    header = [lines[0]]
    for entry in lines[1:5]:
        line = entry[2].strip()
        words = line.split()
        if _is_byline(line):
            header.append(entry)
        elif len(words) <= 3 and not line.endswith("."):
            header.append(entry)  # the rest of a wrapped title or a short label
        else:
            break
    return header


def _is_byline(line: str) -> bool:
    """A short line with a date or a "By"/"Published" label, not a sentence.

    >>> _is_byline("Govkg Test Wire, 23 July 2024"), _is_byline("Meta signed on 23 July 2024.")
    (True, False)
    """
    line = line.strip()
    if len(line.split()) > 12 or line.endswith("."):
        return False
    return bool(_BYLINE_START.match(line)) or any(not d.relative for d in find_dates(line))


def _publisher(line: str, dates: list) -> str | None:
    """The words of a byline that are not a date or a label: the publisher, if capitalised.

    >>> line = "Published 30 January 2025 by Govkg Test Wire"
    >>> _publisher(line, find_dates(line))
    'Govkg Test Wire'
    >>> _publisher("By a staff writer", []) is None
    True
    """
    rest = line
    for d in sorted(dates, key=lambda d: -d.start):
        rest = rest[: d.start] + "|" + rest[d.end :]
    for part in _SEPARATORS.split(rest):
        part = _LABEL.sub("", part.strip()).strip()
        part = re.sub(r"^by\s+", "", part, flags=re.I).strip(" :")
        words = part.split()
        if words and all(w[:1].isupper() for w in words) and len(words) <= 6:
            return part
    return None
