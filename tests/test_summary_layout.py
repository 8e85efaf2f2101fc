"""`compare --layout summary`: one row per study arm, one column per endpoint (issue 11).

The figures a cell must show are taken from `compare --format json` (the detail view's
own data) and from the bundled evidence as a reader finds it, never from the summary
renderer; the test asks only whether each one is printed whole, on one line.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import run_cli

DEFAULT_ENDPOINTS = ("icans_any", "icans_grade3plus", "crs_grade3plus", "orr")
ALL = ["anakinra", "defibrotide", "corticosteroids", "tocilizumab"]


def summary(*args: str, columns: str | None = "80") -> str:
    env = {"NO_COLOR": "1"}
    if columns is not None:
        env["COLUMNS"] = columns
    result = run_cli("compare", *args, "--layout", "summary", env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def expected_tokens(*strategies: str) -> list[str]:
    """Every 'percent (events/total)' or lone percent, and every CI, of the default
    endpoints, as `compare --format json` gives them."""
    result = run_cli("compare", *strategies, "--baseline", "zuma1", "-f", "json")
    data: dict[str, Any] = json.loads(result.stdout)
    tokens: list[str] = []
    for strategy in data["strategies"]:
        for study in strategy["studies"]:
            for outcome in study["outcomes"]:
                if outcome["endpoint"] not in DEFAULT_ENDPOINTS or outcome["percent_text"] is None:
                    continue
                text = outcome["percent_text"]
                if outcome["events"] is not None and outcome["total"] is not None:
                    text += f" ({outcome['events']}/{outcome['total']})"
                tokens.append(text)
                if outcome["ci95"] is not None:
                    low, high = outcome["ci95"]
                    tokens.append(f"{low:.1f}–{high:.1f}")
    assert tokens, "the bundled evidence has figures for the default endpoints"
    return tokens


def assert_whole(text: str, tokens: list[str]) -> None:
    lines = text.splitlines()
    for token in tokens:
        assert any(token in line for line in lines), f"{token!r} is cut or split"


QUICK_WIDTHS = [30, 31, 45, 59, 60, 61, 72, 80, 81, 99, 100, 104, 120, 136, 160, 250]


@pytest.mark.parametrize("width", QUICK_WIDTHS)
def test_every_figure_and_ci_is_whole_on_one_line(width: int) -> None:
    text = summary(*ALL, "--baseline", "zuma1", columns=str(width))
    assert_whole(text, expected_tokens(*ALL))
    assert max(len(line) for line in text.splitlines()) <= width


@pytest.mark.slow
def test_every_width_from_30_to_250() -> None:
    tokens = expected_tokens(*ALL)
    for width in range(30, 251):
        text = summary(*ALL, "--baseline", "zuma1", columns=str(width))
        assert_whole(text, tokens)
        assert max(len(line) for line in text.splitlines()) <= width, width


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3"])
def test_unset_or_garbage_columns_still_print_every_figure(columns: str | None) -> None:
    assert_whole(summary(*ALL, "--baseline", "zuma1", columns=columns), expected_tokens(*ALL))


@pytest.mark.parametrize("strategy", ALL)
def test_each_strategy_alone_with_the_baseline(strategy: str) -> None:
    assert_whole(summary(strategy, "--baseline", "zuma1"), expected_tokens(strategy))


def test_four_strategies_and_the_baseline_fit_one_table_at_80_columns() -> None:
    """Issue 11, acceptance 2: every arm, the four default endpoints, one table."""
    text = summary(*ALL, "--baseline", "zuma1")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert not any(line.startswith("(table ") for line in lines)
    header = "\n".join(lines[:8])
    for word in ("Study", "Design, n", "any", "≥3", "Overall"):
        assert word in header
    # Every arm is a row (a narrow study column wraps names between words).
    for study in ("Strati", "Park", "Jacobson", "Oluwole", "Topp", "Locke", "Neelapu"):
        assert study in text
    assert "comparator" in text  # Strati's matched comparator arm has its own row
    # Under the table: bottom lines, caveats once, references.
    below = text[text.index("Bottom line") :]
    assert "How far to trust this" in below and "References" in below
    assert text.count("How far to trust this") == 1


def test_cells_are_the_hand_checked_figures() -> None:
    """Strati 2023 anakinra arm, ICANS any grade: 7/20 = 35%, Wilson 95% CI 18.1-56.7
    (hand-computed; the same as the README's example)."""
    text = summary("anakinra")
    row = next(i for i, line in enumerate(text.splitlines()) if line.startswith("Strati 2023"))
    lines = text.splitlines()[row : row + 3]
    assert "35% (7/20)" in lines[0] and "18.1–56.7" in lines[1]


def test_facts_become_lettered_footnotes_explained_under_the_table() -> None:
    text = summary("anakinra")
    assert "(a) Product: axi-cel" in text
    letters = {part for line in text.splitlines() for part in line.split() if part.startswith("(a")}
    assert letters, "the first arm carries footnote letters"


def test_chosen_endpoints_become_the_columns() -> None:
    text = summary("corticosteroids", "--endpoints", "crs_any,icans_any")
    header = "\n".join(text.splitlines()[:6])
    assert "Cytokine" in header and "ICANS" in header
    assert "Overall" not in header


def test_an_unknown_endpoint_is_a_usage_error_naming_the_known_ones() -> None:
    result = run_cli("compare", "anakinra", "--layout", "summary", "--endpoints", "icans_any,nope")
    assert result.exit_code == 2
    assert "unknown endpoint 'nope'" in result.stderr and "icans_grade3plus" in result.stderr


def test_endpoint_completion_completes_the_last_comma_separated_part() -> None:
    from icansctl.cli.completion import complete_endpoints

    words = [word for word, _ in complete_endpoints("icans_any,crs")]
    assert words == ["icans_any,crs_any", "icans_any,crs_grade3plus", "icans_any,crs_grade4"]
    assert all(not w.startswith("icans_any,icans_any") for w, _ in complete_endpoints("icans_any,"))


def test_summary_is_the_default_and_detail_is_kept() -> None:
    env = {"COLUMNS": "120", "NO_COLOR": "1"}
    assert "summary of findings" in run_cli("compare", "anakinra", env=env).stdout
    detail = run_cli("compare", "anakinra", "--layout", "detail", env=env).stdout
    assert "ICANS prevention: study by study" in detail


def test_a_study_with_several_intervention_arms_names_each_arm() -> None:
    """Pensato 2024 reports its primary-prophylaxis group and its whole cohort (both
    groups together) as two rows: each row says which (evidence/studies/pensato2024.yaml
    arms 'primary' and 'whole_cohort')."""
    lines = summary("levetiracetam", columns="160").splitlines()
    assert any(line.startswith("Pensato 2024 · primary [2]") for line in lines)
    assert any(line.startswith("Pensato 2024 · whole cohort") for line in lines)
    assert any(line.startswith("Galli 2025 [1]") for line in lines)  # one arm: no name
