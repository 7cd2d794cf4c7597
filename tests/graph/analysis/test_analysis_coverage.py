"""Coverage verdicts and explanations on the hand-built world (answers in conftest.py)."""

from __future__ import annotations

import networkx as nx
import pytest
from govkg.graph.analysis.build import add_edge, add_entity, add_evaluation, add_model, iri
from govkg.graph.analysis.coverage import coverage
from govkg.graph.analysis.explain import explain
from govkg.graph.analysis.schema import BASE_MODEL, PARTICIPATION_STATUS
from govkg.graph.errors import InputError, NotFoundError

AS_OF = "2025-12-31"  # the day the conftest world is judged on

EXPECTED = {
    "acme-1": "agreement-after-release",
    "acme-2": "agreement-at-release",
    "acme-3": "uncovered",
    "bolt-base": "reviewed",
    "bolt-post": "reviewed-post-deployment",
    "bolt-open": "uncovered",
    "tuned-1": "inherited",
    "tuned-2": "inherited",
    "tuned-3": "inherited",
    "tuned-acme": "uncovered",
}


def test_every_verdict_matches_the_hand_worked_answer(world):
    report = coverage(world, "2025-05-01")
    got = {k.rsplit("/", 1)[1]: v for k, v in report.verdicts().items()}
    # acme-3 is released after 2025-05-01, so it is not in the report.
    assert got == {k: v for k, v in EXPECTED.items() if k != "acme-3"}


def test_agreement_that_ended_before_a_release_covers_nothing_after_it(world):
    verdicts = coverage(world, AS_OF).verdicts()
    # On 2025-12-31 the Acme pact (until 2025-06-02) is over: all Acme models lose it.
    assert verdicts[iri("acme-1")] == "uncovered"
    assert verdicts[iri("acme-2")] == "uncovered"
    assert verdicts[iri("acme-3")] == "uncovered"
    text = explain(world, "acme-3", AS_OF).text
    assert "Acme pact is in force only from 2024-08-29 to 2025-06-02" in text


def test_lineage_chain_inherits_from_the_reviewed_root(world):
    report = coverage(world, AS_OF)
    for model in ("tuned-1", "tuned-2", "tuned-3"):
        assert report.verdict(iri(model)) == "inherited"
    decided = {e.model: e.decided_by for e in report.models}
    assert decided[iri("tuned-3")] == [iri("tuned-2"), iri("tuned-1"), iri("bolt-base")]
    why = explain(world, "Tuned 3", AS_OF)
    bases = [(f.subject_label, f.object_label) for f in why.path if f.predicate == BASE_MODEL]
    assert bases == [("Tuned 3", "Tuned 2"), ("Tuned 2", "Tuned 1"), ("Tuned 1", "Bolt Base")]
    assert why.path[-2].subject.endswith("/ev-base")


def test_reviewed_base_with_unreviewed_derivatives_only_the_base_is_reviewed(world):
    report = coverage(world, AS_OF)
    assert report.verdict(iri("bolt-base")) == "reviewed"
    assert [m.label for m in report.models if m.verdict == "reviewed"] == ["Bolt Base"]


def test_agreement_coverage_does_not_pass_down_a_lineage(world):
    assert coverage(world, "2025-01-01").verdict(iri("tuned-acme")) == "uncovered"
    why = explain(world, "tuned-acme", "2025-01-01")
    assert "base model Acme 2 is covered only by its developer's agreement" in why.text


def test_explanation_names_the_missing_links(world):
    why = explain(world, "bolt-open", AS_OF)
    assert why.verdict == "uncovered"
    assert why.missing[0] == "no evaluation of Bolt Open recorded"
    assert why.missing[1] == (
        "Bolt has no testing agreement in force on 2025-12-31: "
        "its participation in Bolt pact is `negotiating`"
    )
    add_model(
        world,
        "child",
        "Child",
        developer="tuner",
        base_model="bolt-open",
        release_date="2025-06-01",
    )
    assert "base model Bolt Open is itself uncovered" in explain(world, "child", AS_OF).text


def test_developer_with_no_agreement_at_all(world):
    add_model(world, "lone", "Lone", developer="nobody-dev", release_date="2025-06-01")
    assert "nobody-dev is party to no testing agreement" in explain(world, "lone", AS_OF).text


