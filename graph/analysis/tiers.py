"""The two-tier report: models split into the regulated/closed and unregulated/open tiers.

The founding article foresees a two-tier landscape: closed models from developers that accept
government review on one side, open-weights models outside any review on the other. This module
measures it from a coverage report: the *regulated* tier holds every model whose verdict is in
:data:`~govkg.graph.analysis.coverage.REGULATED_VERDICTS` (reviewed, covered by an agreement,
licensed, or inheriting a review through its lineage); the *unregulated* tier holds the
``uncovered`` and ``exempt`` ones. Each tier also says how many of its models have open weights,
so the report shows how far "regulated" and "closed" coincide.
"""

from __future__ import annotations

from dataclasses import dataclass

from govkg.graph.analysis.coverage import REGULATED_VERDICTS, CoverageReport


@dataclass
class Tier:
    """One tier: its models, and how many of them have open or closed weights."""

    name: str
    count: int
    open_weights: int
    closed: int
    members: list[str]

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return dict(self.__dict__)


@dataclass
class TwoTierReport:
    """The regulated and unregulated tiers on one day."""

    as_of: str
    regulated: Tier
    unregulated: Tier

    @property
    def alignment(self) -> float:
        """Share of models where the tier matches the weights (regulated↔closed, unregulated↔open).

        1.0 is the article's clean split; 0.5 means tier and openness are unrelated.
        """
        total = self.regulated.count + self.unregulated.count
        matched = self.regulated.closed + self.unregulated.open_weights
        return matched / total if total else 0.0

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "as_of": self.as_of,
            "regulated": self.regulated.as_dict(),
            "unregulated": self.unregulated.as_dict(),
            "alignment": self.alignment,
        }


def two_tier(report: CoverageReport) -> TwoTierReport:
    """Partition a coverage report's models into the regulated and unregulated tiers.

    Examples
    --------
    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_evaluation, add_model
    >>> from govkg.graph.analysis.coverage import coverage
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "aisi", "Agency", "AISI")
    >>> _ = add_model(g, "gpt", "GPT", developer="openai", weights_access="api-access",
    ...               release_date="2024-05-13")
    >>> _ = add_model(g, "llama", "Llama", developer="meta", release_date="2024-07-23",
    ...               weights_access="open-weights-restricted")
    >>> _ = add_evaluation(g, "ev", "gpt", ["aisi"])
    >>> tiers = two_tier(coverage(g, "2025-01-01"))
    >>> tiers.regulated.members, tiers.unregulated.members, tiers.alignment
    (['GPT'], ['Llama'], 1.0)
    """
    regulated = [m for m in report.models if m.verdict in REGULATED_VERDICTS]
    unregulated = [m for m in report.models if m.verdict not in REGULATED_VERDICTS]

    def tier(name: str, models: list) -> Tier:
        opened = sum(1 for m in models if m.open_weights)
        return Tier(name, len(models), opened, len(models) - opened, [m.label for m in models])

    return TwoTierReport(
        report.as_of, tier("regulated", regulated), tier("unregulated", unregulated)
    )
