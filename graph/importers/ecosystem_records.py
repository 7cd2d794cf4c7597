"""Checking one Ecosystem Graphs record: the messy-data rules, kept apart from the mapping.

Upstream fields are either a scalar or a ``{value, explanation}`` mapping; dates are YAML dates
or ``unknown``; licences are free text; some records carry keys that no asset type has. Each
rule below either accepts a value, treats it as unknown, or reports the record as skipped (see
``docs/importers.md`` for the table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from govkg.graph.errors import DataValidationError, Problem
from govkg.graph.importers.common import value_mapping, web_iri
from govkg.graph.importers.report import ImportReport
from ruamel.yaml import YAML

#: Spellings upstream uses for "not known"; such values are left out without a report.
UNKNOWN = frozenset({"", "unknown", "unknkown", "none", "n/a", "na", "?", "tbd", "not specified"})


@dataclass
class Asset:
    """One checked asset record."""

    file: str
    line: int
    type: str
    name: str
    organisations: list[str]
    created: date | None = None
    access: str | None = None
    licence: str | None = None
    parameters: str | None = None
    url: ox.NamedNode | None = None
    dependencies: list[str] = field(default_factory=list)


def load_schema_fields(path: Path) -> dict[str, set[str]]:
    """``{asset type: field names}`` from upstream's ``schemas.yaml`` (plus ``type``)."""
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        fields = {t: {f["name"] for f in spec} | {"type"} for t, spec in data.items()}
    except Exception as exc:  # any shape error in the schema file is one user-facing error
        raise DataValidationError(
            f"{path} is not an Ecosystem Graphs schema file",
            problems=[Problem(f"expected {{type: [{{name: ...}}, ...]}}: {exc}", file=str(path))],
        ) from exc
    return fields


def _value(raw: Any) -> Any:
    """The value of a scalar-or-``{value, explanation}`` field."""
    if isinstance(raw, dict):
        return raw.get("value")
    return raw


def _line(container: Any, index: int | str, fallback: int) -> int:
    try:
        if isinstance(index, int):
            return container.lc.item(index)[0] + 1
        return container.lc.key(index)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return fallback


def check_record(
    record: Any,
    records: list,
    index: int,
    file: str,
    schema: dict[str, set[str]],
    report: ImportReport,
) -> Asset | None:
    """One YAML record → an :class:`Asset`, or None after reporting why it is skipped."""
    line = _line(records, index, 1)
    label = f"record {index + 1}"

    def skip(field_name: str | None, message: str, at: int | None = None) -> None:
        report.skip(Problem(f"{label}: {message}", file=file, line=at or line, field=field_name))

    if not isinstance(record, dict):
        skip(None, f"expected a mapping of fields, found {type(record).__name__}")
        return None
    name = _value(record.get("name"))
    if isinstance(name, str) and name.strip():
        name = " ".join(name.split())
        label = f"record {index + 1} ({name!r})"
    else:
        skip("name", "missing or empty: every asset needs a name")
        return None
    known_fields = set().union(*schema.values())
    stray = sorted(str(k) for k in record if k not in known_fields)
    if stray:
        skip(
            stray[0],
            f"unexpected top-level key {stray[0]!r} (no asset type has this field)",
            _line(record, stray[0], line),
        )
        return None
    asset_type = _value(record.get("type"))
    if asset_type not in schema:
        skip("type", f"{asset_type!r} is not an asset type (one of {', '.join(sorted(schema))})")
        return None
    organisations = _organisations(_value(record.get("organization")))
    if asset_type == "model" and not organisations:
        skip("organization", "missing or unknown: a model must name its developer")
        return None
    asset = Asset(file=file, line=line, type=asset_type, name=name, organisations=organisations)

    created = _value(record.get("created_date"))
    if isinstance(created, datetime):
        asset.created = created.date()
    elif isinstance(created, date):
        asset.created = created
    elif created is None or (isinstance(created, str) and created.strip().lower() in UNKNOWN):
        asset.created = None
    else:
        try:
            asset.created = date.fromisoformat(str(created).strip())
        except ValueError:
            skip(
                "created_date",
                f"{created!r} is not a date (YYYY-MM-DD) or 'unknown'",
                _line(record, "created_date", line),
            )
            return None

    access = _value(record.get("access"))
    if isinstance(access, str) and access.strip().lower() not in UNKNOWN:
        mapping = value_mapping("ecosystemGraphsValue")
        folded = access.strip().lower()
        if folded not in mapping:
            skip(
                "access",
                f"unknown access {access!r} (known: {', '.join(sorted(mapping))})",
                _line(record, "access", line),
            )
            return None
        asset.access = folded

    licence = _value(record.get("license"))
    if isinstance(licence, str) and licence.strip().lower() not in UNKNOWN:
        asset.licence = " ".join(licence.split())

    size = _value(record.get("size"))
    if asset_type == "model" and isinstance(size, str):
        asset.parameters = parse_parameters(size)

    url = _value(record.get("url"))
    if isinstance(url, str) and url.strip().lower() not in UNKNOWN:
        asset.url = web_iri(url)
        if asset.url is None:
            report.warn(
                Problem(
                    f"{label}: {url[:80]!r} is not a web address; left out",
                    file=file,
                    line=_line(record, "url", line),
                    field="url",
                )
            )

    deps = _value(record.get("dependencies"))
    if isinstance(deps, list):
        asset.dependencies = [
            " ".join(d.split())
            for d in deps
            if isinstance(d, str) and d.strip().lower() not in UNKNOWN
        ]
    elif deps not in (None, ""):
        report.warn(
            Problem(
                f"{label}: dependencies should be a list; left out",
                file=file,
                line=_line(record, "dependencies", line),
                field="dependencies",
            )
        )
    return asset


def _organisations(value: Any) -> list[str]:
    """Organisation names of a comma-separated field; unknown placeholders give none."""
    if not isinstance(value, str):
        return []
    parts = [" ".join(p.split()) for p in value.split(",")]
    return [p for p in parts if p and p.lower() not in UNKNOWN]


def parse_parameters(size: str) -> str | None:
    """``"405B parameters (dense)"`` → ``"405000000000"``; None when the text gives no count."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*([KMBT])\b[^,;]*param", size, re.IGNORECASE)
    if not match:
        return None
    scale = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}[match.group(2).upper()]
    whole, _, frac = match.group(1).partition(".")
    return str(int(whole + frac) * scale // (10 ** len(frac)))
