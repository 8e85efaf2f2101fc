"""Certainty of evidence (issue 13): each rule on a tiny evidence folder, the bundled
ratings derived by hand from the evidence files, judgements refused by ``check``
without a reason or a citation, and the rating shown with its reasons everywhere.

Expected levels are worked out here from GRADE's arithmetic (randomized starts high =
4 circles, nonrandomized low = 2; each step moves the stated levels; floor very low;
nonrandomized never above low) and from the fixture's own numbers, never read back
from the code under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from icansctl import load_evidence
from icansctl.render.terminal_summary import summary_renderable
from icansctl.views.certainty import rate
from icansctl.views.summary import summary_view

from .conftest import load_bundled, minimal_strategy, run_cli, run_json, write_yaml

LEVELS = {"high", "moderate", "low", "very low"}
DEFAULTS = ("icans_any", "icans_grade3plus", "crs_grade3plus", "orr")
ALL = ["anakinra", "defibrotide", "corticosteroids", "tocilizumab"]


# --- tiny evidence folders -----------------------------------------------------------


def outcome(arm: str, events: int | None, total: int | None, **extra: Any) -> dict[str, Any]:
    """An icans_any figure (ASTCT 2019) citing a peer-reviewed article unless told."""
    data: dict[str, Any] = {"endpoint": "icans_any", "arm": arm, "grading": "astct-2019"}
    if events is not None:
        data.update(events=events, total=total)
    data["cite"] = [{"ref": "park2023", "locator": "Table 2"}]
    data.update(extra)
    return data


def two_arm_study(
    study_id: str,
    strategy: str,
    mine: tuple[int | None, int | None],
    theirs: tuple[int | None, int | None] | None,
    *,
    randomized: bool = True,
    comparator: str = "randomized",
    disease: str = "Relapsed/refractory large B-cell lymphoma",
    **design: Any,
) -> dict[str, Any]:
    """A study of ``strategy``: its arm's icans_any events/total, and a comparator's."""
    arms: list[dict[str, Any]] = [
        {"id": "treated", "label": "Treated", "role": "intervention", "strategy": strategy}
    ]
    outcomes = [outcome("treated", *mine)]
    if theirs is not None:
        arms.append({"id": "control", "label": "Control", "role": "comparator"})
        outcomes.append(outcome("control", *theirs))
    return {
        "id": study_id,
        "name": study_id.title(),
        "reference": "park2023",
        "design": {
            "randomized": randomized,
            "arms": "multi-arm" if theirs else "single-arm",
            "comparator": comparator,
            "summary": "A fixture.",
            **design,
        },
        "population": {"disease": disease, "product": "axi-cel"},
        "arms": arms,
        "outcomes": outcomes,
    }


def folder(tmp_path: Path, strategy: str, *studies: dict[str, Any], **extra: Any) -> Path:
    """An evidence folder with one strategy and its studies, over the bundled base."""
    data = minimal_strategy(strategy)
    data["regimens"][0]["studies"] = [s["id"] for s in studies]
    data.update(extra)
    write_yaml(tmp_path / "strategies" / f"{strategy}.yaml", data)
    for study in studies:
        write_yaml(tmp_path / "studies" / f"{study['id']}.yaml", study)
    return tmp_path


def rating(path: Path, strategy: str, endpoint: str = "icans_any") -> tuple[str | None, dict]:
    """(level, {domain: (change, basis)}) of one strategy's rating."""
    base = load_evidence([path])
    assert not base.errors, base.errors
    found = rate(base, base.strategies[strategy], endpoint)
    return found.level, {s.domain: (s.change, s.basis) for s in found.steps}


# --- start and floor -------------------------------------------------------------------


def test_a_large_precise_randomized_trial_stays_high(tmp_path: Path) -> None:
    # 40/400 vs 80/400: 800 patients (>= 300); the 95% Wilson interval of 40/400 is
    # about 7.4-13.4%, 6 points wide (<= 20); ASTCT graded, lymphoma, article source.
    path = folder(tmp_path, "rct", two_arm_study("big-rct", "rct", (40, 400), (80, 400)))
    assert rating(path, "rct") == ("high", {})
    data = run_json("compare", "rct", "--evidence", str(path), "--format", "json")
    icans = next(c for c in data["strategies"][0]["certainty"] if c["endpoint"] == "icans_any")
    assert icans == {"endpoint": "icans_any", "level": "high", "start": "high", "steps": []}


