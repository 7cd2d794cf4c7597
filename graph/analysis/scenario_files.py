"""Scenario files: the YAML format of ``graph/scenarios/*.yaml``, parsed and checked.

Why separate from :mod:`govkg.graph.analysis.scenarios`: checking a file needs no graph, so the CLI
and the HTTP API can reject a bad scenario (naming file, line and field) before projecting
anything. The format is documented in ``docs/analyses.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govkg.graph.analysis.schema import parse_day
from govkg.graph.curated.loader import round_trip_yaml
from govkg.graph.errors import InputError, NotFoundError, Problem
from ruamel.yaml.error import YAMLError

#: Where the bundled scenarios live.
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

#: Fields each change accepts: required, then optional.
CHANGE_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "testing-agreement": ({"id", "label"}, {"issued_by", "valid_from", "valid_until"}),
    "participation": ({"party", "instrument", "status"}, {"date", "valid_from", "valid_until"}),
    "evaluation": ({"model", "evaluators"}, {"stage", "date"}),
    "licensing": ({"label", "effective"}, {"developers", "min_parameters"}),
    "exemption": ({"label"}, {"effective", "open_weights"}),
}
DATE_FIELDS = {"valid_from", "valid_until", "date", "effective"}
STATUSES = {"signed", "partially-signed", "joined", "declined", "withdrew", "negotiating"}
STATUSES |= {"participates", "subject-to"}
STAGES = {"pre-deployment", "post-deployment"}


@dataclass
class Change:
    """One change of a scenario: its kind, its fields and where it was written."""

    kind: str
    fields: dict[str, Any]
    line: int | None
    lines: dict[str, int | None] = field(default_factory=dict)

    def line_of(self, key: str) -> int | None:
        """The line of one field (for errors found when the change meets the graph)."""
        return self.lines.get(key) or self.line


@dataclass
class Scenario:
    """A parsed, checked scenario file."""

    id: str
    title: str
    description: str
    changes: list[Change]
    as_of: date | None = None
    file: str = "<scenario>"


def _line(node: object, key: str | None = None) -> int | None:
    """1-based line of a ruamel mapping (or of one of its keys), when known."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        return (lc.key(key)[0] if key is not None else lc.line) + 1
    except (KeyError, TypeError):
        return lc.line + 1


def parse_scenario(text: str, *, file: str = "<scenario>") -> Scenario:
    """Parse and check scenario YAML; raise :class:`InputError` listing every problem.

    >>> s = parse_scenario('''
    ... scenario: {id: demo, title: Demo}
    ... changes:
    ...   - rule: exemption
    ...     label: open weights exempt
    ... ''')
    >>> s.id, [c.kind for c in s.changes]
    ('demo', ['exemption'])
    >>> parse_scenario("scenario: {id: demo}\\nchanges: []", file="x.yaml")
    Traceback (most recent call last):
    ...
    govkg.graph.errors.InputError: invalid scenario x.yaml
      x.yaml:1: scenario.title: required field missing
    """
    try:
        # dates as text: ``2025-02-30`` is then reported at its field, not raised by ruamel
        data = round_trip_yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"invalid scenario {file}",
            problems=[Problem(str(exc).splitlines()[0], file, mark.line + 1 if mark else None)],
        ) from None
    problems: list[Problem] = []

    def problem(message: str, line: int | None, where: str) -> None:
        problems.append(Problem(message, file, line, field=where))

    if not isinstance(data, dict):
        raise InputError(
            f"invalid scenario {file}",
            problems=[Problem("expected a mapping with `scenario` and `changes`", file, 1)],
        )
    for key in data:
        if key not in ("scenario", "changes"):
            problem("unknown top-level key (expected scenario, changes)", _line(data, key), key)
    head = data.get("scenario")
    if not isinstance(head, dict):
        problem("required mapping missing", _line(data, "scenario"), "scenario")
        head = {}
    for key in ("id", "title"):
        if not head.get(key):
            problem("required field missing", _line(head) or 1, f"scenario.{key}")
    for key in head:
        if key not in ("id", "title", "description", "as_of"):
            problem("unknown field", _line(head, key), f"scenario.{key}")
    as_of = None
    if head.get("as_of") is not None:
        try:
            as_of = parse_day(head["as_of"], field="scenario.as_of")
        except InputError as exc:
            problem(exc.message.split(": ", 1)[1], _line(head, "as_of"), "scenario.as_of")
    raw_changes = data.get("changes")
    if not isinstance(raw_changes, list):
        problem("required list missing", _line(data, "changes"), "changes")
        raw_changes = []
    changes = [c for i, raw in enumerate(raw_changes) if (c := _change(raw, i, problem))]
    if problems:
        raise InputError(f"invalid scenario {file}", problems=problems)
    return Scenario(
        str(head["id"]),
        str(head["title"]),
        str(head.get("description") or "").strip(),
        changes,
        as_of,
        file,
    )


