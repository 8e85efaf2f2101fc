"""The evidence model: what one YAML file in ``evidence/`` may say.

Each top-level model (Reference, Study, Strategy, EndpointFile, MechanismFile) is the
shape of one kind of evidence file; the rest are their parts.  The models are the
file format: ``icansctl schema`` is generated from them, so a field's ``description``
is documentation a protocol writer reads in their editor.

Unknown keys are rejected (``extra="forbid"``) and strings are never coerced from
numbers or booleans (YAML 1.1 turns ``NO`` into ``false``, ``1.10`` into ``1.1``): an error.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from .grading import GRADING as GRADING  # re-exported: outcomes name these systems
from .grading import GradingSystem as GradingSystem
from .model_certainty import CertaintyJudgement
from .model_dates import CheckedDate, Dated
from .model_reference import Reference, resting_sources
from .model_topics import EndpointFile, MechanismFile
from .model_types import (
    WEAK_SOURCE_KINDS as WEAK_SOURCE_KINDS,
)
from .model_types import (
    Citation,
    Claim,
    Identifier,
    Strict,
    Text,
    citation_shorthand,
)
from .model_types import (
    ReferenceType as ReferenceType,
)
from .model_types import (
    SourceKind as SourceKind,
)

# Whether an arm received the strategy or is what it is compared with.
Role = Literal["intervention", "comparator"]


# How a study's comparison group was built: the first thing to ask of a result.
# 'concurrent-cohort': patients treated in the same period without the strategy, neither
# randomized nor matched; 'meta-analysis': a pooled analysis of several trials, whose
# own designs are stated in the study's notes; 'not-stated': the text read does not say.
ComparatorKind = Literal[
    "none",
    "randomized",
    "matched-cohort",
    "historical",
    "concurrent-cohort",
    "meta-analysis",
    "not-stated",
]


class Design(Strict):
    """How a study was run: what decides how far its numbers can be trusted."""

    phase: Text | None = Field(default=None, description="Trial phase, e.g. '1', '2'.")
    randomized: bool
    arms: Literal["single-arm", "multi-arm"] = "single-arm"
    comparator: ComparatorKind = Field(description="How the comparison group was built.")
    stopped_early: bool = Field(
        default=False,
        description="The study was stopped before its planned end (a risk of bias in the "
        "certainty rating); say why in the study's notes or findings.",
    )
    centres: Literal["single", "multi"] | None = None
    summary: Text = Field(description="One line a clinician reads beside the numbers.")


class Population(Strict):
    """Who was treated."""

    disease: Text
    product: Text = Field(description="CAR T product(s), e.g. 'axi-cel'.")
    enrolled: int | None = Field(default=None, ge=0)
    treated: int | None = Field(default=None, ge=0)
    evaluable: int | None = Field(default=None, ge=0)


class Arm(Strict):
    """One group within a study."""

    id: Identifier
    label: Text
    role: Role
    strategy: Identifier | None = Field(
        default=None, description="Strategy or baseline id this arm belongs to."
    )
    regimen: Identifier | None = Field(default=None, description="Regimen id within the strategy.")
    n: int | None = Field(default=None, ge=0, description="Arm size; null when not reported.")


class Provenance(Strict):
    """Where a figure comes from and how its count was obtained."""

    via: Identifier | None = Field(
        default=None,
        description="Reference id of a secondary source the figure was taken from "
        "(null: reported by the study itself). Set it whenever the figure was read "
        "anywhere but the study's own report (an editorial, a review, another abstract, "
        "a press release or news report): the figure then rests on that source alone, "
        "and is shown as a secondary report.",
    )
    count: Literal["reported", "derived"] | None = Field(
        default=None,
        description="'derived': events computed from a reported percent and N.",
    )


class Outcome(Strict, Dated):
    """One figure: an endpoint in one arm, with its denominator and its source."""

    endpoint: Identifier
    arm: Identifier
    events: int | None = Field(default=None, ge=0)
    total: int | None = Field(default=None, ge=0, description="Denominator; null if unknown.")
    reported_percent: float | None = Field(
        default=None, ge=0, le=100, description="The percent exactly as the source printed it."
    )
    approximate: bool = Field(
        default=False, description="The source printed the percent as approximate ('~50%')."
    )
    definition: Text | None = Field(
        default=None, description="The source's own wording, e.g. 'grade 3-4'."
    )
    grading: Identifier | None = Field(
        default=None, description="Grading system id (see GRADING in icansctl.model)."
    )
    time_point: Text | None = None
    note: Text | None = Field(
        default=None, description="A caveat on this figure, e.g. an unconfirmed denominator."
    )
    provenance: Provenance = Field(default_factory=Provenance)
    cite: list[Citation] = Field(min_length=1)

    _normalise_cite = field_validator("cite", mode="before")(citation_shorthand)

    @property
    def source_refs(self) -> list[str]:
        """The references this figure rests on: ``provenance.via`` when set (the figure
        was read there), else every cited reference, in order and without repeats.
        Their ``source_kind`` decides whether the figure is a weak-source figure
        (every one of them in WEAK_SOURCE_KINDS)."""
        return resting_sources(self.provenance.via, [c.ref for c in self.cite])

    @model_validator(mode="after")
    def _has_a_figure(self) -> Outcome:
        if self.events is None and self.reported_percent is None:
            raise ValueError("an outcome needs events/total or reported_percent")
        if self.events is not None and self.total is None:
            raise ValueError("events without a total: give the denominator")
        return self


EffectMeasure = Literal["risk ratio", "odds ratio", "hazard ratio", "risk difference"]


class Effect(Strict, Dated):
    """A relative effect exactly as the source printed it (each arm's own rate stays an
    Outcome): shown as the source's estimate; no p-value or pooled estimate is computed."""

    endpoint: Identifier
    measure: EffectMeasure
    value: float = Field(description="The estimate as printed, e.g. 0.53.")
    ci_low: float | None = Field(default=None, description="Lower 95% bound as printed.")
    ci_high: float | None = Field(default=None, description="Upper 95% bound as printed.")
    intervention: Identifier = Field(description="Arm id of the numerator group.")
    comparator: Identifier = Field(description="Arm id of the reference group.")
    reported_p: Text | None = Field(
        default=None, description="The P value as printed (text, e.g. '0.18'); never computed."
    )
    definition: Text | None = Field(default=None, description="The source's own wording.")
    grading: Identifier | None = None
    time_point: Text | None = None
    note: Text | None = None
    provenance: Provenance = Field(default_factory=Provenance)
    cite: list[Citation] = Field(min_length=1, description="With a locator (ICX061).")

    _normalise_cite = field_validator("cite", mode="before")(citation_shorthand)


