"""Issue 13: the dates of the evidence, ``changes --since`` and 'evidence current to'.

The fixture (tests/fixtures/changes) is a strategy with one study from January whose
figure was corrected in place in June, and one study added in June; the expectations
below are read off those files, not computed by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_cli, run_json

FIXTURE = Path(__file__).parent / "fixtures" / "changes"


def changes(*args: str) -> dict:
    return run_json("changes", *args, "-e", str(FIXTURE), "--format", "json")


def test_a_figure_corrected_in_place_and_a_new_study_are_listed_newest_first() -> None:
    doc = changes("--since", "2026-05-01", "dated-demo")
    rows = [(c["date"], c["action"], c["kind"], c["context"]) for c in doc["changes"]]
    assert rows == [
        ("2026-06-15", "added", "study", "New demo study"),
        ("2026-06-15", "added", "figure", "New demo study"),
        ("2026-06-01", "changed", "figure", "Old demo study"),
        ("2026-05-20", "changed", "claim", "Dated demo (test strategy)"),
    ]
    corrected = doc["changes"][2]
    assert corrected["text"] == "35% (7/20)"
    assert corrected["changes"] == ["events corrected from 8 to 7 (the source prints 7/20)"]
    assert corrected["citations"] == [{"number": 1, "ref": "dowling2023", "locator": "para 5"}]
    assert [r["id"] for r in doc["references"]] == ["dowling2023"]
    assert doc["evidence_current_to"] == {"date": "2026-06-15", "undated": []}


def test_since_includes_the_day_and_nothing_older_is_listed() -> None:
    doc = changes("--since", "2026-06-15", "dated-demo")
    assert {(c["kind"], c["context"]) for c in doc["changes"]} == {
        ("study", "New demo study"),
        ("figure", "New demo study"),
    }
    assert changes("--since", "2026-06-16", "dated-demo")["changes"] == []


def test_everything_is_new_since_before_it_was_added() -> None:
    doc = changes("--since", "2026-01-01", "dated-demo")
    added = [c for c in doc["changes"] if c["action"] == "added"]
    # strategy, 2 summary claims, 1 schedule claim, 2 studies, 3 figures
    assert len(added) == 9 and len(doc["changes"]) == 9


def test_asked_from_before_the_evidence_began_every_output_says_all_is_new() -> None:
    """The fixture's strategy and its old study were added on 2026-01-10: since any day
    up to then, everything is new, and the outputs say so; since the day after, not."""
    assert changes("--since", "2025-01-01", "dated-demo")["first_added"] == "2026-01-10"
    said = "entered the evidence base on 2026-01-10, on or after 2026-01-10"
    args = ("changes", "dated-demo", "-e", str(FIXTURE))
    out = " ".join(run_cli(*args, "--since", "2026-01-10").stdout.split())
    assert said in out and "everything they hold is listed as new" in out
    markdown = run_cli(*args, "--since", "2026-01-10", "-f", "markdown").stdout
    assert said in " ".join(markdown.split())
    assert "listed as new" not in run_cli(*args, "--since", "2026-01-11").stdout


def test_terminal_and_markdown_say_what_changed(tmp_path: Path) -> None:
    args = ("changes", "--since", "2026-05-01", "dated-demo", "-e", str(FIXTURE))
    out = run_cli(*args).stdout
    assert "Evidence current to 2026-06-15" in out
    assert "changed: events corrected from 8 to 7" in out
    assert out.index("2026-06-15") < out.index("2026-06-01") < out.index("2026-05-20")
    target = tmp_path / "new.md"
    assert run_cli(*args, "--format", "markdown", "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "# Added or changed since 2026-05-01: dated-demo" in text
    assert "- **Changed** figure, *ICANS" in text
    assert "  - changed: events corrected from 8 to 7 (the source prints 7/20)" in text
    assert "1. Dowling MR, Turtle CJ." in text


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-1-1", "yesterday"])
def test_a_malformed_since_is_a_usage_error(bad: str) -> None:
    result = run_cli("changes", "--since", bad)
    assert result.exit_code == 2
    assert "--since" in result.stderr and "YYYY-MM-DD" in result.stderr


# The studies entered in commit 934cc68 (2026-12-05, "Evidence through 2026"), by the
# names in their files; every other study entered with the first evidence (4ae0634,
# 2026-11-23).  Figures corrected in place since: the 2026-12 audit (ea2c425, fe27cd2)
# and the ZUMA-1 cohort 6 time points (934cc68).
NEW_STUDIES = {
    "Real-world anakinra prophylaxis (ASH 2025)",
    "Caimi 2021",
    "Cilta-cel ALC-triggered dexamethasone (ASH 2025)",
    "Darwish 2025 (news report)",
    "Dou 2024 (meta-analysis)",
    "Galli 2025",
    "Kadauke 2020",
    "Liang 2025 (news report)",
    "Melody 2025 (news report)",
    "Anakinra phase 2 (NCT04150913)",
    "Pensato 2024",
    "ZUMA-19 phase 1b (press release)",
    "ZUMA-24 (Leslie)",
}
CORRECTED = {
    "Jacobson 2023",
    "Strati 2023",
    "ZUMA-1 cohort 6 (Oluwole 2021)",
    "ZUMA-1 pivotal (Neelapu 2017)",
}


def bundled(since: str, *strategies: str) -> dict:
    return run_json("changes", "--since", since, *strategies, "--format", "json")


def test_bundled_since_2025_lists_everything_entered_since_then() -> None:
    # The whole evidence base entered this repository in November-December 2026.
    doc = bundled("2025-01-01")
    studies = {c["context"] for c in doc["changes"] if c["kind"] == "study"}
    assert len(studies) == 20
    assert all(c["action"] == "added" for c in doc["changes"])


def test_bundled_since_the_first_audit_lists_new_studies_and_corrections_only() -> None:
    doc = bundled("2026-11-25")
    studies = {(c["context"], c["action"]) for c in doc["changes"] if c["kind"] == "study"}
    assert {name for name, action in studies if action == "added"} == NEW_STUDIES
    figures = [c for c in doc["changes"] if c["kind"] == "figure" and c["action"] == "changed"]
    assert {c["context"] for c in figures} == CORRECTED
    neelapu = [c for c in figures if any("28/101 withdrawn" in w for w in c["changes"])]
    assert [c["text"] for c in neelapu] == ["28%"]  # the count withdrawn, the percent kept
    assert all(c["date"] >= "2026-11-25" for c in doc["changes"])
    # Strati's 7/20 was entered on 2026-11-23 and only its citation changed since.
    strati = [c for c in figures if c["context"] == "Strati 2023" and c["text"] == "35% (7/20)"]
    assert strati and all(c["action"] == "changed" for c in strati)


def test_show_compare_and_the_deck_say_what_the_evidence_is_current_to() -> None:
    # defibrotide's literature was last checked 2026-11-23, anakinra's 2026-12-05
    # (evidence/strategies/*.yaml): a comparison is as current as the older of the two.
    doc = run_json("compare", "anakinra", "defibrotide", "--format", "json")
    assert doc["evidence_current_to"] == {"date": "2026-11-23", "undated": []}
    assert {s["id"]: s["checked"] for s in doc["strategies"]} == {
        "anakinra": "2026-12-05",
        "defibrotide": "2026-11-23",
    }
    assert "Evidence current to 2026-12-05." in run_cli("show", "anakinra").stdout
    summary = run_cli("compare", "anakinra", "defibrotide").stdout
    assert "Evidence current to 2026-11-23 (the oldest literature check" in " ".join(
        summary.split()
    )
    markdown = run_cli("compare", "anakinra", "--format", "markdown").stdout
    assert "> Evidence current to 2026-12-05." in markdown
    deck = run_cli("slides", "anakinra", "--since", "2026-11-25", "-o", "-").stdout
    assert "evidence current to 2026-11-23" in deck  # the ZUMA-1 baseline is on every deck
    new_since = deck[deck.index("## New since 2026-11-25") :].split("\n---\n")[0]
    assert "**New**: Liang 2025 (news report)" in new_since
    assert "**Corrected**: Strati 2023: 9 figures corrected" in new_since
    assert "_footer:" in deck[: deck.index("## New since")].rsplit("---", 1)[-1]


def test_the_schema_describes_the_dates() -> None:
    schema = json.loads(run_cli("schema").stdout)
    defs = schema["$defs"]
    for model in ("Study", "Outcome", "Claim", "Strategy", "Effect", "MechanismNode"):
        props = defs[model]["properties"]
        assert props["added"]["anyOf"][0] == {"format": "date", "type": "string"}
        assert props["changed"]["items"] == {"$ref": "#/$defs/Change"}
    assert defs["Strategy"]["properties"]["checked"]["anyOf"][0]["format"] == "date"
    assert defs["Change"]["required"] == ["date", "what"]


def test_a_malformed_date_is_a_finding_at_its_line(tmp_path: Path) -> None:
    # Unquoted, YAML 1.1 reads 2026-13-01 as a timestamp that is no date: it must be a
    # finding, not a crash; quoted or not, a date is YYYY-MM-DD.
    strategy = (FIXTURE / "strategies" / "dated_demo.yaml").read_text(encoding="utf-8")
    bad = strategy.replace('added: "2026-01-10"', "added: 2026-13-01").replace(
        'checked: "2026-06-15"', 'checked: "15 June 2026"'
    )
    target = tmp_path / "strategies" / "dated_demo.yaml"
    target.parent.mkdir()
    target.write_text(bad, encoding="utf-8")
    result = run_cli("check", str(target), "--format", "json")
    found = {(f["line"], f["rule"], f["message"]) for f in json.loads(result.stdout)["findings"]}
    assert (
        5,
        "ICX021",
        "'added': '2026-13-01' is not a real calendar date: "
        "write a date as YYYY-MM-DD, e.g. 2026-12-03",
    ) in found
    assert (
        6,
        "ICX021",
        "'checked': '15 June 2026' is not a date: write a date as YYYY-MM-DD, e.g. 2026-12-03",
    ) in found
