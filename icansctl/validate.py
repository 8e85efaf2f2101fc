"""Cross-file checks on a merged evidence base: citations, identifiers, ids and numbers.

Each check yields diagnostics located at the offending value.  Indices (cited
references, used studies) are built once, so the whole pass is linear in the size
of the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .diagnostics import Diagnostic, diagnostic
from .evidence import EvidenceBase, Origin
from .model import GRADING, Citation, Outcome, Reference, Strategy, Study
from .stats import percent_agrees

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
PMCID = re.compile(r"^PMC\d{1,9}$")
NCT = re.compile(r"^NCT\d{8}$")

Path_ = tuple[str | int, ...]

MAX_HINT_IDS = 2000  # 'did you mean' looks through at most this many known ids


def walk_citations(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Citation]]:
    """Every Citation inside a model, with its path (for file:line lookup)."""
    if isinstance(value, Citation):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from walk_citations(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from walk_citations(item, (*path, i))


def _entities(base: EvidenceBase) -> Iterator[tuple[BaseModel, Origin]]:
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
                yield entity, origin
    for edge in base.edges:
        origin = base.origin("edge", f"{edge.source}->{edge.target}")
        if origin is not None:
            yield edge, origin


def check_citations(base: EvidenceBase, cited: set[str]) -> Iterator[Diagnostic]:
    """Citations resolve and carry locators; fills ``cited`` with the ids used."""
    for entity, origin in _entities(base):
        for path, citation in walk_citations(entity):
            cited.add(citation.ref)
            if citation.ref not in base.references:
                yield _unknown(origin, (*path, "ref"), "reference", citation.ref, base.references)
            if citation.locator is None:
                yield diagnostic(
                    origin.locate(*path),
                    "ICX034",
                    f"citation of '{citation.ref}' has no locator (table, figure, section)",
                )


def _unknown(
    origin: Origin, path: Path_, kind: str, value: str, known: dict[str, Any] | list[str]
) -> Diagnostic:
    import difflib

    # difflib is linear in the candidates: past a few thousand ids (a generated base),
    # skip the hint so that many unknown ids cannot make the check quadratic.
    close = difflib.get_close_matches(value, list(known), n=1) if len(known) <= MAX_HINT_IDS else []
    hint = f"; did you mean '{close[0]}'?" if close else ""
    rule = "ICX031" if kind == "reference" else "ICX050"
    return diagnostic(origin.locate(*path), rule, f"unknown {kind} '{value}'{hint}")


def check_reference(reference: Reference, origin: Origin) -> Iterator[Diagnostic]:
    """A reference can be found (DOI, PMID, PMCID or URL) and its identifiers are well formed."""
    if not (reference.doi or reference.pmid or reference.pmcid or reference.url):
        yield diagnostic(
            origin.locate("id"),
            "ICX032",
            f"reference '{reference.id}' has neither DOI, PMID, PMCID nor URL",
        )
    if reference.doi and not DOI.match(reference.doi):
        yield diagnostic(
            origin.locate("doi"), "ICX033", f"DOI '{reference.doi}' is not of the form 10.NNNN/..."
        )
    if reference.pmid and not PMID.match(reference.pmid):
        why = (
            "that is a PMCID: put it under 'pmcid'"
            if reference.pmid.upper().startswith("PMC")
            else "a PMID is digits only"
        )
        yield diagnostic(origin.locate("pmid"), "ICX033", f"PMID '{reference.pmid}': {why}")
    if reference.pmcid and not PMCID.match(reference.pmcid):
        yield diagnostic(
            origin.locate("pmcid"), "ICX033", f"PMCID '{reference.pmcid}' is not PMC + digits"
        )
    for i, nct in enumerate(reference.registration):
        if not NCT.match(nct):
            yield diagnostic(
                origin.locate("registration", i), "ICX033", f"'{nct}' is not NCT + 8 digits"
            )


def check_outcome(
    study: Study, index: int, outcome: Outcome, origin: Origin, base: EvidenceBase
) -> Iterator[Diagnostic]:
    """One outcome's ids and numbers agree with its study and with themselves."""
    at = ("outcomes", index)
    arms = {arm.id: arm for arm in study.arms}
    if outcome.endpoint not in base.endpoints:
        yield _unknown(origin, (*at, "endpoint"), "endpoint", outcome.endpoint, base.endpoints)
    arm = arms.get(outcome.arm)
    if arm is None:
        yield _unknown(origin, (*at, "arm"), "arm", outcome.arm, list(arms))
    if outcome.grading is not None and outcome.grading not in GRADING:
        yield _unknown(origin, (*at, "grading"), "grading system", outcome.grading, list(GRADING))
    via = outcome.provenance.via
    if via is not None and via not in base.references:
        yield _unknown(origin, (*at, "provenance", "via"), "reference", via, base.references)
    events, total = outcome.events, outcome.total
    if events is not None and total is not None:
        if events > total:
            yield diagnostic(
                origin.locate(*at, "events"), "ICX040", f"events {events} exceed total {total}"
            )
            return
        if arm is not None and arm.n is not None:
            if total > arm.n:
                yield diagnostic(
                    origin.locate(*at, "total"),
                    "ICX042",
                    f"total {total} exceeds arm '{arm.id}' n = {arm.n}",
                )
            elif total != arm.n and outcome.note is None:
                yield diagnostic(
                    origin.locate(*at, "total"),
                    "ICX042",
                    f"total {total} differs from arm '{arm.id}' n = {arm.n}; "
                    "say why in 'note' (e.g. evaluable subset)",
                )
        if outcome.reported_percent is not None:
            if total and not percent_agrees(events, total, outcome.reported_percent):
                computed = 100 * events / total
                yield diagnostic(
                    origin.locate(*at, "reported_percent"),
                    "ICX043",
                    f"reported {outcome.reported_percent:g}% but {events}/{total} = "
                    f"{computed:.2f}%, which rounds to neither",
                )
            if outcome.provenance.count is None:
                yield diagnostic(
                    origin.locate(*at, "events"),
                    "ICX044",
                    "a count beside a reported percent: set provenance.count to "
                    "'derived' (computed from the percent) or 'reported'",
                )


