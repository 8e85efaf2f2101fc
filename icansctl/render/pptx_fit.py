"""Where each block of a slide goes in the PowerPoint export, and at what font size.

Pure geometry in points on a 960 × 540 pt slide (13.333 × 7.5 in, 1280 × 720 px at
96 dpi), no python-pptx.  Text widths are estimated from Arial/Helvetica advance
widths (Liberation Sans has the same metrics) with a safety margin, and every line is
set with an exact line spacing, so a height computed here is the height PowerPoint
and LibreOffice draw: estimates err on the tall side, so a table's bottom stays on
the slide.  The largest font sizes that fit are chosen per slide.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .marp_deck import Block, Line, MarpSlide, Picture, Run, Table, TextBlock, plain

SLIDE_W, SLIDE_H = 960.0, 540.0
MARGIN = 36.0  # left and right
CONTENT_W = SLIDE_W - 2 * MARGIN
NUMBER_W = 48.0  # the page number's box, right of the footer
FOOTER_W = CONTENT_W - NUMBER_W
TITLE_TOP, TITLE_H = 16.0, 64.0
BODY_TOP = TITLE_TOP + TITLE_H + 6
FOOTER_BOTTOM = SLIDE_H - 6
GAP = 8.0  # between blocks
LINE = 1.2  # line spacing, times the font size (set exactly on every paragraph)
SPACE_AFTER = 0.3  # space after a paragraph, times the font size
PAD_X, PAD_Y = 4.0, 2.0  # a text box's inner margins
CELL_PAD_X, CELL_PAD_Y = 4.0, 3.0  # a table cell's inner margins
INDENT = 1.1  # a list item's hanging indent, times the font size
SAFETY = 1.06  # estimated widths are made this much wider
# (body text, table text) in points, largest first: the first pair that fits is used.
SIZES = (
    (22.0, 18.0),
    (20.0, 16.0),
    (18.0, 15.0),
    (17.0, 14.0),
    (16.0, 13.0),
    (15.0, 12.0),
    (14.0, 11.0),
    (13.0, 10.0),
    (12.0, 9.0),
    (11.0, 8.0),
    (10.0, 7.0),
    (9.0, 6.0),
)
FOOTER_SIZES = (12.0, 11.0, 10.0, 9.0, 8.0)
TITLE_SIZES = (32.0, 30.0, 28.0, 26.0, 24.0, 22.0, 20.0, 18.0)
MIN_PICTURE_H = 150.0  # a picture is never squeezed below this (or its own height)

# Advance widths in em of Arial/Helvetica; other characters count as 0.6 em.
_WIDTHS: dict[str, float] = {
    **dict.fromkeys(" !,./:;I[\\]fijlt|", 0.278),
    **dict.fromkeys("'", 0.191),
    **dict.fromkeys("()-r`{}", 0.333),
    **dict.fromkeys("*", 0.389),
    **dict.fromkeys('"', 0.355),
    **dict.fromkeys("Jckstvxyz", 0.5),
    **dict.fromkeys("#$0123456789?L_abdeghnopqu†‡–≥≤±", 0.556),
    **dict.fromkeys("+<=>~", 0.584),
    **dict.fromkeys("&ABEKPSVXY", 0.667),
    **dict.fromkeys("CDHNRUw", 0.722),
    **dict.fromkeys("GOQ", 0.778),
    **dict.fromkeys("Mm", 0.833),
    **dict.fromkeys("%", 0.889),
    **dict.fromkeys("W—→…", 1.0),
    **dict.fromkeys("·", 0.278),
}
_BOLD = 1.08


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The estimated width of ``text`` in points at ``size`` (generous)."""
    em = sum(_WIDTHS.get(char, 0.6) for char in text) * (_BOLD if bold else 1.0)
    return em * size * SAFETY


def _words(line: Line, size: float) -> list[tuple[float, float]]:
    """Each word of a line: (its width, the width of the space after it)."""
    words: list[tuple[float, float]] = []
    current = 0.0
    for run in line:
        for index, part in enumerate(run.text.split(" ")):
            if index > 0:  # a space ended the previous word
                words.append((current, text_width(" ", size, run.bold)))
                current = 0.0
            current += text_width(part, size, run.bold or run.code)
    words.append((current, 0.0))
    return [word for word in words if word[0] > 0] or [(0.0, 0.0)]


