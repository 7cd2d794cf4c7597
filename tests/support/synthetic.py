"""Synthetic graphs in the projection schema, for tests and the benchmark.

Why synthetic: the page builder must be measured on 500-20,000 nodes, far more than the curated
data holds, and tests must know the exact counts they expect. The shape mimics the real graph:
developers release models, agencies run evaluations of models, each statement node comes from a
source and lives in that source's named graph.
"""

from __future__ import annotations

import random

import networkx as nx

ID = "https://w3id.org/govkg/id/"
STMT = "https://w3id.org/govkg/statement/"
SRC = "https://w3id.org/govkg/source/"
GRAPH = "https://w3id.org/govkg/graph/"
GK = "https://w3id.org/govkg/ontology#"


def synthetic_graph(n_nodes: int, *, seed: int = 1) -> nx.MultiDiGraph:
    """A graph of about ``n_nodes`` nodes (exactly, when n_nodes >= 20) in the projection schema."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    n_sources = max(2, n_nodes // 50)
    n_devs = max(2, n_nodes // 40)
    n_agencies = max(2, n_nodes // 100)
    n_juris = 3
    n_eval = max(1, (n_nodes - n_sources - n_devs - n_agencies - n_juris) // 3)
    n_models = n_nodes - n_sources - n_devs - n_agencies - n_juris - n_eval
    juris = [f"{ID}j{i}" for i in range(n_juris)]
    for i, j in enumerate(juris):
        g.add_node(j, label=f"Jurisdiction {i}", kind="Jurisdiction", types=[GK + "Jurisdiction"])
    sources = []
    for i in range(n_sources):
        s = f"{SRC}s{i}"
        sources.append(s)
        g.add_node(
            s, label=f"Source {i}", kind="Source", types=[GK + "Source"], sources={GRAPH + f"s{i}"}
        )
    devs = [f"{ID}dev{i}" for i in range(n_devs)]
    for i, d in enumerate(devs):
        g.add_node(
            d,
            label=f"Developer {i}",
            kind="AIDeveloper",
            types=[GK + "AIDeveloper"],
            sources={GRAPH + "entities"},
        )
    agencies = [f"{ID}agency{i}" for i in range(n_agencies)]
    for i, a in enumerate(agencies):
        g.add_node(
            a,
            label=f"Agency {i}",
            kind="Agency",
            types=[GK + "Agency"],
            jurisdiction=juris[i % n_juris],
            sources={GRAPH + "entities"},
        )
        _edge(g, a, juris[i % n_juris], "jurisdiction", GRAPH + "entities")
    models = [f"{ID}model{i}" for i in range(n_models)]
    for i, m in enumerate(models):
        sid = rng.randrange(n_sources)
        g.add_node(
            m,
            label=f"Model {i}",
            kind="AIModel",
            types=[GK + "AIModel"],
            release_date=f"20{20 + i % 6}-0{1 + i % 9}-15",
            open_weights=i % 3 == 0,
            weights_access="open" if i % 3 == 0 else "closed",
            sources={GRAPH + f"s{sid}"},
        )
        _edge(g, m, rng.choice(devs), "developed by", GRAPH + f"s{sid}")
    for i in range(n_eval):
        sid = rng.randrange(n_sources)
        e = f"{STMT}s{sid}/eval{i}"
        g.add_node(
            e,
            label=f"Evaluation {i}",
            kind="ModelEvaluation",
            types=[GK + "ModelEvaluation"],
            date=f"20{21 + i % 5}-0{1 + i % 9}-01",
            source=sources[sid],
            sources={GRAPH + f"s{sid}"},
        )
        _edge(g, e, rng.choice(models), "evaluated model", GRAPH + f"s{sid}")
        _edge(g, e, rng.choice(agencies), "evaluator", GRAPH + f"s{sid}")
        _edge(g, e, sources[sid], "source", GRAPH + f"s{sid}")
    return g


def _edge(g: nx.MultiDiGraph, u: str, v: str, label: str, graph: str) -> None:
    g.add_edge(u, v, predicate=GK + label.replace(" ", "_"), label=label, graph=graph)
