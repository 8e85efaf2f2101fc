"""The forest plot as SVG: the geometry (numbers only) for ``templates/forest.svg.j2``."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from ...views.common import CI_METHOD_NAMES
from ...views.forest import ForestRow, ForestView
from ..templating import render_template

# --- forest plot: SVG geometry ------------------------------------------------------

CHAR_W = 7.2  # average width of a 13 px sans-serif character, generous
SUBTITLE = (
    "Each study's own rate; nonrandomized cohorts, not pooled, not tested against each other."
)
AXIS_TITLE = "Patients with the event (%)"
ROW_H = 24
PLOT_W = 380


@dataclass(frozen=True)
class PlacedText:
    """One line of text in the picture, where it is drawn and how big."""

    x: float
    y: float  # the baseline
    text: str
    size: float = 13.0
    anchor: str = "start"  # start, middle or end, as SVG's text-anchor
    css: str = ""

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom): a generous estimate of where the glyphs fall."""
        width = len(self.text) * CHAR_W * self.size / 13
        left = self.x - {"start": 0.0, "middle": width / 2, "end": width}[self.anchor]
        return (left, self.y - self.size * 0.8, left + width, self.y + self.size * 0.25)


def overlapping(texts: list[PlacedText]) -> list[tuple[PlacedText, PlacedText]]:
    """Every pair of texts whose boxes overlap (none, in a good layout)."""
    pairs = []
    for i, one in enumerate(texts):
        a = one.box
        for two in texts[i + 1 :]:
            b = two.box
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                pairs.append((one, two))
    return pairs


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

    @property
    def texts(self) -> list[PlacedText]:
        """Every text the picture draws, placed: the template draws these and nothing
        else, so a test of their boxes is a test of the picture."""
        return [*self.other_texts, *(text for arm in self.arm_texts for text in arm)]

    @property
    def arm_texts(self) -> list[list[PlacedText]]:
        """Each arm's label, grading and rate (drawn inside the arm's group)."""
        return [
            [
                PlacedText(self.label_x + 12, p.y + 16, p.row.label),
                PlacedText(self.grading_x, p.y + 16, p.row.grading_label, 12, css="muted"),
                PlacedText(self.value_x, p.y + 16, p.right_text, css="count"),
            ]
            for p in self.rows
        ]

    @property
    def other_texts(self) -> list[PlacedText]:
        """Titles, column heads, group names, the axis and the notes."""
        view, top = self.view, self.plot_top - 8
        title = f"{view.endpoint_label}: rate per study arm, 95% CI"
        head = [
            PlacedText(self.label_x, 26, title, 16, css="head"),
            PlacedText(self.label_x, 46, SUBTITLE, css="muted"),
            PlacedText(self.label_x, top, "Study arm", css="head"),
            PlacedText(self.grading_x, top, "Grading", css="head"),
            PlacedText(self.value_x, top, "Rate  n/N  (95% CI)", css="head"),
        ]
        groups = [PlacedText(self.label_x, h.y + 16, h.name, css="group") for h in self.headers]
        axis = [PlacedText(t.x, self.plot_bottom + 19, t.label, 12, "middle") for t in self.ticks]
        middle = (self.plot_x0 + self.plot_x1) / 2
        axis.append(PlacedText(middle, self.plot_bottom + 36, AXIS_TITLE, 13, "middle", "muted"))
        notes = [
            PlacedText(self.label_x, self.note_y + 16 * i, line, 12, css="muted")
            for i, line in enumerate(self.notes)
        ]
        return [*head, *groups, *axis, *notes]


def axis_max(view: ForestView) -> int:
    """A round upper end for the percent axis that holds every point and whisker."""
    highs = [r.ci95[1] if r.ci95 else (r.percent or 0.0) for r in view.rows]
    top = max(highs, default=10.0)
    return int(min(100, max(10, math.ceil(top / 10) * 10)))


