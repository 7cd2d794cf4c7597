"""The curated-data compiler: entity files + source files → one validated RDF dataset.

Order matters for the quality of the errors: YAML syntax, then entity declarations (so every
reference can be resolved and hinted), then each source file, then cross-file tension
references, and only when all of that is clean, SHACL (whose violations are mapped back to the
YAML item that produced the offending node).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.curated.checks import Checker, concept_index, did_you_mean
from govkg.graph.curated.entities import Registry, compile_entities, declare_entities
from govkg.graph.curated.epistemic import emit_epistemic
from govkg.graph.curated.loader import display_path, load_yaml
from govkg.graph.curated.output import Output, Quad
from govkg.graph.curated.sources import PendingTension, SourceResult, compile_source
from govkg.graph.curated.statements import emit_tension
from govkg.graph.curated.timemodel import emit_weights_fallback
from govkg.graph.errors import Problem
from govkg.ontology import PREFIXES, statement_iri
from govkg.ontology.validation import validate_data
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

#: The repository root: error messages name files relative to it when they are inside it.
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Compilation:
    """Everything one compiler run produced: quads, positions, problems and counts."""

    out: Output = field(default_factory=Output)
    problems: list[Problem] = field(default_factory=list)
    sources: list[SourceResult] = field(default_factory=list)


def run(data_dir: Path, files: list[Path] | None = None, *, shacl: bool = True) -> Compilation:
    """Compile ``data_dir`` and collect every problem (only those of ``files`` when given).

    Even with ``files`` every source is compiled: tension references and the SHACL shapes
    need the whole data set; only the reporting is narrowed to the files asked about.
    """
    data_dir = Path(data_dir)
    comp = Compilation()
    problems = comp.problems
    entity_dir, source_dir = data_dir / "entities", data_dir / "sources"
    if not entity_dir.is_dir():
        problems.append(Problem(f"no entities directory at {display_path(entity_dir, REPO_ROOT)}"))
    reg = declare_entities(entity_dir, REPO_ROOT, problems) if entity_dir.is_dir() else None
    checker = Checker(
        reg.entities if reg else {},
        concept_index(),
        problems,
        unchecked=reg.unchecked if reg else {},
    )
    if reg is not None:
        compile_entities(reg, checker, comp.out)

    all_paths = sorted(source_dir.glob("*.yaml")) if source_dir.is_dir() else []
    extra = [
        Path(f) for f in files or [] if Path(f).resolve() not in {p.resolve() for p in all_paths}
    ]
    known_ids: dict[str, set[str]] = {}
    seen_sources: dict[str, str] = {}
    files_of: dict[str, str] = {}  # source id (= file stem) → display name, loaded or not
    for path in all_paths + extra:
        files_of.setdefault(path.stem, display_path(path, REPO_ROOT))
        doc, errs = load_yaml(path, REPO_ROOT)
        problems.extend(errs)
        if doc is None:
            continue
        result = compile_source(doc, path.stem, checker, comp.out)
        comp.sources.append(result)
        if result.source_id is None:
            continue
        if result.source_id in seen_sources:
            problems.append(
                Problem(
                    f"duplicate source id '{result.source_id}'",
                    result.file,
                    result.line,
                    field="source.id",
                    hint=f"also used by {seen_sources[result.source_id]}",
                )
            )
            continue
        seen_sources[result.source_id] = result.file
        known_ids[result.source_id] = result.statement_ids
    targets = _Targets(known_ids, files_of, {p.file for p in problems if p.file})
    for result in comp.sources:
        for tension in result.tensions:
            _resolve_tension(tension, targets, comp.out, problems)
    emit_epistemic([f for r in comp.sources for f in r.facts], comp.out)
    emit_weights_fallback(comp.out)
    keep = _focus(files, reg)
    if keep is not None:
        problems[:] = [p for p in problems if p.file is None or p.file in keep]
    if shacl and not problems:
        found = _shacl_problems(comp.out)
        if keep is not None:
            found = [p for p in found if p.file in keep and p.file not in _entity_files(reg)]
        problems.extend(found)
    return comp


def _entity_files(reg: Registry | None) -> set[str]:
    return {doc.file for doc in reg.docs} if reg is not None else set()


def _focus(files: list[Path] | None, reg: Registry | None) -> set[str] | None:
    """Display names whose problems ``validate(files=...)`` reports (``None``: all).

    The given source files, plus the entity files for their own errors (a broken entity file
    explains unknown ids); SHACL findings on entities are left out, since with only some
    sources in view they can be judged only on the whole data set.
    """
    if files is None:
        return None
    return {display_path(Path(f), REPO_ROOT) for f in files} | _entity_files(reg)


@dataclass
class _Targets:
    """What tension references resolve against, and which source files have errors.

    Why the files with errors: a statement in a file that failed to load (or whose source
    block or statement failed its checks) is missing from ``known``, but calling a reference
    to it "unknown", with a did-you-mean naming some other source, sends the curator to the
    wrong file. Such references are reported as not checked, naming the file to fix.
    """

    known: dict[str, set[str]]
    files_of: dict[str, str]
    with_errors: set[str]

    def broken_file(self, source_id: str) -> str | None:
        """The display name of ``source_id``'s file when that file has errors, else None."""
        file = self.files_of.get(source_id)
        return file if file in self.with_errors else None


