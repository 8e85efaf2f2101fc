"""Cross-file checks on a merged evidence base: citations, identifiers, ids and numbers.

Two stages, so that ``check`` can stream: ``entity_record()`` runs the rules that need
one entity and its file (identifiers, numbers, locators) and keeps a compact record
of the ids it names; ``cross_file()`` resolves those ids against every surviving
entity and finds orphans.  ``validate_base()`` runs both on a loaded base.  Indices
(cited references, used studies) are built once: linear in the size of the evidence.
"""

from __future__ import annotations

import re
import sys
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .diagnostics import Diagnostic, Location, diagnostic
from .model import (
    GRADING,
    Arm,
    Citation,
    Effect,
    MechanismEdge,
    Outcome,
    Reference,
    Strategy,
    Study,
)
from .records import (
    ENDPOINT,
    NODE,
    REF_KINDS,
    REFERENCE,
    STUDY,
    ArmLink,
    EntityRecord,
    Unusable,
)
from .stats import MAX_COUNT, decimals_of, display_places, percent_agrees

if TYPE_CHECKING:
    from .evidence import EvidenceBase
    from .yamlsource import ParsedFile

# Matched with fullmatch and ASCII digits ('$' would accept a trailing newline, '\d'
# Arabic-Indic digits).  A DOI suffix is any visible text: no spaces, no controls, and
# none of the invisible format characters (zero-width, bidirectional) that would make
# two DOIs look alike.
DOI = re.compile(
    "10\\.[0-9]{4,9}/[^\\s\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff]+"
)
PMID = re.compile(r"[1-9][0-9]{0,8}")
PMCID = re.compile(r"PMC[0-9]{1,9}")
NCT = re.compile(r"NCT[0-9]{8}")

Path_ = tuple[str | int, ...]

MAX_HINT_IDS = 2000  # 'did you mean' looks through at most this many known ids


