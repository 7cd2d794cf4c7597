"""Finding entity mentions in a document and linking them to the curated registry.

Three passes over the text (the rules are in docs/draft.md, "Entity links"):

1. **Registry names.** Every label, alias and partial name of the registry is searched as
   written (multi-word names also with the first letter in the other case: "Federal officials"
   at the start of a sentence is the alias "federal officials"); the longest name wins. Score 1.
   A jurisdiction followed by "government" ("the U.S. government") is that jurisdiction's
   government, when the registry has one (score 0.9).
2. **Capitalised names the registry does not spell that way.** Runs of capitalised words (with
   "of", "for", "and", ... inside, and numbers after a word: "Llama 3.1 405B") that the first
   pass did not cover are looked up by key (initialisms collapsed, "US" is "U.S.": score 0.95),
   as the last word of a person or organisation the document names in full ("Newsom" after
   "Gavin Newsom", "Commerce" after "Department of Commerce": 0.8),
   as the government of a place ("France": "Government of France", 0.9), with a developer
   named in the document in front ("R1" after "DeepSeek": "DeepSeek R1", 0.9), and fuzzily
   (difflib ratio of the keys, at least 0.9; the ratio is the score).
3. **New names.** A run still unknown is proposed as a NEW entity with a guessed kind
   (:func:`guess_kind`), unless it cannot be a name: a title alone ("Commerce Secretary"), a
   weekday or month, a nationality, an event ("AI Action Summit"), a licence ("MIT licence"),
   a single capitalised word that starts a sentence (or a table cell) and is never capitalised
   elsewhere, or a word of a Title-Case headline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from govkg.graph.draft.dates import MONTHS, WEEKDAYS
from govkg.graph.draft.lexicon import (
    AGENCY_WORDS,
    CONNECTORS,
    DEMONYMS,
    EVENT_WORDS,
    INSTRUMENT_WORDS,
    NOT_NAMES,
    ORGANISATION_WORDS,
    PERSON_TITLES,
    TITLE_PREFIXES,
)
from govkg.graph.draft.registry import EntityRegistry
from govkg.graph.draft.sentences import Span
from govkg.graph.importers.names import slugify

_TOKEN = re.compile(r"[\w\u00c0-\u024f][\w\u00c0-\u024f.'\u2019+&-]*")
_INITIALISM = re.compile(r"(?:[A-Z]\.){2,}")
_GOVERNMENT_AFTER = re.compile(r"\s+(?:federal\s+)?[Gg]overnment\b")
_BILL_NUMBER = re.compile(r"^(?:SB|HB|AB|EO|HR|S|H\.R\.)\s?\d+", re.I)
_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)
_MODEL_PART = re.compile(r"\d|GPT|Chat|Bot|LM\b")


@dataclass
class Mention:
    """One mention: where it is, what it links to and how sure the link is."""

    text: str
    start: int
    end: int
    id: str | None  # registry id; None for a proposed new entity
    kind: str  # the registry category, or the guessed kind of a new entity
    how: str  # exact | government | key | short | developer | fuzzy | new
    score: float
    candidates: list[str] = field(default_factory=list)  # other registry ids it may be
    cue: str | None = None  # for a new entity: why this kind

    @property
    def proposed_id(self) -> str:
        """The id a new entity would get: the slug of its name."""
        return self.id or slugify(self.text)


def find_mentions(
    text: str,
    registry: EntityRegistry,
    sentences: list[Span],
    skip: list[tuple[int, int]],
    dates: Sequence[tuple[int, int]] = (),
) -> list[Mention]:
    """Every entity mention in ``text`` outside the ``skip`` spans (bylines, datelines), in
    order; ``dates`` (spans of dates) are never names."""
    skipped = bytearray(len(text))  # 1 inside bylines and datelines
    for start, end in skip:
        skipped[start:end] = b"\x01" * (end - start)
    mentions = [m for m in _registry_mentions(text, registry) if 0 in skipped[m.start : m.end]]
    covered = bytearray(len(text))  # 1 where a mention, a date or a byline already is
    for start, end in [(m.start, m.end) for m in mentions] + list(dates) + list(skip):
        covered[start:end] = b"\x01" * (end - start)
    developers = sorted({m.text for m in mentions if m.kind == "organisation"}, key=len)
    short = short_names(mentions, registry)
    mid_sentence_caps = _mid_sentence_caps(text, sentences)
    for sentence in sentences:
        if 0 not in skipped[sentence.start : sentence.end]:
            continue
        headline = _is_headline(sentence.text)
        for run in _capitalised_runs(text, sentence):
            for piece in _uncovered(run, covered):
                found = _link_run(text, piece, registry, developers, short)
                parts: list[Mention | None] = [found] if found else []
                if not found and not headline:
                    for part in _split_list(text, piece):
                        linked = (
                            _link_run(text, part, registry, developers, short)
                            if part != piece
                            else None
                        )
                        parts.append(linked or _propose(text, part, sentence, mid_sentence_caps))
                for mention in parts:
                    if mention is not None:
                        mentions.append(mention)
                        covered[mention.start : mention.end] = b"\x01" * len(mention.text)
    return sorted(mentions, key=lambda m: m.start)


# -- pass 1: registry names ------------------------------------------------------------------


@cache
def _scanner(registry: EntityRegistry) -> re.Pattern[str]:
    parts = []
    for surface in registry.all_surfaces():
        if len(surface) < 2:
            continue
        body = re.escape(surface[1:]).replace(r"\ ", r"\s+").replace("'", "['\u2019]")
        first = re.escape(surface[0])
        if " " in surface and surface[0].isalpha():
            first = f"[{surface[0].lower()}{surface[0].upper()}]"
        parts.append(first + body)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w]|-\w)")


def _registry_mentions(text: str, registry: EntityRegistry) -> list[Mention]:
    out: list[Mention] = []
    for m in _scanner(registry).finditer(text):
        surface = re.sub(r"\s+", " ", m.group()).replace("\u2019", "'")
        ids = registry.exact(surface) or registry.by_key(surface)
        if not ids:
            continue
        entity = registry.entities[ids[0]]
        mention = Mention(m.group(), m.start(), m.end(), ids[0], entity.category, "exact", 1.0)
        mention.candidates = ids[1:]
        after = _GOVERNMENT_AFTER.match(text, m.end())
        if entity.category == "jurisdiction" and after:
            governments = registry.governments(surface)
            if governments:
                end = after.end()
                mention = Mention(
                    text[m.start() : end], m.start(), end, governments[0], "organisation",
                    "government", 0.9, [ids[0]],
                )  # fmt: skip
        out.append(mention)
    return out


# -- pass 2 and 3: capitalised runs ----------------------------------------------------------


def _capitalised_runs(text: str, sentence: Span) -> list[list[re.Match[str]]]:
    """Runs of capitalised tokens (connectors inside, numbers after a word) in a sentence."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    previous_end = -1
    for token in _TOKEN.finditer(text, sentence.start, sentence.end):
        word = _clean(token.group())
        gap = text[previous_end : token.start()] if previous_end >= 0 else " "
        joined = gap == " " and current and not current[-1].group().endswith(("'s", "\u2019s"))
        capital = word[:1].isupper() and word.lower() not in _CALENDAR
        number = word[:1].isdigit() and bool(current)
        connector = word in CONNECTORS and bool(current)
        if (capital or number or connector) and (joined or not current):
            current.append(token)
        else:
            _close(current, runs)
            current = [token] if capital else []
        previous_end = token.end()
    _close(current, runs)
    return runs


