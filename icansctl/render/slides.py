"""The Marp deck (``icansctl slides``): what goes on which slide, from ``templates/``.

Python here plans what goes on which slide, with the estimates of ``deck_layout``
(table pages, claim/caveat/reference pages, footers, picture heights); the Markdown
itself is written by the ``slides.md.j2`` template, which only renders what it is
given. The comparison-table helpers are shared with ``render_markdown``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..views.changes import ChangesView
from ..views.compare import CompareView
from ..views.forest import ForestView
from ..views.mechanisms import MechanismView
from ..views.numbering import NumberedReference
from ..views.summary import SummaryView
from .deck_layout import (
    IMAGE_W,
    Fit,
    PictureHeights,
    fit_for,
    item_height,
    page_by_height,
    picture_heights,
)
from .slide_news import news_pages
from .slide_pages import (
    REFS_PER_SLIDE,
    caveat_slides,
    question,
    reading_items,
    strategy_slides,
    table_slides,
    take_home_slides,
)
from .slide_summary import summary_slides
from .tables import (
    footnote_letters,
    template_helpers,
)
from .templating import render_template


def short_reference(ref: NumberedReference) -> str:
    """'Strati 2023' style label for a slide footer."""
    reference = ref.reference
    if reference.authors:
        name = reference.authors[0].split()[0]
    else:
        name = " ".join(reference.title.split()[:3])
    return f"{name} {reference.year}" if reference.year is not None else name


def evidence_date(refs: list[NumberedReference]) -> str:
    """The evidence date of a deck: the newest publication year among its references.

    Computed from the data (not file times), so the same evidence gives the same deck.
    """
    years = [r.reference.year for r in refs if r.reference.year is not None]
    return str(max(years)) if years else "unknown"


def slides_markdown(
    view: CompareView,
    mechanisms: MechanismView,
    forest: ForestView | None,
    *,
    title: str,
    theme: str,
    version: str,
    forest_image: str | None,
    mechanism_image: str | None,
    summary: SummaryView | None = None,
    more_forests: Sequence[tuple[ForestView, str | None]] = (),
    mechanism_refs: Sequence[int] = (),
    changes: ChangesView | None = None,
) -> str:
    """The Marp deck: title, question, mechanism, strategies, tables, plot, caveats, refs.

    What goes on which slide is planned here, with the estimates of ``deck_layout`` for
    the theme; the template renders the pages it is given.  ``forest_image`` and
    ``mechanism_image`` are the pictures' file names beside the deck (None: no such
    picture; a deck on stdout has none); the template percent-encodes them in links.
    With ``summary`` the comparison is one summary-of-findings slide per strategy (the
    baseline repeated on each); without it, the side-by-side tables.  ``more_forests``:
    further forest plots (view, picture file name), each on a slide after the first.
    ``mechanism_refs``: the numbers (in ``view.references``) the mechanism slide cites.
    ``changes``: what is new since a date, on "New since" slides after take-home.
    """
    fit = fit_for(theme)
    notes, letters = footnote_letters(view)
    footer_refs = _FooterRefs(view)
    # Every page with a footer first: the reference list then holds what they cite.
    pages = {
        "strategies": strategy_slides(view, fit, letters, footer_refs),
        "table_pages": [] if summary else table_slides(view, fit, letters, footer_refs),
        "summary_pages": summary_slides(summary, fit, footer_refs) if summary else [],
        "forest_refs": (
            footer_refs([r.reference_number for r in forest.rows])
            if forest and forest_image
            else []
        ),
        "more_forests": [
            (f, image, footer_refs([r.reference_number for r in f.rows]))
            for f, image in more_forests
            if image
        ],
        "caveat_pages": caveat_slides(view, fit, footer_refs),
        "take_home_pages": take_home_slides(view, fit, footer_refs),
        "news_pages": (
            news_pages(changes, {r.reference.id: r.number for r in view.references}, footer_refs)
            if changes
            else []
        ),
        "news_since": changes.since.isoformat() if changes else None,
        "mechanism_refs": footer_refs(list(mechanism_refs)) if mechanism_image else [],
        "trials_refs": footer_refs(
            [c.number for b in view.strategies for t in b.trials for c in t.citations]
        ),
    }
    # Only what some slide cites is listed (study notes' references are not shown).
    listed = [r for r in view.references if r.number in footer_refs.cited]
    refs_pages = page_by_height(
        listed,
        lambda r: item_height(fit, f"{r.number}. {r.text}"),
        fit.list_px,
        fit.list_px,
        most=max(1, min(REFS_PER_SLIDE, len(listed))),
    )
    return render_template(
        "slides.md.j2",
        view=view,
        mechanisms=mechanisms,
        forest=forest,
        title=title,
        theme=theme,
        version=version,
        date=evidence_date(view.references),
        current_to=view.currency.text.removeprefix("evidence current to").strip(": "),
        forest_image=forest_image,
        mechanism_image=mechanism_image,
        image_width=IMAGE_W,
        pictures=_picture_heights(fit, mechanisms, forest),
        interventions=[b for b in view.strategies if b.kind != "baseline"],
        question=question(view, fit),
        letters=letters,
        reading_pages=page_by_height(
            reading_items(view, notes),
            lambda item: item_height(fit, item),
            fit.list_px,
            fit.list_px,
        ),
        refs_pages=refs_pages,
        **pages,
        **template_helpers(),
    )


def _picture_heights(
    fit: Fit, mechanisms: MechanismView, forest: ForestView | None
) -> PictureHeights:
    """How tall the mechanism graph and the forest plot may be under their captions."""
    mechanism_text = " · ".join(
        ", ".join(node.strategies) + " → " + node.label
        for node in mechanisms.nodes.values()
        if node.strategies
    )
    return picture_heights(fit, mechanism_text, forest.endpoint_label if forest else "")


class _FooterRefs:
    """The footer of a slide citing reference numbers: each cited reference once, in
    number order, in its short form; remembers every number a footer has cited."""

    def __init__(self, view: CompareView) -> None:
        self.by_number = {r.number: r for r in view.references}
        self.cited: set[int] = set()

    def __call__(self, numbers: list[int]) -> list[str]:
        cited = sorted({n for n in numbers if n in self.by_number})
        self.cited.update(cited)
        return [f"[{n}] {short_reference(self.by_number[n])}" for n in cited]


def slide_count(deck: str) -> int:
    """How many slides a deck from ``slides_markdown`` has (Marp separates them with
    a line ``---``; the first one closes the front matter)."""
    return sum(1 for line in deck.splitlines() if line == "---") - 1
