"""The deck's pages, planned before any Markdown is written.

What goes on each slide (question, strategies, table chunks, caveats, references) is
decided here from the comparison and the deck layout's size estimates, so that no
slide overflows; ``slides`` turns the plan into Marp Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..views.certainty import certainty_line
from ..views.common import (
    CI_METHOD_NAMES,
    COMPARATOR_WORDS,
    NOT_REPORTED,
    ClaimView,
    Figure,
    short_name,
)
from ..views.compare import Column, CompareView, StrategyBrief, footnote_letter
from .deck_layout import (
    HEADING_PX,
    Fit,
    even_table_height,
    item_height,
    needs_dense,
    pack_table_rows,
    page_by_height,
    text_lines,
)
from .tables import (
    INFO_LABELS,
    TableChunk,
    figure_numbers,
    info_value,
    table_plan,
)

# Slides: Marp does not shrink tables, so a table slide holds at most this much (fewer
# rows when they would not fit, see deck_layout).
SLIDE_MAX_COLUMNS = 4
SLIDE_MAX_ROWS = 7
SLIDE_INFO_ROWS = ("design", "n", "product", "grading")
REFS_PER_SLIDE = 6
FIRST_SLIDE_MARGIN = 24  # px kept free on a strategy's first slide
KEY_ENDPOINTS = ("icans_any", "icans_grade3plus")


def claims_numbers(claims: list[ClaimView]) -> list[int]:
    """Reference numbers cited by some claims, in order."""
    return list(dict.fromkeys(c.number for claim in claims for c in claim.citations))


def figures_text(figures: list[Figure]) -> str:
    """A table cell of figures as shown (the ``figures_cell`` macro without its escapes)."""

    def plain(value: str) -> str:
        return " ".join(value.split()).replace("\\", "")

    if not figures:
        return NOT_REPORTED
    parts = []
    for f in figures:
        text = plain(f.value_text) + plain(f.markers)
        if f.ci_text:
            text += "; 95% CI " + plain(f.ci_text)
        if f.time_point:
            text += "; " + plain(f.time_point)
        parts.append(text + " [" + ", ".join(str(n) for n in figure_numbers(f)) + "]")
    return "; ".join(parts)


@dataclass
class Question:
    """The clinical question slide: its text, and whether it needs the dense layout."""

    question: str
    populations: str
    outcomes: str
    comparators: str
    dense: bool


@dataclass
class ClaimsPage:
    """One slide's claims and its footer references."""

    claims: list[ClaimView]
    refs: list[str]


@dataclass(frozen=True)
class StudyLine:
    """A study on its strategy's slide, once however many arms it has."""

    name: str
    reference_number: int
    design: str
    n_text: str  # '40', or '102; 51; 38' for the arms of one study, or 'not reported'


def _study_lines(arms: list[Column]) -> list[StudyLine]:
    by_study: dict[str, list[Column]] = {}
    for arm in arms:
        by_study.setdefault(arm.study_id, []).append(arm)
    return [
        StudyLine(
            group[0].study_name,
            group[0].reference_number,
            group[0].design,
            "; ".join(str(a.n) if a.n is not None else "not reported" for a in group),
        )
        for group in by_study.values()
    ]


@dataclass
class StrategySlides:
    """One strategy's slides: the first with its regimens, studies and key figures."""

    brief: StrategyBrief
    columns: list[Column]
    studies: list[StudyLine]
    key_rows: list[int]
    regimens: list[str]
    claims_title: str
    pages: list[ClaimsPage]
    table_apart: bool = False  # the key figures on a slide of their own, after the first
    table_refs: list[str] = field(default_factory=list)  # that slide's footer

    @property
    def short_name(self) -> str:
        """The strategy's name without its parenthesis (continued slides' heading)."""
        return short_name(self.brief.name)


