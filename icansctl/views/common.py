"""What every view shares: figures, citations, claims, study summaries.

A view knows nothing of Rich, Jinja or JSON.  Every figure is computed here, once:
percent from events/total (the source's printed percent is shown only when it
agrees, which ``icansctl check`` enforces), Wilson 95% intervals, markers for
derived counts, secondary-source figures and press-release-or-news-only figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from ..evidence.base import EvidenceBase
from ..evidence.model import GRADING, Outcome, Strategy, Study
from ..evidence.model_reference import weak_only
from ..evidence.model_types import Citation, Claim
from ..stats import (
    clopper_pearson_interval,
    decimals_of,
    display_places,
    format_number,
    percent_agrees,
    round_half_up,
    wilson_interval,
)
from .comparators import COMPARATOR_WORDS as COMPARATOR_WORDS  # re-exported
from .numbering import Citer

if TYPE_CHECKING:
    from .effects import EffectView
from .overrides import overridden_by

CiMethod = Literal["wilson", "exact"]
# How each method is named wherever an interval is explained (legend, plot, slides).
CI_METHOD_NAMES: dict[str, str] = {"wilson": "Wilson score", "exact": "exact Clopper–Pearson"}

DERIVED_MARK = "*"
VIA_MARK = "†"
WEAK_MARK = "‡"  # the figure rests only on press releases or news reports
NOT_REPORTED = "not reported"


# The label of a figure whose grading the evidence does not give: the same words as an
# explicit ``grading: not-stated``, so a study never reads two ways (issue 11).
GRADING_NOT_STATED = GRADING["not-stated"].label


@dataclass(frozen=True)
class CitationView:
    """A citation with its number in this output."""

    number: int
    ref: str
    locator: str | None

    @property
    def label(self) -> str:
        """'[3] Table 2' style label."""
        return f"[{self.number}] {self.locator}" if self.locator else f"[{self.number}]"


@dataclass(frozen=True)
class ClaimView:
    """A statement with numbered citations."""

    text: str
    citations: list[CitationView]

    @property
    def markers(self) -> str:
        """'[1, 3]' for the citations of this claim."""
        numbers = dict.fromkeys(c.number for c in self.citations)
        return "[" + ", ".join(str(n) for n in numbers) + "]"


def cite_view(citer: Citer, cites: list[Citation]) -> list[CitationView]:
    """Number citations in output order."""
    return [CitationView(citer.number(c.ref), c.ref, c.locator) for c in cites]


def claim_view(citer: Citer, claim: Claim) -> ClaimView:
    """A claim with its citations numbered."""
    return ClaimView(claim.text, cite_view(citer, claim.cite))


def claim_views(citer: Citer, claims: Iterable[Claim]) -> list[ClaimView]:
    """Claims with their citations numbered, in order."""
    return [claim_view(citer, claim) for claim in claims]


@dataclass(frozen=True)
class Figure:
    """One outcome as shown: numbers computed, markers and sources attached."""

    endpoint: str
    arm: str
    role: str
    events: int | None
    total: int | None
    percent: float | None
    percent_text: str | None
    computed_percent: float | None
    reported_percent: float | None
    ci95: tuple[float, float] | None
    ci_method: CiMethod
    grading: str | None
    grading_label: str | None
    time_point: str | None
    definition: str | None
    note: str | None
    via: str | None
    count: str | None
    citations: list[CitationView]
    via_number: int | None
    weak_source: bool = False  # rests only on press releases or news reports

    @property
    def derived(self) -> bool:
        """The count shown was computed from a reported percent and N.

        Only when a count is shown: a percent-only or "not reported" cell has no count
        that could be derived, whatever its provenance says.
        """
        return self.count == "derived" and self.events is not None and bool(self.total)

    @property
    def source_numbers(self) -> list[int]:
        """Reference numbers shown beside the figure: its citations, then the source it
        was read in ('via'), each once."""
        numbers = [c.number for c in self.citations]
        return list(dict.fromkeys(numbers + ([self.via_number] if self.via_number else [])))

    @property
    def markers(self) -> str:
        """'*' derived count, '†' via a secondary source, '‡' press release/news only."""
        return (
            (DERIVED_MARK if self.derived else "")
            + (VIA_MARK if self.via else "")
            + (WEAK_MARK if self.weak_source else "")
        )

    @property
    def value_text(self) -> str:
        """'35% (7/20)', '60%' without a denominator, or 'not reported'."""
        if self.percent_text is None:
            return NOT_REPORTED
        if self.events is not None and self.total is not None:
            return f"{self.percent_text} ({self.events}/{self.total})"
        return self.percent_text

    @property
    def ci_text(self) -> str | None:
        """'18.1–56.7' (percent), or None without a denominator."""
        if self.ci95 is None:
            return None
        return f"{self.ci95[0]:.1f}–{self.ci95[1]:.1f}"

    @property
    def provenance_kind(self) -> str:
        """'reported' by the study itself, or 'via <ref>'."""
        return f"via {self.via}" if self.via else "reported"


def _percent_and_ci(
    events: int | None, total: int | None, reported: float | None, ci_method: CiMethod
) -> tuple[float | None, tuple[float, float] | None, float | None, str | None]:
    """(computed percent, 95% CI, percent shown, its text) of one figure."""
    if events is None or not total:
        if reported is None:
            return None, None, None, None
        return None, None, reported, format_number(reported, decimals_of(reported)) + "%"
    computed = 100 * events / total
    interval = (
        wilson_interval(events, total)
        if ci_method == "wilson"
        else clopper_pearson_interval(events, total)
    )
    ci = (round_half_up(100 * interval[0], 1), round_half_up(100 * interval[1], 1))
    # The source's own figure when it agrees, unless its rounding hides the count:
    # 1/2000 printed as 0% (or 1999/2000 as 100%) is shown as computed instead.
    if (
        reported is not None
        and percent_agrees(events, total, reported)
        and (reported != 0 or events == 0)
        and (reported != 100 or events == total)
    ):
        places = decimals_of(reported)
        percent = reported
    else:
        places = display_places(events, total)
        percent = round_half_up(computed, places)
    return computed, ci, percent, format_number(percent, places) + "%"


def build_figure(
    outcome: Outcome, role: str, citer: Citer, ci_method: CiMethod = "wilson"
) -> Figure:
    """Compute what is shown for one outcome."""
    computed, ci, percent, text = _percent_and_ci(
        outcome.events, outcome.total, outcome.reported_percent, ci_method
    )
    if text is not None and outcome.approximate:
        text = "~" + text
    via = outcome.provenance.via
    return Figure(
        endpoint=outcome.endpoint,
        arm=outcome.arm,
        role=role,
        events=outcome.events,
        total=outcome.total,
        percent=percent,
        percent_text=text,
        computed_percent=computed,
        reported_percent=outcome.reported_percent,
        ci95=ci,
        ci_method=ci_method,
        grading=outcome.grading,
        grading_label=(
            GRADING[outcome.grading].label if outcome.grading in GRADING else outcome.grading
        ),
        time_point=outcome.time_point,
        definition=outcome.definition,
        note=outcome.note,
        via=via,
        count=outcome.provenance.count,
        # Numbered in this order: the figure's own citations, then its 'via' source.
        citations=cite_view(citer, outcome.cite),
        via_number=citer.number(via) if via else None,
    )


def plain_fields(model: BaseModel) -> dict[str, Any]:
    """A flat model's fields as a dict, without pydantic's serializer.

    ``model_dump`` would build the model's serialization schema on first use (tens of
    milliseconds at every start); these models hold only plain values and lists.
    """
    return {name: getattr(model, name) for name in type(model).model_fields}


def strategy_identity(strategy: Strategy) -> dict[str, Any]:
    """What every view says first about a strategy: id, name, kind and drug class."""
    return {name: getattr(strategy, name) for name in ("id", "name", "kind", "drug_class")}


def design_label(study: Study) -> str:
    """'Phase 2; nonrandomized; historical comparison' — the trust line for a column."""
    design = study.design
    parts = []
    if design.phase:
        parts.append(f"phase {design.phase}")
    parts.append("randomized" if design.randomized else "nonrandomized")
    parts.append(COMPARATOR_WORDS[design.comparator])
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def short_name(name: str) -> str:
    """'Anakinra (prophylactic IL-1 blockade)' -> 'Anakinra' for headers."""
    return name.split(" (")[0]


@dataclass
class StudyView:
    """A study in a comparison or strategy view, with all of its figures."""

    id: str
    name: str
    reference: str
    reference_number: int
    design: str
    design_summary: str
    randomized: bool
    comparator: str
    phase: str | None
    product: str
    disease: str
    enrolled: int | None
    treated: int | None
    evaluable: int | None
    follow_up: str | None
    registration: list[str]
    arms: list[dict[str, object]]
    figures: list[Figure]
    findings: list[ClaimView]
    notes: list[ClaimView]
    overridden_by: str | None = None  # the local file that replaced the bundled study
    # Relative effects as the source printed them; set by views.effects.with_effects
    # (which builds on this module's citation views, so cannot be called from here).
    effects: list[EffectView] = field(default_factory=list)


def study_view(
    base: EvidenceBase, study: Study, citer: Citer, ci_method: CiMethod = "wilson"
) -> StudyView:
    """A study's design, population and every figure, with numbered citations."""
    ref_number = citer.number(study.reference)
    roles = {arm.id: arm.role for arm in study.arms}
    kinds = {ref_id: ref.source_kind for ref_id, ref in base.references.items()}
    figures = [
        replace(
            build_figure(o, roles.get(o.arm, "intervention"), citer, ci_method),
            weak_source=weak_only(o.source_refs, kinds),
        )
        for o in study.outcomes
    ]
    return StudyView(
        id=study.id,
        name=study.name,
        reference=study.reference,
        reference_number=ref_number,
        design=design_label(study),
        design_summary=study.design.summary,
        randomized=study.design.randomized,
        comparator=study.design.comparator,
        phase=study.design.phase,
        product=study.population.product,
        disease=study.population.disease,
        enrolled=study.population.enrolled,
        treated=study.population.treated,
        evaluable=study.population.evaluable,
        follow_up=study.follow_up,
        registration=list(study.registration),
        arms=[plain_fields(arm) for arm in study.arms],
        figures=figures,
        findings=claim_views(citer, study.findings),
        notes=claim_views(citer, study.notes),
        overridden_by=overridden_by(base, "study", study.id),
    )


def nonrandomized_note(studies: int, randomized: int, verb: str = "shown") -> str:
    """The sentence every comparison and plot carries beside its rates.

    ``verb`` says how the studies appear ("shown" in a table, "drawn" in a plot).
    """
    if randomized:
        return (
            "Studies differ in design; each rate is that study's own; no pooled estimate "
            "is computed across cohorts."
        )
    subject = (
        f"The study {verb} is not" if studies == 1 else f"None of the {studies} studies {verb} is"
    )
    return (
        f"{subject} randomized. Each rate is that study's own; no p-value or pooled "
        "estimate is computed across cohorts."
    )
