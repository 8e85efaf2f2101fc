"""Every example that ``--help`` prints runs as printed.

A user copies an example from the help into a shell; one that fails (a renamed option,
an endpoint id that no longer exists, a format a command no longer takes) is a broken
promise.  The examples are read from the help text itself, so a new example is tested
the day it is written.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures"


def _command_names() -> list[str]:
    """Every command the app registers, read from the app (a new command is tested
    without being listed here)."""
    import typer.main

    from icansctl.cli.main import app

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


# The top-level help, then every command's.
COMMANDS = [(), *((name,) for name in _command_names())]


def help_examples(command: tuple[str, ...]) -> list[list[str]]:
    """The example command lines under 'Examples:' in ``icansctl COMMAND --help``, as
    arguments after ``icansctl``: trailing explanations (two spaces or more, then
    words) and a following shell step (``&& npx ...``) are not part of the command."""
    result = run_cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Examples:" in result.stdout, f"'{' '.join(command)} --help' shows no examples"
    lines = result.stdout.split("Examples:", 1)[1].splitlines()
    examples = []
    for line in lines[1:]:
        if not line.startswith("    icansctl"):
            break
        command_line = re.split(r" {2,}|&&", line.strip())[0]
        examples.append(shlex.split(command_line)[1:])
    return examples


@pytest.fixture
def user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with the folder the examples call my-evidence/: a small
    valid overlay (one strategy, two studies; the new one as studies/new.yaml)."""
    evidence = tmp_path / "my-evidence"
    shutil.copytree(FIXTURES / "changes", evidence)
    (evidence / "studies" / "demo_new.yaml").rename(evidence / "studies" / "new.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "icansctl")
def test_every_help_example_runs(command: tuple[str, ...], user_folder: Path) -> None:
    examples = help_examples(command)
    assert len(examples) >= 2, f"'{' '.join(command)} --help' shows too few examples"
    for example in examples:
        result = run_cli(*example)
        assert result.exit_code == 0, f"icansctl {shlex.join(example)}:\n{result.output}"
        if "-o" in example:
            written = user_folder / example[example.index("-o") + 1]
            assert written.stat().st_size > 0, f"icansctl {shlex.join(example)} wrote nothing"
        else:
            assert result.stdout.strip(), f"icansctl {shlex.join(example)} printed nothing"


def test_examples_are_read_with_their_explanations_cut() -> None:
    """The reader itself: 'check' explains its examples on the same line."""
    assert help_examples(("check",))[:2] == [["check"], ["check", "my-evidence/"]]
