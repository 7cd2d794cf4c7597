"""SHACL gate for HTTP writes that change govkg's curated graphs.

The rule: a write that changes any graph under ``https://w3id.org/govkg/graph/`` (the curated
and source graphs) is refused (400, nothing written) when the union of all named graphs,
validated with ``ontology/shapes.ttl``, has violations after the write that it did not have
before. Pre-existing violations do not block unrelated fixes. Writes that touch only other
graphs (scratch data, the W3C suites) skip all this.

How, without copying the store (which made every update at 1M triples take 15-25 s and the
server grow by gigabytes): the write's effect comes from the request itself
(:mod:`govkg.graph.shacl.delta`); only the nodes it can affect are validated, over a small
graph extracted from the store (:mod:`govkg.graph.shacl.incremental`, which explains why the
verdict equals a full run's). Only an update that can write a curated graph through a ``WHERE``
pattern is still rehearsed on an in-memory copy to learn its effect; its validation is then
incremental too.
"""

from __future__ import annotations

from collections.abc import Callable

from govkg.graph.shacl.delta import (
    CURATED_PREFIX,
    NO_CURATED_CHANGE,
    Delta,
    curated,
    in_graph,
    update_delta,
)
from govkg.graph.shacl.incremental import (
    deadline_check,
    new_violations_full,
    new_violations_incremental,
    refuse,
)
from govkg.graph.store.backend import Backend, memory_backend

__all__ = [
    "CURATED_PREFIX",
    "Delta",
    "check_delta",
    "check_update",
    "curated",
    "deadline_check",
    "in_graph",
    "rehearsed_delta",
]


def check_delta(store: Backend, delta: Delta, check: Callable[[], None] = lambda: None) -> None:
    """Refuse (:class:`~govkg.graph.errors.DataValidationError`) a change that adds violations.

    ``store`` is in its state before the write; ``check`` is called between steps so the
    caller's time limit can stop the gate before anything is written.
    """
    if not delta.touches_curated():
        return
    new = new_violations_incremental(store, delta, check)
    if new is None:
        check()
        new = new_violations_full(store, delta)
    refuse(new)


def rehearsed_delta(store: Backend, rehearse: Callable[[Backend], object]) -> Delta:
    """The effect of a write learnt by running it on an in-memory copy (the slow fallback)."""
    current = set(store.quads())
    copy = memory_backend(current)
    rehearse(copy)
    changed = set(copy.quads())
    return Delta(added=changed - current, removed=current - changed)


def check_update(
    store: Backend, text: str, base: str | None, check: Callable[[], None] = lambda: None
) -> None:
    """The gate for a SPARQL Update, before it runs on ``store``."""
    plan = update_delta(text, base)
    if plan == NO_CURATED_CHANGE:
        return
    if isinstance(plan, Delta):
        check_delta(store, plan, check)
        return
    check_delta(store, rehearsed_delta(store, lambda c: c.update(text, base_iri=base)), check)
