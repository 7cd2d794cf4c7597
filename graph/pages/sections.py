"""The sections of each kind of page: what an analyst asks first about a model, a developer...

Each builder appends sections to ``ctx.view["sections"]``. A section is ``{"id", "title",
"kind", ...}``: ``statements`` (a list of statement page data, each with its source and quote),
``refs`` (links, with a note each), ``table`` (columns and rows of values) or ``lineage``.
Whatever a kind-specific section does not claim is still shown under "Other statements", so a
page never hides a fact the graph holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from govkg.graph.pages.lookup import GK, Lookup, run
from govkg.graph.pages.statements import collect, page_data, sort_by_date

#: Derived models listed by name before the rest are only counted.
LINEAGE_LIMIT = 25
#: The note of a model the coverage report leaves out (not released on the day).
NOT_ASSESSED = "not assessed: no release on or before the day"


@dataclass
class Context:
    """What the section builders share for one page."""

    store: Any
    iri: str
    lk: Lookup
    view: dict[str, Any]
    items: dict[str, dict[str, Any]]
    graph: nx.MultiDiGraph | None = None
    used: set[str] = field(default_factory=set)

    def take(self, kind: str, via: str | None = None) -> list[dict[str, Any]]:
        """Statements of ``kind`` naming the entity by ``via`` (any property when None)."""
        out = [
            i
            for i in self.items.values()
            if i["kind"] == kind and (via is None or GK + via in i["via"])
        ]
        self.used.update(i["iri"] for i in out)
        return out

    def add(self, sid: str, title: str, kind: str = "statements", **data: Any) -> None:
        self.view["sections"].append({"id": sid, "title": title, "kind": kind, **data})

    def fact_values(self, prop: str, direction: str = "out") -> list[dict[str, Any]]:
        for entry in self.view["facts"][direction]:
            if entry["property_iri"] == GK + prop:
                return entry["values"]
        return []


def build(kind: str, ctx: Context, as_of: str | None) -> None:
    """Add the sections of a ``kind`` page, then the statements no section claimed."""
    builder = {
        "model": _model,
        "developer": _developer,
        "agency": _agency,
        "instrument": _instrument,
        "source": _source,
        "graph": _source,
        "family": _family,
    }.get(kind)
    if builder is not None:
        builder(ctx, as_of)
    rest = [i for i in ctx.items.values() if i["iri"] not in ctx.used]
    if rest:
        ctx.add("statements", "Other statements that mention it", items=sort_by_date(rest))


# -- models ----------------------------------------------------------------------------------


def _model(ctx: Context, as_of: str | None) -> None:
    _verdict(ctx, as_of)
    _weights(ctx)
    _lineage(ctx)
    evaluations = sort_by_date(ctx.take("ModelEvaluation", "evaluatedModel"))
    ctx.add("evaluations", "Evaluations", items=evaluations,
            empty="No evaluation of this model is recorded.")  # fmt: skip
    timeline = sort_by_date([i for i in ctx.items.values() if i.get("date")])
    ctx.used.update(i["iri"] for i in timeline)
    ctx.add("timeline", "Timeline", items=timeline, empty="No dated statement about it.")


def _verdict(ctx: Context, as_of: str | None) -> None:
    """The oversight verdict on ``as_of`` (default today) and why, from the analyses."""
    if ctx.graph is None or ctx.iri not in ctx.graph:
        return
    from govkg.graph.analysis import coverage
    from govkg.graph.analysis.explain import explain
    from govkg.graph.errors import GovkgError

    day = as_of or date.today().isoformat()
    try:
        report = coverage(ctx.graph, day)
        verdict = report.verdicts().get(ctx.iri, "unreleased")
        why = explain(ctx.graph, ctx.iri, day)
    except (GovkgError, KeyError, ValueError) as exc:
        ctx.view["verdict"] = {"verdict": "unknown", "as_of": day, "text": str(exc), "path": []}
        return
    ctx.view["verdict"] = {
        "verdict": verdict,
        "as_of": day,
        "text": why.text,
        "path": [
            {
                "subject": ctx.lk.ref(f.subject),
                "predicate": f.predicate_label,
                "object": ctx.lk.ref(f.object),
                "sources": [_cited(ctx.lk, s) for s in f.sources],
            }
            for f in why.path
        ],
        "missing": list(why.missing),
    }


def _cited(lk: Lookup, iri: str) -> dict[str, Any] | None:
    """A source named by its own IRI or by the IRI of the graph that holds it."""
    return lk.sources.get(iri) or lk.source_of_graph(iri) or lk.source(iri)


def _weights(ctx: Context) -> None:
    """Weights access and licence as each source gives them, in date order."""
    rows: dict[str, dict[str, Any]] = {}
    for prop, column in (("weightsAccess", "access"), ("licenceName", "licence"),
                         ("releaseDate", "date")):  # fmt: skip
        for value in ctx.fact_values(prop):
            for src in value["sources"] or [{"iri": "", "label": "entity registry"}]:
                row = rows.setdefault(src["iri"], {"source": src})
                row[column] = value
    ordered = sorted(rows.values(), key=lambda r: (r.get("date") or {}).get("date", "9999"))
    ctx.add("weights", "Weights access over time", "table",
            columns=[("date", "Date"), ("access", "Weights access"), ("licence", "Licence")],
            rows=ordered, empty="No source records this model's weights access.")  # fmt: skip


def _lineage(ctx: Context) -> None:
    """Base models up to the root, and derived models down (counted when the tree is large)."""
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for row in run(ctx.store, "lineage"):
        parents[row["child"].value].append(row["parent"].value)
        children[row["parent"].value].append(row["child"].value)

    def descendants(node: str) -> set[str]:
        seen: set[str] = set()
        stack = list(children.get(node, ()))
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(children.get(n, ()))
        return seen

    up: list[list[dict[str, str]]] = []
    frontier, seen = [ctx.iri], {ctx.iri}
    while frontier:
        level = sorted({p for n in frontier for p in parents.get(n, ()) if p not in seen})
        if not level:
            break
        seen.update(level)
        up.append([ctx.lk.ref(p) for p in level])
        frontier = level
    direct = sorted(children.get(ctx.iri, ()), key=ctx.lk.label)
    down = [{**ctx.lk.ref(c), "descendants": len(descendants(c))} for c in direct]
    total = len(descendants(ctx.iri))
    ctx.add("lineage", "Lineage", "lineage", up=up, down=down[:LINEAGE_LIMIT],
            down_more=max(0, len(down) - LINEAGE_LIMIT), down_total=total)  # fmt: skip


# -- organisations ---------------------------------------------------------------------------


def _by_status(ctx: Context, items: list[dict[str, Any]], prefix: str) -> None:
    """Participations grouped by their status (signed, declined, negotiating, ...)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        statuses = [f for f in item["fields"] if f["property_iri"] == GK + "participationStatus"]
        name = statuses[0]["values"][0]["label"] if statuses else "status not recorded"
        groups[name].append(item)
    order = ["signed", "participates", "partially signed", "negotiating", "declined", "withdrew"]
    for name in sorted(groups, key=lambda n: (order.index(n) if n in order else 99, n)):
        ctx.add(f"{prefix}-{name.replace(' ', '-')}", f"{prefix.capitalize()}: {name}",
                items=sort_by_date(groups[name]))  # fmt: skip
    if not groups:
        ctx.add(prefix, prefix.capitalize(), items=[], empty="None recorded.")


