"""Writing a draft: a commented YAML source file for curators, or JSON for tools.

Why YAML with comments: the curator finishes the draft in the data format itself
(docs/data-format.md), so the file has exactly its two blocks, ``source`` and ``statements``;
everything else the drafter knows is a comment beside the field it concerns. Every field the
curator must check carries ``# CHECK: <why>``; every value the drafter could not find is
``TODO``, which ``govkg validate`` rejects, so an unfinished draft cannot be built. Entity links
and the new entities to declare are listed as comments at the top.

JSON (``--format json``) carries the same content as data: ``source``, ``mentions``,
``new_entities``, ``statements`` (with ``quote``, ``start``, ``end``, ``confidence``,
``check``, ``known_in``), for tools that post-process drafts.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from typing import Any

from govkg.graph.draft import Draft
from govkg.graph.draft.mentions import Mention
from govkg.graph.importers.names import slugify
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

#: Where each guessed kind of new entity is declared (graph/data/entities/<file>).
ENTITY_FILES = {
    "person": "people.yaml (people:)",
    "organisation": "organisations.yaml (organisations:, type: developer or company)",
    "agency": "organisations.yaml (organisations:, type: agency)",
    "model": "models.yaml (models:)",
    "instrument": "instruments.yaml (instruments:)",
}


def source_block(draft: Draft) -> tuple[dict[str, Any], dict[str, str]]:
    """The ``source`` mapping and the check notes of its fields."""
    meta, doc = draft.meta, draft.document
    check: dict[str, str] = {}
    title = meta.title or "TODO"
    stem = slugify(meta.title)[:60].rstrip("-.") if meta.title else slugify(doc.path.stem)
    month = f"-{meta.published[:7]}" if meta.published else ""
    block: dict[str, Any] = {"id": f"{stem}{month}", "title": title}
    check["id"] = "unique among sources; the file must be named <id>.yaml"
    where = "the document's metadata" if doc.meta.get("title") == meta.title else "its first line"
    check["title"] = f"from {where}" if meta.title else "no title found"
    if meta.publisher:
        block["publisher"] = meta.publisher
        check["publisher"] = "free text; write an organisation id if it is one"
    block["document"] = doc.path.name
    check["document"] = "or url: the address the document was read from"
    block["published"] = meta.published or "TODO"
    check["published"] = (
        f"found in the document (precision: {meta.precision})" if meta.published else "not found"
    )
    block["kind"] = "news-article"
    check["kind"] = "guessed: news-article | press-release | legal-text | official-page | ..."
    return block, check


def to_json(draft: Draft) -> str:
    """The draft as a JSON document (stable key order, UTF-8 text)."""
    block, check = source_block(draft)
    data = {
        "source": block,
        "source_check": check,
        "document": {
            "path": str(draft.document.path),
            "format": draft.document.kind,
            "encoding": draft.document.encoding,
            "characters": len(draft.document.text),
        },
        "mentions": [_mention_json(m) for m in draft.mentions],
        "new_entities": new_entities(draft.mentions),
        "statements": [
            {
                "kind": c.kind,
                **c.fields,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
                "confidence": c.confidence,
                "check": c.check,
                "known_in": c.known_in,
            }
            for c in draft.statements
        ],
        "store_checked": draft.store_checked,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _mention_json(m: Mention) -> dict[str, Any]:
    return {
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "id": m.id,
        "new": m.id is None,
        "proposed_id": None if m.id else m.proposed_id,
        "kind": m.kind,
        "how": m.how,
        "score": m.score,
        "candidates": m.candidates,
        "cue": m.cue,
    }


def new_entities(mentions: list[Mention]) -> list[dict[str, Any]]:
    """One proposal per distinct new name: proposed id, label, guessed kind and its cue."""
    seen: dict[str, dict[str, Any]] = {}
    for m in mentions:
        if m.id is None and m.proposed_id not in seen:
            seen[m.proposed_id] = {
                "id": m.proposed_id,
                "label": m.text,
                "kind": m.kind,
                "cue": m.cue,
                "declare_in": ENTITY_FILES.get(m.kind, "organisations.yaml"),
            }
    return list(seen.values())


def to_yaml(draft: Draft) -> str:
    """The draft as a commented YAML source file (see the module docstring)."""
    block, check = source_block(draft)
    root = CommentedMap()
    source = CommentedMap(block)
    for key, note in check.items():
        source.yaml_add_eol_comment(f"CHECK: {note}", key)
    root["source"] = source
    statements = CommentedSeq()
    for i, cand in enumerate(draft.statements):
        item = CommentedMap({"kind": cand.kind, **cand.fields, "quote": cand.quote})
        for key, note in cand.check.items():
            if key in item:
                item.yaml_add_eol_comment(f"CHECK: {note}", key)
        for key, value in cand.fields.items():
            todo = value == "TODO" or (isinstance(value, list) and "TODO" in value)
            if todo and key not in cand.check:
                item.yaml_add_eol_comment("CHECK: not found; fill in or delete the statement", key)
        item.yaml_add_eol_comment(f"characters {cand.start}-{cand.end} of the text", "quote")
        statements.append(item)
        statements.yaml_set_comment_before_after_key(i, before=_statement_note(cand), indent=2)
    root["statements"] = statements
    yaml = YAML()
    yaml.width = 4096  # never fold a quote: it must load back exactly as written
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(root, out)
    return _header(draft) + out.getvalue()


def _statement_note(cand) -> str:
    parts = [f"confidence {cand.confidence:.2f}"]
    extra = {k: v for k, v in cand.check.items() if k not in {"kind", *cand.fields}}
    parts += [f"CHECK {k}: {v}" for k, v in extra.items()]
    if cand.known_in:
        parts.append("already in the graph from: " + ", ".join(cand.known_in))
    return "; ".join(parts)


def _header(draft: Draft) -> str:
    lines = [
        f"# Draft source file written by `govkg draft` from {draft.document.path.name}",
        f"# ({draft.document.kind}, {len(draft.document.text)} characters of text).",
        "# A proposal for a curator, not data: check every field marked CHECK, replace every",
        "# TODO, delete what the source does not support, then save it as",
        "# graph/data/sources/<source.id>.yaml and run `govkg validate` and `govkg build`.",
        "# Quotes are verbatim; their character offsets count from the start of the text",
        "# `govkg draft --text` prints.",
    ]
    if not draft.store_checked:
        lines.append("# No store was consulted: statements carry no 'already in the graph' notes.")
    lines += ["#", "# Entity links (mention -> registry id, how it was matched, score):"]
    grouped: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in draft.mentions:
        grouped[(m.text, m.id or "NEW")].append(m)
    for (text, eid), group in grouped.items():
        m = group[0]
        count = f" (x{len(group)})" if len(group) > 1 else ""
        if m.id:
            also = f"; or {', '.join(m.candidates)}" if m.candidates else ""
            lines.append(f"#   {text}{count} -> {eid}  [{m.how} {m.score:.2f}{also}]")
        else:
            lines.append(f"#   {text}{count} -> NEW {m.kind} '{m.proposed_id}'  [{m.cue}]")
    proposals = new_entities(draft.mentions)
    if proposals:
        lines += ["#", "# New entities to declare in graph/data/entities/ before validating:"]
        for p in proposals:
            lines.append(f"#   - id: {p['id']}   # {p['kind']}: {p['declare_in']}")
            lines.append(f"#     label: {p['label']}")
    return "\n".join(lines) + "\n"
