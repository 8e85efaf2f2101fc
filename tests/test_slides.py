"""The Marp deck: structure, table sizes, Marp/pandoc rendering, atomic writes."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from icansctl import __version__
from icansctl.render import templating
from icansctl.render.slides import render_deck
from icansctl.views.compare import CompareView, compare_view
from icansctl.views.deck import DeckView
from icansctl.views.forest import forest_from_compare
from icansctl.views.mechanisms import mechanism_view
from icansctl.views.summary import chosen_endpoints, summary_from_compare

from .conftest import (
    ROOT,
    full_view,
    load_bundled,
    run_cli,
    run_console,
    tables,
)


def marp_binary() -> str | None:
    local = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "marp"
    return str(local) if local.exists() else shutil.which("marp")


def make_deck(tmp_path: Path, *args: str) -> Path:
    deck = tmp_path / "deck.md"
    result = run_cli("slides", *args, "-o", str(deck))
    assert result.exit_code == 0, result.output
    return deck


def strategies_view(names: tuple[str, ...]) -> CompareView:
    """The comparison of the named bundled strategies."""
    base = load_bundled()
    return compare_view(base, [base.resolve_strategy(name) for name in names])


def slides_of(text: str) -> list[str]:
    _, front, body = text.split("---\n", 2)
    assert "marp: true" in front
    return body.split("\n---\n")


# The deck of every strategy grew from about 20 to about 57 slides with the 2026
# evidence (22 study columns); how the deck should summarise that much is display work
# for after the restructure (issue 12, phase 2), so the size bound is checked on a deck
# of two strategies and the deck of everything is an expected failure until then.
DECK_STRATEGIES = ("anakinra", "defibrotide")


@pytest.mark.xfail(
    reason="deck of every strategy (7 strategies, 20 studies): 41 slides in the default "
    "theme at the legible sizes of issue 11 with certainty and its reasons (was 57 at "
    "11-19 px); the four-strategy deck is 31; strict, so the fix is noticed",
    strict=True,
)
def test_deck_of_every_strategy_stays_a_journal_club_length(tmp_path: Path) -> None:
    deck = make_deck(tmp_path)
    assert 15 <= len(slides_of(deck.read_text(encoding="utf-8"))) <= 30


def heading(slide: str) -> str:
    """A slide's '## ' heading (or '# ' on the title slide)."""
    return next(line for line in slide.splitlines() if line.startswith("#"))


def test_deck_structure_and_table_limits(tmp_path: Path) -> None:
    deck = make_deck(
        tmp_path, *DECK_STRATEGIES, "--title", "Journal club | <b>ICANS</b>", "--theme", "gaia"
    )
    text = deck.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    assert "theme: gaia" in front and "paginate: true" in front
    # the oldest date the literature of the strategies shown was checked: defibrotide's
    # (checked: 2026-11-23 in evidence/strategies/defibrotide.yaml)
    assert f'footer: "icansctl {__version__} · evidence current to 2026-11-23"' in front
    slides = slides_of(text)
    assert 10 <= len(slides) <= 30
    headings = [heading(s) for s in slides]
    assert headings[0] == "# Journal club \\| \\<b\\>ICANS\\</b\\>"
    # Issue 11's order: question, who, take-home, mechanism, how to read the figures (before
    # the first table), one slide per strategy, forest plots, trials, trust, references.
    order = [
        "## The clinical question",
        "## Who was studied",
        "## Take-home",
        "## Where each strategy acts",
        "## Reading the figures",
        "## Anakinra",
        "## Defibrotide",
        "## ICANS or neurologic events, grade ≥3",
        "## ICANS or neurologic events, any grade",
        "## How far to trust this",
        "## References",
    ]
    firsts = [next(i for i, h in enumerate(headings) if h.startswith(o)) for o in order]
    assert firsts == sorted(firsts), list(zip(order, firsts, strict=True))
    assert (
        "![Mechanism graph: where each strategy acts<!-- w:1100 -->](deck.mechanisms.svg)" in text
    )
    assert "](deck.forest.svg)" in text
    assert (tmp_path / "deck.forest.svg").read_text().startswith("<svg")
    assert (tmp_path / "deck.mechanisms.svg").exists()
    # One strategy's slides (split by rows, never by endpoint), the ZUMA-1 baseline
    # repeated under its arms on every one; no 'side by side' spread over five slides.
    strategy = [s for s in slides if heading(s).startswith(("## Anakinra", "## Defibrotide"))]
    assert not any("## Side by side" in s or " against the baseline" in s for s in slides)
    for slide in strategy:
        for table in tables(slide):
            assert table[0][:2] == ["Study", "Design, n"] and 3 <= len(table[0]) <= 2 + 4
            assert len(table) <= 1 + 7
            assert table[-1][0].startswith("ZUMA-1 pivotal"), table
    assert "**Bottom line:**" in strategy[0] and "**Regimens:**" in strategy[0]
    take_home = next(s for s in slides if "## Take-home" in s)
    assert "<!-- _footer:" in take_home and "**Anakinra** (⊕◯◯◯ very low): " in take_home
    for slide in slides[1:]:
        if not heading(slide).startswith(("## References", "## Reading", "## Who", "## The c")):
            assert "<!-- _footer:" in slide, heading(slide)
    assert "## References" in slides[-1]


