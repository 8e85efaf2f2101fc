"""The forest plot: one whisker per arm with N where its Wilson CI is, n/N labels, PNG render.

The expected intervals are Wilson score 95% intervals computed by hand from each
study's events/total in evidence/studies/ (z = 1.96), not by icansctl.stats.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from icansctl.evidence.base import EvidenceBase
from icansctl.render.charts.forest_svg import forest_svg
from icansctl.render.charts.forest_text import unicode_chart
from icansctl.render.charts.mechanism_svg import mechanism_svg
from icansctl.views.forest import forest_from_compare
from icansctl.views.mechanisms import mechanism_view

from .conftest import full_view, load_bundled, run_cli, run_console

SVG = "{http://www.w3.org/2000/svg}"

# The default plot (grade >=3 ICANS or neurologic events, all strategies), arm by arm in
# the order drawn: label, n/N, and the Wilson 95% CI in percent, worked out by hand.
# Strati's matched cohort has a percent and no N: no whisker. Locke 2017's cohort 3 has
# no verified grade >=3 figure, so tocilizumab draws no arm.
EXPECTED_ARMS = [
    ("Strati 2023", "4/20", (8.07, 41.60)),
    ("Strati 2023 — comparator", "no N", None),
    ("Park 2023", "3/31", (3.35, 24.90)),
    # one cohort at two time points: two marks of one study, each with its time point
    ("ZUMA-1 cohort 6 (Oluwole 2021) (primary analysis)", "5/40", (5.46, 26.11)),
    ("ZUMA-1 cohort 6 (Oluwole 2021) (≥1 year, 2-year update)", "6/40", (7.06, 29.07)),
    ("ZUMA-1 cohort 4 (Topp 2021)", "7/41", (8.53, 31.26)),
    ("ZUMA-24 (Leslie)", "7/30", (11.79, 40.93)),
    ("Darwish 2025 (news report)", "no N", None),  # 0% and 25% as printed, no N
    ("Darwish 2025 (news report) — comparator", "no N", None),
    ("Jacobson 2023", "5/20", (11.19, 46.87)),
    # two dose cohorts of one study: each label names its arm
    ("ZUMA-19 phase 1b (press release) · lenzilumab_600", "1/3", (6.15, 79.23)),
    ("ZUMA-19 phase 1b (press release) · lenzilumab_1800", "0/3", (0.0, 56.15)),
    ("Galli 2025", "no N", None),  # 9.7% vs 7.9%: percents without group sizes
    ("Galli 2025 — comparator", "no N", None),
    ("Pensato 2024", "20/156", (8.45, 18.97)),  # whole cohort, 'severe' undefined
    # 28% of 101 is 28 or 29 patients, so no count is derived (ICX056): no whisker
    ("ZUMA-1 pivotal (Neelapu 2017)", "no N", None),
]


def percent_axis(root: ET.Element) -> tuple[float, float]:
    """(x of 0%, px per percentage point), read from the plot's own tick labels."""
    ticks = {
        float(e.text[:-1]): float(e.get("x") or "nan")
        for e in root.iter(f"{SVG}text")
        if e.text and e.text.endswith("%") and e.text[:-1].isdigit()
    }
    assert len(ticks) >= 2, ticks
    (low, x_low), (high, x_high) = min(ticks.items()), max(ticks.items())
    return x_low - low * (x_high - x_low) / (high - low), (x_high - x_low) / (high - low)


