"""Which curated organisation a Hub author is, and which curated model a Hub repo is.

Why stricter rules than the other importers' (:mod:`govkg.graph.importers.resolve`): two million
repos include countless re-uploads named like the original (``someone/Llama-3.1-8B``). A repo is
the curated model only when

1. its full id (``meta-llama/Llama-3.1-405B``) is a curated label or alias of a model, or
2. its name (``Llama-3.1-405B``) matches a curated model's label or alias by
   :func:`~govkg.graph.importers.names.model_key` *and* its author resolves to a curated
   organisation that developed that model (gk:developedBy in any graph);

and exactly one curated model fits. An author resolves to a curated organisation whose label or
alias matches by :func:`~govkg.graph.importers.names.org_key`, then with spaces removed
(``mistralai`` = "Mistral AI"), then by the author's first hyphenated word (``meta-llama`` →
Meta) - each step only when exactly one organisation fits. Curators fix a miss by adding the Hub
handle or repo id as a ``gk:alias``. Only the curated entities graph is consulted: other imports
are not authorities on identity.

    >>> index = CuratedIndex(models={"llama 3.1 405b": {"m"}}, orgs={"meta": {"o"}},
    ...     developers={"m": {"o"}})
    >>> index.organisation("meta-llama"), index.model("meta-llama/Llama-3.1-405B")
    ('o', 'm')
    >>> index.model("someone/Llama-3.1-405B") is None
    True
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from govkg.graph.importers.common import load_query, subclasses
from govkg.graph.importers.names import model_key, org_key
from govkg.graph.store.backend import Backend, solutions
from govkg.ontology import ENTITIES_GRAPH

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _signature(text: str) -> str:
    """Lower-case letters and digits only: equal for a name and its model key (ASCII names)."""
    return _NOT_ALNUM.sub("", text.lower())


@dataclass
class CuratedIndex:
    """Keys of curated model and organisation names → IRIs, and the models' developers."""

    models: dict[str, set[str]] = field(default_factory=dict)
    orgs: dict[str, set[str]] = field(default_factory=dict)
    developers: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._compact: dict[str, set[str]] = defaultdict(set)
        for key, iris in self.orgs.items():
            self._compact[_compact(key)] |= iris
        self.organisation = cache(self._organisation)  # type: ignore[method-assign]
        # a cheap first test: most of two million repos share no signature with any curated
        # model, and computing two model keys per repo would cost more than the rest of a row
        self._signatures = {_signature(key) for key in self.models}

    @classmethod
    def from_store(cls, store: Backend) -> CuratedIndex:
        """Read the curated entities graph of ``store``."""
        model_types = subclasses("AIModel")
        org_types = subclasses("Organisation")
        models: dict[str, set[str]] = defaultdict(set)
        orgs: dict[str, set[str]] = defaultdict(set)
        developers: dict[str, set[str]] = defaultdict(set)
        rows = solutions(
            store.query(
                load_query("huggingface-curated.rq"),
                substitutions={"entitiesGraph": ox.NamedNode(str(ENTITIES_GRAPH))},
            )
        )
        for row in rows:
            entity, name, kind = row["entity"].value, row["name"].value, row["type"].value
            if kind in model_types:
                models[model_key(name)].add(entity)
                if row["developer"] is not None:
                    developers[entity].add(row["developer"].value)
            if kind in org_types:
                orgs[org_key(name)].add(entity)
        return cls(models=dict(models), orgs=dict(orgs), developers=dict(developers))

    def _organisation(self, author: str) -> str | None:
        """The curated organisation a Hub author is, when exactly one fits."""
        key = org_key(author)
        for found in (
            self.orgs.get(key),
            self._compact.get(_compact(key)),
            self._first_word(author),
        ):
            if found and len(found) == 1:
                return next(iter(found))
            if found:
                return None  # ambiguous: do not guess
        return None

    def _first_word(self, author: str) -> set[str] | None:
        words = [w for w in re.split(r"[-_.]", author) if w]
        if len(words) < 2 or len(words[0]) < 3:
            return None
        return self.orgs.get(org_key(words[0]))

    def model(self, repo: str) -> str | None:
        """The curated model a Hub repo id is, by the rules above; None when none or several."""
        if not self.models:
            return None
        author, _, name = repo.rpartition("/")
        if (
            repo.isascii()
            and _signature(repo) not in self._signatures
            and _signature(name) not in self._signatures
        ):
            return None
        exact = self.models.get(model_key(repo))
        if exact and len(exact) == 1:
            return next(iter(exact))
        if not author:
            return None
        candidates = self.models.get(model_key(name))
        if not candidates:
            return None
        org = self.organisation(author)
        if org is None:
            return None
        fits = [m for m in candidates if org in self.developers.get(m, ())]
        return fits[0] if len(fits) == 1 else None