def test_nonrandomized_starts_low_and_never_rises_above_it(tmp_path: Path) -> None:
    # A concurrent cohort as large and precise as the trial above: no step, still low.
    study = two_arm_study(
        "cohort", "obs", (40, 400), (80, 400), randomized=False, comparator="concurrent-cohort"
    )
    upgrade = {
        "endpoint": "icans_any",
        "domain": "large effect",
        "change": 2,
        "reason": "A fixture's large effect.",
        "cite": [{"ref": "park2023", "locator": "Table 2"}],
    }
    assert rating(folder(tmp_path / "a", "obs", study), "obs") == ("low", {})
    path = folder(tmp_path / "b", "obs", study, certainty_judgements=[upgrade])
    assert rating(path, "obs") == ("low", {"large effect": (2, "judgement")})


def test_a_press_release_only_strategy_is_very_low(tmp_path: Path) -> None:
    # Large and concurrent, so only the source counts: low - 2 = very low.
    study = two_arm_study(
        "pr-cohort", "pr", (40, 400), (80, 400), randomized=False, comparator="concurrent-cohort"
    )
    for figure in study["outcomes"]:
        figure["cite"] = [{"ref": "humanigen2021", "locator": "press release"}]
        figure["note"] = "From a press release only."
    expected = ("very low", {"risk of bias": (-2, "rule")})
    assert rating(folder(tmp_path, "pr", study), "pr") == expected


def test_bundled_lenzilumab_rests_on_a_press_release_and_is_very_low() -> None:
    # ZUMA-19 is known from the Humanigen press release only: 1/3 and 0/3 severe NT.
    base = load_bundled()
    found = rate(base, base.strategies["lenzilumab"], "icans_grade3plus")
    steps = {s.domain: s.change for s in found.steps}
    assert (found.start, found.level) == ("low", "very low")
    assert steps["risk of bias"] == -2
    assert steps["imprecision"] == -2  # 6 patients in all


# --- risk of bias ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"design": {"stopped_early": True}}, "moderate"),
        ({"via": "dowling2023"}, "moderate"),  # secondary report
        ({"cite": "oluwole2022"}, "moderate"),  # meeting abstract only
    ],
)
def test_risk_of_bias_steps_down_one(tmp_path: Path, change: dict, expected: str) -> None:
    study = two_arm_study("rob", "rob", (40, 400), (80, 400), **change.get("design", {}))
    for figure in study["outcomes"]:
        if "via" in change:
            figure["provenance"] = {"via": change["via"]}
        if "cite" in change:
            figure["cite"] = [{"ref": change["cite"], "locator": "Results"}]
    assert rating(folder(tmp_path, "rob", study), "rob") == (
        expected,
        {"risk of bias": (-1, "rule")},
    )


# --- imprecision -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mine", "theirs", "change", "level"),
    [
        ((10, 100), (20, 100), -1, "moderate"),  # 200 patients: fewer than 300
        ((2, 20), (4, 20), -2, "low"),  # 40 patients: fewer than 50
        ((None, None), (None, None), -2, "low"),  # no denominator at all
        ((5, 10), (80, 400), -1, "moderate"),  # 410 patients, but 5/10 spans ~53 points
    ],
)
def test_imprecision(tmp_path: Path, mine: tuple, theirs: tuple, change: int, level: str) -> None:
    study = two_arm_study("imp", "imp", mine, theirs)
    if mine[0] is None:
        for figure, percent in zip(study["outcomes"], (10, 20), strict=True):
            figure["reported_percent"] = percent
    expected = (level, {"imprecision": (change, "rule")})
    assert rating(folder(tmp_path, "imp", study), "imp") == expected


# --- indirectness ----------------------------------------------------------------------


