"""`icansctl check`: one failing fixture per rule, hostile files, whole-corpus runs.

Each case under tests/fixtures/check/rules/ is an evidence folder whose files say
where findings are expected: a comment ``# expect: ICX021`` (or several ids) on the
line the finding must point at.  A case passes when the findings in its files are
exactly the expected ones: no more, no fewer, at the right lines.
"""

from __future__ import annotations

import json
import os
import re
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from icansctl.check.runner import evidence_root, run_check
from icansctl.cli.main import app
from icansctl.diagnostics import RULES

from .conftest import run_console

FIXTURES = Path(__file__).parent / "fixtures" / "check"
RULE_CASES = FIXTURES / "rules"
CASES = sorted(p for p in RULE_CASES.iterdir() if p.is_dir())
EXPECT = re.compile(r"# expect: ((?:ICX\d{3}[ \t]*)+)")

# Rules whose failing input is generated at test time (too big, too deep, missing).
GENERATED = {"ICX003", "ICX008", "ICX012"}

Finding = tuple[Path, int, str]


def expected_in(folder: Path) -> Counter[Finding]:
    """(file, line, rule) for every ``# expect:`` marker in the files of ``folder``."""
    found: Counter[Finding] = Counter()
    for path in sorted(folder.rglob("*.y*ml")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for rule in match.group(1).split():
                    found[(path.resolve(), number, rule)] += 1
    return found


def run_json(*args: str) -> tuple[int, dict]:
    """Run `icansctl check --format json ARGS` in-process; exit code and parsed report."""
    result = CliRunner().invoke(app, ["check", "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def findings_of(report: dict) -> Counter[Finding]:
    """(file, line, rule) of every finding in a JSON report."""
    return Counter(
        (Path(f["file"]).resolve(), f["line"] or 0, f["rule"]) for f in report["findings"]
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_rule_case_gives_exactly_its_findings(case: Path) -> None:
    expected = expected_in(case)
    assert expected, f"{case.name} has no '# expect:' markers"
    rule = case.name[:6]
    assert rule in {r for _, _, r in expected}, f"{case.name} never expects {rule}"
    code, report = run_json("--strict", str(case))
    assert findings_of(report) == expected
    assert code == 1


def test_every_rule_has_a_failing_fixture() -> None:
    covered = {case.name[:6] for case in CASES} | GENERATED
    assert covered == set(RULES)
    for case in CASES:
        assert case.name[:6] in RULES, case.name
        assert case.name[7:] == RULES[case.name[:6]].name, "case folders are named ID-name"


def test_one_run_over_a_directory_reports_every_finding() -> None:
    expected: Counter[Finding] = Counter()
    for case in CASES:
        expected += expected_in(case)
    code, report = run_json(str(RULE_CASES))
    assert findings_of(report) == expected
    assert code == 1
    assert report["summary"]["findings"] == sum(expected.values())
    assert {f["rule"] for f in report["findings"]} == set(RULES) - GENERATED


def test_percent_rounding_example_from_the_issue() -> None:
    """5/40 printed as 13% agrees; 8/40 printed as 21% does not."""
    _, report = run_json(str(RULE_CASES / "ICX043-percent-disagrees"))
    messages = [f["message"] for f in report["findings"] if f["rule"] == "ICX043"]
    assert any("reported 21% but 8/40" in m for m in messages)
    assert not any("5/40" in m for m in messages)


def test_unknown_key_suggests_the_closest_field() -> None:
    _, report = run_json(str(RULE_CASES / "ICX022-unknown-key"))
    messages = {f["message"] for f in report["findings"] if f["rule"] == "ICX022"}
    assert "unknown key 'refrence'; did you mean 'reference'?" in messages
    assert "unknown key 'design.centers'; did you mean 'centres'?" in messages


def test_yaml11_findings_say_how_to_quote() -> None:
    _, report = run_json(str(RULE_CASES / "ICX009-yaml11-coercion" / "references"))
    messages = [f["message"] for f in report["findings"]]
    assert "'journal': YAML 1.1 reads unquoted NO as the boolean false; quote it: \"NO\"" in (
        messages
    )
    assert any("unquoted 1.10 as the number 1.1" in m for m in messages)


def test_pmcid_in_the_pmid_field_is_an_error_not_converted() -> None:
    _, report = run_json(str(RULE_CASES / "ICX033-malformed-identifier"))
    pmid = [f for f in report["findings"] if "PMC10692290" in f["message"]]
    assert [(f["rule"], f["severity"], f["line"]) for f in pmid] == [("ICX033", "error", 6)]


def test_syntax_error_has_line_and_column() -> None:
    _, report = run_json(str(RULE_CASES / "ICX001-yaml-syntax"))
    (finding,) = report["findings"]
    assert (finding["line"], finding["column"]) == (4, 7)
    assert "flow sequence at line 3" in finding["message"]


# --- evidence roots: a single file is checked against its whole folder ------------


def test_a_single_file_resolves_references_across_its_evidence_root() -> None:
    case = RULE_CASES / "ICX050-unknown-id"
    strategy = case / "strategies" / "unknown-targets.yaml"
    assert evidence_root(strategy) == case.resolve()
    code, report = run_json(str(strategy))
    # 'unknown-ids' is defined in the sibling studies/ folder: no finding for it.
    assert {f["message"] for f in report["findings"]} == {
        "unknown mechanism node 'il-6'; did you mean 'il6'?",
        "unknown study 'strati2032'; did you mean 'strati2023'?",
    }
    assert {Path(f["file"]).resolve() for f in report["findings"]} == {strategy.resolve()}
    assert report["summary"]["files"] == 1
    assert code == 1


def test_a_bundled_file_alone_is_clean() -> None:
    from icansctl.evidence.discovery import bundled_evidence_dir

    study = bundled_evidence_dir() / "studies" / "strati2023.yaml"
    code, report = run_json("--strict", str(study))
    assert report["findings"] == []
    assert code == 0


def test_evidence_dirs_are_checked_with_the_bundled_base(tmp_path: Path) -> None:
    case = RULE_CASES / "ICX052-orphan"
    code, report = run_json("--evidence", str(case))
    assert findings_of(report) == expected_in(case)
    assert code == 0  # orphans are warnings
    code, _ = run_json("--strict", "--evidence", str(case))
    assert code == 1


def test_library_use_without_the_cli() -> None:
    result = run_check([RULE_CASES / "ICX040-events-exceed-total"])
    assert [f.rule for f in result.findings] == ["ICX052", "ICX040"]
    assert result.exit_code() == 1
    assert result.exit_code("warning") == 1
    assert run_check().exit_code("warning") == 0


# --- hostile input ------------------------------------------------------------------


def _hostile_corpus(root: Path) -> dict[str, tuple[Path, str, int]]:
    """Write hostile files under ``root``; name -> (path, expected rule, expected line)."""
    refs = root / "references"
    studies = root / "studies"
    refs.mkdir(parents=True)
    studies.mkdir()
    cases: dict[str, tuple[Path, str, int]] = {}

    big = refs / "twenty-megabytes.yaml"
    with big.open("w", encoding="utf-8") as handle:
        line = "- padding padding padding padding padding padding padding padding\n"
        for _ in range(20 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    cases["20 MB file"] = (big, "ICX003", 0)

    deep = studies / "deep-list.yaml"
    deep.write_text("[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    cases["10,000-level nested list"] = (deep, "ICX008", 1)

    deep_map = studies / "deep-mapping.yaml"
    deep_map.write_text("id: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", encoding="utf-8")
    cases["10,000-level nested mapping"] = (deep_map, "ICX008", 1)

    binary = refs / "picture.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    cases["binary file"] = (binary, "ICX002", 1)

    nul = refs / "nul.yaml"
    nul.write_bytes(b"id: nul2023\ntitle: \x00\x00\x00\n")
    cases["NUL bytes in UTF-8"] = (nul, "ICX002", 2)

    latin1 = refs / "latin1.yaml"
    latin1.write_bytes("id: latin1\ntype: article\ntitle: 'Caf\xe9'\n".encode("latin-1"))
    cases["invalid UTF-8"] = (latin1, "ICX002", 3)

    laughs = refs / "laughs.yaml"
    laughs.write_text(
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        ),
        encoding="utf-8",
    )
    cases["billion laughs"] = (laughs, "ICX007", 1)

    dashes = studies / "dashes.yaml"
    dashes.write_text("---\n", encoding="utf-8")
    cases["only ---"] = (dashes, "ICX004", 1)

    empty = studies / "empty.yaml"
    empty.write_bytes(b"")
    cases["empty file"] = (empty, "ICX004", 1)

    return cases


def test_hostile_files_each_give_their_finding_in_bounded_memory(tmp_path: Path) -> None:
    cases = _hostile_corpus(tmp_path / "hostile")
    tracemalloc.start()
    try:
        code, report = run_json(str(tmp_path / "hostile"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    got = findings_of(report)
    for name, (path, rule, line) in cases.items():
        assert got[(path.resolve(), line, rule)] == 1, name
    assert sum(got.values()) == len(cases)
    # Nothing is read past the size cap, nothing is expanded: far below the 20 MB file.
    assert peak < 15 * 1024 * 1024


@pytest.mark.parametrize("name", ["20 MB file", "10,000-level nested list", "binary file"])
def test_hostile_file_alone(tmp_path: Path, name: str) -> None:
    path, rule, line = _hostile_corpus(tmp_path)[name]
    code, report = run_json(str(path))
    assert [(f["rule"], f["line"] or 0) for f in report["findings"]] == [(rule, line)]
    assert code == 1


def test_hostile_corpus_as_a_real_process(tmp_path: Path) -> None:
    cases = _hostile_corpus(tmp_path / "hostile")
    done = run_console("check", str(tmp_path / "hostile"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    for _, rule, _ in cases.values():
        assert f" {rule} " in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("failed: 9 errors, 0 warnings")


# --- exit status 2: usage and unreadable input -------------------------------------


def test_missing_path_is_exit_2_with_a_finding(tmp_path: Path) -> None:
    code, report = run_json(str(tmp_path / "nowhere.yaml"))
    assert code == 2
    assert [f["rule"] for f in report["findings"]] == ["ICX012"]


def test_unreadable_file_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study = tmp_path / "studies" / "locked.yaml"
    study.parent.mkdir()
    study.write_text("id: locked\n", encoding="utf-8")

    real_open = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        # As for a file without read permission (the tests may run as root).
        if os.path.abspath(path) == str(study):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    code, report = run_json(str(study))
    assert code == 2
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [
        ("ICX012", "cannot read: Permission denied")
    ]


@pytest.mark.parametrize("args", [["--format", "xml"], ["--fail-on", "info"], ["--no-such-option"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["check", *args])
    assert result.exit_code == 2
