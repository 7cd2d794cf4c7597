"""The cue lexicon: verbs and phrases that signal a statement of a known kind.

Each :class:`Cue` is a regular expression over a sentence, the statement kind it proposes, the
value it fixes (a participation status, an action type, a stance) and a base confidence. The
drafter (:mod:`govkg.graph.draft.statements`) finds the roles around the cue: who acts (the
mentions just before it), on what (the mentions after it). Edit here to teach the drafter a new
phrasing; docs/draft.md lists the cues in words.

    >>> [(c.kind, c.value) for c in match_cues("Meta declined to sign the code")]
    [('participation', 'declined')]
    >>> [(c.kind, c.value) for c in match_cues("The Garante fined OpenAI")]
    [('action', 'order')]
    >>> match_cues("Microsoft said it would sign the code")[0].kind
    'claim'
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    """A statement cue: its pattern, kind, the value it implies and its base confidence."""

    kind: str
    value: str | None
    pattern: re.Pattern[str]
    confidence: float
    note: str | None = None


def _cue(kind: str, value: str | None, pattern: str, confidence: float, note: str | None = None):
    return Cue(kind, value, re.compile(pattern, re.I), confidence, note)


#: Phrases before a verb that make it an intention, not a fact ("would sign", "plans to join").
INTENT = re.compile(
    r"\b(?:would|will|to|could|may|might|plans? to|intends? to|expected to|likely to|"
    r"not yet)\s+(?:\w+\s+)?$",
    re.I,
)
#: Passive forms ("was signed by", "is backed by"): the actor follows "by".
PASSIVE = re.compile(r"\b(?:is|are|was|were|been|be|being)\s+(?:\w+ly\s+)?$", re.I)

CUES: tuple[Cue, ...] = (
    # participation -------------------------------------------------------------------------
    _cue(
        "participation", "declined",
        r"\b(?:declined|refused|decided not|will not|would not|won't|did not|does not)\s+"
        r"(?:to\s+)?(?:sign|join|endorse)\b|\bstay(?:ed|s)? off\b",
        0.85,
    ),
    _cue("participation", "withdrew", r"\b(?:withdrew|withdrawn|pulled out)\s+(?:from|of)\b",
         0.8),
    _cue("participation", "negotiating", r"\b(?:negotiating|in talks over)\b", 0.7),
    _cue("participation", "signed",
         r"\b(?:signed|joined|signs|joins)\b(?!\s+(?:\w+\s+)?into law)", 0.8),
    _cue(
        "participation", "participates",
        r"\b(?:participates?|participating|takes? part|took part)\s+in\b|\bintegrated\b",
        0.65,
    ),
    _cue("participation", "subject-to", r"\bsubject to\b", 0.6),
    # evaluation ----------------------------------------------------------------------------
    _cue("evaluation", None, r"\b(?:evaluated|tested|assessed|red-teamed|evaluation of)\b", 0.75),
    # release -------------------------------------------------------------------------------
    _cue("release", None, r"\b(?:released|launched|unveiled|open-sourced|debuted)\b", 0.8),
    # regulatory action ---------------------------------------------------------------------
    _cue("action", "veto", r"\bveto(?:ed|es)\b", 0.85),
    _cue("action", "enactment", r"\bsigned\s+(?:\w+\s+)?into law\b|\benacted\b", 0.8),
    _cue("action", "order", r"\bfined\b|\bimposed an? (?:\w+ )?fine\b", 0.75,
         "a fine: the ontology has no 'fine' action type; 'order' is the nearest"),
    _cue("action", "order", r"\bordered\b", 0.8),
    _cue("action", "pressure", r"\b(?:pressuring|pressing|pressured|pressed|urged|urging)\b", 0.75),
    _cue("action", "request", r"\b(?:asked|requested|demanded|called on)\b", 0.65),
    _cue("action", "investigation",
         r"\b(?:investigating|investigates|probing|"
         r"opened an? (?:\w+ )?(?:investigation|inquiry))\b",
         0.75),
    _cue("action", "proposal",
         r"\b(?:proposed|proposes|proposing|pushing for|seeking to|seeks to|aims? to)\b", 0.6),
    _cue("action", "revocation", r"\b(?:revoked|rescinded|repealed)\b", 0.8),
    _cue("action", "establishment", r"\b(?:established|set up|created|founded)\b", 0.6),
    _cue("action", "publication", r"\b(?:published|issued)\b", 0.6),
    _cue("action", "negotiation", r"\b(?:hold|holds|holding|held) (?:\w+ )?meetings\b", 0.65),
    # stance --------------------------------------------------------------------------------
    _cue("stance", "resistant",
         r"\b(?:opposed|opposes|resisted|resists|objected to|lobbied against)\b", 0.7),
    _cue("stance", "cooperative", r"\b(?:supported|supports|welcomed|backed|championed)\b", 0.6),
    _cue("stance", "compliant", r"\bcomplied with\b", 0.6),
    # claims --------------------------------------------------------------------------------
    _cue("claim", None,
         r"\b(?:said|says|argued|argues|warned|warns|warning|told|stressed|noted|notes?|"
         r"maintains?|insisted|insists|claimed|claims|believes|wrote|added|contended|"
         r"found that)\b",
         0.6),
)  # fmt: skip

#: Stance words in a table cell ("| Meta | Resistant | ... |").
STANCE_WORDS = {"cooperative": "cooperative", "compliant": "compliant", "resistant": "resistant"}
#: Participation status from the start of a table cell.
CELL_STATUS = (
    (re.compile(r"^signed\b", re.I), "signed"),
    (re.compile(r"^declined\b", re.I), "declined"),
    (re.compile(r"^participates? in\b", re.I), "participates"),
    (re.compile(r"^subject to\b", re.I), "subject-to"),
    (re.compile(r"\bnegotiating\b", re.I), "negotiating"),
)


@dataclass(frozen=True)
class CueMatch:
    """One cue found in a sentence, at ``start``-``end`` (offsets in the sentence)."""

    cue: Cue
    start: int
    end: int

    @property
    def kind(self) -> str:
        return self.cue.kind

    @property
    def value(self) -> str | None:
        return self.cue.value


def match_cues(sentence: str) -> list[CueMatch]:
    """The cues of a sentence in order; a stretch of text serves one cue only (the first
    listed in :data:`CUES`), and intentions ("would sign") are no participation."""
    found: list[CueMatch] = []
    for cue in CUES:
        for m in cue.pattern.finditer(sentence):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            intent_matters = cue.kind in ("participation", "release") and cue.value != "declined"
            if intent_matters and INTENT.search(sentence[: m.start()]):
                continue
            found.append(CueMatch(cue, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def is_passive(sentence: str, cue: CueMatch) -> bool:
    """Whether the cue is a passive verb ("was signed by"): its actor comes after "by"."""
    return bool(PASSIVE.search(sentence[: cue.start])) and bool(
        re.match(r"\s+(?:\w+\s+){0,3}?by\b", sentence[cue.end :])
    )