def test_ctcae_neurologic_events_are_indirect_for_icans(tmp_path: Path) -> None:
    study = two_arm_study("ctcae", "ind", (40, 400), (80, 400))
    for figure in study["outcomes"]:
        figure["grading"] = "ctcae-4.03"
    assert rating(folder(tmp_path, "ind", study), "ind") == (
        "moderate",
        {"indirectness": (-1, "rule")},
    )


def test_children_with_leukaemia_are_indirect(tmp_path: Path) -> None:
    study = two_arm_study(
        "kids", "ind", (40, 400), (80, 400), disease="Paediatric B-cell acute leukaemia"
    )
    assert rating(folder(tmp_path, "ind", study), "ind") == (
        "moderate",
        {"indirectness": (-1, "rule")},
    )


def test_historical_control_and_ctcae_together_step_down_two(tmp_path: Path) -> None:
    # nonrandomized, large: low; historical comparator -1 and CTCAE -1: very low
    study = two_arm_study(
        "hist", "ind", (40, 400), (80, 400), randomized=False, comparator="historical"
    )
    for figure in study["outcomes"]:
        figure["grading"] = "ctcae-4.03"
    assert rating(folder(tmp_path, "ind", study), "ind") == (
        "very low",
        {"indirectness": (-2, "rule")},
    )


# --- inconsistency and judgements ---------------------------------------------------------


def test_studies_pointing_opposite_ways_are_inconsistent(tmp_path: Path) -> None:
    lower = two_arm_study("lower", "inc", (40, 400), (80, 400))  # 10% vs 20%
    higher = two_arm_study("higher", "inc", (80, 400), (40, 400))  # 20% vs 10%
    path = folder(tmp_path, "inc", lower, higher)
    assert rating(path, "inc") == ("moderate", {"inconsistency": (-1, "rule")})


def test_a_judgement_adds_a_step_marked_judgement(tmp_path: Path) -> None:
    judged = {
        "endpoint": "icans_any",
        "domain": "publication bias",
        "change": -1,
        "reason": "Small positive studies only.",
        "cite": [{"ref": "dowling2023", "locator": "para 7"}],
    }
    study = two_arm_study("judged", "jdg", (40, 400), (80, 400))
    path = folder(tmp_path, "jdg", study, certainty_judgements=[judged])
    assert rating(path, "jdg") == ("moderate", {"publication bias": (-1, "judgement")})
    data = run_json("show", "jdg", "--evidence", str(path), "--format", "json")
    step = next(c for c in data["certainty"] if c["endpoint"] == "icans_any")["steps"][0]
    assert step["basis"] == "judgement"
    assert step["reason"] == "Small positive studies only."
    assert [c["ref"] for c in step["cite"]] == ["dowling2023"]


JUDGEMENT = {
    "endpoint": "icans_any",
    "domain": "inconsistency",
    "change": -1,
    "reason": "Two series point opposite ways.",
    "cite": [{"ref": "dowling2023", "locator": "para 7"}],
}


