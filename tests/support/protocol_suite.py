"""Interpret the W3C SPARQL 1.1 Protocol manifest (HTTP requests described in RDF).

Why an interpreter and not hand-written requests: the manifest encodes each request (method,
path, headers, body and its encoding) and the expected response (status class, result format,
ASK answer) as data, so running it as written keeps the check honest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.query import Result
from support.sparql_suite import AUTH, SUITE, as_ntriples

MANIFEST = SUITE / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


@dataclass
class Request:
    """One HTTP request of a protocol test with what its response must look like."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]
    fmt: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    """A protocol test: graphs to load, then requests in order."""

    id: str
    graphs: list[tuple[str, Path]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)


def load_protocol_tests() -> list[ProtocolTest]:
    """Every test of the protocol manifest, in order."""
    g = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(g.subjects(MF.entries, None))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        test = ProtocolTest(id="protocol/" + str(entry).rsplit("#", 1)[-1])
        for gd in g.objects(entry, UT.graphData):
            test.graphs.append((str(g.value(gd, RDFS.label)), Path(str(g.value(gd, UT.graph))[7:])))
        action = g.value(entry, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            if g.value(req, HT.headers) is not None:
                for h in Collection(g, g.value(req, HT.headers)):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body_node = g.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding)
            resp = g.value(req, HT.resp)
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            test.requests.append(
                Request(
                    method=str(g.value(req, HT.methodName)),
                    path=str(g.value(req, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=[
                        str(s).rsplit("#", 1)[-1] for s in g.objects(resp, MF.expectedStatus)
                    ],
                    fmt=None if fmt is None else str(fmt),
                    boolean=None if boolean is None else bool(boolean.toPython()),
                )
            )
        tests.append(test)
    return tests


def _status_ok(status: int, expected: list[str]) -> bool:
    for name in expected:
        if name.startswith("StatusCode") and name.endswith("xx"):
            if status // 100 == int(name[len("StatusCode")]):
                return True
        elif name.isdigit() and int(name) == status:
            return True
    return not expected


def check_request(client: httpx.Client, base: str, req: Request) -> str | None:
    """Send one request; None when the response is as the manifest says, else why not."""
    path = req.path.replace("/sparql/", "/sparql", 1)
    headers = {**req.headers, **AUTH}
    resp = client.request(req.method, base + path, headers=headers, content=req.body)
    if not _status_ok(resp.status_code, req.statuses):
        return f"{req.method} {req.path[:60]}: status {resp.status_code}, expected {req.statuses}"
    media = resp.headers.get("content-type", "").split(";")[0].strip()
    if req.fmt in ("boolean", "tabular"):
        if media not in RESULT_TYPES:
            return f"result media type {media!r} is not a SPARQL results format"
        result = Result.parse(io.BytesIO(resp.content), format=RESULT_TYPES[media])
        if req.fmt == "boolean" and req.boolean is not None and result.askAnswer != req.boolean:
            return f"ASK answered {result.askAnswer}, expected {req.boolean}"
    elif req.fmt == "RDF":
        if media not in RDF_TYPES:
            return f"media type {media!r} is not an RDF format"
        Graph().parse(data=resp.text, format=RDF_TYPES[media])
    return None


def run_protocol_test(client: httpx.Client, base: str, test: ProtocolTest) -> list[str]:
    """Load the test's graphs, run its requests; the list of problems (empty when it passes)."""
    client.post(f"{base}/sparql", data={"update": "DROP ALL"}, headers=AUTH).raise_for_status()
    for name, path in test.graphs:
        client.put(
            f"{base}/rdf-graphs",
            params={"graph": name},
            content=as_ntriples(path),
            headers={**AUTH, "Content-Type": "application/n-triples"},
        ).raise_for_status()
    problems = []
    for req in test.requests:
        problem = check_request(client, base, req)
        if problem:
            problems.append(problem)
    return problems
