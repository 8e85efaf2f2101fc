"""The mechanism graph as SVG: the layout (numbers only) for ``templates/mechanisms.svg.j2``."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from ...views.common import short_name
from ...views.mechanisms import MechanismView
from ..templating import render_template

# --- mechanism graph: SVG geometry --------------------------------------------------


@dataclass(frozen=True)
class MechanismStyle:
    """The sizes of the mechanism graph, in the picture's px.

    ``text``: node labels; ``pill_text``: the strategies' names (bold); ``wrap``: the
    characters per line of a node label; ``node_w``: a node's width (widened to hold
    the longest strategy name).  ``SLIDE`` is the deck's: drawn 1100 px wide at most,
    its smallest text is 18 px or more (issue 11).
    """

    text: float = 14.0
    pill_text: float = 13.0
    node_w: float = 176.0
    gap_x: float = 56.0
    gap_y: float = 26.0
    pill_h: float = 24.0
    line_h: float = 17.0
    wrap: int = 22


SCREEN = MechanismStyle()
SLIDE = MechanismStyle(
    text=20.0,
    pill_text=19.0,
    node_w=150.0,
    gap_x=30.0,
    gap_y=20.0,
    pill_h=30.0,
    line_h=24.0,
    wrap=12,
)


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
    style: MechanismStyle = SCREEN


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


def mechanism_layout(view: MechanismView, style: MechanismStyle = SCREEN) -> MechanismLayout:
    """A left-to-right layered drawing of the graph, strategies under their targets."""
    layer = _layers(view)
    columns: dict[int, list[str]] = {}
    for node_id in view.nodes:
        columns.setdefault(layer[node_id], []).append(node_id)
    names = [short_name(n) for node in view.nodes.values() for n in node.strategies]
    # A bold name is about 0.6 em wide per character; 14 px of margin on each side.
    node_w = max([style.node_w] + [len(n) * 0.6 * style.pill_text + 28 for n in names])
    sizes: dict[str, tuple[list[str], float, float]] = {}
    for node_id, node in view.nodes.items():
        lines = textwrap.wrap(node.label, style.wrap) or [""]
        box_h = float(style.line_h * len(lines) + 14)
        pills_h = len(node.strategies) * (style.pill_h + 6) + 10 if node.strategies else 0
        sizes[node_id] = (lines, box_h, box_h + pills_h)
    heights = {
        c: sum(sizes[n][2] for n in ids) + style.gap_y * (len(ids) - 1)
        for c, ids in columns.items()
    }
    total_h = max(heights.values(), default=0) + 40
    nodes: dict[str, PlacedNode] = {}
    for c, ids in sorted(columns.items()):
        x = 20.0 + c * (node_w + style.gap_x)
        y = 20 + (total_h - 40 - heights[c]) / 2
        for node_id in ids:
            lines, box_h, slot_h = sizes[node_id]
            pills = []
            py = y + box_h + 16
            for name in view.nodes[node_id].strategies:
                pills.append(PlacedPill(short_name(name), x + 8, py, node_w - 16))
                py += style.pill_h + 6
            nodes[node_id] = PlacedNode(node_id, lines, x, y, node_w, box_h, pills, bool(pills))
            y += slot_h + style.gap_y
    edges = [
        PlacedEdge(
            nodes[s].x + nodes[s].w,
            nodes[s].y + nodes[s].h / 2,
            nodes[t].x - 4,
            nodes[t].y + nodes[t].h / 2,
        )
        for s, t in view.edges
    ]
    width = 40 + (max(columns, default=0) + 1) * (node_w + style.gap_x) - style.gap_x
    return MechanismLayout(width, total_h, list(nodes.values()), edges, style)


def mechanism_svg(view: MechanismView, style: MechanismStyle = SCREEN) -> str:
    """The mechanism graph as SVG text, from ``templates/mechanisms.svg.j2``."""
    return render_template("mechanisms.svg.j2", layout=mechanism_layout(view, style))