def test_svg_has_a_whisker_and_label_per_arm_with_n(tmp_path: Path) -> None:
    out = tmp_path / "forest.svg"
    result = run_cli("plot", "-o", str(out))
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    zero, per_point = percent_axis(root)
    arms = [g for g in root.iter(f"{SVG}g") if g.get("class") == "arm"]
    drawn = []
    for arm in arms:
        label = next(e.text for e in arm.iter(f"{SVG}text") if e.get("class") is None)
        whiskers = [e for e in arm.iter(f"{SVG}line") if e.get("class") == "whisker"]
        ci = None
        if whiskers:
            (whisker,) = whiskers
            x1, x2 = float(whisker.get("x1") or "nan"), float(whisker.get("x2") or "nan")
            ci = ((x1 - zero) / per_point, (x2 - zero) / per_point)
        drawn.append((label, arm.get("data-count"), ci))
    assert [(label, count) for label, count, _ in drawn] == [
        (label, count) for label, count, _ in EXPECTED_ARMS
    ]
    for (label, _, ci), (_, _, expected) in zip(drawn, EXPECTED_ARMS, strict=True):
        if expected is None:
            assert ci is None, f"{label}: no N, so no whisker"
        else:
            assert ci is not None, label
            # the SVG rounds coordinates to 0.1 px; the labels round the CI to 0.1 point
            assert ci == pytest.approx(expected, abs=0.06), label
    counts = [" ".join((e.text or "").split()) for e in root.iter(f"{SVG}text")]
    assert "20%*† 4/20 (8.1–41.6)" in counts
    assert "28%† no N" in counts  # ZUMA-1 pivotal: percent only
    assert "30%† no N" in counts  # matched cohort
    (reference,) = [e for e in root.iter(f"{SVG}line") if e.get("class") == "reference"]
    # the ZUMA-1 pivotal rate as the study reported it (28%) is the
    # dashed reference line
    assert (float(reference.get("x1") or "nan") - zero) / per_point == pytest.approx(28, abs=0.06)


def node_texts(svg: str) -> dict[str, str]:
    """The words drawn in each node of the mechanism graph (its label, then its pills)."""
    root = ET.fromstring(svg)
    return {
        str(g.get("data-node")): " ".join(e.text or "" for e in g.iter(f"{SVG}text"))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "node"
    }


def test_mechanism_svg_draws_each_node_edge_and_strategy(bundled_base: EvidenceBase) -> None:
    svg = mechanism_svg(mechanism_view(bundled_base, []))
    # evidence/mechanisms.yaml: 8 nodes and 8 edges; strategies' targets from strategies/
    # (corticosteroids act broadly and target no node; GM-CSF has no cell drawn as source)
    assert node_texts(svg) == {
        "car_t_activation": "CAR T-cell activation",
        "myeloid_activation": "Myeloid cells (monocytes, macrophages) amplify the response",
        "il1": "IL-1 Anakinra",
        "il6": "IL-6 Tocilizumab",
        "gm_csf": "GM-CSF Lenzilumab",
        "endothelial_activation": "Endothelial activation and injury Defibrotide",
        "bbb_disruption": "Blood–brain barrier disruption",
        "icans": "ICANS",
    }
    edges = [e for e in ET.fromstring(svg).iter(f"{SVG}path") if e.get("class") == "edge"]
    assert len(edges) == 8


def test_evidence_text_is_escaped_in_svg(bundled_base: EvidenceBase) -> None:
    view = full_view(bundled_base)
    evil = dataclasses.replace(view.columns[0], study_name='<script>x</script> & "q" ]]>')
    forest = forest_from_compare(dataclasses.replace(view, columns=[evil, *view.columns[1:]]))
    root = ET.fromstring(forest_svg(forest))
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert '<script>x</script> & "q" ]]>' in texts
    assert not list(root.iter(f"{SVG}script"))
    mechanisms = mechanism_view(bundled_base, [])
    node = mechanisms.nodes["il1"]
    evil_node = dataclasses.replace(node, label='<script>x</script> & "q"')
    nodes = {**mechanisms.nodes, "il1": evil_node}
    drawn = node_texts(mechanism_svg(dataclasses.replace(mechanisms, nodes=nodes)))
    assert drawn["il1"].startswith('<script>x</script> & "q"')


@pytest.mark.external
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
    result = run_cli("plot", "anakinra")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "├" in out and "┤" in out and "●" in out and "┆" in out
    assert "no N" in out and "4/20" in out and "28%†  no N" in out
    assert "None of the 3 studies drawn is randomized" in out
    other = run_cli("plot", "--endpoint", "icans_any", "-f", "text")
    assert "65/101" in other.stdout
    bad = run_cli("plot", "--endpoint", "nope")
    assert bad.exit_code == 2 and "unknown endpoint 'nope'" in bad.stderr