def check_study(study: Study, origin: Origin, base: EvidenceBase) -> Iterator[Diagnostic]:
    """A study's reference, arms and outcomes point at things that exist."""
    if study.reference not in base.references:
        yield _unknown(origin, ("reference",), "reference", study.reference, base.references)
    for i, nct in enumerate(study.registration):
        if not NCT.match(nct):
            yield diagnostic(
                origin.locate("registration", i), "ICX033", f"'{nct}' is not NCT + 8 digits"
            )
    seen: set[str] = set()
    for i, arm in enumerate(study.arms):
        if arm.id in seen:
            yield diagnostic(origin.locate("arms", i, "id"), "ICX051", f"arm id '{arm.id}' twice")
        seen.add(arm.id)
        if arm.strategy is not None:
            strategy = base.strategies.get(arm.strategy)
            if strategy is None:
                yield _unknown(
                    origin, ("arms", i, "strategy"), "strategy", arm.strategy, base.strategies
                )
            elif arm.regimen is not None and arm.regimen not in {r.id for r in strategy.regimens}:
                yield _unknown(
                    origin,
                    ("arms", i, "regimen"),
                    "regimen",
                    arm.regimen,
                    [r.id for r in strategy.regimens],
                )
    for i, outcome in enumerate(study.outcomes):
        yield from check_outcome(study, i, outcome, origin, base)


def check_strategy(strategy: Strategy, origin: Origin, base: EvidenceBase) -> Iterator[Diagnostic]:
    """A strategy's targets and studies exist."""
    for i, target in enumerate(strategy.targets):
        if target not in base.nodes:
            yield _unknown(origin, ("targets", i), "mechanism node", target, base.nodes)
    for r, regimen in enumerate(strategy.regimens):
        for s, study_id in enumerate(regimen.studies):
            if study_id not in base.studies:
                yield _unknown(
                    origin, ("regimens", r, "studies", s), "study", study_id, base.studies
                )


def validate_base(base: EvidenceBase) -> list[Diagnostic]:
    """All cross-file checks on a merged base."""
    found: list[Diagnostic] = []
    cited: set[str] = set()
    found.extend(check_citations(base, cited))
    for ref_id, reference in base.references.items():
        origin = base.origin("reference", ref_id)
        if origin is not None:
            found.extend(check_reference(reference, origin))
    used_studies: set[str] = set()
    for strategy_id, strategy in base.strategies.items():
        origin = base.origin("strategy", strategy_id)
        used_studies.update(strategy.study_ids)
        if origin is not None:
            found.extend(check_strategy(strategy, origin, base))
    for study_id, study in base.studies.items():
        cited.add(study.reference)
        cited.update(o.provenance.via for o in study.outcomes if o.provenance.via)
        origin = base.origin("study", study_id)
        if origin is None:
            continue
        found.extend(check_study(study, origin, base))
        if study_id not in used_studies:
            found.append(
                diagnostic(
                    origin.locate("id"),
                    "ICX052",
                    f"study '{study_id}' is in no strategy's regimens",
                )
            )
    for edge in base.edges:
        origin = base.origin("edge", f"{edge.source}->{edge.target}")
        if origin is None:
            continue
        for end in ("source", "target"):
            node = getattr(edge, end)
            if node not in base.nodes:
                found.append(_unknown(origin, (end,), "mechanism node", node, base.nodes))
    for ref_id in base.references:
        origin = base.origin("reference", ref_id)
        if ref_id not in cited and origin is not None:
            found.append(
                diagnostic(origin.locate("id"), "ICX052", f"reference '{ref_id}' is never cited")
            )
    return found
