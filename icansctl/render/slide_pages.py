"""The deck's pages, planned before any Markdown is written.

What goes on each slide (question, take-home, reading the figures, caveats) is decided
here from the comparison and the deck layout's size estimates, so that no slide
overflows; ``slide_strategies`` plans the strategy slides, ``slide_forest`` the forest
plots, and ``slides`` turns the plan into Marp Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..evidence.model_certainty import LEVELS
from ..views.certainty import DEFAULT_ENDPOINTS, CertaintyView
from ..views.common import (
    CI_METHOD_NAMES,
    COMPARATOR_WORDS,
    DERIVED_MARK,
    VIA_MARK,
    WEAK_MARK,
    CitationView,
    ClaimView,
    short_name,
)
from ..views.compare import CompareView
from ..views.summary import SummaryView
from .deck_layout import (
    Fit,
    item_height,
    needs_dense,
    page_by_height,
    text_lines,
)


def claims_numbers(claims: list[ClaimView]) -> list[int]:
    """Reference numbers cited by some claims, in order."""
    return list(dict.fromkeys(c.number for claim in claims for c in claim.citations))


@dataclass
class Question:
    """The clinical question slide: its text, and whether it needs the dense layout;
    then 'Who was studied': each population with its studies, paged by height."""

    question: str
    outcomes: str
    comparators: str
    dense: bool
    population_pages: list[list[str]]


@dataclass
class Caveat:
    """A caveat with the short name of its strategy."""

    name: str
    claim: ClaimView


@dataclass
class CaveatsPage:
    """One caveats slide and its footer references."""

    caveats: list[Caveat]
    refs: list[str]


FooterRefs = Callable[[list[int]], list[str]]


def _unique(values: list[str]) -> list[str]:
    """Values in order, each once, compared ignoring case (as Jinja's ``unique``)."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return out


def question(view: CompareView, fit: Fit) -> Question:
    """The clinical question, its outcomes and comparators; the populations apart."""
    interventions = [b.name for b in view.strategies if b.kind != "baseline"]
    baselines = [b.name for b in view.strategies if b.kind == "baseline"]
    question = (
        "In patients receiving CAR T cells, does prevention with "
        + (", ".join(interventions) or "the strategies shown")
        + " lower the rate of ICANS"
        + (", against " + ", ".join(baselines) + " as a reference" if baselines else "")
        + "?"
    )
    key_labels = ("ICANS or neurologic events, any grade", "ICANS or neurologic events, grade ≥3")
    outcomes = "; ".join(r.label for r in view.rows if r.label in key_labels) or "ICANS"
    outcomes += "; CRS; steroid use; response"
    comparators = ", ".join(
        COMPARATOR_WORDS.get(kind, kind) for kind in _unique([c.comparator for c in view.columns])
    )
    items = [
        "Populations: who was studied, on the next slide",
        "Outcomes: " + outcomes,
        "Comparators: " + comparators,
        view.design_note,
    ]
    dense = needs_dense(fit, question, items)
    studies: dict[str, list[str]] = {}
    for column in view.columns:
        names = studies.setdefault(column.disease, [])
        if column.study_name not in names:
            names.append(column.study_name)
    populations = [f"{disease}: {', '.join(names)}" for disease, names in studies.items()]
    pages = page_by_height(populations, lambda p: item_height(fit, p), fit.list_px, fit.list_px)
    return Question(question, outcomes, comparators, dense, pages)


def reading_items(summary: SummaryView) -> list[str]:
    """'Reading the figures', before the first table: what the cells, marks and short
    labels mean, and that nothing is pooled."""
    ci_words = CI_METHOD_NAMES[summary.ci_method]
    items = [
        "Each cell: the percent (events/total) as the source printed it (computed where "
        f"it printed none); below it, its 95% CI ({ci_words}) computed from the counts, "
        "and the references; then the time point, if the study gave one.",
        "ICANS/NE: ICANS graded by ASTCT 2019, or CTCAE-graded neurologic events in the "
        "ZUMA-1 cohorts, which predate ICANS grading: different definitions, so the rates "
        "are not directly comparable. The grading of each arm is under its design.",
        "CRS: cytokine release syndrome. n/r: not reported (never read it as zero).",
    ]
    marks = (DERIVED_MARK, VIA_MARK, WEAK_MARK)  # the legend lines explaining a mark
    items += [line for line in summary.legend if line[:1] in marks]
    items.append(summary.design_note)
    return items


def caveat_slides(view: CompareView, fit: Fit, footer_refs: FooterRefs) -> list[CaveatsPage]:
    """'How far to trust this', near the end: the design note, why each strategy's ICANS
    ratings are what they are (the steps of its certainty, cited), then the caveats of
    the baseline, which weigh on every comparison.  Each strategy's own caveats are the
    presenter's notes of its slide (each caveat is in the deck once)."""
    caveats = [
        Caveat(f"{short_name(brief.name)}, certainty of ICANS/NE", reasons)
        for brief in view.strategies
        if brief.kind != "baseline"
        for reasons in certainty_reasons(brief.certainty)
    ]
    caveats += [
        Caveat(short_name(brief.name), claim)
        for brief in view.strategies
        if brief.kind == "baseline"
        for claim in brief.caveats
    ]
    first = fit.list_px - fit.line * (text_lines(view.design_note, fit.chars) + 2) - fit.para
    pages = page_by_height(
        caveats,
        lambda c: item_height(fit, c.name + ": " + c.claim.text + " " + c.claim.markers),
        first,
        fit.list_px,
        empty_first=True,
    )
    return [
        CaveatsPage(page, footer_refs(claims_numbers([c.claim for c in page]))) for page in pages
    ]


KEY_ENDPOINTS = ("icans_any", "icans_grade3plus")  # the ratings the deck explains


def certainty_reasons(ratings: list[CertaintyView]) -> list[ClaimView]:
    """The steps behind a strategy's ICANS ratings (any grade, grade ≥3) as one cited
    line, each step once ('Imprecision, down 1 (rule): ...'), a step that only one of
    the two has tagged with it; none when neither is rated."""
    rated = [r for r in ratings if r.endpoint in KEY_ENDPOINTS and r.level is not None]
    steps: dict[str, list[str]] = {}
    citations: dict[str, CitationView] = {}
    for rating in rated:
        for step in rating.steps:
            # 'any grade', 'grade ≥3': the tail of the endpoint's label
            steps.setdefault(step.text, []).append(rating.label.rpartition(", ")[2])
            citations.update((c.ref, c) for c in step.citations)
    if not steps:
        return []
    parts = [
        text if len(labels) == len(rated) else f"{text} ({', '.join(labels)})"
        for text, labels in steps.items()
    ]
    levels = certainty_words(rated)
    return [ClaimView(f"{levels}. " + "; ".join(parts) + ".", list(citations.values()))]


@dataclass
class TakeHome:
    """One strategy's bottom line on the take-home slide: its certainty in a few words
    ('⊕◯◯◯ very low') and every claim of its status."""

    name: str
    certainty: str
    claims: list[ClaimView]
    continued: bool = False  # a further claim of the strategy above (a nested bullet)


def certainty_words(ratings: list[CertaintyView]) -> str:
    """'⊕◯◯◯ very low', or 'from ⊕⊕◯◯ low to ⊕◯◯◯ very low', over the default
    endpoints rated; '' when none is."""
    rated = [r for r in ratings if r.level is not None and r.endpoint in DEFAULT_ENDPOINTS]
    if not rated:
        return ""
    order = {level: i for i, level in enumerate(LEVELS)}
    ranked = sorted(rated, key=lambda r: order[r.level or ""], reverse=True)  # best first
    best, worst = ranked[0], ranked[-1]
    if best.level == worst.level:
        return f"{best.symbols} {best.level}"
    return f"from {best.symbols} {best.level} to {worst.symbols} {worst.level}"


def take_home_slides(view: CompareView, fit: Fit, footer_refs: FooterRefs) -> list[TakeHomePage]:
    """Each strategy's bottom line (its status, cited) with its certainty of evidence,
    paged by length: the take-home message, right after the clinical question.  The
    first page says once that the certainty is the tool's own rating."""
    # One item per claim (so a long bottom line pages like any list): the strategy's
    # name and certainty on its first, the others nested under it.
    lines = [
        TakeHome(short_name(b.name), certainty_words(b.certainty), [claim], index > 0)
        for b in view.strategies
        if b.kind != "baseline"
        for index, claim in enumerate(b.status)
    ]

    def height(line: TakeHome) -> float:
        text = " ".join(c.text + " " + c.markers for c in line.claims)
        return item_height(fit, f"{line.name} ({line.certainty}): {text}")

    note = view.certainty_note
    first = fit.list_px - (item_height(fit, note.text) + fit.para if note else 0)
    pages = page_by_height(lines, height, first, fit.list_px)
    return [
        TakeHomePage(
            page,
            footer_refs(
                claims_numbers([c for line in page for c in line.claims])
                + (claims_numbers([note]) if note and index == 0 else [])
            ),
            note if index == 0 else None,
        )
        for index, page in enumerate(pages)
        if page
    ]


@dataclass
class TakeHomePage:
    """One take-home slide: its strategies, footer references, and (on the first) the
    note that the certainty is the tool's own rating."""

    lines: list[TakeHome]
    refs: list[str]
    note: ClaimView | None