def _developer(ctx: Context, as_of: str | None) -> None:
    stances = sort_by_date(ctx.take("StanceAttribution", "holder"))
    ctx.add("stances", "Stances over time", items=stances, empty="No stance recorded.")
    _by_status(ctx, ctx.take("Participation", "participant"), "commitments")
    models = ctx.fact_values("developedBy", "in")
    verdicts: dict[str, str] = {}
    if ctx.graph is not None:
        from govkg.graph.analysis import coverage

        verdicts = coverage(ctx.graph, as_of or date.today().isoformat()).verdicts()
    # a model the report leaves out (released after the day, or never) has no verdict
    refs = [{**m, "note": verdicts.get(m.get("iri", ""), NOT_ASSESSED)} for m in models]
    ctx.add("models", f"Models ({len(refs)})", "refs", refs=refs, empty="No model recorded.")
    evals = collect(run(ctx.store, "developer-evaluations", entity=ctx.iri))
    items = [page_data(s, ctx.lk) for s in evals.values()]
    ctx.used.update(evals)
    ctx.add("evaluations", "Evaluations of its models", items=sort_by_date(items),
            empty="No evaluation of its models is recorded.")  # fmt: skip
    ctx.add("actions", "Actions concerning it",
            items=sort_by_date(ctx.take("RegulatoryAction", "target")),
            empty="No action targets it.")  # fmt: skip


