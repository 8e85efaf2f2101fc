"""The forest plot: SVG well-formed, one whisker per arm with N, n/N labels, PNG render."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icansctl.cli import app
from icansctl.plot import forest_from_compare, forest_svg, mechanism_svg, unicode_chart
from icansctl.views import mechanism_view

from .conftest import console_script, subprocess_env
from .test_markdown import base, full_view

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"


def test_svg_has_a_whisker_and_label_per_arm_with_n(tmp_path: Path) -> None:
    out = tmp_path / "forest.svg"
    result = runner.invoke(app, ["plot", "-o", str(out)])
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    forest = forest_from_compare(full_view())
    with_n = [r for r in forest.rows if r.total is not None]
    whiskers = [e for e in root.iter(f"{SVG}line") if e.get("class") == "whisker"]
    assert len(whiskers) == len(with_n) == 6
    counts = [e.text or "" for e in root.iter(f"{SVG}text") if e.get("class") == "count"]
    for row in with_n:
        assert any(f"{row.events}/{row.total}" in c for c in counts)
    assert any("30%† no N" in " ".join(c.split()) for c in counts)  # matched cohort
    arms = [g for g in root.iter(f"{SVG}g") if g.get("class") == "arm"]
    assert len(arms) == len(forest.rows)
    assert any(e.get("class") == "reference" for e in root.iter(f"{SVG}line"))  # ZUMA-1


def test_evidence_text_is_escaped_in_svg() -> None:
    view = full_view()
    evil = dataclasses.replace(view.columns[0], study_name='<script>x</script> & "q" ]]>')
    forest = forest_from_compare(dataclasses.replace(view, columns=[evil, *view.columns[1:]]))
    root = ET.fromstring(forest_svg(forest))
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert '<script>x</script> & "q" ]]>' in texts
    assert not list(root.iter(f"{SVG}script"))
    ET.fromstring(mechanism_svg(mechanism_view(base(), [])))


def test_svg_renders_to_png(tmp_path: Path) -> None:
    converter = shutil.which("rsvg-convert")
    if converter is None:
        pytest.skip("rsvg-convert not installed (apt-get install librsvg2-bin)")
    svg = tmp_path / "forest.svg"
    svg.write_text(forest_svg(forest_from_compare(full_view())), encoding="utf-8")
    png = tmp_path / "forest.png"
    run = subprocess.run([converter, str(svg), "-o", str(png)], capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_terminal_chart_and_other_endpoint() -> None:
    result = runner.invoke(app, ["plot", "anakinra"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "├" in out and "┤" in out and "●" in out and "┆" in out
    assert "no N" in out and "4/20" in out and "28/101" in out
    assert "None of the 3 studies drawn is randomized" in out
    other = runner.invoke(app, ["plot", "--endpoint", "icans_any", "-f", "text"])
    assert "65/101" in other.stdout
    bad = runner.invoke(app, ["plot", "--endpoint", "nope"])
    assert bad.exit_code == 2 and "unknown endpoint 'nope'" in bad.output


def test_terminal_chart_fits_narrow_terminals_and_says_what_it_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = runner.invoke(app, ["plot"]).stdout
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "(8.1–41.6)" in out and "28/101" in out  # labels moved up, numbers whole
    assert "○ comparator arm" not in out  # the one comparator has no N: drawn as ◇
    dlt = runner.invoke(app, ["plot", "--endpoint", "dlt"]).stdout
    assert "The study drawn is not randomized" in dlt
    assert "◇" not in dlt.split("● rate")[1] and "derived count" not in dlt


def test_console_script_plot(tmp_path: Path) -> None:
    run = subprocess.run(
        [console_script(), "plot", "-o", "forest.svg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    ET.parse(tmp_path / "forest.svg")


def test_labels_with_newlines_keep_their_words_apart() -> None:
    """SVG drops a newline inside text: 'B\\nline2' must be drawn as 'B line2'."""
    view = full_view()
    first = dataclasses.replace(view.columns[0], study_name="B\nline2")
    forest = forest_from_compare(dataclasses.replace(view, columns=[first, *view.columns[1:]]))
    root = ET.fromstring(forest_svg(forest))
    texts = [e.text or "" for e in root.iter(f"{SVG}text")]
    assert any(t.startswith("B line2") for t in texts), texts
    assert not [t for t in texts if "\n" in t or "Bline2" in t]
    chart = unicode_chart(forest, 100)
    assert "B line2" in chart and "B\nline2" not in chart
    mechanisms = mechanism_view(base(), [])
    node = next(iter(mechanisms.nodes.values()))
    nodes = {**mechanisms.nodes, "x": dataclasses.replace(node, strategies=["Pill\nname"])}
    svg = ET.fromstring(mechanism_svg(dataclasses.replace(mechanisms, nodes=nodes)))
    pills = [e.text or "" for e in svg.iter(f"{SVG}text")]
    assert "Pill name" in pills and not [t for t in pills if "\n" in t]
