"""The forest plot as a dot-and-whisker chart in plain Unicode text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from ...views.forest import ForestRow, ForestView
from .forest_svg import axis_max

# --- forest plot: Unicode chart -----------------------------------------------------


def unicode_chart(view: ForestView, width: int = 100) -> str:
    """A dot-and-whisker chart in plain Unicode text, for terminals and code blocks.

    ``●`` the rate (``□`` a comparator arm), ``├──┤`` the 95% CI, ``○`` a percent
    without a denominator (no CI), ``┆`` the baseline reference rate.
    """
    rows = view.rows
    label_w = min(34, max((len(r.label) for r in rows), default=10))
    right_w = max((len(r.summary_text) for r in rows), default=10)
    if width - label_w - right_w - 4 < 30:
        label_w = 0  # a narrow terminal: each label on its own line above its row
    bar_w = max(20, width - label_w - right_w - 4)
    top = axis_max(view)

    def pos(value: float) -> int:
        return round(min(max(value, 0.0), top) / top * (bar_w - 1))

    reference = view.reference
    ref_pos = pos(reference.percent) if reference and reference.percent is not None else None
    lines = [*textwrap.wrap(f"{view.endpoint_label}: rate per study arm, 95% CI", width), ""]
    for group in view.groups:
        lines.append(group.name + (" (baseline)" if group.baseline else ""))
        for row in group.rows:
            bar = _bar(row, bar_w, pos, ref_pos)
            label = row.label
            if len(label) > label_w:
                lines.append("  " + label)
                label = ""
            lines.append(f"  {label:<{label_w}} {bar} {row.summary_text}")
    pad = " " * (label_w + 3)
    lines.extend(pad + line for line in _axis(top, bar_w, pos))
    lines.append("")
    if reference is not None:
        lines.extend(
            textwrap.wrap(
                f"┆ reference: {reference.label} {reference.value_text} "
                f"({reference.count_text}), a historical cohort graded as "
                f"{reference.grading_label}: not a control arm",
                max(40, width),
                subsequent_indent="  ",
            )
        )
    lines.extend(_legend(view, max(40, width)))
    wrap = max(40, width)
    for note in view.notes:
        lines.extend(textwrap.wrap(f"Note: {note}", wrap, subsequent_indent="  "))
    lines.extend(textwrap.wrap(view.design_note, wrap))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _bar(row: ForestRow, bar_w: int, pos: Callable[[float], int], ref_pos: int | None) -> str:
    """One row's bar: the reference line, the whisker and the point."""
    bar = [" "] * bar_w
    if ref_pos is not None:
        bar[ref_pos] = "┆"
    assert row.percent is not None
    if row.ci95 is not None:
        low, high = pos(row.ci95[0]), pos(row.ci95[1])
        for i in range(low, high + 1):
            bar[i] = "─"
        bar[low], bar[high] = "├", "┤"
        bar[pos(row.percent)] = "□" if row.role == "comparator" else "●"
    else:
        bar[pos(row.percent)] = "○"
    return "".join(bar)


def _axis(top: int, bar_w: int, pos: Callable[[float], int]) -> list[str]:
    """The axis line with its ticks, and the percent labels under them."""
    axis = [" "] * (bar_w + 6)
    marks = ["─"] * bar_w
    for value in range(0, top + 1, 10 if top <= 60 else 20):
        p = pos(value)
        marks[p] = "┬"
        text = f"{value}%"
        start = min(max(0, p - len(text) // 2), len(axis) - len(text))
        axis[start : start + len(text)] = text
    return ["".join(marks), "".join(axis).rstrip()]


def _legend(view: ForestView, width: int = 100) -> list[str]:
    """The legend, naming only the marks this chart draws, in lines of ``width`` at most."""
    rows = view.rows
    legend = ["● rate  ├─┤ 95% CI"]
    if any(r.role == "comparator" and r.ci95 is not None for r in rows):
        legend.append("□ comparator arm")
    if any(r.ci95 is None for r in rows):
        legend.append("○ percent without N (no CI)")
    lines = ["  ".join(legend)]
    markers = "".join(r.markers for r in rows)
    keys = [
        ("*", "* derived count"),
        ("†", "† via a secondary source"),
        ("‡", "‡ press release or news report only"),
    ]
    line = ""
    for mark, text in keys:
        if mark not in markers:
            continue
        if line and len(line) + 2 + len(text) > width:
            lines.append(line)
            line = text
        else:
            line = f"{line}  {text}" if line else text
    if line:
        lines.append(line)
    return lines
