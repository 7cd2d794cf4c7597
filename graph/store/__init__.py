"""The storage layer: one typed interface (:class:`Backend`) and its two adapters.

Everything above this package talks to a :class:`Backend` and cannot tell whether it holds the
embedded Oxigraph store (:mod:`govkg.graph.store.embedded`) or a SPARQL 1.1 server reached over
the standard protocols (:mod:`govkg.graph.store.remote`). Nothing outside this package touches
pyoxigraph's ``Store`` or builds protocol requests.
"""
