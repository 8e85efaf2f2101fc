"""Terminal rendering with Rich.

Evidence text is always wrapped in ``rich.text.Text`` (never parsed as markup), so
square brackets in evidence such as ``IL-1[beta]`` print literally.  Cells fold
rather than truncate, so no number is ever cut at 80 columns.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .citations import NumberedReference
from .views import (
    NOT_REPORTED,
    ClaimView,
    CompareView,
    Figure,
    ListItem,
    MechanismView,
    ShowView,
    StudyView,
    short_name,
)


def _claims(title: str, claims: Iterable[ClaimView]) -> RenderableType | None:
    items = list(claims)
    if not items:
        return None
    body = Text()
    body.append(title + "\n", style="bold")
    for claim in items:
        body.append("  • ")
        body.append(claim.text)
        body.append(" " + claim.markers + "\n", style="cyan")
    return body


def _references(refs: list[NumberedReference]) -> RenderableType:
    body = Text()
    body.append("References\n", style="bold")
    for ref in refs:
        body.append(f"[{ref.number}] ", style="cyan")
        body.append(ref.text + "\n")
    return body


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
        label = Text(row.label)
        for note in row.footnotes:
            if note not in footnotes:
                footnotes.append(note)
            label.append(f" ({chr(ord('a') + footnotes.index(note))})", style="yellow")
        table.add_row(label, *(_cell(row.cells[i]) for i in columns))
    # Findings only where a study has no figures at all (e.g. ZUMA-1 cohort 3): the
    # full text of every finding is in `icansctl show`.
    qualitative = [c.findings if not c.figures else [] for c in chosen]
    if any(qualitative):
        table.add_row(
            Text("Findings (no figures)"),
            *(Text("\n".join(f"• {f.text} {f.markers}" for f in found)) for found in qualitative),
        )
    return table


def column_chunks(count: int, width: int) -> list[list[int]]:
    """Split ``count`` study columns into tables that fit ``width`` characters."""
    # pad_edge=False: the outer edges carry no padding, so n columns need
    # LABEL + n * (COLUMN + PADDING) - 1 characters.
    per_table = max(1, (width - LABEL_WIDTH - CELL_PADDING // 2) // (COLUMN_WIDTH + CELL_PADDING))
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
        footnotes: list[str] = []
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
        caution = Text()
        caution.append("How far to trust this\n", style="bold")
        caution.append("  " + view.design_note + "\n")
        for strategy in view.strategies:
            for claim in strategy.caveats:
                caution.append(f"  • {short_name(strategy.name)}: ")
                caution.append(claim.text)
                caution.append(" " + claim.markers + "\n", style="cyan")
        yield caution
        yield _references(view.references)


def compare_renderable(view: CompareView) -> RenderableType:
    """The comparison: study columns, then footnotes, caveats and references."""
    return CompareRenderable(view)


def _study_block(study: StudyView, endpoint_labels: dict[str, str]) -> RenderableType:
    head = Text()
    head.append(f"{study.name} [{study.reference_number}]\n", style="bold")
    head.append(f"  {study.design}. {study.design_summary}\n")
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
    head.append("  Population: " + "; ".join(population + counts) + "\n")
    if study.follow_up:
        head.append(f"  Follow-up: {study.follow_up}\n")
    if study.registration:
        head.append("  Registration: " + ", ".join(study.registration) + "\n")
    table = Table(box=box.SIMPLE, show_header=True, pad_edge=False)
    for name in ("Endpoint", "Arm", "Result", "95% CI", "Grading / time", "Source"):
        table.add_column(name, overflow="fold")
    for figure in study.figures:
        source = "; ".join(c.label for c in figure.citations)
        if figure.via:
            source += f"; via [{figure.via_number}]"
        grading = "; ".join(
            x for x in (figure.grading_label, figure.definition, figure.time_point) if x
        )
        table.add_row(
            Text(endpoint_labels.get(figure.endpoint, figure.endpoint)),
            Text(figure.arm),
            Text(figure.value_text + figure.markers),
            Text(figure.ci_text or "no N"),
            Text(grading),
            Text(source + (f"\nNote: {figure.note}" if figure.note else "")),
        )
    parts: list[RenderableType] = [head]
    if study.figures:
        parts.append(Padding(table, (0, 0, 0, 2)))
    for block in (_claims("  Findings", study.findings), _claims("  Notes", study.notes)):
        if block is not None:
            parts.append(block)
    return Group(*parts)


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
    for block in (_claims("Summary", view.summary), _claims("Mechanism", view.mechanism)):
        if block is not None:
            parts.append(block)
    regimens = Text()
    regimens.append("Regimens\n", style="bold")
    for regimen in view.regimens:
        regimens.append(f"  {regimen.name}", style="bold")
        if regimen.studies:
            regimens.append(f" (studies: {', '.join(regimen.studies)})", style="dim")
        regimens.append("\n")
        for claim in regimen.schedule:
            regimens.append("    • " + claim.text)
            regimens.append(" " + claim.markers + "\n", style="cyan")
    parts.append(regimens)
    parts.append(Text("Studies", style="bold"))
    for study in view.studies:
        parts.append(_study_block(study, view.endpoint_labels))
    for block in (_claims("Status", view.status), _claims("Caveats", view.caveats)):
        if block is not None:
            parts.append(block)
    parts.append(_references(view.references))
    return Group(*parts)


def list_renderable(items: list[ListItem]) -> RenderableType:
    """Strategies at a glance."""
    table = Table(box=box.SIMPLE_HEAD, title="Strategies", title_justify="left")
    for name in ("id", "Strategy", "Class", "Acts on", "Studies", "Patients", "Also"):
        table.add_column(name, overflow="fold")
    for item in items:
        studies = f"{item.studies} ({item.randomized_studies} randomized)"
        table.add_row(
            Text(item.id + (" (baseline)" if item.kind == "baseline" else "")),
            Text(item.name),
            Text(item.drug_class or ""),
            Text(", ".join(item.targets)),
            Text(studies),
            Text(str(item.patients) if item.patients is not None else "not reported"),
            Text(", ".join(item.aliases)),
        )
    return table


def mechanisms_renderable(view: MechanismView) -> RenderableType:
    """The mechanism graph as a tree, with the strategies acting at each node."""
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
    details = Text()
    details.append("\nNodes\n", style="bold")
    for node in view.nodes.values():
        details.append(f"  {node.label}", style="bold")
        if node.strategies:
            details.append(" — targeted by " + ", ".join(node.strategies), style="magenta")
        details.append("\n")
        for claim in node.description:
            details.append("    • " + claim.text)
            details.append(" " + claim.markers + "\n", style="cyan")
    return Group(tree, details, _references(view.references))


def refs_renderable(refs: list[NumberedReference]) -> RenderableType:
    """A numbered Vancouver reference list."""
    return _references(refs)


def make_console(file: object = None, width: int | None = None, color: bool = True) -> Console:
    """A console that honours NO_COLOR and prints plain text to pipes and files."""
    return Console(
        file=file,  # type: ignore[arg-type]
        width=width,
        no_color=not color or None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
