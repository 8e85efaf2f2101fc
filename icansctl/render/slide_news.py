"""The deck's "New since DATE" slides (``slides --since``): one or two, after take-home.

A slide lists what a journal club most needs to hear first: each study added, and
each study whose figures were corrected in place (how many, and what was corrected).
Claims are counted, not listed; anything that does not fit is counted too, and the
slide names the command that lists everything.  Citation numbers are the deck's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..views.changes import ChangeEntry, ChangesView
from .deck_layout import Fit, item_height, page_by_height

MOST_SLIDES = 2


@dataclass(frozen=True)
class NewsItem:
    """One line of the slide: bold lead, text, the deck's citation numbers."""

    lead: str
    text: str
    numbers: list[int]


def _numbers(entries: list[ChangeEntry], deck_numbers: dict[str, int]) -> list[int]:
    refs = dict.fromkeys(c.ref for e in entries for c in e.citations)
    return sorted({deck_numbers[r] for r in refs if r in deck_numbers})


def _heads(entries: list[ChangeEntry]) -> str:
    """'citation corrected; grading ASTCT 2019 withdrawn': the start of each change."""
    heads = dict.fromkeys(what.split(":")[0] for e in entries for what in e.changes)
    return "; ".join(heads)


def news_items(changes: ChangesView, deck_numbers: dict[str, int]) -> list[NewsItem]:
    """New studies first, then studies with corrected figures, in the view's order."""
    items = [
        # The design line only (design; randomization; comparator): a slide line.
        NewsItem(
            "New", f"{e.context}: {'; '.join(e.text.split('; ')[:3])}", _numbers([e], deck_numbers)
        )
        for e in changes.entries
        if e.kind == "study" and e.action == "added"
    ]
    corrected: dict[str, list[ChangeEntry]] = {}
    for entry in changes.entries:
        if entry.kind in ("figure", "effect") and entry.action == "changed":
            corrected.setdefault(entry.context, []).append(entry)
    for study, entries in corrected.items():
        n = len(entries)
        text = f"{study}: {n} figure{'s' if n != 1 else ''} corrected ({_heads(entries)})"
        items.append(NewsItem("Corrected", text, _numbers(entries, deck_numbers)))
    return items


def news_pages(
    changes: ChangesView,
    deck_numbers: dict[str, int],
    footer: Callable[[list[int]], list[str]],
    fit: Fit,
) -> list[dict[str, object]]:
    """The pages of the "New since" slides: items, footer references, what is left out.

    Items are paged by their height at the deck's text size (``fit``), on at most
    MOST_SLIDES slides; the last keeps room for the line naming what is left out."""
    items = news_items(changes, deck_numbers)

    def height(item: NewsItem) -> float:
        return item_height(fit, f"{item.lead}: {item.text} [{item.numbers}]")

    tail_room = 2 * fit.line + fit.para
    pages_of = page_by_height(items, height, fit.list_px, fit.list_px)
    if len(pages_of) > MOST_SLIDES or (
        sum(height(i) for i in pages_of[-1]) > fit.list_px - tail_room
    ):
        pages_of = page_by_height(items, height, fit.list_px, fit.list_px - tail_room)
    shown_pages = pages_of[:MOST_SLIDES]
    shown = [item for page in shown_pages for item in page]
    left = len(items) - len(shown)
    claims = sum(1 for e in changes.entries if e.kind == "claim")
    rest = [f"{left} more change{'s' if left != 1 else ''} to studies"] if left else []
    if claims:
        rest.append(f"{claims} claim{'s' if claims != 1 else ''} added or corrected")
    since = changes.since.isoformat()
    tail = (
        "Also " + " and ".join(rest) + ": " if rest else "Everything: "
    ) + f"icansctl changes --since {since}"
    pages: list[dict[str, object]] = []
    for i, chunk in enumerate(shown_pages):
        pages.append(
            {
                "items": chunk,
                "refs": footer([n for item in chunk for n in item.numbers]),
                "tail": tail if i == len(shown_pages) - 1 else None,
                "empty": not items,
            }
        )
    return pages
