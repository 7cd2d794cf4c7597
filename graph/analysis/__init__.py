"""Network analyses over the projected governance graph: pure functions, plain results.

SPARQL answers "what is recorded"; these answer "where is the gap, who is central, what would
change". Each takes a :class:`networkx.MultiDiGraph` in the schema of
:func:`govkg.graph.projection.project` (use ``include_concepts=True`` so participation statuses,
evaluation stages and stances are present) and returns dataclasses with ``as_dict()`` for JSON.
Nothing here touches a store. See ``docs/analyses.md``.

- :func:`coverage`, :func:`explain` -- oversight coverage of every model through reviews,
  agreements and lineage, and the path (or missing link) behind one verdict;
- :func:`centrality` -- PageRank, sampled betweenness and degree, ranked within each kind;
- :func:`communities`, :func:`components` -- Louvain communities against stances; components;
- :func:`explain_path` -- the cheapest explanatory path between two entities (hubs cost more);
- :func:`run_scenario`, :func:`load_scenario` -- what-if scenarios and the two-tier report.
"""

from govkg.graph.analysis.centrality import centrality, pagerank
from govkg.graph.analysis.coverage import REGULATED_VERDICTS, VERDICTS, CoverageReport, coverage
from govkg.graph.analysis.explain import Explanation, explain
from govkg.graph.analysis.paths import PathExplanation, explain_path
from govkg.graph.analysis.scenarios import (
    SCENARIO_DIR,
    Scenario,
    ScenarioReport,
    apply_scenario,
    load_scenario,
    parse_scenario,
    run_scenario,
)
from govkg.graph.analysis.structure import communities, components, stances
from govkg.graph.analysis.tiers import TwoTierReport, two_tier

__all__ = [
    "REGULATED_VERDICTS",
    "SCENARIO_DIR",
    "VERDICTS",
    "CoverageReport",
    "Explanation",
    "PathExplanation",
    "Scenario",
    "ScenarioReport",
    "TwoTierReport",
    "apply_scenario",
    "centrality",
    "communities",
    "components",
    "coverage",
    "explain",
    "explain_path",
    "load_scenario",
    "pagerank",
    "parse_scenario",
    "run_scenario",
    "stances",
    "two_tier",
]
