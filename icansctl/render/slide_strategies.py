"""The deck's strategy slides: one per strategy, its bottom line, regimens and key figures.

Each intervention strategy gets one slide (more only when its table is too tall: split
by rows, never by endpoint): the headline of its status (the bottom line, cited; the
whole of it is on the take-home), its regimens, and a summary-of-findings table of its
study arms with the baseline's arms repeated under them, on every part, so that every
rate is read beside its reference (issue 11).  A study with no figure for the
endpoints shown is named in one line under the table, not given a row of "not
reported".  The strategy's caveats are the presenter's notes of its first slide (a Marp
note: said, not shown; they filled seven slides of 24 px text).  Cells are short lines
(rate and count; CI and references; time point), joined by the template with a line
break, so that a number is never split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..views.certainty import CertaintyView
from ..views.common import ClaimView, Figure, short_name
from ..views.summary import SummaryRow, SummaryView
from .deck_layout import Fit, item_height, table_height, text_lines
from .slide_pages import FooterRefs, claims_numbers
from .tables import figure_numbers

MAX_ENDPOINTS = 4  # endpoint columns on a strategy slide: the table stays 20 px text
MAX_ROWS = 7  # study arms on one slide, the baseline's included
NOT_REPORTED_CELL = "n/r"
ICANS_ENDPOINTS = ("icans_any", "icans_grade3plus", "icans_grade2plus", "icans_grade4plus")

# Long endpoint labels in the narrow columns of a slide (explained on 'Reading the figures').
SHORT_LABELS = (
    ("ICANS or neurologic events, ", "ICANS/NE "),
    ("Cytokine release syndrome, ", "CRS "),
)


@dataclass
class StrategySlide:
    """One slide of a strategy: its table rows (lines per cell) and what is read above."""

    name: str
    drug_class: str | None
    status: list[ClaimView]
    regimens: list[str]
    head: list[str]
    rows: list[list[list[str]]]  # rows, cells, lines (the baseline's last, on every part)
    no_figures: list[str]  # studies with no figure for these endpoints
    refs: list[str]
    notes: list[ClaimView]  # the caveats, as the presenter's notes (first part only)
    part: int = 1
    parts: int = 1


def slide_label(label: str) -> str:
    """An endpoint's label, shortened for a slide's column head."""
    for long, short in SHORT_LABELS:
        label = label.replace(long, short)
    return label


def figure_lines(figures: Sequence[Figure]) -> list[str]:
    """A cell's lines: '35% (7/20)*†', '18.1–56.7 [2]' and the time point, per figure."""
    if not figures:
        return [NOT_REPORTED_CELL]
    lines: list[str] = []
    for figure in figures:
        numbers = "[" + ", ".join(str(n) for n in figure_numbers(figure)) + "]"
        # A no-break space: '82% (83/101)' never wraps between the rate and its count.
        lines.append(figure.value_text.replace(" (", "\u00a0(") + figure.markers)
        lines.append(f"{figure.ci_text} {numbers}" if figure.ci_text else numbers)
        if figure.time_point:
            lines.append(figure.time_point)
    return lines


def strategy_slides(summary: SummaryView, fit: Fit, footer_refs: FooterRefs) -> list[StrategySlide]:
    """The slides of each intervention strategy, in the summary's order."""
    labels = {row.endpoint: row.label for row in summary.compare.rows}
    baseline = [row for group in summary.groups if group.baseline for row in group.rows]
    baseline = [row for row in baseline if row.column.figures]
    slides: list[StrategySlide] = []
    for group in (g for g in summary.groups if not g.baseline):
        brief = next(b for b in summary.compare.strategies if b.id == group.strategy_id)
        arms = [row for row in group.rows if _has_figures(row)]
        endpoints = _endpoints(summary, arms, baseline, labels)
        shown = [row for row in arms if any(row.column.figures.get(e) for e in endpoints)]
        rows = [*shown, *baseline] if shown else []
        head = ["Study", "Design, n", *(slide_label(labels[e]) for e in endpoints)]
        grid = [_row_lines(row, endpoints) for row in rows]
        cited = [_row_numbers(row, endpoints) for row in rows]
        rated = _certainty_row(brief.certainty, summary.certainty_note, endpoints)
        once = None
        if rows and rated is not None:  # under the arms of the first table
            grid.insert(len(shown), rated[0])
            cited.insert(len(shown), rated[1])
            once = len(shown)
        regimens = list(dict.fromkeys(r.column.regimen for r in group.rows if r.column.regimen))
        no_figure_rows = [
            row for row in group.rows if row not in shown and row.column.role == "intervention"
        ]
        no_figures = list(
            dict.fromkeys(
                f"{row.column.study_name} [{row.column.reference_number}]" for row in no_figure_rows
            )
        )
        above = _above_table(fit, brief.name, group.bottom_line[:1], regimens)
        first_room = fit.table_px - above
        first_room -= _below_table(fit, no_figures)
        pages = _pack(fit, head, grid, len(shown), first_room, once)
        for part, page in enumerate(pages, start=1):
            numbers = [n for i in page for n in cited[i]]
            first = part == 1
            # The headline of the bottom line; the whole of it is on the take-home.
            status = group.bottom_line[:1] if first else []
            numbers += claims_numbers(status)
            if first:  # what the slide shows and the presenter's notes cite, nothing more
                numbers += [row.column.reference_number for row in no_figure_rows]
                numbers += claims_numbers(list(brief.caveats))
            slides.append(
                StrategySlide(
                    name=brief.name if first else short_name(brief.name),
                    drug_class=brief.drug_class if first else None,
                    status=status,
                    regimens=regimens if first else [],
                    head=head,
                    rows=[grid[i] for i in page],
                    no_figures=no_figures if first else [],
                    refs=footer_refs(numbers),
                    notes=list(brief.caveats) if first else [],
                    part=part,
                    parts=len(pages),
                )
            )
    return slides