def walk_citations(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Citation]]:
    """Every Citation inside a model, with its path (for file:line lookup)."""
    if isinstance(value, Citation):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in _citation_fields(type(value)):
            yield from walk_citations(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from walk_citations(item, (*path, i))


_CITATION_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def _citation_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that can hold a Citation, in declaration order (cached)."""
    cached = _CITATION_FIELDS.get(model)
    if cached is None:
        _CITATION_FIELDS[model] = ()  # guards a self-referencing model
        cached = tuple(
            name
            for name, info in model.model_fields.items()
            if any(
                inner is Citation or _citation_fields(inner)
                for inner in _models_in(info.annotation)
            )
        )
        _CITATION_FIELDS[model] = cached
    return cached


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The BaseModel classes inside an annotation like ``list[Claim] | None``."""
    # On Python 3.10 `list[Claim]` passes isinstance(..., type) and then issubclass
    # raises TypeError: only a class with no generic origin is a model.
    plain_class = isinstance(annotation, type) and typing.get_origin(annotation) is None
    if plain_class and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _unknown(
    where: Location, kind: str, value: str, known: Mapping[str, Any] | Sequence[str]
) -> Diagnostic:
    """ICX031 (a reference) or ICX050 (any other id), with a 'did you mean' when cheap."""
    import difflib

    # difflib is linear in the candidates: past a few thousand ids (a generated base),
    # skip the hint so that many unknown ids cannot make the check quadratic.
    close = difflib.get_close_matches(value, list(known), n=1) if len(known) <= MAX_HINT_IDS else []
    hint = f"; did you mean '{close[0]}'?" if close else ""
    rule = "ICX031" if kind == "reference" else "ICX050"
    return diagnostic(where, rule, f"unknown {kind} '{value}'{hint}")


# --- intra-file rules: one entity, its file, nothing else ------------------------------


class _Entity:
    """An entity being recorded: its record, its parsed file and its path in that file."""

    __slots__ = ("parsed", "prefix", "record")

    def __init__(self, record: EntityRecord, parsed: ParsedFile, prefix: Path_) -> None:
        self.record = record
        self.parsed = parsed
        self.prefix = prefix

    def packed(self, *path: str | int) -> int:
        return self.parsed.locate_packed((*self.prefix, *path))

    def locate(self, *path: str | int) -> Location:
        return self.parsed.locate((*self.prefix, *path))

    def refer(self, kind: int, target: str, *path: str | int) -> None:
        self.record.refer(kind, target, self.packed(*path))

    def add(self, rule: str, message: str, *path: str | int) -> None:
        self.record.add(diagnostic(self.locate(*path), rule, message))

    def misread(self, *path: str | int) -> bool:
        """The number at ``path`` was written in a YAML 1.1 form (already ICX009): the
        value read is not the one written, so no rule compares it."""
        forms = self.parsed.number_forms
        return bool(forms) and (*self.prefix, *path) in forms


def entity_record(
    kind: str, entity_id: str, entity: BaseModel, parsed: ParsedFile, prefix: Path_ = ()
) -> EntityRecord:
    """Run the intra-file rules on one entity; keep what the cross-file rules need.

    ``kind`` is reference, study, strategy, endpoint, node or edge; ``prefix`` is the
    entity's path in ``parsed`` (``("nodes", 3)`` in mechanisms.yaml).
    """
    at_id = parsed.locate_packed((*prefix, "id"))
    record = EntityRecord(kind, sys.intern(entity_id), parsed.path, at_id)
    here = _Entity(record, parsed, prefix)
    for path, citation in walk_citations(entity):
        here.refer(REFERENCE, citation.ref, *path, "ref")
        if citation.locator is None:
            here.add(
                "ICX034",
                f"citation of '{citation.ref}' has no locator (table, figure, section)",
                *path,
            )
    if isinstance(entity, Reference):
        _reference_rules(entity, here)
    elif isinstance(entity, Study):
        _study_rules(entity, here)
    elif isinstance(entity, Strategy):
        for i, target in enumerate(entity.targets):
            here.refer(NODE, target, "targets", i)
        for r, regimen in enumerate(entity.regimens):
            for s, study_id in enumerate(regimen.studies):
                here.refer(STUDY, study_id, "regimens", r, "studies", s)
        _trial_rules(entity, here)
        record.regimens = tuple(sys.intern(r.id) for r in entity.regimens)
        record.names = (entity.name, *entity.aliases)
        record.names_at = (
            here.packed("name"),
            *(here.packed("aliases", i) for i in range(len(entity.aliases))),
        )
    elif isinstance(entity, MechanismEdge):
        here.refer(NODE, entity.source, "source")
        here.refer(NODE, entity.target, "target")
    return record


def _reference_rules(reference: Reference, here: _Entity) -> None:
    """A reference can be found (DOI, PMID, PMCID or URL) and its identifiers are well formed."""
    if not (reference.doi or reference.pmid or reference.pmcid or reference.url) and not (
        _found_by_registration(reference)
    ):
        here.add("ICX032", f"reference '{reference.id}' has neither DOI, PMID, PMCID nor URL", "id")
    if reference.doi and not DOI.fullmatch(reference.doi):
        here.add("ICX033", f"DOI '{reference.doi}' is not of the form 10.NNNN/...", "doi")
    if reference.pmid and not PMID.fullmatch(reference.pmid):
        pmid = reference.pmid
        if pmid.upper().startswith("PMC"):
            why = "that is a PMCID: put it under 'pmcid'"
        elif pmid.isascii() and pmid.isdigit() and pmid.startswith("0"):
            why = "a PMID has no leading zero"
        elif pmid.isascii() and pmid.isdigit():
            why = "a PMID has at most 9 digits"
        else:
            why = "a PMID is digits only"
        here.add("ICX033", f"PMID '{reference.pmid}': {why}", "pmid")
    if reference.pmcid and not PMCID.fullmatch(reference.pmcid):
        here.add("ICX033", f"PMCID '{reference.pmcid}' is not PMC + digits", "pmcid")
    for i, nct in enumerate(reference.registration):
        if not NCT.fullmatch(nct):
            here.add("ICX033", f"'{nct}' is not NCT + 8 digits", "registration", i)


def _study_rules(study: Study, here: _Entity) -> None:
    """A study's own ids and numbers agree; the ids it names elsewhere are remembered."""
    here.refer(REFERENCE, study.reference, "reference")
    for i, nct in enumerate(study.registration):
        if not NCT.fullmatch(nct):
            here.add("ICX033", f"'{nct}' is not NCT + 8 digits", "registration", i)
    population = study.population
    for name in ("enrolled", "treated", "evaluable"):
        _count_cap(here, getattr(population, name), "population", name)
    # Patients in an intervention arm (or either arm of a randomized trial) were
    # treated in this study, so no such arm is larger than the treated population; a
    # matched or historical comparator is counted apart from it.
    treated = None if here.misread("population", "treated") else population.treated
    randomized = study.design.comparator == "randomized"
    seen: set[str] = set()
    links: list[ArmLink] = []
    for i, arm in enumerate(study.arms):
        _count_cap(here, arm.n, "arms", i, "n")
        if (
            treated is not None
            and arm.n is not None
            and not here.misread("arms", i, "n")
            and arm.n > treated
            and (arm.role == "intervention" or randomized)
        ):
            here.add(
                "ICX046",
                f"arm '{arm.id}' n = {arm.n} exceeds the {treated} treated (population.treated)",
                "arms",
                i,
                "n",
            )
        if arm.id in seen:
            here.add("ICX051", f"arm id '{arm.id}' twice", "arms", i, "id")
        seen.add(arm.id)
        if arm.strategy is not None:
            links.append(
                ArmLink(
                    sys.intern(arm.strategy),
                    arm.regimen,
                    here.packed("arms", i, "strategy"),
                    here.packed("arms", i, "regimen"),
                )
            )
    if links:
        here.record.arms = links
    arms = {arm.id: arm for arm in study.arms}
    misread_n = {arm.id for i, arm in enumerate(study.arms) if here.misread("arms", i, "n")}
    for i, outcome in enumerate(study.outcomes):
        _outcome_rules(i, outcome, arms, here, misread_n)
    _new_evidence_study_rules(study, arms, here)


def _outcome_rules(
    index: int, outcome: Outcome, arms: dict[str, Arm], here: _Entity, misread_n: set[str]
) -> None:
    """One outcome's ids and numbers agree with its study and with themselves."""
    at = ("outcomes", index)
    here.refer(ENDPOINT, outcome.endpoint, *at, "endpoint")
    arm = arms.get(outcome.arm)
    if arm is None:
        here.record.add(_unknown(here.locate(*at, "arm"), "arm", outcome.arm, list(arms)))
    if outcome.grading is not None and outcome.grading not in GRADING:
        here.record.add(
            _unknown(here.locate(*at, "grading"), "grading system", outcome.grading, list(GRADING))
        )
    via = outcome.provenance.via
    if via is not None:
        here.refer(REFERENCE, via, *at, "provenance", "via")
    events, total = outcome.events, outcome.total
    if any(here.misread(*at, name) for name in ("events", "total", "reported_percent")):
        return
    too_large = _count_cap(here, events, *at, "events") | _count_cap(here, total, *at, "total")
    if too_large:
        return
    if total == 0:
        here.add(
            "ICX045",
            "total 0: no proportion exists; leave 'total' (and 'events') out if unknown",
            *at,
            "total",
        )
        return
    if events is None or total is None:
        return
    if arm is not None and arm.id in misread_n:
        arm = None  # its n is not the one written: compare the total with nothing
    if events > total:
        here.add("ICX040", f"events {events} exceed total {total}", *at, "events")
        return
    if arm is not None and arm.n is not None:
        if total > arm.n:
            here.add("ICX042", f"total {total} exceeds arm '{arm.id}' n = {arm.n}", *at, "total")
        elif total != arm.n and outcome.note is None:
            here.add(
                "ICX042",
                f"total {total} differs from arm '{arm.id}' n = {arm.n}; "
                "say why in 'note' (e.g. evaluable subset)",
                *at,
                "total",
            )
    if outcome.reported_percent is not None:
        if not percent_agrees(events, total, outcome.reported_percent):
            here.add(
                "ICX043",
                _percent_message(events, total, outcome.reported_percent),
                *at,
                "reported_percent",
            )
        if outcome.provenance.count is None:
            here.add(
                "ICX044",
                "a count beside a reported percent: set provenance.count to "
                "'derived' (computed from the percent) or 'reported'",
                *at,
                "events",
            )


def _count_cap(here: _Entity, value: int | None, *path: str | int) -> bool:
    """ICX047 when a count is above MAX_COUNT (the stats refuse such counts)."""
    if value is None or value <= MAX_COUNT:
        return False
    shown = f"{value:,}" if value < 10**30 else f"a {len(str(value))}-digit number"
    name = next(part for part in reversed(path) if isinstance(part, str))
    here.add("ICX047", f"'{name}' is {shown}, above {MAX_COUNT:,}: no study is that large", *path)
    return True


def _percent_message(events: int, total: int, reported: float) -> str:
    """ICX043's message: what the count gives rounded, and truncated when that differs."""
    from fractions import Fraction
    from math import floor

    places = max(2, display_places(events, total))
    exact = Fraction(100 * events, total)
    shown = f"{float(exact):.{places}f}"
    precision = decimals_of(reported)
    scale = 10**precision
    truncated = Fraction(floor(exact * scale), scale)
    nearest = Fraction(floor(exact * scale + Fraction(1, 2)), scale)
    as_text = [f"{float(v):.{precision}f}%" for v in (nearest, truncated)]
    said = as_text[0] if nearest == truncated else f"{as_text[0]} (or {as_text[1]} truncated)"
    return f"reported {reported:g}% but {events}/{total} = {shown}%, which rounds to {said}"


# --- cross-file rules: on the records of every surviving entity ----------------------


@dataclass
class Known:
    """The ids that exist once layers are merged (a regimen list per strategy id).

    ``unusable`` holds what files that failed their schema still say: their ids are
    not reported as unknown where cited, nor the ids they mention as orphans.
    """

    references: Mapping[str, Any]
    endpoints: Mapping[str, Any]
    studies: Mapping[str, Any]
    strategies: Mapping[str, Sequence[str]]
    nodes: Mapping[str, Any]
    unusable: Unusable = field(default_factory=Unusable)


# REF_KINDS code -> the kind under which Unusable keeps ids.
_UNUSABLE_KIND = {REFERENCE: "reference", ENDPOINT: "endpoint", STUDY: "study", NODE: "node"}


def cross_file(records: Iterable[EntityRecord], known: Known) -> list[Diagnostic]:
    """Findings of every record, plus unknown ids, orphans and strategy name collisions.

    One pass over the records and one over the studies, references and strategies:
    linear.
    """
    tables: tuple[Mapping[str, Any], ...] = (
        known.references,
        known.endpoints,
        known.studies,
        known.nodes,
    )
    invalid = tuple(known.unusable.ids[_UNUSABLE_KIND[code]] for code in range(len(REF_KINDS)))
    invalid_strategies = known.unusable.ids["strategy"]
    found: list[Diagnostic] = []
    cited: set[str] = set()
    used_studies: set[str] = set()
    studies: list[EntityRecord] = []
    references: list[EntityRecord] = []
    strategies: list[EntityRecord] = []
    for record in records:
        if record.findings:
            found.extend(record.findings)
        for code, target, packed in zip(
            record.ref_kinds, record.ref_ids, record.ref_at, strict=True
        ):
            if code == REFERENCE:
                cited.add(target)
            elif code == STUDY:
                used_studies.add(target)
            table = tables[code]
            if target not in table and target not in invalid[code]:
                found.append(_unknown(record.at(packed), REF_KINDS[code], target, table))
        for link in record.arms or ():
            regimens = known.strategies.get(link.strategy)
            if regimens is None:
                if link.strategy not in invalid_strategies:
                    found.append(
                        _unknown(
                            record.at(link.strategy_at), "strategy", link.strategy, known.strategies
                        )
                    )
            elif link.regimen is not None and link.regimen not in regimens:
                found.append(
                    _unknown(record.at(link.regimen_at), "regimen", link.regimen, list(regimens))
                )
        if record.kind == "study":
            studies.append(record)
        elif record.kind == "reference":
            references.append(record)
        elif record.kind == "strategy":
            strategies.append(record)
    mentioned = known.unusable.mentioned
    for record in studies:
        if record.id not in used_studies and record.id not in mentioned:
            found.append(
                diagnostic(
                    record.at(record.id_at),
                    "ICX052",
                    f"study '{record.id}' is in no strategy's regimens",
                )
            )
    for record in references:
        if record.id not in cited and record.id not in mentioned:
            found.append(
                diagnostic(
                    record.at(record.id_at), "ICX052", f"reference '{record.id}' is never cited"
                )
            )
    found.extend(name_collisions(strategies))
    return found


def name_collisions(strategies: Sequence[EntityRecord]) -> list[Diagnostic]:
    """ICX053 for each strategy word (casefolded) that another strategy already holds.

    Mirrors ``EvidenceBase.resolve_strategy``: ids are taken first, then names and
    aliases in load order, a word never changing hands; every word that loses so is
    reported where it is written, naming the strategy it resolves to instead.
    """
    taken: dict[str, tuple[EntityRecord, str, int]] = {}
    found: list[Diagnostic] = []

    def claim(record: EntityRecord, what: str, word: str, packed: int) -> None:
        holder = taken.setdefault(word.casefold(), (record, what, packed))
        other, other_what, other_at = holder
        if other is record or other.id == record.id:
            return  # a strategy may repeat its own words (a name that is its id)
        if what == "id":  # exact ids still find each other; only their case differs
            message = (
                f"strategy id '{word}' differs only in case from the id of strategy "
                f"'{other.id}' ({other.at(other_at)}); choose another id"
            )
        else:
            message = (
                f"strategy {what} '{word}' is already the {other_what} of strategy "
                f"'{other.id}' ({other.at(other_at)}), so '{word}' finds that one; "
                f"choose another {what}"
            )
        found.append(diagnostic(record.at(packed), "ICX053", message))

    for record in strategies:
        claim(record, "id", record.id, record.id_at)
    for record in strategies:
        for i, (word, packed) in enumerate(zip(record.names, record.names_at, strict=True)):
            claim(record, "name" if i == 0 else "alias", word, packed)
    return found


def base_records(base: EvidenceBase) -> Iterator[EntityRecord]:
    """A record of every entity of a loaded base that knows where it was defined."""
    tables: list[tuple[str, dict[str, Any]]] = [
        ("reference", base.references),
        ("study", base.studies),
        ("strategy", base.strategies),
        ("endpoint", base.endpoints),
        ("node", base.nodes),
    ]
    for kind, table in tables:
        for entity_id, entity in table.items():
            origin = base.origin(kind, entity_id)
            if origin is not None:
                yield entity_record(kind, entity_id, entity, origin.file, origin.prefix)
    for edge in base.edges:
        edge_id = f"{edge.source}->{edge.target}"
        origin = base.origin("edge", edge_id)
        if origin is not None:
            yield entity_record("edge", edge_id, edge, origin.file, origin.prefix)


def validate_base(base: EvidenceBase, unusable: Unusable | None = None) -> list[Diagnostic]:
    """All cross-file checks on a merged base (``unusable``: see ``Known``)."""
    known = Known(
        base.references,
        base.endpoints,
        base.studies,
        {sid: [r.id for r in s.regimens] for sid, s in base.strategies.items()},
        base.nodes,
        unusable if unusable is not None else Unusable(),
    )
    return cross_file(base_records(base), known)


# --- new-evidence rules (ICX060-ICX067): time points, effects, trials, empty studies --

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Measures whose value and bounds are ratios: positive numbers.
_RATIO_MEASURES = {"risk ratio", "odds ratio", "hazard ratio"}


def _found_by_registration(reference: Reference) -> bool:
    """A meeting abstract of a registered trial can be found through its registration.

    Abstracts are often printed in a journal supplement with no DOI or address traced;
    the trial registration (NCT...) still leads a reader to the trial and its reports.
    """
    return reference.source_kind == "meeting abstract" and bool(reference.registration)


def _new_evidence_study_rules(study: Study, arms: dict[str, Arm], here: _Entity) -> None:
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


def _effect_rules(index: int, effect: Effect, arms: dict[str, Arm], here: _Entity) -> None:
    """An effect names two different arms of its study, is located and is consistent."""
    at = ("effects", index)
    here.refer(ENDPOINT, effect.endpoint, *at, "endpoint")
    if effect.provenance.via is not None:
        here.refer(REFERENCE, effect.provenance.via, *at, "provenance", "via")
    if effect.grading is not None and effect.grading not in GRADING:
        here.record.add(
            _unknown(here.locate(*at, "grading"), "grading system", effect.grading, list(GRADING))
        )
    for name in ("intervention", "comparator"):
        arm_id = getattr(effect, name)
        if arm_id not in arms:
            here.record.add(_unknown(here.locate(*at, name), "arm", arm_id, list(arms)))
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


def _trial_rules(strategy: Strategy, here: _Entity) -> None:
    """Trials to watch: well-formed registrations, each once, each status dated."""
    import datetime

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