def _close(run: list[re.Match[str]], runs: list[list[re.Match[str]]]) -> None:
    """Add a run without connectors at its ends ("and India" is "India")."""
    run = list(run)
    while run and _clean(run[-1].group()) in CONNECTORS:
        run.pop()
    while run and _clean(run[0].group()) in CONNECTORS:
        run.pop(0)
    if run:
        runs.append(list(run))


def _clean(token: str) -> str:
    """A token without a possessive or a sentence-final full stop ("Meta's" → "Meta")."""
    for suffix in ("'s", "\u2019s"):
        if token.endswith(suffix):
            token = token[: -len(suffix)]
    if token.endswith(".") and not _INITIALISM.fullmatch(token):
        token = token.rstrip(".")
    return token.rstrip("-'\u2019")


def _uncovered(run: list[re.Match[str]], covered: bytearray) -> list[tuple[int, int]]:
    """The stretches of a run (as character spans) that no mention covers yet."""
    groups: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for token in run:
        if 1 in covered[token.start() : token.end()]:
            _close(current, groups)
            current = []
        else:
            current.append(token)
    _close(current, groups)
    return [(g[0].start(), _token_end(g[-1])) for g in groups]


def _split_list(text: str, piece: tuple[int, int]) -> list[tuple[int, int]]:
    """An unknown run with "and" inside is a list of names ("France and India"), not one.

    >>> _split_list("by France and India.", (3, 19))
    [(3, 9), (14, 19)]
    """
    start, end = piece
    parts, cursor = [], start
    for m in re.finditer(r"\s+(?:and|&)\s+", text[start:end]):
        parts.append((cursor, start + m.start()))
        cursor = start + m.end()
    parts.append((cursor, end))
    return [p for p in parts if p[1] > p[0]]


