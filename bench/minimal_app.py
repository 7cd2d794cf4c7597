"""The anchor for the HTTP benchmark: the smallest sensible FastAPI app over pyoxigraph.

What a developer would write in ten minutes to put an Oxigraph store behind ``/sparql``: one
synchronous handler (FastAPI runs it in its threadpool, and pyoxigraph releases the GIL while it
evaluates), the store opened read-only, the union of the named graphs as the default graph, and
SPARQL JSON results serialised by pyoxigraph. No time limit, no result cap, no worker processes:
govkg's safety features are what it has to be compared against.

    .venv/bin/python bench/minimal_app.py --store var/store --port 8001
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI, Query, Response


def create(store_path: Path) -> FastAPI:
    """The app serving ``GET /sparql?query=...`` over the store at ``store_path``."""
    store = ox.Store.read_only(str(store_path))
    app = FastAPI()

    @app.get("/sparql")
    def sparql(query: str = Query(...)) -> Response:
        result = store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            body = result.serialize(format=ox.RdfFormat.N_TRIPLES)
            return Response(body, media_type="application/n-triples")
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, media_type="application/sparql-results+json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    uvicorn.run(create(args.store), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
