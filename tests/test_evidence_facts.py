"""The bundled figures equal the traced facts (../shared/evidence-facts/README.md).

The expected values below were typed from that table by hand, independently of the
evidence files, so this test is an oracle and not a restatement of the data.
Each row: study, arm, endpoint, percent shown, events, total, via, count.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import pin_environment, run_json

ED = "dowling2023"
FACTS: list[tuple[str, str, str, float, int | None, int | None, str | None, str | None]] = [
    # strati2023: all via the editorial, counts derived from % of 20
    ("strati2023", "anakinra", "icans_any", 35, 7, 20, ED, "derived"),
    ("strati2023", "anakinra", "icans_grade3plus", 20, 4, 20, ED, "derived"),
    ("strati2023", "anakinra", "steroid_use", 35, 7, 20, ED, "derived"),
    ("strati2023", "anakinra", "orr", 90, 18, 20, ED, "derived"),
    ("strati2023", "anakinra", "cr", 60, 12, 20, ED, "derived"),
    ("strati2023", "anakinra", "dlt", 0, 0, 20, ED, "reported"),
    ("strati2023", "matched", "icans_any", 60, None, None, ED, None),
    ("strati2023", "matched", "icans_grade3plus", 30, None, None, ED, None),
    ("strati2023", "matched", "steroid_use", 55, None, None, ED, None),
    # park2023: reported by the study's abstract, counts derived
    ("park2023", "anakinra", "icans_any", 19, 6, 31, None, "derived"),
    ("park2023", "anakinra", "icans_grade3plus", 9.7, 3, 31, None, "derived"),
    ("park2023", "anakinra", "icans_grade4plus", 0, 0, 31, None, "reported"),
    ("park2023", "anakinra", "crs_any", 74, 23, 31, None, "derived"),
    ("park2023", "anakinra", "crs_grade3plus", 6.4, 2, 31, None, "derived"),
    ("park2023", "anakinra", "orr", 77, 24, 31, None, "derived"),
    ("park2023", "anakinra", "cr", 65, 20, 31, None, "derived"),
    # jacobson2023
    ("jacobson2023", "defibrotide", "icans_any", 50, 10, 20, None, "derived"),
    ("jacobson2023", "defibrotide", "icans_grade3plus", 25, 5, 20, ED, "derived"),
    ("jacobson2023", "defibrotide", "orr", 95, None, None, ED, None),
    ("jacobson2023", "defibrotide", "cr", 52, None, None, ED, None),
]

STEROID_AND_BASELINE_FACTS = [
    ("topp2021", "icans_any", 61, 25, 41),
    ("topp2021", "icans_grade3plus", 17, 7, 41),
    ("topp2021", "crs_any", 93, 38, 41),
    ("topp2021", "crs_grade3plus", 2, 1, 41),
    ("topp2021", "orr", 73, 30, 41),
    ("topp2021", "cr", 51, 21, 41),
    ("oluwole2021", "icans_any", 58, 23, 40),
    ("oluwole2021", "icans_grade3plus", 13, 5, 40),
    ("oluwole2021", "crs_any", 80, 32, 40),
    ("oluwole2021", "crs_grade3plus", 0, 0, 40),
    ("oluwole2021", "orr", 95, 38, 40),
    ("oluwole2021", "cr", 80, 32, 40),
    ("neelapu2017", "icans_any", 64, 65, 101),
    # 28% and 13% of 101 are each reproduced by two counts (28 or 29; 13 or 14): the
    # percent alone is kept (ICX056)
    ("neelapu2017", "icans_grade3plus", 28, None, None),
    ("neelapu2017", "crs_grade3plus", 13, None, None),
    ("neelapu2017", "orr", 82, 83, 101),
    ("neelapu2017", "cr", 54, 55, 101),
]


def _compare_json(*args: str) -> dict[str, Any]:
    data: dict[str, Any] = run_json("compare", *args, "--format", "json")
    return data


def _outcomes(data: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for strategy in data["strategies"]:
        for study in strategy["studies"]:
            for outcome in study["outcomes"]:
                key = (study["id"], outcome["arm"], outcome["endpoint"])
                # A later time point of the same cohort (ZUMA-1 cohort 6) is a second
                # figure of one study; the first, primary figure is the one keyed here.
                found.setdefault(key, outcome)
    return found


@pytest.fixture(scope="module")
def anakinra_defibrotide(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The figures `compare anakinra defibrotide --format json` prints (the CLI's output,
    run once for the module's checks, in the pinned environment)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        pin_environment(monkeypatch, tmp_path_factory.getbasetemp())
        return _outcomes(_compare_json("anakinra", "defibrotide"))


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f[0]}-{f[1]}-{f[2]}")
def test_figure_matches_facts(anakinra_defibrotide: dict, fact: tuple) -> None:
    study, arm, endpoint, percent, events, total, via, count = fact
    outcome = anakinra_defibrotide[(study, arm, endpoint)]
    assert outcome["percent"] == percent
    assert outcome["events"] == events
    assert outcome["total"] == total
    assert outcome["provenance"]["via"] == via
    assert outcome["provenance"]["count"] == count


def test_no_figure_beyond_the_facts(anakinra_defibrotide: dict) -> None:
    """Nothing for these three studies that the facts table does not list."""
    assert set(anakinra_defibrotide) == {(f[0], f[1], f[2]) for f in FACTS}


def test_wilson_intervals_and_nulls(anakinra_defibrotide: dict) -> None:
    assert anakinra_defibrotide[("strati2023", "anakinra", "icans_any")]["ci95"] == [18.1, 56.7]
    for fact in FACTS:
        outcome = anakinra_defibrotide[fact[:3]]
        if fact[5] is None:
            assert outcome["ci95"] is None, "no denominator, so no interval"
            assert outcome["events"] is None and outcome["total"] is None
        else:
            low, high = outcome["ci95"]
            assert low <= 100 * fact[4] / fact[5] <= high


def test_steroid_and_baseline_figures() -> None:
    outcomes = _outcomes(_compare_json("corticosteroids", "tocilizumab", "--baseline", "zuma1"))
    by_study = {(s, e): o for (s, _arm, e), o in outcomes.items()}
    for study, endpoint, percent, events, total in STEROID_AND_BASELINE_FACTS:
        outcome = by_study[(study, endpoint)]
        assert (outcome["percent"], outcome["events"], outcome["total"]) == (
            percent,
            events,
            total,
        ), (study, endpoint)
    assert by_study[("oluwole2021", "crs_grade3plus")]["ci95"] == [0.0, 8.8]
    assert not any(s == "locke2017" for s, _a, _e in outcomes), "cohort 3 has no verified figure"


def test_json_contract_shape() -> None:
    data = _compare_json("anakinra", "defibrotide")
    assert [s["id"] for s in data["strategies"]] == ["anakinra", "defibrotide"]
    for strategy in data["strategies"]:
        assert {"id", "name", "studies"} <= set(strategy)
        for study in strategy["studies"]:
            assert {"id", "reference", "outcomes"} <= set(study)
            for outcome in study["outcomes"]:
                assert {
                    "endpoint",
                    "arm",
                    "role",
                    "events",
                    "total",
                    "percent",
                    "ci95",
                    "grading",
                    "provenance",
                } <= set(outcome)
                assert outcome["role"] in ("intervention", "comparator")
    numbers = [r["number"] for r in data["references"]]
    assert numbers == list(range(1, len(numbers) + 1)), "references numbered 1..n"
    # Citation order: reading the comparison as printed (each study's own reference,
    # then its figures' sources), every reference is first met in number order.
    number_of = {r["id"]: r["number"] for r in data["references"]}
    first_met: list[int] = []
    for strategy in data["strategies"]:
        for study in strategy["studies"]:
            refs = [study["reference"], *(c["ref"] for o in study["outcomes"] for c in o["cite"])]
            for ref in refs:
                if number_of[ref] not in first_met:
                    first_met.append(number_of[ref])
    assert first_met == sorted(first_met), first_met
    designs = {st["id"]: st["design"] for s in data["strategies"] for st in s["studies"]}
    assert designs["strati2023"]["phase"] == "1" and designs["park2023"]["phase"] == "2"
    assert designs["strati2023"]["randomized"] is False
    assert designs["strati2023"]["comparator"] == "matched-cohort"
    cited = {
        c["ref"]
        for s in data["strategies"]
        for st in s["studies"]
        for o in st["outcomes"]
        for c in o["cite"]
    }
    assert cited <= {r["id"] for r in data["references"]}
