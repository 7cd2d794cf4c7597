"""Drafting a curated source file from a new article or document (``govkg draft``).

Public API::

    from govkg.graph.draft import draft_file

    draft = draft_file(Path("article.html"))             # read, link, extract
    draft = draft_file(Path("article.html"), backend=store)   # + "already in the graph" notes
    print(render_yaml(draft))                           # govkg.graph.draft.output

The pipeline: :mod:`~govkg.graph.draft.reading` (checked input → text), :mod:`.metadata`
(title, date, publisher; byline spans), :mod:`.sentences`, :mod:`.dates`, :mod:`.mentions`
(registry links and new names), :mod:`.statements` (candidate statements from :mod:`.cues`),
:mod:`.known` (the same fact from other sources, through the Backend's ``query``). Nothing is
written to a store: the draft is a file for a curator, who runs ``govkg validate`` and
``govkg build`` on the finished file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.graph.draft.candidate import Candidate
from govkg.graph.draft.dates import find_dates
from govkg.graph.draft.mentions import Mention, find_mentions
from govkg.graph.draft.metadata import SourceMeta, read_metadata
from govkg.graph.draft.reading import MAX_BYTES, Document, read_document
from govkg.graph.draft.registry import EntityRegistry
from govkg.graph.draft.sentences import split_sentences
from govkg.graph.draft.statements import StatementExtractor

__all__ = ["MAX_BYTES", "Draft", "draft_document", "draft_file"]


@dataclass
class Draft:
    """Everything a draft holds: the document, its metadata, mentions and candidates."""

    document: Document
    meta: SourceMeta
    mentions: list[Mention]
    statements: list[Candidate]
    store_checked: bool = False


def draft_file(path: Path, *, backend: Any = None, data_dir: Path | None = None) -> Draft:
    """Read ``path`` (raising :class:`~govkg.graph.errors.InputError` when unusable) and draft."""
    return draft_document(read_document(Path(path)), backend=backend, data_dir=data_dir)


def draft_document(doc: Document, *, backend: Any = None, data_dir: Path | None = None) -> Draft:
    """Draft from a document already read (tests and tools that hold the text)."""
    registry = EntityRegistry.load(data_dir)
    meta = read_metadata(doc.text, doc.meta)
    article_date = meta.published if meta.precision == "day" else None
    sentences = split_sentences(doc.text)
    dates = find_dates(doc.text, article_date)
    skip = list(meta.skip)
    mentions = find_mentions(doc.text, registry, sentences, skip, [(d.start, d.end) for d in dates])
    statements = StatementExtractor(registry, meta.published).run(sentences, mentions, dates)
    draft = Draft(doc, meta, mentions, statements)
    if backend is not None:
        from govkg.graph.draft.known import mark_known

        mark_known(statements, backend)
        draft.store_checked = True
    return draft
