"""The deck a room can read (issue 11): measured in Chromium, in every theme offered.

``deck_measure.js`` lays each Marp HTML deck out at 1280x720 and reports, per slide,
the computed font size of every visible piece of text (body, table, footer), whether
any is cut off, the boxes of the slide's blocks, the footer's lines and the page
number's box, and the drawn size of every picture; the SVG pictures' own text is read
here and scaled by the size they are drawn at.  Thresholds from issue 11: body text
24 px, table text 20 px, plot labels 18 px, footers 16 px.

The footer test needs no browser: every slide's footer lists exactly the references
the slide cites (in its text, its pictures and its presenter's notes).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from icansctl.cli.commands_deck import MARP_THEMES

from .conftest import ROOT, run_cli
from .test_slides import heading, marp_binary, slides_of

MIN_PX = {"body": 24.0, "table": 20.0, "footer": 16.0}
MIN_PLOT_PX = 18.0
SLIDE_W = 1280
FOUR = ["anakinra", "defibrotide", "corticosteroids", "tocilizumab"]


def browser_binary() -> str | None:
    """A Chromium for the layout (CHROME_PATH, else the first on PATH)."""
    found = os.environ.get("CHROME_PATH")
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = found or shutil.which(name)
    return found


def make_deck(folder: Path, *args: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    deck = folder / "deck.md"
    result = run_cli("slides", *args, "-o", str(deck))
    assert result.exit_code == 0, result.output
    return deck


def svg_text_sizes(svg: Path) -> list[float]:
    """The font size of every text element of an SVG (its own, or inherited)."""
    sizes: list[float] = []

    def walk(element: ET.Element, inherited: float) -> None:
        size = float(element.get("font-size", inherited))
        if element.tag.endswith("}text") or element.tag == "text":
            sizes.append(size)
        for child in element:
            walk(child, size)

    walk(ET.parse(svg).getroot(), 16.0)
    return sizes


def svg_size(svg: Path) -> tuple[float, float]:
    """The picture's own width and height (its viewBox)."""
    _, _, width, height = ET.parse(svg).getroot().get("viewBox", "0 0 1 1").split()
    return float(width), float(height)


