"""Pictures of the evidence: the forest plot and the mechanism graph.

The forest plot shows one endpoint across study arms: each arm's own rate with its
95% CI (from the counts; no whisker without a denominator), grouped by strategy, with
the baseline (ZUMA-1 pivotal) rate as a reference line.  Nothing is pooled.

This module holds the plain data (``ForestView``), the geometry for the SVG templates
(numbers only: the SVG itself comes from ``templates/forest.svg.j2``) and the Unicode
dot-and-whisker chart for the terminal.  The mechanism graph's SVG layout is here too.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

from .common import (
    Column,
    CompareView,
    Figure,
    MechanismView,
    ShowView,
    nonrandomized_note,
    short_name,
)
from .numbering import NumberedReference

DEFAULT_ENDPOINT = "icans_grade3plus"
NO_N = "no N"


# --- forest plot: data --------------------------------------------------------------


@dataclass(frozen=True)
class ForestRow:
    """One study arm on the plot."""

    strategy_id: str
    study_name: str
    label: str
    role: str
    events: int | None
    total: int | None
    percent: float | None
    ci95: tuple[float, float] | None
    value_text: str
    markers: str
    ci_text: str | None
    grading_label: str
    time_point: str | None
    reference_number: int

    @property
    def count_text(self) -> str:
        """'4/20', or 'no N' when the source gave no denominator."""
        if self.events is not None and self.total is not None:
            return f"{self.events}/{self.total}"
        return NO_N

    @property
    def has_whisker(self) -> bool:
        """True when a CI can be drawn (a denominator is known)."""
        return self.ci95 is not None


@dataclass
class ForestGroup:
    """The arms of one strategy (or baseline)."""

    strategy_id: str
    name: str
    baseline: bool
    rows: list[ForestRow] = field(default_factory=list)


@dataclass
class ForestView:
    """One endpoint across study arms, grouped by strategy."""

    endpoint: str
    endpoint_label: str
    groups: list[ForestGroup]
    reference: ForestRow | None
    notes: list[str]
    design_note: str
    ci_method: str
    references: list[NumberedReference]

    @property
    def rows(self) -> list[ForestRow]:
        """Every row, in display order."""
        return [row for group in self.groups for row in group.rows]


class NoSuchEndpoint(LookupError):
    """No study in the view reports the endpoint."""


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines too) as one space.

    A plot label is one line: SVG drops a newline inside text ('B\\nline2' shows as
    'Bline2') and a newline would break a row of the Unicode chart.
    """
    return " ".join(text.split())


def _row(column_label: str, column: Column, figure: Figure, time_in_label: bool) -> ForestRow:
    label = column_label
    if time_in_label and figure.time_point:
        label += f" ({figure.time_point})"
    return ForestRow(
        strategy_id=column.strategy_id,
        study_name=column.study_name,
        label=one_line(label),
        role=column.role,
        events=figure.events,
        total=figure.total,
        percent=figure.percent,
        ci95=figure.ci95,
        value_text=figure.percent_text or "not reported",
        markers=figure.markers,
        ci_text=figure.ci_text,
        grading_label=one_line(figure.grading_label or "grading not recorded"),
        time_point=figure.time_point,
        reference_number=column.reference_number,
    )


