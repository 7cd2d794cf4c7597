"""Importers for real public data sets: Epoch AI's ML systems and Stanford's Ecosystem Graphs.

Each import writes one named graph (``graph/import-epoch``, ``graph/import-ecosystem-graphs``)
with its provenance, merging names into curated entities where the rules in
``docs/importers.md`` allow, and returns an :class:`ImportReport`.
"""

from govkg.graph.importers.ecosystem_graphs import import_ecosystem_graphs
from govkg.graph.importers.epoch import import_epoch
from govkg.graph.importers.report import Ambiguity, ImportReport

__all__ = ["Ambiguity", "ImportReport", "import_ecosystem_graphs", "import_epoch"]
