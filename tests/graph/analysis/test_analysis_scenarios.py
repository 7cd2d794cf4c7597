"""What-if scenarios: exact deltas, untouched inputs, bundled files, clear YAML errors."""

from __future__ import annotations

import copy

import networkx as nx
import pytest
from govkg.graph.analysis.build import add_entity, add_model, iri
from govkg.graph.analysis.scenarios import (
    SCENARIO_DIR,
    apply_scenario,
    load_scenario,
    parse_scenario,
    run_scenario,
)
from govkg.graph.errors import InputError, NotFoundError

META_AGREES = """
scenario:
  id: dev-agrees
  title: Bolt signs
  as_of: 2026-01-01
changes:
  - add: testing-agreement
    id: bolt-new-pact
    label: Bolt new pact
    issued_by: aisi
    valid_from: 2025-12-01
  - add: participation
    party: bolt
    instrument: bolt-new-pact
    status: signed
    valid_from: 2025-12-01
"""


def snapshot(g: nx.MultiDiGraph) -> tuple:
    """Everything observable about a graph, deep-copied, to compare before and after."""
    return (
        copy.deepcopy(dict(g.nodes(data=True))),
        sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in g.edges(keys=True, data=True)),
    )


def test_signing_moves_exactly_the_signatory_models(world):
    report = run_scenario(world, parse_scenario(META_AGREES))
    moves = {(m.label, m.before, m.after) for m in report.moves}
    # Bolt Open was uncovered; Bolt Base and Bolt Post keep their reviews; Tuner's derivatives
    # (inherited, or uncovered through Acme) do not move: the agreement binds Bolt only.
    assert moves == {("Bolt Open", "uncovered", "agreement-after-release")}
    assert report.totals_after["uncovered"] == report.totals_before["uncovered"] - 1


def test_scenario_never_mutates_the_input_graph(world):
    before = snapshot(world)
    run_scenario(world, parse_scenario(META_AGREES))
    for name in ("federal-licensing", "open-weights-exempt", "licensing-open-exempt"):
        scenario = load_scenario(name)
        scenario.changes = [c for c in scenario.changes if c.kind == "exemption"]
        run_scenario(world, scenario)
    assert snapshot(world) == before


def test_licensing_by_developer_and_by_parameter_threshold(world):
    world.nodes[iri("tuned-acme")]["parameter_count"] = 2.0e11
    scenario = parse_scenario("""
scenario: {id: lic, title: Licensing, as_of: 2026-01-01}
changes:
  - rule: licensing
    label: licensing act
    effective: 2026-01-01
    developers: [acme]
    min_parameters: 1.0e11
""")
    report = run_scenario(world, scenario)
    assert {(m.label, m.before, m.after) for m in report.moves} == {
        ("Acme 1", "uncovered", "licensed"),
        ("Acme 2", "uncovered", "licensed"),
        ("Acme 3", "uncovered", "licensed"),
        ("Tuned Acme", "uncovered", "licensed"),
    }
    # Before the effective date nothing moves.
    assert run_scenario(world, scenario, as_of="2025-12-31").moves == []


def test_exemption_and_the_two_tier_report(world):
    scenario = parse_scenario("""
scenario: {id: ex, title: Exempt open weights, as_of: 2025-12-31}
changes:
  - {rule: exemption, label: open-weights exemption}
""")
    report = run_scenario(world, scenario)
    moved = {m.label: (m.before, m.after) for m in report.moves}
    assert moved == {
        "Bolt Base": ("reviewed", "exempt"),
        "Bolt Open": ("uncovered", "exempt"),
        "Tuned 1": ("inherited", "exempt"),
        "Tuned 2": ("inherited", "exempt"),
        "Tuned 3": ("inherited", "exempt"),
        "Tuned Acme": ("uncovered", "exempt"),
    }
    before, after = report.tiers_before, report.tiers_after
    assert before.regulated.members == ["Bolt Base", "Bolt Post", "Tuned 1", "Tuned 2", "Tuned 3"]
    assert (before.regulated.open_weights, before.regulated.closed) == (4, 1)
    assert after.regulated.members == ["Bolt Post"]
    assert after.unregulated.count == 9 and after.unregulated.open_weights == 6
    assert after.alignment == pytest.approx((1 + 6) / 10)