def test_terminal_chart_fits_narrow_terminals_and_says_what_it_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = run_cli("plot").stdout
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "(8.1–41.6)" in out and "(3.3–24.9)" in out  # labels moved up, numbers whole
    assert "□ comparator arm" not in out  # the one comparator has no N: drawn as ○
    dlt = run_cli("plot", "--endpoint", "dlt").stdout
    assert "The study drawn is not randomized" in dlt
    assert "○" not in dlt.split("● rate")[1] and "derived count" not in dlt


def test_console_script_plot(tmp_path: Path) -> None:
    run = run_console("plot", "-o", "forest.svg", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    root = ET.parse(tmp_path / "forest.svg").getroot()
    counts = [g.get("data-count") for g in root.iter(f"{SVG}g") if g.get("class") == "arm"]
    assert counts == [count for _, count, _ in EXPECTED_ARMS]


def test_labels_with_newlines_keep_their_words_apart(bundled_base: EvidenceBase) -> None:
    """SVG drops a newline inside text: 'B\\nline2' must be drawn as 'B line2'."""
    view = full_view(bundled_base)
    first = dataclasses.replace(view.columns[0], study_name="B\nline2")
    forest = forest_from_compare(dataclasses.replace(view, columns=[first, *view.columns[1:]]))
    root = ET.fromstring(forest_svg(forest))
    texts = [e.text or "" for e in root.iter(f"{SVG}text")]
    assert any(t.startswith("B line2") for t in texts), texts
    assert not [t for t in texts if "\n" in t or "Bline2" in t]
    chart = unicode_chart(forest, 100)
    assert "B line2" in chart and "B\nline2" not in chart
    mechanisms = mechanism_view(bundled_base, [])
    node = next(iter(mechanisms.nodes.values()))
    nodes = {**mechanisms.nodes, "x": dataclasses.replace(node, strategies=["Pill\nname"])}
    svg = ET.fromstring(mechanism_svg(dataclasses.replace(mechanisms, nodes=nodes)))
    pills = [e.text or "" for e in svg.iter(f"{SVG}text")]
    assert "Pill name" in pills and not [t for t in pills if "\n" in t]


# --- issue 11: no label overlaps another, no diamond, the baseline explained ---------


@pytest.mark.parametrize("style_name", ["SCREEN", "SLIDE"])
def test_no_text_of_any_bundled_forest_plot_overlaps_another(style_name: str) -> None:
    """Every endpoint any bundled study reports, all strategies with the baseline: the
    boxes of every text the SVG draws are pairwise disjoint, and inside the picture;
    for the plot of a file or page and for the deck's, at its larger sizes."""
    from icansctl.render.charts import forest_svg
    from icansctl.render.charts.forest_svg import forest_layout, overlapping

    style = getattr(forest_svg, style_name)
    from icansctl.views.compare import compare_view
    from icansctl.views.forest import forest_from_compare

    base = load_bundled()
    view = compare_view(base, list(base.strategies.values()))
    drawn = 0
    for endpoint in base.endpoints:
        try:
            forest = forest_from_compare(view, endpoint)
        except LookupError:
            continue
        layout = forest_layout(forest, style)
        texts = layout.texts
        assert overlapping(texts) == [], endpoint
        for text in texts:
            left, top, right, bottom = text.box
            assert left >= 0 and top >= 0 and right <= layout.width, (endpoint, text.text)
            assert bottom <= layout.height, (endpoint, text.text)
        drawn += 1
    assert drawn >= 6  # the bundled evidence reports at least this many endpoints


def test_overlap_check_sees_two_texts_on_top_of_each_other() -> None:
    from icansctl.render.charts.forest_svg import PlacedText, overlapping

    one, two = PlacedText(10, 50, "Rate n/N"), PlacedText(30, 52, "ZUMA-1 28%")
    assert overlapping([one, two]) == [(one, two)]
    assert overlapping([one, PlacedText(10, 80, "Rate n/N")]) == []


def test_no_n_is_an_open_circle_and_the_baseline_line_is_explained() -> None:
    svg = run_cli("plot", "-o", "-", "-f", "svg").stdout
    assert "<path" not in svg  # no diamond: a diamond reads as a pooled estimate
    assert '<circle class="non"' in svg
    assert "a historical cohort graded as" in svg and "not as a control arm" in svg