def _change(
    raw: object, index: int, problem: Callable[[str, int | None, str], None]
) -> Change | None:
    """Check one change mapping; report problems through ``problem``."""
    where = f"changes[{index}]"
    if not isinstance(raw, dict):
        problem("expected a mapping", None, where)
        return None
    line = _line(raw)
    kinds = [raw[k] for k in ("add", "rule") if k in raw]
    if len(kinds) != 1 or str(kinds[0]) not in CHANGE_FIELDS:
        problem(
            f"needs exactly one of add/rule with a kind in {sorted(CHANGE_FIELDS)}", line, where
        )
        return None
    kind = str(kinds[0])
    required, optional = CHANGE_FIELDS[kind]
    fields = {str(k): v for k, v in raw.items() if k not in ("add", "rule")}
    for key in sorted(required - set(fields)):
        problem("required field missing", line, f"{where}.{key}")
    for key in sorted(set(fields) - required - optional):
        problem(f"unknown field for {kind}", _line(raw, key), f"{where}.{key}")
    for key in sorted(DATE_FIELDS & set(fields)):
        try:
            fields[key] = parse_day(fields[key], field=key).isoformat()
        except InputError:
            problem(
                f"expected a date YYYY-MM-DD, got {fields[key]!r}",
                _line(raw, key),
                f"{where}.{key}",
            )
    if kind == "participation" and fields.get("status") not in STATUSES | {None}:
        problem(
            f"unknown status (expected one of {sorted(STATUSES)})",
            _line(raw, "status"),
            f"{where}.status",
        )
    if kind == "evaluation" and fields.get("stage", "pre-deployment") not in STAGES:
        problem(
            f"unknown stage (expected one of {sorted(STAGES)})",
            _line(raw, "stage"),
            f"{where}.stage",
        )
    for key in ("evaluators", "developers"):
        if key in fields and not isinstance(fields[key], list):
            problem("expected a list of ids", _line(raw, key), f"{where}.{key}")
    if "min_parameters" in fields:
        try:
            fields["min_parameters"] = float(fields["min_parameters"])
        except (TypeError, ValueError):
            problem("expected a number", _line(raw, "min_parameters"), f"{where}.min_parameters")
    if kind == "exemption" and fields.get("open_weights", True) is not True:
        problem(
            "only `open_weights: true` exemptions are defined",
            _line(raw, "open_weights"),
            f"{where}.open_weights",
        )
    return Change(kind, fields, line, {str(k): _line(raw, k) for k in raw})


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Load a scenario file, or a bundled one by name (``meta-agrees``)."""
    path = Path(path_or_name)
    if not path.exists() and not path.suffix:
        path = SCENARIO_DIR / f"{path_or_name}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
        raise NotFoundError(f"no scenario {str(path_or_name)!r} (bundled: {known})")
    return parse_scenario(path.read_text(encoding="utf-8"), file=str(path))