def forest_from_compare(view: CompareView, endpoint: str = DEFAULT_ENDPOINT) -> ForestView:
    """The forest plot of ``endpoint`` for the study arms of a comparison."""
    row = next((r for r in view.rows if r.endpoint == endpoint), None)
    if row is None:
        available = ", ".join(r.endpoint for r in view.rows)
        raise NoSuchEndpoint(
            f"no study shown reports endpoint '{endpoint}' (available: {available})"
        )
    groups: dict[str, ForestGroup] = {}
    for column, figures in zip(view.columns, row.cells, strict=True):
        if not figures:
            continue
        group = groups.setdefault(
            column.strategy_id,
            ForestGroup(
                column.strategy_id,
                one_line(
                    short_name(column.strategy_name)
                    if column.strategy_kind != "baseline"
                    else column.strategy_name
                ),
                column.strategy_kind == "baseline",
            ),
        )
        label = column.study_name
        if column.role == "comparator":
            label += " — comparator"
        for figure in figures:
            if figure.percent is None:
                continue
            group.rows.append(_row(label, column, figure, len(figures) > 1))
    ordered = [g for g in groups.values() if g.rows]
    reference = next(
        (r for g in ordered if g.baseline for r in g.rows if r.percent is not None), None
    )
    drawn = {r.study_name for g in ordered for r in g.rows}
    randomized = {c.study_name for c in view.columns if c.randomized} & drawn
    return ForestView(
        endpoint=endpoint,
        endpoint_label=row.label,
        groups=ordered,
        reference=reference,
        notes=list(row.footnotes),
        # The comparison's note counts every study it shows; the plot draws fewer.
        design_note=nonrandomized_note(len(drawn), len(randomized), "drawn"),
        ci_method=view.ci_method,
        references=view.references,
    )


# --- forest plot: SVG geometry ------------------------------------------------------

CHAR_W = 7.2  # average width of a 13 px sans-serif character, generous
ROW_H = 24
PLOT_W = 380


@dataclass(frozen=True)
class Tick:
    """An axis tick: its x and its label."""

    x: float
    label: str


@dataclass(frozen=True)
class PlacedRow:
    """A forest row with its coordinates."""

    row: ForestRow
    y: float
    x: float
    x_low: float | None
    x_high: float | None
    right_text: str


@dataclass(frozen=True)
class PlacedHeader:
    """A group heading with its y."""

    name: str
    y: float


@dataclass
class ForestLayout:
    """Everything the SVG template draws, in pixels."""

    view: ForestView
    width: float
    height: float
    label_x: float
    grading_x: float
    plot_x0: float
    plot_x1: float
    value_x: float
    plot_top: float
    plot_bottom: float
    axis_max: int
    ticks: list[Tick]
    headers: list[PlacedHeader]
    rows: list[PlacedRow]
    reference_x: float | None
    notes: list[str]
    note_y: float


def axis_max(view: ForestView) -> int:
    """A round upper end for the percent axis that holds every point and whisker."""
    highs = [r.ci95[1] if r.ci95 else (r.percent or 0.0) for r in view.rows]
    top = max(highs, default=10.0)
    return int(min(100, max(10, math.ceil(top / 10) * 10)))


def _right_text(row: ForestRow) -> str:
    base = f"{row.value_text}{row.markers}  {row.count_text}"
    return f"{base}  ({row.ci_text})" if row.ci_text else base


