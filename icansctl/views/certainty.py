"""Certainty of evidence per strategy and endpoint: the rules' steps plus judgements.

``rate_strategy`` gathers the body of evidence for each endpoint, runs the rules of
``certainty_rules`` and adds the strategy's recorded judgements; ``certainty_views``
numbers the citations for an output.  The rating is the tool's own, following GRADE's
approach: every output that shows it says so (``CERTAINTY_NOTE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..evidence.base import EvidenceBase
from ..evidence.model import Strategy, Study
from ..evidence.model_certainty import LEVELS, RULE_REFERENCES
from ..evidence.model_types import Citation, cite_reference
from .certainty_rules import RULES, Body, BodyFigure
from .common import CitationView, ClaimView, cite_view
from .numbering import Citer

# The endpoints every strategy is rated on, whether or not a study reports them.
DEFAULT_ENDPOINTS = ("icans_any", "icans_grade3plus", "crs_grade3plus", "orr")

CERTAINTY_NOTE = (
    "Certainty is this tool's own rule-based rating following GRADE's approach "
    "(randomized evidence starts high, nonrandomized low; steps down for risk of bias, "
    "inconsistency, indirectness, imprecision and publication bias), not an official "
    "GRADE assessment."
)

Basis = Literal["rule", "judgement"]
SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯"}


@dataclass(frozen=True)
class Step:
    """One step of a rating, before its citations are numbered."""

    domain: str
    change: int
    reason: str
    basis: Basis
    cite: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Rating:
    """One endpoint's rating: ``level`` None when no study reports it."""

    endpoint: str
    level: str | None
    start: str | None
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class StepView:
    """A step as shown, its citations numbered."""

    domain: str
    change: int
    reason: str
    basis: Basis
    citations: list[CitationView] = field(default_factory=list)

    @property
    def text(self) -> str:
        """'Imprecision, down 2 (rule): 20 patients in all (fewer than 50)'."""
        way = "down" if self.change < 0 else "up"
        return f"{self.domain.capitalize()}, {way} {abs(self.change)} ({self.basis}): {self.reason}"


@dataclass(frozen=True)
class CertaintyView:
    """One endpoint's rating as shown."""

    endpoint: str
    label: str
    level: str | None
    start: str | None
    steps: list[StepView] = field(default_factory=list)

    @property
    def symbols(self) -> str:
        """'⊕⊕◯◯' for low; '' when there is no rating."""
        return SYMBOLS.get(self.level or "", "")

    @property
    def words(self) -> str:
        """'low', or 'no figure' when no study reports the endpoint."""
        return self.level or "no figure"


def rated_endpoints(base: EvidenceBase, strategy: Strategy) -> list[str]:
    """The default endpoints and every endpoint the strategy's arms report, in the
    vocabulary's order."""
    reported = set(DEFAULT_ENDPOINTS)
    for study in base.studies_of(strategy):
        mine = {a.id for a in study.arms if _of(a.strategy, a.role, strategy.id)}
        reported.update(o.endpoint for o in study.outcomes if o.arm in mine)
        reported.update(e.endpoint for e in study.effects if e.intervention in mine)
    return [e for e in base.endpoints if e in reported]


def _of(arm_strategy: str | None, role: str, strategy_id: str) -> bool:
    return role == "intervention" and arm_strategy == strategy_id


def body_of(
    base: EvidenceBase, strategy: Strategy, endpoint: str, kinds: dict[str, str] | None = None
) -> Body:
    """The evidence for ``endpoint``: the strategy's intervention figures, the
    comparator figures of the same studies and their printed effects (``kinds``: each
    reference's source kind, computed when not given)."""
    if kinds is None:
        kinds = source_kinds(base)
    group = base.endpoints[endpoint].group if endpoint in base.endpoints else ""
    body = Body(endpoint, group, [], [], kinds=kinds)
    for study in base.studies_of(strategy):
        _add_study(body, study, strategy.id)
    randomized = [s for s in body.studies if s.design.randomized]
    if randomized and len(randomized) < len(body.studies):  # rate the randomized only
        keep = {s.id for s in randomized}
        body.studies = randomized
        body.figures = [f for f in body.figures if f.study.id in keep]
        body.comparators = [f for f in body.comparators if f.study.id in keep]
        body.effects = [(s, e) for s, e in body.effects if s.id in keep]
    return body


