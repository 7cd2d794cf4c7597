"""Who does what in a sentence: the mentions that fill a statement's roles around a cue.

Why so simple: drafting proposes, the curator decides. The rules (docs/draft.md, "Roles"):

- the **subject** of a cue is the group of mentions just before it, joined by list separators
  ("Amazon, Anthropic and Google signed"); when an appositive stands between them and the cue
  ("Joel Kaplan, Meta's chief global affairs officer, argued") the subject is what comes before
  the first comma;
- a subject written as a noun ("The company said", "The regulator said", "The U.S. institute
  signed") refers back to the last organisation (or government body, or person) that opened an
  earlier sentence;
- after a passive verb ("was signed by France, China and India") the subject follows "by";
- the **objects** of a cue are the mentions after it, up to the next cue;
- a country named in an organisation's role stands for its government ("France signed" is the
  Government of France) when the registry has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govkg.graph.draft.lexicon import BACK_REFERENCES
from govkg.graph.draft.mentions import Mention
from govkg.graph.draft.registry import EntityRegistry

_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+)(?:the\s+)?$")
_BACKREF = re.compile(
    r"\b(?:the|its|this|that)\s+(?:[\w.]+\s+){0,2}?(" + "|".join(BACK_REFERENCES) + r")s?"
    r"(?:\s+[a-z]+)?\s*$",
    re.I,
)
_BACKREF_NOUN = re.compile(r"\b(" + "|".join(BACK_REFERENCES) + r")s?\s*$", re.I)
#: Organisation classes that are government bodies (for "the regulator", "the institute").
AGENCY_CLASSES = frozenset({"Agency", "ExecutiveOffice", "Legislature", "IntergovernmentalBody"})
ACTOR_KINDS = frozenset({"organisation", "person", "jurisdiction", "agency"})


@dataclass
class Context:
    """What earlier sentences opened with, for resolving "the company", "the regulator"."""

    last: dict[str, Mention] = field(default_factory=dict)
    #: the first mention of each role in the whole document, for a noun with nothing before it
    first: dict[str, Mention] = field(default_factory=dict)

    def resolve(self, role: str) -> list[Mention]:
        """The mention "the company" (role ``organisation``) and the like refer to."""
        found = self.last.get(role) or self.first.get(role)
        return [found] if found else []

    def remember(self, mentions: list[Mention], registry: EntityRegistry) -> None:
        """Record the first organisation, government body and person of a sentence."""
        seen: set[str] = set()
        for m in mentions:
            role = role_kind(m, registry)
            if role and role not in seen:
                seen.add(role)
                self.last[role] = m


def role_kind(m: Mention, registry: EntityRegistry) -> str | None:
    """``organisation``, ``agency`` or ``person`` for back-references; None for the rest."""
    if m.id is None:
        return {"agency": "agency", "organisation": "organisation", "person": "person"}.get(m.kind)
    entity = registry.entities[m.id]
    if entity.category == "person":
        return "person"
    if entity.category == "organisation":
        return "agency" if entity.cls in AGENCY_CLASSES else "organisation"
    return None


def as_actor(m: Mention, registry: EntityRegistry) -> tuple[str, bool] | None:
    """The id an actor/party role takes for a mention, and whether it was mapped (a country
    standing for its government). None when the mention cannot act (a model, an instrument)."""
    if m.id is None:
        return (m.proposed_id, False) if m.kind in ACTOR_KINDS else None
    entity = registry.entities[m.id]
    if entity.category in ("organisation", "person"):
        return m.id, False
    if entity.category == "jurisdiction":
        governments = registry.governments(m.text)
        if governments:
            return governments[0], True
    return None


def subject(
    sentence_text: str, base: int, cue_start: int, mentions: list[Mention], ctx: Context
) -> tuple[list[Mention], bool]:
    """The mentions acting as subject of the cue at ``cue_start`` (sentence-relative), and
    whether they were found by back-reference."""
    head = sentence_text[:cue_start]
    clause = _clause_start(head)
    before = [m for m in mentions if clause <= m.start - base and m.end - base <= cue_start]
    if before:
        gap = sentence_text[before[-1].end - base : cue_start]
        if re.fullmatch(r",\s*", gap):  # "..., among them Amazon, ... and xAI, signed"
            group = _group(sentence_text, base, before)
            lead = sentence_text[: group[0].start - base]
            if _LIST_INTRO.search(lead):
                return group, False
        if not re.search(r"[,;]", gap) and not _CLAUSE_WORDS.search(gap):
            noun = _noun_after_mention(gap)
            if noun is None:
                return _group(sentence_text, base, before), False
            return ctx.resolve(BACK_REFERENCES[noun]), True
    segment = head[clause:]
    if "," in segment:
        last = clause + segment.rindex(",")
        own = head[last + 1 :]  # the cue's own clause: "..., after the Chinese start-up told"
        own_mentions = [m for m in before if m.start - base > last]
        if own_mentions:
            return _group(sentence_text, base, own_mentions), False
        back = _BACKREF.search(own)
        if back and own.strip():
            return ctx.resolve(BACK_REFERENCES[back.group(1).lower()]), True
        if not own.strip():  # ", warning that": a participle shares the sentence's subject
            opening = [m for m in before if not head[clause : m.start - base].strip(" -")]
            if opening and not re.search(r"[,;]", head[clause : opening[0].start - base]):
                first_group = _group_forward(sentence_text, base, before, opening[0])
                if _verb_follows(sentence_text, base, first_group[-1]):
                    return first_group, False
        first = clause + segment.index(",")
        inside = [m for m in before if m.end - base <= first]
        if inside:
            gap = head[inside[-1].end - base : first]
            noun = _noun_after_mention(gap)
            if noun is None and not gap.strip():
                return _group(head, base, inside), False
        appositive = [m for m in before if m.start - base > first]
        if (
            appositive
            and _BACKREF_NOUN.search(head[clause:first])
            and re.fullmatch(r",\s*(?:the\s+)?", head[first : appositive[0].start - base])
        ):  # "Italy's data protection authority, the Garante, ordered"
            return _group(head, base, appositive[:1]), False
        segment = head[clause:first]
    back = _BACKREF.search(segment)
    if back:
        return ctx.resolve(BACK_REFERENCES[back.group(1).lower()]), True
    return [], False


#: Words opening an introductory phrase: its comma does not close the subject.
_INTRO = re.compile(
    r"^\s*(?:[A-Z][A-Z .,'-]*\s[-\u2013\u2014]\s+)?(?:According|While|By|In|If|After|As|"
    r"Although|When|Under|For|With|Despite|Since|Following|Conversely|However|Notably|Earlier|"
    r"Later|Meanwhile)\b"
)
_LIST_INTRO = re.compile(r"\b(?:among them|including|such as|led by|notably)\s+(?:the\s+)?$", re.I)
_CLAUSE_WORDS = re.compile(r"\b(?:that|which|who|because|while|if|when|whether|although)\b", re.I)


def _clause_start(head: str) -> int:
    """Where the main clause starts: after an introductory phrase's comma, else 0."""
    if _INTRO.match(head) and "," in head:
        return head.rindex(",") + 1
    return 0