def forest_layout(view: ForestView) -> ForestLayout:
    """Place every element of the forest plot."""
    labels = [r.label for r in view.rows] + [g.name for g in view.groups]
    label_w = max(160.0, max((len(t) for t in labels), default=10) * CHAR_W + 16)
    grading_w = max(90.0, max((len(r.grading_label) for r in view.rows), default=8) * 6.6 + 16)
    right_w = max(150.0, max((len(_right_text(r)) for r in view.rows), default=10) * 6.8 + 16)
    label_x = 16.0
    grading_x = label_x + label_w
    plot_x0 = grading_x + grading_w + 10
    plot_x1 = plot_x0 + PLOT_W
    value_x = plot_x1 + 16
    top = axis_max(view)

    def scale(value: float) -> float:
        return round(plot_x0 + (plot_x1 - plot_x0) * min(max(value, 0.0), top) / top, 1)

    y = 88.0
    headers: list[PlacedHeader] = []
    rows: list[PlacedRow] = []
    for group in view.groups:
        headers.append(PlacedHeader(group.name, y))
        y += ROW_H
        for row in group.rows:
            assert row.percent is not None
            rows.append(
                PlacedRow(
                    row,
                    y,
                    scale(row.percent),
                    scale(row.ci95[0]) if row.ci95 else None,
                    scale(row.ci95[1]) if row.ci95 else None,
                    _right_text(row),
                )
            )
            y += ROW_H
    plot_top, plot_bottom = 74.0, y
    step = 10 if top <= 60 else 20
    ticks = [Tick(scale(v), f"{v}%") for v in range(0, top + 1, step)]
    reference_x = (
        scale(view.reference.percent)
        if view.reference and view.reference.percent is not None
        else None
    )
    notes = [
        view.design_note,
        "Whiskers: 95% CI ("
        + ("Wilson score" if view.ci_method == "wilson" else "exact Clopper–Pearson")
        + ") from events/total. Hollow diamond: percent only, no denominator (no N), no CI.",
        "* count derived from a reported percent and N; † known only via a secondary source.",
        *view.notes,
    ]
    width = value_x + right_w
    note_y = plot_bottom + 52
    wrapped: list[str] = []
    for note in notes:
        wrapped.extend(textwrap.wrap(note, max(60, int((width - 32) / 6.6))))
    height = note_y + 16 * len(wrapped) + 12
    return ForestLayout(
        view=view,
        width=round(width, 1),
        height=round(height, 1),
        label_x=label_x,
        grading_x=grading_x,
        plot_x0=plot_x0,
        plot_x1=plot_x1,
        value_x=value_x,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        axis_max=top,
        ticks=ticks,
        headers=headers,
        rows=rows,
        reference_x=reference_x,
        notes=wrapped,
        note_y=note_y,
    )


def forest_svg(view: ForestView) -> str:
    """The forest plot as SVG text, from ``templates/forest.svg.j2``."""
    from ..render.templating import render_template

    return render_template("forest.svg.j2", layout=forest_layout(view))


# --- forest plot: Unicode chart -----------------------------------------------------


