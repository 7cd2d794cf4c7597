"""Candidate statements: one per cue and role filler, each quoting its sentence verbatim.

Why one sentence per quote: the curator must be able to find the words in the source, and a
quote cut from the input by offsets (``text[start:end]``) cannot be misquoted. Each candidate
carries the fields the data format needs for its kind (docs/data-format.md), a confidence (the
cue's base confidence, lowered for every guess: a back-reference, an instrument taken from a
neighbouring sentence, a fuzzy link, a date taken from the article rather than the sentence)
and ``check``: the fields the curator must verify, each with the reason.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Any

from govkg.graph.draft.candidate import Candidate, CandidateBuilder, Sentence
from govkg.graph.draft.cues import CELL_STATUS, STANCE_WORDS, CueMatch, is_passive, match_cues
from govkg.graph.draft.dates import FoundDate
from govkg.graph.draft.mentions import Mention
from govkg.graph.draft.registry import EntityRegistry
from govkg.graph.draft.roles import (
    Context,
    as_actor,
    clause_objects,
    objects,
    role_kind,
    subject,
)
from govkg.graph.draft.sentences import Span

#: Statuses that describe a state holding over time (``valid_from``), not an event (``date``).
STATE_STATUSES = frozenset({"participates", "negotiating", "subject-to"})
_PRE = re.compile(r"\bbefore (?:its|their|the)?\s*(?:public )?(?:release|launch|deployment)|"
                  r"\bpre-deployment\b|\bprior to (?:release|launch)", re.I)  # fmt: skip
_POST = re.compile(r"\bpost-deployment\b|\bafter (?:its|their)?\s*release\b|\breleased\b", re.I)
_PAUSE = re.compile(r"^\s+(?:[\w.\u2019']+\s+){0,3}?to\s+(?:pause|halt|suspend|delay)\b", re.I)
#: ", the two bodies said": a trailing attribution of what the sentence already states.
_ATTRIBUTION = re.compile(
    r",\s+(?!(?:after|while|because|when|as|although|since|before)\b)(?:[\w.'\u2019-]+\s+){1,5}$",
    re.I,
)
_SUBORDINATE = re.compile(r"^\s*(?:While|Although|Though|Whereas|If|As)\b")
_LICENCE = re.compile(r"\bunder (?:the |a |its |their )?([\w.\- ]{2,40}?) licen[cs]e\b", re.I)


def _within(spans: list[Any], starts: list[int], sentence: Span) -> list[Any]:
    """The items (sorted by ``start``) that lie inside the sentence, found by bisection."""
    lo = bisect.bisect_left(starts, sentence.start)
    hi = bisect.bisect_left(starts, sentence.end)
    return [s for s in spans[lo:hi] if s.end <= sentence.end]


class StatementExtractor(CandidateBuilder):
    """Turns sentences, their mentions and dates into candidates (see the module docstring)."""

    def __init__(self, registry: EntityRegistry, article_date: str | None) -> None:
        super().__init__(registry, article_date)
        self.ctx = Context()
        self.instruments: Counter[str] = Counter()

    def run(
        self, sentences: list[Span], mentions: list[Mention], dates: list[FoundDate]
    ) -> list[Candidate]:
        """Candidates for every sentence, de-duplicated, in text order."""
        m_starts, d_starts = [m.start for m in mentions], [d.start for d in dates]
        items = [
            Sentence(s, _within(mentions, m_starts, s), _within(dates, d_starts, s))
            for s in sentences
        ]
        self.instruments = Counter(m.id for m in mentions if self._is_instrument(m) and m.id)
        for m in mentions:
            role = role_kind(m, self.registry)
            if role:
                self.ctx.first.setdefault(role, m)
        for i, item in enumerate(items):
            neighbours = items[max(0, i - 1) : i] + items[i + 1 : i + 2]
            if item.span.text.lstrip().startswith("|"):
                self._table_row(item)
            else:
                self._sentence(item, neighbours)
            self.ctx.remember(item.mentions, self.registry)
        unique: dict[tuple, Candidate] = {}
        for cand in self.out:  # the same fact twice (headline and body): keep the surer one
            kept = unique.get(cand.key())
            if kept is None or cand.confidence > kept.confidence:
                unique[cand.key()] = cand
        return sorted(unique.values(), key=lambda c: c.start)

    # -- one sentence ----------------------------------------------------------------------

    def _sentence(self, item: Sentence, neighbours: list[Sentence]) -> None:
        text = item.span.text
        cues = match_cues(text)
        produced = False
        for n, cue in enumerate(cues):
            next_start = cues[n + 1].start if n + 1 < len(cues) else len(text)
            if cue.kind == "claim":
                if not (produced and _ATTRIBUTION.search(text[: cue.start])):
                    self._claim(item, cue)
                continue
            before = len(self.out)
            getattr(self, f"_{cue.kind}")(item, cue, next_start, neighbours)
            produced = produced or len(self.out) > before

    def _roles(self, item: Sentence, cue: CueMatch, next_start: int, clause: bool = False):
        """(subject mentions, found by back-reference?, object mentions) around a cue."""
        text, base = item.span.text, item.span.start
        if clause:
            after = clause_objects(text, item.mentions, base, cue.end, next_start)
        else:
            after = objects(item.mentions, base, cue.end, next_start)
        if is_passive(text, cue):
            by = re.search(r"\bby\b", text[cue.end :])
            agents = objects(item.mentions, base, cue.end + by.end(), next_start) if by else []
            before = [m for m in item.mentions if m.end - base <= cue.start]
            return agents, False, before
        subj, backref = subject(text, base, cue.start, item.mentions, self.ctx)
        return subj, backref, after

    def _actors(self, mentions: list[Mention]) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        for m in mentions:
            actor = as_actor(m, self.registry)
            if actor and actor[0] not in [a for a, _ in out]:
                out.append(actor)
        return out

    def _participation(self, item, cue, next_start, neighbours) -> None:
        parties_m, backref, objs = self._roles(item, cue, next_start)
        instrument, guessed = self._instrument(objs, item, neighbours)
        if cue.value == "signed" and self._enacted(objs, item.span.text[cue.end : next_start]):
            return self._enactment(item, cue, parties_m, (instrument, guessed), backref)
        for party, mapped in self._actors(parties_m):
            found = [(instrument, guessed)]
            if instrument is None or guessed:
                between = self._instruments_between(party, objs)
                found = [(i, False) for i in between] or found
            for value, was_guessed in found:
                fields = {"party": party, "instrument": value or "TODO", "status": cue.value}
                cand = self._new("participation", fields, item, cue.cue.confidence)
                self._date(cand, item, "valid_from" if cue.value in STATE_STATUSES else "date")
                self._flags(cand, backref=backref, mapped=mapped, instrument=(value, was_guessed))

    def _enacted(self, objs: list[Mention], after: str) -> bool:
        """Whether "signed" has a law, a bill or an order as object: an enactment, not a party
        joining an instrument ("Governor Jared Polis signed SB 24-205", "signs AI law")."""
        first = next((m for m in objs if self._is_instrument(m)), None)
        if first is None:
            return bool(re.match(r"^\s+(?:[\w-]+\s+){0,5}?(?:law|bill)\b", after))
        if first.id is None:
            return (first.cue or "").endswith(("'act'", "'bill'", "'law'", "number"))
        return self.registry.entities[first.id].cls in ("Law", "Bill", "ExecutiveOrder")

    def _enactment(self, item, cue, actors_m, instrument, backref) -> None:
        target = instrument[0] or "TODO"
        for actor, mapped in self._actors(actors_m):
            fields: dict[str, Any] = {"actor": actor, "type": "enactment", "targets": [target]}
            fields |= {"instrument": target, "status": "completed", "description": item.span.text}
            cand = self._new("action", fields, item, cue.cue.confidence)
            self._date(cand, item, "date", required=False)
            cand.check["description"] = "the sentence itself: rewrite it in plain words"
            cand.check["type"] = "'signed' a law or bill: read as its enactment"
            self._flags(cand, backref=backref, mapped=mapped, instrument=instrument)

    def _evaluation(self, item, cue, next_start, neighbours) -> None:
        evaluators_m, backref, objs = self._roles(item, cue, next_start)
        evaluators = [a for a, _ in self._actors(evaluators_m)]
        models = [m for m in objs if self._is_model(m)]
        if not evaluators or not models:
            return
        stage = "pre-deployment" if _PRE.search(item.span.text) else None
        if stage is None and _POST.search(item.span.text[cue.end :]):
            stage = "post-deployment"
        for model in dict.fromkeys(m.proposed_id for m in models):
            fields = {"model": model, "evaluators": evaluators, "stage": stage or "TODO"}
            cand = self._new("evaluation", fields, item, cue.cue.confidence)
            self._date(cand, item, "date")
            if stage is None:
                cand.check["stage"] = "the sentence does not say pre- or post-deployment"
            self._flags(cand, backref=backref)

    def _release(self, item, cue, next_start, neighbours) -> None:
        developers_m, backref, objs = self._roles(item, cue, next_start)
        developers = [a for a, _ in self._actors(developers_m)]
        models = [m for m in objs if self._is_model(m)]
        if not models:
            return
        licence = _LICENCE.search(item.span.text)
        for model in dict.fromkeys(m.proposed_id for m in models):
            fields: dict[str, Any] = {
                "model": model,
                "developer": developers[0] if developers else "TODO",
            }
            cand = self._new("release", fields, item, cue.cue.confidence)
            self._date(cand, item, "date")
            if licence:
                cand.fields["licence"] = licence.group(1).strip() + " licence"
                cand.check["licence"] = "the licence's name as the sentence gives it"
            if "weights" in item.span.text.lower():
                cand.check["weights"] = "the sentence mentions weights: add the weights access"
            if not developers:
                cand.check["developer"] = "no developer named before the verb"
            self._flags(cand, backref=backref)

    def _action(self, item, cue, next_start, neighbours) -> None:
        actors_m, backref, objs = self._roles(item, cue, next_start, clause=True)
        action_type = cue.value
        if action_type == "order" and _PAUSE.match(item.span.text[cue.end :]):
            action_type = "pause-order"
        has_instrument = any(self._is_instrument(m) for m in item.mentions)
        if action_type == "publication" and not (has_instrument or is_passive(item.span.text, cue)):
            return
        actors = self._actors(actors_m)
        actor_ids = [a for a, _ in actors]
        targets = [
            m.proposed_id
            for m in objs
            if m.proposed_id not in actor_ids
            and (as_actor(m, self.registry) or self._is_model(m) or self._is_instrument(m))
        ]
        if action_type == "establishment" and not targets:
            return
        verb = item.span.text[cue.start : cue.end].lower()
        ongoing = re.search(r"ing\b", verb) or " meetings" in verb
        status = "ongoing" if ongoing else "completed"
        for actor, mapped in actors:
            fields: dict[str, Any] = {"actor": actor, "type": action_type}
            if targets:
                fields["targets"] = list(dict.fromkeys(targets))
            fields["status"] = status
            fields["description"] = item.span.text
            cand = self._new("action", fields, item, cue.cue.confidence)
            self._date(cand, item, "date", required=False)
            cand.check["description"] = "the sentence itself: rewrite it in plain words"
            cand.check["status"] = f"guessed from the verb {verb!r}"
            if cue.cue.note:
                cand.check["type"] = cue.cue.note
            self._flags(cand, backref=backref, mapped=mapped)

    def _stance(self, item, cue, next_start, neighbours) -> None:
        if is_passive(item.span.text, cue):
            return
        holders_m, backref, objs = self._roles(item, cue, next_start, clause=True)
        topic = next((m.proposed_id for m in objs if self._is_instrument(m)), None)
        for holder, mapped in self._actors(holders_m):
            fields: dict[str, Any] = {"holder": holder, "stance": cue.value}
            if topic:
                fields["topic"] = topic
            cand = self._new("stance", fields, item, cue.cue.confidence)
            self._date(cand, item, "as_of")
            self._flags(cand, backref=backref, mapped=mapped)

    def _claim(self, item: Sentence, cue: CueMatch) -> None:
        claimants_m, backref = subject(
            item.span.text, item.span.start, cue.start, item.mentions, self.ctx
        )
        claimants = self._actors(claimants_m)
        said = item.span.text[cue.end :].strip()
        said = re.sub(r"^(?:that|,)\s+", "", said).rstrip(" .")
        if _SUBORDINATE.match(item.span.text) and "," in said:
            said = said.split(",", 1)[0]  # "While Meta argues that X, agencies ...": X
        if not claimants or len(said.split()) < 3:
            return
        about = [
            m.proposed_id for m in item.mentions
            if m.proposed_id not in [c for c, _ in claimants] and m.kind != "jurisdiction"
        ]  # fmt: skip
        for claimant, mapped in claimants:
            fields: dict[str, Any] = {
                "claimant": claimant,
                "text": said[:1].upper() + said[1:] + ".",
            }
            if about:
                fields["about"] = list(dict.fromkeys(about))
            cand = self._new("claim", fields, item, cue.cue.confidence)
            self._date(cand, item, "date", required=False)
            cand.check["text"] = "the words after the verb: state the claim in your own words"
            self._flags(cand, backref=backref, mapped=mapped)

    # -- a table row: "| Meta | Resistant | Currently negotiating voluntary terms |" ---------

    def _table_row(self, item: Sentence) -> None:
        text, base = item.span.text, item.span.start
        actors = [a for a in (as_actor(m, self.registry) for m in item.mentions) if a]
        if not actors:
            return
        party, mapped = actors[0]
        offset = 0
        for cell in text.split("|"):
            cell_start, offset = offset, offset + len(cell) + 1
            words = cell.strip()
            if words.lower() in STANCE_WORDS:
                cand = self._new(
                    "stance", {"holder": party, "stance": STANCE_WORDS[words.lower()]}, item, 0.6
                )
                self._date(cand, item, "as_of")
                continue
            for pattern, status in CELL_STATUS:
                if pattern.search(words):
                    inside = [m for m in item.mentions if cell_start <= m.start - base < offset]
                    instrument = next(
                        (m.proposed_id for m in inside if self._is_instrument(m)), None
                    )
                    fields = {"party": party, "instrument": instrument or "TODO", "status": status}
                    cand = self._new("participation", fields, item, 0.55)
                    self._date(cand, item, "valid_from" if status in STATE_STATUSES else "date")
                    self._flags(cand, mapped=mapped, instrument=(instrument, False))
                    break

    # -- helpers ---------------------------------------------------------------------------

    def _instrument(self, objs: list[Mention], item: Sentence, neighbours: list[Sentence]):
        for m in objs + item.mentions:
            if self._is_instrument(m):
                return m.proposed_id, False
        for other in neighbours:
            for m in other.mentions:
                if self._is_instrument(m):
                    return m.proposed_id, True
        if self.instruments:
            return self.instruments.most_common(1)[0][0], True
        return None, False

    def _instruments_between(self, party: str, objs: list[Mention]) -> list[str]:
        """Registry instruments whose label names the party and an organisation after the cue:
        "the U.S. AI Safety Institute signed agreements with Anthropic" is the instrument
        labelled "U.S. AI Safety Institute – Anthropic agreement ..."."""
        entities = self.registry.entities
        if party not in entities:
            return []
        own = entities[party].names
        found: list[str] = []
        for m in objs:
            if m.id is None or m.id == party or entities[m.id].category != "organisation":
                continue
            other = entities[m.id].names
            for entity in entities.values():
                if entity.category != "instrument":
                    continue
                label = entity.label
                if any(n in label for n in own) and any(n in label for n in other):
                    found.append(entity.id)
        return list(dict.fromkeys(found))

    def _is_instrument(self, m: Mention) -> bool:
        return m.kind == "instrument"

    def _is_model(self, m: Mention) -> bool:
        """A model, not a family: evaluations and releases are of models (data format)."""
        return m.kind == "model"
