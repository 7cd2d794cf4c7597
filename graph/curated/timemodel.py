"""Time-model facts that need every source file: the weights date of a model whose open access
and release date come from different sources.

Why: a model card may say "open weights" without a date while the developer's blog post dates
the release without naming the weights. Read together, the weights were published with the
release (the rule a curator states by writing ``weights:`` and ``date:`` on one statement), so
the release date becomes ``gk:weightsAvailableFrom`` in the graph of the source that dates it;
``known_as_of`` then treats it as known when that source was published. A model with its own
weights date (``weights_available``, or an open release with a date) is left alone, so an API
release followed by a later weights release (Grok-2, Phi-4) keeps the later date. ``govkg
validate`` lints the models this rule has to fill in, so a curator can confirm them.
"""

from __future__ import annotations

from govkg.graph.curated.output import Output
from govkg.ontology import GK, GKC
from rdflib import URIRef


def emit_weights_fallback(out: Output) -> int:
    """Add the release date as weights date for open models without one; return how many."""
    open_models, dated = set(), set()
    releases = []
    for s, p, o, g in out.quads:
        if p == GK.weightsAccess and str(o).startswith(str(GKC) + "open-weights"):
            open_models.add(s)
        elif p == GK.weightsAvailableFrom:
            dated.add(s)
        elif p in (GK.releaseDate, GK.releaseDateLatest):
            releases.append((s, p, o, g))
    todo = open_models - dated
    latest = {
        GK.releaseDate: GK.weightsAvailableFrom,
        GK.releaseDateLatest: GK.weightsAvailableFromLatest,
    }
    for s, p, o, g in releases:
        if s in todo:
            out.add(g, s, latest[URIRef(str(p))], o)
    return len({s for s, *_ in releases if s in todo})
