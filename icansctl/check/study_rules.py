"""Rules for studies and trials to watch (ICX060-ICX067), one entity at a time.

Time points (one cohort, one figure per endpoint and arm at each time point), relative
effects as the source printed them, trials to watch with a dated status, and studies
that always say something.  ``intra_file`` calls these with the entity being checked;
they need only the few methods of ``EntityChecker``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Protocol

from ..diagnostics import Diagnostic, Location
from ..evidence.model import GRADING, Arm, Effect, Strategy, Study
from ..evidence.model_reference import Reference
from .records import ENDPOINT, REFERENCE, STUDY, EntityRecord

NCT = re.compile(r"NCT[0-9]{8}")


class EntityChecker(Protocol):
    """What these rules use of the entity being checked (``intra_file``'s)."""

    record: EntityRecord

    def locate(self, *path: str | int) -> Location: ...

    def refer(self, kind: int, target: str, *path: str | int) -> None: ...

    def add(self, rule: str, message: str, *path: str | int) -> None: ...

    def unknown(
        self, where: Location, kind: str, value: str, known: Mapping[str, object] | list[str]
    ) -> Diagnostic: ...


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Measures whose value and bounds are ratios: positive numbers.
_RATIO_MEASURES = {"risk ratio", "odds ratio", "hazard ratio"}


def found_by_registration(reference: Reference) -> bool:
    """A meeting abstract of a registered trial can be found through its registration.

    Abstracts are often printed in a journal supplement with no DOI or address traced;
    the trial registration (NCT...) still leads a reader to the trial and its reports.
    """
    return reference.source_kind == "meeting abstract" and bool(reference.registration)


def study_rules(study: Study, arms: Mapping[str, Arm], here: EntityChecker) -> None:
    """ICX060 time points, ICX061-ICX063 effects, ICX066 a study with nothing to show."""
    seen: dict[tuple[str, str, str | None], int] = {}
    for i, outcome in enumerate(study.outcomes):
        key = (outcome.arm, outcome.endpoint, outcome.time_point)
        if key in seen:
            when = f"time point '{outcome.time_point}'" if outcome.time_point else "no time point"
            here.add(
                "ICX060",
                f"arm '{outcome.arm}' already has a '{outcome.endpoint}' figure with {when} "
                f"(outcomes[{seen[key]}]); one cohort has one figure per time point: give "
                "each figure its own time_point",
                "outcomes",
                i,
                "time_point" if outcome.time_point else "endpoint",
            )
        else:
            seen[key] = i
    pairs = [(o.arm, o.endpoint) for o in study.outcomes]
    for i, outcome in enumerate(study.outcomes):
        pair = (outcome.arm, outcome.endpoint)
        key = (outcome.arm, outcome.endpoint, outcome.time_point)
        if outcome.time_point is None and pairs.count(pair) > 1 and seen.get(key) == i:
            here.add(
                "ICX060",
                f"arm '{outcome.arm}' has more than one '{outcome.endpoint}' figure; say which "
                "time point this one is (time_point)",
                "outcomes",
                i,
                "endpoint",
            )
    for i, effect in enumerate(study.effects):
        _effect_rules(i, effect, arms, here)
    if not (study.outcomes or study.findings or study.effects):
        here.add(
            "ICX066",
            f"study '{study.id}' shows nothing: give its figures, or a finding that says "
            "what is known (e.g. that results are not available here)",
            "id",
        )


def _effect_rules(index: int, effect: Effect, arms: Mapping[str, Arm], here: EntityChecker) -> None:
    """An effect names two different arms of its study, is located and is consistent."""
    at = ("effects", index)
    here.refer(ENDPOINT, effect.endpoint, *at, "endpoint")
    if effect.provenance.via is not None:
        here.refer(REFERENCE, effect.provenance.via, *at, "provenance", "via")
    if effect.grading is not None and effect.grading not in GRADING:
        here.record.add(
            here.unknown(
                here.locate(*at, "grading"), "grading system", effect.grading, list(GRADING)
            )
        )
    for name in ("intervention", "comparator"):
        arm_id = getattr(effect, name)
        if arm_id not in arms:
            here.record.add(here.unknown(here.locate(*at, name), "arm", arm_id, list(arms)))
    if effect.intervention == effect.comparator:
        here.add(
            "ICX063",
            f"the effect compares arm '{effect.intervention}' with itself",
            *at,
            "comparator",
        )
    if not any(c.locator for c in effect.cite):
        here.add(
            "ICX061",
            "an effect estimate must say where the source prints it: give a locator "
            "(table, figure, abstract section)",
            *at,
            "cite",
        )
    low, high, value = effect.ci_low, effect.ci_high, effect.value
    if (low is None) != (high is None):
        here.add("ICX062", "give both bounds of the interval, or neither", *at, "ci_low")
    elif low is not None and high is not None:
        if low > high:
            here.add("ICX062", f"interval {low:g}-{high:g}: the lower bound is larger", *at)
        elif not low <= value <= high:
            here.add(
                "ICX062",
                f"estimate {value:g} lies outside its interval {low:g}-{high:g}",
                *at,
                "value",
            )
    if effect.measure in _RATIO_MEASURES and (
        value <= 0 or (low is not None and low <= 0) or (high is not None and high <= 0)
    ):
        here.add("ICX062", f"a {effect.measure} and its bounds are positive", *at, "value")


def trial_rules(strategy: Strategy, here: EntityChecker) -> None:
    """Trials to watch: well-formed registrations, each once, each status dated."""
    seen: set[str] = set()
    for i, trial in enumerate(strategy.trials):
        if not NCT.fullmatch(trial.registration):
            here.add(
                "ICX033",
                f"'{trial.registration}' is not NCT + 8 digits",
                "trials",
                i,
                "registration",
            )
        if trial.registration in seen:
            here.add(
                "ICX067",
                f"trial {trial.registration} is listed twice",
                "trials",
                i,
                "registration",
            )
        seen.add(trial.registration)
        if trial.study is not None:
            here.refer(STUDY, trial.study, "trials", i, "study")
        if trial.status_seen is None:
            here.add(
                "ICX064",
                f"trial {trial.registration}: say when its status was seen "
                "(status_seen: YYYY-MM-DD); a status without a date cannot be trusted",
                "trials",
                i,
                "status",
            )
            continue
        try:
            if not ISO_DATE.fullmatch(trial.status_seen):
                raise ValueError(trial.status_seen)
            seen_on = datetime.date.fromisoformat(trial.status_seen)
        except ValueError:
            here.add(
                "ICX065",
                f"status_seen '{trial.status_seen}' is not a date of the form YYYY-MM-DD",
                "trials",
                i,
                "status_seen",
            )
            continue
        if seen_on > datetime.date.today():
            here.add(
                "ICX065",
                f"status_seen {trial.status_seen} is in the future",
                "trials",
                i,
                "status_seen",
            )
