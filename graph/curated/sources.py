"""Compiling one source file (``graph/data/sources/<id>.yaml``) into its named graph.

Checks that need the whole file live here: the source block, statement ids (local and
derived), dates after publication, and contradictions between statements of the same file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from govkg.graph.curated.checks import Checker, DateValue, did_you_mean
from govkg.graph.curated.contradictions import FileState
from govkg.graph.curated.epistemic import StatementFact, fact_key
from govkg.graph.curated.evidence import check_evidence
from govkg.graph.curated.loader import YamlDoc, item_pos, key_pos, value_pos
from govkg.graph.curated.output import Output, date_lit, text_lit
from govkg.graph.curated.schema import (
    COMMON_STATEMENT_FIELDS,
    EVIDENCE_FIELDS,
    ID_RE,
    KEY_FIELD,
    ORGANISATION,
    SOURCE_FIELDS,
    STATEMENT_KINDS,
)
from govkg.graph.curated.statements import emit_statement
from govkg.ontology import GK, GKC, entity_iri, graph_iri, source_iri, statement_iri
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS

TOP_KEYS = ("source", "statements")


@dataclass
class PendingTension:
    """A tension whose ``between`` references are resolved after all sources are read."""

    file: str
    source_id: str
    graph: URIRef
    node: URIRef
    refs: list[tuple[str, str, tuple[int | None, int | None]]]  # (ref, field path, pos)


@dataclass
class SourceResult:
    """What the compiler needs from one source file after compiling it."""

    file: str
    source_id: str | None
    line: int | None = None
    statement_ids: set[str] = field(default_factory=set)
    statements: int = 0
    tensions: list[PendingTension] = field(default_factory=list)
    #: every emitted statement with its fact key, for corroboration across files
    facts: list[StatementFact] = field(default_factory=list)


def _plain(value: Any) -> Any:
    """Checked values as plain JSON-able data, for content hashes independent of formatting."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, DateValue):
        return value.value.isoformat() + ("" if value.precision == "day" else f"/{value.precision}")
    return str(value)


