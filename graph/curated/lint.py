"""Data lint: things the compiler accepts but a careful analyst would question (issue 14).

Why separate from the checks: every lint finding is data that compiles and is not
self-contradictory, yet makes as-of answers weaker or ambiguous. ``govkg validate`` reports them
after the errors; they are warnings (exit status 0) unless ``--strict``. Rules:

``weights-date``
    a model stated open-weights with no date its weights became downloadable: no
    ``weights_available`` and no release ``date`` on a statement giving the open access. It
    drops out of as-of answers (only ``certainty=possible`` lists it).
``month-precision``
    a ``YYYY-MM`` release, weights or evaluation date in a source published on a day of that
    same month: announcements usually give their own day, so the day is probably in the source.
    (Only detectable this way: a month-precision source, or an event in another month, may
    truly give only the month.)
``no-start``
    a status without a start: an action with a ``status`` and no ``date``; a head of an
    organisation with no ``head_from``.
``duplicate``
    two statements of one file stating the same facts (all fields but ``id``, ``quote``,
    locator and evidence fields and comments).
``alias``
    an alias equal to another entity's label, or a model alias that is the bare name of its
    family or developer (it would resolve a name to the wrong entity).

Compatible concepts (``open-weights`` and its narrower ``open-weights-unrestricted``) are not
lint and not contradictions: :func:`govkg.graph.curated.contradictions.compatible`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from govkg.graph.curated.checks import parse_date
from govkg.graph.curated.loader import YamlDoc, item_pos, load_yaml, value_pos
from govkg.graph.errors import Problem

#: Fields that do not make a statement's facts (wording, evidence, local names).
NOT_FACTS = frozenset({"id", "quote", "locator", "evidence", "evidence_note", "epistemic"})
_OPEN = "open-weights"
_DATED_EVENTS = {
    "release": ("date", "weights_available"),
    "evaluation": ("date",),
    "participation": ("date",),
}


def lint(data_dir: Path, root: Path | None = None) -> list[Problem]:
    """Every lint finding of the curated data under ``data_dir``, sorted by file and line."""
    sources = [d for d in _docs(sorted((data_dir / "sources").glob("*.yaml")), root)]
    entities = [d for d in _docs(sorted((data_dir / "entities").glob("*.yaml")), root)]
    found = _weights_dates(sources) + _aliases(entities, sources)
    for doc in sources:
        found += _month_precision(doc) + _no_start(doc) + _duplicates(doc)
    return sorted(found, key=lambda p: (p.file or "", p.line or 0, p.message))


def _docs(paths: list[Path], root: Path | None) -> list[YamlDoc]:
    out = []
    for path in paths:
        doc, _ = load_yaml(path, root)
        if doc is not None and isinstance(doc.data, dict):
            out.append(doc)
    return out


def _statements(doc: YamlDoc) -> list[tuple[int, dict]]:
    stmts = doc.data.get("statements")
    if not isinstance(stmts, list):
        return []
    return [(i, s) for i, s in enumerate(stmts) if isinstance(s, dict)]


def _warn(doc: YamlDoc, pos: tuple, field: str, rule: str, message: str) -> Problem:
    return Problem(message, doc.file, pos[0], pos[1], field=field, hint=f"lint: {rule}")


def _weights_dates(sources: list[YamlDoc]) -> list[Problem]:
    first: dict[str, tuple[YamlDoc, int, dict]] = {}
    dated: set[str] = set()
    for doc in sources:
        for i, s in _statements(doc):
            if s.get("kind") != "release" or not isinstance(s.get("model"), str):
                continue
            is_open = str(s.get("weights", "")).startswith(_OPEN)
            if is_open:
                first.setdefault(s["model"], (doc, i, s))
            if "weights_available" in s or (is_open and "date" in s):
                dated.add(s["model"])
    out = []
    for model, (doc, i, s) in sorted(first.items()):
        if model not in dated:
            out.append(
                _warn(
                    doc,
                    value_pos(s, "weights"),
                    f"statements[{i}].weights",
                    "weights-date",
                    f"open-weights model '{model}' has no weights-availability date "
                    "(weights_available, or a release date with the open access); "
                    "as-of answers list it only with certainty=possible",
                )
            )
    return out


def _month_precision(doc: YamlDoc) -> list[Problem]:
    src = doc.data.get("source") or {}
    published = parse_date(str(src.get("published", "")))
    if published is None or published.precision != "day":
        return []
    out = []
    for i, s in _statements(doc):
        for key in _DATED_EVENTS.get(str(s.get("kind")), ()):
            when = parse_date(str(s.get(key, "")))
            if (
                when is not None
                and when.precision == "month"
                and (
                    (when.value.year, when.value.month)
                    == (published.value.year, published.value.month)
                )
            ):
                out.append(
                    _warn(
                        doc,
                        value_pos(s, key),
                        f"statements[{i}].{key}",
                        "month-precision",
                        f"{key} {when.text()} has month precision but the source is dated "
                        f"{published.text()}: if it gives the day, write the day",
                    )
                )
    return out


def _no_start(doc: YamlDoc) -> list[Problem]:
    out = []
    for i, s in _statements(doc):
        if s.get("kind") == "action" and "status" in s and "date" not in s:
            out.append(
                _warn(
                    doc,
                    value_pos(s, "status"),
                    f"statements[{i}].status",
                    "no-start",
                    f"status '{s['status']}' has no start: the action has no date",
                )
            )
        if s.get("kind") == "organisation" and "head" in s and "head_from" not in s:
            out.append(
                _warn(
                    doc,
                    value_pos(s, "head"),
                    f"statements[{i}].head",
                    "no-start",
                    f"'{s['head']}' heads '{s.get('organisation')}' with no term start "
                    "(head_from): office-holders lists the term only as possible",
                )
            )
    return out


def _facts(s: dict) -> str:
    return json.dumps(
        {str(k): _plain(v) for k, v in s.items() if k not in NOT_FACTS}, sort_keys=True
    )


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return sorted(json.dumps(_plain(x), sort_keys=True) for x in v)
    return str(v).strip()


def _duplicates(doc: YamlDoc) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    stmts = doc.data.get("statements")
    for i, s in _statements(doc):
        key = _facts(s)
        if key in seen:
            out.append(
                _warn(
                    doc,
                    item_pos(stmts, i),
                    f"statements[{i}]",
                    "duplicate",
                    f"states the same facts as statements[{seen[key]}]",
                )
            )
        else:
            seen[key] = i
    return out


def _aliases(entities: list[YamlDoc], sources: list[YamlDoc]) -> list[Problem]:
    labels: dict[str, str] = {}
    items: list[tuple[YamlDoc, str, int, dict]] = []
    for doc in entities:
        for key, value in doc.data.items():
            if not isinstance(value, list):
                continue
            for i, e in enumerate(value):
                if isinstance(e, dict) and "id" in e:
                    items.append((doc, str(key), i, e))
                    if isinstance(e.get("label"), str):
                        labels.setdefault(e["label"].casefold(), str(e["id"]))
    # a model's family and developers, from release statements
    related: dict[str, set[str]] = defaultdict(set)
    for doc in sources:
        for _, s in _statements(doc):
            if s.get("kind") == "release" and isinstance(s.get("model"), str):
                devs = s.get("developer")
                for d in devs if isinstance(devs, list) else [devs]:
                    related[s["model"]].add(str(d))
                if s.get("family"):
                    related[s["model"]].add(str(s["family"]))
    out = []
    for doc, key, i, e in items:
        for j, alias in enumerate(e.get("aliases") or []):
            other = labels.get(str(alias).casefold())
            if other is None or other == e["id"]:
                continue
            bare = other in related.get(str(e["id"]), set())
            why = "the bare name of its family or developer" if bare else "another entity's label"
            out.append(
                _warn(
                    doc,
                    item_pos(e["aliases"], j),
                    f"{key}[{i}].aliases[{j}]",
                    "alias",
                    f"alias {alias!r} of '{e['id']}' is {why} ('{other}')",
                )
            )
    return out
