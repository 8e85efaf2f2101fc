"""The Marp deck: structure, table sizes, Marp/pandoc rendering, atomic writes."""

from __future__ import annotations

import dataclasses
import json
import os
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
from icansctl.render.slides import slides_markdown
from icansctl.views.compare import CompareView, compare_view
from icansctl.views.forest import forest_from_compare
from icansctl.views.mechanisms import mechanism_view

from .conftest import ROOT, console_script, full_view, load_bundled, run_cli, subprocess_env, tables


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
    reason="deck of every strategy: about 57 slides since the 2026 evidence (issue 11 "
    "rebuilds the deck); strict, so the fix is noticed",
    strict=True,
)
def test_deck_of_every_strategy_stays_a_journal_club_length(tmp_path: Path) -> None:
    deck = make_deck(tmp_path)
    assert 15 <= len(slides_of(deck.read_text(encoding="utf-8"))) <= 30


def test_deck_structure_and_table_limits(tmp_path: Path) -> None:
    deck = make_deck(
        tmp_path, *DECK_STRATEGIES, "--title", "Journal club | <b>ICANS</b>", "--theme", "gaia"
    )
    text = deck.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    assert "theme: gaia" in front and "paginate: true" in front
    # the latest year of a cited reference: registry records read in 2026
    assert f'footer: "icansctl {__version__} · evidence to 2026"' in front
    slides = slides_of(text)
    assert 15 <= len(slides) <= 30
    assert "# Journal club \\| \\<b\\>ICANS\\</b\\>" in slides[0]
    assert "## The clinical question" in slides[1]
    assert (
        "![Mechanism graph: where each strategy acts<!-- w:1100 -->](deck.mechanisms.svg)" in text
    )
    assert "](deck.forest.svg)" in text
    assert (tmp_path / "deck.forest.svg").read_text().startswith("<svg")
    assert (tmp_path / "deck.mechanisms.svg").exists()
    # Issue 11: one summary slide per strategy (split by rows, never by endpoint),
    # the ZUMA-1 baseline repeated on each; no 'side by side' spread over five slides.
    summaries = [s for s in slides if " against the baseline" in s]
    assert [s.split("\n## ")[1].split(" against")[0] for s in summaries] == [
        "Anakinra",
        "Defibrotide",
    ]
    assert not any("## Side by side" in s for s in slides)
    for slide in summaries:
        (table,) = tables(slide)
        assert table[0][:2] == ["Study", "Design, n"] and 3 <= len(table[0]) <= 2 + 5
        assert len(table) <= 1 + 7
        assert any(row[0].startswith("ZUMA-1 pivotal") for row in table[1:])
    # The take-home slide follows the question: each strategy's bottom line, cited.
    assert "## Take-home: each strategy's bottom line" in slides[2]
    assert "<!-- _footer:" in slides[2] and "**Anakinra**:" in slides[2]
    for slide in slides[3:]:
        if "_class: dense" in slide and "References" not in slide:
            assert "<!-- _footer:" in slide or "Reading the tables" in slide
    assert any("## All nonrandomized" in s for s in slides)
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
    # The grade >=3 plot, and the any-grade one beside it (issue 11: one per key endpoint).
    assert {src for _, src in images} == {
        "deck.mechanisms.svg",
        "deck.forest.svg",
        "deck.icans_any.forest.svg",
    }
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
    reading = "\n".join(s for s in slides if "## Reading the tables" in s)
    assert "95% CI (Wilson score) in the same cell" in reading
    assert "below" not in reading


def deck_of(view: CompareView, theme: str = "uncover") -> list[str]:
    text = slides_markdown(
        view,
        mechanism_view(load_bundled(), []),
        forest_from_compare(view),
        title="T",
        theme=theme,
        version="0",
        forest_image="d.forest.svg",
        mechanism_image="d.mechanisms.svg",
    )
    return slides_of(text)


def slide_text(slide: str) -> str:
    """What a slide shows, without its directives (HTML comments)."""
    return re.sub(r"<!--.*?-->", "", slide, flags=re.S)


LAST_PAGE_OF_TWO = pytest.mark.xfail(
    reason="the full comparison's last page holds two columns whose long design and "
    "product text exceed the 600-character proxy (deck layout, issue 11)",
    strict=True,
)


