"""Compiling the entity registry (``graph/data/entities/*.yaml``) into the entities graph.

Two passes: first every id is declared (so duplicates are found across files and references
such as ``within`` can point forward), then every item is checked and emitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govkg.graph.curated.checks import Checker, DateValue, Entity, did_you_mean, parse_date
from govkg.graph.curated.loader import (
    YamlDoc,
    display_path,
    item_pos,
    key_pos,
    load_yaml,
    start_pos,
    value_pos,
)
from govkg.graph.curated.output import Output, date_lit, en_lit, text_lit
from govkg.graph.curated.schema import (
    ENTITY_KINDS,
    ID_RE,
    REGISTRY_FIELDS,
    REGISTRY_KEY,
    EntityKind,
)
from govkg.graph.errors import Problem
from govkg.ontology import (
    ENTITIES_GRAPH,
    GK,
    GKC,
    ONTOLOGY_FILE,
    ONTOLOGY_IRI,
    entity_iri,
    source_iri,
)
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS

#: The id of the entity registry as a source (its metadata lives in the entities graph).
REGISTRY_SOURCE_ID = "govkg-entity-registry"
REGISTRY_TITLE = "govkg curated entity registry"
#: ``id: x`` as a block or flow mapping key, for :func:`ids_in_text`
_ID_LINE = re.compile(r"(?<![\w-])id:[ \t]*['\"]?([^\s'\",{}\[\]#]+)")


@dataclass
class Registry:
    """Declared entities, the loaded entity files, and the registry's publication date."""

    entities: dict[str, Entity] = field(default_factory=dict)
    docs: list[YamlDoc] = field(default_factory=list)
    published: DateValue | None = None
    title: str = REGISTRY_TITLE
    #: ids written in entity files that have errors but not declared (id → file)
    unchecked: dict[str, str] = field(default_factory=dict)


def _ontology_created() -> date:
    """The ontology's ``dcterms:created``: a stable fallback date for the registry."""
    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    value = g.value(ONTOLOGY_IRI, DCTERMS.created)
    parsed = parse_date(str(value)) if value is not None else None
    return parsed.value if parsed else date(1970, 1, 1)


def declare_entities(entity_dir: Path, root: Path | None, problems: list[Problem]) -> Registry:
    """Pass 1: parse every entity file and declare ids, types and names.

    A file that fails here (bad YAML, wrong shape) declares nothing, yet sources still refer
    to the ids written in it; those ids are kept in ``Registry.unchecked`` so that such
    references are not reported as unknown ids with a misleading did-you-mean.
    """
    reg = Registry()
    with_errors: list[Path] = []
    for path in sorted(entity_dir.glob("*.yaml")):
        before = len(problems)
        _declare_file(reg, path, root, problems)
        if len(problems) > before:
            with_errors.append(path)
    for path in with_errors:
        for eid in ids_in_text(path):
            if eid not in reg.entities:
                reg.unchecked.setdefault(eid, display_path(path, root))
    return reg


