"""Markdown rendering: every document comes from ``templates/``.

Python here plans (which columns and rows go in which table, which footnote letter
belongs to which row); the Markdown itself is written by Jinja templates, which only
render what they are given, with evidence text escaped by the ``md``/``cell`` filters.
The Marp deck is planned in ``render_slides``, which shares the table helpers here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..views.common import Figure
from ..views.compare import Column, CompareView
from ..views.forest import ForestView
from ..views.listing import ListItem
from ..views.mechanisms import MechanismView
from ..views.numbering import NumberedReference
from ..views.show import ShowView
from .charts.forest_svg import forest_svg
from .charts.forest_text import unicode_chart
from .templating import render_template

CHART_WIDTH = 96
# Information rows of the comparison table, before the endpoint rows.
INFO_ROWS = ("design", "n", "product", "grading", "follow_up")
INFO_LABELS = {
    "design": "Design",
    "n": "n",
    "product": "Product",
    "grading": "Grading",
    "follow_up": "Follow-up",
}


def fence_for(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


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
    numbers: list[int] = []
    for c in figure.citations:
        if c.number not in numbers:
            numbers.append(c.number)
    if figure.via_number and figure.via_number not in numbers:
        numbers.append(figure.via_number)
    return numbers


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
    notes: list[str] = []
    letters: dict[int, list[str]] = {}
    for index, row in enumerate(view.rows):
        for note in row.footnotes:
            if note not in notes:
                notes.append(note)
            letters.setdefault(index, []).append(chr(ord("a") + notes.index(note)))
    return notes, letters


def _chart(view: ForestView | None) -> dict[str, str] | None:
    if view is None:
        return None
    text = unicode_chart(view, CHART_WIDTH)
    return {"text": text, "fence": fence_for(text), "endpoint_label": view.endpoint_label}


def _common() -> dict[str, Any]:
    return {
        "info_value": info_value,
        "info_labels": INFO_LABELS,
        "figure_numbers": figure_numbers,
    }


def _document(
    view: CompareView | ShowView, forest: ForestView | None, forest_image: str | None
) -> str:
    """``compare`` or ``show`` as Markdown; ``forest_image`` is the address of the forest
    plot's SVG when one is written beside the document (the Unicode chart is there
    either way)."""
    if isinstance(view, ShowView):
        return render_template(
            "show.md.j2", view=view, chart=_chart(forest), forest_image=forest_image, **_common()
        )
    notes, letters = footnote_letters(view)
    return render_template(
        "compare.md.j2",
        view=view,
        chunks=table_plan(view),
        notes=notes,
        letters=letters,
        chart=_chart(forest),
        forest_image=forest_image,
        **_common(),
    )


def compare_markdown(view: CompareView) -> str:
    """The comparison as a Markdown document (one GitHub table, notes, chart, references)."""
    return _document(view, view.forest, None)


def show_markdown(view: ShowView) -> str:
    """One strategy in full, as Markdown."""
    return _document(view, view.forest, None)


def markdown_with_picture(view: CompareView | ShowView, output: Path) -> dict[Path, str]:
    """The Markdown document for ``output`` and its forest plot as SVG beside it.

    A document written to a file links the picture (``NAME.forest.svg``, as the deck
    does); on standard output there is nowhere to put it, so only the chart is shown.
    """
    forest = view.forest
    if forest is None or not forest.rows:
        return {output: _document(view, forest, None)}
    picture = output.with_name(f"{output.stem}.forest.svg")
    return {
        output: _document(view, forest, quote(picture.name)),
        picture: forest_svg(forest),
    }


def list_markdown(items: list[ListItem]) -> str:
    """Strategies at a glance, as a Markdown table."""
    return render_template("list.md.j2", items=items)


def mermaid_ids(view: MechanismView) -> dict[str, str]:
    """Safe Mermaid node ids (n1, n2, ...) for the evidence's node ids."""
    return {node_id: f"n{i}" for i, node_id in enumerate(view.nodes, start=1)}


def mechanisms_markdown(view: MechanismView) -> str:
    """The mechanism graph as a Mermaid flowchart, with cited node descriptions."""
    strategies: list[str] = []
    for node in view.nodes.values():
        for name in node.strategies:
            if name not in strategies:
                strategies.append(name)
    return render_template(
        "mechanisms.md.j2",
        view=view,
        ids=mermaid_ids(view),
        strategy_ids={name: f"s{i}" for i, name in enumerate(strategies, start=1)},
    )


def refs_markdown(refs: list[NumberedReference]) -> str:
    """A numbered Vancouver reference list in Markdown."""
    return render_template("refs.md.j2", refs=refs)