# --- pictures: sized to fit the slide, whatever the SVG's aspect ratio ------------------

SLIDE_W, SLIDE_H = 1280, 720
CONTENT_W = SLIDE_W - 2 * 78.5  # the narrowest content box: default theme, 1123 px
PICTURE_ROOM = 560  # at most this tall: a dense slide less its padding and heading
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def view_box(svg: Path) -> tuple[float, float]:
    box = ET.parse(svg).getroot().get("viewBox")
    assert box, f"{svg.name} has no viewBox"
    _, _, width, height = (float(v) for v in box.split())
    return width, height


def picture_box(text: str, alt: str, src: str, aspect: tuple[float, float]) -> tuple[float, float]:
    """The size Marp gives a picture: its w:/h: keywords, then any max-height rule."""
    keywords = dict(re.findall(r"\b(w|h|width|height):(\d+(?:\.\d+)?)(?:px)?\b", alt))
    vw, vh = aspect
    w = float(keywords.get("w") or keywords.get("width") or 0) or None
    h = float(keywords.get("h") or keywords.get("height") or 0) or None
    if w is None and h is None:
        w, h = vw, vh
    elif h is None:
        assert w is not None
        h = w * vh / vw
    elif w is None:
        w = h * vw / vh
    for suffix, limit in re.findall(r'img\[src\$="([^"]+)"\]\s*\{\s*max-height:\s*(\d+)px', text):
        if src.endswith(suffix):
            h = min(h, float(limit))  # the SVG scales down inside the box (aspect kept)
    return w, h


@pytest.mark.parametrize("theme", ["default", "gaia", "uncover", "mytheme"])
def test_pictures_fit_the_slide(tmp_path: Path, theme: str) -> None:
    deck = make_deck(tmp_path, "--theme", theme)
    text = deck.read_text(encoding="utf-8")
    images = IMAGE.findall(text)
    # The grade >=3 plot, and the any-grade one beside it (issue 11: one per key endpoint),
    # each split into pages a room can read ('.p2' ...).
    sources = {src for _, src in images}
    assert {"deck.mechanisms.svg", "deck.forest.svg", "deck.icans_any.forest.svg"} <= sources
    assert all(
        re.fullmatch(r"deck(\.icans_any)?(\.p\d)?\.forest\.svg|deck\.mechanisms\.svg", s)
        for s in sources
    ), sources
    for alt, src in images:
        actual = view_box(tmp_path / src)
        # the sizing rule must hold for the SVG written now and for any other shape of it
        for aspect in [actual, (1376, 265), (1164, 528), (600, 1400), (1000, 1000), (4000, 300)]:
            width, height = picture_box(text, alt, src, aspect)
            assert width <= CONTENT_W, (src, aspect, width)
            assert height <= PICTURE_ROOM, (src, aspect, height)


def test_size_keywords_stay_out_of_the_alt_text(tmp_path: Path) -> None:
    """Marp reads sizes from the image text; pandoc must not show them as a caption."""
    text = make_deck(tmp_path).read_text(encoding="utf-8")
    for alt, _ in IMAGE.findall(text):
        visible = re.sub(r"<!--.*?-->", "", alt)
        assert visible.strip() and not re.search(r"\b(w|h|width|height):\d", visible), alt
        assert not re.search(r"(^|\s)\d+%", visible)  # Marp would take '95%' as a keyword


def test_the_legend_says_where_the_ci_is(tmp_path: Path) -> None:
    slides = slides_of(make_deck(tmp_path).read_text(encoding="utf-8"))
    reading = "\n".join(s for s in slides if "## Reading the figures" in s)
    assert "below it, its 95% CI (Wilson score) computed from the counts" in reading
    for mark in "*†‡":
        assert f"- {mark} " in reading.replace("\\", ""), mark


def deck_of(view: CompareView, theme: str = "uncover") -> list[str]:
    base = load_bundled()
    summary = summary_from_compare(view, chosen_endpoints(base, None))
    deck = DeckView(view, mechanism_view(base, []), forest_from_compare(view), summary)
    rendered = render_deck(deck, title="T", theme=theme, version="0", stem="d")
    return slides_of(rendered.text)


