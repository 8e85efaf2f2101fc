"""`icansctl check` reports: text, JSON, GitHub workflow commands; exit codes; rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from icansctl.check.runner import CheckResult
from icansctl.diagnostics import RULES, Diagnostic, Location
from icansctl.render.check_report import (
    escape_data,
    escape_property,
    report_github,
    report_step_summary,
    report_text,
)

from .conftest import ROOT, run_cli, run_console

RULE_CASES = Path(__file__).parent / "fixtures" / "check" / "rules"


def _code_and_stdout(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = run_cli(*args, env=env)
    return result.exit_code, result.stdout


def test_bundled_evidence_passes_strict() -> None:
    code, out = _code_and_stdout("check", "--strict")
    assert code == 0, out
    assert out.startswith("ok: ") and out.endswith("files checked, no findings\n")


def test_bundled_evidence_passes_strict_as_a_real_process() -> None:
    done = run_console("check", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""


# --- text -----------------------------------------------------------------------


def test_text_lines_are_path_line_col_rule_message_grouped_by_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)  # paths are shown relative to the working directory
    code, out = _code_and_stdout("check", "--strict", str(RULE_CASES / "ICX052-orphan"))
    assert code == 1
    folder = RULE_CASES / "ICX052-orphan"
    ref = (folder / "references" / "unused.yaml").relative_to(ROOT)
    study = (folder / "studies" / "unused.yaml").relative_to(ROOT)
    assert out == (
        f"{ref}:1:5: ICX052 warning: reference 'unused2023' is never cited\n"
        "\n"
        f"{study}:1:5: ICX052 warning: study 'unused-study' is in no strategy's regimens\n"
        "\n"
        "failed: 0 errors, 2 warnings in 2 files (2 files checked)\n"
    )


def _result() -> CheckResult:
    return CheckResult(
        [
            Diagnostic(Location("a, b:c.yaml", 3, 7), "ICX021", "50% of\nthe\rtext", "error"),
            Diagnostic(Location("big.yaml"), "ICX003", "too big", "error"),
            Diagnostic(Location("z.yaml", 1, 5), "ICX052", "never cited", "warning"),
        ],
        files_checked=4,
    )


def test_text_summary_and_warning_marker() -> None:
    text = report_text(_result())
    # One finding, one line: line breaks inside a message are shown escaped.
    assert "a, b:c.yaml:3:7: ICX021 50% of\\nthe\\rtext\n\nbig.yaml: ICX003 too big\n" in text
    assert "z.yaml:1:5: ICX052 warning: never cited\n" in text
    assert text.endswith("\n\nfailed: 2 errors, 1 warning in 3 files (4 files checked)\n")
    passing = CheckResult([_result().findings[2]], files_checked=1)
    assert report_text(passing).endswith("passed: 0 errors, 1 warning in 1 file (1 file checked)\n")
    assert report_text(passing, "warning").endswith(
        "failed: 0 errors, 1 warning in 1 file (1 file checked)\n"
    )


# --- GitHub ---------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("100% of a\r\nb") == "100%25 of a%0D%0Ab"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_workflow_commands_exact() -> None:
    lines = report_github(_result()).splitlines()
    assert lines == [
        "::error file=a%2C b%3Ac.yaml,line=3,col=7,title=ICX021::50%25 of%0Athe%0Dtext",
        "::error file=big.yaml,title=ICX003::too big",
        "::warning file=z.yaml,line=1,col=5,title=ICX052::never cited",
        "failed: 2 errors, 1 warning in 3 files (4 files checked)",
    ]


def test_github_format_from_the_cli_and_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    case = RULE_CASES / "ICX043-percent-disagrees"
    code, out = _code_and_stdout(
        "check", "--format", "github", str(case), env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 2
    assert errors[0].endswith(
        ",line=20,col=23,title=ICX043::reported 21%25 but 8/40 = 20.00%25, which rounds to 20%25"
    )
    assert errors[0].startswith("::error file=")
    assert "::warning " in out  # the orphan study, reported though it does not fail
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## icansctl check\n")  # appended, not replaced
    assert "| ICX043 | error | reported 21% but 8/40 = 20.00%, which rounds to 20% |" in written


def test_step_summary_escapes_table_cells() -> None:
    markdown = report_step_summary(_result())
    assert "| a, b:c.yaml:3:7 | ICX021 | error | 50% of the text |" in markdown
    assert markdown.count("\n| ") == 5  # header, rule, three findings
    clean = report_step_summary(CheckResult([], files_checked=3))
    assert "ok: 3 files checked, no findings" in clean
    assert "|" not in clean


def test_no_step_summary_without_github_format(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    run_cli("check", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert not summary.exists()


# --- JSON -----------------------------------------------------------------------


def test_json_report_parses_and_is_stable() -> None:
    case = RULE_CASES / "ICX044-derived-count-unmarked"
    code, out = _code_and_stdout("check", "--format", "json", str(case))
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"version", "findings", "summary"}
    assert report["version"] == 1
    assert report["summary"] == {
        "files": 1,
        "findings": 2,
        "errors": 1,
        "warnings": 1,
        "fail_on": "error",
        "passed": False,
    }
    first = report["findings"][0]
    assert set(first) == {"file", "line", "column", "rule", "name", "severity", "message"}
    assert [
        (f["rule"], f["name"], f["severity"], f["line"], f["column"]) for f in report["findings"]
    ] == [
        ("ICX052", "orphan", "warning", 1, 5),
        ("ICX044", "derived-count-unmarked", "error", 11, 13),
    ]


def test_json_whole_file_finding_has_null_position(tmp_path: Path) -> None:
    code, out = _code_and_stdout("check", "--format", "json", str(tmp_path / "missing"))
    assert code == 2
    (finding,) = json.loads(out)["findings"]
    assert (finding["line"], finding["column"], finding["rule"]) == (None, None, "ICX012")


# --- thresholds, output, rules ------------------------------------------------------


def test_fail_on_and_strict() -> None:
    orphan = str(RULE_CASES / "ICX052-orphan")
    assert run_cli("check", orphan).exit_code == 0
    assert run_cli("check", "--fail-on", "warning", orphan).exit_code == 1
    assert run_cli("check", "--strict", orphan).exit_code == 1
    report = json.loads(run_cli("check", "--strict", "--format", "json", orphan).stdout)
    assert report["summary"]["fail_on"] == "warning"
    assert report["summary"]["passed"] is False


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out = _code_and_stdout("check", "--format", "json", "-o", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["findings"] == []


def test_list_rules() -> None:
    code, out = _code_and_stdout("check", "--list-rules")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES.values(), strict=True):
        assert line.split(maxsplit=3) == [rule.id, rule.severity, rule.name, rule.summary]
    data = json.loads(run_cli("check", "--list-rules", "--format", "json").stdout)
    assert [r["id"] for r in data["rules"]] == list(RULES)
    assert all(r["summary"] and "\n" not in r["summary"] for r in data["rules"])
