"""Importer for Epoch AI's table of ML systems (``all-ml-systems.csv``).

Each CSV row is one model. The row becomes a gk:AIModel with its developers, release date,
weights access (mapped through the ``gk:epochValue`` annotations of govkg.ttl), base model,
parameter count, training compute, frontier flag and link, plus one gk:ModelRelease statement
citing the data set, all in the named graph ``graph/import-epoch``. See ``docs/importers.md``.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from govkg.graph.errors import DataValidationError, InputError, NotFoundError, Problem
from govkg.graph.importers.common import (
    DCTERMS,
    FOAF,
    RDF,
    RDFS,
    XSD,
    DatasetInfo,
    Progress,
    Triple,
    date_literal,
    en,
    file_date,
    gk,
    node,
    provenance_triples,
    read_readme,
    replace_graph,
    text,
    value_mapping,
    web_iri,
)
from govkg.graph.importers.names import model_key
from govkg.graph.importers.report import ImportReport
from govkg.graph.importers.resolve import EntityIndex, Resolved, Resolver
from govkg.graph.store.backend import Backend
from govkg.ontology import statement_iri

SOURCE_ID = "dataset-epoch"
GRAPH_ID = "import-epoch"
NAMESPACE = "epoch"
TITLE = "Epoch AI: Parameter, Compute and Data Trends in Machine Learning (all ML systems)"
PUBLISHER = "Epoch AI"
DEFAULT_URL = "https://epoch.ai/data"
REQUIRED_COLUMNS = ("System", "Organization")
#: Values of "Country (from Organization)" that name no jurisdiction.
NOT_A_COUNTRY = frozenset({"", "multinational", "unknown"})
TRUE_FLAGS = frozenset({"checked", "true", "yes", "1", "x"})
FALSE_FLAGS = frozenset({"", "false", "no", "0", "unchecked"})
UNKNOWN = frozenset({"", "unknown", "n/a", "na", "none", "?"})


@dataclass
class EpochRow:
    """One checked CSV row, ready to be mapped."""

    line: int
    name: str
    organisations: list[str]
    countries: list[str]
    released: date | None = None
    access: ox.NamedNode | None = None
    base_model: str | None = None
    parameters: Decimal | None = None
    compute: float | None = None
    frontier: bool = False
    link: ox.NamedNode | None = None
    dropped: list[Problem] = field(default_factory=list)


def import_epoch(
    store: Backend, path: Path, *, strict: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import Epoch AI's CSV at ``path`` into ``store``'s graph ``graph/import-epoch``.

    Lenient by default: a bad row is skipped and reported in the returned
    :class:`~govkg.graph.importers.report.ImportReport`. With ``strict=True`` the first problem
    raises
    :class:`~govkg.graph.errors.DataValidationError`. Either way the store is changed only if the
    whole import succeeds, and a re-import replaces the graph.
    """
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"no Epoch AI CSV file at {path}")
    readme = read_readme(path.parent / "README.md")
    info = DatasetInfo(
        source_id=SOURCE_ID,
        graph_id=GRAPH_ID,
        title=TITLE,
        publisher=PUBLISHER,
        url=readme.repository or DEFAULT_URL,
        identifier=path.name,
        published=readme.committed or file_date(path),
        commit=readme.commit,
        repository=readme.repository,
    )
    report = ImportReport(dataset="Epoch AI", graph=info.graph.value, path=str(path), strict=strict)
    rows = _read_rows(path, report, progress)
    resolver = Resolver(EntityIndex.from_store(store, info.graph), NAMESPACE, report)
    triples = provenance_triples(info, datetime.now(UTC).replace(microsecond=0))
    triples.extend(_map_rows(rows, info, resolver, report, str(path)))
    report.quads = replace_graph(store, info.graph, triples)
    report.seconds = time.perf_counter() - started
    return report


