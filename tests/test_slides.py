"""The Marp deck: structure, table sizes, Marp/pandoc rendering, atomic writes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icansctl import __version__, templating
from icansctl.cli import app

from .conftest import ROOT, console_script, subprocess_env
from .test_markdown import tables

runner = CliRunner()


def marp_binary() -> str | None:
    local = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "marp"
    return str(local) if local.exists() else shutil.which("marp")


def make_deck(tmp_path: Path, *args: str) -> Path:
    deck = tmp_path / "deck.md"
    result = runner.invoke(app, ["slides", *args, "-o", str(deck)])
    assert result.exit_code == 0, result.output
    return deck


def slides_of(text: str) -> list[str]:
    _, front, body = text.split("---\n", 2)
    assert "marp: true" in front
    return body.split("\n---\n")


def test_deck_structure_and_table_limits(tmp_path: Path) -> None:
    deck = make_deck(tmp_path, "--title", "Journal club | <b>ICANS</b>", "--theme", "gaia")
    text = deck.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    assert "theme: gaia" in front and "paginate: true" in front
    assert f'footer: "icansctl {__version__} · evidence to 2023"' in front
    slides = slides_of(text)
    assert 15 <= len(slides) <= 30
    assert "# Journal club \\| \\<b\\>ICANS\\</b\\>" in slides[0]
    assert "## The clinical question" in slides[1]
    assert "![Mechanism graph h:330](deck.mechanisms.svg)" in text
    assert "![Forest plot h:480](deck.forest.svg)" in text
    assert (tmp_path / "deck.forest.svg").read_text().startswith("<svg")
    assert (tmp_path / "deck.mechanisms.svg").exists()
    side_by_side = [s for s in slides if "## Side by side" in s]
    assert side_by_side
    for slide in side_by_side:
        for table in tables(slide):
            assert len(table[0]) <= 1 + 4  # row labels + at most 4 study columns
            assert len(table) <= 1 + 8
    for slide in slides[3:]:
        if "_class: dense" in slide and "References" not in slide:
            assert "<!-- _footer:" in slide or "Reading the tables" in slide
    assert any("## All nonrandomized" in s for s in slides)
    assert "## References" in slides[-1]


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
def restore_environment() -> object:
    yield None
    templating.environment.cache_clear()


def test_template_error_leaves_previous_outputs_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restore_environment: object
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    deck = make_deck(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    compare_md = out / "compare.md"
    compare_md.write_bytes(b"previous\n")
    before[compare_md.name] = b"previous\n"
    _broken_templates(tmp_path, "slides.md.j2", monkeypatch)
    result = runner.invoke(app, ["slides", "-o", str(deck)])
    assert result.exit_code == 2
    assert "template slides.md.j2" in result.output and "no_such_value" in result.output
    _broken_templates(tmp_path, "compare.md.j2", monkeypatch)
    result = runner.invoke(app, ["compare", "anakinra", "-f", "markdown", "-o", str(compare_md)])
    assert result.exit_code == 2, result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp files either


def test_unwritable_target_leaves_previous_outputs_unchanged(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be\n")
    result = runner.invoke(app, ["slides", "-o", str(blocker / "deck.md")])
    assert result.exit_code == 2 and "cannot write" in result.output
    assert blocker.read_text() == "a file where a folder should be\n"
    # one picture's folder writable, the deck's not: nothing at all is replaced
    deck = make_deck(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    from icansctl.output import write_files_atomic

    with pytest.raises(OSError):
        write_files_atomic({deck: "new deck", blocker / "x.svg": "<svg/>"})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
