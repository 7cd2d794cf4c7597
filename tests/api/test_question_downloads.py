"""Whole answers of named questions, streamed: ``/questions/{name}?limit=all``.

The whole answer is the concatenation of the pages (JSON rows and CSV lines alike), has the
page's answer shape, and leaves nothing in the server's spool directory, whether it was sent,
refused at the size limit (413) or stopped at the time limit (503). A real uvicorn server over
a store with more rows than the largest page; the bundled store in-process for the rest.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from govkg.graph.answer_stream import write_answer
from govkg.graph.errors import ResultTooLargeError
from govkg.graph.store.embedded import Store
from support.cli import invoke
from support.servers import LiveServer, http, in_process_server, start_server

GK = "https://w3id.org/govkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ID = "https://w3id.org/govkg/id/"
MODELS = 6000
PAGE = 2500
MODELS_BY_DEVELOPER = "/questions/models-by-developer"


def _many_models() -> str:
    """TriG: one developer with ``MODELS`` models, each labelled and dated (about 1.5 MB of
    JSON answer from models-by-developer)."""
    lines = [f"<{ID}dev-many> <http://www.w3.org/2000/01/rdf-schema#label> 'Many Models Inc' ."]
    for i in range(MODELS):
        lines.append(
            f"<{ID}many-{i:05d}> a <{GK}AIModel> ; <{GK}developedBy> <{ID}dev-many> ; "
            f"<http://www.w3.org/2000/01/rdf-schema#label> 'Model {i:05d}, \"quoted\"' ; "
            f"<{GK}releaseDate> '2024-{1 + i % 12:02d}-01'^^<{XSD}date> ."
        )
    return "<https://example.org/graph/many> {\n" + "\n".join(lines) + "\n}\n"


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn server over MODELS models, pages of at most PAGE rows."""
    store = tmp_path_factory.mktemp("many") / "store"
    with start_server(store, data=_many_models(), max_page_size=PAGE) as server:
        yield server


def _spooled(server: LiveServer) -> list[Path]:
    spool = server.app.state.govkg._spool
    return [] if spool is None else sorted(spool.iterdir())


def _pages(client: httpx.Client, url: str, accept: str) -> list[httpx.Response]:
    pages, offset = [], 0
    while offset is not None:
        r = client.get(
            url, params={"limit": str(PAGE), "offset": str(offset)}, headers={"Accept": accept}
        )
        assert r.status_code == 200, r.text
        pages.append(r)
        offset = offset + PAGE if 'rel="next"' in r.headers.get("link", "") else None
    return pages


def test_the_whole_answer_is_the_pages_concatenated(many: LiveServer) -> None:
    url = many.url + MODELS_BY_DEVELOPER
    with httpx.Client(timeout=120) as client:
        whole = client.get(
            url, params={"limit": "all", "total": "true"}, headers={"Accept": "application/json"}
        )
        assert whole.status_code == 200, whole.text
        assert whole.headers["content-type"].startswith("application/json")
        assert int(whole.headers["content-length"]) == len(whole.content)
        doc = whole.json()
        pages = _pages(client, url, "application/json")
        assert len(pages) >= 3
        rows = [row for page in pages for row in page.json()["rows"]]
        assert doc["rows"] == rows
        assert len(rows) == MODELS
        assert int(whole.headers["x-govkg-rows"]) == len(rows) == doc["total"]
        first = pages[0].json()
        assert {k: doc[k] for k in ("question", "params", "columns", "kinds")} == {
            k: first[k] for k in ("question", "params", "columns", "kinds")
        }
        assert (doc["limit"], doc["offset"], doc["next_offset"]) == (None, 0, None)
        # CSV: the pages' lines, one header
        text = client.get(url, params={"limit": "all", "format": "csv"}).text
        csv_pages = _pages(client, url, "text/csv")
        lines = [r.text.split("\r\n", 1) for r in csv_pages]
        assert text == lines[0][0] + "\r\n" + "".join(body for _, body in lines)
        parsed = list(csv.reader(io.StringIO(text)))
        assert parsed[0] == doc["columns"] and len(parsed) == len(rows) + 1
        assert 'Model 00007, "quoted"' in {cell for line in parsed for cell in line}
        # from an offset on
        tail = client.get(
            url,
            params={"limit": "all", "offset": str(MODELS - 10)},
            headers={"Accept": "application/json"},
        ).json()
        assert tail["rows"] == rows[MODELS - 10 :] and tail["offset"] == MODELS - 10
    assert _spooled(many) == []


