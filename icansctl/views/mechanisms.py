"""The ``mechanisms`` view: the mechanism graph and where each strategy acts on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..evidence.base import EvidenceBase
from ..evidence.model import Strategy
from .common import ClaimView, claim_views, short_name
from .numbering import Citer, NumberedReference
from .overrides import Override, overridden_by, references_and_overrides


@dataclass
class NodeView:
    """A mechanism node with the strategies that act on it."""

    id: str
    label: str
    description: list[ClaimView]
    children: list[str]
    strategies: list[str]
    overridden_by: str | None = None  # the local file that replaced the bundled node


@dataclass
class MechanismView:
    """The pathophysiology graph and where each strategy acts."""

    nodes: dict[str, NodeView]
    roots: list[str]
    edges: list[tuple[str, str]]
    selected: list[str]
    references: list[NumberedReference]
    # Entities shown from local evidence in place of bundled ones (said at the top).
    overrides: list[Override] = field(default_factory=list)


def mechanism_view(base: EvidenceBase, strategies: list[Strategy]) -> MechanismView:
    """The graph, with the given strategies (all, when none given) placed on it."""
    citer = Citer(base.references)
    chosen = strategies or [s for s in base.strategies.values() if s.kind != "baseline"]
    acting: dict[str, list[str]] = {}
    for strategy in chosen:
        for target in strategy.targets:
            acting.setdefault(target, []).append(strategy.name)
    children: dict[str, list[str]] = {node_id: [] for node_id in base.nodes}
    has_parent: set[str] = set()
    edges: list[tuple[str, str]] = []
    for edge in base.edges:
        if edge.source in children and edge.target in base.nodes:
            children[edge.source].append(edge.target)
            has_parent.add(edge.target)
            edges.append((edge.source, edge.target))
    nodes = {
        node.id: NodeView(
            node.id,
            node.label,
            claim_views(citer, node.description),
            children[node.id],
            acting.get(node.id, []),
            overridden_by(base, "node", node.id),
        )
        for node in base.nodes.values()
    }
    roots = [n for n in base.nodes if n not in has_parent]
    shown = [
        *(("node", node.id, node.label) for node in nodes.values()),
        *(("strategy", s.id, short_name(s.name)) for s in chosen),
    ]
    references, overrides = references_and_overrides(base, citer, shown)
    return MechanismView(
        nodes,
        roots,
        edges,
        [s.id for s in chosen],
        references,
        overrides,
    )