def _token_end(token: re.Match[str]) -> int:
    return token.start() + len(_clean(token.group()))


def _trim_titles(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """Cut leading articles and titles ("The", "Vice President") from a span."""
    had_title = False
    while True:
        m = re.match(r"([\w.]+)\s+", text[start:end])
        if not m:
            break
        word = m.group(1).lower().rstrip(".")
        following = re.match(r"([\w.]+)", text[start + m.end() : end])
        next_word = following.group(1).lower().rstrip(".") if following else ""
        if word in PERSON_TITLES or (word in TITLE_PREFIXES and next_word in PERSON_TITLES):
            had_title = True
        elif word not in ("the", "a", "an"):
            break
        start += m.end()
    return start, end, had_title


def short_names(mentions: list[Mention], registry: EntityRegistry) -> dict[str, str]:
    """Last words of the people and organisations a document names in full, with their ids:
    "Newsom" after "Gavin Newsom", "Commerce" after "Department of Commerce". Generic last words
    ("Institute", "Act", "Inc") are left out.
    """
    generic = AGENCY_WORDS | INSTRUMENT_WORDS | ORGANISATION_WORDS | NOT_NAMES
    out: dict[str, str] = {}
    for m in mentions:
        words = m.text.split()
        if (
            m.id
            and len(words) >= 2
            and registry.entities[m.id].category in ("person", "organisation")
        ):
            last = _clean(words[-1])
            if last.lower() not in generic and last[:1].isupper():
                out.setdefault(last, m.id)
    return out


def _link_run(
    text: str,
    piece: tuple[int, int],
    registry: EntityRegistry,
    developers: list[str],
    short: dict[str, str],
) -> Mention | None:
    start, end, _ = _trim_titles(text, *piece)
    name = text[start:end]
    if not name:
        return None
    if name in short:
        eid = short[name]
        return Mention(name, start, end, eid, registry.entities[eid].category, "short", 0.8)
    ids = registry.by_key(name)
    if ids:
        cat = registry.entities[ids[0]].category
        return Mention(name, start, end, ids[0], cat, "key", 0.95, ids[1:])
    governments = registry.governments(name)
    if governments:
        return Mention(name, start, end, governments[0], "organisation", "government", 0.9)
    if any(ch.isdigit() for ch in name):
        for developer in developers:
            for joined in (f"{developer} {name}", f"{developer}-{name}"):
                ids = registry.exact(joined) or registry.by_key(joined)
                if ids:
                    cat = registry.entities[ids[0]].category
                    return Mention(name, start, end, ids[0], cat, "developer", 0.9, ids[1:])
    if " " in name:
        ids, score = registry.fuzzy(name, cutoff=0.9)
        if ids:
            cat = registry.entities[ids[0]].category
            return Mention(name, start, end, ids[0], cat, "fuzzy", score, ids[1:])
    return None


def _propose(
    text: str, piece: tuple[int, int], sentence: Span, mid_caps: set[str]
) -> Mention | None:
    start, end, had_title = _trim_titles(text, *piece)
    while True:  # a name does not start with a number word or "AI" ("Seven AI companies")
        first = re.match(r"(\S+)\s+", text[start:end])
        if not first or _clean(first.group(1)).lower() not in NOT_NAMES:
            break
        start += first.end()
    name = text[start:end]
    if not name or not name[:1].isalpha():
        return None
    words = [_clean(w).lower() for w in name.split()]
    if not words or all(w in NOT_NAMES or w in DEMONYMS or w in CONNECTORS for w in words):
        return None
    if words[-1] in PERSON_TITLES or words[0] in DEMONYMS or words[-1] in EVENT_WORDS:
        return None
    if re.match(r"\s+licen[cs]e\b", text[end : end + 10], re.I):
        return None
    cell_start = _starts_cell(text, sentence, start)
    if len(words) == 1 and cell_start and _clean(name) not in mid_caps:
        return None
    kind, cue = guess_kind(name, had_title, text[end : end + 40])
    return Mention(name, start, end, None, kind, "new", 0.0, [], cue)


def guess_kind(name: str, had_title: bool = False, after: str = "") -> tuple[str, str]:
    """The kind of a new entity, guessed from its words, and the cue that decided it.

    >>> guess_kind("Scott Wiener", had_title=True)
    ('person', 'a title precedes the name')
    >>> guess_kind("Office for AI Safety")
    ('agency', "the word 'office'")
    >>> guess_kind("SB 1047"), guess_kind("GPT-7")
    (('instrument', 'a bill or order number'), ('model', 'a version number or model word'))
    >>> guess_kind("Elizabeth Kelly")
    ('person', 'two or three plain capitalised words')
    """
    words = [w.lower().strip(".,'\u2019") for w in name.split()]
    if had_title:
        return "person", "a title precedes the name"
    if _BILL_NUMBER.match(name):
        return "instrument", "a bill or order number"
    for word in words:
        if word in AGENCY_WORDS:
            return "agency", f"the word '{word}'"
    if words[-1] in INSTRUMENT_WORDS:
        return "instrument", f"the word '{words[-1]}'"
    for word in words:
        if word in ORGANISATION_WORDS or word == "ai":
            return "organisation", f"the word '{word}'"
    if _MODEL_PART.search(name) or re.match(r"\s+(?:model|chatbot|assistant)\b", after, re.I):
        return "model", "a version number or model word"
    if 2 <= len(words) <= 3 and all(
        re.fullmatch(r"[A-Z][a-z'\u2019-]+|[A-Z]{1,2}", w) for w in name.split()
    ):
        return "person", "two or three plain capitalised words"
    return "organisation", "no other cue (default)"


# -- helpers ---------------------------------------------------------------------------------


def _starts_cell(text: str, sentence: Span, start: int) -> bool:
    """Whether ``start`` is the first word of its sentence or of a table cell."""
    before = text[sentence.start : start]
    return not before.strip(" \t\"'\u201c(") or before.rstrip().endswith("|")


def _mid_sentence_caps(text: str, sentences: list[Span]) -> set[str]:
    """Capitalised words that occur somewhere other than at the start of a sentence or cell."""
    out: set[str] = set()
    for sentence in sentences:
        for token in list(_TOKEN.finditer(text, sentence.start, sentence.end))[1:]:
            if token.group()[:1].isupper() and not _starts_cell(text, sentence, token.start()):
                out.add(_clean(token.group()))
    return out


def _is_headline(sentence: str) -> bool:
    """A Title-Case line ("How This Compares to Other AI Developers"): no new names from it."""
    words = [
        w for w in re.findall(r"[A-Za-z][\w'\u2019-]*", sentence) if w.lower() not in CONNECTORS
    ]
    if len(words) < 3 or sentence.rstrip().endswith((".", "?", "!")) and "|" not in sentence:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.75
