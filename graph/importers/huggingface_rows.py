"""One Hub metadata row → a checked :class:`HubModel`, or the reasons it cannot be used.

Why the checks sit apart from reading and writing: the same rules apply to parquet and JSON
Lines, and the tests exercise them one messy case at a time. A row whose id is missing or
malformed is *skipped*; a row with one bad field keeps everything else and the field is
*dropped* with its reason (an unparseable date, a malformed ``license:`` tag, an unknown lineage
relation, a value outside the safe character set).

Where lineage comes from, in order: ``cardData.base_model`` (a repo id or a list) with
``cardData.base_model_relation``; the tags ``base_model:<relation>:<repo>`` and
``base_model:<repo>``; a plain ``base_model`` column (older, smaller snapshots). The relation is
the card's when given, else the tag's, else unspecified (a plain gk:baseModel link).

    >>> m, problems = check_row({"id": "a/b-GGUF", "tags": ["license:mit",
    ...     "base_model:quantized:meta-llama/Llama-3.1-8B"], "createdAt": "2024-07-23T10:00:00Z"})
    >>> (m.author, m.licence, m.created.isoformat(), m.bases, problems)
    ('a', 'mit', '2024-07-23', [('meta-llama/Llama-3.1-8B', 'quantized')], [])
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from govkg.graph.importers.huggingface_licences import is_licence_id

#: The lineage relations of the Hub (``base_model_relation``).
RELATIONS = ("finetune", "adapter", "quantized", "merge")
#: A repo id: ``author/name`` (or a bare legacy name such as ``gpt2``), Hub characters only.
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*(/[A-Za-z0-9._\-]+)?$")
#: Tags and library names written into the graph verbatim must be plain tokens.
TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+\-]*$")


@dataclass(slots=True)
class HubModel:
    """One usable row: the fields govkg maps, already checked."""

    id: str
    author: str
    created: date | None = None
    licence: str | None = None
    pipeline: str | None = None
    library: str | None = None
    downloads: int | None = None
    #: (base repo id, relation or None), in declaration order, without repeats
    bases: list[tuple[str, str | None]] = field(default_factory=list)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def card_data(raw: Any) -> dict[str, Any]:
    """``cardData`` as a dict: snapshots store it as a JSON string or as a struct."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str) and raw.strip():
        try:
            value = json.loads(raw)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
    return {}


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list | tuple):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def parse_created(value: Any) -> date | None:
    """``createdAt`` at day precision: an ISO string, a datetime or a date; None if unusable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def check_row(raw: dict[str, Any]) -> tuple[HubModel | None, list[tuple[str, str]]]:
    """The model of one row and its problems as ``(field, message)``.

    The model is None when the row must be skipped (its first problem says why); otherwise the
    problems name the values that were dropped.
    """
    problems: list[tuple[str, str]] = []
    model_id = _text(raw.get("id")) or _text(raw.get("modelId"))
    if not model_id:
        return None, [("id", "no model id")]
    if not REPO_ID.match(model_id):
        return None, [("id", f"{model_id[:80]!r} is not a Hub repo id")]
    author = _text(raw.get("author")) or (model_id.split("/")[0] if "/" in model_id else "")
    if author and not REPO_ID.match(author):
        problems.append(("author", f"{author[:80]!r} is not a Hub user or organisation name"))
        author = model_id.split("/")[0] if "/" in model_id else ""
    model = HubModel(id=model_id, author=author)
    created = raw.get("createdAt")
    if created is not None and created != "":
        model.created = parse_created(created)
        if model.created is None:
            problems.append(("createdAt", f"{str(created)[:40]!r} is not a date"))
    card = card_data(raw.get("cardData"))
    tags = _as_list(raw.get("tags"))
    model.licence = _licence(card, tags, problems)
    for column, attr in (("pipeline_tag", "pipeline"), ("library_name", "library")):
        value = _text(raw.get(column))
        if value and TOKEN.match(value):
            setattr(model, attr, value)
        elif value:
            problems.append((column, f"{value[:40]!r} is not a plain tag"))
    downloads = raw.get("downloads")
    if downloads is not None:
        if isinstance(downloads, int) and not isinstance(downloads, bool) and downloads >= 0:
            model.downloads = downloads
        else:
            problems.append(("downloads", f"{str(downloads)[:40]!r} is not a count"))
    model.bases = _lineage(model_id, card, tags, raw.get("base_model"), problems)
    return model, problems


def _licence(card: dict[str, Any], tags: list[str], problems: list[tuple[str, str]]) -> str | None:
    """The licence id from card data, else from a ``license:`` tag; malformed ones dropped."""
    declared = _as_list(card.get("license")) + [
        t.split(":", 1)[1].strip() for t in tags if t.startswith("license:")
    ]
    for value in declared:
        if is_licence_id(value):
            return value
    if declared:
        problems.append(("license", f"malformed licence id {declared[0][:40]!r}"))
    return None


def _lineage(
    model_id: str,
    card: dict[str, Any],
    tags: list[str],
    column: Any,
    problems: list[tuple[str, str]],
) -> list[tuple[str, str | None]]:
    """``[(base repo id, relation)]`` from card data, tags and a plain column."""
    card_relation = _text(card.get("base_model_relation")) or None
    declared: dict[str, str | None] = {}
    for base in _as_list(card.get("base_model")):
        declared.setdefault(base, card_relation)
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:") :]
        tag_relation, _, repo = rest.partition(":") if ":" in rest else ("", "", rest)
        if declared.get(repo) is None:
            declared[repo] = tag_relation or declared.get(repo)
    for base in _as_list(column):
        declared.setdefault(base, None)
    if card_relation and not declared:
        problems.append(
            ("base_model", f"declares the relation {card_relation[:40]!r} but no base model")
        )
    bases: list[tuple[str, str | None]] = []
    for base, relation in declared.items():
        if not REPO_ID.match(base):
            problems.append(("base_model", f"{base[:80]!r} is not a Hub repo id"))
            continue
        if base == model_id:
            problems.append(("base_model", "the model names itself as its base"))
            continue
        if relation is not None and relation not in RELATIONS:
            problems.append(
                (
                    "base_model_relation",
                    f"unknown relation {relation[:40]!r} to {base} (known: "
                    f"{', '.join(RELATIONS)}); the link is kept without a relation",
                )
            )
            relation = None
        bases.append((base, relation))
    return bases
