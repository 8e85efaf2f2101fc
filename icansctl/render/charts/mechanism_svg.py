"""The mechanism graph as SVG: the layout (numbers only) for ``templates/mechanisms.svg.j2``."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from ...views.common import short_name
from ...views.mechanisms import MechanismView
from ..templating import render_template

# --- mechanism graph: SVG geometry --------------------------------------------------

NODE_W = 176
NODE_GAP_X = 56
NODE_GAP_Y = 26
PILL_H = 24
LINE_H = 17


@dataclass(frozen=True)
class PlacedPill:
    """A strategy acting on a node."""

    name: str
    x: float
    y: float
    w: float


@dataclass(frozen=True)
class PlacedNode:
    """A mechanism node box with its wrapped label and the strategies acting on it."""

    id: str
    lines: list[str]
    x: float
    y: float
    w: float
    h: float
    pills: list[PlacedPill]
    targeted: bool


@dataclass(frozen=True)
class PlacedEdge:
    """A 'leads to' arrow as a cubic curve."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def path(self) -> str:
        """SVG path data (numbers only)."""
        mid = (self.x1 + self.x2) / 2
        return (
            f"M{self.x1:.1f},{self.y1:.1f} C{mid:.1f},{self.y1:.1f} "
            f"{mid:.1f},{self.y2:.1f} {self.x2:.1f},{self.y2:.1f}"
        )


@dataclass
class MechanismLayout:
    """Everything the mechanism SVG template draws."""

    width: float
    height: float
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]


def _layers(view: MechanismView) -> dict[str, int]:
    layer = dict.fromkeys(view.nodes, 0)
    for _ in range(len(view.nodes)):  # longest path from the roots; stops on cycles
        changed = False
        for source, target in view.edges:
            if layer[target] < layer[source] + 1 and layer[source] + 1 < len(view.nodes):
                layer[target] = layer[source] + 1
                changed = True
        if not changed:
            break
    return layer


def mechanism_layout(view: MechanismView) -> MechanismLayout:
    """A left-to-right layered drawing of the graph, strategies under their targets."""
    layer = _layers(view)
    columns: dict[int, list[str]] = {}
    for node_id in view.nodes:
        columns.setdefault(layer[node_id], []).append(node_id)
    sizes: dict[str, tuple[list[str], float, float]] = {}
    for node_id, node in view.nodes.items():
        lines = textwrap.wrap(node.label, 22) or [""]
        box_h = float(LINE_H * len(lines) + 14)
        slot_h = box_h + (len(node.strategies) * (PILL_H + 6) + 10 if node.strategies else 0)
        sizes[node_id] = (lines, box_h, slot_h)
    heights = {
        c: sum(sizes[n][2] for n in ids) + NODE_GAP_Y * (len(ids) - 1) for c, ids in columns.items()
    }
    total_h = max(heights.values(), default=0) + 40
    nodes: dict[str, PlacedNode] = {}
    for c, ids in sorted(columns.items()):
        x = 20.0 + c * (NODE_W + NODE_GAP_X)
        y = 20 + (total_h - 40 - heights[c]) / 2
        for node_id in ids:
            lines, box_h, slot_h = sizes[node_id]
            pills = []
            py = y + box_h + 16
            for name in view.nodes[node_id].strategies:
                pills.append(PlacedPill(short_name(name), x + 8, py, NODE_W - 16))
                py += PILL_H + 6
            nodes[node_id] = PlacedNode(node_id, lines, x, y, NODE_W, box_h, pills, bool(pills))
            y += slot_h + NODE_GAP_Y
    edges = [
        PlacedEdge(
            nodes[s].x + nodes[s].w,
            nodes[s].y + nodes[s].h / 2,
            nodes[t].x - 4,
            nodes[t].y + nodes[t].h / 2,
        )
        for s, t in view.edges
    ]
    width = 40 + (max(columns, default=0) + 1) * (NODE_W + NODE_GAP_X) - NODE_GAP_X
    return MechanismLayout(width, total_h, list(nodes.values()), edges)


def mechanism_svg(view: MechanismView) -> str:
    """The mechanism graph as SVG text, from ``templates/mechanisms.svg.j2``."""
    return render_template("mechanisms.svg.j2", layout=mechanism_layout(view))
