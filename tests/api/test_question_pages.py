"""Named questions over HTTP and the CLI: one answer shape, pages, ``Link`` headers, errors.

The in-process app (``bundled_client``) and the CLI (typer's runner, ``support.cli.invoke``)
answer over the same bundled store; one test follows ``rel="next"`` on a real uvicorn server.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from support.cli import invoke
from support.servers import LiveServer, start_server

LINK = re.compile(r'<([^>]*)>;\s*rel="([a-z]+)"')


def links(resp: httpx.Response) -> dict[str, str]:
    """``rel`` → target of the response's ``Link`` header (RFC 8288)."""
    return {rel: url for url, rel in LINK.findall(resp.headers.get("link", ""))}


def follow(get, url: str, params: dict[str, str]) -> tuple[list[dict], list[httpx.Response]]:
    """Every page from ``url`` on, by ``rel="next"``; the rows and the responses."""
    rows: list[dict] = []
    responses = []
    resp = get(url, params=params)
    while True:
        assert resp.status_code == 200, resp.text
        responses.append(resp)
        rows.extend(resp.json()["rows"])
        nxt = links(resp).get("next")
        if nxt is None:
            return rows, responses
        resp = get(urljoin(str(resp.url), nxt))


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("timeline", {"from": "2024-01-01"}),
        ("models-by-developer", {"developer": "meta"}),
        ("open-weights-without-review", {"as_of": "2025-01-01"}),
        ("conflicting-claims", {}),
    ],
)
def test_cli_json_equals_http_json(
    bundled_client: TestClient, bundled_store: Path, name: str, params: dict[str, str]
) -> None:
    query = {**params, "limit": "4", "offset": "2", "total": "true"}
    http_doc = bundled_client.get(f"/questions/{name}", params=query).json()
    args = [arg for k, v in params.items() for arg in ("--param", f"{k}={v}")]
    ran = invoke("ask", name, *args, "--limit", "4", "--offset", "2", "--total",
                 "--format", "json", store=bundled_store)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    cli_doc = json.loads(ran.stdout)
    assert cli_doc == http_doc
    assert set(cli_doc) == {
        "question", "params", "columns", "kinds", "rows", "limit", "offset", "next_offset",
        "total",
    }  # fmt: skip
    assert cli_doc["question"] == name and cli_doc["limit"] == 4 and cli_doc["offset"] == 2


def test_http_pages_concatenate_and_link(bundled_client: TestClient) -> None:
    params = {"from": "2023-01-01", "limit": "25"}
    full = bundled_client.get("/questions/timeline", params={**params, "limit": "10000"}).json()
    assert full["next_offset"] is None and len(full["rows"]) > 50
    rows, pages = follow(bundled_client.get, "/questions/timeline", params)
    assert rows == full["rows"]
    assert len(pages) == -(-len(full["rows"]) // 25)
    first, second = links(pages[0]), links(pages[1])
    assert set(first) == {"next"} and set(second) == {"next", "prev", "first"}
    assert "next" not in links(pages[-1])
    query = dict(parse_qsl(urlsplit(second["prev"]).query))
    assert query == {"from": "2023-01-01", "limit": "25", "offset": "0"}  # other params kept


def test_default_page_is_1000_rows(bundled_client: TestClient) -> None:
    doc = bundled_client.get("/questions/timeline").json()
    assert doc["limit"] == 1000 and doc["offset"] == 0


def test_csv_pages_concatenate(bundled_client: TestClient) -> None:
    accept = {"Accept": "text/csv"}
    whole = bundled_client.get("/questions/timeline", headers=accept).text
    header, *expected = list(csv.reader(io.StringIO(whole)))
    got: list[list[str]] = []
    url = "/questions/timeline?limit=40"
    while url:
        resp = bundled_client.get(url, headers=accept)
        assert resp.headers["content-type"].startswith("text/csv")
        page_header, *rows = list(csv.reader(io.StringIO(resp.text)))
        assert page_header == header
        got.extend(rows)
        url = links(resp).get("next", "")
    assert got == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "-1"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"offset": "1e3"}, "offset"),
        ({"total": "maybe"}, "total"),
        ({"limit": "10001"}, "limit"),
    ],
)
def test_bad_paging_is_a_400_naming_the_parameter(
    bundled_client: TestClient, query: dict[str, str], field: str
) -> None:
    resp = bundled_client.get("/questions/timeline", params=query)
    assert resp.status_code == 400, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["detail"].startswith(field)


def test_total_equals_the_full_row_count(bundled_client: TestClient) -> None:
    full = bundled_client.get("/questions/models-by-developer", params={"limit": "10000"}).json()
    page = bundled_client.get(
        "/questions/models-by-developer", params={"limit": "3", "total": "true"}
    ).json()
    assert page["total"] == len(full["rows"]) and len(page["rows"]) == 3


def test_cli_pages_and_names_the_bad_option(bundled_store: Path) -> None:
    ran = invoke("ask", "timeline", "--limit", "2", "--offset", "1", "--total", "--format", "csv",
                 store=bundled_store)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert len(ran.stdout.strip().splitlines()) == 3  # header and two rows
    bad = invoke("ask", "timeline", "--offset", "-1", store=bundled_store)
    assert bad.returncode != 0 and "offset must be an integer" in bad.stderr


@pytest.fixture(scope="module")
def uvicorn_server(bundled_store: Path) -> Iterator[LiveServer]:
    """A real uvicorn server over the bundled store, with a small maximum page."""
    with start_server(bundled_store, data=None, max_page_size=50) as server:
        yield server


def test_pages_concatenate_on_a_real_server(uvicorn_server: LiveServer) -> None:
    url = f"{uvicorn_server.url}/questions/sources-for"
    with httpx.Client(timeout=60) as client:
        full = client.get(url, params={"entity": "meta", "limit": "50"}).json()
        assert full["next_offset"] == 50  # more than one page of 50
        rows, pages = follow(client.get, url, {"entity": "meta", "limit": "9", "total": "true"})
        count = pages[0].json()["total"]
        assert len(rows) == count > 50
        assert rows[:50] == full["rows"]
        assert {p.json()["params"]["entity"] for p in pages} == {"https://w3id.org/govkg/id/meta"}
        too_big = client.get(url, params={"entity": "meta", "limit": "51"})
        assert too_big.status_code == 400 and "max_page_size" in too_big.json()["detail"]


def test_openapi_example_has_the_answer_shape(bundled_client: TestClient) -> None:
    spec = bundled_client.get("/openapi.json").json()
    ok = spec["paths"]["/questions/{name}"]["get"]["responses"]["200"]["content"]
    example = ok["application/json"]["example"]
    doc = bundled_client.get(
        f"/questions/{example['question']}", params={"limit": "1", "total": "true"}
    ).json()
    assert set(example) == set(doc)
    assert example["columns"] == doc["columns"] and set(example["kinds"]) == set(doc["kinds"])


@pytest.mark.also_on_virtuoso
@pytest.mark.parametrize("entity", ["meta", "llama-2"])
def test_pages_concatenate_on_each_backend(live_server: LiveServer, entity: str) -> None:
    """The same paging on the embedded store and, through the remote backend, on Virtuoso."""
    from support.servers import http

    url = f"{live_server.url}/questions/sources-for"
    full = http.get(url, params={"entity": entity}).json()
    assert len(full["rows"]) >= 3, "the sample data has a few facts about the entity"
    rows, pages = follow(http.get, url, {"entity": entity, "limit": "1", "total": "true"})
    assert rows == full["rows"] and len(pages) == len(rows)
    assert {p.json()["total"] for p in pages} == {len(rows)}
