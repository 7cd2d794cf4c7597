"""Turn a projected NetworkX graph into vis-network node and edge dicts.

The dicts are built here directly (not with pyvis's ``add_node``/``add_edge``, which scan a list
on every call: 50k nodes took two minutes). Besides what vis-network draws (label, shape, colour,
size, x/y) each node carries the fields the page's filters and info panel read: ``kind``,
``juris``, ``date``, ``g`` (indices of the named graphs the node appears in), ``facts`` and
``cov``. Named graphs are listed once in a table and referenced by index to keep pages small.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from govkg.viz import style

#: Node attributes shown as "key facts" in the info panel, in this order, with their captions.
FACT_FIELDS: tuple[tuple[str, str], ...] = (
    ("release_date", "released"),
    ("date", "date"),
    ("valid_from", "valid from"),
    ("valid_until", "valid until"),
    ("weights_access", "weights access"),
    ("open_weights", "open weights"),
)
#: Attributes that date a node for the as-of filter, most specific first.
DATE_FIELDS = ("date", "valid_from", "release_date")

MIN_SIZE, MAX_SIZE = 10.0, 42.0
#: The ontology's jurisdiction property: a node's jurisdiction when no attribute gives one.
GK_JURISDICTION = "https://w3id.org/govkg/ontology#jurisdiction"


@dataclass
class Elements:
    """Everything the page needs about the graph, ready to serialise."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    graphs: list[dict[str, str]] = field(default_factory=list)
    jurisdictions: list[dict[str, str]] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


def local_name(iri: str) -> str:
    """The last path or fragment segment of an IRI, for a readable fallback label."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def _source_info(
    graph_iri: str, source_titles: Mapping[str, Mapping[str, Any]], g: nx.MultiDiGraph
) -> dict[str, str]:
    """Title and link of a named graph, looked up by graph IRI or by the matching source IRI.

    A source's statements live in graph ``.../graph/<id>`` and the source is ``.../source/<id>``;
    callers may key ``source_titles`` by either, so both are tried. Without an entry, the source
    node of the projection (its ``label`` and ``url``) is used when it is in the graph.
    """
    candidates = [graph_iri]
    if "/graph/" in graph_iri:
        candidates.append(graph_iri.replace("/graph/", "/source/", 1))
    info: Mapping[str, Any] = {}
    for key in candidates:
        if key in source_titles:
            info = source_titles[key]
            break
    else:
        for key in candidates:
            if key in g and (g.nodes[key].get("label") or g.nodes[key].get("url")):
                info = g.nodes[key]
                break
    fallback = "Curated entity registry" if graph_iri.endswith("/graph/entities") else None
    title = str(info.get("title") or info.get("label") or fallback or local_name(graph_iri))
    url = str(info.get("url") or info.get("link") or info.get("homepage") or "")
    if url and not url.startswith(("http://", "https://")):
        url = ""  # only web links become clickable; never javascript: or data: URLs
    return {"iri": graph_iri, "title": title, "url": url}


def _sizes(g: nx.MultiDiGraph, centrality: Mapping[Hashable, float] | None) -> dict:
    """Node size from centrality (or degree when none is given), on a square-root scale."""
    raw = {v: float((centrality or {}).get(v, 0.0)) for v in g} if centrality else dict(g.degree)
    top = max(raw.values(), default=0.0) or 1.0
    return {
        v: MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(x, 0.0) / top) for v, x in raw.items()
    }


def _as_list(value: Any) -> list[str]:
    """Sets, lists and single strings of IRIs as a sorted list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return sorted(str(v) for v in value)
    return [str(value)]


