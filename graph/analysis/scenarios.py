"""What-if scenarios: apply hypothetical statements and rules to a copy, report what moves.

The article's "what happens next" as computation. A scenario file (``graph/scenarios/*.yaml``,
format in ``docs/analyses.md``) lists *changes*:

- ``add: testing-agreement`` / ``add: participation`` / ``add: evaluation`` -- concrete
  hypothetical facts, added to a **copy** of the projected graph in the projection schema
  (the store and the caller's graph are never touched);
- ``rule: licensing`` / ``rule: exemption`` -- hypothetical regimes evaluated per model by
  :func:`govkg.graph.analysis.coverage.coverage` (:class:`~govkg.graph.analysis.policies.Licensing`,
  :class:`~govkg.graph.analysis.policies.Exemption`).

:func:`run_scenario` recomputes coverage before and after, and reports the models that move
verdict (from → to) and the **two-tier report** (:func:`govkg.graph.analysis.tiers.two_tier`).
Scenario YAML is checked (:mod:`govkg.graph.analysis.scenario_files`) before anything is applied;
every error names the file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import networkx as nx
from govkg.graph.analysis.build import add_edge, add_entity, add_evaluation, add_participation, iri
from govkg.graph.analysis.coverage import coverage
from govkg.graph.analysis.policies import Exemption, Licensing, Policy
from govkg.graph.analysis.scenario_files import (
    SCENARIO_DIR,
    Change,
    Scenario,
    load_scenario,
    parse_scenario,
)
from govkg.graph.analysis.schema import ISSUED_BY, parse_day, resolve_node
from govkg.graph.analysis.tiers import TwoTierReport, two_tier
from govkg.graph.errors import GovkgError, InputError, Problem

#: Re-exported so callers need one import for files and runs.
__all__ = [
    "SCENARIO_DIR",
    "Move",
    "Scenario",
    "ScenarioReport",
    "apply_scenario",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
]


def apply_scenario(graph: nx.MultiDiGraph, scenario: Scenario) -> nx.MultiDiGraph:
    """A copy of ``graph`` with the scenario's facts added; the input is never modified.

    References to entities (ids, IRIs or labels) must exist in the graph or be added earlier in
    the scenario; otherwise :class:`InputError` names the file, line and field of each.
    """
    return _apply(graph, scenario)[0]


def _apply(graph: nx.MultiDiGraph, scenario: Scenario) -> tuple[nx.MultiDiGraph, list[Policy]]:
    """The changed copy and the scenario's rules as coverage policies (references resolved)."""
    copy = graph.copy()
    source_graph = f"https://w3id.org/govkg/graph/scenario-{scenario.id}"
    problems: list[Problem] = []
    policies: list[Policy] = []

    def ref(value: object, change: Change, key: str) -> str | None:
        try:
            return resolve_node(copy, str(value))
        except GovkgError as exc:
            line = change.line_of(key.rsplit(".", 1)[1])
            problems.append(Problem(exc.message, scenario.file, line, field=key))
            return None

    for index, change in enumerate(scenario.changes):
        f, where = change.fields, f"changes[{index}]"
        statement = f"https://w3id.org/govkg/statement/scenario-{scenario.id}/{index}"
        if change.kind == "testing-agreement":
            if iri(str(f["id"])) in copy:
                problems.append(
                    Problem(
                        "already in the graph: a hypothetical agreement needs a new id",
                        scenario.file,
                        change.line_of("id"),
                        field=f"{where}.id",
                    )
                )
                continue
            node = add_entity(
                copy,
                str(f["id"]),
                "TestingAgreement",
                str(f["label"]),
                source_graph=source_graph,
                **{k: f[k] for k in ("valid_from", "valid_until") if k in f},
            )
            if "issued_by" in f and (issuer := ref(f["issued_by"], change, f"{where}.issued_by")):
                add_edge(copy, node, ISSUED_BY, issuer, source_graph=source_graph)
        elif change.kind == "participation":
            party = ref(f["party"], change, f"{where}.party")
            instrument = ref(f["instrument"], change, f"{where}.instrument")
            if party and instrument:
                add_participation(
                    copy,
                    statement,
                    party,
                    instrument,
                    str(f["status"]),
                    date=f.get("date"),
                    valid_from=f.get("valid_from"),
                    valid_until=f.get("valid_until"),
                    source_graph=source_graph,
                )
        elif change.kind == "evaluation":
            model = ref(f["model"], change, f"{where}.model")
            evaluators = [ref(e, change, f"{where}.evaluators") for e in f["evaluators"]]
            if model and all(evaluators):
                add_evaluation(
                    copy,
                    statement,
                    model,
                    [e for e in evaluators if e],
                    stage=str(f.get("stage", "pre-deployment")),
                    date=f.get("date"),
                    source_graph=source_graph,
                )
        elif change.kind == "licensing":
            developers = [ref(d, change, f"{where}.developers") for d in f.get("developers", [])]
            policies.append(
                Licensing(
                    str(f["label"]),
                    parse_day(f["effective"], field="effective"),
                    frozenset(d for d in developers if d),
                    f.get("min_parameters"),
                )
            )
        elif change.kind == "exemption":
            effective = f.get("effective")
            policies.append(Exemption(str(f["label"]), parse_day(effective) if effective else None))
    if problems:
        raise InputError(f"scenario {scenario.file} does not fit the graph", problems=problems)
    return copy, policies