def measure(pages: list[Path]) -> dict[str, list[dict]]:
    marp, browser = marp_binary(), browser_binary()
    puppeteer = ROOT / ".ci" / "node" / "node_modules" / "puppeteer-core"
    if marp is None or browser is None or shutil.which("node") is None or not puppeteer.exists():
        pytest.skip("needs Marp CLI and puppeteer-core in .ci/node, node and a Chromium")
    htmls = []
    for deck in pages:
        html = deck.with_suffix(".html")
        run = subprocess.run(
            [marp, str(deck), "-o", str(html)], capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        htmls.append(str(html))
    env = {**os.environ, "PUPPETEER": str(puppeteer), "BROWSER": browser}
    run = subprocess.run(
        ["node", str(ROOT / "tests" / "deck_measure.js"), *htmls],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    measured: dict[str, list[dict]] = json.loads(run.stdout)
    return measured


def problems(page: Path, slides: list[dict]) -> list[str]:
    """Everything on any slide of one deck that a room could not read."""
    found = []
    for number, slide in enumerate(slides, start=1):
        where = f"{page.parent.name} slide {number}"
        if slide["bottom"] > slide["limit"] - 2 or slide["right"] > SLIDE_W or slide["top"] < 0:
            found.append(f"{where}: overflows {slide['bottom']:.0f} > {slide['limit']:.0f}")
        for text in slide["texts"]:
            if text["size"] < MIN_PX[text["kind"]]:
                found.append(f"{where}: {text['kind']} text {text['size']} px: {text['text']}")
            if text.get("clipped"):
                found.append(f"{where}: cut off: {text['text']}")
        for one, two in slide["overlaps"]:
            found.append(f"{where}: {one!r} overlaps {two!r}")
        number_box = slide["pageNumber"]
        for line in slide["footerLines"] if number_box else []:
            if line["right"] > number_box["left"] and line["bottom"] > number_box["top"]:
                found.append(f"{where}: the footer runs into the page number")
        for image in slide["images"]:
            svg = page.parent / image["src"]
            # An SVG is scaled to fit the box it is drawn in, its aspect kept (meet)
            width, height = svg_size(svg)
            scale = min(image["width"] / width, image["height"] / height)
            drawn = min(svg_text_sizes(svg)) * scale
            if drawn < MIN_PLOT_PX:
                found.append(f"{where}: {image['src']} text drawn at {drawn:.1f} px")
    return found


@pytest.mark.external
@pytest.mark.slow
def test_every_slide_is_legible_in_every_theme(tmp_path: Path) -> None:
    """Every theme offered; the deck of every strategy and of the four main ones."""
    decks = [
        make_deck(tmp_path / f"{theme}-{name}", *args, "--theme", theme)
        for theme in MARP_THEMES
        for name, args in (("all", []), ("four", FOUR))
    ]
    measured = measure(decks)
    assert len(measured) == len(decks)
    found = [p for deck in decks for p in problems(deck, measured[str(deck.with_suffix(".html"))])]
    assert not found, "\n".join(found)
    # the measurement itself: every slide of every deck, with text of all three kinds
    for deck in decks:
        slides = measured[str(deck.with_suffix(".html"))]
        assert len(slides) == len(slides_of(deck.read_text(encoding="utf-8")))
        kinds = {text["kind"] for slide in slides for text in slide["texts"]}
        assert kinds == {"body", "table", "footer"}


@pytest.mark.external
@pytest.mark.slow
def test_the_measurement_catches_small_text_and_overflow(tmp_path: Path) -> None:
    """The checks fail on a deck made small and crowded on purpose (one theme, quick)."""
    deck = make_deck(tmp_path / "small", "anakinra")
    text = deck.read_text(encoding="utf-8")
    crowded = "\n".join(f"- filler line {i}" for i in range(30))
    text = text.replace("footer { font-size: 16px;", "footer { font-size: 12px;", 1)
    text = text.replace("section table { font-size: 20px;", "section table { font-size: 15px;")
    text = text.replace("\n## Who was studied", f"\n{crowded}\n\n## Who was studied", 1)
    deck.write_text(text, encoding="utf-8")
    found = "\n".join(problems(deck, measure([deck])[str(deck.with_suffix(".html"))]))
    assert "footer text 12 px" in found
    assert "table text 15 px" in found
    assert "overflows" in found


# --- footers: every slide cites what it shows, and shows what it cites -------------------

BRACKETS = re.compile(r"\\\[(\d+(?:, \d+)*)\\\]")  # '\[1, 3\]' as the deck escapes it
FOOTER = re.compile(r'<!-- _footer: "(.*?)" -->')
NOTES = re.compile(r"<!--\n(.*?)-->", re.S)


def numbers_in(text: str, pattern: re.Pattern[str] = BRACKETS) -> set[int]:
    return {int(n) for group in pattern.findall(text) for n in group.split(", ")}


def picture_numbers(folder: Path, slide: str) -> set[int]:
    """The reference numbers a slide's pictures print ('[2]' beside a forest plot's rates)."""
    found: set[int] = set()
    for src in re.findall(r"\]\(([^)\s]+\.svg)\)", slide):
        words = "".join(ET.parse(folder / src).getroot().itertext())
        found |= numbers_in(words, re.compile(r"\[(\d+(?:, \d+)*)\]"))
    return found


@pytest.mark.parametrize("args", [FOUR, []], ids=["four", "all"])
def test_every_footer_lists_the_references_its_slide_cites(tmp_path: Path, args: list[str]) -> None:
    deck = make_deck(tmp_path, *args)
    checked = 0
    for slide in slides_of(deck.read_text(encoding="utf-8")):
        footer = FOOTER.search(slide)
        footer_numbers = (
            numbers_in(footer.group(1), re.compile(r"\\\\\[(\d+)\\\\\]")) if footer else set()
        )
        notes = numbers_in("".join(NOTES.findall(slide)).replace("[", "\\[").replace("]", "\\]"))
        shown = numbers_in(re.sub(r"<!--.*?-->", "", slide, flags=re.S))
        shown |= picture_numbers(tmp_path, slide)
        if heading(slide).startswith("## References"):
            continue
        assert shown <= footer_numbers, (heading(slide), shown - footer_numbers)
        assert footer_numbers <= shown | notes, (heading(slide), footer_numbers - shown - notes)
        checked += bool(shown)
    assert checked >= 8  # take-home, mechanism, strategies, forest plots, trials, trust
