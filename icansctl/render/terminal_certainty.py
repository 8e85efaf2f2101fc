"""Certainty of evidence in the terminal: '⊕⊕◯◯ low' in colour, plain words otherwise.

The circles are printed only where colour is: ``NO_COLOR``, a pipe, a file or an
ASCII-only standard output get the level in words alone ('low'), never a stand-in.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult

from ..views.certainty import CERTAINTY_NOTE, CertaintyView
from ..views.common import ClaimView, short_name
from ..views.compare import CompareView
from ..views.summary import CertaintyCell
from . import terminal
from .terminal import Text, bullets, indented

NOT_RATED = "n/r"  # no study of the strategy reports the endpoint
LEVEL_STYLE = {"high": "green", "moderate": "green", "low": "yellow", "very low": "red"}


def symbols_wanted(console: Console) -> bool:
    """Circles only for a colour terminal that can print them."""
    return console.color_system is not None and terminal.unicode_output()


def rating_text(rating: CertaintyView, symbols: bool) -> Text:
    """'⊕◯◯◯ very low' (symbols) or 'very low'; 'no figure' without a rating."""
    text = Text()
    if symbols and rating.symbols:
        text.append(rating.symbols + " ", style=LEVEL_STYLE.get(rating.level or ""))
    text.append(rating.words, style="bold" if rating.level else "dim")
    return text


def cell_lines(cell: CertaintyCell, symbols: bool) -> list[tuple[str, str]]:
    """(text, style) lines of a summary-table certainty cell: the circles (colour
    only), the level in words, then the letters of its reasons; 'n/r' unrated."""
    rating = cell.rating
    if rating is None or rating.level is None:
        return [(NOT_RATED, "dim")]
    lines = []
    if symbols:
        lines.append((rating.symbols, LEVEL_STYLE.get(rating.level, "")))
    lines.append((rating.level, "bold"))
    if cell.letters:
        lines.append(("(" + ", ".join(cell.letters) + ")", "yellow"))
    return lines


def cell_width(cell: CertaintyCell) -> int:
    """The longest line of a certainty cell (the circles are never the longest)."""
    return max(len(line) for line, _ in cell_lines(cell, symbols=False))


def certainty_cell(cell: CertaintyCell, symbols: bool) -> Text:
    """A summary-table certainty cell as text."""
    out = Text()
    for i, (line, style) in enumerate(cell_lines(cell, symbols)):
        if i:
            out.append("\n")
        out.append(line, style=style)
    return out


def _cite(numbers: list[int]) -> str:
    return " [" + ", ".join(str(n) for n in dict.fromkeys(numbers)) + "]" if numbers else ""


class CertaintyBlock:
    """Each endpoint's rating with the steps that made it (``show``; ``compare
    --layout detail`` gives one group per strategy, titled with its name)."""

    def __init__(
        self, groups: list[tuple[str, list[CertaintyView]]], note: ClaimView | None
    ) -> None:
        self.groups = groups
        self.note = note

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        symbols = symbols_wanted(console)
        parts: list[RenderableType] = [Text("\nCertainty of evidence", style="bold")]
        note = Text(CERTAINTY_NOTE, style="dim")
        if self.note is not None and self.note.citations:
            note.append(" " + self.note.markers, style="cyan")
        parts.append(indented(note, 2))
        for title, ratings in self.groups:
            if title:
                parts.append(Text(title, style="bold magenta"))
            parts.extend(_ratings(ratings, symbols))
        yield Group(*parts)


def _ratings(ratings: list[CertaintyView], symbols: bool) -> list[RenderableType]:
    """Each rating's head line, then its steps as bullets with their citations."""
    parts: list[RenderableType] = []
    for rating in ratings:
        head = Text(rating.label + ": ", style="bold")
        head.append_text(rating_text(rating, symbols))
        if rating.start:
            head.append(f" (starts {rating.start})", style="dim")
        parts.append(indented(head, 2))
        lines = [
            ("•", Text(step.text + _cite([c.number for c in step.citations])))
            for step in rating.steps
        ]
        if lines:
            parts.append(bullets(lines, indent=4))
    return parts


def certainty_block(ratings: list[CertaintyView], note: ClaimView | None) -> RenderableType | None:
    """The certainty section of ``show``, or None for a strategy with no rating."""
    return CertaintyBlock([("", ratings)], note) if ratings else None


def compare_certainty_block(view: CompareView) -> RenderableType | None:
    """The certainty of every strategy compared (``compare --layout detail``)."""
    groups = [(short_name(s.name), s.certainty) for s in view.strategies if s.certainty]
    return CertaintyBlock(groups, view.certainty_note) if groups else None