@dataclass
class TableSlide:
    """One 'Side by side' slide: its table and footer references."""

    table: TableChunk
    refs: list[str]


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
    """The clinical question, its populations, outcomes and comparators."""
    interventions = [b.name for b in view.strategies if b.kind != "baseline"]
    baselines = [b.name for b in view.strategies if b.kind == "baseline"]
    question = (
        "In patients receiving CAR T cells, does prevention with "
        + (", ".join(interventions) or "the strategies shown")
        + " lower the rate of ICANS"
        + (", against " + ", ".join(baselines) + " as a reference" if baselines else "")
        + "?"
    )
    populations = "; ".join(_unique([c.disease for c in view.columns]))
    key_labels = ("ICANS or neurologic events, any grade", "ICANS or neurologic events, grade ≥3")
    outcomes = "; ".join(r.label for r in view.rows if r.label in key_labels) or "ICANS"
    outcomes += "; CRS; steroid use; response"
    comparators = ", ".join(
        COMPARATOR_WORDS.get(kind, kind) for kind in _unique([c.comparator for c in view.columns])
    )
    items = [
        "Populations: " + populations,
        "Outcomes: " + outcomes,
        "Comparators: " + comparators,
        view.design_note,
    ]
    dense = needs_dense(fit, question, items)
    return Question(question, populations, outcomes, comparators, dense)


def strategy_slides(
    view: CompareView, fit: Fit, letters: dict[int, list[str]], footer_refs: FooterRefs
) -> list[StrategySlides]:
    """Each strategy's slides, its claims paged by length after the first slide's content."""
    key_rows = [i for i, row in enumerate(view.rows) if row.endpoint in KEY_ENDPOINTS]
    return [
        _strategy_slides(view, brief, fit, letters, footer_refs, key_rows)
        for brief in view.strategies
    ]


def _strategy_slides(
    view: CompareView,
    brief: StrategyBrief,
    fit: Fit,
    letters: dict[int, list[str]],
    footer_refs: FooterRefs,
    key_rows: list[int],
) -> StrategySlides:
    columns = [c for c in view.columns if c.strategy_id == brief.id]
    studies = _study_lines([c for c in columns if c.role == "intervention"])
    has_figures = any(view.rows[i].cells[view.columns.index(c)] for i in key_rows for c in columns)
    rows = key_rows if has_figures else []
    regimens = list(dict.fromkeys(c.regimen for c in columns if c.regimen))
    if has_figures:
        title, claims = "Caveats", list(brief.caveats)
    else:
        findings = [f for s in brief.studies for f in s.findings]
        title, claims = "Findings (no rates reported)", findings + list(brief.caveats)
    table = None
    # The key-figures table holds the arms that have one: an arm with none is in the
    # studies line, not a row of "not reported" (which filled a slide past its edge).
    shown = [c for c in columns if any(view.rows[r].cells[view.columns.index(c)] for r in rows)]
    if rows:
        table = [["Arm"] + [view.rows[r].label + " (a)" * len(letters.get(r, [])) for r in rows]]
        for c in shown:
            cells = [view.rows[r].cells[view.columns.index(c)] for r in rows]
            table.append([c.header] + [figures_text(figures) for figures in cells])
    room = fit.list_px + HEADING_PX
    # A table that does not fit under the regimens and studies gets a slide of its own.
    apart = table is not None and _first_slide_height(brief, fit, regimens, studies, table) > room
    used = _first_slide_height(brief, fit, regimens, studies, None if apart else table)
    continued = f"{short_name(brief.name)}: {title} (continued)"
    pages = page_by_height(
        claims,
        lambda claim: item_height(fit, claim.text + " " + claim.markers),
        room - used,
        room - (fit.h2_line * text_lines(continued, fit.h2_chars) + 8),
        empty_first=True,
    )
    numbers = [c.reference_number for c in columns]
    figures = [
        n
        for r in rows
        for c in columns
        for figure in view.rows[r].cells[view.columns.index(c)]
        for n in figure_numbers(figure)
    ]
    first, *later = pages
    first_refs = numbers + ([] if apart else figures) + claims_numbers(first)
    claim_pages = [ClaimsPage(first, footer_refs(first_refs))]
    claim_pages += [ClaimsPage(page, footer_refs(claims_numbers(page))) for page in later]
    table_refs = footer_refs([c.reference_number for c in shown] + figures) if apart else []
    return StrategySlides(
        brief, shown, studies, rows, regimens, title, claim_pages, apart, table_refs
    )


def _first_slide_height(
    brief: StrategyBrief,
    fit: Fit,
    regimens: list[str],
    studies: list[StudyLine],
    table: list[list[str]] | None,
) -> float:
    """Pixels taken on a strategy's first slide before its claims: heading, regimens,
    studies, the key-figures table and the claims' title."""
    heading = brief.name + " · " + (brief.drug_class or "")
    used = fit.h2_line * text_lines(heading, fit.h2_chars) + 8
    if regimens:
        used = used + fit.line * text_lines("Regimens: " + "; ".join(regimens), fit.chars)
        used = used + fit.para
    studies_text = " · ".join(
        f"{s.name} [{s.reference_number}]: {s.design}, n = {s.n_text}" for s in studies
    )
    used = used + fit.line * text_lines("Studies: " + studies_text, fit.chars) + fit.para
    if table is not None:
        used = used + even_table_height(fit, table)
    # + a margin: the estimate ran 6 px short on uncover with eight studies listed.
    return used + fit.line + fit.para + FIRST_SLIDE_MARGIN  # the claims title