def _agency(ctx: Context, as_of: str | None) -> None:
    ctx.add("actions", "Actions", items=sort_by_date(ctx.take("RegulatoryAction", "actor")),
            empty="No action by it is recorded.")  # fmt: skip
    agreements = ctx.take("Participation", "participant")
    ctx.add("agreements", "Agreements and commitments", items=sort_by_date(agreements),
            empty="It is party to no recorded agreement.")  # fmt: skip
    issued = ctx.fact_values("issuedBy", "in")
    if issued:
        ctx.add("issued", "Instruments it issued", "refs", refs=issued)
    ctx.add("evaluations", "Evaluations it carried out",
            items=sort_by_date(ctx.take("ModelEvaluation", "evaluator")),
            empty="No evaluation by it is recorded.")  # fmt: skip
    heads = ctx.fact_values("headOf", "in")
    ctx.add("heads", "Heads", "refs", refs=[{**h, "note": _term(ctx, h)} for h in heads],
            empty="No head recorded.")  # fmt: skip


def _term(ctx: Context, head: dict[str, Any]) -> str:
    """A head's role and term as the sources give them (role on the person, dates per source)."""
    rows = run(ctx.store, "entity-facts", entity=head["iri"])
    roles = sorted({r["o"].value for r in rows if r["p"].value == GK + "role"})
    dates = [s.get("published") for s in head.get("sources", []) if s.get("published")]
    note = "; ".join(roles)
    if dates:
        note += ("; " if note else "") + "as of " + ", ".join(dates)
    return note


# -- instruments, families, sources ----------------------------------------------------------


def _instrument(ctx: Context, as_of: str | None) -> None:
    parts = ctx.take("Participation", "instrument")
    rows = []
    for item in sort_by_date(parts):
        fields = {f["property_iri"].rsplit("#", 1)[-1]: f["values"] for f in item["fields"]}
        rows.append(
            {
                "party": (fields.get("participant") or [{}])[0],
                "status": (fields.get("participationStatus") or [{}])[0],
                "date": (fields.get("date") or fields.get("validFrom") or [{}])[0],
                "until": (fields.get("validUntil") or [{}])[0],
                "source": item["source"],
                "quote": item["quote"],
                "statement": {"iri": item["iri"], "label": "statement"},
            }
        )
    ctx.add("signatories", f"Signatories and parties ({len(rows)})", "table",
            columns=[("party", "Party"), ("status", "Status"), ("date", "From"),
                     ("until", "Until"), ("statement", "Statement")],
            rows=rows, empty="No party recorded.")  # fmt: skip
    actions = sort_by_date(ctx.take("RegulatoryAction"))
    if actions:
        ctx.add("actions", "Actions under or about it", items=actions)
    evals = sort_by_date(ctx.take("ModelEvaluation"))
    if evals:
        ctx.add("evaluations", "Evaluations under it", items=evals)


def _family(ctx: Context, as_of: str | None) -> None:
    members = ctx.fact_values("partOfFamily", "in")
    ctx.add("members", f"Members ({len(members)})", "refs", refs=members, empty="No member.")


def _source(ctx: Context, as_of: str | None) -> None:
    source = ctx.iri
    if ctx.view["page_class"] == "graph":
        source = ctx.lk.graph_source.get(ctx.iri, "")
        ctx.view["graph_of"] = ctx.lk.source(source)
    ctx.view["source"] = ctx.lk.source(source)
    stated = collect(run(ctx.store, "source-statements", source=source)) if source else {}
    items = [page_data(s, ctx.lk) for s in stated.values()]
    ctx.used.update(stated)
    ctx.add("supports", f"Statements it supports ({len(items)})", items=sort_by_date(items),
            empty="It supports no statement.")  # fmt: skip
