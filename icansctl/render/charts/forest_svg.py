"""The forest plot as SVG: the geometry (numbers only) for ``templates/forest.svg.j2``."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from ...views.common import CI_METHOD_NAMES, short_name
from ...views.forest import ForestRow, ForestView
from ..templating import render_template

# --- forest plot: SVG geometry ------------------------------------------------------

CHAR_W = 7.2  # average width of a 13 px sans-serif character, generous
SUBTITLE = (
    "Each study's own rate; nonrandomized cohorts, not pooled, not tested against each other."
)
AXIS_TITLE = "Patients with the event (%)"
RATE_HEAD = "Rate  n/N  (95% CI)"


@dataclass(frozen=True)
class ForestStyle:
    """The sizes of one kind of forest plot, in the picture's px.

    ``text``: labels and rates; ``small``: grading, ticks and notes; ``title``: the
    title; ``row_h``: one arm's row; ``plot_w``: the axis.  ``full``: the plot for a page
    or a file, with its title, subtitle, grading column and notes; without it, the plot
    for a slide (the slide has the title, the legend is one line under the axis, and
    the grading is in the lettered notes of the deck), sized so that drawn 1100 px wide
    its smallest text is at least 18 px (issue 11: legible from the back of a room).
    """

    text: float = 13.0
    small: float = 12.0
    title: float = 16.0
    row_h: float = 24.0
    plot_w: float = 380.0
    full: bool = True
    max_width: float | None = None  # narrow the axis (to 160 px at least) to stay within

    def chars(self, text: str, size: float) -> float:
        """A generous width of ``text`` at ``size`` px."""
        return len(text) * CHAR_W * size / 13


SCREEN = ForestStyle()
# Drawn 1100 px wide, a picture 1160 px wide keeps its 19 px text at 18 px.
SLIDE = ForestStyle(
    text=19.0, small=19.0, title=20.0, row_h=30.0, plot_w=250.0, full=False, max_width=1160.0
)


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
    right_text: str  # on a slide, with the figure's sources: '20%*† 4/20 (8.1–41.6) [2]'


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
    style: ForestStyle = SCREEN

    @property
    def texts(self) -> list[PlacedText]:
        """Every text the picture draws, placed: the template draws these and nothing
        else, so a test of their boxes is a test of the picture."""
        return [*self.other_texts, *(text for arm in self.arm_texts for text in arm)]

    @property
    def mid(self) -> float:
        """How far below a row's top its point and whisker are drawn."""
        return self.style.row_h / 2

    @property
    def mark(self) -> float:
        """Half the side of a square mark (the radius of a circle)."""
        return round(5 * self.style.text / 13, 1)

    @property
    def arm_texts(self) -> list[list[PlacedText]]:
        """Each arm's label, grading (full plots only) and rate, inside the arm's group."""
        style = self.style
        baseline = style.row_h * 2 / 3
        return [
            [
                PlacedText(self.label_x + 12, p.y + baseline, p.row.label, style.text),
                *(
                    [
                        PlacedText(
                            self.grading_x,
                            p.y + baseline,
                            p.row.grading_label,
                            style.small,
                            css="muted",
                        )
                    ]
                    if style.full
                    else []
                ),
                PlacedText(self.value_x, p.y + baseline, p.right_text, style.text, css="count"),
            ]
            for p in self.rows
        ]

    @property
    def other_texts(self) -> list[PlacedText]:
        """Titles, column heads, group names, the axis and the notes."""
        view, top, style = self.view, self.plot_top - 8, self.style
        title = f"{view.endpoint_label}: rate per study arm, 95% CI"
        head = [
            PlacedText(self.label_x, top, "Study arm", style.text, css="head"),
            PlacedText(self.value_x, top, RATE_HEAD, style.text, css="head"),
        ]
        if style.full:
            head[1:1] = [PlacedText(self.grading_x, top, "Grading", style.text, css="head")]
            head[:0] = [
                PlacedText(self.label_x, 26, title, style.title, css="head"),
                PlacedText(self.label_x, 46, SUBTITLE, style.text, css="muted"),
            ]
        groups = [
            PlacedText(self.label_x, h.y + style.row_h * 2 / 3, h.name, style.text, css="group")
            for h in self.headers
        ]
        below = self.plot_bottom + style.small * 19 / 12
        axis = [PlacedText(t.x, below, t.label, style.small, "middle") for t in self.ticks]
        middle = (self.plot_x0 + self.plot_x1) / 2
        axis_title = PlacedText(
            middle, below + style.small * 17 / 12, AXIS_TITLE, style.text, "middle", "muted"
        )
        notes = [
            PlacedText(
                self.label_x, self.note_y + style.small * 4 / 3 * i, line, style.small, css="muted"
            )
            for i, line in enumerate(self.notes)
        ]
        return [*head, *groups, *axis, axis_title, *notes]