@pytest.mark.parametrize("theme", ["default", "gaia", "uncover", "mytheme"])
@pytest.mark.parametrize(
    "strategies", [DECK_STRATEGIES, pytest.param(None, marks=LAST_PAGE_OF_TWO, id="all")]
)
def test_long_text_is_split_across_slides(theme: str, strategies: tuple[str, ...] | None) -> None:
    """Slides are budgeted by the length of their text, not only by counts."""
    view = full_view() if strategies is None else strategies_view(strategies)
    words = "a grading caveat that takes a long sentence to state in full, "
    rows = [
        dataclasses.replace(r, footnotes=[f"{r.endpoint} {i}: " + words * 6 for i in range(2)])
        for r in view.rows
    ]
    columns = [
        dataclasses.replace(c, design=c.design + "; " + words * 3, product=c.product + words * 2)
        for c in view.columns
    ]
    briefs = [
        dataclasses.replace(b, caveats=[dataclasses.replace(c, text=words * 5) for c in b.caveats])
        for b in view.strategies
    ]
    long_view = dataclasses.replace(view, rows=rows, columns=columns, strategies=briefs)
    short, long = deck_of(view, theme), deck_of(long_view, theme)
    assert len(long) > len(short)
    for slide in long:
        shown = slide_text(slide)
        if "## Reading the tables" in slide or "## All nonrandomized" in slide:
            assert len(shown) < 2400, shown  # about 20 lines of a dense slide
        if "## Side by side" in slide:
            (table,) = tables(slide)
            assert sum(max(len(cell) for cell in row) for row in table) < 600, table


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
    assert len(images) == 3  # mechanisms, grade >=3 and any-grade forest plots
    for image in images:
        assert 'style="width:1100px;"' in image and "<!--" not in image and "w:" not in image


# Measures every slide of a Marp HTML deck in a headless browser: the lowest text, table
# row or picture must end above the footer, nothing may stick out on the right or top.
MEASURE_JS = r"""
const puppeteer = require(process.env.PUPPETEER);
(async () => {
  const browser = await puppeteer.launch({executablePath: process.env.BROWSER,
    args: ['--no-sandbox', '--allow-file-access-from-files']});
  const page = await browser.newPage();
  await page.setViewport({width: 1280, height: 720});
  const out = {};
  for (const file of process.argv.slice(2)) {
    await page.goto('file://' + file, {waitUntil: 'networkidle0'});
    out[file] = await page.evaluate(() => [...document.querySelectorAll('section[id]')].map(s => {
      const box = s.getBoundingClientRect(), scale = box.width / 1280;
      const footer = s.querySelector('footer');
      const limit = footer ? (footer.getBoundingClientRect().top - box.top) / scale : 720;
      let bottom = 0, right = 0, top = 720;
      for (const el of s.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, img, tr, pre')) {
        if (el.closest('footer, header')) continue;
        const r = el.getBoundingClientRect();
        if (!r.width && !r.height) continue;
        bottom = Math.max(bottom, (r.bottom - box.top) / scale);
        right = Math.max(right, (r.right - box.left) / scale);
        top = Math.min(top, (r.top - box.top) / scale);
      }
      return {bottom, right, top, limit};
    }));
  }
  console.log(JSON.stringify(out));
  await browser.close();
})();
"""


def browser_binary() -> str | None:
    found = os.environ.get("CHROME_PATH")
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = found or shutil.which(name)
    return found


@pytest.mark.external
@pytest.mark.slow
@pytest.mark.parametrize("args", [[], ["anakinra", "defibrotide"]])
def test_no_slide_overflows_in_the_readme_themes(tmp_path: Path, args: list[str]) -> None:
    """Every slide of default, gaia and uncover, laid out by a browser, fits above its footer."""
    marp, browser = marp_binary(), browser_binary()
    puppeteer = ROOT / ".ci" / "node" / "node_modules" / "puppeteer-core"
    if marp is None or browser is None or shutil.which("node") is None or not puppeteer.exists():
        pytest.skip("needs Marp CLI and puppeteer-core in .ci/node, node and a Chromium")
    pages = []
    for theme in ("default", "gaia", "uncover"):
        folder = tmp_path / theme
        folder.mkdir()
        deck = make_deck(folder, *args, "--theme", theme)
        html = folder / "deck.html"
        run = subprocess.run(
            [marp, str(deck), "-o", str(html)], capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        pages.append(str(html))
    script = tmp_path / "measure.js"
    script.write_text(MEASURE_JS, encoding="utf-8")
    env = {**os.environ, "PUPPETEER": str(puppeteer), "BROWSER": browser}
    run = subprocess.run(
        ["node", str(script), *pages], capture_output=True, text=True, timeout=180, env=env
    )
    assert run.returncode == 0, run.stderr
    overflows = [
        f"{Path(page).parent.name} slide {number}: {box}"
        for page, boxes in json.loads(run.stdout).items()
        for number, box in enumerate(boxes, start=1)
        if box["bottom"] > box["limit"] - 2 or box["right"] > SLIDE_W or box["top"] < 0
    ]
    assert not overflows, "\n".join(overflows)


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
    run = subprocess.run(
        [console_script(), "slides", "defibrotide", "-o", "talk.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
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
    each strategy's status never reached the deck."""
    deck = make_deck(tmp_path, *DECK_STRATEGIES).read_text(encoding="utf-8")
    plain = deck.replace("\\", "")
    base = load_bundled()
    for strategy_id in DECK_STRATEGIES:
        strategy = base.strategies[strategy_id]
        for caveat in strategy.caveats:
            assert plain.count(caveat.text) == 1, caveat.text
        take_home = next(s for s in slides_of(deck) if "## Take-home" in s).replace("\\", "")
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
