"""Terminal rendering with Rich.

Evidence text is always wrapped in ``rich.text.Text`` (never parsed as markup), so
square brackets in evidence such as ``IL-1[beta]`` print literally.  Cells fold
rather than truncate, and below the width a table needs the comparison is laid out
as one block per study arm, so no number is ever cut, down to 20 columns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Text as RichText

from .output import fallback_text

if TYPE_CHECKING:
    from ..views.numbering import NumberedReference
from ..views.common import (
    NOT_REPORTED,
    OVERRIDDEN,
    ClaimView,
    Figure,
    Override,
    StudyView,
    short_name,
)
from ..views.compare import CompareView, Row
from ..views.listing import ListItem
from ..views.mechanisms import MechanismView
from ..views.show import ShowView

# Set while a renderable is built for a standard output that cannot encode Unicode
# (PYTHONIOENCODING=ascii, LC_ALL=C): the encoding whose missing characters get ASCII
# stand-ins ("≥" -> ">=").  Converted as the Text is made, so that Rich measures and
# aligns the text it prints; converting the printed lines would shift the columns.
_fallback_encoding: str | None = None


@contextlib.contextmanager
def ascii_text(encoding: str | None) -> Iterator[None]:
    """While active, every ``Text`` made here is converted for ``encoding`` (None: as is)."""
    global _fallback_encoding
    previous, _fallback_encoding = _fallback_encoding, encoding
    try:
        yield
    finally:
        _fallback_encoding = previous


def _converted(text: str) -> str:
    return text if _fallback_encoding is None else fallback_text(text, _fallback_encoding)


class Text(RichText):
    """``rich.text.Text`` that converts its text for the output (see ``ascii_text``)."""

    def __init__(self, text: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(_converted(text), *args, **kwargs)

    def append(self, text: RichText | str, style: str | Style | None = None) -> RichText:
        """Add text (converted for the output) with an optional style."""
        return super().append(_converted(text) if isinstance(text, str) else text, style)


def _bullets(items: Iterable[tuple[str, Text]], indent: int = 2) -> Table:
    """Bulleted lines with a hanging indent, so wrapped text lines up under itself."""
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(width=indent + 1, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for bullet, text in items:
        grid.add_row(Text(bullet), text)
    return grid


def _claim_text(claim: ClaimView, prefix: str = "") -> Text:
    text = Text(prefix)
    text.append(claim.text)
    text.append(" " + claim.markers, style="cyan")
    return text


def _claims(title: str, claims: Iterable[ClaimView], indent: int = 2) -> RenderableType | None:
    items = list(claims)
    if not items:
        return None
    return Group(
        Text(""),
        Text(title, style="bold"),
        _bullets((("•", _claim_text(c)) for c in items), indent),
    )


NOTES_ONLY_TITLE = "Cited only in study notes and summaries (icansctl show; --format json)"


def _references(
    refs: list[NumberedReference], title: str = "References", *, marked: bool = False
) -> RenderableType:
    width = max((len(f"[{ref.number}]") for ref in refs), default=3)
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(width=width, justify="right", no_wrap=True, style="cyan")
    grid.add_column(overflow="fold")
    for ref in refs:
        text = Text(ref.text)
        if marked and ref.overridden_by:
            text.append(f" ({OVERRIDDEN}: {ref.overridden_by})", style="bold yellow")
        grid.add_row(Text(f"[{ref.number}]"), text)
    return Group(Text(title, style="bold"), grid)


def _overrides_notice(overrides: list[Override]) -> RenderableType | None:
    """What local evidence replaced, said before the figures it may have changed."""
    if not overrides:
        return None
    return Group(
        Text("Local evidence replaces bundled entries shown here:", style="bold yellow"),
        _bullets(("!", Text(o.text)) for o in overrides),
        Text(""),
    )


def _figure_text(figure: Figure) -> Text:
    text = Text()
    text.append(figure.value_text, style="bold" if figure.percent_text else "dim")
    if figure.markers:
        text.append(figure.markers, style="yellow")
    if figure.ci_text:
        text.append("\n" + figure.ci_text, style="dim")
    if figure.time_point:
        text.append("\n" + figure.time_point, style="italic dim")
    numbers = [c.number for c in figure.citations]
    if figure.via_number and figure.via_number not in numbers:
        numbers.append(figure.via_number)
    text.append("\n[" + ", ".join(str(n) for n in numbers) + "]", style="cyan")
    return text


def _cell(figures: list[Figure]) -> Text:
    if not figures:
        return Text(NOT_REPORTED, style="dim")
    out = Text()
    for i, figure in enumerate(figures):
        if i:
            out.append("\n")
        out.append_text(_figure_text(figure))
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


def _row_label(row: Row, footnotes: list[str]) -> Text:
    """A row's label with the letters of its footnotes (numbered in order of use)."""
    label = Text(row.label)
    for note in row.footnotes:
        if note not in footnotes:
            footnotes.append(note)
        label.append(f" ({chr(ord('a') + footnotes.index(note))})", style="yellow")
    return label