def slide_text(slide: str) -> str:
    """What a slide shows, without its directives (HTML comments)."""
    return re.sub(r"<!--.*?-->", "", slide, flags=re.S)


@pytest.mark.parametrize("theme", ["default", "gaia", "uncover", "mytheme"])
@pytest.mark.parametrize("strategies", [DECK_STRATEGIES, pytest.param(None, id="all")])
def test_long_text_is_split_across_slides(theme: str, strategies: tuple[str, ...] | None) -> None:
    """Slides are budgeted by the length of their text, not only by counts."""
    view = full_view() if strategies is None else strategies_view(strategies)
    words = "a grading caveat that takes a long sentence to state in full, "
    rows = [
        dataclasses.replace(r, footnotes=[f"{r.endpoint} {i}: " + words * 6 for i in range(2)])
        for r in view.rows
    ]
    columns = [
        dataclasses.replace(c, regimen=(c.regimen or "") + words * 2, disease=c.disease + words * 3)
        for c in view.columns
    ]
    briefs = [
        dataclasses.replace(
            b,
            caveats=[dataclasses.replace(c, text=words * 5) for c in b.caveats],
            status=[dataclasses.replace(c, text=words * 8) for c in b.status],
        )
        for b in view.strategies
    ]
    long_view = dataclasses.replace(view, rows=rows, columns=columns, strategies=briefs)
    short, long = deck_of(view, theme), deck_of(long_view, theme)
    assert len(long) > len(short)
    for slide in long:
        shown = slide_text(slide)
        if heading(slide).startswith(("## Reading the figures", "## How far", "## Take-home")):
            assert len(shown) < 1800, shown  # about 15 lines of 24 px text
        for table in tables(slide):
            lines = sum(max(cell.count("<br>") + 1 for cell in row) for row in table)
            assert lines <= 24, table  # rows of short lines; 540 px at 30 px a line


