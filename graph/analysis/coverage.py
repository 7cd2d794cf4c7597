"""Oversight coverage: for each AI model, does any government oversight reach it, and how?

The founding article's "regulatory gap" made measurable. Each model released on or before
``as_of`` gets one verdict, tried in this order (the first that holds decides):

``reviewed``
    a gk:ModelEvaluation of the model at the pre-deployment stage, dated on or before ``as_of``
    (undated evaluations count: the record says it happened).
``reviewed-post-deployment``
    the same, but the evaluation is post-deployment. When the stage is not recorded it is
    inferred from dates (evaluation before release means pre-deployment) and otherwise taken as
    post-deployment, the weaker claim.
``agreement-at-release`` / ``agreement-after-release``
    not reviewed itself, but a developer of the model is party (participation status in
    :data:`COVERING_STATUSES`) to a gk:TestingAgreement in force on ``as_of``: the participation
    has started (``valid_from`` or ``date``) and not ended (``valid_until``), and the agreement's
    own ``valid_from``/``valid_until`` bracket the day. ``-at-release`` when the same held on
    the model's release date; ``-after-release`` otherwise (the US AISI agreements of 2024 give
    access "prior to and following" release, so earlier models come under them later). A model
    without a release date, or whose developer's participation and agreement are both undated
    (a source that says "has established protocols" without saying since when), cannot be shown
    to be covered at release: ``-after-release``.
``licensed`` (scenarios only)
    a :class:`Licensing` policy in effect on ``as_of`` covers the model, which would otherwise be
    ``inherited`` or ``uncovered``.
``inherited``
    a derivative, through one or more gk:baseModel steps, of a model that is ``reviewed``
    (before its deployment): the ``modified after review`` status of the named question
    ``open-weights-without-review`` and the ``covered`` of the Hub-scale lineage analysis. A base
    evaluated only after its release passes nothing down: its derivatives were made from a model
    nobody had reviewed before it was out. Agreement coverage does not pass down a lineage
    either: an agreement binds a developer, not whoever fine-tunes its models.
``uncovered``
    none of the above.
``exempt`` (scenarios only)
    an :class:`Exemption` in effect takes open-weights models out of the regime whatever their
    verdict would have been.

Models released after ``as_of`` are left out: they did not exist yet. Time model (issue 14),
the same as the named questions ``review-coverage`` and ``open-weights-without-review``: a model
is released on ``as_of`` when a source dates its release (or its weights' availability) with an
interval ending on or before that day (``2024-07`` ends on 2024-07-31); an undated model, or one
whose interval contains ``as_of``, is left out unless ``certainty="possible"``. An evaluation
counts from the end of its testing (``tested_until``), else from its report's date. The verdicts
"reviewed" / "reviewed-post-deployment" / anything else are the questions' *reviewed before
deployment* / *evaluated after deployment only* / *none* (:data:`REVIEW_STATUS`).

References
----------
.. [1] NIST, "U.S. AI Safety Institute Signs Agreements Regarding AI Safety Research, Testing and
   Evaluation With Anthropic and OpenAI", 2024-08-29.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date

import networkx as nx
from govkg.graph.analysis.policies import Exemption, Licensing, Policy, is_open
from govkg.graph.analysis.schema import (
    BASE_MODEL,
    DEPLOYMENT_STAGE,
    DEVELOPED_BY,
    EVALUATED_MODEL,
    EVALUATION,
    INSTRUMENT,
    MODEL,
    PARTICIPANT,
    PARTICIPATION,
    PARTICIPATION_STATUS,
    TESTING_AGREEMENT,
    concept_value,
    day_attr,
    in_sources,
    is_kind,
    label,
    nodes_of_kind,
    out_targets,
    parse_day,
)
from govkg.graph.errors import InputError

#: Every verdict, strongest first.
VERDICTS = (
    "reviewed",
    "reviewed-post-deployment",
    "agreement-at-release",
    "agreement-after-release",
    "licensed",
    "inherited",
    "uncovered",
    "exempt",
)
#: The review-status vocabulary of the named questions, by verdict (others: "none").
REVIEW_STATUS = {
    "reviewed": "reviewed before deployment",
    "reviewed-post-deployment": "evaluated after deployment only",
}
#: Verdicts that put a model in the regulated tier of the two-tier report.
REGULATED_VERDICTS = frozenset(VERDICTS[:6])
#: Participation statuses that make a developer party to an agreement.
COVERING_STATUSES = frozenset({"signed", "participates"})
#: Statuses worth naming when explaining why a developer is not covered.
TELLING_STATUSES = frozenset({"negotiating", "declined", "withdrew", "partially-signed"})


@dataclass
class ModelCoverage:
    """One model's verdict and the nodes that decide it."""

    model: str
    label: str
    verdict: str
    developers: list[str]
    weights_access: str | None
    open_weights: bool
    release_date: str | None
    decided_by: list[str] = field(default_factory=list)
    #: "certain" when released on as_of for sure, "possible" when only maybe (certainty=possible)
    as_of_certainty: str = "certain"

    @property
    def review_status(self) -> str:
        """The questions' vocabulary: reviewed before deployment, evaluated after..., none."""
        return REVIEW_STATUS.get(self.verdict, "none")

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return dict(self.__dict__)


