"""The PowerPoint deck (`slides -o deck.pptx`): the Marp deck's slides, titled, with
native tables inside the slide, PNG pictures at twice their displayed size, footers
kept; a clear message without the extra; LibreOffice converts it page for page."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from icansctl import __version__
from icansctl.render.marp_deck import Picture, Run, Table, inline, parse_deck
from icansctl.render.output import write_files_atomic
from icansctl.render.pptx_deck import svg_size
from icansctl.render.pptx_fit import line_count, plan_slide, text_width
from icansctl.render.slides import slide_count

from .conftest import pin_environment, run_cli

pptx = pytest.importorskip("pptx", reason="the pptx extra is not installed")
pytest.importorskip("resvg_py", reason="the pptx extra is not installed")

EMU_PER_PX = 9525  # 914400 EMU per inch, 96 px per inch
SLIDE_W, SLIDE_H = 1280 * EMU_PER_PX, 720 * EMU_PER_PX
# ('--since' adds the "New since" slides: the pptx must have them as the Marp deck does)
DECKS = {
    "anakinra": ("anakinra",),
    "every strategy": (),
    "new since": ("anakinra", "--since", "2026-11-25"),
}


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, Path]]]:
    """Each deck as Marp Markdown and as .pptx, both from the CLI; the .pptx written
    from another working directory through a relative path."""
    built = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        pin_environment(monkeypatch, tmp_path_factory.getbasetemp())
        for name, args in DECKS.items():
            folder = tmp_path_factory.mktemp("deck")
            (folder / "elsewhere").mkdir()
            assert run_cli("slides", *args, "-o", str(folder / "deck.md")).exit_code == 0
            monkeypatch.chdir(folder / "elsewhere")
            result = run_cli("slides", *args, "-o", "../deck.pptx")
            assert result.exit_code == 0, result.output
            built[name] = ((folder / "deck.md").read_text(encoding="utf-8"), folder / "deck.pptx")
        yield built


def marp_slides(markdown: str) -> list[str]:
    """The Marp slides, split on the lines '---' (the first closes the front matter)."""
    return re.split(r"(?m)^---$", markdown)[2:]


def opened(path: Path) -> Any:
    return pptx.Presentation(str(path))


@pytest.mark.parametrize("name", DECKS)
def test_same_slides_as_the_marp_deck(decks: dict[str, tuple[str, Path]], name: str) -> None:
    markdown, path = decks[name]
    deck = opened(path)
    assert len(deck.slides) == slide_count(markdown) == len(marp_slides(markdown))
    assert (deck.slide_width, deck.slide_height) == (SLIDE_W, SLIDE_H)


@pytest.mark.parametrize("name", DECKS)
def test_every_slide_has_its_title(decks: dict[str, tuple[str, Path]], name: str) -> None:
    markdown, path = decks[name]
    for marp, slide in zip(marp_slides(markdown), opened(path).slides, strict=True):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip()
        heading = re.search(r"(?m)^#{1,6} (.*)$", marp)
        if heading:  # the heading, without its Markdown escapes
            assert title.text_frame.text == re.sub(r"\\(.)", r"\1", heading.group(1))
    first, second = [s.shapes.title.text_frame.text for s in opened(path).slides][:2]
    assert first == "Preventing ICANS after CAR T-cell therapy"
    assert second == "The clinical question"


def test_a_slide_without_heading_takes_its_first_line_as_title() -> None:
    deck = parse_deck("---\nmarp: true\n---\n\n**Bold start** and more\n\n- item\n")
    assert deck.slides[0].title == "Bold start and more"


@pytest.mark.parametrize("name", DECKS)
def test_every_table_is_native_and_inside_the_slide(
    decks: dict[str, tuple[str, Path]], name: str
) -> None:
    markdown, path = decks[name]
    tables = [s for slide in opened(path).slides for s in slide.shapes if s.has_table]
    # one native table per Markdown table (each has one '|---|' rule)
    assert len(tables) == len(re.findall(r"(?m)^\|---\|", markdown)) > 0
    for shape in tables:
        assert shape.left >= 0 and shape.top >= 0
        assert shape.left + shape.width <= SLIDE_W
        assert shape.top + shape.height <= SLIDE_H
        # the frame is as tall and wide as its rows and columns: no hidden overflow
        assert sum(row.height for row in shape.table.rows) == shape.height
        assert sum(column.width for column in shape.table.columns) == shape.width


@pytest.mark.parametrize("name", DECKS)
def test_every_shape_is_inside_the_slide(decks: dict[str, tuple[str, Path]], name: str) -> None:
    for slide in opened(decks[name][1]).slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= SLIDE_W, shape.name
            assert shape.top >= 0 and shape.top + shape.height <= SLIDE_H, shape.name


@pytest.mark.parametrize("name", DECKS)
def test_every_slide_fits_without_the_last_resort_sizes(
    decks: dict[str, tuple[str, Path]], name: str
) -> None:
    markdown, path = decks[name]
    pictures = {p.name: svg_size(p.read_text(encoding="utf-8")) for p in path.parent.glob("*.svg")}
    deck = parse_deck(markdown)
    for slide in deck.slides:
        plan = plan_slide(slide, slide.footer or deck.footer, pictures)
        assert plan.fits, slide.title
        # shrunk to fit, but never to unreadable: text 12 pt (16 px at 1280 x 720) or
        # more, tables 10 pt, footers 9 pt (today's decks need no less than 16, 15, 12)
        for placed in plan.placed:
            if isinstance(placed.block, Table):
                assert placed.size >= 10, slide.title
            elif not isinstance(placed.block, Picture):
                assert placed.size >= 12, slide.title
        assert plan.footer_size >= 9


def png_pixels(blob: bytes) -> tuple[int, int]:
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", blob[16:24])
    return width, height


@pytest.mark.parametrize("name", DECKS)
def test_pictures_are_png_at_twice_their_size(
    decks: dict[str, tuple[str, Path]], name: str
) -> None:
    markdown, path = decks[name]
    pictures = [
        shape
        for slide in opened(path).slides
        for shape in slide.shapes
        if shape.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.PICTURE
    ]
    # the mechanism graph and the forest plots, as in the Marp deck
    assert len(pictures) == len(re.findall(r"(?m)^!\[", markdown)) >= 2
    for shape in pictures:
        assert shape.image.content_type == "image/png"
        width, height = png_pixels(shape.image.blob)
        # displayed size at 96 dpi, in px; the picture has twice as many pixels
        assert abs(width - 2 * shape.width / EMU_PER_PX) <= 1
        assert abs(height - 2 * shape.height / EMU_PER_PX) <= 1
        assert width >= 1000  # a picture, not a thumbnail


def footer_of(marp_slide: str, deck_footer: str) -> str:
    """A Marp slide's footer as text: its own directive, else the deck's."""
    match = re.search(r'<!-- _footer: ("(?:[^"\\]|\\.)*") -->', marp_slide)
    text = yaml.safe_load(match.group(1)) if match else deck_footer
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("name", DECKS)
def test_footers_are_kept(decks: dict[str, tuple[str, Path]], name: str) -> None:
    markdown, path = decks[name]
    deck_footer = re.search(r'(?m)^footer: "(.*)"$', markdown)
    assert deck_footer is not None
    with_refs = 0
    for marp, slide in zip(marp_slides(markdown), opened(path).slides, strict=True):
        footers = [s.text_frame.text for s in slide.shapes if s.name == "Footer"]
        assert footers == [footer_of(marp, deck_footer.group(1))]
        with_refs += "_footer:" in marp and "[" in footers[0]
    assert with_refs >= 5  # the reference footers: strategies, tables, plots...


@pytest.mark.parametrize("name", DECKS)
def test_page_numbers_where_marp_paginates(decks: dict[str, tuple[str, Path]], name: str) -> None:
    markdown, path = decks[name]
    assert re.search(r"(?m)^paginate: true$", markdown)
    for number, (marp, slide) in enumerate(
        zip(marp_slides(markdown), opened(path).slides, strict=True), start=1
    ):
        numbers = [s.text_frame.text for s in slide.shapes if s.name == "Slide Number"]
        # the title slide says `_paginate: false`; every other slide is numbered
        assert numbers == ([] if "<!-- _paginate: false -->" in marp else [str(number)])


def test_the_reference_footer_of_the_forest_slide(decks: dict[str, tuple[str, Path]]) -> None:
    _, path = decks["anakinra"]
    slide = next(
        s
        for s in opened(path).slides
        if s.shapes.title.text_frame.text == "ICANS or neurologic events, grade ≥3"
    )
    (footer,) = [s.text_frame.text for s in slide.shapes if s.name == "Footer"]
    # the sources of the plotted figures: Strati's rate read in the editorial (Dowling),
    # Park's own report, and ZUMA-1's 28% from its primary report (Locke 2017)
    # (anakinra's literature checked 2026-12-05, ZUMA-1's 2026-11-23: the oldest)
    assert footer.startswith(
        f"icansctl {__version__} · evidence current to 2026-11-23 · [2] Dowling 2023;"
    )
    assert "[3] Park 2023" in footer and "Locke 2017" in footer


@pytest.mark.parametrize("module", ["pptx", "resvg_py"])
def test_without_the_extra_one_line_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import` now raises ImportError
    result = run_cli("slides", "anakinra", "-o", str(tmp_path / "deck.pptx"))
    assert result.exit_code == 1
    assert result.stderr == (
        "icansctl: PowerPoint output (.pptx) needs the 'pptx' extra: pip install 'icansctl[pptx]'\n"
    )
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no deck, no picture, no temporary file


def test_without_fonts_the_pictures_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resvg_py

    draw = resvg_py.svg_to_bytes

    def without_fonts(**kwargs: Any) -> Any:  # as on a machine with no font installed
        return draw(**kwargs, skip_system_fonts=True)

    monkeypatch.setattr(resvg_py, "svg_to_bytes", without_fonts)
    result = run_cli("slides", "anakinra", "-o", str(tmp_path / "deck.pptx"))
    assert result.exit_code == 2
    assert result.stderr == (
        "icansctl: no font found to draw the pictures' labels: install one "
        "(e.g. apt-get install fonts-liberation)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_pptx_on_stdout_is_refused(tmp_path: Path) -> None:
    result = run_cli("slides", "anakinra", "--format", "pptx", "-o", "-")
    assert result.exit_code == 2
    assert result.stderr == "icansctl: a PowerPoint deck needs a file: -o deck.pptx\n"
    assert result.stdout == ""


def test_bytes_are_written_exactly(tmp_path: Path) -> None:
    data = b"PK\x03\x04\x00\xff\r\n\n\r"
    write_files_atomic({tmp_path / "deck.pptx": data})
    assert (tmp_path / "deck.pptx").read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]


def test_inline_markdown_becomes_runs() -> None:
    assert inline(r"**Studies:** Strati 2023 \[1\] `x*y`") == (
        Run("Studies:", bold=True),
        Run(" Strati 2023 [1] "),
        Run("x*y", code=True),
    )


def test_a_cell_may_hold_an_escaped_pipe() -> None:
    deck = parse_deck("---\nmarp: true\n---\n## T\n\n| a \\| b | c |\n|---|---|\n| 1 | 2 |\n")
    (table,) = deck.slides[0].blocks
    assert table.header == ((Run("a | b"),), (Run("c"),))  # type: ignore[union-attr]
    assert table.rows == (((Run("1"),), (Run("2"),)),)  # type: ignore[union-attr]


def test_text_width_and_wrapping() -> None:
    # Arial advance widths: i and l 0.278 em; a 0.556 em; space 0.278 em; 6% margin.
    assert text_width("il", 10) == pytest.approx(0.556 * 10 * 1.06)
    # 'aaaa' is 23.57 pt at 10 pt, a space 2.95 pt: both words need 50.09 pt
    assert line_count((Run("aaaa aaaa"),), 51, 10) == 1
    assert line_count((Run("aaaa aaaa"),), 30, 10) == 2
    # a word longer than the line is broken: 23.57 pt in 10 pt lines is 3 lines
    assert line_count((Run("aaaa"),), 10, 10) == 3


def pdf_pages(pdf: bytes) -> int:
    """Page objects of a PDF (LibreOffice writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.external
def test_libreoffice_converts_every_slide(
    decks: dict[str, tuple[str, Path]], tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-impress")
    markdown, path = decks["anakinra"]
    profile = (tmp_path / "profile").as_uri()  # its own profile: no clash with a running one
    env = {**os.environ, "HOME": str(tmp_path)}
    command = [soffice, f"-env:UserInstallation={profile}", "--headless"]
    subprocess.run(
        [*command, "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
        env=env,
    )
    pdf = (tmp_path / "deck.pdf").read_bytes()
    assert pdf_pages(pdf) == slide_count(markdown)