@dataclass
class Move:
    """A model whose verdict the scenario changes."""

    model: str
    label: str
    before: str
    after: str

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return dict(self.__dict__)


@dataclass
class ScenarioReport:
    """What a scenario changes: moved models, verdict totals and both two-tier reports."""

    scenario: str
    title: str
    as_of: str
    moves: list[Move]
    totals_before: dict[str, int]
    totals_after: dict[str, int]
    tiers_before: TwoTierReport
    tiers_after: TwoTierReport
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "scenario": self.scenario,
            "title": self.title,
            "as_of": self.as_of,
            "moves": [m.as_dict() for m in self.moves],
            "totals_before": self.totals_before,
            "totals_after": self.totals_after,
            "tiers_before": self.tiers_before.as_dict(),
            "tiers_after": self.tiers_after.as_dict(),
            "notes": self.notes,
        }


def run_scenario(
    graph: nx.MultiDiGraph,
    scenario: Scenario | str | Path,
    *,
    as_of: date | str | None = None,
) -> ScenarioReport:
    """Coverage before and after ``scenario`` on ``as_of`` (default: the scenario's own).

    Examples
    --------
    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_model
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "caisi", "Agency", "CAISI")
    >>> _ = add_model(g, "llama", "Llama", developer="meta", release_date="2024-07-23")
    >>> s = parse_scenario('''
    ... scenario: {id: meta-agrees, title: Meta agrees, as_of: 2027-01-01}
    ... changes:
    ...   - {add: testing-agreement, id: caisi-meta, label: CAISI-Meta, valid_from: 2026-12-01}
    ...   - {add: participation, party: meta, instrument: caisi-meta, status: signed,
    ...      valid_from: 2026-12-01}
    ... ''')
    >>> report = run_scenario(g, s)
    >>> [(m.label, m.before, m.after) for m in report.moves]
    [('Llama', 'uncovered', 'agreement-after-release')]
    >>> "https://w3id.org/govkg/id/caisi-meta" in g   # the input graph is untouched
    False
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if as_of is not None:
        day = parse_day(as_of)
    elif scenario.as_of is not None:
        day = scenario.as_of
    else:
        raise InputError(f"{scenario.file}: scenario.as_of: no date given and none in the file")
    changed, policies = _apply(graph, scenario)
    before = coverage(graph, day)
    after = coverage(changed, day, policies=policies)
    old = before.verdicts()
    moves = [
        Move(m.model, m.label, old.get(m.model, "absent"), m.verdict)
        for m in after.models
        if old.get(m.model) != m.verdict
    ]
    return ScenarioReport(
        scenario.id,
        scenario.title,
        after.as_of,
        moves,
        before.totals,
        after.totals,
        two_tier(before),
        two_tier(after),
        [scenario.description] if scenario.description else [],
    )