@pytest.mark.parametrize(
    ("broken", "rule"),
    [
        ({"reason": None}, "ICX020"),
        ({"cite": None}, "ICX030"),
        ({"cite": []}, "ICX030"),
        ({"cite": [{"ref": "no-such-paper", "locator": "p 1"}]}, "ICX031"),
        ({"endpoint": "no_such_endpoint"}, "ICX050"),
        ({"change": 1}, "ICX021"),  # inconsistency can only rate down
    ],
)
def test_check_refuses_a_judgement_without_reason_or_resolvable_citation(
    tmp_path: Path, broken: dict, rule: str
) -> None:
    judgement = {k: v for k, v in {**JUDGEMENT, **broken}.items() if v is not None}
    data = minimal_strategy("judged")
    data["certainty_judgements"] = [judgement]
    path = write_yaml(tmp_path / "strategies" / "judged.yaml", data)
    result = run_cli("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    lines = path.read_text(encoding="utf-8").splitlines()
    judged_from = next(i for i, line in enumerate(lines, 1) if "certainty_judgements" in line)
    ours = [f for f in findings if f["rule"] == rule]
    assert ours, findings
    assert all(f["file"].endswith("judged.yaml") and f["line"] >= judged_from for f in ours)


# --- the bundled evidence, rated by hand ------------------------------------------------------


def steps_of(strategy: str, endpoint: str) -> tuple[str | None, dict[str, tuple[int, str]]]:
    base = load_bundled()
    found = rate(base, base.strategies[strategy], endpoint)
    return found.level, {s.domain: (s.change, s.basis) for s in found.steps}


def test_bundled_defibrotide_any_icans() -> None:
    # Jacobson 2023: phase 2, single arm, stopped early, 20 patients at the chosen dose,
    # compared with historical ZUMA-1 rates; grading of the primary end point not stated.
    assert steps_of("defibrotide", "icans_any") == (
        "very low",
        {
            "risk of bias": (-1, "rule"),
            "indirectness": (-1, "rule"),
            "imprecision": (-2, "rule"),
        },
    )


def test_bundled_anakinra_any_icans() -> None:
    # Strati 2023 (20, via the editorial) and Park 2023 (31, single arm): 51 patients;
    # Park's 6/31 has a 95% CI of 9.2-36.3% (27 points), Strati's 7/20 18.1-56.7% (39).
    level, steps = steps_of("anakinra", "icans_any")
    assert level == "very low"
    assert steps == {"indirectness": (-1, "rule"), "imprecision": (-1, "rule")}
    base = load_bundled()
    found = rate(base, base.strategies["anakinra"], "icans_any")
    assert "51 patients" in next(s.reason for s in found.steps if s.domain == "imprecision")


def test_bundled_corticosteroids_severe_icans_carry_the_dexamethasone_judgement() -> None:
    # ZUMA-1 cohorts 4 and 6 graded neurologic events by CTCAE, against historical
    # cohorts; the two real-world dexamethasone series point opposite ways (Darwish:
    # 0% vs 25% grade 3-4; Melody: more grade 4 with it, no rates): a judgement.
    level, steps = steps_of("corticosteroids", "icans_grade3plus")
    assert level == "very low"
    assert steps["indirectness"] == (-2, "rule")
    assert steps["inconsistency"] == (-1, "judgement")


def test_bundled_tocilizumab_has_no_rating_for_icans() -> None:
    # No tocilizumab study here prints an ICANS figure.
    assert steps_of("tocilizumab", "icans_any") == (None, {})


def test_compare_json_rates_every_strategy_and_default_endpoint() -> None:
    data = run_json("compare", *ALL, "--baseline", "zuma1", "--format", "json")
    assert "not an official GRADE assessment" in data["certainty_note"]["text"]
    for strategy in data["strategies"]:
        if strategy["kind"] == "baseline":
            assert strategy["certainty"] == []
            continue
        ratings = {c["endpoint"]: c for c in strategy["certainty"]}
        assert set(DEFAULTS) <= set(ratings)
        for c in ratings.values():
            assert c["level"] in LEVELS or (c["level"] is None and c["steps"] == [])
            if c["start"] == "low":  # no bundled study is randomized
                assert c["level"] in ("low", "very low")
            for step in c["steps"]:
                assert step["reason"].strip() and step["basis"] in ("rule", "judgement")
                assert step["cite"], step


# --- where it shows -----------------------------------------------------------------------


def summary_text(color: bool) -> str:
    base = load_bundled()
    view = summary_view(base, [base.resolve_strategy(s) for s in [*ALL, "zuma1"]])
    console = Console(
        width=80, record=True, force_terminal=color, color_system="truecolor" if color else None
    )
    console.print(summary_renderable(view))
    return console.export_text()


def test_summary_table_shows_circles_in_colour_and_words_without() -> None:
    coloured, plain = summary_text(color=True), summary_text(color=False)
    assert "⊕◯◯◯" in coloured
    assert "⊕" not in plain and "◯" not in plain
    assert re.search(r"^Certainty +very low", plain, re.MULTILINE)


def test_every_footnote_letter_used_is_explained() -> None:
    text = summary_text(color=False)
    table, _, under = text.partition("\n(a) ")
    under = "(a) " + under
    explained = set(re.findall(r"^\(([a-z]+)\) ", under, re.MULTILINE))
    used = {
        letter
        for group in re.findall(r"\(([a-z]{1,2}(?:,[a-z]{1,2})*)\)", table)
        for letter in group.split(",")
    }
    assert used and used <= explained
    assert "Certainty: Imprecision, down" in under


def test_every_markdown_certainty_letter_is_explained() -> None:
    text = run_cli("compare", *ALL, "--format", "markdown").stdout
    section = text.partition("## Certainty of evidence")[2].partition("## References")[0]
    used = {
        letter.strip()
        for group in re.findall(r"\*\* \(([a-z, ]+)\)$", section, re.MULTILINE)
        for letter in group.split(",")
    }
    explained = set(re.findall(r"^- \(([a-z]+)\) ", section, re.MULTILINE))
    assert used and used <= explained
    assert "⊕◯◯◯ very low" in section


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "anakinra", "defibrotide"),
        ("compare", "anakinra", "--layout", "detail"),
        ("compare", "anakinra", "--format", "markdown"),
        ("show", "defibrotide"),
        ("show", "defibrotide", "--format", "markdown"),
    ],
)
def test_every_output_says_the_rating_is_the_tools_own(args: tuple[str, ...]) -> None:
    out = " ".join(run_cli(*args, env={"COLUMNS": "200"}).stdout.split())
    assert "this tool's own rule-based rating following GRADE's approach" in out
    assert "not an official GRADE assessment" in out