def _compare_table(view: CompareView, columns: list[int], footnotes: list[str]) -> Table:
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
        table.add_row(_row_label(row, footnotes), *(_cell(row.cells[i]) for i in columns))
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


def _compare_blocks(view: CompareView, footnotes: list[str]) -> list[RenderableType]:
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
            blocks.append(_indented(line, 2))
        for row in view.rows:
            blocks.append(_indented(_row_label(row, footnotes), 2))
            blocks.append(_indented(_cell(row.cells[index]), 4))
        if column.findings and not column.figures:
            blocks.append(_indented(Text("Findings (no figures)", style="bold"), 2))
            for finding in column.findings:
                blocks.append(_indented(Text(f"• {finding.text} {finding.markers}"), 4))
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
        notice = _overrides_notice(view.overrides)
        if notice is not None:
            yield notice
        footnotes: list[str] = []
        if options.max_width < STACKED_BELOW:
            yield from _compare_blocks(view, footnotes)
        else:
            chunks = column_chunks(len(view.columns), options.max_width)
            for number, chunk in enumerate(chunks, start=1):
                if len(chunks) > 1:
                    yield Text(f"(table {number} of {len(chunks)})", style="dim")
                yield _compare_table(view, chunk, footnotes)
        notes = Text()
        for i, note in enumerate(footnotes):
            notes.append(f"({chr(ord('a') + i)}) ", style="yellow")
            notes.append(note + "\n")
        for line in view.legend:
            notes.append(line + "\n", style="dim")
        yield notes
        yield Text("How far to trust this", style="bold")
        caveats = [("•", Text(view.design_note))] + [
            ("•", _claim_text(claim, f"{short_name(strategy.name)}: "))
            for strategy in view.strategies
            for claim in strategy.caveats
        ]
        yield _bullets(caveats)
        yield Text("")
        yield _references(view.printed_table_references)
        if view.notes_only_references:
            yield Text("")
            yield _references(view.notes_only_references, NOTES_ONLY_TITLE)


def compare_renderable(view: CompareView) -> RenderableType:
    """The comparison: study columns, then footnotes, caveats and references."""
    return CompareRenderable(view)


STUDY_TABLE_MIN_WIDTH = 140  # below this a six-column figure table breaks words


def _indented(text: Text, indent: int = 2) -> RenderableType:
    """Text whose wrapped lines keep the indent of its first line."""
    from rich.padding import Padding

    return Padding(text, (0, 0, 0, indent))


def _figure_source(figure: Figure) -> str:
    source = "; ".join(c.label for c in figure.citations)
    if figure.via:
        source += f"; via [{figure.via_number}]"
    return source


def _figure_grading(figure: Figure) -> str:
    return "; ".join(x for x in (figure.grading_label, figure.definition, figure.time_point) if x)


def _figures_table(study: StudyView, endpoint_labels: dict[str, str]) -> Table:
    table = Table(box=box.SIMPLE, show_header=True, pad_edge=False)
    for name in ("Endpoint", "Arm", "Result", "95% CI", "Grading / time", "Source"):
        table.add_column(name, overflow="fold")
    for figure in study.figures:
        source = _figure_source(figure)
        table.add_row(
            Text(endpoint_labels.get(figure.endpoint, figure.endpoint)),
            Text(figure.arm),
            Text(figure.value_text + figure.markers),
            Text(figure.ci_text or "no N"),
            Text(_figure_grading(figure)),
            Text(source + (f"\nNote: {figure.note}" if figure.note else "")),
        )
    return table