@dataclass
class CoverageReport:
    """Verdicts for every model on ``as_of``, with per-developer and per-access summaries."""

    as_of: str
    models: list[ModelCoverage]
    by_developer: dict[str, dict[str, int]]
    by_weights_access: dict[str, dict[str, int]]
    totals: dict[str, int]

    def verdict(self, model: str) -> str:
        """The verdict of one model (IRI); KeyError when the model is not in the report."""
        for entry in self.models:
            if entry.model == model:
                return entry.verdict
        raise KeyError(model)

    def verdicts(self) -> dict[str, str]:
        """Model IRI → verdict."""
        return {entry.model: entry.verdict for entry in self.models}

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "as_of": self.as_of,
            "totals": self.totals,
            "by_developer": self.by_developer,
            "by_weights_access": self.by_weights_access,
            "models": [m.as_dict() for m in self.models],
        }


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass
class _Link:
    """A developer's participation in a testing agreement, with its dates."""

    participation: str
    agreement: str
    status: str | None
    start: date | None
    end: date | None
    agreement_from: date | None
    agreement_until: date | None

    def holds(self, day: date) -> bool:
        return (
            self.status in COVERING_STATUSES
            and _within(day, self.start, self.end)
            and _within(day, self.agreement_from, self.agreement_until)
        )


