"""The deck's layout estimates: line counts, paging, table packing, picture heights."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icansctl.evidence.base import EvidenceBase
from icansctl.render import deck_layout as dl
from icansctl.render.slide_strategies import figure_lines

from .conftest import full_view, modules_after

THEMES = [*dl.FITS, "mytheme"]
WORDS = "a grading caveat that takes a long sentence to state in full, "


# --- text lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "chars", "lines"),
    [
        ("", 10, 1),
        ("short", 10, 1),
        ("aaaa bbbb", 9, 1),  # exactly the width
        ("aaaa bbbb cccc", 9, 2),  # wrapped at a space
        ("aaaa\nbbbb", 80, 2),  # a newline starts a line
        ("x" * 25, 10, 3),  # a long word is broken
        ("\\[1\\] \\*", 7, 1),  # Markdown escapes take no room: '[1] *'
    ],
)
def test_text_lines(text: str, chars: int, lines: int) -> None:
    assert dl.text_lines(text, chars) == lines


def test_more_text_takes_more_lines() -> None:
    fit = dl.fit_for("default")
    one = dl.text_lines(WORDS, fit.chars)
    assert dl.text_lines(WORDS * 10, fit.chars) > one
    assert dl.item_height(fit, WORDS * 10) > dl.item_height(fit, WORDS)


PARAGRAPH = st.text(alphabet=st.sampled_from("ab -·"), max_size=80)


@given(
    # a final empty paragraph is only a trailing newline: it starts no line
    st.lists(PARAGRAPH, min_size=1, max_size=4).filter(lambda paragraphs: paragraphs[-1] != ""),
    st.integers(min_value=1, max_value=40),
)
def test_text_lines_stays_between_what_the_characters_need(
    paragraphs: list[str], chars: int
) -> None:
    """Each line holds at most ``chars`` characters and at least one that is not a space
    (wrapping drops the spaces at a break); each paragraph starts a line. A paragraph's
    leading spaces may take a line of their own (a cautious overestimate)."""
    lines = dl.text_lines("\n".join(paragraphs), chars)
    visible = [len(p.replace(" ", "")) for p in paragraphs]
    leading = sum(1 for p in paragraphs if p.startswith(" ") and p.strip())
    assert lines >= sum(max(1, math.ceil(n / chars)) for n in visible)
    assert lines <= sum(max(1, n) for n in visible) + leading


@given(PARAGRAPH, st.integers(min_value=1, max_value=40))
def test_text_that_fits_takes_one_line(paragraph: str, chars: int) -> None:
    if len(paragraph) <= chars:
        assert dl.text_lines(paragraph, chars) == 1
        assert dl.text_lines("\\" * 3 + paragraph, chars) == 1  # escapes take no room


# --- themes --------------------------------------------------------------------------------


def test_an_unknown_theme_gets_the_most_cautious_figures() -> None:
    assert dl.fit_for("mytheme") is dl.CAUTIOUS
    assert dl.fit_for("gaia") is dl.FITS["gaia"]
    for fit in dl.FITS.values():
        assert dl.CAUTIOUS.chars <= fit.chars and dl.CAUTIOUS.h2_chars <= fit.h2_chars
        assert dl.CAUTIOUS.text_chars <= fit.text_chars
        assert dl.CAUTIOUS.list_px <= fit.list_px and dl.CAUTIOUS.table_px <= fit.table_px
        assert dl.CAUTIOUS.cell_char >= fit.cell_char


# --- paging --------------------------------------------------------------------------------


@given(
    st.lists(st.integers(min_value=1, max_value=300), max_size=40),
    st.integers(min_value=100, max_value=600),
    st.integers(min_value=0, max_value=600),
    st.one_of(st.none(), st.integers(min_value=1, max_value=8)),
)
def test_pages_keep_every_item_in_order_within_their_room(
    heights: list[int], later: int, first: int, most: int | None
) -> None:
    pages = dl.page_by_height(heights, float, first, later, most=most)
    assert [h for page in pages for h in page] == heights
    assert all(pages[1:])  # only the first page may be empty: when there is nothing
    for number, page in enumerate(pages):
        room = first if number == 0 else later
        if len(page) > 1:
            assert sum(page) <= room, (page, room)
        if most is not None:
            assert len(page) <= most


def test_a_first_page_with_other_content_may_hold_no_item() -> None:
    assert dl.page_by_height([50, 50], float, 20, 100) == [[50], [50]]  # alone, too tall
    assert dl.page_by_height([50, 50], float, 20, 100, empty_first=True) == [[], [50, 50]]
    assert dl.page_by_height([50, 50, 50], float, 120, 100, empty_first=True) == [
        [50, 50],
        [50],
    ]


def test_long_text_is_paged_onto_more_slides() -> None:
    fit = dl.fit_for("default")

    def pages(texts: list[str]) -> list[list[str]]:
        return dl.page_by_height(texts, lambda t: dl.item_height(fit, t), fit.list_px, fit.list_px)

    assert len(pages([WORDS] * 6)) == 1
    assert len(pages([WORDS * 6] * 6)) > 1


# --- tables --------------------------------------------------------------------------------


def _grid(rows: int, cell: str) -> tuple[list[str], list[list[str]]]:
    head = ["", "Study A: comparator [1]", "Study B [2]", "Study C [3]"]
    return head, [[f"Row {r}", cell, cell, cell] for r in range(rows)]


def test_column_widths_share_the_table_width() -> None:
    fit = dl.fit_for("default")
    # A narrow table: each column as wide as its longest cell. In Marp's default theme
    # a 20 px table character is 10.1 px and a cell has 26 px of padding: 3 and 2 characters.
    narrow = dl.column_widths(fit, [["a", "bb"], ["ccc", "d"]])
    assert narrow == pytest.approx([56.3, 46.2])
    head, rows = _grid(3, WORDS * 3)
    wide = dl.column_widths(fit, [head, *rows])
    assert sum(wide) == pytest.approx(1100)  # a full table takes the 1100 px of the slide
    assert wide[0] < wide[1]  # the short labels get less than the long text
    longest_word = max(len(word) for word in (WORDS * 3).split())
    assert all(width >= longest_word * 10.1 + 26 for width in wide[1:]), wide


# --- pictures and dense slides -------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_picture_heights_respect_the_room(theme: str) -> None:
    fit = dl.fit_for(theme)
    short = dl.picture_heights(fit, "Anakinra → IL-1", "ICANS grade ≥3")
    room = fit.list_px + dl.HEADING_PX
    assert 160 <= short.mechanisms <= 360
    assert short.mechanisms <= fit.list_px - 60 - 2 * fit.line  # below: its text, a note
    assert short.forest <= room - fit.h2_line - 40  # below a one-line heading
    longer = dl.picture_heights(fit, "Anakinra → IL-1 · " * 30, "ICANS grade ≥3 " * 12)
    assert longer.mechanisms < short.mechanisms
    assert longer.forest < short.forest
    crowded = dl.picture_heights(fit, WORDS * 40, "")
    assert crowded.mechanisms == 160  # never smaller than legible


def test_a_long_question_needs_a_dense_slide() -> None:
    fit = dl.fit_for("default")
    items = ["Populations: B-cell lymphoma", "Outcomes: ICANS", "Comparators: none"]
    assert not dl.needs_dense(fit, "Does prevention lower the rate of ICANS?", items)
    assert dl.needs_dense(fit, WORDS * 20, items)


# --- the cell text measured is the one rendered --------------------------------------------


def test_a_strategy_slide_cell_is_short_lines_typed_from_the_evidence(
    bundled_base: EvidenceBase,
) -> None:
    """The deck measures and writes a cell as ``figure_lines``: the rate and count (kept
    on one line by a no-break space), then the CI with the references; values typed from
    the evidence files and the Wilson intervals computed by hand."""
    view = full_view(bundled_base)
    grade3 = next(row for row in view.rows if row.endpoint == "icans_grade3plus")
    cells = {
        (c.study_id, c.arm_id): cell for c, cell in zip(view.columns, grade3.cells, strict=True)
    }
    arms = [
        ("strati2023", "anakinra"),
        ("strati2023", "matched"),
        ("park2023", "anakinra"),
        ("jacobson2023", "defibrotide"),
    ]
    assert [figure_lines(cells[arm]) for arm in arms] == [
        ["20%\u00a0(4/20)*†", "8.1–41.6 [2]"],  # Strati 2023, via the editorial
        ["30%†", "[2]"],  # the matched cohort: a percent, no N, no CI
        ["9.7%\u00a0(3/31)*", "3.3–24.9 [3]"],  # Park 2023
        ["25%\u00a0(5/20)*†", "11.2–46.9 [2]"],  # Jacobson 2023
    ]
    assert figure_lines([]) == ["n/r"]
    timed = dataclasses.replace(cells[arms[2]][0], time_point="day 30")
    assert figure_lines([timed])[-1] == "day 30"


@pytest.mark.parametrize("args", [("compare", "anakinra", "defibrotide"), ("list",)])
def test_terminal_commands_do_not_load_the_deck_layout(args: tuple[str, ...]) -> None:
    code, modules = modules_after(*args)
    assert code == 0 and "icansctl.views.common" in modules
    assert "icansctl.render.deck_layout" not in modules
