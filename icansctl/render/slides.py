"""The Marp deck (``icansctl slides``): what goes on which slide, from ``templates/``.

Python here plans what goes on which slide, with the estimates of ``deck_layout``
(table pages, claim/caveat/reference pages, footers, picture heights) and draws the
pictures at the deck's sizes; the Markdown itself is written by the ``slides.md.j2``
template, which only renders what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..views.compare import CompareView
from ..views.deck import DeckView
from ..views.forest import DEFAULT_ENDPOINT
from ..views.numbering import NumberedReference, year_text
from .charts.mechanism_svg import SLIDE as MECHANISM_SLIDE
from .charts.mechanism_svg import mechanism_svg
from .deck_layout import IMAGE_W, Fit, fit_for, item_height, page_by_height, picture_heights
from .slide_forest import ForestPicture, forest_pictures
from .slide_news import news_pages
from .slide_pages import (
    caveat_slides,
    question,
    reading_items,
    take_home_slides,
)
from .slide_strategies import strategy_slides
from .tables import template_helpers
from .templating import render_template


def short_reference(ref: NumberedReference) -> str:
    """'Strati 2023' style label for a slide footer."""
    reference = ref.reference
    if reference.authors:
        name = reference.authors[0].split()[0]
    else:
        name = " ".join(reference.title.split()[:3])
    return f"{name} {reference.year}" if reference.year is not None else name


def deck_reference(ref: NumberedReference) -> str:
    """A reference as a deck lists it: first author, journal, year, volume and pages,
    and where to find it (DOI, else the registration or address); the title only when
    no author is named (a registry record, a news report).  The full Vancouver entry is
    in every other output; a slide has room for about ten of these."""
    reference = ref.reference
    authors = reference.authors
    parts = []
    if authors:
        more = len(authors) > 1 or reference.et_al
        parts.append(f"{authors[0]}{', et al' if more else ''}.")
    else:
        parts.append(reference.title.rstrip(".") + ".")
    where = f"{reference.journal.rstrip('.')}. " if reference.journal else ""
    where += year_text(reference)
    if reference.volume:
        where += f";{reference.volume}"
    if reference.pages:
        where += f":{reference.pages}"
    parts.append(where + ".")
    if reference.doi:
        parts.append(f"doi:{reference.doi}")
    elif reference.registration:
        parts.append(", ".join(reference.registration))
    elif reference.url:
        parts.append(reference.url)
    return " ".join(parts)


@dataclass(frozen=True)
class DeckOutput:
    """A deck's Marp Markdown and its pictures (file name -> SVG text), which sit beside it."""

    text: str
    pictures: dict[str, str]


@dataclass(frozen=True)
class ForestSlide:
    """A forest plot picture and the short references of its slide's footer."""

    picture: ForestPicture
    refs: list[str]


def render_deck(
    deck: DeckView, *, title: str, theme: str, version: str, stem: str | None
) -> DeckOutput:
    """The Marp deck: title, question, take-home, mechanism, how to read the figures,
    one slide per strategy, forest plots, trials, how far to trust this, references.

    What goes on which slide is planned here, with the estimates of ``deck_layout`` for
    the theme; the template renders the pages it is given.  ``stem``: the deck file's
    name without its suffix, which names the pictures written beside it; None for a
    deck on stdout, which has no picture (nothing would be written for it to show).
    """
    view, fit = deck.compare, fit_for(theme)
    footer_refs = _FooterRefs(view)
    # A plot with no arm of a strategy shown (the baseline's alone) says nothing: left out.
    forest_views = [
        f
        for f in [deck.forest, *deck.more_forests]
        if f is not None and any(not g.baseline for g in f.groups)
    ]
    heading = max((f.endpoint_label + " (1/2)" for f in forest_views), key=len, default="")
    pictures = picture_heights(fit, "", heading)
    forests = []
    if stem is not None:
        forests = [
            ForestSlide(p, footer_refs([n for r in p.view.rows for n in r.source_numbers]))
            for p in forest_pictures(forest_views, stem, pictures.forest, DEFAULT_ENDPOINT)
        ]
    files = {p.picture.file_name: p.picture.svg for p in forests}
    mechanism_image = None if stem is None else f"{stem}.mechanisms.svg"
    if mechanism_image is not None:
        files[mechanism_image] = mechanism_svg(deck.mechanisms, MECHANISM_SLIDE)
    # Every page with a footer first: the reference list then holds what they cite.
    pages = _cited_pages(deck, fit, footer_refs, with_mechanism=mechanism_image is not None)
    text = render_template(
        "slides.md.j2",
        view=view,
        mechanisms=deck.mechanisms,
        title=title,
        theme=theme,
        version=version,
        current_to=view.currency.text.removeprefix("evidence current to").strip(": "),
        mechanism_image=mechanism_image,
        image_width=IMAGE_W,
        pictures=pictures,
        interventions=[b for b in view.strategies if b.kind != "baseline"],
        question=question(view, fit),
        reading_pages=page_by_height(
            reading_items(deck.summary),
            lambda item: item_height(fit, item),
            fit.list_px,
            fit.list_px,
        ),
        refs_pages=_reference_pages(view, fit, footer_refs),
        deck_reference=deck_reference,
        mechanism_numbers=sorted(set(deck.mechanism_refs)),
        forests=forests,
        **pages,
        **template_helpers(),
    )
    return DeckOutput(text, files)


def _cited_pages(
    deck: DeckView, fit: Fit, footer_refs: _FooterRefs, *, with_mechanism: bool
) -> dict[str, object]:
    """The pages whose footers cite references (planned before the reference list)."""
    view = deck.compare
    numbers = {r.reference.id: r.number for r in view.references}
    changes = deck.changes
    return {
        "take_home_pages": take_home_slides(view, fit, footer_refs),
        "news_pages": news_pages(changes, numbers, footer_refs, fit) if changes else [],
        "news_since": changes.since.isoformat() if changes else None,
        "mechanism_refs": footer_refs(list(deck.mechanism_refs)) if with_mechanism else [],
        "strategy_pages": strategy_slides(deck.summary, fit, footer_refs),
        "trials_refs": footer_refs(
            [c.number for b in view.strategies for t in b.trials for c in t.citations]
        ),
        "caveat_pages": caveat_slides(view, fit, footer_refs),
    }


def _reference_pages(
    view: CompareView, fit: Fit, footer_refs: _FooterRefs
) -> list[list[NumberedReference]]:
    """The references some slide's footer cites, paged by height (study notes' own
    references are not shown, so not listed)."""
    listed = [r for r in view.references if r.number in footer_refs.cited]
    return page_by_height(
        listed,
        lambda r: item_height(fit, f"{r.number}. {deck_reference(r)}"),
        fit.list_px,
        fit.list_px,
    )


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
    """How many slides a deck from ``render_deck`` has (Marp separates them with
    a line ``---``; the first one closes the front matter)."""
    return sum(1 for line in deck.splitlines() if line == "---") - 1
