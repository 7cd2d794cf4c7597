"""Named questions as pages people read: ``/questions`` and ``/questions/{name}`` in HTML.

Why pages: the named questions are govkg's product, and a journalist who opens
``/questions/open-weights-without-review`` in a browser should read an answer, not JSON. The
page is the JSON answer of the same request (the same job, limit and offset) laid out for people:
the parameters as a form, IRIs as labelled links to the local entity pages, dates as dates, the
paging as "rows X–Y of TOTAL" with previous/next links that keep the parameters, and links to the
same answer as CSV and JSON and to the question's SPARQL in the query editor.

The request parsing and the page-link targets live here and :mod:`govkg.api.http.rest` uses
them for its JSON and CSV answers too, so the three formats page the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import Request
from govkg.api.http import negotiation
from govkg.api.http.pages import render
from govkg.api.http.query_jobs import Job, Outcome
from govkg.api.http.state import list_questions_safe, state_of
from govkg.graph.errors import GovkgError, NotFoundError, ParameterError
from govkg.graph.pages.lookup import format_date, local_name
from govkg.graph.questions import PAGING_WORDS, get_question, page_bounds, want_total
from govkg.graph.vocabulary import read_sparql
from starlette.responses import HTMLResponse

#: What ``/questions/{name}`` offers, default first; ``format=`` names one directly (a link
#: cannot set ``Accept``, so the page's download links use it).
OFFERS = ("application/json", "text/csv", "text/html")
FORMATS = {"json": "application/json", "csv": "text/csv", "html": "text/html"}
#: Query words that are not question parameters.
RESERVED = ("timeout", "format", *PAGING_WORDS)
#: The time-model parameters, shown first and apart on the page.
TIME_MODEL = ("as_of", "known_as_of", "certainty")
XSD = "http://www.w3.org/2001/XMLSchema#"
_IRI = re.compile(r"^https?://\S+$")
#: Column names that camel-case splitting alone would not make readable.
TITLES = {
    "asOfCertainty": "Certainty on the day",
    "epistemic": "Epistemic status",
    "reviewedBase": "Reviewed base model",
    "weightsFrom": "Weights available from",
    "independentSources": "Independent sources",
    "share": "Share reviewed",
}


def answer_media(request: Request) -> str:
    """The media type to answer with: ``format=`` when given, else by ``Accept``.

    An unknown ``format`` falls back to ``Accept`` here, so that :func:`page_ask` names it in
    the format the client reads (a 400 page for a browser, a problem document otherwise).
    """
    given = request.query_params.get("format")
    if given in FORMATS:
        return FORMATS[given]
    return negotiation.negotiate(request.headers.get("accept"), OFFERS)


@dataclass(frozen=True)
class PageAsk:
    """One page of a named question as asked for: the worker's job and the request's pairs."""

    job: Job
    pairs: list[tuple[str, str]]
    timeout: float


def page_ask(request: Request, name: str, *, for_people: bool = False) -> PageAsk:
    """Check the request's parameters and paging and make the job that answers them.

    ``for_people``: blank values (a form's empty fields) mean "not given", and the total is
    always counted (the page says "rows X–Y of TOTAL").

    ``limit=all`` asks for the whole answer, streamed (an ``answer`` job; CSV and JSON only:
    :mod:`govkg.api.http.question_downloads`).
    """
    from govkg.api.http.sparql import effective_timeout

    state = state_of(request)
    pairs = list(request.query_params.multi_items())
    if for_people:
        pairs = [(k, v) for k, v in pairs if v.strip()]
    given = dict(pairs).get("format")
    if given is not None and given not in FORMATS:
        raise ParameterError(f"format must be one of {', '.join(FORMATS)}, got {given!r}")
    params = {k: v for k, v in pairs if k not in RESERVED}
    paging = dict((k, v) for k, v in pairs if k in PAGING_WORDS)
    whole = paging.get("limit") == "all"
    if whole and for_people:
        raise ParameterError(
            "limit=all is for the CSV and JSON downloads; a page shows at most "
            f"{state.settings.max_page_size} rows (this server's max_page_size)"
        )
    limit, offset = page_bounds(None if whole else paging.get("limit"), paging.get("offset"))
    most = state.settings.max_page_size
    if not whole and limit is None:
        limit = state.questions.page_size()
    elif not whole and limit is not None and limit > most:
        raise ParameterError(f"limit must be at most {most} (this server's max_page_size)")
    total = True if for_people else want_total(paging.get("total"))
    if name not in {q["name"] for q in list_questions_safe()}:
        raise NotFoundError(f"no named question {name!r}; see /questions for the list")
    kind = "answer" if whole else "question"
    job = Job(kind=kind, name=name, params=params, limit=limit, offset=offset, total=total)
    return PageAsk(job, pairs, effective_timeout(state, pairs))


def page_targets(path: str, pairs: list[tuple[str, str]], doc: dict) -> dict[str, str]:
    """``rel`` → relative URL of the next, previous and first pages, where they exist.

    Every other query parameter is kept, so a page's links stay in its format and answer.

    >>> doc = {"limit": 10, "offset": 10, "next_offset": 20}
    >>> page_targets("/questions/timeline", [("from", "2024-01-01")], doc)["prev"]
    '/questions/timeline?from=2024-01-01&limit=10&offset=0'
    """
    limit, offset, next_offset = doc["limit"], doc["offset"], doc["next_offset"]
    kept = [(k, v) for k, v in pairs if k not in ("limit", "offset")]

    def target(at: int) -> str:
        return f"{path}?{urlencode([*kept, ('limit', str(limit)), ('offset', str(at))])}"

    targets = {}
    if next_offset is not None:
        targets["next"] = target(next_offset)
    if offset > 0:
        targets["prev"] = target(max(0, offset - limit))
        targets["first"] = target(0)
    return targets


# -- the pages -------------------------------------------------------------------------------


async def list_page(request: Request) -> HTMLResponse:
    """Every named question with its title, description and parameters, linked to its page."""
    items = list_questions_safe()
    return HTMLResponse(render("questions.html", request, questions=items), headers=_VARY)


async def answer_page(request: Request, name: str) -> HTMLResponse:
    """One page of a question's answer; a bad request is an HTML page with the problem's text."""
    state = state_of(request)
    try:
        ask = page_ask(request, name, for_people=True)
        cached = await state.questions.page(ask.job, ask.timeout)
    except GovkgError as exc:
        if exc.http_status >= 500:
            raise
        return _error_page(request, name, exc)
    outcome: Outcome = cached.answer
    question = get_question(name)
    doc = outcome.document
    labels = await _labels(request, _iris(outcome.rows))
    table = answer_table(outcome.variables, doc["kinds"], outcome.rows, labels)
    first = doc["offset"] + 1 if doc["rows"] else doc["offset"]
    html = render(
        "question.html",
        request,
        q=question,
        doc=doc,
        form=_form(question, doc["params"]),
        asked=_asked(question, doc["params"]),
        table=table,
        shown_from=first,
        shown_to=doc["offset"] + len(doc["rows"]),
        pages=page_targets(request.url.path, ask.pairs, doc),
        downloads=_downloads(request.url.path, ask.pairs),
        editor="/sparql#" + urlencode({"query": question.sparql}),
        limit=doc["limit"],
        computed_at=datetime.fromtimestamp(cached.made, UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )
    return HTMLResponse(html, headers={**_VARY, **cached.headers()})


_VARY = {"Vary": "Accept"}


def _downloads(path: str, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """This page as CSV and JSON, and the whole answer (``limit=all``) as CSV and JSON."""
    kept = [(k, v) for k, v in pairs if k != "format"]
    links = {fmt: f"{path}?{urlencode([*kept, ('format', fmt)])}" for fmt in ("csv", "json")}
    asked = [(k, v) for k, v in kept if k not in PAGING_WORDS]
    for fmt in ("csv", "json"):
        links[f"{fmt}_all"] = f"{path}?{urlencode([*asked, ('limit', 'all'), ('format', fmt)])}"
    return links


def _error_page(request: Request, name: str, exc: GovkgError) -> HTMLResponse:
    """The problem's message and, for a known question, its form with what was given, so the
    reader can correct the parameter (a question with a required parameter starts here)."""
    known = name in {q["name"] for q in list_questions_safe()}
    question = get_question(name) if known else None
    form, limit = [], None
    if question is not None:
        given = {k: v for k, v in request.query_params.multi_items() if v.strip()}
        defaults = {p.name: _default(p.type, p.default) for p in question.params}
        form = _form(question, {**defaults, **given})
        limit = given.get("limit")
    html = render(
        "question_error.html", request, exc=exc, name=name, q=question, form=form, limit=limit
    )
    return HTMLResponse(html, status_code=exc.http_status, headers=_VARY)


def _default(kind: str, default: str | None) -> str:
    """A default as a form shows it: ``today`` as the day's date (a date control needs one)."""
    if kind == "date" and default == "today":
        return date.today().isoformat()
    return default or ""


# -- the page's data -------------------------------------------------------------------------


def column_title(name: str) -> str:
    """A column's heading for people: its camel-case name split into words.

    >>> column_title("developer"), column_title("validFrom"), column_title("asOfCertainty")
    ('Developer', 'Valid from', 'Certainty on the day')
    """
    if name in TITLES:
        return TITLES[name]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower().replace("_", " ")
    return words[:1].upper() + words[1:]


def paired_labels(columns: list[str], kinds: dict[str, str | None]) -> dict[str, str]:
    """Which column holds the label of which IRI column: ``xLabel`` labels ``x``, and a bare
    ``label`` the first IRI column without a label column of its own.

    >>> cols = ["model", "label", "developer", "developerLabel"]
    >>> paired_labels(cols, {"model": "iri", "developer": "iri"})
    {'developer': 'developerLabel', 'model': 'label'}
    """
    pairs = {c[: -len("Label")]: c for c in columns if c.endswith("Label") and c[:-5] in columns}
    if "label" in columns:
        for c in columns:
            if kinds.get(c) == "iri" and c not in pairs:
                pairs[c] = "label"
                break
    return dict(sorted(pairs.items()))


def answer_table(
    columns: list[str],
    kinds: dict[str, str | None],
    rows: list[dict[str, Any]],
    labels: dict[str, str],
) -> dict[str, Any]:
    """The answer as a table of cells: label columns folded into the IRIs they name.

    ``rows`` are SPARQL-JSON bindings (the worker's ``Outcome.rows``); ``labels`` maps IRIs to
    labels for the IRIs no label column names. A cell is ``{"refs": [...]}`` (links),
    ``{"date": iso, "text": ...}``, or ``{"text": ...}``.
    """
    pairs = paired_labels(columns, kinds)
    shown = [c for c in columns if c not in pairs.values()]
    body = []
    for row in rows:
        cells = []
        for c in shown:
            own = row.get(pairs[c], {}).get("value") if c in pairs else None
            cells.append(_cell(row.get(c), own, labels))
        body.append(cells)
    return {"columns": [(c, column_title(c)) for c in shown], "rows": body}


def _cell(term: dict[str, Any] | None, own_label: str | None, labels: dict[str, str]) -> dict:
    if term is None:
        return {"text": ""}
    value = str(term.get("value", ""))
    if term.get("type") == "uri":
        return {"refs": [{"iri": value, "label": own_label or _label(value, labels)}]}
    datatype = term.get("datatype", "")
    if datatype == XSD + "date":
        return {"date": value, "text": format_date(value)}
    if datatype == XSD + "boolean":
        return {"text": "yes" if value in ("true", "1") else "no"}
    tokens = value.split()
    if tokens and all(_IRI.match(t) for t in tokens):  # a list of IRIs (sources, statements)
        return {"refs": [{"iri": t, "label": _label(t, labels)} for t in tokens]}
    return {"text": value}


def _label(iri: str, labels: dict[str, str]) -> str:
    return labels.get(iri) or local_name(iri)


def _iris(rows: list[dict[str, Any]]) -> set[str]:
    """Every IRI on the page: IRI cells and the IRIs of cells that list IRIs."""
    found: set[str] = set()
    for row in rows:
        for term in row.values():
            if term.get("type") == "uri":
                found.add(term["value"])
            elif term.get("type") == "literal":
                tokens = str(term.get("value", "")).split()
                if tokens and all(_IRI.match(t) for t in tokens):
                    found.update(tokens)
    return found


async def _labels(request: Request, iris: set[str]) -> dict[str, str]:
    """Labels of ``iris`` (a named graph's: its source's title), English or untagged first."""
    terms = []
    for iri in sorted(iris):
        try:
            terms.append(str(ox.NamedNode(iri)))
        except ValueError:
            continue  # a string that only looks like an IRI keeps its text
    if not terms:
        return {}
    state = state_of(request)
    text = read_sparql("govkg.api.http", "queries", "question_labels.rq")
    query = text.replace("VALUES ?s { }", "VALUES ?s { " + " ".join(terms) + " }", 1)
    outcome = await state.pool.run(Job(kind="rows", query=query), state.settings.query_timeout)
    found: dict[str, tuple[int, str]] = {}
    for row in outcome.rows:
        iri = row["s"]["value"]
        term = row.get("sourceTitle") or row.get("label")
        if term is None:
            continue
        # a named graph reads as its source's title; English or untagged over other languages
        rank = (0 if "sourceTitle" in row else 2) + (0 if term.get("xml:lang", "en") == "en" else 1)
        if iri not in found or rank < found[iri][0]:
            found[iri] = (rank, term["value"])
    return {iri: label for iri, (_, label) in found.items()}


def _form(question: Any, used: dict[str, str]) -> list[dict[str, Any]]:
    """One control per parameter, typed by its kind, holding the value the answer used."""
    controls = []
    for p in question.params:
        value = used.get(p.name, "")
        if p.type in ("entity", "concept") and value.startswith(("http://", "https://")):
            value = value.rstrip("/").rsplit("/", 1)[-1]  # the id the user typed, not the IRI
        control: dict[str, Any] = {
            "name": p.name,
            "label": p.name.replace("_", " "),
            "help": p.help,
            "value": value,
            "required": p.required,
            "type": p.type,
        }
        if p.type == "choice":
            control["options"] = list(p.choices)
        elif p.type == "boolean":
            control["options"] = ["true", "false"]
        if not p.required and p.default is None and "options" in control:
            control["options"] = ["", *control["options"]]
        controls.append(control)
    return controls


def _asked(question: Any, used: dict[str, str]) -> list[dict[str, Any]]:
    """The parameter values the answer used, the time model's first, as people read them."""
    names = [p.name for p in question.params]
    order = [n for n in TIME_MODEL if n in names] + [n for n in names if n not in TIME_MODEL]
    types = {p.name: p.type for p in question.params}
    out = []
    for n in order:
        if n not in used:
            continue
        value = used[n]
        text = format_date(value) if types[n] == "date" else value
        if types[n] == "boolean":
            text = "yes" if value == "true" else "no"
        label = n.replace("_", " ")
        out.append(
            {"name": n, "label": label, "text": text, "value": value, "date": types[n] == "date"}
        )
    return out
