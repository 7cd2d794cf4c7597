"""Checking curated values: ids, dates, entity references, concepts, and in-file contradictions.

Every check appends a :class:`~govkg.graph.errors.Problem` instead of raising, so one run reports
all
the problems of all files. Unknown ids and concepts get a did-you-mean hint from :mod:`difflib`
over ids *and* labels/aliases, because curators often type the name they read in the source.
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from govkg.graph.curated.loader import item_pos, key_pos, value_pos
from govkg.graph.curated.schema import CATEGORY_NOUN, ID_RE, Field
from govkg.graph.errors import Problem
from govkg.ontology import GKC, ONTOLOGY_FILE
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class DateValue:
    """A curated date: the day stored in RDF and whether only the month is known."""

    value: date
    precision: str  # "day" | "month" | "year"

    @property
    def last_day(self) -> date:
        """The latest day the date can denote: a month or a year is an interval, not its 1st.

        >>> DateValue(date(2024, 7, 1), "month").last_day
        datetime.date(2024, 7, 31)
        >>> DateValue(date(2024, 1, 1), "year").last_day
        datetime.date(2024, 12, 31)
        """
        if self.precision == "month":
            days = calendar.monthrange(self.value.year, self.value.month)[1]
            return self.value.replace(day=days)
        if self.precision == "year":
            return self.value.replace(month=12, day=31)
        return self.value

    def text(self) -> str:
        """The date as written: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
        return self.value.isoformat()[: {"day": 10, "month": 7, "year": 4}[self.precision]]


@dataclass
class Entity:
    """A declared entity: its id, category, gk class, names and where it was declared."""

    id: str
    category: str
    cls: URIRef
    label: str
    aliases: list[str]
    file: str
    line: int | None


@dataclass
class ConceptIndex:
    """Concept ids of the ontology and the schemes each belongs to (via ``skos:inScheme``)."""

    schemes_of: dict[str, set[str]]

    def in_scheme(self, scheme: str) -> list[str]:
        """All concept ids of one scheme, sorted."""
        return sorted(c for c, s in self.schemes_of.items() if scheme in s)


@lru_cache(maxsize=1)
def concept_index() -> ConceptIndex:
    """Read the concept schemes from ``ontology/govkg.ttl`` once per process."""
    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    base = str(GKC)
    schemes_of: dict[str, set[str]] = {}
    for concept, scheme in g.subject_objects(SKOS.inScheme):
        c, s = str(concept), str(scheme)
        if c.startswith(base) and s.startswith(base):
            schemes_of.setdefault(c[len(base) :], set()).add(s[len(base) :])
    return ConceptIndex(schemes_of)


def did_you_mean(value: str, ids: list[str], names: dict[str, str]) -> str | None:
    """A hint naming the nearest ids to ``value``, matched on ids and on labels/aliases."""
    lowered = value.lower()
    found: list[str] = []
    if lowered in names:
        found.append(names[lowered])
    found += difflib.get_close_matches(lowered, ids, n=3, cutoff=0.6)
    found += [names[n] for n in difflib.get_close_matches(lowered, list(names), n=3, cutoff=0.75)]
    unique = list(dict.fromkeys(f for f in found if f != value))[:3]
    if not unique:
        return None
    return "did you mean " + " or ".join(f"'{u}'" for u in unique) + "?"


