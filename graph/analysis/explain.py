"""Explaining a coverage verdict: the path that decides it, or the links that are missing.

Why separate from :mod:`govkg.graph.analysis.coverage`: the verdicts must be cheap to compute for
every
model of a large graph, while an explanation walks one model's neighbourhood and writes
sentences a reader can check against the sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import networkx as nx
from govkg.graph.analysis.coverage import (
    COVERING_STATUSES,
    TELLING_STATUSES,
    Assessor,
    _within,
)
from govkg.graph.analysis.policies import Policy
from govkg.graph.analysis.schema import (
    BASE_MODEL,
    DEVELOPED_BY,
    EVALUATED_MODEL,
    INSTRUMENT,
    MODEL,
    PARTICIPANT,
    PARTICIPATION,
    PARTICIPATION_STATUS,
    Fact,
    concept_value,
    day_attr,
    fact,
    in_sources,
    is_kind,
    label,
    out_targets,
    parse_day,
    resolve_node,
)
from govkg.graph.errors import InputError


@dataclass
class Explanation:
    """Why a model has its verdict: the deciding path, or the missing links, in words."""

    model: str
    label: str
    verdict: str
    as_of: str
    text: str
    path: list[Fact] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "model": self.model,
            "label": self.label,
            "verdict": self.verdict,
            "as_of": self.as_of,
            "text": self.text,
            "path": [f.as_dict() for f in self.path],
            "missing": list(self.missing),
        }


def explain(
    graph: nx.MultiDiGraph,
    model: str,
    as_of: date | str,
    *,
    policies: tuple[Policy, ...] | list[Policy] = (),
) -> Explanation:
    """The path that decides ``model``'s verdict on ``as_of``, or the links that are missing.

    ``model`` may be an IRI, a govkg id or a label. For a covered model ``path`` holds the
    deciding facts (the evaluation; developer → participation → agreement; the base-model chain
    down to the reviewed ancestor and its evaluation). For an uncovered model ``missing`` names
    each link that is absent: no evaluation, the developer's agreement status, the base model's
    own verdict.

    Examples
    --------
    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_model, add_participation
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "meta", "AIDeveloper", "Meta")
    >>> _ = add_entity(g, "fed-review", "TestingAgreement", "federal pre-deployment review")
    >>> _ = add_participation(g, "p1", "meta", "fed-review", "negotiating", date="2026-11-01")
    >>> _ = add_model(g, "llama", "Llama 3.1 405B", developer="meta", release_date="2024-07-23")
    >>> print(explain(g, "llama", "2026-11-28").text)  # doctest: +NORMALIZE_WHITESPACE
    Llama 3.1 405B is uncovered on 2026-11-28: no evaluation of Llama 3.1 405B recorded;
    Meta has no testing agreement in force on 2026-11-28: its participation in federal
    pre-deployment review is `negotiating`.
    """
    day = parse_day(as_of)
    node = resolve_node(graph, model)
    if not is_kind(graph, node, MODEL):
        raise InputError(f"model: {label(graph, node)!r} is not an AI model")
    assessor = Assessor(graph, day, tuple(policies))
    name = label(graph, node)
    base = assessor.base_verdict(node)
    changed = assessor.policy_for(node, base)
    verdict = changed[0] if changed else base
    path: list[Fact] = []
    missing: list[str] = []
    if not assessor.released(node):
        first, certain = assessor.release_window(node)
        when = f"released {certain}" if certain else "no release date is recorded"
        if certain and first and first != certain:
            when = f"released between {first} and {certain}"
        text = f"{name} is not certainly released on {day}: {when}"
        return Explanation(node, name, "unreleased", day.isoformat(), text)
    if base.startswith("reviewed"):
        path = _review_path(graph, assessor, node)
        text = f"{name} is {base} on {day}: {_join(path)}"
    elif base.startswith("agreement"):
        _, developer, link = assessor.agreement(node)  # type: ignore[misc]
        path = [
            fact(graph, node, DEVELOPED_BY, developer),
            fact(graph, link.participation, PARTICIPANT, developer),
            fact(graph, link.participation, INSTRUMENT, link.agreement),
        ]
        when = "at its release" if base == "agreement-at-release" else "after its release"
        text = (
            f"{name} is covered {when}: {label(graph, developer)} is party "
            f"(`{link.status}`) to {label(graph, link.agreement)}, in force on {day}"
        )
    elif base == "inherited":
        chain = assessor.lineage(node) or []
        path = [fact(graph, a, BASE_MODEL, b) for a, b in zip(chain, chain[1:], strict=False)]
        path += _review_path(graph, assessor, chain[-1])
        text = (
            f"{name} inherits coverage from {label(graph, chain[-1])}, which is "
            f"{assessor.review(chain[-1])[0]}: {_join(path)}"  # type: ignore[index]
        )
    else:
        missing = _missing(graph, assessor, node)
        text = f"{name} is uncovered on {day}: " + "; ".join(missing)
    if changed:
        what, policy = changed
        verb = "exempted from oversight" if what == "exempt" else "licensed"
        text = f"{text}; under the scenario it is {verb} by {policy.label}"
    return Explanation(node, name, verdict, day.isoformat(), text + ".", path, missing)


def _join(path: list[Fact]) -> str:
    return ", ".join(str(f) for f in path)


def _review_path(graph: nx.MultiDiGraph, assessor: Assessor, model: str) -> list[Fact]:
    _, evaluation = assessor.review(model)  # type: ignore[misc]
    path = [fact(graph, evaluation, EVALUATED_MODEL, model)]
    path += [
        fact(graph, evaluation, p, t)
        for _, t, p in graph.out_edges(evaluation, data="predicate")
        if p != EVALUATED_MODEL and t != model
    ]
    return path


def _missing(graph: nx.MultiDiGraph, assessor: Assessor, model: str) -> list[str]:
    """One sentence per absent link that would have covered ``model``."""
    name, day = label(graph, model), assessor.day
    missing = []
    later = [
        d
        for e in in_sources(graph, model, EVALUATED_MODEL)
        if (d := day_attr(graph, e, "date")) is not None and d > day
    ]
    if later:
        missing.append(f"no evaluation of {name} recorded by {day} (the first is {min(later)})")
    else:
        missing.append(f"no evaluation of {name} recorded")
    developers = out_targets(graph, model, DEVELOPED_BY)
    if not developers:
        missing.append(f"no developer of {name} is recorded")
    for developer in developers:
        missing.append(_developer_gap(graph, assessor, developer))
    for base in out_targets(graph, model, BASE_MODEL):
        verdict = assessor.base_verdict(base)
        if verdict.startswith("agreement"):
            missing.append(
                f"base model {label(graph, base)} is covered only by its developer's "
                "agreement, which does not pass to derivatives"
            )
        else:
            missing.append(f"base model {label(graph, base)} is itself {verdict}")
    return missing


def _developer_gap(graph: nx.MultiDiGraph, assessor: Assessor, developer: str) -> str:
    """Why ``developer`` has no testing agreement in force on the day, in one sentence."""
    who, day = label(graph, developer), assessor.day
    reasons = []
    for link in assessor.links(developer):
        what = label(graph, link.agreement)
        if link.status not in COVERING_STATUSES:
            reasons.append(f"its participation in {what} is `{link.status or 'unrecorded'}`")
        elif not _within(day, link.start, link.end):
            reasons.append(f"its participation in {what} runs {_span(link.start, link.end)}")
        else:
            span = _span(link.agreement_from, link.agreement_until)
            reasons.append(f"{what} is in force only {span}")
    if not reasons:
        others = [
            f"its participation in {label(graph, i)} is `{status}`"
            for p in in_sources(graph, developer, PARTICIPANT)
            if is_kind(graph, p, PARTICIPATION)
            and (status := concept_value(graph, p, PARTICIPATION_STATUS)) in TELLING_STATUSES
            for i in out_targets(graph, p, INSTRUMENT)
        ]
        text = f"{who} is party to no testing agreement"
        return f"{text} ({'; '.join(others)})" if others else text
    return f"{who} has no testing agreement in force on {day}: " + "; ".join(reasons)


def _span(start: date | None, end: date | None) -> str:
    if start and end:
        return f"from {start} to {end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else "at no recorded time"
