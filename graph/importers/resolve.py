"""Entity resolution: which existing node, if any, an imported name stands for.

The rules (also in ``docs/importers.md``):

1. Names are compared by key (:func:`govkg.graph.importers.names.model_key` for models,
   :func:`~govkg.graph.importers.names.org_key` for organisations and jurisdictions), against every
   ``rdfs:label`` and ``gk:alias`` of an entity of the same kind (by ``rdf:type`` and the
   ontology's subclasses) in the curated entities graph and in the *other* import graphs.
2. Curated entities win: when a key matches curated entities, only they are candidates.
3. Exactly one candidate: the imported record is merged into it (its IRI is reused; a node
   minted by this same importer on an earlier run, found through the other import's alias,
   stays this importer's own).
   Several candidates: the match is *ambiguous*; it is reported and the importer mints its own
   node rather than guess. No candidate: the importer mints ``id/<dataset>/<slug>``.
4. Within one import, names with the same key are the same entity (a second *record* with the
   same key is a duplicate and is skipped by the importer).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from govkg.graph.importers.common import load_query, subclasses
from govkg.graph.importers.names import model_key, org_key, slugify
from govkg.graph.importers.report import Ambiguity, ImportReport
from govkg.graph.store.backend import Backend, solutions
from govkg.ontology import ENTITIES_GRAPH, ID

#: Kinds of entity an importer resolves, with the ontology class each kind is rooted at.
KIND_ROOTS = {"model": "AIModel", "organisation": "Organisation", "jurisdiction": "Jurisdiction"}
#: IRI path segment for minted entities of each kind (models sit directly under the data set).
KIND_SEGMENTS = {"model": "", "organisation": "org/", "jurisdiction": "country/", "asset": ""}


def key_for(kind: str, name: str) -> str:
    """The comparison key of ``name`` for an entity of ``kind``."""
    return model_key(name) if kind in ("model", "asset") else org_key(name)


@dataclass
class EntityIndex:
    """Keys of existing names → candidate IRIs, per kind, split into curated and imported."""

    curated: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    imported: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))

    @classmethod
    def from_store(cls, store: Backend, own_graph: ox.NamedNode) -> EntityIndex:
        """Read the names of the entities graph and the other import graphs of ``store``."""
        classes = {kind: subclasses(root) for kind, root in KIND_ROOTS.items()}
        entities_graph = ox.NamedNode(str(ENTITIES_GRAPH))
        index = cls()
        rows = solutions(
            store.query(
                load_query("entity-names.rq"),
                substitutions={"entitiesGraph": entities_graph, "ownGraph": own_graph},
            )
        )
        for row in rows:
            type_iri = row["type"].value
            for kind, members in classes.items():
                if type_iri in members:
                    table = index.curated if row["g"] == entities_graph else index.imported
                    key = key_for(kind, row["name"].value)
                    table[kind].setdefault(key, set()).add(row["entity"].value)
        return index

    def candidates(self, kind: str, key: str) -> list[str]:
        """Existing IRIs for ``key``: the curated ones if any, else the imported ones."""
        found = self.curated[kind].get(key) or self.imported[kind].get(key) or set()
        return sorted(found)


@dataclass
class Resolved:
    """One resolved name: its IRI and whether it is an existing entity (merged) or minted."""

    iri: str
    merged: bool


class Resolver:
    """Resolves names for one import, minting IRIs under ``id/<namespace>/`` and counting."""

    def __init__(self, index: EntityIndex, namespace: str, report: ImportReport) -> None:
        self.index = index
        self.namespace = namespace
        self.report = report
        self._done: dict[tuple[str, str], Resolved] = {}
        self._slugs: dict[str, str] = {}
        self._statements: set[str] = set()

    def known(self, kind: str, name: str) -> Resolved | None:
        """The resolution of ``name`` made earlier in this import, if any."""
        return self._done.get((kind, key_for(kind, name)))

    def resolve(
        self, kind: str, name: str, *, file: str | None = None, line: int | None = None
    ) -> Resolved:
        """The IRI for ``name``: an existing entity's when unambiguous, else a minted one."""
        key = key_for(kind, name)
        done = self._done.get((kind, key))
        if done is not None:
            return done
        found = self.index.candidates(kind, key) if kind != "asset" else []
        own = str(ID[f"{self.namespace}/"])
        if len(found) == 1 and found[0].startswith(own):
            # our own node from the previous run, found through the other import's alias:
            # keep it, and keep describing it (label, type) as ours
            result = Resolved(found[0], merged=False)
            self._slugs[found[0].removeprefix(str(ID))] = f"{kind}:{key}"
            self.report.created += 1
        elif len(found) == 1:
            result = Resolved(found[0], merged=True)
            self.report.merged += 1
            self.report.merged_names.append((name, found[0]))
        else:
            if len(found) > 1:
                self.report.ambiguous.append(
                    Ambiguity(name=name, kind=kind, candidates=tuple(found), file=file, line=line)
                )
            result = Resolved(self._mint(kind, key, name), merged=False)
            self.report.created += 1
        self._done[(kind, key)] = result
        return result

    def statement_slug(self, name: str) -> str:
        """A statement id for one record, unique within this import."""
        stem = slugify(name)
        candidate, n = stem, 1
        while candidate in self._statements:
            n += 1
            candidate = f"{stem}-{n}"
        self._statements.add(candidate)
        return candidate

    def _mint(self, kind: str, key: str, name: str) -> str:
        """``id/<namespace>/<segment><slug>``, with ``-2``, ``-3`` ... if two keys share a slug."""
        stem = f"{self.namespace}/{KIND_SEGMENTS[kind]}{slugify(name)}"
        candidate, n = stem, 1
        while candidate in self._slugs and self._slugs[candidate] != f"{kind}:{key}":
            n += 1
            candidate = f"{stem}-{n}"
        self._slugs[candidate] = f"{kind}:{key}"
        return str(ID[candidate])