def parse_date(text: Any) -> DateValue | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as a :class:`DateValue`; ``None`` when invalid.

    A bare year may come from YAML as an integer (``date: 2023``); it is read as the year.
    """
    if isinstance(text, int) and not isinstance(text, bool) and 1000 <= text <= 9999:
        text = str(text)
    m = _DATE_RE.match(str(text).strip()) if isinstance(text, str) else None
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return DateValue(date(year, 1, 1), "year")
        month = int(month)
        if day is None:
            return DateValue(date(year, month, 1), "month")
        return DateValue(date(year, month, int(day)), "day")
    except ValueError:
        return None


@dataclass
class Checker:
    """Validates YAML mappings against field lists, resolving ids against the entity registry."""

    entities: dict[str, Entity]
    concepts: ConceptIndex
    problems: list[Problem] = field(default_factory=list)
    #: ids that entity files with errors appear to declare (id → file): references to them
    #: are accepted unchecked, since that file's own errors are what the curator must fix.
    unchecked: dict[str, str] = field(default_factory=dict)
    _names: dict[str, str] | None = None

    # -- reporting --------------------------------------------------------------------------

    def add(
        self,
        file: str,
        pos: tuple[int | None, int | None],
        field_path: str | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        """Record one problem at a position."""
        self.problems.append(Problem(message, file, pos[0], pos[1], field_path, hint))

    @property
    def names(self) -> dict[str, str]:
        """Lower-cased labels and aliases → entity id, for did-you-mean."""
        if self._names is None:
            names: dict[str, str] = {}
            for e in self.entities.values():
                for n in [e.label, *e.aliases]:
                    names.setdefault(n.lower(), e.id)
            self._names = names
        return self._names

    # -- mappings ---------------------------------------------------------------------------

    def check_mapping(
        self, mapping: Any, fields: tuple[Field, ...], file: str, path: str, what: str
    ) -> dict[str, Any] | None:
        """Check keys and values of one mapping; return the converted values or ``None``."""
        if not isinstance(mapping, dict):
            self.add(file, (None, None), path, f"expected {what} (a mapping of fields)")
            return None
        by_name = {f.name: f for f in fields}
        before = len(self.problems)
        out: dict[str, Any] = {}
        for key in mapping:
            if str(key) not in by_name:
                hint = did_you_mean(str(key), list(by_name), {})
                allowed = ", ".join(by_name)
                self.add(
                    file,
                    key_pos(mapping, key),
                    f"{path}.{key}",
                    f"unknown field '{key}' for {what} (allowed: {allowed})",
                    hint,
                )
        for f in fields:
            if f.name not in mapping or mapping[f.name] is None:
                if f.required:
                    self.add(
                        file,
                        key_pos(mapping, f.name),
                        f"{path}.{f.name}",
                        f"missing required field '{f.name}' for {what}",
                    )
                continue
            value = self.check_value(mapping, f, file, f"{path}.{f.name}")
            if value is not None:
                out[f.name] = value
        return out if len(self.problems) == before else None

    def check_value(self, mapping: Any, f: Field, file: str, path: str) -> Any:
        """Check and convert the value of field ``f``; ``None`` after reporting a problem."""
        raw = mapping[f.name]
        pos = value_pos(mapping, f.name)
        if f.many:
            items = raw if isinstance(raw, list) else [raw]
            if not items:
                self.add(file, pos, path, "expected at least one value")
                return None
            values = []
            for i, item in enumerate(items):
                ipos = item_pos(raw, i) if isinstance(raw, list) else pos
                ipath = f"{path}[{i}]" if isinstance(raw, list) else path
                values.append(self._one(item, f, file, ipath, ipos))
            return None if any(v is None for v in values) else values
        if isinstance(raw, dict) or (isinstance(raw, list) and f.type != "text-list"):
            self.add(file, pos, path, "expected a single value, not a list or mapping")
            return None
        return self._one(raw, f, file, path, pos)

    def _one(self, raw: Any, f: Field, file: str, path: str, pos: tuple) -> Any:
        kind = f.type
        if kind in ("text", "choice", "kind", "publisher"):
            if not isinstance(raw, str) or not raw.strip():
                self.add(file, pos, path, f"expected text, got {raw!r}")
                return None
            return str(raw).strip()
        if kind == "text-list":
            items = raw if isinstance(raw, list) else [raw]
            if not all(isinstance(i, str) and i.strip() for i in items):
                self.add(file, pos, path, "expected text or a list of texts")
                return None
            return [str(i).strip() for i in items]
        if kind == "date":
            d = parse_date(raw)
            if d is None:
                self.add(
                    file,
                    pos,
                    path,
                    f"invalid date {str(raw)!r}: expected YYYY-MM-DD, YYYY-MM or YYYY",
                )
            return d
        if kind == "bool":
            if not isinstance(raw, bool):
                self.add(file, pos, path, f"expected true or false, got {raw!r}")
                return None
            return raw
        if kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
                self.add(file, pos, path, f"expected a positive whole number, got {raw!r}")
                return None
            return int(raw)
        if kind == "url":
            if not isinstance(raw, str) or not _URL_RE.match(raw.strip()):
                self.add(file, pos, path, f"expected an http(s) URL, got {raw!r}")
                return None
            return raw.strip()
        if kind in ("id", "statement-ref"):
            text = str(raw).strip() if isinstance(raw, str | int | float) else ""
            check = text.replace("#", "", 1) if kind == "statement-ref" else text
            if not ID_RE.match(check):
                self.add(
                    file,
                    pos,
                    path,
                    f"invalid id {raw!r}: use lower case letters, digits, '.' and '-'",
                )
                return None
            return text
        if kind == "entity":
            return self.check_entity(raw, f.entities, file, path, pos)
        if kind == "concept":
            return self.check_concept(raw, f.schemes, file, path, pos)
        if kind == "entity-or-concept":
            if isinstance(raw, str) and raw in self.concepts.schemes_of:
                return self.check_concept(raw, f.schemes, file, path, pos)
            return self.check_entity(raw, f.entities, file, path, pos, concepts_too=f.schemes)
        raise AssertionError(f"unknown field type {kind}")

    # -- references -------------------------------------------------------------------------

    def check_entity(
        self,
        raw: Any,
        categories: tuple[str, ...],
        file: str,
        path: str,
        pos: tuple,
        concepts_too: tuple[str, ...] = (),
    ) -> str | None:
        """Resolve an entity id and check its category; report unknown ids with did-you-mean."""
        value = str(raw).strip() if isinstance(raw, str | int) else ""
        entity = self.entities.get(value)
        if entity is None and value in self.unchecked:
            return value  # declared in a file with errors: "unknown id" would mislead
        if entity is None:
            expected = " or ".join(CATEGORY_NOUN[c] for c in categories)
            ids = [e.id for e in self.entities.values() if e.category in categories]
            names = {n: i for n, i in self.names.items() if self.entities[i].category in categories}
            if concepts_too:
                ids += self._concepts_of(concepts_too)
                expected += " id or a concept"
            else:
                expected += " id"
            self.add(
                file,
                pos,
                path,
                f"unknown id {raw!r}: expected {expected} declared in graph/data/entities/",
                did_you_mean(value, ids, names),
            )
            return None
        if entity.category not in categories:
            expected = " or ".join(CATEGORY_NOUN[c] for c in categories)
            self.add(
                file,
                pos,
                path,
                f"'{value}' is {CATEGORY_NOUN[entity.category]}; expected {expected}",
            )
            return None
        return value

    def _concepts_of(self, schemes: tuple[str, ...]) -> list[str]:
        if "*" in schemes:
            return sorted(self.concepts.schemes_of)
        return sorted({c for s in schemes for c in self.concepts.in_scheme(s)})

    def check_concept(
        self, raw: Any, schemes: tuple[str, ...], file: str, path: str, pos: tuple
    ) -> str | None:
        """Check a concept id exists and belongs to one of ``schemes`` (``"*"``: any)."""
        value = str(raw).strip() if isinstance(raw, str) else repr(raw)
        allowed = self._concepts_of(schemes)
        scheme_text = "any" if "*" in schemes else " or ".join(schemes)
        known = self.concepts.schemes_of.get(value)
        if known is None:
            self.add(
                file,
                pos,
                path,
                f"unknown concept {value!r}: expected a {scheme_text} concept",
                did_you_mean(value, allowed, {}) or f"one of: {', '.join(allowed)}",
            )
            return None
        if "*" not in schemes and not known & set(schemes):
            self.add(
                file,
                pos,
                path,
                f"'{value}' is a {', '.join(sorted(known))} concept; "
                f"expected a {scheme_text} concept",
                f"one of: {', '.join(allowed)}",
            )
            return None
        return value
