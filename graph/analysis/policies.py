"""Hypothetical oversight rules that what-if scenarios switch on: licensing and exemptions.

Why they are rules and not graph statements: a licensing law does not name the models it
covers; it covers whatever meets its criteria on the day. So the rule is evaluated per model by
:mod:`govkg.graph.analysis.coverage`, while a scenario's concrete facts (an agreement, a signature)
are added to a copy of the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx
from govkg.graph.analysis.build import OPEN_WEIGHTS_CONCEPTS
from govkg.graph.analysis.schema import DEVELOPED_BY, out_targets


@dataclass(frozen=True)
class Licensing:
    """A hypothetical licensing regime: covered models are ``licensed`` from ``effective`` on.

    A model falls under it when one of its developers is in ``developers`` (IRIs) or its
    parameter count (node attribute ``parameter_count`` or ``parameters``) is at least
    ``min_parameters``. Models whose count is unknown match only through their developer.
    """

    label: str
    effective: date
    developers: frozenset[str] = frozenset()
    min_parameters: float | None = None

    def covers(self, graph: nx.MultiDiGraph, model: str, day: date) -> bool:
        """Whether the regime is in effect on ``day`` and reaches ``model``."""
        if day < self.effective:
            return False
        if self.developers & set(out_targets(graph, model, DEVELOPED_BY)):
            return True
        data = graph.nodes[model]
        count = data.get("parameter_count", data.get("parameters"))
        try:
            return self.min_parameters is not None and float(count) >= self.min_parameters
        except (TypeError, ValueError):
            return False


@dataclass(frozen=True)
class Exemption:
    """A hypothetical carve-out: open-weights models leave the regime from ``effective`` on."""

    label: str
    effective: date | None = None

    def exempts(self, graph: nx.MultiDiGraph, model: str, day: date) -> bool:
        """Whether the exemption is in effect on ``day`` and ``model`` has open weights."""
        return (self.effective is None or day >= self.effective) and is_open(graph, model)


Policy = Licensing | Exemption


def is_open(graph: nx.MultiDiGraph, model: str) -> bool:
    """Whether the model's weights are open (``open_weights``, else its weights-access id)."""
    data = graph.nodes[model]
    if "open_weights" in data:
        return bool(data["open_weights"])
    return data.get("weights_access") in OPEN_WEIGHTS_CONCEPTS
