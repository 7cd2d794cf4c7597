"""A candidate statement and the bookkeeping every kind shares: date, confidence, checks.

Why apart from the extraction rules (:mod:`govkg.graph.draft.statements`): what a candidate is
(fields, verbatim quote, offsets, confidence, the curator's checks, the sources that already
state it) is the draft's contract with :mod:`~govkg.graph.draft.output` and
:mod:`~govkg.graph.draft.known`; how candidates are found changes far more often.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govkg.graph.draft.dates import FoundDate
from govkg.graph.draft.mentions import Mention
from govkg.graph.draft.registry import EntityRegistry
from govkg.graph.draft.sentences import Span


@dataclass
class Candidate:
    """A candidate statement for the curator: fields, verbatim quote and how sure it is."""

    kind: str
    fields: dict[str, Any]
    quote: str
    start: int
    end: int
    confidence: float
    check: dict[str, str] = field(default_factory=dict)
    known_in: list[str] = field(default_factory=list)

    def key(self) -> tuple:
        """Identity for de-duplication: kind and fields (not the quote)."""
        return (self.kind, tuple(sorted((k, str(v)) for k, v in self.fields.items())))


@dataclass
class Sentence:
    """A sentence with the mentions and dates inside it."""

    span: Span
    mentions: list[Mention]
    dates: list[FoundDate]


class CandidateBuilder:
    """Creates candidates and lowers their confidence for every guess made on the way."""

    def __init__(self, registry: EntityRegistry, article_date: str | None) -> None:
        self.registry = registry
        self.article_date = article_date
        self.out: list[Candidate] = []

    def _new(
        self, kind: str, fields: dict[str, Any], item: Sentence, confidence: float
    ) -> Candidate:
        cand = Candidate(kind, fields, item.span.text, item.span.start, item.span.end, confidence)
        if any(m.how in ("fuzzy", "developer") for m in item.mentions):
            cand.confidence -= 0.1
            cand.check["links"] = "a name in this sentence was linked by a fuzzy match"
        self.out.append(cand)
        return cand

    def _date(self, cand: Candidate, item: Sentence, name: str, required: bool = True) -> None:
        if item.dates:
            cand.fields[name] = item.dates[0].value
            if item.dates[0].relative:
                cand.check[name] = "a weekday or day without year, read against the article's date"
        elif required and self.article_date:
            cand.fields[name] = self.article_date
            cand.check[name] = "the sentence gives no date: this is the article's date"
            cand.confidence -= 0.05
        elif required:
            cand.fields[name] = "TODO"
            cand.check[name] = "no date in the sentence and the article's date is unknown"
        cand.confidence = round(max(0.05, cand.confidence), 2)

    def _flags(self, cand: Candidate, *, backref: bool = False, mapped: bool = False,
               instrument: tuple[str | None, bool] | None = None) -> None:  # fmt: skip
        if backref:
            cand.confidence -= 0.15
            cand.check["subject"] = (
                "the subject is a noun ('the company'), read as the last one named"
            )
        if mapped:
            cand.check["actor"] = "a country named as actor, read as its government"
        if instrument is not None:
            value, guessed = instrument
            if value is None:
                cand.confidence -= 0.2
                cand.check["instrument"] = "no registry instrument named near the sentence"
            elif guessed:
                cand.confidence -= 0.15
                cand.check["instrument"] = "not named in the sentence: taken from its neighbours"
        cand.confidence = round(max(0.05, cand.confidence), 2)