def test_bundled_scenarios_parse():
    names = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
    assert {"meta-agrees", "federal-licensing", "open-weights-exempt"} <= set(names)
    for name in names:
        scenario = load_scenario(name)
        assert scenario.id == name and scenario.as_of is not None and scenario.changes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scenario: {id: x}\nchanges: []\n", "x.yaml:1: scenario.title: required field missing"),
        (
            "scenario: {id: x, title: X}\nchanges:\n  - add: participation\n    party: a\n"
            "    instrument: b\n    status: maybe\n",
            "x.yaml:6: changes[0].status: unknown status",
        ),
        (
            "scenario: {id: x, title: X}\nchanges:\n  - rule: licensing\n    label: L\n"
            "    effective: soon\n",
            "x.yaml:5: changes[0].effective: expected a date YYYY-MM-DD, got 'soon'",
        ),
        (
            "scenario: {id: x, title: X}\nchanges:\n  - add: evaluation\n    model: m\n"
            "    evaluators: [a]\n    colour: red\n",
            "x.yaml:6: changes[0].colour: unknown field for evaluation",
        ),
        (
            "scenario: {id: x, title: X}\nchanges:\n  - add: treaty\n",
            "x.yaml:3: changes[0]: needs exactly one of add/rule",
        ),
        ("scenario: [unclosed\n", "x.yaml:2:"),
    ],
)
def test_invalid_yaml_names_file_line_and_field(text, expected):
    with pytest.raises(InputError) as caught:
        parse_scenario(text, file="x.yaml")
    assert expected in str(caught.value)


def test_unknown_reference_is_reported_and_nothing_is_applied(world):
    scenario = parse_scenario(
        META_AGREES.replace("party: bolt", "party: blot"), file="dev-agrees.yaml"
    )
    before = snapshot(world)
    with pytest.raises(InputError) as caught:
        apply_scenario(world, scenario)
    text = str(caught.value)
    assert "dev-agrees.yaml:13: changes[1].party: no node 'blot'" in text
    assert snapshot(world) == before


def test_missing_as_of_and_unknown_scenario(world):
    scenario = parse_scenario("scenario: {id: x, title: X}\nchanges: []\n")
    with pytest.raises(InputError, match="no date given"):
        run_scenario(world, scenario)
    assert run_scenario(world, scenario, as_of="2025-12-31").moves == []
    with pytest.raises(NotFoundError, match="bundled: .*meta-agrees"):
        load_scenario("no-such-scenario")


def test_meta_agrees_file_on_a_small_meta_world():
    g = nx.MultiDiGraph()
    add_entity(g, "caisi", "Agency", "CAISI")
    add_entity(g, "meta", "AIDeveloper", "Meta")
    add_model(g, "llama-3.1-70b", "Llama 3.1 70B", developer="meta", release_date="2024-07-23")
    add_model(
        g,
        "nemotron",
        "Nemotron",
        developer="nvidia",
        base_model="llama-3.1-70b",
        release_date="2024-10-01",
    )
    report = run_scenario(g, "meta-agrees")
    assert [(m.label, m.after) for m in report.moves] == [
        ("Llama 3.1 70B", "agreement-after-release")
    ]


def test_a_hypothetical_agreement_needs_a_new_id(world):
    scenario = parse_scenario(META_AGREES.replace("id: bolt-new-pact", "id: acme-pact"))
    with pytest.raises(InputError, match=r"changes\[0\]\.id: already in the graph"):
        run_scenario(world, scenario)


def test_one_scenario_object_gives_the_same_answer_on_another_graph(world):
    scenario = load_scenario("federal-licensing")
    small = nx.MultiDiGraph()
    for dev in ("openai", "anthropic", "google", "meta", "microsoft", "amazon", "xai"):
        add_entity(small, dev, "AIDeveloper", dev)
    add_model(small, "m", "M", developer="meta", release_date="2025-01-01")
    first = run_scenario(small, scenario)
    assert [(m.label, m.after) for m in first.moves] == [("M", "licensed")]
    with pytest.raises(InputError, match=r"changes\[0\]\.developers: no node 'openai'"):
        run_scenario(world, scenario)  # the world has none of these developers
    assert [(m.label, m.after) for m in run_scenario(small, scenario).moves] == [("M", "licensed")]
