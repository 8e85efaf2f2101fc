"""The ``compare`` view in the terminal: a Rich table that folds, never crops.

Study columns have a fixed minimum width; when the terminal is too narrow for all of
them the table is cut into several tables of whole columns, and below one column's
width each study is stacked as its own block.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table

from ..views.common import NOT_REPORTED, Figure, short_name
from ..views.compare import CompareView, Row, footnote_letter
from .terminal import (
    NOTES_ONLY_TITLE,
    Text,
    bullets,
    claim_text,
    effects_block,
    figure_text,
    indented,
    overrides_notice,
    references,
)
from .terminal_certainty import compare_certainty_block


def _cell(figures: list[Figure]) -> Text:
    if not figures:
        return Text(NOT_REPORTED, style="dim")
    out = Text()
    for i, figure in enumerate(figures):
        if i:
            out.append("\n")
        out.append_text(figure_text(figure))
    return out


LABEL_WIDTH = 14
COLUMN_WIDTH = 15  # the longest header word (CORTICOSTEROIDS) and any figure fit unbroken
CELL_PADDING = 2
# The box draws an outer edge on each side and a divider before each study column; the
# padding is left out at the two outer edges (pad_edge=False).
EDGES = 2


def table_width(columns: int) -> int:
    """The width of a comparison table of ``columns`` study columns at their minimum."""
    return EDGES + LABEL_WIDTH + columns * (COLUMN_WIDTH + CELL_PADDING + 1)


def _row_label(view: CompareView, row: Row) -> Text:
    """A row's label with the letters of its footnotes."""
    label = Text(row.label)
    for letter in view.footnote_letters(row):
        label.append(f" ({letter})", style="yellow")
    return label


def _compare_table(view: CompareView, columns: list[int]) -> Table:
    """One table of the comparison holding the study columns at ``columns``."""
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=False, pad_edge=False)
    table.add_column("", style="bold", overflow="fold", width=LABEL_WIDTH)
    for index in columns:
        column = view.columns[index]
        header = Text()
        header.append(column.strategy_short_name.upper() + "\n", style="bold magenta")
        header.append(column.header)
        header.append(f" [{column.reference_number}]", style="cyan")
        table.add_column(header, overflow="fold", min_width=COLUMN_WIDTH)
    chosen = [view.columns[i] for i in columns]

    def info_row(label: str, values: list[str | None]) -> None:
        table.add_row(
            Text(label), *(Text(v) if v else Text(NOT_REPORTED, style="dim") for v in values)
        )

    info_row("Design", [c.design for c in chosen])
    info_row("n", [str(c.n) if c.n is not None else None for c in chosen])
    info_row("Product", [c.product for c in chosen])
    info_row("Grading", [", ".join(c.gradings) or None for c in chosen])
    info_row("Follow-up", [c.follow_up for c in chosen])
    for row in view.rows:
        table.add_row(_row_label(view, row), *(_cell(row.cells[i]) for i in columns))
    # Findings only where a study has no figures at all (e.g. ZUMA-1 cohort 3): the
    # full text of every finding is in `icansctl show`.
    qualitative = [c.findings if not c.figures else [] for c in chosen]
    if any(qualitative):
        table.add_row(
            Text("Findings (no figures)"),
            *(Text("\n".join(f"• {f.text} {f.markers}" for f in found)) for found in qualitative),
        )
    return table


# Narrower than one label column beside one study column, a table would have to crop
# its cells ("9.7% (3/3"): each study arm becomes a block of lines instead.
STACKED_BELOW = table_width(1)


def _compare_blocks(view: CompareView) -> list[RenderableType]:
    """The comparison for a narrow terminal: one block per study arm, each row's label
    on its own line and its figures below it, so every number keeps its line."""
    blocks: list[RenderableType] = []
    for index, column in enumerate(view.columns):
        head = Text("\n" + column.strategy_short_name.upper() + "\n", style="bold magenta")
        head.append(column.header, style="bold")
        head.append(f" [{column.reference_number}]", style="cyan")
        blocks.append(head)
        info = (
            ("Design", column.design),
            ("n", str(column.n) if column.n is not None else None),
            ("Product", column.product),
            ("Grading", ", ".join(column.gradings) or None),
            ("Follow-up", column.follow_up),
        )
        for label, value in info:
            line = Text(label + ": ", style="bold")
            line.append(value or NOT_REPORTED, style="" if value else "dim")
            blocks.append(indented(line, 2))
        for row in view.rows:
            blocks.append(indented(_row_label(view, row), 2))
            blocks.append(indented(_cell(row.cells[index]), 4))
        if column.findings and not column.figures:
            blocks.append(indented(Text("Findings (no figures)", style="bold"), 2))
            for finding in column.findings:
                blocks.append(indented(Text(f"• {finding.text} {finding.markers}"), 4))
    blocks.append(Text(""))
    return blocks


def column_chunks(count: int, width: int) -> list[list[int]]:
    """Split ``count`` study columns into tables that fit ``width`` characters."""
    # As many as fit at their minimum width; Rich never has to shrink a column below
    # it, which would fold a figure or (when it cannot) crop the table's right side.
    per_table = max(1, (width - table_width(0)) // (COLUMN_WIDTH + CELL_PADDING + 1))
    return [list(range(i, min(i + per_table, count))) for i in range(0, count, per_table)]


class CompareRenderable:
    """The comparison, laid out for the console's width when printed.

    Columns that do not fit side by side continue in a further table (the row labels
    repeat), so nothing is ever cropped.
    """

    def __init__(self, view: CompareView) -> None:
        self.view = view

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        view = self.view
        yield Text("ICANS prevention: study by study", style="bold")
        notice = overrides_notice(view.overrides)
        if notice is not None:
            yield notice
        if options.max_width < STACKED_BELOW:
            yield from _compare_blocks(view)
        else:
            chunks = column_chunks(len(view.columns), options.max_width)
            for number, chunk in enumerate(chunks, start=1):
                if len(chunks) > 1:
                    yield Text(f"(table {number} of {len(chunks)})", style="dim")
                yield _compare_table(view, chunk)
        notes = Text()
        for i, note in enumerate(view.footnotes):
            notes.append(f"({footnote_letter(i)}) ", style="yellow")
            notes.append(note + "\n")
        for line in view.legend:
            notes.append(line + "\n", style="dim")
        yield notes
        yield from effects_block(view)
        yield Text("How far to trust this", style="bold")
        caveats = [("•", Text(view.design_note)), ("•", Text(view.currency.sentence))] + [
            ("•", claim_text(claim, f"{short_name(strategy.name)}: "))
            for strategy in view.strategies
            for claim in strategy.caveats
        ]
        yield bullets(caveats)
        block = compare_certainty_block(view)
        if block is not None:
            yield block
        yield Text("")
        yield references(view.printed_table_references)
        if view.notes_only_references:
            yield Text("")
            yield references(view.notes_only_references, NOTES_ONLY_TITLE)


def compare_renderable(view: CompareView) -> RenderableType:
    """The comparison: study columns, then footnotes, caveats and references."""
    return CompareRenderable(view)
