"""Colours, shapes and legend entries per node class, coverage verdict and scenario change.

Kept in one table so the page, the legend and the docs agree: a reader learns once that a red
ring means "no review covers this model" and sees the same mark everywhere. Classes are grouped
(organisations, models, instruments, statements, sources) so related kinds share a shape and
differ by colour; the palette is colour-blind-friendly-ish (Okabe–Ito based) and each group has
a distinct shape, so shape alone still tells the groups apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindStyle:
    """How one node class is drawn and named in the legend."""

    colour: str
    shape: str
    group: str


_ORG = "dot"
_MODEL = "diamond"
_INSTRUMENT = "square"
_STATEMENT = "triangle"
_SOURCE = "star"  # label-outside shapes only: "box"/"ellipse" grow with their label

#: Node class (projection ``kind``) -> style. Unknown kinds fall back to ``DEFAULT_STYLE``.
KIND_STYLES: dict[str, KindStyle] = {
    "AIDeveloper": KindStyle("#0072B2", _ORG, "Organisations"),
    "Company": KindStyle("#56B4E9", _ORG, "Organisations"),
    "Agency": KindStyle("#009E73", _ORG, "Organisations"),
    "ExecutiveOffice": KindStyle("#006B4F", _ORG, "Organisations"),
    "Legislature": KindStyle("#7FC97F", _ORG, "Organisations"),
    "GovernmentBody": KindStyle("#3CB371", _ORG, "Organisations"),
    "IntergovernmentalBody": KindStyle("#2E8B8B", _ORG, "Organisations"),
    "IndustryBody": KindStyle("#8DA0CB", _ORG, "Organisations"),
    "Publisher": KindStyle("#A6A6A6", _ORG, "Organisations"),
    "Organisation": KindStyle("#7F9FBF", _ORG, "Organisations"),
    "Person": KindStyle("#CC79A7", "triangleDown", "People and places"),
    "Jurisdiction": KindStyle("#B8860B", "hexagon", "People and places"),
    "AIModel": KindStyle("#E69F00", _MODEL, "Models"),
    "ModelFamily": KindStyle("#F0C05A", _MODEL, "Models"),
    "ModelRelease": KindStyle("#FFD98A", _MODEL, "Models"),
    "VoluntaryCommitment": KindStyle("#9467BD", _INSTRUMENT, "Instruments"),
    "CodeOfPractice": KindStyle("#B39DDB", _INSTRUMENT, "Instruments"),
    "Agreement": KindStyle("#6A3D9A", _INSTRUMENT, "Instruments"),
    "TestingAgreement": KindStyle("#5B2C83", _INSTRUMENT, "Instruments"),
    "Declaration": KindStyle("#C5B0D5", _INSTRUMENT, "Instruments"),
    "Framework": KindStyle("#8E7CC3", _INSTRUMENT, "Instruments"),
    "Law": KindStyle("#800000", _INSTRUMENT, "Instruments"),
    "Bill": KindStyle("#B05A5A", _INSTRUMENT, "Instruments"),
    "ExecutiveOrder": KindStyle("#A0522D", _INSTRUMENT, "Instruments"),
    "PolicyDocument": KindStyle("#C49C94", _INSTRUMENT, "Instruments"),
    "GovernanceInstrument": KindStyle("#9C8AA5", _INSTRUMENT, "Instruments"),
    "Participation": KindStyle("#17BECF", _STATEMENT, "Statements"),
    "ModelEvaluation": KindStyle("#2CA02C", _STATEMENT, "Statements"),
    "RegulatoryAction": KindStyle("#D55E00", _STATEMENT, "Statements"),
    "StanceAttribution": KindStyle("#E377C2", _STATEMENT, "Statements"),
    "Claim": KindStyle("#BCBD22", _STATEMENT, "Statements"),
    "Scenario": KindStyle("#7F7F7F", _STATEMENT, "Statements"),
    "OrganisationChange": KindStyle("#AEC7E8", _STATEMENT, "Statements"),
    "Statement": KindStyle("#98DF8A", _STATEMENT, "Statements"),
    "Source": KindStyle("#555555", _SOURCE, "Sources"),
    "SourceGraph": KindStyle("#777777", _SOURCE, "Sources"),
    "Concept": KindStyle("#BBBBBB", "dot", "Concepts"),
}

DEFAULT_STYLE = KindStyle("#999999", "dot", "Other")

#: Coverage verdict -> ring colour. Uncovered models get the loudest mark (thick red ring and a
#: red fill) because finding them is the point of the coverage view.
COVERAGE_BORDERS: dict[str, str] = {
    "reviewed": "#2CA02C",
    "agreement": "#1F77B4",
    "inherited": "#FF9F1C",
    "uncovered": "#D62728",
}
UNCOVERED_FILL = "#FF6B6B"

#: Scenario diff status -> colour used for nodes and edges on the scenario page.
CHANGE_COLOURS: dict[str, str] = {
    "added": "#2CA02C",
    "removed": "#D62728",
    "changed": "#FF9F1C",
    "same": "#B0B0B0",
}

EDGE_COLOUR = "#8C8C8C"


def style_for(kind: str | None) -> KindStyle:
    """The style of a node class, falling back to a neutral grey dot for unknown classes."""
    return KIND_STYLES.get(kind or "", DEFAULT_STYLE)


def coverage_key(verdict: str) -> str:
    """Normalise a coverage verdict to a legend key.

    The analysis reports agreement coverage with a suffix (``agreement:<instrument>``-style), so
    anything that starts with ``agreement`` shares one colour.
    """
    verdict = verdict.strip().lower()
    return "agreement" if verdict.startswith("agreement") else verdict


def legend(kinds: set[str]) -> list[dict[str, str]]:
    """Legend rows (kind, colour, shape, group) for the kinds present, in group order."""
    order = {name: i for i, name in enumerate(KIND_STYLES)}
    rows = []
    for kind in sorted(kinds, key=lambda k: (order.get(k, len(order)), k)):
        s = style_for(kind)
        rows.append({"kind": kind, "colour": s.colour, "shape": s.shape, "group": s.group})
    return rows
