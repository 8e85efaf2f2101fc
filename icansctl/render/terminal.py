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
from .tables import figure_numbers

if TYPE_CHECKING:
    from ..views.compare import CompareView
    from ..views.listing import ListItem
    from ..views.mechanisms import MechanismView
    from ..views.numbering import NumberedReference
from ..views.common import NOT_REPORTED, ClaimView, Figure
from ..views.overrides import OVERRIDDEN, Override

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


def unicode_output() -> bool:
    """False while a renderable is built for an output that cannot encode Unicode."""
    return _fallback_encoding is None


def _converted(text: str) -> str:
    return text if _fallback_encoding is None else fallback_text(text, _fallback_encoding)


class Text(RichText):
    """``rich.text.Text`` that converts its text for the output (see ``ascii_text``)."""

    def __init__(self, text: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(_converted(text), *args, **kwargs)

    def append(self, text: RichText | str, style: str | Style | None = None) -> RichText:
        """Add text (converted for the output) with an optional style."""
        return super().append(_converted(text) if isinstance(text, str) else text, style)


def bullets(items: Iterable[tuple[str, Text]], indent: int = 2) -> Table:
    """Bulleted lines with a hanging indent, so wrapped text lines up under itself."""
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(width=indent + 1, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for bullet, text in items:
        grid.add_row(Text(bullet), text)
    return grid


def claim_text(claim: ClaimView, prefix: str = "") -> Text:
    text = Text(prefix)
    text.append(claim.text)
    text.append(" " + claim.markers, style="cyan")
    return text


def claims(title: str, claims: Iterable[ClaimView], indent: int = 2) -> RenderableType | None:
    items = list(claims)
    if not items:
        return None
    return Group(
        Text(""),
        Text(title, style="bold"),
        bullets((("•", claim_text(c)) for c in items), indent),
    )


NOTES_ONLY_TITLE = "Cited only in study notes and summaries (icansctl show; --format json)"


def references(
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


def overrides_notice(overrides: list[Override]) -> RenderableType | None:
    """What local evidence replaced, said before the figures it may have changed."""
    if not overrides:
        return None
    return Group(
        Text("Local evidence replaces bundled entries shown here:", style="bold yellow"),
        bullets(("!", Text(o.text)) for o in overrides),
        Text(""),
    )


def figure_text(figure: Figure) -> Text:
    text = Text()
    text.append(figure.value_text, style="bold" if figure.percent_text else "dim")
    if figure.markers:
        text.append(figure.markers, style="yellow")
    if figure.ci_text:
        text.append("\n" + figure.ci_text, style="dim")
    if figure.time_point:
        text.append("\n" + figure.time_point, style="italic dim")
    text.append("\n[" + ", ".join(str(n) for n in figure_numbers(figure)) + "]", style="cyan")
    return text


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
        details.append(indented(head, 2))  # wrapped lines keep the indent
        details.append(bullets((("•", claim_text(c)) for c in node.description), indent=4))
    notice = overrides_notice(view.overrides)
    return Group(
        *([notice] if notice is not None else []),
        tree,
        *details,
        Text(""),
        references(view.references),
    )


def refs_renderable(refs: list[NumberedReference]) -> RenderableType:
    """A numbered Vancouver reference list (an overridden reference says so)."""
    return references(refs, marked=True)


def indented(text: Text, indent: int = 2) -> RenderableType:
    """Text whose wrapped lines keep the indent of its first line."""
    from rich.padding import Padding

    return Padding(text, (0, 0, 0, indent))


def effects_block(view: CompareView) -> list[RenderableType]:
    """The relative effects the sources printed, labelled as theirs (none computed)."""
    printed = [(st, e) for s in view.strategies for st in s.studies for e in st.effects]
    if not printed:
        return []
    lines = [
        (
            "•",
            Text(
                f"{st.name}, {e.definition or e.endpoint} ({e.intervention} vs "
                f"{e.comparator}): {e.text} [" + ", ".join(str(c.number) for c in e.citations) + "]"
            ),
        )
        for st, e in printed
    ]
    return [
        Text("Relative effects, as printed by their sources", style="bold"),
        bullets(lines),
        Text(""),
    ]


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
