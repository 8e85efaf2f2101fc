"""How much fits on a slide of the Marp deck: measures, estimates and paging.

Pure functions over text and numbers (no views, no Jinja): the deck's planner in
``render_slides`` gives them the text a slide will show and gets back pages, table
row groups and picture heights; ``templates/slides.md.j2`` only renders the result.

The figures were measured by rendering the deck (1280x720 slides) in the default, gaia
and uncover themes (table rows: 13 + 30 px per line in default, 9 + 27 in gaia, 6 + 28.5
in uncover, read off Chromium at 20 px table text); a theme of your own gets the most
cautious ones.  Text is budgeted
by its length, word-wrapped, so an estimate errs towards one slide more, never towards
text running into the footer.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

IMAGE_W = 1100  # a picture's width; content width: 1123 px (default theme), 1140 px (others)
TABLE_W = 1100  # the width a table may take
CELL_PAD_PX = 26  # a table cell's left and right padding
HEADING_PX = 55  # a one-line dense heading with its margin (in Fit.list_px already)


@dataclass(frozen=True)
class Fit:
    """How much fits on a slide in one theme, in px, at the deck's font sizes.

    The deck's text is 26 px, 24 px on dense slides, 20 px in tables, 16 px in footers
    (issue 11: legible from the back of a room).
    ``chars``: characters per line of a dense list; ``line``, ``gap``: its line height
    and the gap between items; ``list_px``: room below a dense heading.  ``cell_char``:
    width of a table character; ``row_px``, ``row_line``: a table row's padding and line
    height; ``table_px``: room for a table below a dense heading.  ``h2_*``: a dense
    heading's characters per line and line height; ``para``: a paragraph's margin.
    ``text_*``: as the list figures, for 26 px text.
    """

    h2_chars: int
    h2_line: float
    para: float
    chars: int
    line: float
    gap: float
    list_px: float
    cell_char: float
    row_px: float
    row_line: float
    table_px: float
    text_chars: int
    text_line: float
    text_gap: float
    text_px: float


# fmt: off
FITS: dict[str, Fit] = {
    "default": Fit(
        h2_chars=68, h2_line=40, para=16,
        chars=90, line=36, gap=6, list_px=540,
        cell_char=10.1, row_px=13, row_line=30, table_px=540,
        text_chars=86, text_line=39, text_gap=6, text_px=505,
    ),
    "gaia": Fit(
        h2_chars=66, h2_line=43, para=19,
        chars=79, line=32.5, gap=7.2, list_px=515,
        cell_char=10.4, row_px=9, row_line=27, table_px=515,
        text_chars=82, text_line=35.1, text_gap=8, text_px=470,
    ),
    "uncover": Fit(
        h2_chars=57, h2_line=44, para=15,
        chars=70, line=33.6, gap=1.3, list_px=510,
        cell_char=10.4, row_px=6, row_line=28.5, table_px=510,
        text_chars=66, text_line=36.4, text_gap=1, text_px=480,
    ),
}
# A theme of your own: the most cautious figures of all.
CAUTIOUS = Fit(
    h2_chars=46, h2_line=44, para=20,
    chars=62, line=36, gap=8, list_px=495,
    cell_char=11, row_px=19, row_line=31, table_px=485,
    text_chars=64, text_line=39, text_gap=8, text_px=450,
)
# fmt: on


def fit_for(theme: str) -> Fit:
    """The figures of a Marp theme (the cautious ones for a theme not measured)."""
    return FITS.get(theme, CAUTIOUS)


def text_lines(text: str, chars: int) -> int:
    """How many lines ``text`` takes, word-wrapped at ``chars`` (at least 1).

    Backslashes (Markdown escapes) are not counted; a newline starts a new line.
    """
    paragraphs = text.replace("\\", "").splitlines()
    wrapped = [
        "\n".join(
            textwrap.wrap(
                paragraph,
                width=chars,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=True,
                break_on_hyphens=True,
            )
        )
        for paragraph in paragraphs
    ]
    return len("\n".join(wrapped).split("\n"))


def item_height(fit: Fit, text: str) -> float:
    """The height of one item of a dense list (its lines and the gap after it)."""
    return fit.line * text_lines(text, fit.chars) + fit.gap


def page_by_height(
    items: Sequence[T],
    need: Callable[[T], float],
    first: float,
    later: float,
    *,
    most: int | None = None,
    empty_first: bool = False,
) -> list[list[T]]:
    """Items in order, split into pages: ``first`` px of room on the first, ``later`` after.

    An item starts a new page when it needs more than the room left, or when the page
    holds ``most`` items already; a page holds at least one item (so one too tall is
    alone on its page), except that with ``empty_first`` the first page may hold none
    (it has other content).  Always at least one page, maybe empty.
    """
    pages: list[list[T]] = [[]]
    free = first
    for item in items:
        height = need(item)
        full = height > free or (most is not None and len(pages[-1]) >= most)
        if full and (pages[-1] or (empty_first and len(pages) == 1)):
            pages.append([])
            free = later
        pages[-1].append(item)
        free = free - height
    return pages


# --- tables -----------------------------------------------------------------------------


def column_widths(fit: Fit, rows: Sequence[Sequence[str]]) -> list[float]:
    """Estimated column widths in px, as a browser lays out a table ``TABLE_W`` wide.

    Each column gets its longest word; the rest of the width goes to the columns in
    proportion to how much more their longest cell would need.  A table narrower than
    ``TABLE_W`` gets what its longest cells need.
    """
    least: list[float] = []
    most: list[float] = []
    for j in range(len(rows[0])):
        words = [1]
        whole = [1]
        for row in rows:
            split = row[j].split()
            words.append(max(len(word) for word in split) if split else 1)
            whole.append(len(row[j]))
        least.append(max(words) * fit.cell_char + CELL_PAD_PX)
        most.append(max(whole) * fit.cell_char + CELL_PAD_PX)
    if sum(most) <= TABLE_W:
        return most
    spare = max(TABLE_W - sum(least), 0)
    share = max(sum(most) - sum(least), 1)
    return [low + spare * (high - low) / share for low, high in zip(least, most, strict=True)]


def table_height(fit: Fit, rows: Sequence[Sequence[str]]) -> float:
    """Estimated height of a table (header row first): each row as tall as its tallest cell."""
    widths = column_widths(fit, rows)
    heights: list[float] = [0]
    for row in rows:
        row_lines = [1]
        for text, width in zip(row, widths, strict=True):
            row_lines.append(text_lines(text, max(int((width - CELL_PAD_PX) / fit.cell_char), 1)))
        heights.append(fit.row_px + fit.row_line * max(row_lines))
    return sum(heights)


# --- pictures and the question slide -----------------------------------------------------


@dataclass(frozen=True)
class PictureHeights:
    """Maximum heights in px of the deck's pictures (a max-height rule in its style)."""

    mechanisms: int
    forest: int