def _figures_blocks(study: StudyView, endpoint_labels: dict[str, str]) -> list[RenderableType]:
    """One short block per figure: the number first, then what it means and its source."""
    blocks: list[RenderableType] = []
    for figure in study.figures:
        head = Text(endpoint_labels.get(figure.endpoint, figure.endpoint), style="bold")
        head.append(f" ({figure.arm})")
        blocks.append(_indented(head, 2))
        value = Text(figure.value_text + figure.markers, style="bold")
        value.append(f"   95% CI {figure.ci_text}" if figure.ci_text else "   no N: no CI")
        lines: list[Text] = [value]
        grading = _figure_grading(figure)
        if grading:
            lines.append(Text(grading))
        lines.append(Text("Source: " + _figure_source(figure)))
        if figure.note:
            lines.append(Text("Note: " + figure.note, style="dim"))
        blocks.extend(_indented(line, 4) for line in lines)
    return blocks


class _StudyBlock:
    """A study in `show`: design and population, then its figures as a table where
    the terminal is wide enough, else as one block per figure."""

    def __init__(self, study: StudyView, endpoint_labels: dict[str, str]) -> None:
        self.study = study
        self.endpoint_labels = endpoint_labels

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        study = self.study
        yield Text(f"\n{study.name} [{study.reference_number}]", style="bold")
        yield _indented(Text(f"{study.design}. {study.design_summary}"))
        population = [study.disease, study.product]
        counts = [
            f"{label} {value}"
            for label, value in (
                ("enrolled", study.enrolled),
                ("treated", study.treated),
                ("evaluable", study.evaluable),
            )
            if value is not None
        ]
        yield _indented(Text("Population: " + "; ".join(population + counts)))
        if study.follow_up:
            yield _indented(Text(f"Follow-up: {study.follow_up}"))
        if study.registration:
            yield _indented(Text("Registration: " + ", ".join(study.registration)))
        if study.figures:
            yield Text("")
            if options.max_width >= STUDY_TABLE_MIN_WIDTH:
                yield _indented(_figures_table(study, self.endpoint_labels))  # type: ignore[arg-type]
            else:
                yield from _figures_blocks(study, self.endpoint_labels)
        for block in (
            _claims("  Findings", study.findings, indent=4),
            _claims("  Notes", study.notes, indent=4),
        ):
            if block is not None:
                yield block


def _study_block(study: StudyView, endpoint_labels: dict[str, str]) -> RenderableType:
    return _StudyBlock(study, endpoint_labels)


def show_renderable(view: ShowView) -> RenderableType:
    """One strategy in full."""
    head = Text()
    head.append(view.name, style="bold magenta")
    if view.drug_class:
        head.append(f" ({view.drug_class})")
    head.append("\n")
    if view.aliases:
        head.append("Also: " + ", ".join(view.aliases) + "\n", style="dim")
    if view.targets:
        head.append("Acts on: " + ", ".join(label for _, label in view.targets) + "\n")
    parts: list[RenderableType] = [head]
    notice = _overrides_notice(view.overrides)
    if notice is not None:
        parts.append(notice)
    for block in (_claims("Summary", view.summary), _claims("Mechanism", view.mechanism)):
        if block is not None:
            parts.append(block)
    parts.append(Text("\nRegimens", style="bold"))
    for regimen in view.regimens:
        name = Text(regimen.name, style="bold")
        if regimen.studies:
            name.append(f" (studies: {', '.join(regimen.studies)})", style="dim")
        parts.append(_indented(name, 2))  # wrapped lines keep the indent
        parts.append(_bullets((("•", _claim_text(c)) for c in regimen.schedule), indent=4))
    parts.append(Text("\nStudies", style="bold"))
    for study in view.studies:
        parts.append(_study_block(study, view.endpoint_labels))
    for block in (_claims("Status", view.status), _claims("Caveats", view.caveats)):
        if block is not None:
            parts.append(block)
    parts.append(Text(""))
    parts.append(_references(view.references))
    return Group(*parts)


LIST_TABLE_MIN_WIDTH = 140  # below this the seven columns break words: one block each


def _patients(item: ListItem) -> str:
    if item.patients is None:
        return NOT_REPORTED
    if item.arms_without_n:
        return f"{item.patients} + {item.arms_without_n} arm(s) not reported"
    return str(item.patients)


def _list_name(item: ListItem) -> str:
    """The strategy's name, marked when local evidence replaced the bundled one."""
    if item.overridden_by:
        return f"{item.name} ({OVERRIDDEN}: {item.overridden_by})"
    return item.name


