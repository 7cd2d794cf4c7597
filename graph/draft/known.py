"""Notes on candidates the graph already holds: the same fact stated by another source.

Why: a curator drafting from a new article must see at once which of its statements are news
and which corroborate what govkg has (one more source for a fact is worth recording, but as
corroboration, not as a new fact). The look-up goes through the storage layer's ``Backend``
protocol (``query`` with substitutions), so it works on the embedded store and on a remote
SPARQL server alike. One query per kind, in ``queries/*.rq``; the key fields compared are those
of docs/draft.md: participation (party, instrument, status), evaluation (model and each
evaluator), release (model, developer), action (actor, type, and the targets all present),
stance (holder, stance). Claims are words, not facts: they are not looked up.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyoxigraph as ox
from govkg.graph.draft.candidate import Candidate
from govkg.ontology import GKC, ID, SOURCE
from govkg.ontology.sparql_files import read_sparql

#: For each kind: the query's parameters, each with the candidate field and whether a concept.
PARAMETERS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "participation": (("party", "party", False), ("instrument", "instrument", False),
                      ("status", "status", True)),
    "evaluation": (("model", "model", False), ("evaluator", "evaluators", False)),
    "release": (("model", "model", False), ("developer", "developer", False)),
    "action": (("actor", "actor", False), ("type", "type", True)),
    "stance": (("holder", "holder", False), ("stance", "stance", True)),
}  # fmt: skip


@cache
def load_query(kind: str) -> str:
    """The text of ``queries/<kind>.rq`` (a package resource)."""
    return read_sparql("govkg.graph.draft", "queries", f"{kind}.rq")


def mark_known(candidates: list[Candidate], backend: Any) -> None:
    """Fill ``known_in`` (source ids) of every candidate whose fact another source states."""
    for cand in candidates:
        if cand.kind in PARAMETERS:
            cand.known_in = known_sources(cand, backend)


def known_sources(cand: Candidate, backend: Any) -> list[str]:
    """The ids of the sources that already state ``cand``'s fact (empty when none or unsure)."""
    bindings: list[dict[str, ox.NamedNode]] = [{}]
    for param, name, concept in PARAMETERS[cand.kind]:
        value = cand.fields.get(name)
        given = value if isinstance(value, list) else [value]
        values = [v for v in given if isinstance(v, str) and v not in ("TODO", "")]
        if not values or len(values) != len(given):
            return []
        base = str(GKC) if concept else str(ID)
        bindings = [{**b, param: ox.NamedNode(base + v)} for b in bindings for v in values]
    found: list[str] | None = None
    for binding in bindings:  # every evaluator must have evaluated the model
        rows = list(backend.query(load_query(cand.kind), substitutions=binding))
        ids = {_source_id(row["source"].value) for row in rows if _targets_ok(cand, row)}
        found = sorted(ids) if found is None else sorted(set(found) & ids)
    return found or []


def _targets_ok(cand: Candidate, row: Any) -> bool:
    """For actions: the stored action's targets include every target of the candidate."""
    if cand.kind != "action" or not cand.fields.get("targets"):
        return True
    stored = set((row["targets"].value if row["targets"] is not None else "").split())
    return {str(ID) + t for t in cand.fields["targets"]} <= stored


def _source_id(iri: str) -> str:
    return iri.removeprefix(str(SOURCE))