def build_elements(
    g: nx.MultiDiGraph,
    positions: Mapping[Hashable, tuple[float, float]],
    *,
    centrality: Mapping[Hashable, float] | None = None,
    coverage: Mapping[Any, str] | None = None,
    source_titles: Mapping[str, Mapping[str, Any]] | None = None,
    changes: Mapping[Any, str] | None = None,
    edge_changes: Mapping[tuple, str] | None = None,
) -> Elements:
    """Node and edge dicts for vis-network plus the tables the filters use.

    ``changes`` (node -> added/removed/changed/same) and ``edge_changes`` ((u, v, key) -> status)
    are only given for scenario pages; they override the class colour with the change colour.
    """
    titles = source_titles or {}
    out = Elements()
    graph_index: dict[str, int] = {}

    def gidx(iri: str) -> int:
        if iri not in graph_index:
            graph_index[iri] = len(out.graphs)
            out.graphs.append(_source_info(iri, titles, g))
        return graph_index[iri]

    node_graphs: dict[Hashable, set[int]] = {v: set() for v in g}
    for i, (u, v, key, data) in enumerate(g.edges(keys=True, data=True)):
        gi = gidx(str(data["graph"])) if data.get("graph") else None
        if gi is not None:
            node_graphs[u].add(gi)
            node_graphs[v].add(gi)
        label = str(data.get("label") or local_name(str(data.get("predicate", ""))))
        edge: dict[str, Any] = {
            "id": i,
            "from": str(u),
            "to": str(v),
            "label": label,
            "title": label if gi is None else f"{label}\n(in {out.graphs[gi]['title']})",
            "g": gi,
        }
        status = (edge_changes or {}).get((u, v, key))
        if status:
            edge["change"] = status
            edge["color"] = {"color": style.CHANGE_COLOURS.get(status, style.EDGE_COLOUR)}
            edge["dashes"] = status == "removed"
        out.edges.append(edge)

    sizes = _sizes(g, centrality)
    juris_seen: dict[str, str] = {}
    for v, data in g.nodes(data=True):
        out.nodes.append(
            _node_dict(v, data, positions, sizes, centrality, coverage, changes, node_graphs, gidx)
        )
        out.kinds.add(str(data.get("kind") or "Other"))
        j = out.nodes[-1]["juris"] = _jurisdiction(g, v, data)
        if j:
            jl = g.nodes[j].get("label") if j in g else None
            juris_seen[str(j)] = str(jl or local_name(str(j)))
    out.jurisdictions = [
        {"iri": iri, "label": label}
        for iri, label in sorted(juris_seen.items(), key=lambda x: x[1])
    ]
    return out


def _jurisdiction(g: nx.MultiDiGraph, v: Hashable, data: Mapping[str, Any]) -> str:
    """The node's ``jurisdiction`` attribute, else the target of its gk:jurisdiction edge."""
    if data.get("jurisdiction"):
        return str(data["jurisdiction"])
    targets = sorted(str(w) for _, w, p in g.out_edges(v, data="predicate") if p == GK_JURISDICTION)
    return targets[0] if targets else ""


def _node_dict(
    v: Hashable,
    data: Mapping[str, Any],
    positions: Mapping[Hashable, tuple[float, float]],
    sizes: Mapping[Hashable, float],
    centrality: Mapping[Hashable, float] | None,
    coverage: Mapping[Any, str] | None,
    changes: Mapping[Any, str] | None,
    node_graphs: dict[Hashable, set[int]],
    gidx: Any,
) -> dict[str, Any]:
    """One vis-network node dict with the page's own fields (see the module docstring)."""
    kind = str(data.get("kind") or "Other")
    st = style.style_for(kind)
    label = str(data.get("label") or local_name(str(v)))
    x, y = positions.get(v, (0.0, 0.0))
    graphs = set(node_graphs.get(v, set()))
    for iri in _as_list(data.get("sources")):
        graphs.add(gidx(iri))
    facts = [[caption, str(data[k])] for k, caption in FACT_FIELDS if data.get(k) not in (None, "")]
    if data.get("jurisdiction"):
        facts.append(["jurisdiction", local_name(str(data["jurisdiction"]))])
    if centrality is not None and v in centrality:
        facts.append(["centrality", f"{float(centrality[v]):.4g}"])
    date = next((str(data[k])[:10] for k in DATE_FIELDS if data.get(k)), "")
    node: dict[str, Any] = {
        "id": str(v),
        "label": label,
        "x": x,
        "y": y,
        "shape": st.shape,
        "size": round(sizes.get(v, MIN_SIZE), 1),
        "color": {"background": st.colour, "border": st.colour},
        "borderWidth": 1,
        "title": f"{label}\n{kind}",
        "kind": kind,
        "juris": str(data.get("jurisdiction") or ""),
        "date": date,
        "g": sorted(graphs),
        "facts": facts,
        "types": _as_list(data.get("types")),
    }
    url = str(data.get("url") or "")
    if url.startswith(("http://", "https://")):
        node["url"] = url
    if data.get("source"):
        node["src"] = gidx(str(data["source"]).replace("/source/", "/graph/", 1))
    verdict = (coverage or {}).get(v)
    if verdict:
        key = style.coverage_key(str(verdict))
        node["cov"] = str(verdict)
        ring = style.COVERAGE_BORDERS.get(key, "#000000")
        node["color"] = {
            "background": style.UNCOVERED_FILL if key == "uncovered" else st.colour,
            "border": ring,
        }
        node["borderWidth"] = 5 if key == "uncovered" else 3
        node["title"] += f"\ncoverage: {verdict}"
    status = (changes or {}).get(v)
    if status:
        node["change"] = status
        colour = style.CHANGE_COLOURS.get(status, st.colour)
        node["color"] = {"background": colour if status != "same" else st.colour, "border": colour}
        node["borderWidth"] = 1 if status == "same" else 4
        node["title"] += f"\nscenario: {status}"
    return node