def _certainty_row(
    ratings: Sequence[CertaintyView], note: ClaimView | None, endpoints: list[str]
) -> tuple[list[list[str]], list[int]] | None:
    """The strategy's certainty of evidence per endpoint shown ('⊕◯◯◯ very low'), said
    to be the tool's own rating and citing what ``note`` cites; None with no rating."""
    by_endpoint = {r.endpoint: r for r in ratings}
    if not any(by_endpoint.get(e) and by_endpoint[e].level for e in endpoints):
        return None
    numbers = list(dict.fromkeys(c.number for c in note.citations)) if note else []
    marker = f" [{', '.join(str(n) for n in numbers)}]" if numbers else ""
    cells = []
    for endpoint in endpoints:
        rating = by_endpoint.get(endpoint)
        level = rating.level if rating else None
        # symbols, then the words kept on one line ('very\u00a0low')
        cells.append([rating.symbols, level.replace(" ", "\u00a0")] if rating and level else ["—"])
    design = ["the tool's rating", f"after GRADE, not official{marker}"]
    return [["Certainty"], design, *cells], numbers


def _has_figures(row: SummaryRow) -> bool:
    return any(row.column.figures.values())


def _endpoints(
    summary: SummaryView,
    arms: list[SummaryRow],
    baseline: list[SummaryRow],
    labels: dict[str, str],
) -> list[str]:
    """The default endpoints someone on the slide reports; the strategy's own others
    first when its arms report none of the defaults (so its figures are shown)."""
    shown = [*arms, *baseline]
    defaults = [e for e, _ in summary.endpoints if any(r.column.figures.get(e) for r in shown)]
    own = [e for e in labels if e not in defaults and any(a.column.figures.get(e) for a in arms)]
    if not any(a.column.figures.get(e) for a in arms for e in defaults):
        return [*own, *defaults][:MAX_ENDPOINTS]
    return defaults[:MAX_ENDPOINTS]


def _row_lines(row: SummaryRow, endpoints: list[str]) -> list[list[str]]:
    """A row's cells as lines: study; design, n and the ICANS grading; the figures."""
    column = row.column
    study = [row.study]
    design = [row.design, f"n = {column.n}" if column.n is not None else "n not reported"]
    gradings = [
        f.grading_label
        for e in ICANS_ENDPOINTS
        for f in column.figures.get(e, [])
        if f.grading_label
    ]
    design += list(dict.fromkeys(gradings))
    return [study, design, *(figure_lines(column.figures.get(e, [])) for e in endpoints)]


def _row_numbers(row: SummaryRow, endpoints: list[str]) -> list[int]:
    return [row.column.reference_number] + [
        n
        for e in endpoints
        for figure in row.column.figures.get(e, [])
        for n in figure_numbers(figure)
    ]


def _above_table(fit: Fit, name: str, status: list[ClaimView], regimens: list[str]) -> float:
    """Pixels a first slide uses above its table: the status and the regimens (the
    heading is outside ``fit.table_px`` already, unless it takes two lines)."""
    used = fit.h2_line * (text_lines(name, fit.h2_chars) - 1)
    used += sum(item_height(fit, c.text + " " + c.markers) for c in status) + fit.para
    if regimens:
        used += fit.line * text_lines("Regimens: " + "; ".join(regimens), fit.chars) + fit.para
    return used


def _below_table(fit: Fit, no_figures: list[str]) -> float:
    if not no_figures:
        return 0.0
    text = "No figure for these end points: " + "; ".join(no_figures)
    return fit.line * text_lines(text, fit.chars) + 2 * fit.para


def _pack(
    fit: Fit,
    head: list[str],
    grid: list[list[list[str]]],
    arms: int,
    first_room: float,
    once: int | None = None,
) -> list[list[int]]:
    """Row indices grouped into slides: the first ``arms`` rows (the strategy's arms) in
    order, the rows after them (the baseline's arms) under them on every slide, and the
    row ``once`` (the certainty) under the arms of the first table only.  Each table
    fits its room (the first slide's less what is above and below its table) and holds
    at most MAX_ROWS rows.  The first slide holds no table (an empty list) when not even
    one arm fits under its status and regimens."""
    flat = [["\n".join(cell) for cell in row] for row in grid]
    baseline = [i for i in range(arms, len(flat)) if i != once]
    pages: list[list[int]] = [[]]  # each slide's arms
    room = first_room

    def tail(page: int) -> list[int]:
        """What goes under the arms of slide ``page``: the certainty on the first
        slide with a table, the baseline on all."""
        first_table = not any(pages[:page])
        return ([once] if once is not None and first_table else []) + baseline

    def fits(rows: list[int]) -> bool:
        return len(rows) <= MAX_ROWS and table_height(fit, [head, *(flat[i] for i in rows)]) <= room

    for index in range(arms):
        rows = [*pages[-1], index, *tail(len(pages) - 1)]
        # The first slide has the status and regimens above: its table may start later.
        if (pages[-1] or len(pages) == 1) and not fits(rows):
            pages.append([])
            room = fit.table_px
        pages[-1].append(index)
    if not arms:
        return [[]]
    return [[*page, *tail(number)] if page else [] for number, page in enumerate(pages)]