def _list_fields(item: ListItem) -> list[tuple[str, str]]:
    return [
        ("Class", item.drug_class or ""),
        ("Acts on", ", ".join(item.targets)),
        ("Studies", f"{item.studies} ({item.randomized_studies} randomized)"),
        ("Patients", _patients(item)),
        ("Also", ", ".join(item.aliases)),
    ]


class ListRenderable:
    """Strategies at a glance: a table where it fits, else one block per strategy."""

    def __init__(self, items: list[ListItem]) -> None:
        self.items = items

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = self._table()
        widths = sum(column.min_width or 0 for column in table.columns)
        padding = 3 * len(table.columns)  # two spaces between columns, edges
        if options.max_width >= max(LIST_TABLE_MIN_WIDTH, widths + padding):
            yield table
            return
        yield Text("Strategies", style="bold")
        for item in self.items:
            head = Text("\n" + item.id, style="bold magenta")
            if item.kind == "baseline":
                head.append(" (baseline)")
            head.append("  " + _list_name(item))
            yield head
            grid = Table.grid(padding=(0, 1), pad_edge=False)
            grid.add_column(no_wrap=True, style="dim")
            grid.add_column(overflow="fold")
            for label, value in _list_fields(item):
                if value:
                    grid.add_row(Text("  " + label), Text(value))
            yield grid

    def _table(self) -> Table:
        rows = [
            [
                item.id + (" (baseline)" if item.kind == "baseline" else ""),
                _list_name(item),
                *(value for _, value in _list_fields(item)),
            ]
            for item in self.items
        ]
        table = Table(box=box.SIMPLE_HEAD, title="Strategies", title_justify="left")
        names = ("id", "Strategy", "Class", "Acts on", "Studies", "Patients", "Also")
        for index, name in enumerate(names):
            # Never narrower than the column's longest word: words wrap, they do not break.
            longest = max((len(w) for row in rows for w in row[index].split()), default=0)
            table.add_column(name, overflow="fold", min_width=max(longest, len(name)))
        for row in rows:
            table.add_row(*(Text(value) for value in row))
        return table


def list_renderable(items: list[ListItem]) -> RenderableType:
    """Strategies at a glance."""
    return ListRenderable(items)


def mechanisms_renderable(view: MechanismView) -> RenderableType:
    """The mechanism graph as a tree, with the strategies acting at each node."""
    from rich.tree import Tree

    seen: set[str] = set()

    def label(node_id: str) -> Text:
        node = view.nodes[node_id]
        text = Text(node.label, style="bold")
        if node.strategies:
            text.append("  ◀ " + ", ".join(node.strategies), style="magenta")
        return text

    def grow(tree: Tree, node_id: str) -> None:
        if node_id in seen:
            branch = tree.add(Text(view.nodes[node_id].label + " (see above)", style="dim"))
            return
        seen.add(node_id)
        branch = tree.add(label(node_id))
        for child in view.nodes[node_id].children:
            grow(branch, child)

    tree = Tree(Text("Pathophysiology of ICANS (→ leads to)", style="bold"))
    for root in view.roots:
        grow(tree, root)
    details: list[RenderableType] = [Text("\nNodes", style="bold")]
    for node in view.nodes.values():
        head = Text(node.label, style="bold")
        if node.strategies:
            head.append(" — targeted by " + ", ".join(node.strategies), style="magenta")
        details.append(_indented(head, 2))  # wrapped lines keep the indent
        details.append(_bullets((("•", _claim_text(c)) for c in node.description), indent=4))
    notice = _overrides_notice(view.overrides)
    return Group(
        *([notice] if notice is not None else []),
        tree,
        *details,
        Text(""),
        _references(view.references),
    )


def refs_renderable(refs: list[NumberedReference]) -> RenderableType:
    """A numbered Vancouver reference list (an overridden reference says so)."""
    return _references(refs, marked=True)


def make_console(file: object = None, width: int | None = None, color: bool = True) -> Console:
    """A console that honours NO_COLOR and prints plain text to pipes and files.

    ``color=False`` (NO_COLOR) drops every escape sequence, bold and dim included, not
    only colours: the output is the same plain text a pipe gets.
    """
    return Console(
        file=file,  # type: ignore[arg-type]
        width=width,
        color_system="auto" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
