"""Issue 12, acceptance 2: every bundled figure that rests only on a press release, a
news report or a secondary report is marked wherever it is shown.

The figures and what they rest on come from `compare --format json` (`weak_source`,
`secondary_report`, the provenance of the count); the mark each must carry is worked
out here from those fields (`*` derived count, `†` secondary report, `‡` press release
or news report only), not asked of the renderers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_cli

STRATEGIES = [
    "anakinra",
    "corticosteroids",
    "defibrotide",
    "itacitinib",
    "lenzilumab",
    "levetiracetam",
    "tocilizumab",
]


def marked_figures() -> list[dict[str, Any]]:
    """Each weak-source or secondary figure: its strategy, endpoint and expected text."""
    result = run_cli("compare", *STRATEGIES, "--baseline", "zuma1", "-f", "json")
    data = json.loads(result.stdout)
    found = []
    for strategy in data["strategies"]:
        for study in strategy["studies"]:
            for outcome in study["outcomes"]:
                weak, secondary = outcome["weak_source"], outcome["secondary_report"]
                if not (weak or secondary) or outcome["percent_text"] is None:
                    continue
                counted = outcome["events"] is not None and bool(outcome["total"])
                value = outcome["percent_text"]
                if counted:
                    value += f" ({outcome['events']}/{outcome['total']})"
                derived = counted and outcome["provenance"]["count"] == "derived"
                marks = (
                    ("*" if derived else "") + ("†" if secondary else "") + ("‡" if weak else "")
                )
                found.append(
                    {
                        "strategy": strategy["id"],
                        "endpoint": outcome["endpoint"],
                        "text": value + marks,
                        "weak": weak,
                    }
                )
    return found


FIGURES = marked_figures()


def test_the_bundled_evidence_has_weak_and_secondary_figures() -> None:
    assert any(f["weak"] for f in FIGURES), "press-release or news figures (ZUMA-19, Darwish)"
    assert any(not f["weak"] for f in FIGURES), "figures read in a secondary report"


@pytest.mark.parametrize("layout", ["summary", "detail"])
def test_terminal_marks_every_figure(layout: str) -> None:
    env = {"COLUMNS": "200", "NO_COLOR": "1"}
    args = ["compare", *STRATEGIES, "--baseline", "zuma1", "--layout", layout]
    if layout == "summary":  # every endpoint a marked figure is reported for
        args += ["--endpoints", ",".join(dict.fromkeys(f["endpoint"] for f in FIGURES))]
    text = run_cli(*args, env=env).stdout
    for figure in FIGURES:
        assert figure["text"] in text, figure
    assert "‡" in text and "press release" in text  # and the legend says what ‡ means


def test_markdown_marks_every_figure() -> None:
    text = run_cli("compare", *STRATEGIES, "--baseline", "zuma1", "-f", "markdown").stdout
    plain = text.replace("\\", "")
    for figure in FIGURES:
        assert figure["text"] in plain, figure


def test_deck_marks_every_figure_it_shows() -> None:
    """The deck shows the default and key endpoints (and a strategy's own when it has
    none of those): every marked figure whose value is on a slide carries its marks,
    and the press-release figures (ZUMA-19's grade >=3 rows) are among them."""
    # (a cell keeps '35%' and '(7/20)' on one line with a no-break space)
    deck = run_cli("slides", *STRATEGIES, "-o", "-").stdout.replace("\\", "").replace("\u00a0", " ")
    deck = deck.replace("<br>", "| ")  # each line of a cell starts like a cell
    shown = 0
    for figure in FIGURES:
        value = figure["text"].rstrip("*†‡")
        if re.search(rf"\| {re.escape(value)}[*†‡;\[ ]", deck):
            assert figure["text"] in deck, figure
            shown += 1
    assert shown >= 10
    assert any(f["weak"] and f["text"] in deck for f in FIGURES)


@pytest.mark.parametrize("endpoint", sorted({f["endpoint"] for f in FIGURES}))
def test_svg_forest_plot_marks_every_figure(endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / f"{endpoint}.svg"
    result = run_cli("plot", *STRATEGIES, "--endpoint", endpoint, "-o", str(out))
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    for figure in (f for f in FIGURES if f["endpoint"] == endpoint):
        value = figure["text"].partition(" (")[0]
        # The plot writes 'rate+marks n/N': the marks follow the percent.
        marks = "".join(ch for ch in figure["text"] if ch in "*†‡")
        percent = value.rstrip("*†‡")
        expected = f"{percent}{marks}"
        assert expected in svg, (figure, expected)
