"""Markdown rendering: every document and the Marp deck come from ``templates/``.

Python here only plans (which columns and rows go in which table, which claims fit
on a slide, which footnote letter belongs to which row); the Markdown itself is
written by Jinja templates, with evidence text escaped by the ``md``/``cell`` filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .citations import NumberedReference
from .plot import (
    DEFAULT_ENDPOINT,
    ForestView,
    NoSuchEndpoint,
    forest_from_compare,
    forest_from_show,
    forest_svg,
    unicode_chart,
)
from .templating import render_template
from .views import ClaimView, Column, CompareView, Figure, ListItem, MechanismView, ShowView

CHART_WIDTH = 96
# Information rows of the comparison table, before the endpoint rows.
INFO_ROWS = ("design", "n", "product", "grading", "follow_up")
INFO_LABELS = {
    "design": "Design",
    "n": "n",
    "product": "Product",
    "grading": "Grading",
    "follow_up": "Follow-up",
}
# Slides: Marp does not shrink tables, so a table slide holds at most this much.
SLIDE_MAX_COLUMNS = 4
SLIDE_MAX_ROWS = 7
SLIDE_INFO_ROWS = ("design", "n", "product", "grading")
# Rough capacity of a dense slide (19 px text on 1280x720): lines of ~100 characters.
SLIDE_LINES = 17
LINE_CHARS = 100
REFS_PER_SLIDE = 6
KEY_ENDPOINTS = ("icans_any", "icans_grade3plus")


def fence_for(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def info_value(column: Column, key: str) -> str | None:
    """The text of an information row for one column (None: not reported)."""
    if key == "design":
        return column.design
    if key == "n":
        return str(column.n) if column.n is not None else None
    if key == "product":
        return column.product
    if key == "grading":
        return ", ".join(column.gradings) or None
    if key == "follow_up":
        return column.follow_up
    raise KeyError(key)


def figure_numbers(figure: Figure) -> list[int]:
    """Reference numbers shown beside a figure: its citations, then the 'via' source."""
    numbers: list[int] = []
    for c in figure.citations:
        if c.number not in numbers:
            numbers.append(c.number)
    if figure.via_number and figure.via_number not in numbers:
        numbers.append(figure.via_number)
    return numbers


@dataclass
class TableChunk:
    """One table: some study columns, some information rows, some endpoint rows."""

    columns: list[int]
    info: list[str]
    rows: list[int]
    part: int = 1
    parts: int = 1


def table_plan(
    view: CompareView,
    max_columns: int | None = None,
    max_rows: int | None = None,
    info: tuple[str, ...] = INFO_ROWS,
) -> list[TableChunk]:
    """Split the comparison into tables of at most ``max_columns`` x ``max_rows``."""
    count = len(view.columns)
    per = max_columns or max(count, 1)
    column_sets = [list(range(i, min(i + per, count))) for i in range(0, count, per)] or [[]]
    all_rows: list[tuple[str, int | str]] = [("info", k) for k in info]
    all_rows += [("row", i) for i in range(len(view.rows))]
    limit = max_rows or max(len(all_rows), 1)
    row_sets = [all_rows[i : i + limit] for i in range(0, len(all_rows), limit)]
    chunks = [
        TableChunk(
            columns,
            [str(k) for kind, k in rows if kind == "info"],
            [int(k) for kind, k in rows if kind == "row"],
        )
        for columns in column_sets
        for rows in row_sets
    ]
    for number, chunk in enumerate(chunks, start=1):
        chunk.part, chunk.parts = number, len(chunks)
    return chunks


def footnote_letters(view: CompareView) -> tuple[list[str], dict[int, list[str]]]:
    """Row footnotes, lettered in order of first use: (notes, row index -> letters)."""
    notes: list[str] = []
    letters: dict[int, list[str]] = {}
    for index, row in enumerate(view.rows):
        for note in row.footnotes:
            if note not in notes:
                notes.append(note)
            letters.setdefault(index, []).append(chr(ord("a") + notes.index(note)))
    return notes, letters


def _chart(view: ForestView | None) -> dict[str, str] | None:
    if view is None:
        return None
    text = unicode_chart(view, CHART_WIDTH)
    return {"text": text, "fence": fence_for(text), "endpoint_label": view.endpoint_label}


def _common() -> dict[str, Any]:
    return {
        "info_value": info_value,
        "info_labels": INFO_LABELS,
        "figure_numbers": figure_numbers,
    }


def _forest_of(view: CompareView | ShowView) -> ForestView | None:
    try:
        if isinstance(view, CompareView):
            return forest_from_compare(view, DEFAULT_ENDPOINT)
        return forest_from_show(view, DEFAULT_ENDPOINT)
    except NoSuchEndpoint:
        return None


def compare_markdown(view: CompareView, forest_image: str | None = None) -> str:
    """The comparison as a Markdown document (one GitHub table, notes, chart, references).

    ``forest_image``: the address of the forest plot's SVG, when it is written beside
    the document (see ``markdown_with_picture``); the Unicode chart is there either way.
    """
    notes, letters = footnote_letters(view)
    return render_template(
        "compare.md.j2",
        view=view,
        chunks=table_plan(view),
        notes=notes,
        letters=letters,
        chart=_chart(_forest_of(view)),
        forest_image=forest_image,
        **_common(),
    )


def show_markdown(view: ShowView, forest_image: str | None = None) -> str:
    """One strategy in full, as Markdown (``forest_image`` as in compare_markdown)."""
    return render_template(
        "show.md.j2",
        view=view,
        chart=_chart(_forest_of(view)),
        forest_image=forest_image,
        **_common(),
    )


def markdown_with_picture(view: CompareView | ShowView, output: Path) -> dict[Path, str]:
    """The Markdown document for ``output`` and its forest plot as SVG beside it.

    A document written to a file links the picture (``NAME.forest.svg``, as the deck
    does); on standard output there is nowhere to put it, so only the chart is shown.
    """
    forest = _forest_of(view)
    if forest is None or not forest.rows:
        render = compare_markdown if isinstance(view, CompareView) else show_markdown
        return {output: render(view)}  # type: ignore[arg-type]
    picture = output.with_name(f"{output.stem}.forest.svg")
    address = quote(picture.name)
    document = (
        compare_markdown(view, address)
        if isinstance(view, CompareView)
        else show_markdown(view, address)
    )
    return {output: document, picture: forest_svg(forest)}


def list_markdown(items: list[ListItem]) -> str:
    """Strategies at a glance, as a Markdown table."""
    return render_template("list.md.j2", items=items)


def mermaid_ids(view: MechanismView) -> dict[str, str]:
    """Safe Mermaid node ids (n1, n2, ...) for the evidence's node ids."""
    return {node_id: f"n{i}" for i, node_id in enumerate(view.nodes, start=1)}


