"""The `check` and `schema` commands (registered on the main app when imported).

Keep imports here light: this module is imported whenever the CLI starts.  The
loader, models and reporters are imported inside the commands.
"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import Command, EvidenceOption, OutputOption, app, format_option

if TYPE_CHECKING:
    from ..check.runner import FailOn
    from ..render.output import Escape


# Output formats of ``check``.
CheckFormat = Enum(
    "CheckFormat",
    [("text", "text"), ("json", "json"), ("github", "github")],
    type=str,
)


# The lowest severity that fails the check.
FailOnOption = Enum("FailOnOption", [("error", "error"), ("warning", "warning")], type=str)


# Evidence file kinds for ``schema --kind``.
SchemaKind = Enum(
    "SchemaKind",
    [
        ("study", "study"),
        ("strategy", "strategy"),
        ("reference", "reference"),
        ("endpoints", "endpoints"),
        ("mechanisms", "mechanisms"),
    ],
    type=str,
)


CHECK_EPILOG = """\
\b
Exit status: 0 clean; 1 findings at or above --fail-on; 2 usage error or
unreadable input.
\b
Examples:
  icansctl check                          the bundled base (+ --evidence dirs)
  icansctl check my-evidence/             a folder of your own evidence
  icansctl check --strict --format github my-evidence/studies/new.yaml
  icansctl check --list-rules
"""


def _write(text: str, output: Path | None, *, json: bool = False) -> None:
    """``text`` to stdout (``None`` or ``-``, ASCII-safe) or atomically to ``output``."""
    from ..render.output import OutputError, write_atomic, write_stdout

    escape: Escape = "json" if json else "text"
    if output is None:
        write_stdout(text, escape=escape)
        return
    try:
        write_atomic(output, text, escape=escape)
    except OutputError as err:
        typer.echo(f"icansctl: {err}", err=True)
        raise typer.Exit(2) from err


def _append_step_summary(markdown: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    except OSError as err:
        typer.echo(f"icansctl: cannot write the step summary: {err.strerror or err}", err=True)


@app.command("check", cls=Command, epilog=CHECK_EPILOG)
def check_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Evidence files or folders to check (default: the bundled base and "
            "--evidence dirs). References resolve across each file's whole evidence "
            "folder; only findings in these paths are reported.",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    evidence: EvidenceOption = None,
    format: Annotated[CheckFormat, format_option("Report format.")] = CheckFormat.text,
    output: OutputOption = None,
    fail_on: Annotated[
        FailOnOption | None,
        typer.Option(
            "--fail-on",
            help="Lowest severity that makes the check fail (exit 1).  [default: error]",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too (= --fail-on warning).")
    ] = False,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List the rules (id, severity, name) and exit.")
    ] = False,
) -> None:
    """Check evidence files: citations resolve, numbers agree, files are well formed."""
    from ..render.check_report import report_rules

    if list_rules:
        json = format is CheckFormat.json
        _write(report_rules("json" if json else "text"), output, json=json)
        return
    if strict and fail_on is FailOnOption.error:
        typer.echo("icansctl: --strict fails on warnings; it contradicts --fail-on error", err=True)
        raise typer.Exit(2)
    from ..check.runner import run_check
    from ..evidence.discovery import evidence_dirs_from_env
    from ..render.check_report import REPORTERS, report_step_summary

    threshold: FailOn = "warning" if strict or fail_on is FailOnOption.warning else "error"
    dirs = evidence_dirs_from_env() + list(evidence or [])
    result = run_check(list(paths or []), dirs)
    _write(REPORTERS[format.value](result, threshold), output, json=format is CheckFormat.json)
    if format is CheckFormat.github:
        _append_step_summary(report_step_summary(result, threshold))
    code = result.exit_code(threshold)
    if code:
        raise typer.Exit(code)


@app.command("schema", cls=Command)
def schema_command(
    kind: Annotated[
        SchemaKind | None,
        typer.Option("--kind", "-k", help="One kind of file (default: any evidence file)."),
    ] = None,
    output: OutputOption = None,
) -> None:
    """The JSON Schema of the evidence format, for editors and check-jsonschema.

    \b
    Examples:
      icansctl schema -o evidence.schema.json
      icansctl schema --kind study
    """
    from ..evidence.json_schema import evidence_schema

    schema = evidence_schema(kind.value if kind else None)
    import json

    _write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", output, json=True)