class Assessor:
    """Verdicts for one graph, day and set of policies, lookups cached (shared with explain)."""

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        day: date,
        policies: tuple[Policy, ...],
        certainty: str = "certain",
    ) -> None:
        if certainty not in ("certain", "possible"):
            raise InputError(f"certainty must be 'certain' or 'possible', got {certainty!r}")
        self.graph = graph
        self.day = day
        self.certainty = certainty
        self.policies = policies
        self._links: dict[str, list[_Link]] = {}
        self._review: dict[str, tuple[str, str] | None] = {}
        self._check_statuses()

    def _check_statuses(self) -> None:
        """Refuse a projection that dropped participation statuses: every verdict would lie."""
        participations = nodes_of_kind(self.graph, PARTICIPATION)
        if participations and all(
            concept_value(self.graph, p, PARTICIPATION_STATUS) is None for p in participations
        ):
            raise InputError(
                "coverage needs participation statuses, but no Participation node has one: "
                "project the store with include_concepts=True"
            )

    # -- the model's own review ------------------------------------------------------------

    def review(self, model: str) -> tuple[str, str] | None:
        """(verdict, evaluation node) for the strongest review of ``model`` by ``day``."""
        if model in self._review:
            return self._review[model]
        best: tuple[str, str] | None = None
        release = day_attr(self.graph, model, "release_date")
        for evaluation in in_sources(self.graph, model, EVALUATED_MODEL):
            if not is_kind(self.graph, evaluation, EVALUATION):
                continue
            when = (
                day_attr(self.graph, evaluation, "tested_until_latest")
                or day_attr(self.graph, evaluation, "tested_until")
                or day_attr(self.graph, evaluation, "date_latest")
                or day_attr(self.graph, evaluation, "date")
            )
            if when is not None and when > self.day:
                continue
            stage = concept_value(self.graph, evaluation, DEPLOYMENT_STAGE)
            if stage is None:
                early = when is not None and release is not None and when < release
                stage = "pre-deployment" if early else "post-deployment"
            verdict = "reviewed" if stage == "pre-deployment" else "reviewed-post-deployment"
            if best is None or VERDICTS.index(verdict) < VERDICTS.index(best[0]):
                best = (verdict, evaluation)
        self._review[model] = best
        return best

    # -- the developer's agreements --------------------------------------------------------

    def links(self, developer: str) -> list[_Link]:
        """All of ``developer``'s participations in testing agreements."""
        if developer not in self._links:
            found = []
            for participation in in_sources(self.graph, developer, PARTICIPANT):
                if not is_kind(self.graph, participation, PARTICIPATION):
                    continue
                for agreement in out_targets(self.graph, participation, INSTRUMENT):
                    if not is_kind(self.graph, agreement, TESTING_AGREEMENT):
                        continue
                    found.append(
                        _Link(
                            participation,
                            agreement,
                            concept_value(self.graph, participation, PARTICIPATION_STATUS),
                            day_attr(self.graph, participation, "valid_from")
                            or day_attr(self.graph, participation, "date"),
                            day_attr(self.graph, participation, "valid_until"),
                            day_attr(self.graph, agreement, "valid_from"),
                            day_attr(self.graph, agreement, "valid_until"),
                        )
                    )
            self._links[developer] = found
        return self._links[developer]

    def agreement(self, model: str) -> tuple[str, str, _Link] | None:
        """(verdict, developer, link) when a developer's agreement covers ``model`` on ``day``."""
        release = day_attr(self.graph, model, "release_date")
        best: tuple[str, str, _Link] | None = None
        for developer in out_targets(self.graph, model, DEVELOPED_BY):
            for link in self.links(developer):
                if not link.holds(self.day):
                    continue
                at_release = (
                    release is not None
                    and (link.start is not None or link.agreement_from is not None)
                    and link.holds(release)
                )
                verdict = "agreement-at-release" if at_release else "agreement-after-release"
                if best is None or VERDICTS.index(verdict) < VERDICTS.index(best[0]):
                    best = (verdict, developer, link)
        return best

    # -- lineage ---------------------------------------------------------------------------

    def lineage(self, model: str) -> list[str] | None:
        """The shortest base-model chain from ``model`` to an ancestor reviewed before its
        deployment, or None."""
        parents: dict[str, str] = {model: model}
        queue = deque([model])
        while queue:
            current = queue.popleft()
            for base in out_targets(self.graph, current, BASE_MODEL):
                if base in parents:
                    continue
                parents[base] = current
                review = self.review(base)
                if review is not None and review[0] == "reviewed":
                    chain = [base]
                    while chain[-1] != model:
                        chain.append(parents[chain[-1]])
                    return chain[::-1]
                queue.append(base)
        return None

    # -- verdicts --------------------------------------------------------------------------

    def base_verdict(self, model: str) -> str:
        """The verdict before any policy is applied."""
        if (review := self.review(model)) is not None:
            return review[0]
        if (agreement := self.agreement(model)) is not None:
            return agreement[0]
        return "inherited" if self.lineage(model) is not None else "uncovered"

    def policy_for(self, model: str, verdict: str) -> tuple[str, Policy] | None:
        """The policy that changes ``verdict``, if any (exemptions win over licensing)."""
        for policy in self.policies:
            if isinstance(policy, Exemption) and policy.exempts(self.graph, model, self.day):
                return "exempt", policy
        if verdict in ("inherited", "uncovered"):
            for policy in self.policies:
                if isinstance(policy, Licensing) and policy.covers(self.graph, model, self.day):
                    return "licensed", policy
        return None

    def verdict(self, model: str) -> str:
        """The final verdict, policies applied."""
        verdict = self.base_verdict(model)
        changed = self.policy_for(model, verdict)
        return changed[0] if changed else verdict

    def decided_by(self, model: str, verdict: str) -> list[str]:
        """The nodes that decide a verdict (for colouring and linking in the visualisation)."""
        if verdict.startswith("reviewed"):
            return [self.review(model)[1]]  # type: ignore[index]
        if verdict.startswith("agreement"):
            _, developer, link = self.agreement(model)  # type: ignore[misc]
            return [developer, link.participation, link.agreement]
        if verdict == "inherited":
            return (self.lineage(model) or [])[1:]
        return []

    def release_window(self, model: str) -> tuple[date | None, date | None]:
        """(first possible, first certain) day the model was out: release or weights date."""
        g = self.graph
        starts = [day_attr(g, model, "release_date"), day_attr(g, model, "weights_from")]
        ends = [
            day_attr(g, model, "release_date_latest") or day_attr(g, model, "release_date"),
            day_attr(g, model, "weights_from_latest") or day_attr(g, model, "weights_from"),
        ]
        first = min((d for d in starts if d is not None), default=None)
        certain = min((d for d in ends if d is not None), default=None)
        return first, certain

    def when_released(self, model: str) -> str | None:
        """Whether the model is out on ``day``: "certain", "possible" (by ``certainty``) or None."""
        first, certain = self.release_window(model)
        if certain is not None and certain <= self.day:
            return "certain"
        if self.certainty == "possible" and (first is None or first <= self.day):
            return "possible"
        return None

    def released(self, model: str) -> bool:
        return self.when_released(model) is not None


