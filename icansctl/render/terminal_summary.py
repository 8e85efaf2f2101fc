"""The summary-of-findings table in the terminal: never a number cut or split.

Each endpoint column is at least as wide as its longest figure, so ``35% (7/20)*`` and
``18.1–56.7`` always stay whole on their line; only study names, designs and headers
wrap, between words.  When the endpoints do not fit beside the study columns they go
into further tables that repeat the study column; below ``BLOCKS_BELOW`` columns each
arm is a block of lines, as ``list`` and ``show`` do.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table

from ..views.common import Figure
from ..views.compare import footnote_letter
from ..views.summary import SummaryRow, SummaryView
from .tables import figure_numbers
from .terminal import (
    Text,
    bullets,
    claim_text,
    effects_block,
    indented,
    overrides_notice,
    references,
)
from .terminal_certainty import cell_width, certainty_cell, symbols_wanted

BLOCKS_BELOW = 60  # narrower than this, one block per arm
NOT_REPORTED_SHORT = "n/r"
STUDY_MIN, STUDY_MAX = 11, 28
GAP = 1  # columns are separated by one space, no padding: a table is as narrow as can be


def _figure_lines(figure: Figure) -> list[tuple[str, str]]:
    """(text, style) lines of one figure: value, count and provenance marks, the CI
    below, then its citation numbers."""
    numbers = ", ".join(str(n) for n in figure_numbers(figure))
    lines = [(figure.value_text + figure.markers, "")]
    if figure.ci_text:
        lines.append((figure.ci_text, "dim"))
    lines.append((f"[{numbers}]", "cyan"))
    return lines


def _cell(figures: list[Figure]) -> Text:
    if not figures:
        return Text(NOT_REPORTED_SHORT, style="dim")
    out = Text()
    for i, figure in enumerate(figures):
        for j, (line, style) in enumerate(_figure_lines(figure)):
            if i or j:
                out.append("\n")
            out.append(line, style=style)
    return out


def _width_of(figures: list[Figure]) -> int:
    """The longest line of a cell: the column may never be narrower."""
    lines = [line for f in figures for line, _ in _figure_lines(f)] or [NOT_REPORTED_SHORT]
    return max(len(line) for line in lines)


def _endpoint_widths(view: SummaryView) -> list[int]:
    widths = []
    for index, (_, label) in enumerate(view.endpoints):
        longest_word = max((len(word) for word in label.split()), default=1)
        cells = max((_width_of(row.cells[index]) for row in view.rows), default=1)
        rated = max((cell_width(g.certainty[index]) for g in view.groups if g.certainty), default=1)
        widths.append(max(cells, rated, min(longest_word, 12)))
    return widths


def _design_width(view: SummaryView) -> int:
    """The design column holds the design in a few words and, below it, the arm's n."""
    words = [len(word) for row in view.rows for word in (row.design or "-").split()]
    return max([len("Design,"), *words, *(len(_n_text(row)) for row in view.rows)])


def _n_text(row: SummaryRow) -> str:
    return f"n = {row.column.n}" if row.column.n is not None else f"n = {NOT_REPORTED_SHORT}"


def _width(columns: list[int]) -> int:
    return sum(columns) + GAP * (len(columns) - 1)


def endpoint_groups(view: SummaryView, width: int) -> list[list[int]]:
    """Endpoint indices per table: as many as fit beside the study columns (the first
    table also has the design and n; later ones repeat only the study)."""
    widths = _endpoint_widths(view)
    fixed = [STUDY_MIN, _design_width(view)]
    groups: list[list[int]] = [[]]
    for index, w in enumerate(widths):
        if groups[-1] and _width([*fixed, *(widths[i] for i in groups[-1]), w]) > width:
            groups.append([])
            fixed = [STUDY_MIN]
        groups[-1].append(index)
    return groups


def _study_text(row: SummaryRow) -> Text:
    text = Text(row.study)
    if row.letters:
        text.append(" (" + ", ".join(row.letters) + ")", style="yellow")
    return text


