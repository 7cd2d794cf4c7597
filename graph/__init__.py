"""The graph layer: curated data, the store, import/export, named questions and analyses.

It depends on :mod:`ontology` only; :mod:`api` and :mod:`viz` build on it.
"""