def table_slides(
    view: CompareView, fit: Fit, letters: dict[int, list[str]], footer_refs: FooterRefs
) -> list[TableSlide]:
    """The comparison tables, packed into slides they fit.

    The planned chunks (at most SLIDE_MAX_COLUMNS study columns and SLIDE_MAX_ROWS rows)
    are packed again, chunk after chunk of the same columns, into tables that fit: by
    rows (no more than planned) and by an estimate of the rendered height.
    """
    chunks = table_plan(view, SLIDE_MAX_COLUMNS, SLIDE_MAX_ROWS, SLIDE_INFO_ROWS)
    most = max([0] + [len(chunk.info) + len(chunk.rows) for chunk in chunks])
    column_sets: list[list[int]] = []
    for chunk in chunks:
        if chunk.columns not in column_sets:
            column_sets.append(chunk.columns)
    slides: list[TableSlide] = []
    for columns in column_sets:
        keys: list[str | int] = []  # every row of these tables: info keys, endpoint rows
        grid: list[list[str]] = []
        for group in (chunk for chunk in chunks if chunk.columns == columns):
            for key in group.info:
                values = [info_value(view.columns[i], key) for i in columns]
                keys.append(key)
                grid.append(
                    [INFO_LABELS[key]] + [v if v is not None else NOT_REPORTED for v in values]
                )
            for r in group.rows:
                label = view.rows[r].label + " (a)" * len(letters.get(r, []))
                keys.append(r)
                grid.append([label] + [figures_text(view.rows[r].cells[i]) for i in columns])
        head = [""] + [
            f"{c.strategy_short_name}: {c.header} [{c.reference_number}]"
            for c in (view.columns[i] for i in columns)
        ]
        for page in pack_table_rows(fit, head, grid, most):
            table = TableChunk(
                columns,
                [k for k in (keys[j] for j in page) if isinstance(k, str)],
                [k for k in (keys[j] for j in page) if isinstance(k, int)],
            )
            numbers = []
            for i in columns:
                numbers.append(view.columns[i].reference_number)
                for r in table.rows:
                    for figure in view.rows[r].cells[i]:
                        numbers += figure_numbers(figure)
            slides.append(TableSlide(table, footer_refs(numbers)))
    return slides


def reading_items(view: CompareView, notes: list[str]) -> list[str]:
    """'Reading the tables': the row notes, lettered, then the legend."""
    ci_words = CI_METHOD_NAMES[view.ci_method]
    items = [f"({footnote_letter(i)}) {note}" for i, note in enumerate(notes)]
    for line in view.legend:
        # The shared legend says where the CI is in the terminal; on a slide it follows the rate.
        if line.startswith("Percent (events/total)"):
            line = (
                "Percent (events/total) as the source printed it (computed where it "
                f"printed none), then its 95% CI ({ci_words}) in the same cell, computed "
                "from the counts."
            )
        items.append(line)
    return items


def caveat_slides(view: CompareView, fit: Fit, footer_refs: FooterRefs) -> list[CaveatsPage]:
    """The closing 'how far to trust this' slide: the design note. Each strategy's own
    caveats are on its slides, and are not repeated here (they were, 17 of them)."""
    return [CaveatsPage([], footer_refs([]))]


def take_home_slides(view: CompareView, fit: Fit, footer_refs: FooterRefs) -> list[CaveatsPage]:
    """Each strategy's bottom line (its status, cited), paged by length: the take-home
    message, right after the clinical question."""
    lines = [
        Caveat(short_name(brief.name), claim)
        for brief in view.strategies
        if brief.kind != "baseline"
        for claim in [*brief.status, *certainty_line(brief.certainty, view.certainty_note)]
    ]
    pages = page_by_height(
        lines,
        lambda c: item_height(fit, c.name + ": " + c.claim.text + " " + c.claim.markers),
        fit.list_px,
        fit.list_px,
    )
    return [
        CaveatsPage(page, footer_refs(claims_numbers([c.claim for c in page])))
        for page in pages
        if page
    ]