def coverage(
    graph: nx.MultiDiGraph,
    as_of: date | str,
    *,
    policies: tuple[Policy, ...] | list[Policy] = (),
    certainty: str = "certain",
) -> CoverageReport:
    """Oversight-coverage verdict of every model on ``as_of`` (see the module docstring).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection (``govkg.graph.projection.project(store, include_concepts=True)``) or a graph
        built in the same schema.
    as_of : date or str
        The day to judge on (ISO ``YYYY-MM-DD``).
    policies : sequence of Licensing or Exemption
        Hypothetical rules from a what-if scenario; empty for the record as it is.
    certainty : {"certain", "possible"}
        "certain" (default) judges only models certainly released on ``as_of``; "possible" also
        undated models and those whose release interval contains ``as_of``.

    Returns
    -------
    CoverageReport
        Models sorted by label, with totals per verdict, per developer and per weights access.

    Examples
    --------
    A reviewed base model and its unreviewed fine-tune, and an open model nobody reviewed:

    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_evaluation, add_model
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "aisi", "Agency", "AISI")
    >>> _ = add_model(g, "base", "Base", developer="acme", release_date="2024-06-01",
    ...               weights_access="api-access")
    >>> _ = add_model(g, "tuned", "Tuned", developer="other", base_model="base",
    ...               release_date="2024-07-01", weights_access="open-weights-unrestricted")
    >>> _ = add_model(g, "solo", "Solo", developer="other", release_date="2024-07-01")
    >>> _ = add_evaluation(g, "ev1", "base", ["aisi"], date="2024-05-20")
    >>> report = coverage(g, "2024-12-31")
    >>> [(m.label, m.verdict) for m in report.models]
    [('Base', 'reviewed'), ('Solo', 'uncovered'), ('Tuned', 'inherited')]
    >>> report.by_developer["other"]
    {'inherited': 1, 'uncovered': 1}
    """
    day = parse_day(as_of)
    assessor = Assessor(graph, day, tuple(policies), certainty)
    entries: list[ModelCoverage] = []
    for model in nodes_of_kind(graph, MODEL):
        when = assessor.when_released(model)
        if when is None:
            continue
        verdict = assessor.verdict(model)
        data = graph.nodes[model]
        entries.append(
            ModelCoverage(
                model=model,
                label=label(graph, model),
                verdict=verdict,
                developers=[label(graph, d) for d in out_targets(graph, model, DEVELOPED_BY)],
                weights_access=data.get("weights_access"),
                open_weights=is_open(graph, model),
                release_date=data.get("release_date"),
                decided_by=assessor.decided_by(model, verdict),
                as_of_certainty=when,
            )
        )
    entries.sort(key=lambda e: (e.label.casefold(), e.model))
    by_developer: dict[str, Counter[str]] = {}
    by_access: dict[str, Counter[str]] = {}
    for entry in entries:
        for developer in entry.developers or ["(no developer recorded)"]:
            by_developer.setdefault(developer, Counter())[entry.verdict] += 1
        access = entry.weights_access or "(unknown)"
        by_access.setdefault(access, Counter())[entry.verdict] += 1
    return CoverageReport(
        as_of=day.isoformat(),
        models=entries,
        by_developer={k: _ordered(v) for k, v in sorted(by_developer.items())},
        by_weights_access={k: _ordered(v) for k, v in sorted(by_access.items())},
        totals=_ordered(Counter(e.verdict for e in entries)),
    )


def _ordered(counts: Counter[str]) -> dict[str, int]:
    """Counts in verdict order (strongest first), zeros left out."""
    return {v: counts[v] for v in VERDICTS if counts[v]}
