"""The forest plot as a view: one endpoint across study arms, grouped by strategy.

Each arm's own rate with its 95% CI (from the counts; no whisker without a
denominator), with the baseline (ZUMA-1 pivotal) rate as a reference line.  Nothing is
pooled.  Drawn by ``render.charts.forest_svg`` and ``render.charts.forest_text``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from ..errors import NoSuchEndpoint
from .common import GRADING_NOT_STATED, Figure, nonrandomized_note, short_name
from .numbering import NumberedReference

if TYPE_CHECKING:  # the compare and show views hold their default forest plot
    from .compare import Column, CompareView
    from .show import ShowView

DEFAULT_ENDPOINT = "icans_grade3plus"
NO_N = "no N"
V = TypeVar("V")


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
    reference_number: int  # the study's report
    # Where the figure was read: its citations, then the secondary source it came via.
    source_numbers: tuple[int, ...] = ()

    @property
    def count_text(self) -> str:
        """'4/20', or 'no N' when the source gave no denominator."""
        if self.events is not None and self.total is not None:
            return f"{self.events}/{self.total}"
        return NO_N

    @property
    def summary_text(self) -> str:
        """What is printed right of the plot: '20%*† 4/20  (8.1–41.6)'."""
        base = f"{self.value_text}{self.markers}  {self.count_text}"
        return f"{base}  ({self.ci_text})" if self.ci_text else base

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


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines too) as one space.

    A plot label is one line: SVG drops a newline inside text ('B\\nline2' shows as
    'Bline2') and a newline would break a row of the Unicode chart.
    """
    return " ".join(text.split())


def _row(
    label: str, strategy_id: str, study_name: str, role: str, figure: Figure, reference: int
) -> ForestRow:
    """One plotted arm; the one place a ``ForestRow`` is built."""
    return ForestRow(
        strategy_id=strategy_id,
        study_name=study_name,
        label=one_line(label),
        role=role,
        events=figure.events,
        total=figure.total,
        percent=figure.percent,
        ci95=figure.ci95,
        value_text=figure.percent_text or "not reported",
        markers=figure.markers,
        ci_text=figure.ci_text,
        grading_label=one_line(figure.grading_label or GRADING_NOT_STATED),
        time_point=figure.time_point,
        reference_number=reference,
        source_numbers=tuple(figure.source_numbers),
    )


def _column_rows(column: Column, figures: list[Figure], several_arms: bool) -> list[ForestRow]:
    """The plotted rows of one comparison column: one per figure with a percent."""
    label = column.study_name
    if column.role == "comparator":
        label += " — comparator"
    elif several_arms:
        label += f" · {column.arm_id}"  # several arms of one study: which one
    rows = []
    for figure in figures:
        if figure.percent is None:
            continue
        text = label
        if len(figures) > 1 and figure.time_point:
            text += f" ({figure.time_point})"
        rows.append(
            _row(
                text,
                column.strategy_id,
                column.study_name,
                column.role,
                figure,
                column.reference_number,
            )
        )
    return rows


def forest_from_compare(view: CompareView, endpoint: str = DEFAULT_ENDPOINT) -> ForestView:
    """The forest plot of ``endpoint`` for the study arms of a comparison."""
    row = next((r for r in view.rows if r.endpoint == endpoint), None)
    if row is None:
        available = ", ".join(r.endpoint for r in view.rows)
        raise NoSuchEndpoint(
            f"no study shown reports endpoint '{endpoint}' (available: {available})"
        )
    groups: dict[str, ForestGroup] = {}
    intervention_arms: dict[str, int] = {}
    for column in view.columns:
        if column.role == "intervention" and column.figures.get(endpoint):
            intervention_arms[column.study_id] = intervention_arms.get(column.study_id, 0) + 1
    for column, figures in zip(view.columns, row.cells, strict=True):
        if not figures:
            continue
        name = column.strategy_name
        baseline = column.strategy_kind == "baseline"
        group = groups.setdefault(
            column.strategy_id,
            ForestGroup(
                column.strategy_id, one_line(name if baseline else short_name(name)), baseline
            ),
        )
        several = intervention_arms.get(column.study_id, 0) > 1
        group.rows.extend(_column_rows(column, figures, several))
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
        arms_drawn = len({f.arm for f in figures if f.role == "intervention"})
        for figure in figures:
            label = study.name + (" — comparator" if figure.role == "comparator" else "")
            if figure.role == "intervention" and arms_drawn > 1:
                label += f" · {figure.arm}"  # several arms of one study: which one
            if per_arm[figure.arm] > 1 and figure.time_point:
                label += f" ({figure.time_point})"
            gradings.add(figure.grading_label or GRADING_NOT_STATED)
            ci_method = figure.ci_method
            group.rows.append(
                _row(label, view.id, study.name, figure.role, figure, study.reference_number)
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


def default_forest(
    view: V, build: Callable[[V, str], ForestView], endpoint: str = DEFAULT_ENDPOINT
) -> ForestView | None:
    """``build(view, endpoint)``, or None when nothing shown reports the endpoint."""
    try:
        return build(view, endpoint)
    except NoSuchEndpoint:
        return None
