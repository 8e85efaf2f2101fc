"""The deck's summary-of-findings slides: one per strategy, the baseline repeated."""

from __future__ import annotations

from dataclasses import dataclass

from ..views.summary import SummaryRow, SummaryView
from .deck_layout import (
    Fit,
    pack_table_rows,
)
from .slide_pages import SLIDE_MAX_ROWS, FooterRefs, figures_text
from .tables import (
    figure_numbers,
)


@dataclass
class SummarySlide:
    """One strategy's summary-of-findings table, with the baseline's rows repeated."""

    name: str
    head: list[str]
    rows: list[list[str]]
    refs: list[str]
    part: int = 1
    parts: int = 1


CERTAINTY_LABEL = "Certainty"
MAX_SUMMARY_ENDPOINTS = 5  # endpoint columns on a strategy's summary slide


def summary_slides(summary: SummaryView, fit: Fit, footer_refs: FooterRefs) -> list[SummarySlide]:
    """A slide (or more, by rows, never by endpoint) per strategy: its arms, then the
    baseline's; columns are the default endpoints that anyone on the slide reports, then
    the strategy's own other endpoints (so a strategy with none of the defaults still
    shows its figures); the footer cites what the rows cite."""
    labels = {row.endpoint: row.label for row in summary.compare.rows}
    baseline = [row for group in summary.groups if group.baseline for row in group.rows]
    slides: list[SummarySlide] = []
    for group in (g for g in summary.groups if not g.baseline):
        arms = [row for row in group.rows if row.column.figures] or group.rows
        endpoints = _slide_endpoints(summary, arms, baseline, labels)
        head = ["Study", "Design, n", *(labels[e] for e in endpoints)]
        rows: list[SummaryRow | None] = [*arms, *baseline]
        grid = [_summary_row(row, endpoints) for row in rows if row is not None]
        rated = _certainty_row(summary, group.strategy_id, endpoints)
        if rated is not None:  # the strategy's certainty, after its own arms
            grid.insert(len(arms), rated)
            rows.insert(len(arms), None)
        pages = pack_table_rows(fit, head, grid, SLIDE_MAX_ROWS)
        for part, page in enumerate(pages, start=1):
            numbers = [n for i in page for n in _row_numbers(rows[i], endpoints, summary)]
            slide = SummarySlide(group.name, head, [grid[i] for i in page], footer_refs(numbers))
            slide.part, slide.parts = part, len(pages)
            slides.append(slide)
    return slides


def _slide_endpoints(
    summary: SummaryView,
    arms: list[SummaryRow],
    baseline: list[SummaryRow],
    labels: dict[str, str],
) -> list[str]:
    shown = [*arms, *baseline]
    defaults = [e for e, _ in summary.endpoints if any(r.column.figures.get(e) for r in shown)]
    own = [e for e in labels if e not in defaults and any(a.column.figures.get(e) for a in arms)]
    if not any(any(a.column.figures.get(e) for a in arms) for e in defaults):
        return [*own, *defaults][:MAX_SUMMARY_ENDPOINTS]
    return [*defaults, *own][:MAX_SUMMARY_ENDPOINTS]


def _summary_row(row: SummaryRow, endpoints: list[str]) -> list[str]:
    n = f"n = {row.column.n}" if row.column.n is not None else "n not reported"
    cells = [figures_text(row.column.figures.get(e, [])) for e in endpoints]
    return [row.study, f"{row.design}, {n}", *cells]


def _certainty_row(summary: SummaryView, strategy: str, endpoints: list[str]) -> list[str] | None:
    """'Certainty' and '⊕◯◯◯ very low' per endpoint column ('no figure' unrated), saying
    whose rating it is; None for a strategy without ratings."""
    brief = next((b for b in summary.compare.strategies if b.id == strategy), None)
    if brief is None or not brief.certainty:
        return None
    ratings = {r.endpoint: r for r in brief.certainty}
    cells = [
        f"{ratings[e].symbols} {ratings[e].words}".strip() if e in ratings else "no figure"
        for e in endpoints
    ]
    return [CERTAINTY_LABEL, "tool's rule-based rating following GRADE; not official", *cells]


def _row_numbers(row: SummaryRow | None, endpoints: list[str], summary: SummaryView) -> list[int]:
    if row is None:  # the certainty row cites what the certainty note cites
        note = summary.certainty_note
        return [c.number for c in note.citations] if note is not None else []
    return [row.column.reference_number] + [
        n
        for e in endpoints
        for figure in row.column.figures.get(e, [])
        for n in figure_numbers(figure)
    ]
