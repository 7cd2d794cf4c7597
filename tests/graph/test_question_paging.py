"""Paging of named questions in the engine (graph/questions.py), on the bundled data.

Pages asked with ``limit``/``offset`` must concatenate to the full answer for every question:
that holds only if each question's ``ORDER BY`` orders its rows totally, which is what these
tests check (a missing tie-breaker shows up as a page boundary that reorders equal rows).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from govkg.graph.errors import DataValidationError, ParameterError
from govkg.graph.questions import list_questions, load_question, page_bounds, run_question
from govkg.graph.store.embedded import Store

#: Parameters that make a question answer something on the bundled data (required ones).
PARAMS: dict[str, dict[str, str]] = {"sources-for": {"entity": "meta"}}


@pytest.fixture(scope="module")
def store(bundled_store: Path) -> Store:
    """The session's bundled store (tests/conftest.py), open read-only."""
    return Store.open(bundled_store, read_only=True)


def _pages(
    store: Store, name: str, size: int, max_pages: int | None = None
) -> tuple[list, list[int | None]]:
    rows: list = []
    offsets: list[int | None] = []
    offset = 0
    while True:
        page = run_question(store, name, PARAMS.get(name, {}), limit=size, offset=offset)
        assert len(page.terms) <= size
        rows.extend(page.terms)
        offsets.append(page.next_offset)
        if page.next_offset is None or len(offsets) == max_pages:
            return rows, offsets
        assert page.next_offset == offset + size and len(page.terms) == size
        offset = page.next_offset


@pytest.mark.parametrize("name", [q.name for q in list_questions()])
def test_pages_concatenate_to_the_full_answer(store: Store, name: str) -> None:
    full = run_question(store, name, PARAMS.get(name, {}))
    assert full.terms, f"{name} has no rows on the bundled data: nothing to page"
    for size in (7, 10):  # page boundaries fall between most neighbouring rows
        rows, offsets = _pages(store, name, size)
        assert rows == full.terms, f"{name}: pages of {size} differ from the full answer"
        assert len(offsets) == -(-len(full.terms) // size) or len(full.terms) % size == 0
    # one row a page: a boundary between every two rows (the first 30: a query per page)
    rows, _ = _pages(store, name, 1, max_pages=30)
    assert rows == full.terms[:30], f"{name}: pages of 1 differ from the full answer"


@pytest.mark.parametrize("name", [q.name for q in list_questions()])
def test_total_counts_the_full_answer(store: Store, name: str) -> None:
    full = run_question(store, name, PARAMS.get(name, {}))
    first = run_question(store, name, PARAMS.get(name, {}), limit=2, total=True)
    past = run_question(store, name, PARAMS.get(name, {}), limit=2, offset=10**6, total=True)
    assert first.total == past.total == len(full.terms)
    assert past.terms == [] and past.next_offset is None
    assert full.total is None and full.limit is None


def test_page_document_says_where_it_is(store: Store) -> None:
    doc = run_question(store, "timeline", {}, limit=3, offset=2, total=True).to_json_obj()
    assert (doc["limit"], doc["offset"], doc["next_offset"]) == (3, 2, 5)
    assert len(doc["rows"]) == 3 and doc["total"] > 5
    assert doc["kinds"]["statement"] == "iri" and doc["kinds"]["date"] == "date"
    assert set(doc["params"]) == {"from", "to"}  # defaults included
    last = run_question(store, "timeline", {}, limit=3, offset=doc["total"] - 1).to_json_obj()
    assert len(last["rows"]) == 1 and last["next_offset"] is None and "total" not in last


def test_limit_zero_counts_without_a_next_page(store: Store) -> None:
    page = run_question(store, "timeline", {}, limit=0, total=True)
    assert page.terms == [] and page.next_offset is None and page.total and page.total > 0


@pytest.mark.parametrize(
    ("limit", "offset", "field"),
    [
        ("-1", None, "limit"),
        ("ten", None, "limit"),
        ("1.5", None, "limit"),
        (None, "-3", "offset"),
        (None, "x", "offset"),
        (True, None, "limit"),
    ],
)
def test_bad_limit_or_offset_names_the_field(
    store: Store, limit: object, offset: object, field: str
) -> None:
    with pytest.raises(ParameterError, match=rf"^{field} must be an integer"):
        page_bounds(limit, offset)
    with pytest.raises(ParameterError, match=field):
        run_question(store, "timeline", {}, limit=limit, offset=offset)  # type: ignore[arg-type]


def test_every_question_orders_its_answer() -> None:
    for q in list_questions():
        assert "ORDER BY" in q.sparql.upper(), f"{q.name} has no ORDER BY: its pages would drift"
        assert "\nLIMIT" not in q.sparql.upper(), f"{q.name} has its own LIMIT"


def test_a_question_may_not_name_a_parameter_limit(tmp_path: Path) -> None:
    rq = tmp_path / "bad.rq"
    rq.write_text(
        "# title: Bad\n# param: limit | integer | 10 | clashes with paging\n"
        "SELECT ?limit WHERE {} ORDER BY ?limit\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match="reserved for paging"):
        load_question(rq)