def ids_in_text(path: Path) -> list[str]:
    """The ids a YAML file appears to declare (``id: x`` lines), read as plain text.

    Used only for files the YAML loader rejected or could not use, to tell a reference to an
    id declared there from a reference to an id declared nowhere.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "orgs.yaml"
    ...     _ = p.write_text("orgs:\\n  - id: meta\\n    label: [Meta\\n  - {id: 'us-aisi'}\\n")
    ...     ids_in_text(p)
    ['meta', 'us-aisi']
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    found = (m.group(1) for m in _ID_LINE.finditer(text))
    return list(dict.fromkeys(i for i in found if ID_RE.match(i)))


def _declare_file(reg: Registry, path: Path, root: Path | None, problems: list[Problem]) -> None:
    """Declare the ids of one entity file; its problems go to ``problems``."""
    doc, errs = load_yaml(path, root)
    problems.extend(errs)
    if doc is None or doc.data is None:
        return
    if not isinstance(doc.data, dict):
        problems.append(Problem("expected a mapping with one entity-kind key", doc.file, 1))
        return
    reg.docs.append(doc)
    for key in doc.data:
        if key == REGISTRY_KEY:
            continue
        kind = ENTITY_KINDS.get(str(key))
        if kind is None:
            allowed = [*ENTITY_KINDS, REGISTRY_KEY]
            problems.append(
                Problem(
                    f"unknown top-level key '{key}' (allowed: {', '.join(allowed)})",
                    doc.file,
                    *key_pos(doc.data, key),
                    field=str(key),
                    hint=did_you_mean(str(key), allowed, {}),
                )
            )
            continue
        items = doc.data[key]
        if not isinstance(items, list):
            problems.append(
                Problem(
                    f"expected a list of {key}",
                    doc.file,
                    *value_pos(doc.data, key),
                    field=str(key),
                )
            )
            continue
        for i, item in enumerate(items):
            _declare(reg, kind, item, doc.file, f"{key}[{i}]", item_pos(items, i), problems)


def _declare(
    reg: Registry,
    kind: EntityKind,
    item: Any,
    file: str,
    path: str,
    pos: tuple[int | None, int | None],
    problems: list[Problem],
) -> None:
    if not isinstance(item, dict):
        problems.append(Problem("expected a mapping with id and label", file, *pos, field=path))
        return
    eid = item.get("id")
    if not isinstance(eid, str) or not ID_RE.match(eid):
        return  # reported with the item's other problems in pass 2
    type_name = item.get("type", kind.default_type)
    cls = kind.types.get(str(type_name)) if type_name is not None else None
    if cls is None:
        reg.unchecked.setdefault(eid, file)  # its type is reported in pass 2
        return
    category = kind.category or ("family" if type_name == "family" else "model")
    line = start_pos(item)[0]
    if eid in reg.entities:
        first = reg.entities[eid]
        problems.append(
            Problem(
                f"duplicate id '{eid}'",
                file,
                *value_pos(item, "id"),
                field=f"{path}.id",
                hint=f"first declared at {first.file}:{first.line}",
            )
        )
        return
    label = item.get("label")
    aliases = item.get("aliases") or []
    aliases = [str(a) for a in (aliases if isinstance(aliases, list) else [aliases])]
    reg.entities[eid] = Entity(
        eid, category, cls, str(label) if label else eid, aliases, file, line or pos[0]
    )


def compile_entities(reg: Registry, checker: Checker, out: Output) -> None:
    """Pass 2: check every entity item and emit it into the entities graph."""
    g = ENTITIES_GRAPH
    for doc in reg.docs:
        for key in doc.data:
            if key == REGISTRY_KEY:
                clean = checker.check_mapping(
                    doc.data[key], REGISTRY_FIELDS, doc.file, REGISTRY_KEY, "the registry block"
                )
                if clean:
                    reg.published = clean["published"]
                    reg.title = clean.get("title", REGISTRY_TITLE)
                continue
            kind = ENTITY_KINDS.get(str(key))
            items = doc.data[key]
            if kind is None or not isinstance(items, list):
                continue
            for i, item in enumerate(items):
                path = f"{key}[{i}]"
                if not isinstance(item, dict):
                    continue
                clean = checker.check_mapping(
                    item, kind.fields, doc.file, path, f"an entry of {key}"
                )
                if clean is None:
                    continue
                type_name = clean.get("type", kind.default_type)
                if type_name not in kind.types:
                    checker.add(
                        doc.file,
                        value_pos(item, "type"),
                        f"{path}.type",
                        f"unknown type '{type_name}' (allowed: {', '.join(kind.types)})",
                        did_you_mean(str(type_name), list(kind.types), {}),
                    )
                    continue
                entity = reg.entities.get(clean["id"])
                if entity is None or entity.file != doc.file or entity.line != start_pos(item)[0]:
                    continue  # a duplicate: reported in pass 1
                _emit_entity(entity, clean, g, out)
    _emit_registry_source(reg, out)


def _emit_entity(entity: Entity, clean: dict[str, Any], g: URIRef, out: Output) -> None:
    node = entity_iri(entity.id)
    out.place(node, entity.file, entity.line)
    out.add(g, node, RDF.type, entity.cls)
    out.add(g, node, RDFS.label, en_lit(clean["label"]))
    for alias in clean.get("aliases", []):
        out.add(g, node, GK.alias, text_lit(alias))
    if "description" in clean:
        out.add(g, node, DCTERMS.description, en_lit(clean["description"]))
    if "homepage" in clean:
        out.add(g, node, GK.homepage, URIRef(clean["homepage"]))
    if "identifier" in clean:
        out.add(g, node, GK.officialIdentifier, text_lit(clean["identifier"]))
    if "within" in clean:
        out.add(g, node, GK.withinJurisdiction, entity_iri(clean["within"]))


def _emit_registry_source(reg: Registry, out: Output) -> None:
    """The entities graph is described like a source graph (kind ``curation``)."""
    g = ENTITIES_GRAPH
    src = source_iri(REGISTRY_SOURCE_ID)
    published = reg.published.value if reg.published else _ontology_created()
    precision = reg.published.precision if reg.published else "day"
    out.add(g, g, RDF.type, GK.SourceGraph)
    out.add(g, g, GK.graphOf, src)
    for doc in reg.docs:
        out.add(g, g, GK.sourceFile, text_lit(doc.file))
    out.add(g, src, RDF.type, GK.Source)
    out.add(g, src, DCTERMS.title, text_lit(reg.title))
    out.add(g, src, GK.publishedOn, date_lit(published))
    out.add(g, src, GK.datePrecision, GKC[precision])
    out.add(g, src, GK.sourceKind, GKC["curation"])
    if reg.docs:  # where the registry can be read (a source needs a URL or an identifier)
        folder = reg.docs[0].file.rsplit("/", 1)[0] if "/" in reg.docs[0].file else "."
        out.add(g, src, DCTERMS.identifier, text_lit(folder))
    if reg.docs:
        out.place(src, reg.docs[0].file, 1)
        out.place(g, reg.docs[0].file, 1)
