"""Importer for Stanford CRFM's Ecosystem Graphs (``assets/*.yaml``).

Each asset is a model, a data set or an application. Models become gk:AIModel nodes (developer,
created date, access mapped through the ``gk:ecosystemGraphsValue`` annotations of govkg.ttl,
licence, parameter count, link, lineage) with one gk:ModelRelease statement each. govkg.ttl has
no class for data sets or applications, so they are recorded as ``prov:Entity`` with a DCMI
``dcterms:type`` (Dataset, Service), their organisation (``prov:wasAttributedTo``) and
dependencies, so questions such as "which applications use an open-weights model" can be
asked. Everything goes into the named graph ``graph/import-ecosystem-graphs``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.curated.loader import round_trip_yaml
from govkg.graph.errors import NotFoundError, Problem
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
    prov,
    provenance_triples,
    read_readme,
    replace_graph,
    text,
    value_mapping,
)
from govkg.graph.importers.ecosystem_records import Asset, check_record, load_schema_fields
from govkg.graph.importers.names import is_legal_suffix, model_key
from govkg.graph.importers.report import ImportReport
from govkg.graph.importers.resolve import EntityIndex, Resolver
from govkg.graph.store.backend import Backend
from govkg.ontology import statement_iri
from ruamel.yaml.error import YAMLError

SOURCE_ID = "dataset-ecosystem-graphs"
GRAPH_ID = "import-ecosystem-graphs"
NAMESPACE = "ecosystem"
TITLE = "Stanford CRFM Ecosystem Graphs"
PUBLISHER = "Stanford Center for Research on Foundation Models"
DEFAULT_URL = "https://github.com/stanford-crfm/ecosystem-graphs"
DCMITYPE = "http://purl.org/dc/dcmitype/"
#: How non-model assets are typed (govkg.ttl has no class for them; see the module docstring).
ASSET_TYPES = {"dataset": DCMITYPE + "Dataset", "application": DCMITYPE + "Service"}


def import_ecosystem_graphs(
    store: Backend, directory: Path, *, strict: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import the Ecosystem Graphs checkout at ``directory`` (holding ``assets/*.yaml`` and
    ``schemas.yaml``) into ``store``'s graph ``graph/import-ecosystem-graphs``.

    Lenient by default: a bad record is skipped and reported; ``strict=True`` raises
    :class:`~govkg.graph.errors.DataValidationError` on the first problem. The store changes only if
    the whole import succeeds; a re-import replaces the graph.
    """
    started = time.perf_counter()
    directory = Path(directory)
    assets_dir = directory / "assets"
    if not assets_dir.is_dir():
        raise NotFoundError(f"no Ecosystem Graphs assets folder at {assets_dir}")
    files = sorted(assets_dir.glob("*.yaml"))
    if not files:
        raise NotFoundError(f"no *.yaml files in {assets_dir}")
    schema_file = next(
        (p for p in (directory / "schemas.yaml", directory / "js" / "schemas.yaml") if p.is_file()),
        None,
    )
    if schema_file is None:
        raise NotFoundError(
            f"no schemas.yaml in {directory} (or its js/ folder): it defines the fields each "
            "asset type may have"
        )
    schema = load_schema_fields(schema_file)
    readme = read_readme(directory / "README.md")
    info = DatasetInfo(
        source_id=SOURCE_ID,
        graph_id=GRAPH_ID,
        title=TITLE,
        publisher=PUBLISHER,
        url=readme.repository or DEFAULT_URL,
        identifier=directory.name,
        published=readme.committed or max(file_date(p) for p in files),
        commit=readme.commit,
        repository=readme.repository,
    )
    report = ImportReport(
        dataset="Ecosystem Graphs", graph=info.graph.value, path=str(directory), strict=strict
    )
    assets = _read_assets(files, schema, report, progress)
    resolver = Resolver(EntityIndex.from_store(store, info.graph), NAMESPACE, report)
    triples = provenance_triples(info, datetime.now(UTC).replace(microsecond=0))
    triples.extend(_map_assets(assets, info, resolver, report))
    report.quads = replace_graph(store, info.graph, triples)
    report.seconds = time.perf_counter() - started
    return report


