"""The ``list`` view: strategies and baselines at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence.base import EvidenceBase
from .common import strategy_identity
from .overrides import overridden_by


@dataclass
class ListItem:
    """One strategy at a glance."""

    id: str
    name: str
    kind: str
    drug_class: str | None
    aliases: list[str]
    targets: list[str]
    studies: int
    randomized_studies: int
    patients: int | None  # the strategy's own arms with a known n, summed
    arms_without_n: int = 0  # its arms whose size is not reported (left out of the sum)
    overridden_by: str | None = None  # the local file that replaced the bundled strategy


def list_view(base: EvidenceBase) -> list[ListItem]:
    """Strategies first, then baselines, each with its evidence in numbers."""
    items: list[ListItem] = []
    for strategy in sorted(base.strategies.values(), key=lambda s: (s.kind == "baseline", s.id)):
        studies = base.studies_of(strategy)
        # The arms that received this strategy, sized as the compare columns show them.
        sizes = [arm.n for s in studies for arm in s.arms if arm.strategy == strategy.id]
        known = [n for n in sizes if n is not None]
        items.append(
            ListItem(
                **strategy_identity(strategy),
                aliases=list(strategy.aliases),
                targets=[base.nodes[t].label if t in base.nodes else t for t in strategy.targets],
                studies=len(studies),
                randomized_studies=sum(1 for s in studies if s.design.randomized),
                patients=sum(known) if known else None,
                arms_without_n=len(sizes) - len(known),
                overridden_by=overridden_by(base, "strategy", strategy.id),
            )
        )
    return items
