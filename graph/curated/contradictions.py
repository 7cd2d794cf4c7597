"""Contradictions inside one source file: a source must not say two incompatible things.

Checked per file, not across files: when two *sources* disagree, both claims are kept (each in
its own graph) and a ``tension`` statement can record the disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from govkg.graph.curated.checks import Checker, DateValue
from govkg.graph.curated.loader import value_pos
from govkg.ontology import GKC, ONTOLOGY_FILE
from rdflib import Graph
from rdflib.namespace import SKOS


@lru_cache(maxsize=1)
def _broader() -> dict[str, set[str]]:
    """Concept id → every concept id above it along skos:broader (read once per process)."""
    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    base = str(GKC)
    up: dict[str, set[str]] = {}
    for narrow, broad in g.subject_objects(SKOS.broader):
        if str(narrow).startswith(base) and str(broad).startswith(base):
            up.setdefault(str(narrow)[len(base) :], set()).add(str(broad)[len(base) :])
    closed: dict[str, set[str]] = {}
    for concept in up:
        seen: set[str] = set()
        todo = list(up[concept])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(up.get(c, ()))
        closed[concept] = seen
    return closed


def compatible(a: Any, b: Any) -> bool:
    """Equal, or concepts one of which is broader than the other (SKOS says they agree).

    >>> compatible("open-weights", "open-weights-unrestricted")
    True
    >>> compatible("open-weights-restricted", "open-weights-unrestricted")
    False
    """
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str):
        up = _broader()
        return a in up.get(b, ()) or b in up.get(a, ())
    return False


_SIGNING = {"signed", "partially-signed", "joined"}


@dataclass
class FileState:
    """Statement ids and facts seen so far in one file, for duplicate and contradiction checks."""

    ids: dict[str, str] = field(default_factory=dict)
    releases: dict[str, dict[str, tuple[Any, str]]] = field(default_factory=dict)
    signings: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)

    def contradictions(
        self, kind: str, v: dict, raw: dict, file: str, path: str, checker: Checker
    ) -> None:
        """Same model with two release facts; same party signing and declining one day."""
        if kind == "release":
            seen = self.releases.setdefault(v["model"], {})
            facts = {
                "date": v.get("date") and v["date"].value.isoformat(),
                "weights": v.get("weights"),
                "developer": tuple(sorted(v["developer"])),
            }
            for key, value in facts.items():
                if value is None:
                    continue
                if key in seen and not compatible(seen[key][0], value):
                    checker.add(
                        file,
                        value_pos(raw, key),
                        f"{path}.{key}",
                        f"contradiction: model '{v['model']}' has {key} {_show(value)} here "
                        f"but {_show(seen[key][0])} in {seen[key][1]}",
                        "one source should not say both; fix one or split the sources",
                    )
                else:
                    seen.setdefault(key, (value, path))
        if kind == "participation" and "date" in v:
            self.participation(
                v["party"][0],
                v["instrument"],
                v["status"],
                v["date"],
                file,
                path,
                value_pos(raw, "status"),
                checker,
            )

    def participation(
        self,
        party: str,
        instrument: str,
        status: str,
        when: DateValue,
        file: str,
        path: str,
        pos: tuple,
        checker: Checker,
    ) -> None:
        """Record a dated participation; report signed-and-declined on the same date."""
        side = "signed" if status in _SIGNING else "declined" if status == "declined" else None
        if side is None:
            return
        key = (party, instrument, when.value.isoformat())
        other = self.signings.get(key)
        if other is not None and other[0] != side:
            checker.add(
                file,
                pos,
                f"{path}.status",
                f"contradiction: '{party}' {side} '{instrument}' on {key[2]} "
                f"but {other[0]} it on the same date in {other[1]}",
            )
        else:
            self.signings.setdefault(key, (side, path))


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)
