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
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.errors import DataValidationError, NotFoundError, ParameterError, Problem
from govkg.graph.results import ResultTable
from govkg.graph.store.backend import Backend, solutions
from govkg.ontology import PREFIXES, concept_iri, entity_iri
from govkg.ontology.sparql_files import header_fields, sparql_files

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("date", "boolean", "integer", "string", "iri", "entity", "concept")
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


@dataclass(frozen=True)
class Param:
    """One parameter of a named question."""

    name: str
    type: str
    default: str | None
    help: str
    required: bool = False

    def describe(self) -> str:
        """``name (type, default X)`` for listings and error messages."""
        if self.required:
            extra = "required"
        elif self.default is None:
            extra = "optional"
        else:
            extra = f"default {self.default}"
        return f"{self.name} ({self.type}, {extra})"


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
    """The answer to a named question: a :class:`ResultTable` plus what was asked."""

    question: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def to_json_obj(self) -> dict:
        """JSON-ready dict: question, parameters used, columns and rows."""
        obj = super().to_json_obj()
        return {"question": self.question, "params": dict(self.params), **obj}


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
    if type_ not in PARAM_TYPES:
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
        name, type_, None if default in ("-", "", "required") else default, help_, required
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


def list_questions(directory: Path | None = None) -> list[Question]:
    """Every named question (those shipped in ``graph/queries/``, or in ``directory``), by name."""
    return [load_question(p) for p in _question_files(directory)]


def get_question(name: str, directory: Path | None = None) -> Question:
    """The question called ``name``; :class:`NotFoundError` says which names are close."""
    files = {p.name.removesuffix(".rq"): p for p in _question_files(directory)}
    if name not in files:
        close = difflib.get_close_matches(name, list(files), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(
            f"no named question {name!r}{hint} (`govkg ask --list` shows all {len(files)})"
        )
    return load_question(files[name])


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


def run_question(store: Backend, name: str, params: dict[str, str] | None = None) -> QuestionResult:
    """Ask the named question with ``params`` (text values) and return its answer."""
    question = get_question(name)
    given = dict(params or {})
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
    rows = store.query(question.sparql, substitutions=substitutions, prefixes=PREFIXES)
    table = ResultTable.from_solutions(solutions(rows), drop=question.hidden)
    return QuestionResult(
        columns=table.columns, terms=table.terms, question=question.name, params=used
    )