def _read_assets(
    files: list[Path], schema: dict[str, set[str]], report: ImportReport, progress: Progress | None
) -> list[Asset]:
    """Load and check every record of every file; duplicates (same name key) are skipped.

    The loader keeps a value ruamel cannot convert (``created_date: 2023-02-30``, ``size: 0x_``)
    as its text instead of raising from inside the library, which would lose the whole file
    (or, being no YAMLError, crash the import): the record check then skips just that record,
    at its line, or in strict mode raises it as a located error.
    """
    yaml = round_trip_yaml(dates_as_text=False)
    accepted: list[Asset] = []
    seen: dict[str, Asset] = {}
    for done, path in enumerate(files, start=1):
        file = str(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            report.skip(
                Problem(
                    f"the whole file is skipped: {exc.__class__.__name__}: "
                    f"{getattr(exc, 'problem', None) or exc}",
                    file=file,
                    line=mark.line + 1 if mark is not None else None,
                )
            )
            continue
        if data is None:
            data = []
        if not isinstance(data, list):
            report.skip(
                Problem("the whole file is skipped: expected a list of assets", file=file, line=1)
            )
            continue
        for index, record in enumerate(data):
            report.rows_read += 1
            asset = check_record(record, data, index, file, schema, report)
            if asset is None:
                continue
            key = model_key(asset.name)
            if key in seen:
                first = seen[key]
                report.skip(
                    Problem(
                        f"record {index + 1} ({asset.name!r}): duplicate asset name, same as "
                        f"record at {first.file}:{first.line} ({first.type})",
                        file=file,
                        line=asset.line,
                        field="name",
                    )
                )
                continue
            seen[key] = asset
            accepted.append(asset)
        if progress is not None:
            progress(done, len(files))
    return accepted


@dataclass
class _Context:
    """State of one mapping pass: resolved assets by key, minted organisations to describe."""

    info: DatasetInfo
    resolver: Resolver
    report: ImportReport
    by_key: dict[str, tuple[Asset, str]] = field(default_factory=dict)
    minted_orgs: dict[str, str] = field(default_factory=dict)
    developers: set[str] = field(default_factory=set)


def _map_assets(
    assets: list[Asset], info: DatasetInfo, resolver: Resolver, report: ImportReport
) -> list[Triple]:
    """The triples of every accepted asset, then the descriptions of minted organisations."""
    ctx = _Context(info, resolver, report)
    kept: list[Asset] = []
    first_asset: dict[str, Asset] = {}
    for asset in assets:
        kind = "model" if asset.type == "model" else "asset"
        resolved = resolver.resolve(kind, asset.name, file=asset.file, line=asset.line)
        ctx.by_key[model_key(asset.name)] = (asset, resolved.iri)
        if resolved.iri in first_asset:
            first = first_asset[resolved.iri]
            report.skip(
                Problem(
                    f"{asset.type} {asset.name!r}: the same model as {first.name!r} at "
                    f"{first.file}:{first.line}: both resolve to <{resolved.iri}>",
                    file=asset.file,
                    line=asset.line,
                    field="name",
                )
            )
            continue
        first_asset[resolved.iri] = asset
        kept.append(asset)
        report.imported[asset.type] += 1
    assets = kept
    out: list[Triple] = []
    for asset in assets:
        out.extend(_asset_triples(asset, ctx))
    for iri, label in ctx.minted_orgs.items():
        cls = gk("AIDeveloper") if iri in ctx.developers else gk("Organisation")
        out.append((node(iri), RDF("type"), cls))
        out.append((node(iri), RDFS("label"), en(label)))
    return out


def _asset_triples(asset: Asset, ctx: _Context) -> list[Triple]:
    _, iri = ctx.by_key[model_key(asset.name)]
    a = node(iri)
    is_model = asset.type == "model"
    known = ctx.resolver.known("model", asset.name) if is_model else None
    merged = known is not None and known.merged
    out: list[Triple] = [(a, RDFS("label") if not merged else gk("alias"), _name(asset, merged))]
    if is_model:
        out.append((a, RDF("type"), gk("AIModel")))
    else:
        out.append((a, RDF("type"), prov("Entity")))
        out.append((a, DCTERMS("type"), node(ASSET_TYPES[asset.type])))
    statement: ox.NamedNode | None = None
    if is_model:
        statement = node(str(statement_iri(SOURCE_ID, ctx.resolver.statement_slug(asset.name))))
        out.append((statement, RDF("type"), gk("ModelRelease")))
        out.append((statement, gk("model"), a))
        out.append((statement, DCTERMS("source"), ctx.info.source))
        # the evidence for a data set's statement is its record (docs/data-format.md)
        where = f"{Path(asset.file).name} line {asset.line}"
        out.append((statement, gk("locator"), text(where)))
    for org_name in _join_suffixes(asset.organisations):
        org = ctx.resolver.resolve("organisation", org_name, file=asset.file, line=asset.line)
        o = node(org.iri)
        if org.merged:
            out.append((o, gk("alias"), text(org_name)))
        else:
            ctx.minted_orgs.setdefault(org.iri, org_name)
        if statement is not None:
            ctx.developers.add(org.iri)
            out.append((a, gk("developedBy"), o))
            out.append((statement, gk("developedBy"), o))
        else:
            out.append((a, prov("wasAttributedTo"), o))
    if asset.created is not None:
        if statement is not None:
            out.append((a, gk("releaseDate"), date_literal(asset.created)))
            out.append((statement, gk("date"), date_literal(asset.created)))
        else:
            out.append((a, DCTERMS("created"), date_literal(asset.created)))
    if is_model and asset.access is not None:
        out.append((a, gk("weightsAccess"), value_mapping("ecosystemGraphsValue")[asset.access]))
    if asset.licence:
        out.append((a, gk("licenceName"), text(asset.licence)))
        if statement is not None:
            out.append((statement, gk("licenceName"), text(asset.licence)))
    if is_model and asset.parameters is not None:
        out.append((a, gk("parameterCount"), ox.Literal(asset.parameters, datatype=XSD("decimal"))))
    if asset.url is not None:
        out.append((a, FOAF("page"), asset.url))
    out.extend(_dependency_triples(asset, a, ctx))
    return out


def _name(asset: Asset, merged: bool) -> ox.Literal:
    return text(asset.name) if merged else en(asset.name)


def _dependency_triples(asset: Asset, a: ox.NamedNode, ctx: _Context) -> list[Triple]:
    """Lineage or use, by asset type: model→model is gk:baseModel, other model and data-set
    dependencies prov:wasDerivedFrom, an application's dependencies dcterms:requires."""
    out: list[Triple] = []
    for dep in asset.dependencies:
        key = model_key(dep)
        if key in ctx.by_key:
            target, target_iri = ctx.by_key[key]
            target_is_model = target.type == "model"
        else:
            found = ctx.resolver.index.candidates("model", key)
            if len(found) != 1:
                ctx.report.warn(
                    Problem(
                        f"{asset.type} {asset.name!r}: dependency {dep!r} names no asset of "
                        "this data set and no known model; the link is left out",
                        file=asset.file,
                        line=asset.line,
                        field="dependencies",
                    )
                )
                continue
            target_iri = ctx.resolver.resolve("model", dep, file=asset.file, line=asset.line).iri
            target_is_model = True
        if target_iri == a.value:
            continue
        if asset.type == "application":
            prop = DCTERMS("requires")
        elif asset.type == "model" and target_is_model:
            prop = gk("baseModel")
        else:
            prop = prov("wasDerivedFrom")
        out.append((a, prop, node(target_iri)))
    return out


def _join_suffixes(parts: list[str]) -> list[str]:
    """Re-attach a legal suffix split off by the comma split ("Runway AI", "Inc.")."""
    joined: list[str] = []
    for part in parts:
        if joined and is_legal_suffix(part):
            joined[-1] = f"{joined[-1]}, {part}"
        else:
            joined.append(part)
    return joined
