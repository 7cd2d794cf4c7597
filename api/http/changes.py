"""``GET /changes``: what changed across builds and releases, as JSON or an Atom 1.0 feed.

Why Atom: it is the feed format every reader subscribes to, standardised (RFC 4287), and
carries exactly what a change record has (an id, a date, a title, a text). The records come
from the store's history file (``<store>.changes.jsonl``, written by ``govkg build`` and
``govkg release``: see :mod:`govkg.graph.diff.history` for why a file beside the store).
The representation follows ``?format=json|atom``, else the ``Accept`` header (JSON when both
are equally acceptable). Filters: ``?since=YYYY-MM-DD`` and ``?entity=<id or IRI>``; a
malformed filter is a 400 problem.
"""

from __future__ import annotations

import json
import re
from datetime import date
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Query, Request
from govkg.api.http import negotiation
from govkg.api.http.state import state_of
from govkg.graph.diff.history import ENTITY_BASE, filter_records, read_history
from govkg.graph.errors import InputError
from starlette.responses import Response

router = APIRouter(tags=["changes"])

ATOM = "application/atom+xml"
JSON = "application/json"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID = "https://w3id.org/govkg/changes"
ENTITY_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
#: Changes written into one feed entry's text; the JSON form has them all.
ENTRY_LINES = 50


@router.get(
    "/changes",
    summary="Changes across builds and releases (JSON or Atom)",
    responses={200: {"content": {JSON: {}, ATOM: {}}}},
)
async def changes(
    request: Request,
    since: str | None = Query(None, description="Only records on or after this YYYY-MM-DD."),
    entity: str | None = Query(None, description="Only changes mentioning this entity id/IRI."),
    format: str | None = Query(None, description="json or atom (overrides Accept)."),
    limit: int = Query(50, ge=1, le=1000, description="At most this many records."),
) -> Response:
    """The build and release history, newest first, optionally filtered."""
    since_date = _parse_since(since)
    entity_iri = _parse_entity(entity)
    media = _representation(format, request.headers.get("accept"))
    st = state_of(request)
    records = filter_records(read_history(st.settings.store), since=since_date, entity=entity_iri)
    records = records[:limit]
    if media == ATOM:
        body = atom_feed(records, self_url=str(request.url))
        return Response(body, media_type=f"{ATOM}; charset=utf-8")
    doc = {"since": since, "entity": entity_iri, "records": records}
    return Response(json.dumps(doc, ensure_ascii=False, indent=1), media_type=JSON)


def _parse_since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"since: expected a date YYYY-MM-DD, got {text!r}") from None


def _parse_entity(text: str | None) -> str | None:
    if text is None:
        return None
    if text.startswith(ENTITY_BASE) and ENTITY_RE.match(text[len(ENTITY_BASE) :]):
        return text
    if ENTITY_RE.match(text):
        return ENTITY_BASE + text
    raise InputError(f"entity: expected an entity id such as 'meta' (or its IRI), got {text!r}")


def _representation(fmt: str | None, accept: str | None) -> str:
    if fmt is not None:
        chosen = {"json": JSON, "atom": ATOM}.get(fmt.lower())
        if chosen is None:
            raise InputError(f"format: expected json or atom, got {fmt!r}")
        return chosen
    # The shared parser reads application/json as SPARQL JSON results (its alias table), so
    # that name is offered too and means plain JSON here.
    chosen = negotiation.negotiate(accept, (JSON, ATOM, negotiation.ALIASES[JSON]))
    return ATOM if chosen == ATOM else JSON


def _title(record: dict) -> str:
    kind = "Release " + record["version"] if record.get("kind") == "release" else "Build"
    counts = record.get("counts")
    if not counts:
        return f"{kind}: {record.get('note') or 'recorded'}"
    return (
        f"{kind}: {counts['statements_added']} added, {counts['statements_removed']} removed, "
        f"{counts['statements_changed']} changed statements"
    )


def _entry_text(record: dict) -> str:
    labels = record.get("labels", {})
    lines = []
    for c in record.get("changes", [])[:ENTRY_LINES]:
        about = ", ".join(labels.get(e, e.rsplit("/", 1)[-1]) for e in c.get("entities", []))
        what = f" ({', '.join(c['aspects'])})" if c.get("aspects") else ""
        source = c.get("source_title") or c.get("source") or "unknown source"
        lines.append(f"{c['change']}{what}: {c['statement']} about {about or '-'} [{source}]")
    more = len(record.get("changes", [])) - ENTRY_LINES + int(record.get("truncated") or 0)
    if more > 0:
        lines.append(f"... and {more} more (see ?format=json)")
    for r in record.get("renamed_sources", []):
        lines.append(f"source renamed: {r['old']} -> {r['new']}")
    return "\n".join(lines) or _title(record)


def atom_feed(records: list[dict], *, self_url: str) -> bytes:
    """An Atom 1.0 (RFC 4287) feed of history records: one entry per build or release."""
    ET.register_namespace("", ATOM_NS)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    el(feed, "id", FEED_ID)
    el(feed, "title", "govkg: changes to the AI-governance knowledge graph")
    el(feed, "updated", records[0]["date"] if records else "1970-01-01T00:00:00Z")
    author = el(feed, "author")
    el(author, "name", "govkg")
    el(feed, "link", rel="self", href=self_url, type=ATOM)
    el(feed, "generator", "govkg")
    for record in records:
        entry = el(feed, "entry")
        el(entry, "id", record.get("id") or f"{FEED_ID}/{record['date']}")
        el(entry, "title", _title(record))
        el(entry, "updated", record["date"])
        el(entry, "category", term=record.get("kind", "build"))
        el(entry, "summary", _title(record))
        el(entry, "content", _entry_text(record), type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        feed, encoding="utf-8", xml_declaration=False
    )