def _tables(
    view: SummaryView, indices: list[int], first: bool, width: int, symbols: bool
) -> list[Table]:
    """One table per strategy, all with the same column widths so they read as one;
    the header only above the first, the strategy's name as each table's title."""
    widths = [_endpoint_widths(view)[i] for i in indices]
    lead = [_design_width(view)] if first else []
    study = max(STUDY_MIN, min(STUDY_MAX, width - _width([0, *lead, *widths]) - GAP))
    tables = []
    # The header alone first: a table's title would sit above its header.
    for group in [None, *view.groups]:
        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 0),
            show_header=group is None,
            title=None if group is None else group.name + (" (baseline)" if group.baseline else ""),
            title_justify="left",
            title_style="bold magenta",
            expand=False,
        )
        table.add_column("Study", width=study, overflow="fold")
        if first:
            table.add_column("Design, n", width=lead[0], overflow="fold")
        for i, w in zip(indices, widths, strict=True):
            table.add_column(view.endpoints[i][1], width=w, overflow="fold")
        for row in group.rows if group is not None else []:
            cells: list[RenderableType] = [_study_text(row)]
            if first:
                cells.append(Text(f"{row.design}\n{_n_text(row)}"))
            table.add_row(*cells, *(_cell(row.cells[i]) for i in indices), end_section=True)
        if group is not None and group.certainty:
            lead_cells = [Text("Certainty", style="bold")] + ([Text("")] if first else [])
            table.add_row(
                *lead_cells, *(certainty_cell(group.certainty[i], symbols) for i in indices)
            )
        tables.append(table)
    return tables


def _blocks(view: SummaryView, symbols: bool) -> list[RenderableType]:
    """One block per arm for a narrow terminal: every number on a line of its own."""
    out: list[RenderableType] = []
    for group in view.groups:
        label = group.name + (" (baseline)" if group.baseline else "")
        out.append(Text("\n" + label, style="bold magenta"))
        for row in group.rows:
            out.append(_study_text(row))
            n = str(row.column.n) if row.column.n is not None else "not reported"
            out.append(indented(Text(f"{row.design}; n = {n}"), 2))
            for (_, endpoint), figures in zip(view.endpoints, row.cells, strict=True):
                out.append(indented(Text(endpoint, style="bold"), 2))
                out.append(indented(_cell(figures), 4))
        if group.certainty:
            out.append(Text("Certainty", style="bold"))
            for (_, endpoint), cell in zip(view.endpoints, group.certainty, strict=True):
                out.append(indented(Text(endpoint, style="bold"), 2))
                out.append(indented(certainty_cell(cell, symbols), 4))
    return out


class SummaryRenderable:
    """Laid out at render time, for the width the console actually has."""

    def __init__(self, view: SummaryView) -> None:
        self.view = view

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        view = self.view
        yield Text("ICANS prevention: summary of findings", style="bold")
        notice = overrides_notice(view.compare.overrides)
        if notice is not None:
            yield notice
        symbols = symbols_wanted(console)
        if options.max_width < BLOCKS_BELOW:
            yield from _blocks(view, symbols)
        else:
            groups = endpoint_groups(view, options.max_width)
            for number, indices in enumerate(groups):
                if len(groups) > 1:
                    yield Text(f"(table {number + 1} of {len(groups)})", style="dim")
                yield from _tables(view, indices, number == 0, options.max_width, symbols)
        yield from _under_the_table(view)


def _under_the_table(view: SummaryView) -> list[RenderableType]:
    notes = Text()
    for i, fact in enumerate(view.footnotes):
        notes.append(f"({footnote_letter(i)}) ", style="yellow")
        notes.append(fact + "\n")
    notes.append(f"{NOT_REPORTED_SHORT}: not reported, never zero.\n", style="dim")
    for line in view.legend:
        notes.append(line + "\n", style="dim")
    out: list[RenderableType] = [notes, *effects_block(view.compare)]
    out.append(Text("Bottom line", style="bold"))
    lines = [
        ("•", claim_text(claim, f"{g.name}: ")) for g in view.groups for claim in g.bottom_line
    ]
    if lines:
        out.append(bullets(lines))
    out.append(Text("How far to trust this", style="bold"))
    caveats = [("•", Text(view.design_note)), ("•", Text(view.compare.currency.sentence))]
    if view.certainty_note is not None:
        caveats.append(("•", claim_text(view.certainty_note)))
    caveats += [("•", claim_text(claim, f"{name}: ")) for name, claim in view.caveats]
    out.append(bullets(caveats))
    out.append(references(view.references, marked=True))
    return out


def summary_renderable(view: SummaryView) -> RenderableType:
    """The summary-of-findings table, its footnotes, bottom lines, caveats and references."""
    return SummaryRenderable(view)
