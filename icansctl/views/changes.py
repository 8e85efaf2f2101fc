"""The ``changes`` view: what was added or corrected in the evidence since a date.

Every dated record (strategy, study, figure, relative effect, claim) is listed once
when it was added on or after the date ("since" includes the day itself, so that
nothing entered on the day of the last journal club is missed), or, if it is older,
when it was changed in place on or after the date, with what changed.  A record
without a date of its own takes that of the study, strategy or mechanism node it
belongs to; one with no date at all cannot be placed and is only counted.
Entries are newest first; within a day they keep the order of the evidence
(strategy, its claims, then each study with its figures and claims).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from ..evidence.base import EvidenceBase
from ..evidence.model import Effect, Outcome, Strategy, Study
from ..evidence.model_dates import Dated
from ..evidence.model_types import Citation, Claim, cite_reference
from .common import CitationView, build_figure, cite_view, design_label
from .dates import Currency, currency
from .numbering import Citer, NumberedReference
from .overrides import marked_references

Action = Literal["added", "changed"]
Kind = Literal["strategy", "study", "figure", "effect", "claim"]


@dataclass(frozen=True)
class ChangeEntry:
    """One record added or changed since the date asked for."""

    date: dt.date  # the day it was added, or its latest change since the date asked for
    action: Action
    kind: Kind
    strategy: str  # id of the (first shown) strategy it belongs to
    context: str  # the study, strategy or mechanism node it sits in
    label: str  # what it is there: 'summary', 'finding', 'ICANS (any grade), Anakinra arm'
    text: str  # the claim, the figure as shown, the study's design line
    changes: list[str]  # what changed (for 'changed': each correction since the date)
    citations: list[CitationView]

    @property
    def markers(self) -> str:
        """'[1, 3]' for the citations of this entry ('' without any)."""
        numbers = dict.fromkeys(c.number for c in self.citations)
        return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


@dataclass
class ChangesView:
    """Everything added or corrected since ``since``, newest first."""

    since: dt.date
    strategies: list[str]
    entries: list[ChangeEntry]
    references: list[NumberedReference]
    currency: Currency
    undated: int = 0  # records with no date of their own or inherited: not placed
    counts: dict[str, int] = field(default_factory=dict)  # 'added figure' -> n
    # The day the oldest of these strategies and their studies entered the evidence
    # base: asked for changes since before it, everything is new, and the output says so.
    first_added: dt.date | None = None

    @property
    def all_new(self) -> bool:
        """True when ``since`` is on or before the day the evidence base began."""
        return self.first_added is not None and self.since <= self.first_added


@dataclass
class _Raw:
    """An entry before its citations are numbered."""

    date: dt.date
    action: Action
    kind: Kind
    strategy: str
    context: str
    label: str
    text: str
    changes: list[str]
    cites: list[Citation]


def _dating(
    record: Dated, inherited: dt.date | None, since: dt.date
) -> tuple[Action, dt.date, list[str]] | Literal["undated"] | None:
    """('added' | 'changed', date, what) when listed; None when not; 'undated'."""
    added = record.added or inherited
    changes = [c for c in record.changed if c.date >= since]
    if added is not None and added >= since:
        return "added", added, []
    if changes:
        return "changed", max(c.date for c in changes), [c.what for c in changes]
    if added is None and not record.changed:
        return "undated"
    return None


class _Collector:
    """Walks the chosen strategies and keeps what is new since the date."""

    def __init__(self, base: EvidenceBase, since: dt.date) -> None:
        self.base = base
        self.since = since
        self.raw: list[_Raw] = []
        self.undated = 0
        self._figures = Citer(base.references)  # numbers figures' values only

    def add(
        self,
        record: Dated,
        inherited: dt.date | None,
        what: tuple[Kind, str, str, str, str],
        cites: list[Citation],
    ) -> None:
        """Keep ``record`` when it is new or changed since the date."""
        dating = _dating(record, inherited, self.since)
        if dating == "undated":
            self.undated += 1
        elif dating is not None:
            action, date, changes = dating
            kind, strategy, context, label, text = what
            self.raw.append(
                _Raw(date, action, kind, strategy, context, label, text, changes, cites)
            )

    def claims(
        self, claims: list[Claim], inherited: dt.date | None, where: tuple[str, str, str]
    ) -> None:
        """Each claim of one list (a strategy's summary, a study's findings...)."""
        strategy, context, label = where
        for claim in claims:
            self.add(claim, inherited, ("claim", strategy, context, label, claim.text), claim.cite)

    def strategy(self, strategy: Strategy) -> None:
        """The strategy itself, its claims and its regimens' schedules."""
        sid, name, added = strategy.id, strategy.name, strategy.added
        self.add(strategy, None, ("strategy", sid, name, "strategy", name), [])
        for label in ("summary", "mechanism", "status", "caveats"):
            self.claims(getattr(strategy, label), added, (sid, name, label))
        for regimen in strategy.regimens:
            self.claims(regimen.schedule, added, (sid, name, f"schedule: {regimen.name}"))

    def study(self, study: Study, strategy: str) -> None:
        """The study, its figures, relative effects, findings and notes."""
        added, name = study.added, study.name
        text = f"{design_label(study)}; {study.population.disease}; {study.population.product}"
        self.add(
            study, None, ("study", strategy, name, "study", text), [cite_reference(study.reference)]
        )
        for outcome in study.outcomes:
            label, value = self._figure(study, outcome)
            cites = list(outcome.cite) + self._via(outcome)
            self.add(outcome, added, ("figure", strategy, name, label, value), cites)
        for effect in study.effects:
            label, value = self._effect(effect)
            self.add(effect, added, ("effect", strategy, name, label, value), list(effect.cite))
        self.claims(study.findings, added, (strategy, name, "finding"))
        self.claims(study.notes, added, (strategy, name, "note"))

    def node(self, node_id: str, strategy: str) -> None:
        """The description of one mechanism node."""
        node = self.base.nodes[node_id]
        context = f"mechanism: {node.label}"
        self.claims(node.description, node.added, (strategy, context, "mechanism node"))

    def _figure(self, study: Study, outcome: Outcome) -> tuple[str, str]:
        arms = {arm.id: arm for arm in study.arms}
        arm = arms.get(outcome.arm)
        endpoint = self.base.endpoints.get(outcome.endpoint)
        label = f"{endpoint.label if endpoint else outcome.endpoint}, "
        label += arm.label if arm else outcome.arm
        if outcome.time_point:
            label += f" ({outcome.time_point})"
        role = arm.role if arm else "intervention"
        return label, build_figure(outcome, role, self._figures).value_text

    def _effect(self, effect: Effect) -> tuple[str, str]:
        endpoint = self.base.endpoints.get(effect.endpoint)
        label = f"{endpoint.label if endpoint else effect.endpoint}, {effect.measure}"
        value = f"{effect.value:g}"
        if effect.ci_low is not None and effect.ci_high is not None:
            value += f" (95% CI {effect.ci_low:g}–{effect.ci_high:g})"
        return label, value

    @staticmethod
    def _via(outcome: Outcome) -> list[Citation]:
        via = outcome.provenance.via
        return [cite_reference(via)] if via and via not in {c.ref for c in outcome.cite} else []


