"""The incremental SHACL gate for writes into govkg's curated graphs.

Why a package: the gate has three separate concerns, each small enough to reason about alone:
what a write changes (:mod:`.delta`), which data a node's verdict depends on under
``ontology/shapes.ttl`` (:mod:`.scope`), and validating only the nodes a change can reach
(:mod:`.incremental`). See ``docs/http-api.md`` ("The SHACL gate") for the rule it enforces.
"""
