"""Relative effects as their sources printed them, and trials to watch (issue 12).

An effect is never computed here: the estimate and its interval are the source's own,
shown beside each arm's own rate and labelled as the source's.  A trial to watch
carries its status with the date that status was seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence.base import EvidenceBase
from ..evidence.model import GRADING, Effect, Study, Trial
from ..stats import decimals_of
from .common import CitationView, StudyView, cite_view
from .numbering import Citer

SOURCE_ESTIMATE = "as printed by the source; not computed here"


@dataclass(frozen=True)
class EffectView:
    """A relative effect (risk ratio...) exactly as the source printed it."""

    endpoint: str
    measure: str
    value: float
    ci_low: float | None
    ci_high: float | None
    intervention: str
    comparator: str
    intervention_label: str
    comparator_label: str
    reported_p: str | None
    definition: str | None
    grading: str | None
    grading_label: str | None
    time_point: str | None
    note: str | None
    via: str | None
    citations: list[CitationView]

    @property
    def text(self) -> str:
        """'risk ratio 0.53 (95% CI 0.21–1.34; P = 0.18), as printed by the source...'."""
        numbers = [x for x in (self.value, self.ci_low, self.ci_high) if x is not None]
        places = max(decimals_of(x) for x in numbers)  # 0.41 (0.20–0.86), as printed

        def shown(x: float) -> str:
            return f"{x:.{places}f}"

        ci = (
            f"95% CI {shown(self.ci_low)}–{shown(self.ci_high)}"
            if self.ci_low is not None and self.ci_high is not None
            else "no interval printed"
        )
        p = f"; P = {self.reported_p}" if self.reported_p else ""
        return f"{self.measure} {shown(self.value)} ({ci}{p}), {SOURCE_ESTIMATE}"


def with_effects(view: StudyView, study: Study, citer: Citer) -> StudyView:
    """``view`` with the study's printed effects (numbered after its figures)."""
    view.effects = effect_views(study, citer)
    return view


def effect_views(study: Study, citer: Citer) -> list[EffectView]:
    """The study's printed effects, with their citations numbered."""
    labels = {arm.id: arm.label for arm in study.arms}
    return [_effect_view(effect, labels, citer) for effect in study.effects]


# The fields an effect's view copies unchanged from the evidence.
_EFFECT_FIELDS = [
    "endpoint",
    "measure",
    "value",
    "ci_low",
    "ci_high",
    "intervention",
    "comparator",
    "reported_p",
    "definition",
    "grading",
    "time_point",
    "note",
]


def _effect_view(effect: Effect, labels: dict[str, str], citer: Citer) -> EffectView:
    grading = GRADING.get(effect.grading) if effect.grading else None
    return EffectView(
        **{name: getattr(effect, name) for name in _EFFECT_FIELDS},
        intervention_label=labels.get(effect.intervention, effect.intervention),
        comparator_label=labels.get(effect.comparator, effect.comparator),
        grading_label=grading.label if grading else effect.grading,
        via=effect.provenance.via,
        citations=cite_view(citer, effect.cite),
    )


@dataclass(frozen=True)
class TrialView:
    """A registered trial to watch, with its status and when that status was seen."""

    registration: str
    name: str
    design: str
    status: str
    status_seen: str | None
    study: str | None
    study_name: str | None
    note: str | None
    citations: list[CitationView]

    @property
    def status_text(self) -> str:
        """'Suspended (funding) (status seen 2026-12-02)'."""
        seen = self.status_seen or "date not recorded"
        return f"{self.status} (status seen {seen})"


def trial_views(base: EvidenceBase, trials: list[Trial], citer: Citer) -> list[TrialView]:
    """A strategy's trials to watch, in file order, with their citations numbered."""
    fields = ("registration", "name", "design", "status", "status_seen", "study", "note")
    return [
        TrialView(
            **{name: getattr(t, name) for name in fields},
            study_name=base.studies[t.study].name if t.study in base.studies else None,
            citations=cite_view(citer, t.cite),
        )
        for t in trials
    ]