def _read_rows(path: Path, report: ImportReport, progress: Progress | None) -> list[EpochRow]:
    """Parse and check every row; skip (or, strict, raise on) the bad ones and duplicates."""
    file = str(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {file}: {exc}") from exc
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataValidationError(
            f"{file} is not an Epoch AI systems table",
            problems=[
                Problem(f"missing column {c!r}", file=file, line=1, field=c) for c in missing
            ],
        )
    total = max(content.count("\n") - 1, 1)
    accepted: list[EpochRow] = []
    seen: dict[str, int] = {}
    line = 2  # the first data row starts on line 2
    for number, raw in enumerate(_rows_or_error(reader, file), start=1):
        start, line = line, reader.line_num + 1
        report.rows_read += 1
        row = _check_row(raw, start, number, file, report)
        if row is not None:
            key = model_key(row.name)
            if key in seen:
                report.skip(
                    _problem(
                        file,
                        start,
                        number,
                        row.name,
                        "System",
                        f"duplicate model name: same as the row on line {seen[key]}",
                    )
                )
            else:
                seen[key] = start
                for dropped in row.dropped:
                    report.warn(dropped)
                accepted.append(row)
        if progress is not None:
            progress(min(reader.line_num, total), total)
    if progress is not None:
        progress(total, total)
    return accepted


def _rows_or_error(reader: csv.DictReader, file: str) -> Iterator[dict[str, str | None]]:
    """The reader's rows; a CSV syntax error is one located error for the whole file."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataValidationError(
                f"{file} is not a readable CSV file",
                problems=[Problem(f"CSV error: {exc}", file=file, line=reader.line_num + 1)],
            ) from exc
        yield row


def _problem(file: str, line: int, number: int, name: str, column: str, message: str) -> Problem:
    label = f"row {number} ({name!r})" if name else f"row {number}"
    return Problem(f"{label}: {message}", file=file, line=line, field=column)


def _check_row(
    raw: dict[Any, Any], line: int, number: int, file: str, report: ImportReport
) -> EpochRow | None:
    """One row → an :class:`EpochRow`, or None after reporting why it is skipped."""

    def cell(column: str) -> str:
        value = raw.get(column)
        return value.strip() if isinstance(value, str) else ""

    name = cell("System")

    def skip(column: str, message: str) -> None:
        report.skip(_problem(file, line, number, name, column, message))

    if None in raw:
        skip("(extra cells)", f"{len(raw[None] or [])} more cells than the header has columns")
        return None
    if not name:
        skip("System", "empty: every row must name its system")
        return None
    organisations = _split_cell(cell("Organization"))
    if not organisations:
        skip("Organization", "empty: a model must name its developer")
        return None
    row = EpochRow(
        line=line,
        name=name,
        organisations=organisations,
        countries=_split_cell(cell("Country (from Organization)")),
    )
    published = cell("Publication date")
    if published.lower() not in UNKNOWN:
        try:
            row.released = date.fromisoformat(published)
        except ValueError:
            skip("Publication date", f"{published!r} is not a date written YYYY-MM-DD")
            return None
    access = cell("Model accessibility")
    if access:
        mapping = value_mapping("epochValue")
        if access not in mapping:
            known = ", ".join(repr(v) for v in sorted(mapping))
            skip("Model accessibility", f"unknown value {access!r} (known: {known}, or empty)")
            return None
        row.access = mapping[access]
    for column, attr in (("Parameters", "parameters"), ("Training compute (FLOP)", "compute")):
        value = cell(column)
        if value.lower() in UNKNOWN:
            continue
        try:
            number_value = Decimal(value.replace(",", ""))
        except InvalidOperation:
            number_value = None
        if number_value is None or not number_value.is_finite() or number_value < 0:
            skip(column, f"{value!r} is not a non-negative number")
            return None
        setattr(row, attr, number_value if attr == "parameters" else float(number_value))
    flag = cell("Frontier model").lower()
    if flag not in TRUE_FLAGS | FALSE_FLAGS:
        skip("Frontier model", f"{flag!r} is neither 'checked' nor empty")
        return None
    row.frontier = flag in TRUE_FLAGS
    row.base_model = cell("Base model") or None
    link = cell("Link")
    if link:
        row.link = web_iri(link)
        if row.link is None:
            row.dropped.append(
                _problem(file, line, number, name, "Link", f"{link[:80]!r} is not a web address")
            )
    return row


def _split_cell(value: str) -> list[str]:
    """Items of a comma-separated cell; items may be quoted when they contain a comma."""
    if not value:
        return []
    items = next(csv.reader([value.replace("\n", " ")], skipinitialspace=True), [])
    return [" ".join(item.split()) for item in items if item.strip()]


def _decimal_lexical(value: Decimal) -> str:
    """An ``xsd:decimal`` lexical form without exponent (``405000000000``)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _map_rows(
    rows: list[EpochRow], info: DatasetInfo, resolver: Resolver, report: ImportReport, file: str
) -> list[Triple]:
    """The model, developer, country and statement triples of every accepted row."""
    out: list[Triple] = []
    g_source = info.source
    models: dict[str, Resolved] = {}
    kept: list[EpochRow] = []
    first_row: dict[str, EpochRow] = {}
    for row in rows:
        resolved = resolver.resolve("model", row.name, file=file, line=row.line)
        models[model_key(row.name)] = resolved
        if resolved.iri in first_row:
            first = first_row[resolved.iri]
            report.skip(
                Problem(
                    f"row for {row.name!r}: the same model as the row on line {first.line} "
                    f"({first.name!r}): both resolve to <{resolved.iri}>",
                    file=file,
                    line=row.line,
                    field="System",
                )
            )
            continue
        first_row[resolved.iri] = row
        kept.append(row)
    report.imported["model"] = len(kept)
    developers: set[str] = set()
    for row in kept:
        resolved = models[model_key(row.name)]
        m = node(resolved.iri)
        out.append((m, RDF("type"), gk("AIModel")))
        if resolved.merged:
            out.append((m, gk("alias"), text(row.name)))
        else:
            out.append((m, RDFS("label"), en(row.name)))
        statement = node(str(statement_iri(SOURCE_ID, resolver.statement_slug(row.name))))
        out.extend(
            [
                (statement, RDF("type"), gk("ModelRelease")),
                (statement, gk("model"), m),
                (statement, DCTERMS("source"), g_source),
                # the evidence for a data set's statement is its row (docs/data-format.md)
                (statement, gk("locator"), text(f"{Path(file).name} line {row.line}")),
            ]
        )
        pair_countries = len(row.countries) == len(row.organisations)
        for i, name in enumerate(row.organisations):
            org = resolver.resolve("organisation", name, file=file, line=row.line)
            o = node(org.iri)
            out.append((m, gk("developedBy"), o))
            out.append((statement, gk("developedBy"), o))
            if not org.merged and org.iri not in developers:
                developers.add(org.iri)
                out.append((o, RDF("type"), gk("AIDeveloper")))
                out.append((o, RDFS("label"), en(name)))
            elif org.merged:
                out.append((o, gk("alias"), text(name)))
            country = row.countries[i] if pair_countries else ""
            if country.lower() not in NOT_A_COUNTRY:
                j = resolver.resolve("jurisdiction", country, file=file, line=row.line)
                out.append((o, gk("basedIn"), node(j.iri)))
                if not j.merged:
                    out.append((node(j.iri), RDF("type"), gk("Jurisdiction")))
                    out.append((node(j.iri), RDFS("label"), en(country)))
        if row.released is not None:
            out.append((m, gk("releaseDate"), date_literal(row.released)))
            out.append((statement, gk("date"), date_literal(row.released)))
        if row.access is not None:
            out.append((m, gk("weightsAccess"), row.access))
        if row.parameters is not None:
            lexical = _decimal_lexical(row.parameters)
            out.append((m, gk("parameterCount"), ox.Literal(lexical, datatype=XSD("decimal"))))
        if row.compute is not None:
            out.append(
                (m, gk("trainingCompute"), ox.Literal(repr(row.compute), datatype=XSD("double")))
            )
        if row.frontier:
            out.append((m, gk("frontierModel"), ox.Literal("true", datatype=XSD("boolean"))))
        if row.link is not None:
            out.append((m, FOAF("page"), row.link))
        if row.base_model:
            base = models.get(model_key(row.base_model)) or _existing_model(
                resolver, row.base_model, file, row.line
            )
            if base is None:
                report.warn(
                    Problem(
                        f"row for {row.name!r}: base model {row.base_model!r} is neither a row "
                        "of this file nor a known model; the lineage link is left out",
                        file=file,
                        line=row.line,
                        field="Base model",
                    )
                )
            else:
                out.append((m, gk("baseModel"), node(base.iri)))
    return out


def _existing_model(resolver: Resolver, name: str, file: str, line: int) -> Resolved | None:
    """A base model outside the file: only an existing (curated or imported) model will do."""
    key = model_key(name)
    found = resolver.index.candidates("model", key)
    if len(found) == 1:
        return resolver.resolve("model", name, file=file, line=line)
    return None
