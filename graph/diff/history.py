"""The build history: one JSON line per build or release, in a file beside the store.

Why a JSON Lines file beside the store and not a named graph inside it: ``govkg build``
replaces the whole store directory (build, then swap), so anything kept inside would have to
be carried over by every writer, and it would show up in every diff, dump and release as if it
were data. A file next to the store (``<store>.changes.jsonl``) survives the swap, is appended
to in one write per record, and is what the server's ``/changes`` feed reads. Each record is
the summary of one :class:`~govkg.graph.diff.model.ChangeSet`: when, what kind (``build`` or
``release``), the version for a release, counts, and the statement changes (at most
:data:`MAX_LISTED` of them; ``truncated`` says how many more).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from govkg.graph.diff.model import ChangeSet, StatementChange

log = logging.getLogger("govkg.changes")

#: Statement changes listed in one record; the counts always cover all of them.
MAX_LISTED = 500
ENTITY_BASE = "https://w3id.org/govkg/id/"


def history_path(store: Path) -> Path:
    """The history file of a store: ``<store>.changes.jsonl`` next to it.

    >>> history_path(Path(".govkg/store")).as_posix()
    '.govkg/store.changes.jsonl'
    """
    store = Path(store)
    return store.with_name(store.name + ".changes.jsonl")


def make_record(
    changes: ChangeSet,
    *,
    kind: str,
    version: str | None = None,
    when: datetime | None = None,
) -> dict:
    """The history record of one change set (see the module docstring)."""
    from govkg.graph.diff.render import activity_iri

    stamp = (when or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    listed = changes.statements[:MAX_LISTED]
    return {
        "id": activity_iri(changes) + "/" + stamp.strftime("%Y%m%dT%H%M%SZ"),
        "kind": kind,
        "version": version,
        "date": stamp.isoformat().replace("+00:00", "Z"),
        "old": changes.old.label,
        "new": changes.new.label,
        "counts": changes.counts(),
        "renamed_sources": [{"old": r.old, "new": r.new} for r in changes.renamed],
        "changes": [_entry(changes, s) for s in listed],
        "truncated": len(changes.statements) - len(listed),
        "labels": {k: v for k, v in changes.labels.items() if k.startswith(ENTITY_BASE)},
    }


def plain_record(
    *, kind: str, version: str | None, note: str, when: datetime | None = None
) -> dict:
    """A record without a comparison (a first release): when, what, and a note."""
    stamp = (when or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "id": f"https://w3id.org/govkg/changes/{kind}-{version or ''}-"
        + stamp.strftime("%Y%m%dT%H%M%SZ"),
        "kind": kind,
        "version": version,
        "date": stamp.isoformat().replace("+00:00", "Z"),
        "note": note,
        "counts": None,
        "changes": [],
        "truncated": 0,
    }


def _entry(changes: ChangeSet, s: StatementChange) -> dict:
    return {
        "change": s.change,
        "statement": s.iri,
        "source": s.source,
        "source_title": changes.labels.get(s.source or ""),
        "types": s.types,
        "entities": s.entities,
        "aspects": s.aspects,
        "properties": [
            {"property": p.property, "aspect": p.aspect, "old": p.old, "new": p.new}
            for p in s.properties
        ],
    }


def append_record(store: Path, record: dict) -> Path:
    """Append one record to the store's history file in a single write."""
    path = history_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def read_history(store: Path) -> list[dict]:
    """Every readable record, newest first; a damaged line is skipped (and logged)."""
    path = history_path(store)
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: not a JSON record; skipped", path, number)
                continue
            if isinstance(record, dict) and isinstance(record.get("date"), str):
                out.append(record)
    # Newest first; records of the same second keep their order in the file, newest first too.
    order = {id(r): i for i, r in enumerate(out)}
    out.sort(key=lambda r: (r["date"], order[id(r)]), reverse=True)
    return out


def filter_records(
    records: list[dict], *, since: date | None = None, entity: str | None = None
) -> list[dict]:
    """Records on or after ``since`` that mention ``entity`` (an id such as ``meta`` or an IRI).

    With ``entity``, each kept record lists only the changes that mention it.

    >>> rec = {"date": "2026-12-01T10:00:00Z", "changes": [
    ...     {"entities": ["https://w3id.org/govkg/id/meta"]}, {"entities": []}]}
    >>> [len(r["changes"]) for r in filter_records([rec], entity="meta")]
    [1]
    >>> filter_records([rec], since=date(2026, 12, 2))
    []
    """
    iri = None
    if entity:
        iri = entity if "://" in entity else ENTITY_BASE + entity
    kept = []
    for record in records:
        if since is not None and record["date"][:10] < since.isoformat():
            continue
        if iri is not None:
            changes = [c for c in record.get("changes", []) if iri in c.get("entities", [])]
            if not changes:
                continue
            record = {**record, "changes": changes}
        kept.append(record)
    return kept


@contextmanager
def recording_build(store: Path) -> Iterator[None]:
    """Around ``build_store``: remember the store before, then record what the build changed.

    Best effort by design: the build is what the user asked for, so a failure to read the old
    store or to write the history is logged, never raised. When the build itself fails nothing
    is recorded.
    """
    from govkg.graph.diff.sides import Side, load_store

    store = Path(store)
    try:
        before = load_store(store) if store.is_dir() else Side.from_quads("(none)", "store", [])
    except Exception as exc:  # noqa: BLE001 - recording must never break a build
        log.warning("change history: cannot read %s before the build: %s", store, exc)
        before = None
    yield
    if before is None:
        return
    try:
        from govkg.graph.diff.compare import compare

        after = load_store(store)
        before.label = f"{store} before the build"
        after.label = f"{store} after the build"
        append_record(store, make_record(compare(before, after), kind="build"))
    except Exception as exc:  # noqa: BLE001
        log.warning("change history: cannot record the build of %s: %s", store, exc)
