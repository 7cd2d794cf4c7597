"""Run W3C SPARQL 1.1 query-evaluation tests through govkg's HTTP API.

Why over HTTP: the suite must judge the endpoint users meet (protocol parsing, negotiation,
serialisers, dataset handling), not the engine underneath. Each test's data is loaded with the
API itself (SPARQL Update ``DROP ALL`` and Graph Store PUTs with the token); results are parsed
with rdflib and compared as multisets with blank nodes matched up to renaming, graphs up to
isomorphism.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.query import Result

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SUITE = SHARED / "conformance" / "sparql" / "sparql11"
CATEGORIES = [
    "aggregates",
    "bind",
    "bindings",
    "cast",
    "construct",
    "csv-tsv-res",
    "exists",
    "functions",
    "grouping",
    "json-res",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
]
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
EVAL_TYPES = {MF.QueryEvaluationTest, MF.CSVResultFormatTest}
TOKEN = "conformance-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class EvalTest:
    """One query-evaluation test from a manifest."""

    id: str
    query: Path
    result: Path
    csv: bool
    data: list[Path] = field(default_factory=list)
    graph_data: list[tuple[str, Path]] = field(default_factory=list)


def _path(term: object) -> Path:
    return Path(str(term).removeprefix("file://"))


def load_tests() -> list[EvalTest]:
    """Every QueryEvaluationTest/CSVResultFormatTest of the listed categories, in order."""
    tests = []
    for category in CATEGORIES:
        manifest = SUITE / category / "manifest.ttl"
        g = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for m in g.subjects(MF.entries, None):
            for entry in Collection(g, g.value(m, MF.entries)):
                if g.value(entry, RDF.type) not in EVAL_TYPES:
                    continue
                action = g.value(entry, MF.action)
                test = EvalTest(
                    id=f"{category}/{str(entry).rsplit('#', 1)[-1]}",
                    query=_path(g.value(action, QT.query)),
                    result=_path(g.value(entry, MF.result)),
                    csv=g.value(entry, RDF.type) == MF.CSVResultFormatTest,
                    data=[_path(d) for d in g.objects(action, QT.data)],
                )
                for gd in g.objects(action, QT.graphData):
                    if isinstance(gd, BNode):
                        file = g.value(gd, QT.graph)
                        name = str(g.value(gd, RDFS.label) or file)
                        test.graph_data.append((name, _path(file)))
                    else:
                        test.graph_data.append((str(gd), _path(gd)))
                tests.append(test)
    return tests


def as_ntriples(path: Path) -> bytes:
    """A data file as N-Triples (relative IRIs resolved against the file's own IRI)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(path), format=fmt, base_iri=path.as_uri())
    ]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def load_data(client: httpx.Client, base: str, test: EvalTest) -> None:
    """Replace the server's whole dataset with the test's data, through the API."""
    resp = client.post(f"{base}/sparql", data={"update": "DROP ALL"}, headers=AUTH)
    resp.raise_for_status()
    default = b"".join(as_ntriples(p) for p in test.data)
    headers = {**AUTH, "Content-Type": "application/n-triples"}
    if default:
        client.put(f"{base}/rdf-graphs", params={"default": ""}, content=default, headers=headers)
    for name, path in test.graph_data:
        resp = client.put(
            f"{base}/rdf-graphs", params={"graph": name}, content=as_ntriples(path), headers=headers
        )
        resp.raise_for_status()


# -- result comparison -----------------------------------------------------------------------


def _rows(result: Result, variables: list) -> list[tuple]:
    return [tuple(b.get(v) for v in variables) for b in result.bindings]


def _key(term: object) -> object:
    """Comparison key: typed literals by value (``"1"^^xsd:decimal`` equals ``"1.0"``)."""
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal) and term.datatype is not None:
        value = term.toPython()
        if not isinstance(value, Literal):
            try:
                hash(value)
            except TypeError:
                return term
            return ("value", str(term.datatype), type(value).__name__, value)
    return term


def _shape(row: tuple) -> tuple:
    return tuple(_key(t) for t in row)


