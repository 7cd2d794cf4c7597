"""Named questions as HTML pages: negotiation, the table against the JSON, paging, errors, links.

Every expectation is read from the JSON answer of the same request (the in-process app over the
bundled store, ``bundled_client``), never written down: the page must show what the JSON says.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, parse_qsl, unquote_plus, urlsplit

import pytest
from fastapi.testclient import TestClient
from govkg.api.http.pages import local_href
from govkg.graph.questions import get_question

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BASE = "https://w3id.org/govkg/"
OWR = "/questions/open-weights-without-review"


@dataclass
class Cell:
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    times: list[str] = field(default_factory=list)  # datetime attributes


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


class Page(HTMLParser):
    """What the tests read from a page: the answer table, links, form controls and labels."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[list[Cell]] = []
        self.anchors: list[dict[str, str]] = []
        self.urls: list[str] = []  # every href, src and action
        self.controls: list[Control] = []
        self.labels: dict[str, str] = {}  # for= → text
        self.text: list[str] = []
        self._in_table = self._in_body = False
        self._cell: Cell | None = None
        self._anchor: dict[str, str] | None = None
        self._label: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "src", "action"):
            if key in a:
                self.urls.append(a[key])
        if tag == "table" and "answer" in a.get("class", ""):
            self._in_table = True
        elif self._in_table and tag == "th":
            self.columns.append(a["data-column"])
        elif self._in_table and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = Cell()
            self.rows[-1].append(self._cell)
        elif tag == "time" and self._cell is not None:
            self._cell.times.append(a["datetime"])
        elif tag == "a":
            self._anchor = {**a, "text": ""}
            self.anchors.append(self._anchor)
        elif tag in ("input", "select"):
            self.controls.append(Control(tag, a))
        elif tag == "option":
            self.controls[-1].options.append((a.get("value", ""), "selected" in a))
        elif tag == "label":
            self._label = a.get("for", "")
            self.labels[self._label] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = self._in_body = False
        elif tag == "td":
            self._cell = None
        elif tag == "a" and self._anchor is not None:
            if self._cell is not None:
                self._cell.links.append((self._anchor.get("href", ""), self._anchor["text"]))
            self._anchor = None
        elif tag == "label":
            self._label = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.text += data
        if self._anchor is not None:
            self._anchor["text"] += data
        if self._label is not None:
            self.labels[self._label] += data

    def rel(self, name: str) -> str | None:
        found = [a["href"] for a in self.anchors if a.get("rel") == name]
        return found[0] if found else None


def html_get(client: TestClient, url: str, **params: str):  # type: ignore[no-untyped-def]
    resp = client.get(url, params=params or None, headers={"Accept": BROWSER})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/html")
    return resp, Page(resp.text)


