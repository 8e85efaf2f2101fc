"""Markdown rendering: every document comes from ``templates/``.

Python here plans (which columns and rows go in which table, which footnote letter
belongs to which row); the Markdown itself is written by Jinja templates, which only
render what they are given, with evidence text escaped by the ``md``/``cell`` filters.
The Marp deck is planned in ``render_slides``, which shares the table helpers here.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from ..views.certainty import CertaintyView, StepView
from ..views.common import ClaimView, short_name
from ..views.compare import CompareView, footnote_letter
from ..views.forest import ForestView
from ..views.listing import ListItem
from ..views.mechanisms import MechanismView
from ..views.numbering import NumberedReference
from ..views.show import ShowView
from .charts.forest_svg import forest_svg
from .charts.forest_text import unicode_chart
from .tables import footnote_letters, table_plan, template_helpers
from .templating import render_template

CHART_WIDTH = 96
# A GitHub table wider than this scrolls sideways and hides the baseline: the row
# label and at most five study columns per table, like the terminal's split.
MAX_TABLE_COLUMNS = 6


def fence_for(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def _chart(view: ForestView | None) -> dict[str, str] | None:
    if view is None:
        return None
    text = unicode_chart(view, CHART_WIDTH)
    return {"text": text, "fence": fence_for(text), "endpoint_label": view.endpoint_label}


def _document(
    view: CompareView | ShowView, forest: ForestView | None, forest_image: str | None
) -> str:
    """``compare`` or ``show`` as Markdown; ``forest_image`` is the address of the forest
    plot's SVG when one is written beside the document, and then it stands alone: the
    Unicode chart (and its notes) are for a document without a picture."""
    chart = _chart(forest)
    if isinstance(view, ShowView):
        return render_template(
            "show.md.j2",
            view=view,
            chart=chart,
            forest_image=forest_image,
            certainty=certainty_plan([("", view.certainty)], view.certainty_note, 0),
            **template_helpers(),
        )
    notes, letters = footnote_letters(view)
    groups = [(short_name(s.name), s.certainty) for s in view.strategies if s.certainty]
    return render_template(
        "compare.md.j2",
        view=view,
        chunks=table_plan(view, max_columns=MAX_TABLE_COLUMNS - 1),
        notes=notes,
        letters=letters,
        certainty=certainty_plan(groups, view.certainty_note, len(notes)),
        chart=chart,
        forest_image=forest_image,
        **template_helpers(),
    )


def compare_markdown(view: CompareView) -> str:
    """The comparison as a Markdown document (GitHub tables of at most six columns,
    notes, the forest chart, references)."""
    return _document(view, view.forest, None)


def show_markdown(view: ShowView) -> str:
    """One strategy in full, as Markdown."""
    return _document(view, view.forest, None)


def markdown_with_picture(view: CompareView | ShowView, output: Path) -> dict[Path, str]:
    """The Markdown document for ``output`` and its forest plot as SVG beside it.

    A document written to a file links the picture (``NAME.forest.svg``, as the deck
    does); on standard output there is nowhere to put it, so only the chart is shown.
    """
    forest = view.forest
    if forest is None or not forest.rows:
        return {output: _document(view, forest, None)}
    picture = output.with_name(f"{output.stem}.forest.svg")
    return {
        output: _document(view, forest, quote(picture.name)),
        picture: forest_svg(forest),
    }


def list_markdown(items: list[ListItem]) -> str:
    """Strategies at a glance, as a Markdown table."""
    return render_template("list.md.j2", items=items)


def mermaid_ids(view: MechanismView) -> dict[str, str]:
    """Safe Mermaid node ids (n1, n2, ...) for the evidence's node ids."""
    return {node_id: f"n{i}" for i, node_id in enumerate(view.nodes, start=1)}


def mechanisms_markdown(view: MechanismView) -> str:
    """The mechanism graph as a Mermaid flowchart, with cited node descriptions."""
    strategies = list(dict.fromkeys(s for node in view.nodes.values() for s in node.strategies))
    return render_template(
        "mechanisms.md.j2",
        view=view,
        ids=mermaid_ids(view),
        strategy_ids={name: f"s{i}" for i, name in enumerate(strategies, start=1)},
    )


def refs_markdown(refs: list[NumberedReference]) -> str:
    """A numbered Vancouver reference list in Markdown."""
    return render_template("refs.md.j2", refs=refs)


def certainty_plan(
    groups: list[tuple[str, list[CertaintyView]]], note: ClaimView | None, first: int
) -> dict[str, object] | None:
    """The certainty section: per strategy a row per endpoint ('⊕◯◯◯ very low', the
    letters of its reasons), then each reason once, lettered on from ``first`` (the
    letters the document has used before).  None when nothing is rated."""
    if not any(ratings for _, ratings in groups):
        return None
    reasons: dict[str, str] = {}  # reason text -> letter
    plan = []
    for name, ratings in groups:
        rows = []
        for rating in ratings:
            letters = [
                reasons.setdefault(_reason(step), footnote_letter(first + len(reasons)))
                for step in rating.steps
            ]
            shown = f"{rating.symbols} {rating.words}" if rating.symbols else rating.words
            rows.append({"label": rating.label, "rating": shown, "letters": letters})
        plan.append({"name": name, "rows": rows})
    notes = [(letter, text) for text, letter in reasons.items()]
    return {"groups": plan, "notes": notes, "note": note}


def _reason(step: StepView) -> str:
    numbers = dict.fromkeys(c.number for c in step.citations)
    return step.text + (" [" + ", ".join(str(n) for n in numbers) + "]" if numbers else "")
