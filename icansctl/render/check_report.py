"""Check reports: text for people, JSON for programs, workflow commands for GitHub.

Reporters take a ``CheckResult`` and return text; they know nothing of YAML.

JSON (stable; ``version`` changes only on an incompatible change)::

    {
      "version": 1,
      "findings": [
        {"file": "evidence/studies/x.yaml", "line": 12, "column": 5,
         "rule": "ICX043", "name": "percent-disagrees", "severity": "error",
         "message": "reported 21% but 8/40 = 20.00%, which rounds to neither"}
      ],
      "summary": {"files": 37, "findings": 1, "errors": 1, "warnings": 0,
                  "fail_on": "error", "passed": false}
    }

``line`` and ``column`` are 1-based, or null for a finding about a whole file.
``severity`` is ``error``, ``warning`` or ``note``; a note (local evidence overriding a
bundled entry) is shown but never fails the check, whatever ``--fail-on`` says.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from ..check.runner import CheckResult, FailOn
from ..diagnostics import RULES, Diagnostic

JSON_VERSION = 1


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: CheckResult, fail_on: FailOn = "error") -> str:
    """One line: how many files, errors and warnings, and whether the check passed."""
    files = _plural(result.files_checked, "file")
    if not result.findings:
        return f"ok: {files} checked, no findings"
    failing = result.fails(fail_on) or result.unreadable
    verdict = "failed" if failing else "passed"
    in_files = len({f.location.path for f in result.findings})
    notes = f", {_plural(result.notes, 'note')}" if result.notes else ""
    return (
        f"{verdict}: {_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}"
        f"{notes} in {_plural(in_files, 'file')} ({files} checked)"
    )


def _text_line(finding: Diagnostic) -> str:
    severity = f"{finding.severity}: " if finding.severity != "error" else ""
    loc = finding.location
    where = f"{loc.path}:{loc.line}:{loc.column}" if loc.line else loc.path
    # One finding, one line: a newline or carriage return inside a message (a key
    # copied from the file, a parser's text) is shown escaped, never as a line break.
    message = finding.message.replace("\r", "\\r").replace("\n", "\\n")
    return f"{where}: {finding.rule} {severity}{message}"


def report_text(result: CheckResult, fail_on: FailOn = "error") -> str:
    """``path:line:col: ICX001 message`` lines, grouped by file, then a summary line."""
    blocks: list[str] = []
    for _, group in groupby(result.findings, key=lambda f: f.location.path):
        blocks.append("\n".join(_text_line(f) for f in group))
    blocks.append(summary_line(result, fail_on))
    return "\n\n".join(blocks) + "\n"


def finding_json(finding: Diagnostic) -> dict[str, Any]:
    """One finding as a JSON object (see the module docstring)."""
    loc = finding.location
    return {
        "file": loc.path,
        "line": loc.line or None,
        "column": loc.column or None,
        "rule": finding.rule,
        "name": RULES[finding.rule].name if finding.rule in RULES else None,
        "severity": finding.severity,
        "message": finding.message,
    }


def report_json(result: CheckResult, fail_on: FailOn = "error") -> str:
    """``{"version", "findings": [...], "summary": {...}}`` as indented JSON."""
    document = {
        "version": JSON_VERSION,
        "findings": [finding_json(f) for f in result.findings],
        "summary": {
            "files": result.files_checked,
            "findings": len(result.findings),
            "errors": result.errors,
            "warnings": result.warnings,
            "fail_on": fail_on,
            "passed": result.exit_code(fail_on) == 0,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def escape_data(text: str) -> str:
    """Escape the message of a GitHub workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a GitHub workflow command (also ':' and ',')."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_line(finding: Diagnostic) -> str:
    loc = finding.location
    props = [f"file={escape_property(loc.path)}"]
    if loc.line:
        props += [f"line={loc.line}", f"col={loc.column}"]
    props.append(f"title={escape_property(finding.rule)}")
    # GitHub's workflow commands are error, warning and notice.
    command = "notice" if finding.severity == "note" else finding.severity
    return f"::{command} {','.join(props)}::{escape_data(finding.message)}"


def report_github(result: CheckResult, fail_on: FailOn = "error") -> str:
    """GitHub Actions workflow commands (``::error file=...::message``), then a summary."""
    lines = [_github_line(f) for f in result.findings]
    lines.append(summary_line(result, fail_on))
    return "\n".join(lines) + "\n"


MAX_SUMMARY_ROWS = 500  # a job summary is capped at 1 MiB


def report_step_summary(result: CheckResult, fail_on: FailOn = "error") -> str:
    """A Markdown job summary for ``$GITHUB_STEP_SUMMARY`` (from a template)."""
    from .templating import render_template

    findings = [
        {
            "where": str(finding.location),
            "rule": finding.rule,
            "severity": finding.severity,
            "message": finding.message,
        }
        for finding in result.findings[:MAX_SUMMARY_ROWS]
    ]
    return render_template(
        "check_summary.md.j2",
        summary=summary_line(result, fail_on),
        findings=findings,
        hidden=len(result.findings) - len(findings),
    )


def report_rules(format: str = "text") -> str:
    """The rule catalogue: ``--list-rules`` output, as text or JSON."""
    rules = list(RULES.values())
    if format == "json":
        data = [
            {"id": r.id, "name": r.name, "severity": r.severity, "summary": r.summary}
            for r in rules
        ]
        return json.dumps({"rules": data}, indent=2) + "\n"
    width = max(len(r.name) for r in rules)
    return "".join(f"{r.id}  {r.severity:<7}  {r.name:<{width}}  {r.summary}\n" for r in rules)


REPORTERS = {"text": report_text, "json": report_json, "github": report_github}