def split_breaks(line: Line) -> list[Line]:
    """A line with line breaks ('\\n' in a run: a table cell's '<br>') as its lines."""
    lines: list[list[Run]] = [[]]
    for run in line:
        for index, part in enumerate(run.text.split("\n")):
            if index > 0:
                lines.append([])
            if part:
                lines[-1].append(Run(part, run.bold, code=run.code))
    return [tuple(one) for one in lines]


def line_count(line: Line, width: float, size: float) -> int:
    """How many lines ``line`` wraps to in ``width`` points (greedy, as text boxes do);
    a word longer than a line is broken across lines, and a line break starts a line."""
    if any("\n" in run.text for run in line):
        return sum(line_count(part, width, size) for part in split_breaks(line))
    lines, used = 1, 0.0
    for word, space in _words(line, size):
        if used > 0 and used + word > width:
            lines, used = lines + 1, 0.0
        if word > width:  # broken by characters: whole lines, then the rest
            extra = math.ceil(word / width) - 1
            lines += extra
            word -= extra * width
        used += word + space
    return lines


def block_height(block: TextBlock, width: float, size: float) -> float:
    """The height of a text block in a box ``width`` points wide (margins included)."""
    indent = INDENT * size if block.kind != "paragraph" else 0.0
    inner = width - 2 * PAD_X - indent
    lines = sum(line_count(line, inner, size) for line in block.lines)
    return lines * LINE * size + len(block.lines) * SPACE_AFTER * size + 2 * PAD_Y


def fit_size(text: str, width: float, height: float, sizes: tuple[float, ...]) -> float:
    """The largest of ``sizes`` at which ``text`` fits the box (else the smallest)."""
    line: Line = (_run(text),)
    for size in sizes:
        lines = line_count(line, width - 2 * PAD_X, size)
        if lines * LINE * size + 2 * PAD_Y <= height:
            return size
    return sizes[-1]


def _run(text: str, bold: bool = False) -> Run:
    return Run(text, bold)


def column_widths(table: Table, total: float, size: float) -> list[float]:
    """Column widths summing to ``total``: each at least its longest word, the rest
    shared in proportion to how much more each column's longest cell wants."""
    columns = list(zip(table.header, *table.rows, strict=True))
    pad = 2 * CELL_PAD_X + 1
    # A cell's lines (a '<br>' breaks them) are measured each on its own.
    lines = [[part for c in column for part in split_breaks(c)] for column in columns]
    natural = [max(text_width(plain(c), size) for c in column) + pad for column in lines]
    least = [
        max(max((w for w, _ in _words(c, size)), default=0.0) for c in column) + pad
        for column in lines
    ]
    least = [max(low, 3 * size + pad) for low in least]
    if sum(least) >= total:
        return [total * low / sum(least) for low in least]
    more = [max(0.0, n - low) for n, low in zip(natural, least, strict=True)]
    spare = total - sum(least)
    if sum(more) <= spare:  # everything fits on one line: share the rest evenly
        return [n + (total - sum(natural)) / len(natural) for n in natural]
    return [low + spare * m / sum(more) for low, m in zip(least, more, strict=True)]


def row_heights(table: Table, widths: list[float], size: float) -> list[float]:
    """Each row's height (header first): its tallest cell's lines, plus margins."""
    heights = []
    for row in (table.header, *table.rows):
        lines = max(
            line_count(cell, width - 2 * CELL_PAD_X, size)
            for cell, width in zip(row, widths, strict=True)
        )
        heights.append(lines * LINE * size + 2 * CELL_PAD_Y + 1)
    return heights


@dataclass(frozen=True)
class Placed:
    """A block's box on the slide (points) and its font size (0 for a picture)."""

    block: Block | tuple[TextBlock, ...]
    left: float
    top: float
    width: float
    height: float
    size: float


@dataclass(frozen=True)
class SlidePlan:
    """Where everything on one slide goes."""

    title_box: tuple[float, float, float, float]
    title_size: float
    footer_box: tuple[float, float, float, float] | None
    footer_size: float
    number_box: tuple[float, float, float, float]
    placed: tuple[Placed, ...]
    fits: bool  # False: even the smallest sizes overflow (the smallest are used)