def rows_match(got: list[tuple], want: list[tuple], ordered: bool) -> bool:
    """Multiset (or sequence) equality of rows, blank nodes equal up to a consistent renaming."""
    if len(got) != len(want):
        return False
    if Counter(map(_shape, got)) != Counter(map(_shape, want)):
        return False
    if ordered and [_shape(r) for r in got] != [_shape(r) for r in want]:
        return False
    if not any(isinstance(t, BNode) for r in want for t in r):
        return True
    used = [False] * len(got)

    def extend(mapping: dict, a: tuple, b: tuple) -> dict | None:
        new = dict(mapping)
        for x, y in zip(a, b, strict=True):
            if isinstance(y, BNode):
                if new.get(y, x) != x or (y not in new and x in new.values()):
                    return None
                new[y] = x
        return new

    def solve(i: int, mapping: dict) -> bool:
        if i == len(want):
            return True
        for j, row in enumerate(got):
            if used[j] or _shape(row) != _shape(want[i]) or (ordered and j != i):
                continue
            new = extend(mapping, row, want[i])
            if new is not None:
                used[j] = True
                if solve(i + 1, new):
                    return True
                used[j] = False
        return False

    return solve(0, {})


def _expected(test: EvalTest) -> Result | Graph:
    suffix = test.result.suffix
    data = test.result.read_bytes()
    if suffix in (".srx", ".srj", ".csv", ".tsv"):
        fmt = {".srx": "xml", ".srj": "json", ".csv": "csv", ".tsv": "tsv"}[suffix]
        return Result.parse(io.BytesIO(data), format=fmt)
    g = Graph().parse(data=data, format="turtle", publicID=test.result.as_uri())
    if (None, RDF.type, RS.ResultSet) in g:
        return _result_set_graph(g)
    return g


def _result_set_graph(g: Graph) -> Result:
    """Read the DAWG result-set vocabulary (``rs:ResultSet`` in Turtle) into a Result."""
    from rdflib.term import Variable

    rs = next(g.subjects(RDF.type, RS.ResultSet))
    boolean = g.value(rs, RS.boolean)
    if boolean is not None:
        res = Result("ASK")
        res.askAnswer = bool(boolean.toPython())
        return res
    res = Result("SELECT")
    res.vars = [Variable(str(v)) for v in g.objects(rs, RS.resultVariable)]
    bindings = []
    for sol in g.objects(rs, RS.solution):
        row = {}
        for b in g.objects(sol, RS.binding):
            row[Variable(str(g.value(b, RS.variable)))] = g.value(b, RS.value)
        bindings.append(row)
    res.bindings = bindings
    return res


def run_test(client: httpx.Client, base: str, test: EvalTest) -> str | None:
    """Run one test; None when it passes, else a short reason."""
    load_data(client, base, test)
    text = test.query.read_text(encoding="utf-8")
    query = f"BASE <{test.query.as_uri()}>\n{text}"
    want = _expected(test)
    if test.csv:
        accept = "text/csv"
    elif test.result.suffix == ".tsv":
        accept = "text/tab-separated-values"
    else:
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
    resp = client.post(
        f"{base}/sparql",
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    if resp.status_code != 200:
        return f"HTTP {resp.status_code}: {resp.text[:200]}"
    media = resp.headers["content-type"].split(";")[0]
    if media == "application/n-triples":
        got_graph = Graph().parse(data=resp.text, format="nt")
        if not isinstance(want, Graph):
            return "got a graph, expected a result set"
        return None if isomorphic(got_graph, want) else "graph not isomorphic"
    fmt = {"text/csv": "csv", "text/tab-separated-values": "tsv"}.get(media, "json")
    got = Result.parse(io.BytesIO(resp.content), format=fmt)
    if isinstance(want, Graph):
        return "got a result set, expected a graph"
    if want.type == "ASK" or got.type == "ASK":
        return None if got.askAnswer == want.askAnswer else "ASK answer differs"
    variables = list(want.vars or [])
    if {str(v) for v in got.vars or []} != {str(v) for v in variables}:
        return f"variables differ: {got.vars} vs {variables}"
    ordered = "ORDER BY" in text.upper()
    if rows_match(_rows(got, variables), _rows(want, variables), ordered):
        return None
    return "rows differ"


def expected_failures(path: Path) -> dict[str, str]:
    """``id  # reason`` lines of the expected-failures file."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        test_id, _, reason = line.partition("#")
        out[test_id.strip()] = reason.strip()
    return out
