"""The views behind ``plot`` and ``slides``: one forest plot, or a whole deck's views.

Both show the chosen strategies (all when none is named) with every baseline added,
as the deck and the plot always compare against the baseline.  The CLI only asks for
these and hands them to the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..errors import NoSuchEndpoint
from ..evidence.base import EvidenceBase
from ..evidence.model import Strategy
from .changes import ChangesView
from .common import CiMethod
from .compare import CompareView, compare_view
from .forest import DEFAULT_ENDPOINT, ForestView, forest_from_compare
from .mechanisms import MechanismView, mechanism_view
from .summary import SummaryView, chosen_endpoints, summary_from_compare

MORE_FOREST_ENDPOINTS = ("icans_any",)  # drawn in the deck beside the default endpoint


@dataclass
class PlotView:
    """One endpoint's forest plot, and the chosen strategies it could not draw."""

    forest: ForestView
    not_drawn: list[str]  # names of chosen strategies with no figure for the endpoint


@dataclass
class DeckView:
    """Everything a journal-club deck shows."""

    compare: CompareView
    mechanisms: MechanismView
    forest: ForestView | None  # None: the default endpoint is reported by no one shown
    summary: SummaryView  # the summary-of-findings table, one slide per strategy
    # The other key endpoints' forest plots (ICANS of any grade beside grade >=3), when
    # the deck shows the default endpoint and some study reports them.
    more_forests: list[ForestView] = field(default_factory=list)
    # The deck's numbers of the references the mechanism graph rests on (they are added
    # to the comparison's reference list when it does not cite them already).
    mechanism_refs: list[int] = field(default_factory=list)
    # What is new since a date (``slides --since``), on slides after the take-home.
    changes: ChangesView | None = None


def with_baselines(base: EvidenceBase, chosen: list[Strategy]) -> list[Strategy]:
    """``chosen`` (every strategy when empty) followed by every baseline."""
    strategies = chosen or [s for s in base.strategies.values() if s.kind != "baseline"]
    baselines = [s for s in base.strategies.values() if s.kind == "baseline"]
    return strategies + [b for b in baselines if b not in strategies]


def check_endpoint(base: EvidenceBase, endpoint: str) -> None:
    """An id that is no endpoint at all is a typo, not a gap in the evidence: say so."""
    if base.endpoints and endpoint not in base.endpoints:
        known = ", ".join(base.endpoints)
        raise NoSuchEndpoint(f"unknown endpoint '{endpoint}' (endpoints: {known})")


def plot_view(base: EvidenceBase, chosen: list[Strategy], endpoint: str, ci: CiMethod) -> PlotView:
    """The forest plot of ``endpoint`` for ``chosen`` and the baselines.

    Raises ``NoSuchEndpoint`` for an unknown endpoint or one nobody shown reports.
    """
    check_endpoint(base, endpoint)
    forest = forest_from_compare(compare_view(base, with_baselines(base, chosen), ci), endpoint)
    drawn = {group.strategy_id for group in forest.groups}
    not_drawn = [s.name for s in chosen if s.kind != "baseline" and s.id not in drawn]
    return PlotView(forest, not_drawn)


def deck_view(base: EvidenceBase, chosen: list[Strategy], endpoint: str, ci: CiMethod) -> DeckView:
    """The comparison, mechanism graph and forest plot of a deck.

    The forest plot of the default endpoint is left out when no study shown reports
    it; one of an endpoint the user chose must exist (``NoSuchEndpoint``).
    """
    check_endpoint(base, endpoint)
    strategies = with_baselines(base, chosen)
    compared = compare_view(base, strategies, ci)
    mechanisms = mechanism_view(base, [s for s in strategies if s.kind != "baseline"])
    try:
        forest: ForestView | None = forest_from_compare(compared, endpoint)
    except NoSuchEndpoint:
        if endpoint != DEFAULT_ENDPOINT:
            raise
        forest = None
    summary = summary_from_compare(compared, chosen_endpoints(base, None))
    more = []
    if endpoint == DEFAULT_ENDPOINT:
        reported = {row.endpoint for row in compared.rows}
        more = [forest_from_compare(compared, e) for e in MORE_FOREST_ENDPOINTS if e in reported]
    compared, mechanism_refs = _with_mechanism_references(compared, mechanisms)
    return DeckView(compared, mechanisms, forest, summary, more, mechanism_refs)


def _with_mechanism_references(
    compared: CompareView, mechanisms: MechanismView
) -> tuple[CompareView, list[int]]:
    """The comparison with the mechanism graph's references appended (numbered after
    its own), and the deck's numbers of the graph's references."""
    numbers = {r.reference.id: r.number for r in compared.references}
    extra = []
    for ref in mechanisms.references:
        if ref.reference.id not in numbers:
            numbers[ref.reference.id] = len(numbers) + 1
            extra.append(replace(ref, number=numbers[ref.reference.id]))
    cited = [numbers[r.reference.id] for r in mechanisms.references]
    return replace(compared, references=[*compared.references, *extra]), cited