def picture_heights(fit: Fit, mechanism_text: str, forest_heading: str) -> PictureHeights:
    """Room for each picture on a dense slide, less its heading and text.

    ``mechanism_text``: the line shown below the mechanism graph (it also has a one-line
    note); ``forest_heading``: the forest plot slide's heading ('' for none).  The
    margins are ~20 px each; the mechanism graph stays between 160 and 360 px tall.
    """
    mechanism_lines = text_lines(mechanism_text, fit.chars) + 1
    heading = fit.h2_line * text_lines(forest_heading, fit.h2_chars)
    return PictureHeights(
        mechanisms=max(min(int(fit.list_px - 60 - fit.line * mechanism_lines), 360), 160),
        forest=int(fit.list_px + HEADING_PX - heading - 40),
    )


def needs_dense(fit: Fit, paragraph: str, items: Sequence[str]) -> bool:
    """Whether a slide of a heading, ``paragraph`` and a list of ``items`` overflows
    at 26 px text, so it needs the smaller text of a dense slide."""
    total = text_lines(paragraph, fit.text_chars)
    total += sum(text_lines(item, fit.text_chars) for item in items)
    gaps = max(len(items) - 1, 0)
    return fit.text_line * total + fit.para + gaps * fit.text_gap > fit.text_px
