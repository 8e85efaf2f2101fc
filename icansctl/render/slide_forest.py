"""The deck's forest plots: each endpoint's plot split into pictures a room can read.

A slide's picture is drawn ``IMAGE_W`` px wide at most and no taller than the room
under its heading; drawn that size, its smallest text must still be ``MIN_TEXT_PX``
(18 px, issue 11).  So the plot of many arms is split by strategy into several pictures
(a strategy with too many arms alone, by arms), each with the baseline's arms repeated:
the dashed reference line is read against its own row on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..views.forest import ForestGroup, ForestView
from .charts.forest_svg import SLIDE, forest_layout, forest_svg
from .deck_layout import IMAGE_W

MIN_TEXT_PX = 18.0


@dataclass(frozen=True)
class ForestPicture:
    """One forest plot picture of the deck: its rows, file name and SVG text."""

    view: ForestView
    file_name: str
    svg: str
    part: int
    parts: int


def drawn_text_px(view: ForestView, room_h: float) -> float:
    """The smallest text of the slide plot of ``view``, in px as drawn in the deck
    (scaled to ``IMAGE_W`` wide, or down to ``room_h`` tall)."""
    layout = forest_layout(view, SLIDE)
    scale = min(IMAGE_W / layout.width, room_h / layout.height)
    return min(SLIDE.text, SLIDE.small) * scale


def forest_pages(view: ForestView, room_h: float) -> list[ForestView]:
    """``view`` split into pages legible at ``room_h`` px tall: strategies whole where
    they fit, in order, the baseline's groups on every page."""
    baseline = [g for g in view.groups if g.baseline]
    units = [part for g in view.groups if not g.baseline for part in _split_group(view, g, room_h)]
    pages: list[list[ForestGroup]] = [[]]
    for unit in units:
        candidate = replace(view, groups=[*pages[-1], unit, *baseline])
        if pages[-1] and drawn_text_px(candidate, room_h) < MIN_TEXT_PX:
            pages.append([])
        pages[-1].append(unit)
    return [replace(view, groups=[*page, *baseline]) for page in pages]


def _split_group(view: ForestView, group: ForestGroup, room_h: float) -> list[ForestGroup]:
    """``group`` whole when it is legible alone (with the baseline), else in runs of arms."""
    baseline = [g for g in view.groups if g.baseline]
    runs: list[list[int]] = [[]]
    for index in range(len(group.rows)):
        run = replace(group, rows=[group.rows[i] for i in [*runs[-1], index]])
        candidate = replace(view, groups=[run, *baseline])
        if runs[-1] and drawn_text_px(candidate, room_h) < MIN_TEXT_PX:
            runs.append([])
        runs[-1].append(index)
    return [replace(group, rows=[group.rows[i] for i in run]) for run in runs]


def forest_pictures(
    forests: Sequence[ForestView], stem: str, room_h: float, default_endpoint: str
) -> list[ForestPicture]:
    """Every forest picture of a deck, named after the deck's file ``stem``:
    ``deck.forest.svg`` (the default endpoint), ``deck.icans_any.forest.svg``, and
    ``deck.p2.forest.svg`` ... for further pages ('.forest.svg' last: the deck's style
    sizes every forest picture by that suffix)."""
    pictures: list[ForestPicture] = []
    for forest in forests:
        pages = forest_pages(forest, room_h)
        infix = "" if forest.endpoint == default_endpoint else f".{forest.endpoint}"
        for part, page in enumerate(pages, start=1):
            name = f"{stem}{infix}{'' if part == 1 else f'.p{part}'}.forest.svg"
            pictures.append(ForestPicture(page, name, forest_svg(page, SLIDE), part, len(pages)))
    return pictures