def test_the_size_limit_refuses_and_leaves_nothing(tmp_path: Path) -> None:
    with in_process_server(tmp_path / "store", data=_many_models(), max_answer_mb=1) as live:
        r = http.get(
            live.url + MODELS_BY_DEVELOPER,
            params={"limit": "all"},
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 413, r.text
        assert "larger than 1 MiB" in r.json()["detail"]
        assert _spooled(live) == []
        small = http.get(
            live.url + "/questions/developers-by-stance",
            params={"limit": "all"},
            headers={"Accept": "text/csv"},
        )
        assert small.status_code == 200 and small.text.startswith("developer,developerLabel,")
        assert small.text.count("\r\n") == 1 and small.headers["x-govkg-rows"] == "0"
        spool = live.app.state.govkg._spool
    assert spool is not None and not spool.exists(), "the spool directory goes with the server"


def test_the_time_limit_stops_the_worker_and_leaves_nothing(many: LiveServer) -> None:
    with httpx.Client(timeout=120) as client:
        r = client.get(
            many.url + MODELS_BY_DEVELOPER,
            params={"limit": "all", "timeout": "0.001"},
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 503, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    assert _spooled(many) == []


def test_a_page_for_people_cannot_be_the_whole_answer(bundled_client: TestClient) -> None:
    r = bundled_client.get(
        "/questions/timeline", params={"limit": "all"}, headers={"Accept": "text/html"}
    )
    assert r.status_code == 400
    assert "limit=all is for the CSV and JSON downloads" in r.text


def test_bad_paging_with_the_whole_answer_is_a_400(bundled_client: TestClient) -> None:
    r = bundled_client.get(
        "/questions/timeline",
        params={"limit": "all", "offset": "x"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and "offset" in r.json()["detail"]
    r = bundled_client.get(
        "/questions/sources-for", params={"limit": "all"}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 400 and "entity" in r.json()["detail"]


def test_write_answer_stops_at_its_byte_budget(bundled_store: Path) -> None:
    store = Store.open(bundled_store, read_only=True)
    out = io.BytesIO()
    with pytest.raises(ResultTooLargeError, match="page it"):
        write_answer(store, "timeline", {}, out, "text/csv", max_bytes=4096)
    assert len(out.getvalue()) <= 4096
    full = io.BytesIO()
    rows = write_answer(store, "timeline", {}, full, "text/csv")
    assert rows > 100 and len(full.getvalue()) > 4096


@pytest.mark.also_on_virtuoso
def test_the_whole_answer_on_each_backend(live_server: LiveServer) -> None:
    # The worker writes the answer from whatever backend it has: the embedded store's snapshot
    # or the remote server's results.
    url = live_server.url + MODELS_BY_DEVELOPER
    accept = {"Accept": "application/json"}
    whole = http.get(url, params={"limit": "all"}, headers=accept, timeout=300)
    page = http.get(url, params={"limit": "10000"}, headers=accept, timeout=300)
    assert whole.status_code == 200, whole.text
    assert whole.json()["rows"] == page.json()["rows"] != []
    assert whole.json()["kinds"] == page.json()["kinds"]


def test_a_page_links_all_rows_only_when_it_does_not_show_them_all(
    bundled_client: TestClient,
) -> None:
    browser = {"Accept": "text/html"}
    one_page = bundled_client.get("/questions/developers-by-stance", headers=browser)
    assert one_page.status_code == 200 and "rows as CSV" not in one_page.text
    assert "this page as CSV" in one_page.text
    paged = bundled_client.get("/questions/timeline", params={"limit": "5"}, headers=browser)
    assert "limit=all" in paged.text and "rows as CSV" in paged.text


@pytest.mark.parametrize(("fmt", "accept"), [("json", "application/json"), ("csv", "text/csv")])
def test_the_cli_writes_the_bytes_http_sends(
    bundled_client: TestClient, bundled_store: Path, fmt: str, accept: str
) -> None:
    params = {"limit": "all", "offset": "3", "total": "true"}
    sent = bundled_client.get("/questions/timeline", params=params, headers={"Accept": accept})
    ran = invoke("ask", "timeline", "--limit", "all", "--offset", "3", "--total",
                 "--format", fmt, store=bundled_store)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert sent.status_code == 200 and int(sent.headers["x-govkg-rows"]) > 100
    # (the in-process runner reads standard output with CRLF turned into LF)
    assert ran.stdout.rstrip("\n") == sent.text.replace("\r\n", "\n").rstrip("\n")


def test_the_cli_whole_answer_is_json_or_csv(bundled_store: Path) -> None:
    ran = invoke("ask", "timeline", "--limit", "all", "--format", "table", store=bundled_store)
    assert ran.returncode == 2 and "--limit all writes json or csv" in ran.stderr