def axis_max(view: ForestView) -> int:
    """A round upper end for the percent axis that holds every point and whisker."""
    highs = [r.ci95[1] if r.ci95 else (r.percent or 0.0) for r in view.rows]
    top = max(highs, default=10.0)
    return int(min(100, max(10, math.ceil(top / 10) * 10)))


def forest_layout(view: ForestView, style: ForestStyle = SCREEN) -> ForestLayout:
    """Place every element of the forest plot, at the sizes of ``style``."""
    labels = [r.label for r in view.rows] + [_group_name(g.name, style) for g in view.groups]
    label_w = max(160.0, max((style.chars(t, style.text) for t in labels), default=0) + 16)
    gradings = [r.grading_label for r in view.rows]
    grading_w = max(90.0, max((len(g) * 6.6 * style.small / 12 for g in gradings), default=0) + 16)
    rates = [_rate_text(r, style) for r in view.rows] + [RATE_HEAD]
    # A file's plot keeps its measured 6.8 px a character; a slide's, the box estimate.
    per_char = 6.8 if style.full else CHAR_W
    right_w = max(150.0, max(len(t) * per_char * style.text / 13 for t in rates) + 16)
    label_x = 16.0
    grading_x = label_x + label_w
    plot_x0 = grading_x + (grading_w + 10 if style.full else 0)
    plot_w = style.plot_w
    if style.max_width is not None:  # the columns of text first, then what is left
        plot_w = max(160.0, min(plot_w, style.max_width - (plot_x0 + 32 + right_w)))
    plot_x1 = plot_x0 + plot_w
    value_x = plot_x1 + 16
    top = axis_max(view)

    def scale(value: float) -> float:
        return round(plot_x0 + (plot_x1 - plot_x0) * min(max(value, 0.0), top) / top, 1)

    plot_top = 74.0 if style.full else style.text * 1.8
    headers, rows, plot_bottom = _place_rows(view, scale, plot_top + style.row_h * 7 / 12, style)
    step = 10 if top <= 60 else 20
    reference = view.reference
    title = style.chars(f"{view.endpoint_label}: rate per study arm, 95% CI", style.title)
    width = value_x + right_w
    if style.full:
        width = max(width, label_x + max(title, style.chars(SUBTITLE, style.text)) + 16)
    note_y = plot_bottom + style.small * 52 / 12
    notes = _notes(view) if style.full else _reference_note(view, short=True)
    wrap = max(60, int((width - 32) / (6.6 * style.small / 12)))
    wrapped = [line for note in notes for line in textwrap.wrap(note, wrap)]
    return ForestLayout(
        view=view,
        width=round(width, 1),
        height=round(note_y + style.small * 4 / 3 * len(wrapped) + 12, 1),
        label_x=label_x,
        grading_x=grading_x,
        plot_x0=plot_x0,
        plot_x1=plot_x1,
        value_x=value_x,
        plot_top=plot_top,
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
        style=style,
    )


def _place_rows(
    view: ForestView, scale: Callable[[float], float], y: float, style: ForestStyle
) -> tuple[list[PlacedHeader], list[PlacedRow], float]:
    """Each group's heading and rows, top to bottom from ``y``, and the y below the last."""
    headers: list[PlacedHeader] = []
    rows: list[PlacedRow] = []
    for group in view.groups:
        headers.append(PlacedHeader(_group_name(group.name, style), y))
        y += style.row_h
        for row in group.rows:
            assert row.percent is not None
            low, high = (scale(row.ci95[0]), scale(row.ci95[1])) if row.ci95 else (None, None)
            rows.append(PlacedRow(row, y, scale(row.percent), low, high, _rate_text(row, style)))
            y += style.row_h
    return headers, rows, y


def _rate_text(row: ForestRow, style: ForestStyle) -> str:
    """Right of the plot: the rate, count and CI; on a slide, then the figure's sources
    (the slide's footer lists them; a file's plot leaves them to its page)."""
    if style.full or not row.source_numbers:
        return row.summary_text
    return f"{row.summary_text}  [{', '.join(str(n) for n in row.source_numbers)}]"


def _group_name(name: str, style: ForestStyle) -> str:
    """A strategy's name over its arms: without its parenthesis on a slide."""
    return name if style.full else short_name(name)


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


def _reference_note(view: ForestView, *, short: bool = False) -> list[str]:
    """What the dashed line is: a historical cohort's rate, with its own grading."""
    ref = view.reference
    if ref is None:
        return []
    if short:
        return [
            f"Dashed line: {ref.label}, {ref.value_text}, historical, graded as "
            f"{ref.grading_label}; not a control arm."
        ]
    return [
        f"Dashed line: {ref.label}, {ref.value_text} ({ref.count_text}), a historical cohort "
        f"graded as {ref.grading_label}: drawn for reference, not as a control arm."
    ]


def forest_svg(view: ForestView, style: ForestStyle = SCREEN) -> str:
    """The forest plot as SVG text, from ``templates/forest.svg.j2``."""
    return render_template("forest.svg.j2", layout=forest_layout(view, style))