def _noun_after_mention(gap: str) -> str | None:
    """The noun a mention only modifies ("U.S. institute", "Italy's data protection authority").

    >>> _noun_after_mention("'s data protection authority "), _noun_after_mention(" said ")
    ('authority', None)
    """
    nouns = "|".join(BACK_REFERENCES)
    m = re.match(rf"^(?:['\u2019]s)?\s+(?:[a-z][\w-]*\s+){{0,3}}?({nouns})s?\s*$", gap)
    return m.group(1) if m else None


def _group_forward(
    sentence_text: str, base: int, mentions: list[Mention], first: Mention
) -> list[Mention]:
    """The list of mentions starting at ``first`` ("Amazon, Microsoft and Nvidia")."""
    group = [first]
    for m in mentions[mentions.index(first) + 1 :]:
        if not _LIST_GAP.match(sentence_text[group[-1].end - base : m.start - base]):
            break
        group.append(m)
    return group


def _verb_follows(sentence_text: str, base: int, m: Mention) -> bool:
    """Whether a lower-case word (a verb, presumably) follows the mention: it is a subject."""
    return bool(re.match(r"\s+(?:has\s+|have\s+|had\s+)?[a-z]+", sentence_text[m.end - base :]))


def _group(sentence_text: str, base: int, before: list[Mention]) -> list[Mention]:
    """The last mention before the cue and those listed with it."""
    group = [before[-1]]
    for m in reversed(before[:-1]):
        gap = sentence_text[m.end - base : group[0].start - base]
        if not _LIST_GAP.match(gap):
            break
        group.insert(0, m)
    return group


def objects(mentions: list[Mention], base: int, start: int, end: int) -> list[Mention]:
    """Mentions after the cue (sentence-relative ``start``) and before ``end``."""
    return [m for m in mentions if start <= m.start - base and m.end - base <= end]


def clause_objects(
    sentence_text: str, mentions: list[Mention], base: int, start: int, end: int
) -> list[Mention]:
    """Objects of a cue within its clause: a comma ends them unless it separates a list."""
    out: list[Mention] = []
    cursor = start
    for m in objects(mentions, base, start, end):
        gap = sentence_text[cursor : m.start - base]
        if re.search(r"[,;]", gap) and not (out and _LIST_GAP.match(gap)):
            break
        out.append(m)
        cursor = m.end - base
    return out