def test_undated_model_is_judged_only_with_certainty_possible(world):
    # issue 14: an undated model is not in an as-of answer; certainty="possible" adds it, marked
    add_model(world, "undated", "Undated", developer="nobody-dev")
    assert iri("undated") not in coverage(world, AS_OF).verdicts()
    maybe = coverage(world, AS_OF, certainty="possible")
    entry = next(m for m in maybe.models if m.model == iri("undated"))
    assert (entry.verdict, entry.as_of_certainty) == ("uncovered", "possible")
    assert "no release date is recorded" in explain(world, "undated", AS_OF).text


def test_month_precision_release_is_certain_from_the_months_last_day(world):
    add_model(world, "july", "July", developer="nobody-dev", release_date="2025-07-01")
    world.nodes[iri("july")]["release_date_latest"] = "2025-07-31"
    assert iri("july") not in coverage(world, "2025-07-15").verdicts()
    assert iri("july") in coverage(world, "2025-07-15", certainty="possible").verdicts()
    assert iri("july") in coverage(world, "2025-07-31").verdicts()


def test_evaluation_after_as_of_does_not_count_and_is_named(world):
    add_evaluation(world, "ev-late", "bolt-open", ["aisi"], date="2026-02-01")
    assert coverage(world, AS_OF).verdict(iri("bolt-open")) == "uncovered"
    assert "(the first is 2026-02-01)" in explain(world, "bolt-open", AS_OF).text
    assert coverage(world, "2026-03-01").verdict(iri("bolt-open")) == "reviewed"


def test_pre_deployment_beats_post_deployment_on_the_same_model(world):
    add_evaluation(world, "ev-pre", "bolt-post", ["aisi"], date="2024-03-15")
    assert coverage(world, AS_OF).verdict(iri("bolt-post")) == "reviewed"


def test_undated_participation_is_covered_only_after_release(world):
    add_entity(world, "open-pact", "TestingAgreement", "Open-ended pact")
    from govkg.graph.analysis.build import add_participation

    add_participation(world, "p-bolt-2", "bolt", "open-pact", "participates")
    assert coverage(world, AS_OF).verdict(iri("bolt-open")) == "agreement-after-release"


def test_summaries_per_developer_and_weights_access(world):
    report = coverage(world, AS_OF)
    assert report.by_developer["Acme"] == {"uncovered": 3}
    assert report.by_developer["Tuner"] == {"inherited": 3, "uncovered": 1}
    assert report.by_weights_access["open-weights-unrestricted"] == {
        "inherited": 3,
        "uncovered": 2,
    }
    assert sum(report.totals.values()) == len(report.models) == 10


def test_models_released_after_as_of_are_left_out(world):
    labels = [m.label for m in coverage(world, "2024-06-15").models]
    assert "Tuned 3" not in labels and "Acme 2" not in labels and "Tuned 2" in labels


def test_lineage_cycle_terminates(world):
    add_edge(world, "bolt-open", BASE_MODEL, "tuned-acme")
    add_edge(world, "tuned-acme", BASE_MODEL, "bolt-open")
    assert coverage(world, AS_OF).verdict(iri("bolt-open")) == "uncovered"


def test_projection_without_statuses_is_refused(world):
    for node in list(world.nodes):
        for u, v, k, d in list(world.out_edges(node, keys=True, data=True)):
            if d["predicate"] == PARTICIPATION_STATUS:
                world.remove_edge(u, v, k)
    with pytest.raises(InputError, match="include_concepts=True"):
        coverage(world, AS_OF)


def test_status_may_come_from_an_attribute_instead_of_an_edge(world):
    for u, v, k, d in list(world.edges(keys=True, data=True)):
        if d["predicate"] == PARTICIPATION_STATUS:
            world.remove_edge(u, v, k)
            world.nodes[u]["participation_status"] = v
    assert coverage(world, "2025-01-01").verdict(iri("acme-2")) == "agreement-at-release"


def test_bad_inputs_have_clear_errors(world):
    with pytest.raises(InputError, match="as_of: expected a date"):
        coverage(world, "28/11/2026")
    with pytest.raises(NotFoundError, match="did you mean 'Bolt Open'"):
        explain(world, "Bolt Opn", AS_OF)
    with pytest.raises(InputError, match="not an AI model"):
        explain(world, "acme", AS_OF)


def test_empty_graph_gives_an_empty_report():
    report = coverage(nx.MultiDiGraph(), AS_OF)
    assert report.models == [] and report.totals == {}
