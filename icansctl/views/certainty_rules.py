"""The certainty rules: how each GRADE domain is decided from what the evidence records.

This is the one place the rules live.  They follow the GRADE approach (the GRADE series
in J Clin Epidemiol, cited beside each rule as a reference id of the bundled evidence),
but the thresholds and the evidence they read are this tool's own choices: the rating
is the tool's rule-based rating, not an official GRADE assessment.

The body of evidence for one strategy and one endpoint is every figure (outcome) of an
intervention arm of the strategy for that endpoint, with the comparator arms of the
same studies and the relative effects those studies printed.  When randomized studies
contribute, only they are rated.

- **Start** (GRADE 3, ``balshem2011``): high when the body is randomized, else low
  (single arm, matched or concurrent cohort, historical control, meta-analysis of
  nonrandomized or unstated designs).
- **Risk of bias** (GRADE 4, ``guyatt2011_rob``): one level for a study stopped early
  (``design.stopped_early``); two when every figure rests only on a press release or a
  news report (``WEAK_SOURCE_KINDS``); otherwise one when every figure is a secondary
  report (``provenance.via``) or rests only on meeting abstracts.
- **Imprecision** (GRADE 6, ``guyatt2011_imprecision``, after its optimal information
  size): patients are counted over the arms of the body with a denominator (each arm
  once, comparator arms of the same studies included).  Two levels when no figure has a
  denominator or fewer than ``VERY_FEW`` patients; one level when fewer than
  ``ENOUGH`` patients, or a figure's 95% Wilson interval spans more than
  ``WIDE_CI_POINTS`` percentage points.
- **Indirectness** (GRADE 8, ``guyatt2011_indirectness``), one level each, two at most:
  a neurotoxicity endpoint graded as CTCAE neurologic events rather than ASTCT ICANS;
  no concurrent comparator (historical control, or single arm read against
  historical cohorts); a population other than the question's (a disease not named
  as lymphoma, children, a BCMA product for myeloma).
- **Inconsistency** (GRADE 7, ``guyatt2011_inconsistency``): one level when studies
  that compare the strategy with a comparator of their own point in opposite
  directions (each arm's rate as printed, or a relative effect as printed).
- **Publication bias** and every reason to rate **up** (GRADE's large effect,
  dose-response, plausible confounding): no rule can decide them from the data here;
  only a maintainer's judgement (``certainty_judgements``) does.

A domain moves at most two levels; the level never falls below very low, and evidence
built only from nonrandomized studies is never rated above low.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..evidence.model import GRADING, Arm, Effect, Outcome, Study
from ..evidence.model_reference import weak_only
from ..stats import wilson_interval

# Imprecision thresholds: this tool's own, not GRADE's numbers.
VERY_FEW = 50  # fewer patients than this in all: very serious imprecision
ENOUGH = 300  # fewer than this: serious (a stand-in for an optimal information size)
WIDE_CI_POINTS = 20.0  # a 95% CI wider than this many percentage points: serious

# Indirectness: the question is about adults with B-cell lymphoma given CD19 CAR T cells.
_QUESTION_DISEASE = "lymphoma"
_CHILDREN = ("paediatric", "pediatric", "children", "child ")
_OTHER_PRODUCTS = ("cilta-cel", "ide-cel", "bcma")
_CONCURRENT = ("randomized", "matched-cohort", "concurrent-cohort")
_RATIO_MEASURES = ("risk ratio", "odds ratio", "hazard ratio")


@dataclass(frozen=True)
class BodyFigure:
    """One figure of the body: its study, its arm and the outcome itself."""

    study: Study
    arm: Arm
    outcome: Outcome


@dataclass
class Body:
    """The evidence for one strategy and one endpoint, as the rules read it."""

    endpoint: str
    group: str  # the endpoint's group: neurotoxicity, crs, efficacy...
    studies: list[Study]
    figures: list[BodyFigure]  # intervention arms of the strategy
    comparators: list[BodyFigure] = field(default_factory=list)  # same studies
    effects: list[tuple[Study, Effect]] = field(default_factory=list)
    kinds: Mapping[str, str] = field(default_factory=dict)  # reference id -> source_kind

    @property
    def randomized(self) -> bool:
        """Every contributing study is randomized."""
        return bool(self.studies) and all(s.design.randomized for s in self.studies)


@dataclass(frozen=True)
class RuleStep:
    """What one rule decided: its domain, the levels it moves (negative: down), why."""

    domain: str
    change: int
    reason: str


def _names(studies: list[Study]) -> str:
    return ", ".join(dict.fromkeys(s.name for s in studies))


def _step(domain: str, reasons: list[str], change: int) -> RuleStep | None:
    if not reasons:
        return None
    return RuleStep(domain, max(-2, change), "; ".join(reasons))


def risk_of_bias(body: Body) -> RuleStep | None:
    """GRADE 4: early termination, and figures resting on weak or secondary sources."""
    reasons, change = [], 0
    stopped = [s for s in body.studies if s.design.stopped_early]
    if stopped:
        reasons.append(f"stopped early: {_names(stopped)}")
        change -= 1
    sources = [f.outcome.source_refs for f in body.figures] + [
        [e.provenance.via] if e.provenance.via else [c.ref for c in e.cite] for _, e in body.effects
    ]
    if sources and all(weak_only(refs, body.kinds) for refs in sources):
        reasons.append("every figure rests only on a press release or news report")
        change -= 2
    elif body.figures and all(_secondary_or_abstract(f, body.kinds) for f in body.figures):
        reasons.append("every figure is a secondary report or from a meeting abstract only")
        change -= 1
    return _step("risk of bias", reasons, change)


def _secondary_or_abstract(figure: BodyFigure, kinds: Mapping[str, str]) -> bool:
    refs = figure.outcome.source_refs
    weak_or_abstract = all(
        kinds.get(r) in ("meeting abstract", "press release", "news report") for r in refs
    )
    return figure.outcome.provenance.via is not None or weak_or_abstract


def patients(body: Body) -> int:
    """Patients in the body: each arm with a denominator once (its largest one)."""
    largest: dict[tuple[str, str], int] = {}
    for figure in [*body.figures, *body.comparators]:
        total = figure.outcome.total
        if total:
            key = (figure.study.id, figure.arm.id)
            largest[key] = max(largest.get(key, 0), total)
    return sum(largest.values())


def widest_ci(body: Body) -> float | None:
    """The widest 95% Wilson interval of an intervention figure, in percentage points."""
    widths = []
    for figure in body.figures:
        events, total = figure.outcome.events, figure.outcome.total
        if events is not None and total:
            low, high = wilson_interval(events, total)
            widths.append((high - low) * 100)
    return max(widths, default=None)


def imprecision(body: Body) -> RuleStep | None:
    """GRADE 6: too few patients for an optimal information size, or wide intervals."""
    n = patients(body)
    if n == 0:
        return RuleStep("imprecision", -2, "no figure has a denominator: no confidence interval")
    if n < VERY_FEW:
        return RuleStep("imprecision", -2, f"{n} patients in all (fewer than {VERY_FEW})")
    reasons = []
    if n < ENOUGH:
        reasons.append(f"{n} patients in all (fewer than {ENOUGH})")
    widest = widest_ci(body)
    if widest is not None and widest > WIDE_CI_POINTS:
        reasons.append(f"a 95% CI spans {widest:.0f} percentage points")
    return _step("imprecision", reasons, -1)


def indirectness(body: Body) -> RuleStep | None:
    """GRADE 8: outcome graded otherwise, no concurrent comparator, another population."""
    reasons = []
    if body.group == "neurotoxicity":
        ctcae = [
            f.study
            for f in body.figures
            if f.outcome.grading in GRADING
            and GRADING[f.outcome.grading].measures == "neurologic events"
        ]
        if ctcae:
            reasons.append(f"CTCAE neurologic events, not ASTCT ICANS: {_names(ctcae)}")
    uncontrolled = [s for s in body.studies if s.design.comparator in ("historical", "none")]
    if uncontrolled:
        reasons.append(f"no concurrent comparator: {_names(uncontrolled)}")
    other = [s for s in body.studies if _other_population(s)]
    if other:
        reasons.append(
            f"population not (or not known to be) adults with B-cell lymphoma: {_names(other)}"
        )
    return _step("indirectness", reasons, -len(reasons))


def _other_population(study: Study) -> bool:
    disease = study.population.disease.lower() + " "
    product = study.population.product.lower()
    return (
        _QUESTION_DISEASE not in disease
        or any(word in disease for word in _CHILDREN)
        or any(word in product for word in _OTHER_PRODUCTS)
    )


def directions(body: Body) -> dict[str, int]:
    """Study name -> -1 (lower with the strategy), +1 (higher), from each study's own
    comparison: a relative effect as printed, else its arms' printed or computed rates."""
    found: dict[str, int] = {}
    for study, effect in body.effects:
        null = 1.0 if effect.measure in _RATIO_MEASURES else 0.0
        if effect.value != null:
            found[study.name] = -1 if effect.value < null else 1
    for figure in body.figures:
        mine = _percent(figure.outcome)
        theirs = [_percent(c.outcome) for c in body.comparators if c.study.id == figure.study.id]
        for other in theirs:
            if mine is not None and other is not None and mine != other:
                found.setdefault(figure.study.name, -1 if mine < other else 1)
    return found


def _percent(outcome: Outcome) -> float | None:
    if outcome.events is not None and outcome.total:
        return 100 * outcome.events / outcome.total
    return outcome.reported_percent


def inconsistency(body: Body) -> RuleStep | None:
    """GRADE 7: studies comparing the strategy with their own comparator disagree."""
    found = directions(body)
    lower = [name for name, sign in found.items() if sign < 0]
    higher = [name for name, sign in found.items() if sign > 0]
    if lower and higher:
        reason = f"lower with it in {', '.join(lower)}, higher in {', '.join(higher)}"
        return RuleStep("inconsistency", -1, reason)
    return None


# The rules in the order their steps are shown.
RULES: tuple[Callable[[Body], RuleStep | None], ...] = (
    risk_of_bias,
    inconsistency,
    indirectness,
    imprecision,
)