def test_show_lists_each_step_with_its_basis() -> None:
    out = " ".join(run_cli("show", "corticosteroids", env={"COLUMNS": "200"}).stdout.split())
    assert "Inconsistency, down 1 (judgement): The two real-world dexamethasone" in out
    assert "Imprecision, down 1 (rule): 111 patients in all" in out  # 40 + 41 + 30


def test_schema_has_the_new_fields() -> None:
    schema = json.loads(run_cli("schema").stdout)
    strategy = schema["$defs"]["Strategy"]["properties"]
    assert "certainty_judgements" in strategy
    judgement = schema["$defs"]["CertaintyJudgement"]
    assert set(judgement["required"]) >= {"endpoint", "domain", "change", "reason", "cite"}
    assert judgement["properties"]["cite"]["minItems"] == 1
    assert "stopped_early" in schema["$defs"]["Design"]["properties"]


def test_schema_says_which_way_each_domain_moves() -> None:
    import jsonschema  # installed with check-jsonschema

    defs = json.loads(run_cli("schema").stdout)["$defs"]
    judgement = {**defs["CertaintyJudgement"], "$defs": defs}
    valid = {**JUDGEMENT, "cite": ["dowling2023"]}
    jsonschema.validate(valid, judgement)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**valid, "change": 1}, judgement)  # inconsistency rates down
    jsonschema.validate({**valid, "domain": "dose-response", "change": 1}, judgement)


def test_the_deck_shows_the_rating_on_take_home_and_summary_slides(tmp_path: Path) -> None:
    deck = tmp_path / "deck.md"
    result = run_cli("slides", "anakinra", "defibrotide", "-o", str(deck))
    assert result.exit_code == 0, result.output
    text = deck.read_text(encoding="utf-8")
    slides = text.split("\n---\n")
    take_home = "".join(s for s in slides if "## Take-home" in s)
    assert "**Defibrotide** (⊕◯◯◯ very low): " in take_home
    assert "rule-based rating following GRADE's approach" in take_home
    assert "not an official GRADE assessment" in take_home
    strategy = "".join(s for s in slides if "\n## Defibrotide" in s)
    row = next(line for line in strategy.splitlines() if line.startswith("| Certainty |"))
    # defibrotide reports no CRS grade >=3 figure, and its certainty column is not shown
    # without a figure; the row says the rating is the tool's own, after GRADE
    assert "⊕◯◯◯<br>very\u00a0low" in row and "not official" in row
    # and the reasons, on 'How far to trust this': defibrotide's trial stopped early
    # (Jacobson 2023's design) and 20 patients in all (fewer than 50), both rules
    trust = "".join(s for s in slides if "## How far to trust this" in s)
    line = next(x for x in trust.splitlines() if x.startswith("- **Defibrotide, certainty"))
    assert "Risk of bias, down 1 (rule): stopped early: Jacobson 2023" in line
    assert "Imprecision, down 2 (rule): 20 patients in all (fewer than 50)" in line