def derive_id(kind: str, clean: dict[str, Any]) -> str:
    """A stable statement id from the statement's facts (``release-<model>`` for releases).

    The hash covers the checked values except the evidence fields (quote, locator, ...), so
    re-wording a quote, adding a locator, re-ordering keys or re-formatting the YAML keeps the
    statement's IRI; changing a fact changes it.
    """
    key = clean.get(KEY_FIELD[kind])
    if kind == "release":
        return f"release-{key}"
    facts = {k: v for k, v in clean.items() if k not in EVIDENCE_FIELDS}
    digest = hashlib.sha1(
        json.dumps(_plain(facts), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:8]
    if kind in ("scenario", "tension") or key is None:
        return f"{kind}-{digest}"
    if isinstance(key, list):
        key = key[0]
    return f"{kind}-{key}-{digest}"


def compile_source(doc: YamlDoc, stem: str, checker: Checker, out: Output) -> SourceResult:
    """Check one source file and emit its graph; problems go to ``checker.problems``."""
    file, data = doc.file, doc.data
    result = SourceResult(file=file, source_id=None)
    if not isinstance(data, dict):
        checker.add(file, (1, 1), None, "expected a mapping with 'source' and 'statements'")
        return result
    for key in data:
        if key not in TOP_KEYS:
            checker.add(
                file,
                key_pos(data, key),
                str(key),
                f"unknown top-level key '{key}' (allowed: source, statements)",
                did_you_mean(str(key), list(TOP_KEYS), {}),
            )
    if "source" not in data:
        checker.add(
            file, (1, 1), "source", "missing the 'source' block (id, title, published, ...)"
        )
        src = None
    else:
        src = _check_source_block(doc, stem, checker)
    if src is not None:
        result.source_id = src["id"]
        result.line = key_pos(data, "source")[0]
    stmts = data.get("statements")
    if "statements" not in data:
        checker.add(file, (1, 1), "statements", "missing the 'statements' list")
        return result
    if not isinstance(stmts, list):
        checker.add(file, value_pos(data, "statements"), "statements", "expected a list")
        return result
    source_id = src["id"] if src else stem
    g, source = graph_iri(source_id), source_iri(source_id)
    if src is not None:
        _emit_source(out, g, source, src, doc)
    published: DateValue | None = src["published"] if src else None
    publisher = (src.get("publisher_id") or src.get("publisher") or source_id) if src else stem
    state = FileState()
    concepts = set(checker.concepts.schemes_of)
    for i, raw in enumerate(stmts):
        path, pos = f"statements[{i}]", item_pos(stmts, i)
        clean = _check_statement(raw, path, pos, file, checker)
        if clean is None:
            continue
        kind = clean["kind"]
        if published is not None:
            _check_dates(clean, raw, published, file, path, checker)
        for sid, single in _split(kind, clean, raw, file, path, checker):
            before = len(checker.problems)
            state.contradictions(kind, single, raw, file, path, checker)
            if len(checker.problems) > before:
                continue  # a contradiction says more than the duplicate id it also causes
            if sid in state.ids:
                checker.add(
                    file,
                    pos,
                    path,
                    f"duplicate statement id '{sid}' (also {state.ids[sid]})",
                    "give the statements different `id:` values, or merge them",
                )
                continue
            state.ids[sid] = path
            node = statement_iri(source_id, sid)
            out.place(node, file, pos[0])
            emit_statement(out, g, node, kind, single, source, concepts)
            result.facts.append(_fact(node, g, kind, single, publisher))
            result.statements += 1
            if kind == "instrument":
                result.statements += _emit_parties(
                    out,
                    g,
                    node,
                    single,
                    source,
                    state,
                    file,
                    path,
                    pos,
                    checker,
                    result.facts,
                    publisher,
                )
            if kind == "tension":
                refs = [
                    (ref, f"{path}.between[{j}]", _between_pos(raw, j, pos))
                    for j, ref in enumerate(single["between"])
                ]
                result.tensions.append(PendingTension(file, source_id, g, node, refs))
    result.statement_ids = set(state.ids)
    return result


def _fact(node: URIRef, g: URIRef, kind: str, v: dict, publisher: str) -> StatementFact:
    stated = v.get("epistemic") or ("reported" if "reported_by" in v else None)
    return StatementFact(node, g, fact_key(kind, v), publisher, stated)


def _check_source_block(doc: YamlDoc, stem: str, checker: Checker) -> dict[str, Any] | None:
    block = doc.data["source"]
    file = doc.file
    clean = checker.check_mapping(block, SOURCE_FIELDS, file, "source", "the source block")
    if clean is None:
        return None
    ok = True
    if clean["id"] != stem:
        checker.add(
            file,
            value_pos(block, "id"),
            "source.id",
            f"source id '{clean['id']}' does not match the file name '{stem}.yaml'",
            f"rename the file to {clean['id']}.yaml or the id to '{stem}'",
        )
        ok = False
    if "url" not in clean and "document" not in clean:
        checker.add(
            file,
            key_pos(block, "id"),
            "source",
            "the source block needs a 'url' (or a 'document' for a local file)",
        )
        ok = False
    publisher = clean.get("publisher")
    if publisher and ID_RE.match(publisher):
        # an id-shaped publisher must be a declared organisation (free text has capitals/spaces)
        if checker.check_entity(
            publisher, (ORGANISATION,), file, "source.publisher", value_pos(block, "publisher")
        ):
            clean["publisher_id"] = publisher
        else:
            ok = False
    return clean if ok else None


def _emit_source(out: Output, g: URIRef, source: URIRef, src: dict, doc: YamlDoc) -> None:
    line = key_pos(doc.data, "source")[0]
    out.place(g, doc.file, line)
    out.place(source, doc.file, line)
    out.add(g, g, RDF.type, GK.SourceGraph)
    out.add(g, g, GK.graphOf, source)
    out.add(g, g, GK.sourceFile, text_lit(doc.file))
    out.add(g, source, RDF.type, GK.Source)
    out.add(g, source, DCTERMS.title, text_lit(src["title"]))
    out.add(g, source, GK.publishedOn, date_lit(src["published"].value))
    if src["published"].precision != "day":  # time model: the interval's last day
        out.add(g, source, GK.publishedOnLatest, date_lit(src["published"].last_day))
    out.add(g, source, GK.datePrecision, GKC[src["published"].precision])
    out.add(g, source, GK.sourceKind, GKC[src["kind"]])
    if "url" in src:
        out.add(g, source, GK.url, URIRef(src["url"]))
    if "url_note" in src:
        out.add(g, source, GK.locatorNote, text_lit(src["url_note"]))
    if "document" in src:
        out.add(g, source, DCTERMS.identifier, text_lit(src["document"]))
    if "publisher_id" in src:
        out.add(g, source, DCTERMS.publisher, entity_iri(src["publisher_id"]))
    elif "publisher" in src:
        out.add(g, source, GK.publisherName, text_lit(src["publisher"]))
    if "note" in src:
        out.add(g, source, RDFS.comment, text_lit(src["note"]))


def _check_statement(
    raw: Any, path: str, pos: tuple, file: str, checker: Checker
) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        checker.add(file, pos, path, "expected a statement (a mapping with a 'kind')")
        return None
    kind = raw.get("kind")
    if kind is None:
        checker.add(file, pos, f"{path}.kind", "missing required field 'kind'", _kinds_hint())
        return None
    if kind not in STATEMENT_KINDS:
        checker.add(
            file,
            value_pos(raw, "kind"),
            f"{path}.kind",
            f"unknown statement kind {kind!r} (allowed: {', '.join(STATEMENT_KINDS)})",
            did_you_mean(str(kind), list(STATEMENT_KINDS), {}),
        )
        return None
    fields = COMMON_STATEMENT_FIELDS + STATEMENT_KINDS[kind]
    clean = checker.check_mapping(raw, fields, file, path, f"a {kind} statement")
    if clean is None:
        return None
    ok = True
    if kind == "participation" and "date" not in clean and "valid_from" not in clean:
        checker.add(
            file,
            pos,
            path,
            "a participation needs a 'date' (the event) or 'valid_from' (a state from then)",
        )
        ok = False
    if kind == "licence" and "valid_from" not in clean and "valid_until" not in clean:
        checker.add(
            file,
            pos,
            path,
            "a licence term needs 'valid_from' or 'valid_until' (a licence without a period "
            "belongs on the release statement's 'licence')",
        )
        ok = False
    if kind == "organisation" and "role" in clean and "head" not in clean:
        checker.add(file, key_pos(raw, "role"), f"{path}.role", "'role' needs a 'head' person")
        ok = False
    if kind == "instrument" and "parties" in clean and "adopted" not in clean:
        checker.add(
            file,
            key_pos(raw, "parties"),
            f"{path}.parties",
            "'parties' needs the 'adopted' date (the date the parties signed)",
        )
        ok = False
    if not check_evidence(clean, raw, file, path, checker):
        ok = False
    if kind == "evaluation" and "tested" in clean and ({"tested_from", "tested_to"} & set(clean)):
        checker.add(
            file,
            key_pos(raw, "tested"),
            f"{path}.tested",
            "give 'tested' (one day or month) or 'tested_from'/'tested_to', not both",
        )
        ok = False
    if kind == "organisation" and "head" not in clean:
        for key in ("head_from", "head_until"):
            if key in clean:
                checker.add(file, key_pos(raw, key), f"{path}.{key}", f"'{key}' needs a 'head'")
                ok = False
    if kind == "tension" and len(clean["between"]) != 2:
        checker.add(
            file,
            value_pos(raw, "between"),
            f"{path}.between",
            f"expected exactly two statements, got {len(clean['between'])}",
        )
        ok = False
    return clean if ok else None


def _between_pos(raw: dict, index: int, fallback: tuple) -> tuple:
    pos = item_pos(raw["between"], index)
    return pos if pos[0] is not None else fallback


def _kinds_hint() -> str:
    return f"one of: {', '.join(STATEMENT_KINDS)}"


def _check_dates(
    clean: dict, raw: dict, published: DateValue, file: str, path: str, checker: Checker
) -> None:
    """An event dated after its source's publication needs ``scheduled: true``."""
    if clean.get("scheduled"):
        return
    for key, value in clean.items():
        if isinstance(value, DateValue) and value.value > published.last_day:
            checker.add(
                file,
                value_pos(raw, key),
                f"{path}.{key}",
                f"date {value.text()} is after the source's publication date {published.text()}",
                "add `scheduled: true` if the source states it as scheduled",
            )


def _split(
    kind: str, clean: dict, raw: dict, file: str, path: str, checker: Checker
) -> list[tuple[str, dict]]:
    """(statement id, values) pairs: a participation with several parties is one per party."""
    if kind != "participation" or len(clean["party"]) == 1:
        return [(clean.get("id") or derive_id(kind, clean), clean)]
    if "id" in clean:
        checker.add(
            file,
            value_pos(raw, "id"),
            f"{path}.id",
            "a participation with several parties cannot have one 'id'",
            "split it into one statement per party to refer to it from a tension",
        )
        return []
    out = []
    for party in clean["party"]:
        single = {**clean, "party": [party]}
        out.append((derive_id(kind, single), single))
    return out


def _emit_parties(
    out: Output,
    g: URIRef,
    node: URIRef,
    v: dict,
    source: URIRef,
    state: FileState,
    file: str,
    path: str,
    pos: tuple,
    checker: Checker,
    facts: list[StatementFact],
    publisher: str,
) -> int:
    """``parties`` of an instrument statement: one signed participation each (adopted date)."""
    count = 0
    for party in v.get("parties", []):
        pnode = URIRef(f"{node}-party-{party}")
        out.place(pnode, file, pos[0])
        values: dict[str, Any] = {
            "party": [party],
            "instrument": v["instrument"],
            "status": "signed",
        }
        values["date"] = v["adopted"]
        state.participation(
            party, v["instrument"], "signed", v["adopted"], file, f"{path}.parties", pos, checker
        )
        for key in ("reported_by", "scheduled", *EVIDENCE_FIELDS):
            if key in v:
                values[key] = v[key]
        emit_statement(out, g, pnode, "participation", values, source, set())
        facts.append(_fact(pnode, g, "participation", values, publisher))
        count += 1
    return count