def _add_study(body: Body, study: Study, strategy_id: str) -> None:
    arms = {a.id: a for a in study.arms}
    mine = {a.id for a in study.arms if _of(a.strategy, a.role, strategy_id)}
    figures = [
        BodyFigure(study, arms[o.arm], o)
        for o in study.outcomes
        if o.endpoint == body.endpoint and o.arm in mine
    ]
    effects = [e for e in study.effects if e.endpoint == body.endpoint and e.intervention in mine]
    if not figures and not effects:
        return
    body.studies.append(study)
    body.figures += figures
    body.comparators += [
        BodyFigure(study, arms[o.arm], o)
        for o in study.outcomes
        if o.endpoint == body.endpoint and o.arm in arms and arms[o.arm].role == "comparator"
    ]
    body.effects += [(study, e) for e in effects]


def source_kinds(base: EvidenceBase) -> dict[str, str]:
    """Each reference's source kind, by id."""
    return {r.id: r.source_kind for r in base.references.values()}


def rate(
    base: EvidenceBase, strategy: Strategy, endpoint: str, kinds: dict[str, str] | None = None
) -> Rating:
    """One endpoint's rating: the rules' steps, then the recorded judgements."""
    body = body_of(base, strategy, endpoint, kinds)
    if not body.studies:
        return Rating(endpoint, None, None)
    steps: list[Step] = []
    for rule in RULES:
        found = rule(body)
        if found is not None:
            ref = RULE_REFERENCES[found.domain]
            cite = (cite_reference(ref),) if ref in base.references else ()
            steps.append(Step(found.domain, found.change, found.reason, "rule", cite))
    steps += [
        Step(j.domain, j.change, j.reason, "judgement", tuple(j.cite))
        for j in strategy.certainty_judgements
        if j.endpoint == endpoint
    ]
    start = LEVELS.index("high") if body.randomized else LEVELS.index("low")
    return Rating(endpoint, LEVELS[_level(start, steps)], LEVELS[start], tuple(steps))


def _level(start: int, steps: list[Step]) -> int:
    """Start plus the changes, each domain two levels at most; never below very low nor
    above the start (high for randomized, low for nonrandomized evidence)."""
    by_domain: dict[str, int] = {}
    for step in steps:
        by_domain[step.domain] = by_domain.get(step.domain, 0) + step.change
    total = sum(max(-2, min(2, change)) for change in by_domain.values())
    return max(0, min(start, start + total))


def rate_strategy(base: EvidenceBase, strategy: Strategy) -> list[Rating]:
    """Every rated endpoint of a strategy; none for a baseline (it has no effect to rate)."""
    if strategy.kind == "baseline":
        return []
    kinds = source_kinds(base)
    return [rate(base, strategy, e, kinds) for e in rated_endpoints(base, strategy)]


def rating_citations(ratings: list[Rating]) -> list[Citation]:
    """Every citation of the ratings, in order (to number them where the output wants)."""
    return [c for r in ratings for s in r.steps for c in s.cite]


def certainty_views(base: EvidenceBase, ratings: list[Rating], citer: Citer) -> list[CertaintyView]:
    """The ratings as shown, their citations numbered by ``citer``."""
    return [
        CertaintyView(
            r.endpoint,
            base.endpoints[r.endpoint].label if r.endpoint in base.endpoints else r.endpoint,
            r.level,
            r.start,
            [
                StepView(s.domain, s.change, s.reason, s.basis, cite_view(citer, list(s.cite)))
                for s in r.steps
            ],
        )
        for r in ratings
    ]


def note_citations(base: EvidenceBase) -> list[Citation]:
    """What the certainty note cites: GRADE's start levels (GRADE 3), when bundled."""
    ref = RULE_REFERENCES["start"]
    return [cite_reference(ref)] if ref in base.references else []


def certainty_note(base: EvidenceBase, citer: Citer) -> ClaimView:
    """The statement every output showing a rating carries, with its citation."""
    return ClaimView(CERTAINTY_NOTE, cite_view(citer, note_citations(base)))