def _groups(blocks: list[Block]) -> list[Block | tuple[TextBlock, ...]]:
    """The blocks with each run of consecutive text blocks as one group (one text box)."""
    groups: list[Block | tuple[TextBlock, ...]] = []
    for block in blocks:
        last = groups[-1] if groups else None
        if isinstance(block, TextBlock) and isinstance(last, tuple):
            groups[-1] = (*last, block)
        else:
            groups.append((block,) if isinstance(block, TextBlock) else block)
    return groups


def _natural(picture: Picture, sizes: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    """A picture's size in points at 96 dpi, no wider than the slide's content."""
    w_px, h_px = sizes.get(picture.source, (CONTENT_W / 0.75, 200.0))
    scale = min(1.0, CONTENT_W / (w_px * 0.75))
    return w_px * 0.75 * scale, h_px * 0.75 * scale


def _height(group: Block | tuple[TextBlock, ...], body: float, table: float) -> float:
    if isinstance(group, tuple):
        return sum(block_height(b, CONTENT_W, body) for b in group)
    if isinstance(group, Table):
        return sum(row_heights(group, column_widths(group, CONTENT_W, table), table))
    return 0.0  # a picture takes the room left


def plan_slide(
    slide: MarpSlide, footer: str, picture_sizes: Mapping[str, tuple[float, float]]
) -> SlidePlan:
    """Boxes and font sizes for one slide: the largest sizes at which every block fits
    between the title and the footer, each picture getting the height left over."""
    footer_size = fit_size(footer, FOOTER_W, 2 * LINE * 12 + 2 * PAD_Y, FOOTER_SIZES)
    footer_lines = line_count((_run(footer),), FOOTER_W - 2 * PAD_X, footer_size)
    footer_h = footer_lines * LINE * footer_size + 2 * PAD_Y if footer else 0.0
    bottom = FOOTER_BOTTOM - footer_h - (4 if footer else 0)
    title_box = (MARGIN, TITLE_TOP, CONTENT_W, TITLE_H)
    top = BODY_TOP
    if slide.lead:  # the title slide: title and lines centred in the middle
        title_box, top = (MARGIN, 150.0, CONTENT_W, 120.0), 290.0
    groups = _groups(slide.blocks)
    pictures = [g for g in groups if isinstance(g, Picture)]
    naturals = {id(p): _natural(p, picture_sizes) for p in pictures}
    room = bottom - top - GAP * (len(groups) - 1)
    body, table = SIZES[-1]
    fits = False
    for body, table in SIZES:
        used = sum(_height(g, body, table) for g in groups)
        needed = sum(min(naturals[id(p)][1], MIN_PICTURE_H) for p in pictures)
        fits = used + needed <= room
        if fits:
            break
    placed = _place(groups, naturals, top, room, body, table)
    title_size = fit_size(slide.title, CONTENT_W, title_box[3], TITLE_SIZES)
    footer_box = (MARGIN, FOOTER_BOTTOM - footer_h, FOOTER_W, footer_h) if footer else None
    number_h = LINE * FOOTER_SIZES[0] + 2 * PAD_Y
    number_box = (MARGIN + FOOTER_W, FOOTER_BOTTOM - number_h, NUMBER_W, number_h)
    return SlidePlan(
        title_box, title_size, footer_box, footer_size, number_box, tuple(placed), fits
    )


def _place(
    groups: list[Block | tuple[TextBlock, ...]],
    naturals: dict[int, tuple[float, float]],
    top: float,
    room: float,
    body: float,
    table: float,
) -> list[Placed]:
    """The groups stacked from ``top``; pictures share the room the others leave."""
    used = sum(_height(g, body, table) for g in groups)
    count = sum(1 for g in groups if isinstance(g, Picture))
    share = max(0.0, room - used) / count if count else 0.0
    placed = []
    for group in groups:
        if isinstance(group, Picture):
            width, height = naturals[id(group)]
            scale = min(1.0, share / height) if height else 1.0
            width, height = width * scale, height * scale
            placed.append(Placed(group, MARGIN + (CONTENT_W - width) / 2, top, width, height, 0))
        else:
            height = _height(group, body, table)
            size = table if isinstance(group, Table) else body
            placed.append(Placed(group, MARGIN, top, CONTENT_W, height, size))
        top += height + GAP
    return placed
