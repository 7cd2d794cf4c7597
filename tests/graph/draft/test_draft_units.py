"""The drafter's pieces: doctests of every module, and the rules docs/draft.md states."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import govkg.graph.draft
import pytest
from govkg.graph.draft import draft_document
from govkg.graph.draft.dates import find_dates
from govkg.graph.draft.mentions import find_mentions
from govkg.graph.draft.reading import Document
from govkg.graph.draft.registry import EntityRegistry
from govkg.graph.draft.sentences import split_sentences
from hypothesis import given, settings
from hypothesis import strategies as st

MODULES = sorted(m.name for m in pkgutil.iter_modules(govkg.graph.draft.__path__))


def test_every_module_is_checked():
    assert {"dates", "sentences", "registry", "mentions", "cues", "reading"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"govkg.graph.draft.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def _draft(text: str):
    return draft_document(Document(__import__("pathlib").Path("t.txt"), "text", text))


def _links(text: str) -> dict[str, str | None]:
    reg = EntityRegistry.load()
    return {m.text: m.id for m in find_mentions(text, reg, split_sentences(text), [])}


def test_dates_keep_their_precision_and_weekdays_need_the_article_date():
    found = find_dates("Signed in July 2025; vetoed on 29 September 2024; on Sunday.", "2024-09-30")
    assert [(d.value, d.precision) for d in found] == [
        ("2025-07", "month"),
        ("2024-09-29", "day"),
        ("2024-09-29", "day"),
    ]
    assert [d.value for d in find_dates("vetoed on Sunday")] == []


def test_sentences_respect_abbreviations_numbers_and_lines():
    text = (
        "The U.S. AI Safety Institute tested Claude 3.5 Sonnet. "
        "Meta Platforms, Inc. said no.\n| A | B |"
    )
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "The U.S. AI Safety Institute tested Claude 3.5 Sonnet.",
        "Meta Platforms, Inc. said no.",
        "| A | B |",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_registry_links_aliases_keys_governments_and_surnames():
    links = _links(
        "Federal officials met Meta AI. The US and France signed. Gavin Newsom vetoed it; "
        "Newsom said no. The Department of Commerce acted and Commerce said so."
    )
    assert links["Federal officials"] == "us-federal-government"
    assert links["Meta AI"] == "meta"
    assert links["US"] == "us"
    assert links["France"] == "france-government"
    assert links["Newsom"] == "gavin-newsom"
    assert links["Commerce"] == "us-department-of-commerce"


def test_unknown_names_are_proposed_with_a_kind_and_non_names_are_not():
    text = (
        "Senator Jane Roe asked the Office for Frontier Safety about the Frontier Safety Bill. "
        "On Monday, Chinese officials met at the AI Action Summit. Seven AI companies agreed."
    )
    reg = EntityRegistry.load()
    new = {
        m.text: m.kind for m in find_mentions(text, reg, split_sentences(text), []) if m.id is None
    }
    assert new == {
        "Jane Roe": "person",
        "Office for Frontier Safety": "agency",
        "Frontier Safety Bill": "instrument",
    }


def test_intentions_are_not_participations_and_refusals_are():
    draft = _draft(
        "Published 18 July 2025\n\nMicrosoft said it would sign the GPAI Code of Practice. "
        "Meta refused to sign the GPAI Code of Practice on Friday."
    )
    parts = [s for s in draft.statements if s.kind == "participation"]
    assert [(s.fields["party"], s.fields["status"], s.fields["date"]) for s in parts] == [
        ("meta", "declined", "2025-07-18")
    ]


def test_passive_voice_and_back_references_find_the_actor():
    draft = _draft(
        "Govkg Test Wire, 30 January 2025\n\n"
        "The Seoul Declaration was signed by Japan and Canada. "
        "DeepSeek released DeepSeek-R1 on January 20. "
        "The company said the model was cheap to train."
    )
    facts = {
        (s.kind, s.fields.get("party") or s.fields.get("claimant") or s.fields.get("model"))
        for s in draft.statements
    }
    assert ("participation", "japan-government") in facts
    assert ("participation", "canada-government") in facts
    assert ("release", "deepseek-r1") in facts
    assert ("claim", "deepseek") in facts
    release = next(s for s in draft.statements if s.kind == "release")
    assert release.fields["developer"] == "deepseek" and release.fields["date"] == "2025-01-20"


def test_every_candidate_quote_is_its_sentence_and_confidence_is_bounded():
    text = (
        "Italy's regulator, the Garante, ordered OpenAI to pause ChatGPT. "
        "OpenAI argued it complied."
    )
    draft = _draft(text)
    assert draft.statements
    for s in draft.statements:
        assert text[s.start : s.end] == s.quote
        assert 0.0 < s.confidence <= 1.0
    order = next(s for s in draft.statements if s.kind == "action")
    assert order.fields["actor"] == "italian-garante" and order.fields["type"] == "pause-order"


_WORDS = [
    "Meta", "signed", "declined to sign", "the", "GPAI Code of Practice", "on Friday", "said",
    "U.S.", "Senator", "Jane Roe", "ordered", "OpenAI", "to pause", ",", ".", "|", "\n", "3.5",
    "released", "Llama 3.1 405B", "by", "and", "France", "The company", "evaluated", "'s",
    "23 July 2024", "\u2019", "\u00e9t\u00e9", "\u4e2d\u6587", "Mr.", "  ",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=8)), max_size=60))
def test_any_text_drafts_without_error_and_quotes_stay_verbatim(parts):
    text = " ".join(parts)
    if not text.strip():
        return
    draft = _draft(text)
    for s in draft.statements:
        assert text[s.start : s.end] == s.quote
    for m in draft.mentions:
        assert text[m.start : m.end] == m.text