def unicode_chart(view: ForestView, width: int = 100) -> str:
    """A dot-and-whisker chart in plain Unicode text, for terminals and code blocks.

    ``●`` the rate (``○`` a comparator arm), ``├──┤`` the 95% CI, ``◇`` a percent
    without a denominator (no CI), ``┆`` the baseline reference rate.
    """
    rows = view.rows
    label_w = min(34, max((len(r.label) for r in rows), default=10))
    right = [_right_text(r) for r in rows]
    right_w = max((len(t) for t in right), default=10)
    if width - label_w - right_w - 4 < 30:
        label_w = 0  # a narrow terminal: each label on its own line above its row
    bar_w = max(20, width - label_w - right_w - 4)
    top = axis_max(view)

    def pos(value: float) -> int:
        return round(min(max(value, 0.0), top) / top * (bar_w - 1))

    ref_pos = (
        pos(view.reference.percent)
        if view.reference and view.reference.percent is not None
        else None
    )
    lines = [*textwrap.wrap(f"{view.endpoint_label}: rate per study arm, 95% CI", width), ""]
    for group in view.groups:
        lines.append(group.name + (" (baseline)" if group.baseline else ""))
        for row in group.rows:
            bar = [" "] * bar_w
            if ref_pos is not None:
                bar[ref_pos] = "┆"
            assert row.percent is not None
            if row.ci95 is not None:
                low, high = pos(row.ci95[0]), pos(row.ci95[1])
                for i in range(low, high + 1):
                    bar[i] = "─"
                bar[low], bar[high] = "├", "┤"
                bar[pos(row.percent)] = "○" if row.role == "comparator" else "●"
            else:
                bar[pos(row.percent)] = "◇"
            label = row.label
            if len(label) > label_w:
                lines.append("  " + label)
                label = ""
            lines.append(f"  {label:<{label_w}} {''.join(bar)} {_right_text(row)}")
    axis = [" "] * (bar_w + 6)
    marks = ["─"] * bar_w
    step = 10 if top <= 60 else 20
    for value in range(0, top + 1, step):
        p = pos(value)
        marks[p] = "┬"
        text = f"{value}%"
        start = min(max(0, p - len(text) // 2), len(axis) - len(text))
        for i, ch in enumerate(text):
            axis[start + i] = ch
    pad = " " * (label_w + 3)
    lines.append(pad + "".join(marks))
    lines.append(pad + "".join(axis).rstrip())
    lines.append("")
    if view.reference is not None:
        lines.append(
            f"┆ reference: {view.reference.label} {view.reference.value_text} "
            f"({view.reference.count_text})"
        )
    # The legend names only the marks this chart draws.
    legend = ["● rate  ├─┤ 95% CI"]
    if any(r.role == "comparator" and r.ci95 is not None for r in rows):
        legend.append("○ comparator arm")
    if any(r.ci95 is None for r in rows):
        legend.append("◇ percent without N (no CI)")
    lines.append("  ".join(legend))
    markers = "".join(r.markers for r in rows)
    keys = [("*", "* derived count"), ("†", "† via a secondary source")]
    if any(mark in markers for mark, _ in keys):
        lines.append("  ".join(text for mark, text in keys if mark in markers))
    wrap = max(40, width)
    for note in view.notes:
        lines.extend(textwrap.wrap(f"Note: {note}", wrap, subsequent_indent="  "))
    lines.extend(textwrap.wrap(view.design_note, wrap))
    return "\n".join(line.rstrip() for line in lines) + "\n"


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
    from ..render.templating import render_template

    return render_template("mechanisms.svg.j2", layout=mechanism_layout(view))


def forest_from_show(view: ShowView, endpoint: str = DEFAULT_ENDPOINT) -> ForestView:
    """The forest plot of ``endpoint`` for one strategy's studies (no baseline line)."""
    group = ForestGroup(view.id, one_line(short_name(view.name)), view.kind == "baseline")
    gradings: set[str] = set()
    ci_method = "wilson"
    for study in view.studies:
        figures = [f for f in study.figures if f.endpoint == endpoint and f.percent is not None]
        per_arm: dict[str, int] = {}
        for figure in figures:
            per_arm[figure.arm] = per_arm.get(figure.arm, 0) + 1
        for figure in figures:
            label = study.name + (" — comparator" if figure.role == "comparator" else "")
            if per_arm[figure.arm] > 1 and figure.time_point:
                label += f" ({figure.time_point})"
            gradings.add(figure.grading_label or "grading not recorded")
            ci_method = figure.ci_method
            group.rows.append(
                ForestRow(
                    strategy_id=view.id,
                    study_name=study.name,
                    label=one_line(label),
                    role=figure.role,
                    events=figure.events,
                    total=figure.total,
                    percent=figure.percent,
                    ci95=figure.ci95,
                    value_text=figure.percent_text or "not reported",
                    markers=figure.markers,
                    ci_text=figure.ci_text,
                    grading_label=one_line(figure.grading_label or "grading not recorded"),
                    time_point=figure.time_point,
                    reference_number=study.reference_number,
                )
            )
    if not group.rows:
        raise NoSuchEndpoint(f"no study of {view.name} reports endpoint '{endpoint}'")
    notes = (
        [
            "Mixes grading systems, so rates are not directly comparable: "
            + ", ".join(sorted(gradings))
        ]
        if len(gradings) > 1
        else []
    )
    drawn = {row.study_name for row in group.rows}
    randomized = sum(1 for s in view.studies if s.randomized and s.name in drawn)
    design_note = nonrandomized_note(len(drawn), randomized, "drawn")
    return ForestView(
        endpoint=endpoint,
        endpoint_label=view.endpoint_labels.get(endpoint, endpoint),
        groups=[group],
        reference=None,
        notes=notes,
        design_note=design_note,
        ci_method=ci_method,
        references=view.references,
    )