def forest_layout(view: ForestView) -> ForestLayout:
    """Place every element of the forest plot."""
    labels = [r.label for r in view.rows] + [g.name for g in view.groups]
    label_w = max(160.0, max((len(t) for t in labels), default=10) * CHAR_W + 16)
    grading_w = max(90.0, max((len(r.grading_label) for r in view.rows), default=8) * 6.6 + 16)
    right_w = max(150.0, max((len(r.summary_text) for r in view.rows), default=10) * 6.8 + 16)
    label_x = 16.0
    grading_x = label_x + label_w
    plot_x0 = grading_x + grading_w + 10
    plot_x1 = plot_x0 + PLOT_W
    value_x = plot_x1 + 16
    top = axis_max(view)

    def scale(value: float) -> float:
        return round(plot_x0 + (plot_x1 - plot_x0) * min(max(value, 0.0), top) / top, 1)

    headers, rows, plot_bottom = _place_rows(view, scale)
    step = 10 if top <= 60 else 20
    reference = view.reference
    title = len(f"{view.endpoint_label}: rate per study arm, 95% CI") * CHAR_W * 16 / 13
    width = max(value_x + right_w, label_x + max(title, len(SUBTITLE) * CHAR_W) + 16)
    note_y = plot_bottom + 52
    wrapped = [
        line
        for note in _notes(view)
        for line in textwrap.wrap(note, max(60, int((width - 32) / 6.6)))
    ]
    return ForestLayout(
        view=view,
        width=round(width, 1),
        height=round(note_y + 16 * len(wrapped) + 12, 1),
        label_x=label_x,
        grading_x=grading_x,
        plot_x0=plot_x0,
        plot_x1=plot_x1,
        value_x=value_x,
        plot_top=74.0,
        plot_bottom=plot_bottom,
        axis_max=top,
        ticks=[Tick(scale(v), f"{v}%") for v in range(0, top + 1, step)],
        headers=headers,
        rows=rows,
        reference_x=(
            scale(reference.percent) if reference and reference.percent is not None else None
        ),
        notes=wrapped,
        note_y=note_y,
    )


def _place_rows(
    view: ForestView, scale: Callable[[float], float]
) -> tuple[list[PlacedHeader], list[PlacedRow], float]:
    """Each group's heading and rows, top to bottom, and the y below the last one."""
    y = 88.0
    headers: list[PlacedHeader] = []
    rows: list[PlacedRow] = []
    for group in view.groups:
        headers.append(PlacedHeader(group.name, y))
        y += ROW_H
        for row in group.rows:
            assert row.percent is not None
            low, high = (scale(row.ci95[0]), scale(row.ci95[1])) if row.ci95 else (None, None)
            rows.append(PlacedRow(row, y, scale(row.percent), low, high, row.summary_text))
            y += ROW_H
    return headers, rows, y


def _notes(view: ForestView) -> list[str]:
    """The notes under the plot: design, how to read the marks, then the view's own."""
    return [
        view.design_note,
        f"Whiskers: 95% CI ({CI_METHOD_NAMES[view.ci_method]}) from events/total. "
        "Filled square: a study arm's rate; open square: a comparator arm; open circle: "
        "percent only, no denominator (no N), no CI.",
        *_reference_note(view),
        "* count derived from a reported percent and N; † known only via a secondary source.",
        *(
            ["‡ rests only on a press release or a news report."]
            if any("‡" in r.markers for r in view.rows)
            else []
        ),
        *view.notes,
    ]


def _reference_note(view: ForestView) -> list[str]:
    """What the dashed line is: a historical cohort's rate, with its own grading."""
    ref = view.reference
    if ref is None:
        return []
    return [
        f"Dashed line: {ref.label}, {ref.value_text} ({ref.count_text}), a historical cohort "
        f"graded as {ref.grading_label}: drawn for reference, not as a control arm."
    ]


def forest_svg(view: ForestView) -> str:
    """The forest plot as SVG text, from ``templates/forest.svg.j2``."""
    return render_template("forest.svg.j2", layout=forest_layout(view))