class Study(Strict, Dated):
    """One trial or cohort (one file in evidence/studies/)."""

    id: Identifier
    name: Text = Field(description="Short label for column headers, e.g. 'Strati 2023'.")
    reference: Identifier
    registration: list[Text] = Field(default_factory=list)
    design: Design
    population: Population
    follow_up: Text | None = None
    arms: list[Arm] = Field(min_length=1)
    outcomes: list[Outcome] = Field(default_factory=list)
    findings: list[Claim] = Field(
        default_factory=list, description="Qualitative results, where no figure is known."
    )
    effects: list[Effect] = Field(default_factory=list, description="As printed (ICX061-3).")
    notes: list[Claim] = Field(default_factory=list)


class Trial(Strict):
    """A registered trial to watch: what it tests, and its status when last seen."""

    registration: Text = Field(description="Trial registration (NCT + 8 digits).")
    name: Text = Field(description="Short label, e.g. 'Anakinra with liso-cel (phase 2)'.")
    design: Text = Field(description="Design in one line, as far as it is known.")
    status: Text = Field(description="Status as the cited source gave it.")
    status_seen: Text | None = Field(default=None, description="YYYY-MM-DD the status was read.")
    study: Identifier | None = Field(default=None, description="The bundled study of it.")
    note: Text | None = None
    cite: list[Citation] = Field(min_length=1)

    _normalise_cite = field_validator("cite", mode="before")(citation_shorthand)


class Regimen(Strict):
    """One way of giving a strategy, with the studies that tested it."""

    id: Identifier
    name: Text
    schedule: list[Claim] = Field(min_length=1)
    studies: list[Identifier] = Field(default_factory=list)


class Strategy(Strict, Dated):
    """One prevention strategy or baseline (one file in evidence/strategies/)."""

    id: Identifier
    name: Text
    kind: Literal["strategy", "baseline"] = "strategy"
    aliases: list[Text] = Field(default_factory=list)
    drug_class: Text | None = None
    targets: list[Identifier] = Field(
        default_factory=list, description="Mechanism node ids this strategy acts on."
    )
    regimens: list[Regimen] = Field(min_length=1)
    summary: list[Claim] = Field(min_length=1)
    mechanism: list[Claim] = Field(default_factory=list)
    status: list[Claim] = Field(default_factory=list)
    caveats: list[Claim] = Field(default_factory=list)
    trials: list[Trial] = Field(default_factory=list, description="Trials to watch.")
    checked: CheckedDate = None
    certainty_judgements: list[CertaintyJudgement] = Field(
        default_factory=list,
        description="Steps of the certainty rating no rule can decide, each with a reason "
        "and a citation; shown as 'judgement'.",
    )

    @property
    def study_ids(self) -> list[str]:
        """Study ids across regimens, in order, without repeats."""
        seen: dict[str, None] = {}
        for regimen in self.regimens:
            for study in regimen.studies:
                seen.setdefault(study, None)
        return list(seen)


# Which model a file holds, by its folder (or file name for the two singletons); the
# folder names are files.KIND_FOLDERS (tests/test_completion.py keeps the two in step).
KIND_BY_FOLDER: dict[str, type[BaseModel]] = {
    "references": Reference,
    "studies": Study,
    "strategies": Strategy,
}
KIND_BY_FILENAME: dict[str, type[BaseModel]] = {
    "endpoints.yaml": EndpointFile,
    "mechanisms.yaml": MechanismFile,
}
