"""The rules that need one entity and its file: identifiers, numbers, locators.

The first of two stages, so that ``check`` can stream: ``entity_record()`` runs these
rules and keeps a compact record of the ids the entity names, which
``cross_file.cross_file()`` later resolves against every surviving entity.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..diagnostics import Diagnostic, Location, diagnostic
from ..evidence.model import GRADING, Arm, Outcome, Strategy, Study
from ..evidence.model_reference import Reference
from ..evidence.model_topics import MechanismEdge
from ..evidence.model_types import Citation
from ..evidence.parsed_file import NodePath
from ..evidence.schema_errors import models_in
from ..stats import MAX_COUNT, decimals_of, display_places, percent_agrees
from . import certainty_rules, date_rules, study_rules
from .records import (
    ENDPOINT,
    NODE,
    REFERENCE,
    STUDY,
    ArmLink,
    EntityRecord,
)
from .source_rules import derived_count_findings, figure_sources, source_kind_of

if TYPE_CHECKING:
    from ..evidence.parsed_file import ParsedFile


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


MAX_HINT_IDS = 2000  # 'did you mean' looks through at most this many known ids


def walk_citations(value: Any, path: NodePath = ()) -> Iterator[tuple[NodePath, Citation]]:
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
                inner is Citation or _citation_fields(inner) for inner in models_in(info.annotation)
            )
        )
        _CITATION_FIELDS[model] = cached
    return cached


def unknown(
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

    def __init__(self, record: EntityRecord, parsed: ParsedFile, prefix: NodePath) -> None:
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

    def unknown(
        self, where: Location, kind: str, value: str, known: Mapping[str, Any] | Sequence[str]
    ) -> Diagnostic:
        return unknown(where, kind, value, known)

    def misread(self, *path: str | int) -> bool:
        """The number at ``path`` was written in a YAML 1.1 form (already ICX009): the
        value read is not the one written, so no rule compares it."""
        forms = self.parsed.number_forms
        return bool(forms) and (*self.prefix, *path) in forms


def entity_record(
    kind: str, entity_id: str, entity: BaseModel, parsed: ParsedFile, prefix: NodePath = ()
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
        study_rules.trial_rules(entity, here)
        certainty_rules.judgement_rules(entity, here)
        record.regimens = tuple(sys.intern(r.id) for r in entity.regimens)
        record.names = (entity.name, *entity.aliases)
        record.names_at = (
            here.packed("name"),
            *(here.packed("aliases", i) for i in range(len(entity.aliases))),
        )
    elif isinstance(entity, MechanismEdge):
        here.refer(NODE, entity.source, "source")
        here.refer(NODE, entity.target, "target")
    date_rules.date_rules(entity, here)
    record.dated = date_rules.dates_of(entity, here)
    record.source_kind = source_kind_of(entity)
    figures = [(here.packed("outcomes", i), refs) for i, refs in figure_sources(entity)]
    record.figure_sources = figures or None
    return record


def _reference_rules(reference: Reference, here: _Entity) -> None:
    """A reference can be found (DOI, PMID, PMCID or URL) and its identifiers are well formed."""
    if not (reference.doi or reference.pmid or reference.pmcid or reference.url) and not (
        study_rules.found_by_registration(reference)
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
    study_rules.study_rules(study, arms, here)


def _outcome_rules(
    index: int, outcome: Outcome, arms: dict[str, Arm], here: _Entity, misread_n: set[str]
) -> None:
    """One outcome's ids and numbers agree with its study and with themselves."""
    at = ("outcomes", index)
    here.refer(ENDPOINT, outcome.endpoint, *at, "endpoint")
    arm = arms.get(outcome.arm)
    if arm is None:
        here.record.add(unknown(here.locate(*at, "arm"), "arm", outcome.arm, list(arms)))
    if outcome.grading is not None and outcome.grading not in GRADING:
        here.record.add(
            unknown(here.locate(*at, "grading"), "grading system", outcome.grading, list(GRADING))
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
        _total_rules(total, arm, outcome, here, at)
    if outcome.reported_percent is not None:
        _percent_rules(events, total, outcome, here, at)
    for rule, message, path in derived_count_findings(outcome):
        here.add(rule, message, *at, *path)


def _total_rules(
    total: int, arm: Arm, outcome: Outcome, here: _Entity, at: tuple[str, int]
) -> None:
    """ICX042: a figure's denominator is the arm's n, or a note says why it is not."""
    assert arm.n is not None
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


def _percent_rules(
    events: int, total: int, outcome: Outcome, here: _Entity, at: tuple[str, int]
) -> None:
    """ICX043/044: a printed percent agrees with the count, which says where it came from."""
    assert outcome.reported_percent is not None
    if not percent_agrees(events, total, outcome.reported_percent):
        message = _percent_message(events, total, outcome.reported_percent)
        here.add("ICX043", message, *at, "reported_percent")
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
