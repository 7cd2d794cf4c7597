"""The HTTP interface: SPARQL 1.1 Protocol, Graph Store Protocol, REST, pages (FastAPI)."""