def _resolve_tension(
    t: PendingTension, targets: _Targets, out: Output, problems: list[Problem]
) -> None:
    """``source#id`` (or a bare ``id`` of the same file) → statement IRIs; else a problem."""
    known = targets.known
    nodes: list[URIRef] = []
    for ref, path, pos in t.refs:
        source_id, _, local = ref.rpartition("#")
        source_id = source_id or t.source_id
        resolved = source_id in known and local in known[source_id]
        broken = None if resolved else targets.broken_file(source_id)
        if broken is not None:
            problems.append(
                Problem(
                    f"reference '{ref}' not checked: {broken} has errors",
                    t.file,
                    *pos,
                    field=path,
                    hint="fix that file, then validate again",
                )
            )
            continue
        if source_id not in known:
            problems.append(
                Problem(
                    f"unknown source '{source_id}' in statement reference '{ref}'",
                    t.file,
                    *pos,
                    field=path,
                    hint=did_you_mean(source_id, sorted(known), {}),
                )
            )
            continue
        if local not in known[source_id]:
            problems.append(
                Problem(
                    f"unknown statement '{local}' in source '{source_id}'",
                    t.file,
                    *pos,
                    field=path,
                    hint=did_you_mean(local, sorted(known[source_id]), {})
                    or "refer to a statement by the `id:` it is given in its file",
                )
            )
            continue
        nodes.append(statement_iri(source_id, local))
    if len(nodes) == 2:
        emit_tension(out, t.graph, t.node, nodes[0], nodes[1])


def _shacl_problems(out: Output) -> list[Problem]:
    """Run the SHACL shapes and locate each violation at the YAML item of its focus node."""
    dataset = to_dataset(out.quads)
    found = []
    for v in validate_data(dataset):
        if str(v.severity) != "Violation":
            continue
        file, line = out.positions.get(URIRef(v.focus_node), (None, None))
        where = _short(v.focus_node) + (f" {v.path}" if v.path else "")
        message = f"{where}: {v.message}" + (f" (got {v.value})" if v.value else "")
        found.append(Problem(message, file, line, hint="SHACL shape violation"))
    return sorted(found, key=lambda p: (p.file or "", p.line or 0, p.message))


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix.startswith("gk"):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def to_dataset(quads: list[Quad]) -> Dataset:
    """An rdflib Dataset with one graph per distinct graph IRI and the govkg prefixes bound."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    for s, p, o, g in quads:
        ds.add((s, p, o, g))  # type: ignore[arg-type]  # rdflib takes a graph IRI here too
    return ds


def to_ox(term: Node) -> ox.NamedNode | ox.Literal:
    """One rdflib term as a pyoxigraph term (the compiler mints no blank nodes)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def iter_ox_quads(quads: list[Quad]) -> Iterator[ox.Quad]:
    """Deduplicated pyoxigraph quads in production order."""
    seen: set[Quad] = set()
    for q in quads:
        if q in seen:
            continue
        seen.add(q)
        s, p, o, g = q
        yield ox.Quad(_named(s), _named(p), to_ox(o), _named(g))


def _named(term: Node) -> ox.NamedNode:
    """A subject, predicate or graph name: always an IRI in the compiler's output."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    raise TypeError(f"expected an IRI, got {term!r}")