def _walk(base: EvidenceBase, chosen: list[Strategy], collector: _Collector) -> None:
    seen_studies: set[str] = set()
    seen_nodes: set[str] = set()
    for strategy in chosen:
        collector.strategy(strategy)
        for study in base.studies_of(strategy):
            if study.id not in seen_studies:
                seen_studies.add(study.id)
                collector.study(study, strategy.id)
    for strategy in chosen:
        for node_id in strategy.targets:
            if node_id in base.nodes and node_id not in seen_nodes:
                seen_nodes.add(node_id)
                collector.node(node_id, strategy.id)


def changes_view(base: EvidenceBase, strategies: list[Strategy], since: dt.date) -> ChangesView:
    """What was added or changed on or after ``since`` in the given strategies (all
    strategies and baselines when none is given), newest first, citations numbered."""
    chosen = strategies or list(base.strategies.values())
    collector = _Collector(base, since)
    _walk(base, chosen, collector)
    if not strategies:  # every mechanism node, targeted or not
        for node_id in base.nodes:
            if all(node_id not in s.targets for s in chosen):
                collector.node(node_id, "")
    citer = Citer(base.references)
    entries = [
        ChangeEntry(
            raw.date,
            raw.action,
            raw.kind,
            raw.strategy,
            raw.context,
            raw.label,
            raw.text,
            raw.changes,
            cite_view(citer, raw.cites),
        )
        for raw in sorted(collector.raw, key=lambda r: r.date, reverse=True)
    ]
    return ChangesView(
        since=since,
        strategies=[s.id for s in chosen],
        entries=entries,
        references=marked_references(base, citer.listing()),
        currency=currency(chosen),
        undated=collector.undated,
        counts=dict(_counts(entries)),
        first_added=min(
            (
                d
                for s in chosen
                for d in [s.added, *(study.added for study in base.studies_of(s))]
                if d is not None
            ),
            default=None,
        ),
    )


def _counts(entries: list[ChangeEntry]) -> Iterator[tuple[str, int]]:
    """'added figure': 12 ... in a fixed order (actions, then kinds)."""
    for action in ("added", "changed"):
        for kind in ("strategy", "study", "figure", "effect", "claim"):
            n = sum(1 for e in entries if e.action == action and e.kind == kind)
            if n:
                yield f"{action} {kind}", n