def mechanisms_markdown(view: MechanismView) -> str:
    """The mechanism graph as a Mermaid flowchart, with cited node descriptions."""
    strategies: list[str] = []
    for node in view.nodes.values():
        for name in node.strategies:
            if name not in strategies:
                strategies.append(name)
    return render_template(
        "mechanisms.md.j2",
        view=view,
        ids=mermaid_ids(view),
        strategy_ids={name: f"s{i}" for i, name in enumerate(strategies, start=1)},
    )


def refs_markdown(refs: list[NumberedReference]) -> str:
    """A numbered Vancouver reference list in Markdown."""
    return render_template("refs.md.j2", refs=refs)


# --- slides ---------------------------------------------------------------------------


def _lines(text: str) -> int:
    return max(1, -(-len(text) // LINE_CHARS))


def claims_numbers(claims: list[ClaimView]) -> list[int]:
    """Reference numbers cited by some claims, in order."""
    numbers: list[int] = []
    for claim in claims:
        for c in claim.citations:
            if c.number not in numbers:
                numbers.append(c.number)
    return numbers


def paginate(
    claims: list[ClaimView], first: int, later: int = SLIDE_LINES - 2
) -> list[list[ClaimView]]:
    """Split claims into pages: ``first`` lines free on the first page, ``later`` after."""
    pages: list[list[ClaimView]] = [[]]
    free = first
    for claim in claims:
        need = _lines(claim.text + " " + claim.markers)
        if pages[-1] and need > free:
            pages.append([])
            free = later
        pages[-1].append(claim)
        free -= need
    return pages


@dataclass
class StrategySlides:
    """What one strategy's slide(s) show."""

    brief: Any
    columns: list[Column]
    key_rows: list[int]
    regimens: list[str]
    claims_title: str
    pages: list[list[ClaimView]]
    numbers: list[int] = field(default_factory=list)


def short_reference(ref: NumberedReference) -> str:
    """'Strati 2023' style label for a slide footer."""
    reference = ref.reference
    if reference.authors:
        name = reference.authors[0].split()[0]
    else:
        name = " ".join(reference.title.split()[:3])
    return f"{name} {reference.year}"


def evidence_date(refs: list[NumberedReference]) -> str:
    """The evidence date of a deck: the newest publication year among its references.

    Computed from the data (not file times), so the same evidence gives the same deck.
    """
    return str(max((r.reference.year for r in refs), default=0)) if refs else "unknown"


def _strategy_slides(view: CompareView) -> list[StrategySlides]:
    key_rows = [i for i, row in enumerate(view.rows) if row.endpoint in KEY_ENDPOINTS]
    out: list[StrategySlides] = []
    for brief in view.strategies:
        columns = [c for c in view.columns if c.strategy_id == brief.id]
        has_figures = any(
            view.rows[i].cells[view.columns.index(c)] for i in key_rows for c in columns
        )
        regimens: list[str] = []
        for column in columns:
            if column.regimen and column.regimen not in regimens:
                regimens.append(column.regimen)
        if has_figures:
            title, claims = "Caveats", list(brief.caveats)
        else:
            findings = [f for s in brief.studies for f in s.findings]
            title, claims = "Findings (no rates reported)", findings + list(brief.caveats)
        used = 3 + len(regimens) + len({c.study_id for c in columns})
        used += 2 + len(columns) * 2 if has_figures else 0
        pages = paginate(claims, max(3, SLIDE_LINES - used))
        numbers = [c.reference_number for c in columns]
        for i in key_rows:
            for c in columns:
                for figure in view.rows[i].cells[view.columns.index(c)]:
                    numbers += figure_numbers(figure)
        item = StrategySlides(
            brief, columns, key_rows if has_figures else [], regimens, title, pages
        )
        item.numbers = numbers + claims_numbers(pages[0])
        out.append(item)
    return out


def slides_markdown(
    view: CompareView,
    mechanisms: MechanismView,
    forest: ForestView | None,
    *,
    title: str,
    theme: str,
    version: str,
    forest_image: str | None,
    mechanism_image: str,
) -> str:
    """The Marp deck: title, question, mechanism, strategies, tables, plot, caveats, refs."""
    notes, letters = footnote_letters(view)
    by_number = {r.number: r for r in view.references}

    def footer_refs(numbers: list[int]) -> list[str]:
        seen: list[int] = []
        for n in numbers:
            if n not in seen and n in by_number:
                seen.append(n)
        return [f"[{n}] {short_reference(by_number[n])}" for n in sorted(seen)]

    chunks = table_plan(view, SLIDE_MAX_COLUMNS, SLIDE_MAX_ROWS, SLIDE_INFO_ROWS)
    chunk_refs = []
    for chunk in chunks:
        numbers = [view.columns[i].reference_number for i in chunk.columns]
        for r in chunk.rows:
            for i in chunk.columns:
                for figure in view.rows[r].cells[i]:
                    numbers += figure_numbers(figure)
        chunk_refs.append(footer_refs(numbers))
    strategies = _strategy_slides(view)
    caveat_claims = [
        (brief, claim)
        for brief in view.strategies
        if brief.kind != "baseline"
        for claim in brief.caveats
    ]
    caveat_pages: list[list[tuple[Any, ClaimView]]] = [[]]
    free = SLIDE_LINES - 4
    for brief, claim in caveat_claims:
        need = _lines(brief.name + claim.text + claim.markers)
        if caveat_pages[-1] and need > free:
            caveat_pages.append([])
            free = SLIDE_LINES - 2
        caveat_pages[-1].append((brief, claim))
        free -= need
    forest_refs = footer_refs([r.reference_number for r in forest.rows]) if forest else []
    ref_pages = [
        view.references[i : i + REFS_PER_SLIDE]
        for i in range(0, len(view.references), REFS_PER_SLIDE)
    ]
    return render_template(
        "slides.md.j2",
        view=view,
        mechanisms=mechanisms,
        forest=forest,
        title=title,
        theme=theme,
        version=version,
        date=evidence_date(view.references),
        forest_image=forest_image,
        mechanism_image=mechanism_image,
        chunks=chunks,
        chunk_refs=chunk_refs,
        notes=notes,
        letters=letters,
        strategies=strategies,
        strategy_refs=[footer_refs(s.numbers) for s in strategies],
        claim_refs=footer_refs,
        claims_numbers=claims_numbers,
        caveat_pages=caveat_pages,
        forest_refs=forest_refs,
        ref_pages=ref_pages,
        **_common(),
    )
