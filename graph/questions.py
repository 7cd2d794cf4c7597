"""Named questions: SPARQL files in ``graph/queries/`` that users ask by name.

Why named questions: a researcher should be able to ask ``govkg ask open-weights-without-review
--param as_of=2025-01-01`` without writing SPARQL, and the HTTP API and the CLI must give the
same answer to the same question. Each ``.rq`` file starts with a header of ``#`` comments::

    # title: Open-weights models without pre-deployment review
    # description: Models whose weights are open ... (further ``#`` lines continue it)
    # param: as_of | date | today | Only models released on or before this date count.

An optional ``# hidden: as_of include_derivatives`` line names parameters that are dropped
from the answer's columns (pure filters); parameters that are also natural columns (the
``developer`` of ``models-by-developer``) stay visible.

A ``param`` line has four ``|``-separated fields: name, type, default and help. Types are
``date`` (``YYYY-MM-DD``; default ``today``), ``boolean``, ``integer``, ``string``, ``iri``,
``entity`` (a govkg id such as ``meta``, made into ``ontology.entity_iri(id)``) and ``concept``
(a concept id such as ``signed``, made into ``ontology.concept_iri(id)``). The default
``required`` makes a parameter mandatory; ``-`` leaves it unbound when not given (the question
then covers every value).

Parameters are bound by the engine through pyoxigraph ``substitutions`` (SEP-0007), never by
formatting text into the query. Oxigraph only substitutes variables that the outer ``SELECT``
projects, so every question projects its parameters (in aggregates, via ``GROUP BY``).
Substitutions do not reach inside sub-queries, so questions filter on parameters only in the
outer query.

Paging: every question ends with an ``ORDER BY`` that orders its rows totally (tie-breakers on
the grouping keys), so ``LIMIT``/``OFFSET`` appended to its text by :func:`run_question` give
pages that concatenate to the full answer. The engine pages; Python never slices a full answer.
The answer's one JSON shape (CLI ``--format json`` and HTTP ``application/json`` alike) is
:meth:`QuestionResult.to_json_obj`.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.errors import DataValidationError, NotFoundError, ParameterError, Problem
from govkg.graph.results import ResultTable, column_kinds
from govkg.graph.store.backend import Backend, solutions
from govkg.ontology import PREFIXES, concept_iri, entity_iri
from govkg.ontology.sparql_files import header_fields, sparql_files

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("date", "boolean", "integer", "string", "iri", "entity", "concept", "choice")
#: ``choice(a,b,...)``: one of a fixed list of words, bound as a plain string (issue 14:
#: ``certainty`` is ``choice(certain,possible)``).
_CHOICE = re.compile(r"^choice\(([a-z0-9_,\-\s]+)\)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}
#: Request words that page an answer; no question may name a parameter so.
PAGING_WORDS = ("limit", "offset", "total")


@dataclass(frozen=True)
class Param:
    """One parameter of a named question."""

    name: str
    type: str
    default: str | None
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        """``name (type, default X)`` for listings and error messages."""
        if self.required:
            extra = "required"
        elif self.default is None:
            extra = "optional"
        else:
            extra = f"default {self.default}"
        kind = f"one of {', '.join(self.choices)}" if self.choices else self.type
        return f"{self.name} ({kind}, {extra})"


@dataclass(frozen=True)
class Question:
    """A named question: its SPARQL text and the header describing it."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    path: Path | Traversable
    hidden: tuple[str, ...] = ()

    def param(self, name: str) -> Param:
        """The parameter called ``name``, or :class:`ParameterError` with the known ones."""
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        close = difflib.get_close_matches(name, [p.name for p in self.params], n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ParameterError(
            f"question {self.name!r} has no parameter {name!r} (its parameters: {known}){hint}"
        )


@dataclass
class QuestionResult(ResultTable):
    """The answer to a named question (or one page of it) plus what was asked.

    ``limit`` is ``None`` for the whole answer; ``next_offset`` is the offset of the next page
    while more rows exist; ``total`` (the full answer's row count) only when asked for.
    """

    question: str = ""
    params: dict[str, str] = field(default_factory=dict)
    limit: int | None = None
    offset: int = 0
    next_offset: int | None = None
    total: int | None = None

    def to_json_obj(self) -> dict:
        """The one JSON answer shape of a named question, for the CLI and HTTP alike.

        ``question``; ``params`` (every parameter bound, defaults included, as the bound term's
        value: an entity id becomes its IRI); ``columns``; ``kinds`` (per column ``iri``,
        ``string``, ``date``, ``integer``, ``number``, ``boolean``, ``blank``, ``mixed``, or
        ``null`` when never bound in these rows: what plain values cannot say); ``rows`` of plain
        JSON values (``{column: value}``, dates as ISO text, ``null`` when unbound);
        ``limit`` (``null``: the whole answer), ``offset``, ``next_offset`` (``null`` on the
        last page) and, when asked for, ``total``.
        """
        obj: dict = {
            "question": self.question,
            "params": dict(self.params),
            "columns": list(self.columns),
            "kinds": column_kinds(self.columns, self.terms),
            "rows": super().to_json_obj()["rows"],
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": self.next_offset,
        }
        if self.total is not None:
            obj["total"] = self.total
        return obj


def page_bounds(limit: object = None, offset: object = None) -> tuple[int | None, int]:
    """Check ``limit`` and ``offset`` (text from a URL or the CLI, or ints) and return them.

    >>> page_bounds("10", None)
    (10, 0)
    >>> page_bounds(None, "-1")
    Traceback (most recent call last):
    ...
    govkg.graph.errors.ParameterError: offset must be an integer of 0 or more, got '-1'
    """
    return _count("limit", limit), _count("offset", offset) or 0


def _count(name: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not re.fullmatch(r"\+?\d{1,18}", str(value).strip()):
        raise ParameterError(f"{name} must be an integer of 0 or more, got {str(value)!r}")
    return int(str(value).strip())


def want_total(value: object) -> bool:
    """``total=true|false`` (also yes/no, 1/0) as a bool; :class:`ParameterError` otherwise."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text == "":
        return True
    if text in _FALSE:
        return False
    raise ParameterError(f"total must be true or false, got {str(value)!r}")


@dataclass
class Header:
    """The parsed comment header of a ``.rq`` file."""

    title: str
    description: str
    params: list[Param]
    hidden: list[str]


def parse_header(path: Path | Traversable, text: str) -> Header:
    """Read title, description, params and hidden columns from a ``.rq`` file's ``#`` block.

    The block is split into fields by :func:`govkg.ontology.sparql_files.header_fields`, the
    one header parser; other keys (``formulation``, notes) are documentation only.
    """
    title = ""
    description: list[str] = []
    params: list[Param] = []
    hidden: list[str] = []
    for f in header_fields(text):
        if f.key == "title":
            title = f.value
        elif f.key == "description":
            description.append(f.value)
        elif f.key == "param":
            params.append(_parse_param(path, f.line, f.value))
        elif f.key == "hidden":
            hidden.extend(f.value.split())
    if not title:
        raise DataValidationError(
            f"{path.name}: named question has no '# title:' line",
            problems=[Problem("missing '# title:' header", file=str(path), line=1)],
        )
    reserved = [p.name for p in params if p.name in PAGING_WORDS]
    if reserved:
        raise DataValidationError(
            f"{path.name}: parameter {reserved[0]!r} is reserved for paging",
            problems=[Problem("reserved parameter name", file=str(path), field=reserved[0])],
        )
    unknown = [h for h in hidden if h not in {p.name for p in params}]
    if unknown:
        raise DataValidationError(
            f"{path.name}: '# hidden:' names unknown parameters: {', '.join(unknown)}",
            problems=[Problem("unknown hidden parameter", file=str(path), field=unknown[0])],
        )
    return Header(title, " ".join(description), params, hidden)


def _parse_param(path: Path | Traversable, lineno: int, value: str) -> Param:
    parts = [p.strip() for p in value.split("|")]
    if len(parts) != 4 or not parts[0]:
        raise DataValidationError(
            f"{path.name}:{lineno}: a param line needs 'name | type | default | help'",
            problems=[Problem("malformed '# param:' line", file=str(path), line=lineno)],
        )
    name, type_, default, help_ = parts
    choices: tuple[str, ...] = ()
    if m := _CHOICE.match(type_):
        type_, choices = "choice", tuple(c.strip() for c in m.group(1).split(",") if c.strip())
    if type_ not in PARAM_TYPES or (type_ == "choice" and not choices):
        raise DataValidationError(
            f"{path.name}:{lineno}: parameter {name!r} has unknown type {type_!r}",
            problems=[
                Problem(
                    f"unknown type {type_!r}; expected one of {', '.join(PARAM_TYPES)}",
                    file=str(path),
                    line=lineno,
                    field=name,
                )
            ],
        )
    required = default == "required"
    return Param(
        name,
        type_,
        None if default in ("-", "", "required") else default,
        help_,
        required,
        choices,
    )


def load_question(path: Path | Traversable) -> Question:
    """Read one ``.rq`` file into a :class:`Question`."""
    text = path.read_text(encoding="utf-8")
    h = parse_header(path, text)
    stem = path.name.removesuffix(".rq")
    return Question(stem, h.title, h.description, tuple(h.params), text, path, tuple(h.hidden))


def _question_files(directory: Path | None) -> list[Path | Traversable]:
    if directory is None:
        return list(sparql_files("govkg.graph", "queries"))
    return list(sorted(directory.glob("*.rq")))


@functools.cache
def _shipped() -> dict[str, Question]:
    """The questions shipped in ``graph/queries/``, read and parsed once per process.

    Package resources do not change while a process runs, and finding, reading and parsing the
    file on every call was most of govkg's fixed cost per question (docs/benchmarks.md).
    """
    return {q.name: q for q in (load_question(p) for p in _question_files(None))}


def list_questions(directory: Path | None = None) -> list[Question]:
    """Every named question (those shipped in ``graph/queries/``, or in ``directory``), by name."""
    if directory is None:
        return list(_shipped().values())
    return [load_question(p) for p in _question_files(directory)]


def get_question(name: str, directory: Path | None = None) -> Question:
    """The question called ``name``; :class:`NotFoundError` says which names are close."""
    if directory is None:
        found = _shipped()
    else:
        found = {p.name.removesuffix(".rq"): load_question(p) for p in _question_files(directory)}
    if name not in found:
        close = difflib.get_close_matches(name, list(found), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(
            f"no named question {name!r}{hint} (`govkg ask --list` shows all {len(found)})"
        )
    return found[name]


def bind_value(question: Question, param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """Turn the user's text for ``param`` into an RDF term, or raise :class:`ParameterError`."""
    text = value.strip()

    def bad(expected: str) -> ParameterError:
        return ParameterError(
            f"parameter {param.name!r} of {question.name!r} expects {expected}, got {value!r}"
        )

    if param.type == "date":
        if text.lower() == "today":
            return ox.Literal(date.today().isoformat(), datatype=ox.NamedNode(XSD + "date"))
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise bad("a date (YYYY-MM-DD or 'today')") from None
        if len(text) != 10:
            raise bad("a date (YYYY-MM-DD or 'today')")
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if param.type == "boolean":
        if text.lower() in _TRUE:
            return ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
        if text.lower() in _FALSE:
            return ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
        raise bad("a boolean (true or false)")
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise bad("an integer")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "choice":
        if text.lower() not in param.choices:
            raise bad(f"one of {', '.join(param.choices)}")
        return ox.Literal(text.lower())
    if param.type == "iri" or text.startswith(("http://", "https://")):
        # entity / concept params also take a full IRI, for convenience
        if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>\"{}|\\^`]+", text):
            raise bad("an absolute IRI (https://...)")
        try:
            return ox.NamedNode(text)
        except ValueError:
            raise bad("an absolute IRI (https://...)") from None
    if not _ID.match(text):
        raise bad(f"a govkg {param.type} id (lower case letters, digits, '.', '-')")
    make = entity_iri if param.type == "entity" else concept_iri
    return ox.NamedNode(str(make(text)))


def run_question(
    store: Backend,
    name: str,
    params: dict[str, str] | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    total: bool = False,
) -> QuestionResult:
    """Ask the named question with ``params`` (text values) and return its answer.

    With ``limit`` (and ``offset``) the engine returns one page: ``LIMIT limit+1 OFFSET offset``
    is appended to the question's text (the one extra row says whether a next page exists).
    ``total=True`` also counts the full answer (a second, unconverted pass over it, skipped when
    the page itself shows it is the whole answer).
    """
    limit, offset = page_bounds(limit, offset)
    question = get_question(name)
    substitutions, used = bind_params(question, params or {})
    text = paged_text(question, None if limit is None else limit + 1, offset)
    rows = store.query(text, substitutions=substitutions, prefixes=PREFIXES)
    table = ResultTable.from_solutions(solutions(rows), drop=question.hidden)
    terms, next_offset = table.terms, None
    more = limit is not None and len(terms) > limit
    if more:
        # a page of 0 rows (a count with total=True) has no next page: it would be itself
        terms, next_offset = terms[:limit], (offset + limit if limit else None)
    count = None
    if total:
        if not more and (terms or offset == 0):
            count = offset + len(terms)
        else:
            count = count_rows(store, question, substitutions)
    return QuestionResult(
        columns=table.columns,
        terms=terms,
        question=question.name,
        params=used,
        limit=limit,
        offset=offset,
        next_offset=next_offset,
        total=count,
    )


def paged_text(question: Question, limit: int | None, offset: int) -> str:
    """The question's text with ``LIMIT``/``OFFSET`` appended, for the engine to page.

    >>> paged_text(get_question("timeline"), 10, 20).splitlines()[-2:]
    ['LIMIT 10', 'OFFSET 20']
    """
    text = question.sparql
    if limit is not None:
        return f"{text.rstrip()}\nLIMIT {limit}\nOFFSET {offset}\n"
    if offset:
        return f"{text.rstrip()}\nOFFSET {offset}\n"
    return text


def count_rows(
    store: Backend, question: Question, substitutions: dict[str, ox.NamedNode | ox.Literal]
) -> int:
    """The rows of the question's whole answer, counted (not converted): a page's ``total``."""
    full = store.query(question.sparql, substitutions=substitutions, prefixes=PREFIXES)
    return sum(1 for _ in solutions(full))


def bind_params(
    question: Question, given: dict[str, str]
) -> tuple[dict[str, ox.NamedNode | ox.Literal], dict[str, str]]:
    """The engine substitutions for ``given`` (defaults filled in) and the values used."""
    for key in given:
        question.param(key)  # raises for unknown names
    substitutions: dict[str, ox.NamedNode | ox.Literal] = {}
    used: dict[str, str] = {}
    for p in question.params:
        if p.name in given:
            text = given[p.name]
        elif p.required:
            raise ParameterError(
                f"question {question.name!r} needs parameter {p.name!r} ({p.type}): {p.help}"
            )
        elif p.default is not None:
            text = p.default
        else:
            continue
        term = bind_value(question, p, text)
        substitutions[p.name] = term
        used[p.name] = term.value
    return substitutions, used
