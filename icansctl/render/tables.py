"""The comparison as table chunks, shared by the Markdown and the slide renderers.

Which rows and columns go in each table, the information rows (design, n, product,
grading, follow-up), figure reference numbers and footnote letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..views.common import Figure
from ..views.compare import Column, CompareView

# Information rows of the comparison table, before the endpoint rows.
INFO_ROWS = ("design", "n", "product", "grading", "follow_up")
INFO_LABELS = {
    "design": "Design",
    "n": "n",
    "product": "Product",
    "grading": "Grading",
    "follow_up": "Follow-up",
}


def info_value(column: Column, key: str) -> str | None:
    """The text of an information row for one column (None: not reported)."""
    if key == "design":
        return column.design
    if key == "n":
        return str(column.n) if column.n is not None else None
    if key == "product":
        return column.product
    if key == "grading":
        return ", ".join(column.gradings) or None
    if key == "follow_up":
        return column.follow_up
    raise KeyError(key)


def figure_numbers(figure: Figure) -> list[int]:
    """Reference numbers shown beside a figure: its citations, then the 'via' source."""
    return figure.source_numbers


@dataclass
class TableChunk:
    """One table: some study columns, some information rows, some endpoint rows."""

    columns: list[int]
    info: list[str]
    rows: list[int]
    part: int = 1
    parts: int = 1


def table_plan(
    view: CompareView,
    max_columns: int | None = None,
    max_rows: int | None = None,
    info: tuple[str, ...] = INFO_ROWS,
) -> list[TableChunk]:
    """Split the comparison into tables of at most ``max_columns`` x ``max_rows``."""
    count = len(view.columns)
    per = max_columns or max(count, 1)
    column_sets = [list(range(i, min(i + per, count))) for i in range(0, count, per)] or [[]]
    all_rows: list[tuple[str, int | str]] = [("info", k) for k in info]
    all_rows += [("row", i) for i in range(len(view.rows))]
    limit = max_rows or max(len(all_rows), 1)
    row_sets = [all_rows[i : i + limit] for i in range(0, len(all_rows), limit)]
    chunks = [
        TableChunk(
            columns,
            [str(k) for kind, k in rows if kind == "info"],
            [int(k) for kind, k in rows if kind == "row"],
        )
        for columns in column_sets
        for rows in row_sets
    ]
    for number, chunk in enumerate(chunks, start=1):
        chunk.part, chunk.parts = number, len(chunks)
    return chunks


def footnote_letters(view: CompareView) -> tuple[list[str], dict[int, list[str]]]:
    """Row footnotes, lettered in order of first use: (notes, row index -> letters)."""
    letters = {i: view.footnote_letters(row) for i, row in enumerate(view.rows) if row.footnotes}
    return view.footnotes, letters


def template_helpers() -> dict[str, Any]:
    """The functions and labels the Markdown and slide templates call."""
    return {
        "info_value": info_value,
        "info_labels": INFO_LABELS,
        "figure_numbers": figure_numbers,
    }