@pytest.mark.external
def test_marp_renders_the_deck_to_html(tmp_path: Path) -> None:
    marp = marp_binary()
    if marp is None:
        pytest.skip("Marp CLI not installed (npm install --prefix .ci/node @marp-team/marp-cli)")
    deck = make_deck(tmp_path)
    out = tmp_path / "deck.html"
    run = subprocess.run(
        [marp, str(deck), "-o", str(out)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    html = out.read_text(encoding="utf-8")
    assert html.count("<section") == len(slides_of(deck.read_text(encoding="utf-8")))
    assert 'src="deck.forest.svg"' in html and "<script>alert" not in html
    assert "[1] Strati 2023" in html  # per-slide reference footer
    # Marp took the size from the comment in the image text, and left the alt text clean
    images = re.findall(r"<img [^>]*>", html)
    # mechanisms, then the grade >=3 and any-grade forest plots, in pages
    assert len(images) == len(IMAGE.findall(deck.read_text(encoding="utf-8"))) >= 3
    for image in images:
        assert 'style="width:1100px;"' in image and "<!--" not in image and "w:" not in image


@pytest.mark.external
def test_pandoc_converts_the_deck_to_pptx(tmp_path: Path) -> None:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc not installed")
    deck = make_deck(tmp_path, "anakinra")
    run = subprocess.run(
        ["pandoc", deck.name, "-t", "pptx", "-o", "deck.pptx"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "deck.pptx").stat().st_size > 10_000
    with zipfile.ZipFile(tmp_path / "deck.pptx") as pptx:
        shown = " ".join(
            " ".join(re.findall(r"<a:t>([^<]*)</a:t>", pptx.read(name).decode("utf-8")))
            for name in pptx.namelist()
            if name.startswith("ppt/slides/slide")
        )
    assert "Mechanism graph: where each strategy acts" in shown  # a caption, no size hints
    assert not re.search(r"\b(w|h):\d", shown) and "<!--" not in shown


def test_console_script_writes_a_deck(tmp_path: Path) -> None:
    run = run_console("slides", "defibrotide", "-o", "talk.md", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "slides" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "talk.forest.svg",
        "talk.icans_any.forest.svg",
        "talk.md",
        "talk.mechanisms.svg",
    ]


def _broken_templates(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / f"broken-{name}"
    shutil.copytree(templating.templates_dir(), broken)
    path = broken / name
    path.write_text(path.read_text() + "{{ no_such_value }}\n")
    monkeypatch.setattr(templating, "templates_dir", lambda: broken)
    templating.environment.cache_clear()


@pytest.fixture
def restore_environment() -> Iterator[None]:
    """Forget the broken templates' Jinja environment after the test."""
    yield None
    templating.environment.cache_clear()


def test_template_error_leaves_previous_outputs_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restore_environment: None
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    deck = make_deck(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    compare_md = out / "compare.md"
    compare_md.write_bytes(b"previous\n")
    before[compare_md.name] = b"previous\n"
    _broken_templates(tmp_path, "slides.md.j2", monkeypatch)
    result = run_cli("slides", "-o", str(deck))
    assert result.exit_code == 2
    assert "template slides.md.j2" in result.stderr and "no_such_value" in result.stderr
    _broken_templates(tmp_path, "compare.md.j2", monkeypatch)
    result = run_cli("compare", "anakinra", "-f", "markdown", "-o", str(compare_md))
    assert result.exit_code == 2, result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp files either


def test_unwritable_target_leaves_previous_outputs_unchanged(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be\n")
    result = run_cli("slides", "-o", str(blocker / "deck.md"))
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert blocker.read_text() == "a file where a folder should be\n"
    # one picture's folder writable, the deck's not: nothing at all is replaced
    deck = make_deck(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    from icansctl.render.output import write_files_atomic

    with pytest.raises(OSError):
        write_files_atomic({deck: "new deck", blocker / "x.svg": "<svg/>"})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_each_caveat_is_in_the_deck_once_and_every_bottom_line_is_on_the_take_home(
    tmp_path: Path,
) -> None:
    """Issue 11: 17 caveat bullets were shown twice (strategy slide and caveats slide);
    each strategy's status never reached the deck.  Each caveat is now once, in the
    presenter's notes of its strategy's first slide."""
    deck = make_deck(tmp_path, *DECK_STRATEGIES).read_text(encoding="utf-8")
    plain = deck.replace("\\", "")
    base = load_bundled()
    for strategy_id in DECK_STRATEGIES:
        strategy = base.strategies[strategy_id]
        (first,) = [s for s in slides_of(deck) if heading(s).startswith(f"## {strategy.name}")]
        notes = "".join(re.findall(r"<!--\nCaveats.*?-->", first, flags=re.S))
        for caveat in strategy.caveats:
            assert plain.count(caveat.text) == 1, caveat.text
            assert caveat.text in notes, caveat.text
        take_home = "".join(s for s in slides_of(deck) if "## Take-home" in s).replace("\\", "")
        for claim in strategy.status:
            assert claim.text in take_home, claim.text


def test_every_listed_reference_is_cited_on_some_slide(tmp_path: Path) -> None:
    """Issue 11: references listed but cited nowhere in the deck (those only study notes
    cite) are no longer listed; everything a footer cites is listed."""
    deck = make_deck(tmp_path, *DECK_STRATEGIES).read_text(encoding="utf-8")
    slides = slides_of(deck)
    footers = {
        int(n) for s in slides if "_footer:" in s for n in re.findall(r"\\\\\[(\d+)\\\\\]", s)
    }
    listed_slides = [s for s in slides if "## References" in s]
    listed = {
        int(n)
        for s in listed_slides
        for n in re.findall(r"^(?:- \\\[)?(\d+)(?:\\\]|\.) ", s.replace("\\", "\\"), re.M)
    }
    assert listed, "the reference list is not empty"
    assert listed <= footers, listed - footers
    assert footers <= listed, footers - listed


def test_the_mechanism_slide_cites_the_papers_the_graph_rests_on(tmp_path: Path) -> None:
    """Issue 11: the mechanism slide cited nothing and its papers were not listed. The
    graph's sources (evidence/mechanisms.yaml cites Norelli 2018 and Giavridis 2018 for
    the IL-1 node, among others) are in its footer and in the reference list."""
    deck = make_deck(tmp_path, *DECK_STRATEGIES).read_text(encoding="utf-8")
    (mechanism,) = [s for s in slides_of(deck) if "## Where each strategy acts" in s]
    assert "Norelli 2018" in mechanism and "Giavridis 2018" in mechanism
    references = "".join(s for s in slides_of(deck) if "## References" in s)
    assert "Norelli M" in references and "Giavridis T" in references


def test_a_forest_plot_of_the_baseline_alone_is_left_out(tmp_path: Path) -> None:
    """Itacitinib has no trial figure (evidence/strategies/itacitinib.yaml): a forest
    plot would hold only the ZUMA-1 rows, so the deck has none; anakinra's has two."""
    (tmp_path / "i").mkdir()
    (tmp_path / "a").mkdir()
    itacitinib = slides_of(make_deck(tmp_path / "i", "itacitinib").read_text(encoding="utf-8"))
    assert not any(heading(s).startswith("## ICANS or neurologic") for s in itacitinib)
    assert not list((tmp_path / "i").glob("*.forest.svg"))
    anakinra = slides_of(make_deck(tmp_path / "a", "anakinra").read_text(encoding="utf-8"))
    assert sum(heading(s).startswith("## ICANS or neurologic") for s in anakinra) == 2