# -- negotiation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (BROWSER, "text/html"),
        ("text/html", "text/html"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
        ("text/csv", "text/csv"),
        ("text/csv;q=0.4, text/html;q=0.9", "text/html"),
        ("application/json;q=0.9, text/html;q=0.5", "application/json"),
        ("text/html;q=0.1, text/csv", "text/csv"),
        ("text/html;q=0, */*", "application/json"),
    ],
)
def test_question_negotiates(bundled_client: TestClient, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    resp = bundled_client.get(OWR, params={"as_of": "2025-01-01", "limit": "3"}, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith(expected)
    assert "Accept" in resp.headers["vary"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (BROWSER, "text/html"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
        ("text/html;q=0.5, application/json", "application/json"),
    ],
)
def test_question_list_negotiates(
    bundled_client: TestClient, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    resp = bundled_client.get("/questions", headers=headers)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith(expected)


def test_json_and_csv_answers_are_unchanged_by_the_page(bundled_client: TestClient) -> None:
    """``*/*``, no Accept and ``format=json`` give the very JSON ``application/json`` gives."""
    params = {"as_of": "2025-01-01", "limit": "5", "offset": "2"}
    json_doc = bundled_client.get(OWR, params=params, headers={"Accept": "application/json"})
    for headers in ({"Accept": "*/*"}, {}):
        assert bundled_client.get(OWR, params=params, headers=headers).json() == json_doc.json()
    by_format = bundled_client.get(OWR, params={**params, "format": "json"}, headers={})
    assert by_format.json() == json_doc.json()
    csv_text = bundled_client.get(OWR, params=params, headers={"Accept": "text/csv"}).text
    assert bundled_client.get(OWR, params={**params, "format": "csv"}).text == csv_text
    header, *rows = list(csv.reader(io.StringIO(csv_text)))
    assert header == json_doc.json()["columns"] and len(rows) == 5
    bad = bundled_client.get(OWR, params={"format": "xml"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("format")


def test_list_page_links_every_question(bundled_client: TestClient) -> None:
    listed = bundled_client.get("/questions").json()
    _, page = html_get(bundled_client, "/questions")
    hrefs = {a["href"]: a["text"] for a in page.anchors}
    text = " ".join(" ".join(page.text).split())
    for q in listed:
        assert hrefs.get(f"/questions/{q['name']}") == q["title"]
        assert " ".join(q["description"].split()) in text


# -- the answer table ------------------------------------------------------------------------


def expected_href(iri: str) -> str:
    """The local page of a govkg IRI (the entity pages' rule), else the IRI as text only."""
    return local_href(iri, BASE) or ""


def check_cell(cell: Cell, column: str, row: dict, doc: dict) -> None:
    """One HTML cell shows the JSON row's value of ``column``: a label, a date, a word."""
    value, kind = row[column], doc["kinds"][column]
    where = f"{column}={value!r} in {cell}"
    if value is None:
        assert cell.text.strip() == "" and not cell.links, where
    elif kind == "iri":
        [(href, text)] = cell.links
        assert href == expected_href(value), where
        label_column = next(
            (c for c in (f"{column}Label",) if c in doc["columns"]),
            "label" if column == doc["columns"][0] and "label" in doc["columns"] else None,
        )
        if label_column and row[label_column]:
            assert text == row[label_column], where
        else:
            assert text.strip() and not text.startswith("http"), where  # a label, not the IRI
    elif kind == "date":
        assert cell.times == [value], where
    elif kind == "boolean":
        assert cell.text == ("yes" if value else "no"), where
    elif kind in ("integer", "number"):
        assert math.isclose(float(cell.text), float(value)), where
    elif (
        isinstance(value, str)
        and value.split()
        and all(t.startswith("https://") for t in value.split())
    ):
        assert [h for h, _ in cell.links] == [expected_href(t) for t in value.split()], where
        assert all(t.strip() and not t.startswith("http") for _, t in cell.links), where
    else:
        assert cell.text == str(value), where


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("open-weights-without-review", {"as_of": "2025-01-01"}),
        ("open-weights-without-review", {"as_of": "2024-06-30", "certainty": "possible"}),
        ("models-by-developer", {"developer": "meta"}),
        ("commitment-signatories", {}),
        ("timeline", {"from": "2024-01-01"}),
        ("review-coverage", {}),
    ],
)
def test_table_rows_equal_the_json_rows(
    bundled_client: TestClient, name: str, params: dict[str, str]
) -> None:
    query = {**params, "limit": "7", "offset": "3"}
    doc = bundled_client.get(f"/questions/{name}", params={**query, "total": "true"}).json()
    assert doc["rows"], "the bundled data answers this question"
    _, page = html_get(bundled_client, f"/questions/{name}", **query)
    labels = {c for c in doc["columns"] if c.endswith("Label")}
    assert set(page.columns) <= set(doc["columns"]) and not labels & set(page.columns)
    assert len(page.rows) == len(doc["rows"])
    for cells, row in zip(page.rows, doc["rows"], strict=True):
        assert len(cells) == len(page.columns)
        for cell, column in zip(cells, page.columns, strict=True):
            check_cell(cell, column, row, doc)
    text = " ".join(" ".join(page.text).split())
    last = doc["offset"] + len(doc["rows"])
    assert f"Rows {doc['offset'] + 1}–{last} of {doc['total']}" in text


def test_iris_without_a_label_column_read_as_their_pages_name_them(
    bundled_client: TestClient,
) -> None:
    """A concept shows the label its page shows; a named graph the title of its source."""
    _, page = html_get(bundled_client, OWR, as_of="2025-01-01", limit="8")
    weights, sources = page.columns.index("weights"), page.columns.index("sources")
    links = {link for row in page.rows for link in (*row[weights].links, *row[sources].links)}
    assert any(h.startswith("/page/concept/") for h, _ in links)
    assert any(h.startswith("/page/graph/") for h, _ in links)
    for href, text in sorted(links)[:8]:
        view = bundled_client.get(f"{href}.json").json()
        expected = view["source"]["label"] if view["page_class"] == "graph" else view["label"]
        assert text == expected, href


def test_time_model_is_shown_with_the_values_used(bundled_client: TestClient) -> None:
    params = {"as_of": "2024-09-01", "known_as_of": "2025-06-30", "certainty": "possible"}
    doc = bundled_client.get(OWR, params={**params, "limit": "50"}).json()
    resp, page = html_get(bundled_client, OWR, **params, limit="50")
    for name, value in params.items():
        assert f'data-param="{name}"' in resp.text
        assert f'datetime="{value}"' in resp.text or f">{value}<" in resp.text
    # asOfCertainty, review and status read as the words of the JSON
    for column in ("asOfCertainty", "review", "status"):
        i = page.columns.index(column)
        assert [r[i].text for r in page.rows] == [row[column] for row in doc["rows"]]


def test_form_has_a_labelled_typed_control_per_parameter(bundled_client: TestClient) -> None:
    question = get_question("open-weights-without-review")
    doc = bundled_client.get(OWR, params={"as_of": "2025-01-01", "certainty": "possible"}).json()
    _, page = html_get(bundled_client, OWR, as_of="2025-01-01", certainty="possible")
    by_name = {c.attrs["name"]: c for c in page.controls if "name" in c.attrs}
    for p in question.params:
        control = by_name[p.name]
        assert page.labels.get(control.attrs["id"], "").strip(), f"{p.name} has no label"
        if p.type == "date":
            assert control.attrs["type"] == "date"
            assert control.attrs["value"] == doc["params"][p.name]
        elif p.type == "choice":
            assert control.tag == "select"
            assert [v for v, _ in control.options] == list(p.choices)
            assert [v for v, sel in control.options if sel] == [doc["params"][p.name]]
        elif p.type == "boolean":
            assert control.tag == "select"
            assert [v for v, sel in control.options if sel] == [doc["params"][p.name]]
    # submitting the form as filled in asks the same question again
    filled = {
        name: c.attrs.get("value") or next((v for v, sel in c.options if sel), "")
        for name, c in by_name.items()
    }
    again = bundled_client.get(OWR, params={**filled, "format": "json"}).json()
    assert again["rows"] == doc["rows"][: again["limit"]]


def test_blank_form_fields_mean_not_given(bundled_client: TestClient) -> None:
    resp, page = html_get(bundled_client, "/questions/models-by-developer", developer="")
    whole = bundled_client.get("/questions/models-by-developer", params={"total": "true"}).json()
    assert f"of {whole['total']}" in " ".join(page.text)


# -- paging ----------------------------------------------------------------------------------


def test_next_and_previous_links_walk_the_whole_answer(bundled_client: TestClient) -> None:
    full = bundled_client.get(OWR, params={"as_of": "2025-01-01"}).json()
    assert full["next_offset"] is None and len(full["rows"]) > 20
    expected = [expected_href(r["model"]) for r in full["rows"]]
    url = f"{OWR}?as_of=2025-01-01&limit=9"
    forward: list[str] = []
    pages = []
    while url:
        _, page = html_get(bundled_client, url)
        pages.append(page)
        forward.extend(cells[0].links[0][0] for cells in page.rows)
        nxt = page.rel("next")
        if nxt:
            assert dict(parse_qsl(urlsplit(nxt).query))["as_of"] == "2025-01-01"
        url = nxt or ""
    assert forward == expected and len(pages) == -(-len(expected) // 9)
    assert pages[0].rel("prev") is None and pages[-1].rel("next") is None
    backward: list[list[str]] = []
    url = f"{OWR}?as_of=2025-01-01&limit=9&offset={9 * (len(pages) - 1)}"
    while url:
        _, page = html_get(bundled_client, url)
        backward.insert(0, [cells[0].links[0][0] for cells in page.rows])
        url = page.rel("prev") or ""
    assert [h for chunk in backward for h in chunk] == expected


def test_downloads_and_editor_link(bundled_client: TestClient) -> None:
    params = {"as_of": "2025-01-01", "limit": "4", "offset": "4"}
    _, page = html_get(bundled_client, OWR, **params)
    hrefs = {a["text"]: a["href"] for a in page.anchors}
    as_csv = bundled_client.get(OWR, params=params, headers={"Accept": "text/csv"})
    as_json = bundled_client.get(OWR, params=params, headers={"Accept": "application/json"})
    got_csv = bundled_client.get(hrefs["this page as CSV"], headers={"Accept": BROWSER})
    assert got_csv.headers["content-type"].startswith("text/csv") and got_csv.text == as_csv.text
    got_json = bundled_client.get(hrefs["this page as JSON"], headers={"Accept": BROWSER})
    assert got_json.json() == as_json.json()
    # the whole answer, whatever page is shown: every row, the same parameters
    whole = {t: h for t, h in hrefs.items() if t.startswith("all ") and t.endswith("as JSON")}
    ((text, href),) = whole.items()
    everything = bundled_client.get(href, headers={"Accept": BROWSER}).json()
    count = bundled_client.get(OWR, params={"as_of": "2025-01-01", "total": "true"}).json()
    assert text == f"all {count['total']} rows as JSON"
    assert len(everything["rows"]) == count["total"] > 8
    assert everything["rows"][4:8] == as_json.json()["rows"]
    all_csv = bundled_client.get(hrefs[f"all {count['total']} rows as CSV"])
    assert all_csv.text.count("\r\n") == count["total"] + 1
    editor = next(a["href"] for a in page.anchors if "query editor" in a["text"])
    path, _, fragment = editor.partition("#")
    assert path == "/sparql"
    text = parse_qs(fragment)["query"][0]
    assert text == get_question("open-weights-without-review").sparql
    assert unquote_plus(fragment.removeprefix("query=")) == text
    opened = bundled_client.get(path, headers={"Accept": BROWSER})
    assert opened.status_code == 200 and 'id="query"' in opened.text


# -- errors and links ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"as_of": "2025-13-01"}, "as_of"),
        ({"certainty": "maybe"}, "certainty"),
        ({"include_derivatives": "perhaps"}, "include_derivatives"),
        ({"asof": "2025-01-01"}, "asof"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"format": "xml"}, "format"),
    ],
)
def test_a_bad_parameter_is_a_400_page_naming_it(
    bundled_client: TestClient, params: dict[str, str], named: str
) -> None:
    problem = bundled_client.get(OWR, params=params, headers={"Accept": "application/json"})
    assert problem.status_code == 400
    detail = problem.json()["detail"]
    resp = bundled_client.get(OWR, params=params, headers={"Accept": BROWSER})
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("text/html")
    text = " ".join(Page(resp.text).text)
    assert detail in text and named in text


def test_the_400_page_keeps_the_form_to_correct_the_parameter(bundled_client: TestClient) -> None:
    params = {"as_of": "2025-13-01", "certainty": "possible"}
    resp = bundled_client.get(OWR, params=params, headers={"Accept": BROWSER})
    assert resp.status_code == 400
    controls = {c.attrs["name"]: c for c in Page(resp.text).controls if "name" in c.attrs}
    assert controls["as_of"].attrs["value"] == "2025-13-01"
    assert [v for v, sel in controls["certainty"].options if sel] == ["possible"]
    # a question with a required parameter, opened without it: the message and the form
    resp = bundled_client.get("/questions/sources-for", headers={"Accept": BROWSER})
    problem = bundled_client.get("/questions/sources-for").json()
    page = Page(resp.text)
    assert resp.status_code == 400 and problem["detail"] in " ".join(page.text)
    entity = next(c for c in page.controls if c.attrs.get("name") == "entity")
    assert page.labels[entity.attrs["id"]].strip() and "required" in entity.attrs


def test_an_unknown_question_is_a_404_page(bundled_client: TestClient) -> None:
    resp = bundled_client.get("/questions/no-such-question", headers={"Accept": BROWSER})
    assert resp.status_code == 404 and resp.headers["content-type"].startswith("text/html")
    assert "no-such-question" in resp.text and 'href="/questions"' in resp.text


@pytest.mark.parametrize(
    "url",
    [
        "/questions",
        f"{OWR}?as_of=2025-01-01&limit=20&offset=20",
        "/questions/review-coverage",
        "/questions/conflicting-claims?limit=30",
        "/questions/sources-for?entity=meta&limit=40",
        f"{OWR}?as_of=bad",
    ],
)
def test_no_link_leaves_the_server(bundled_client: TestClient, url: str) -> None:
    resp = bundled_client.get(url, headers={"Accept": BROWSER})
    page = Page(resp.text)
    assert page.urls
    for target in page.urls:
        parts = urlsplit(target)
        on_server = not parts.scheme and not parts.netloc and target.startswith(("/", "#", "?"))
        inline = parts.scheme == "data"  # base.html's empty icon: no request at all
        assert on_server or inline or target.startswith("http://testserver/"), target
    # IRIs are shown as labels: no link's text is an IRI
    assert not [a for a in page.anchors if a["text"].startswith(("http://", "https://"))]


def test_openapi_offers_html_on_both_routes(bundled_client: TestClient) -> None:
    paths = bundled_client.get("/openapi.json").json()["paths"]
    for path in ("/questions", "/questions/{name}"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert "text/html" in content and "application/json" in content
