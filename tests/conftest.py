"""Shared fixtures and helpers: a pinned terminal, the CLI in process and as the installed
console script, the bundled evidence loaded once, evidence builders, Markdown parsing.

Test modules import helpers from here, never from each other.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from hypothesis import settings
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from icansctl.check.load import load_evidence
from icansctl.evidence.base import EvidenceBase
from icansctl.views.compare import CompareView, compare_view

ROOT = Path(__file__).resolve().parent.parent

# Machine speed is not a property of icansctl: no Hypothesis test has a deadline (a test
# that needs its own settings still inherits this). The examples stay random.
settings.register_profile("icansctl", deadline=None)
settings.load_profile("icansctl")


def _click_version() -> tuple[int, ...]:
    from importlib.metadata import version

    return tuple(int(part) for part in version("click").split(".")[:2] if part.isdigit())


# click < 8.2 mixes stderr into stdout in CliRunner unless told not to, and then
# `result.stderr` raises; 8.2 always keeps them apart. Every CliRunner in the suite
# (including modules that build their own) gets the 8.2 behaviour, so the tests read
# the same on the lowest supported click (see .ci/constraints-min.txt).
CLICK_MIXES_STDERR = _click_version() < (8, 2)
if CLICK_MIXES_STDERR:  # pragma: no cover - only on old click
    _original_init = CliRunner.__init__

    def _separate_stderr(self: CliRunner, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("mix_stderr", False)
        _original_init(self, *args, **kwargs)

    CliRunner.__init__ = _separate_stderr  # type: ignore[method-assign]


def pin_environment(monkeypatch: pytest.MonkeyPatch, basetemp: Path) -> None:
    """Same width and no colour whatever the developer's terminal; no evidence folders
    from the environment; the evidence cache in a temporary folder, never the home."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ICANSCTL_EVIDENCE", raising=False)
    monkeypatch.delenv("ICANSCTL_NO_CACHE", raising=False)
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(basetemp / "cache"))


@pytest.fixture(autouse=True)
def _pinned_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test runs in the pinned environment (a module- or session-scoped fixture
    that runs the CLI pins it itself: it is set up before this one)."""
    pin_environment(monkeypatch, tmp_path_factory.getbasetemp())


# --- the command line -------------------------------------------------------------------


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run ``icansctl ARGS`` in process; stdout and stderr apart.

    An exception that escapes the CLI (anything but its own exits) is raised here, so a
    traceback is a test failure, never a silently non-zero exit code.
    """
    from icansctl.cli.main import app

    return CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)


def run_json(*args: str, env: dict[str, str] | None = None) -> Any:
    """``icansctl ARGS`` that must succeed and print JSON; the parsed document."""
    result = run_cli(*args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def console_script() -> str:
    """The installed `icansctl` executable next to this interpreter (or on PATH).

    Missing, the real-process tests skip on a developer's machine but fail in CI
    (``CI`` set), where a skip would hide that nothing ran as a user runs it.
    """
    here = Path(sys.executable).parent / "icansctl"
    found = str(here) if here.exists() else shutil.which("icansctl")
    if not found:
        message = "the icansctl console script is not installed (pip install -e .)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run_console(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 60
) -> subprocess.CompletedProcess[str]:
    """``icansctl ARGS`` as a real process, as a user runs it: text out and err captured,
    the clean environment of ``subprocess_env`` (or ``env``), and a time limit, so a
    hang is a failure."""
    return subprocess.run(
        [console_script(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=subprocess_env() if env is None else env,
        timeout=timeout,
        check=False,
    )


def subprocess_env(**extra: str) -> dict[str, str]:
    """A clean environment for running the console script."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICANSCTL")}
    env.update({"COLUMNS": "80", "NO_COLOR": "1"})
    env["ICANSCTL_CACHE_DIR"] = os.environ.get("ICANSCTL_CACHE_DIR", "")
    env.update(extra)
    return env


_MODULES_AFTER = textwrap.dedent(
    """
    import json, os, sys
    from icansctl.cli.main import app

    sys.argv = ["icansctl", *json.loads(sys.argv[1])]
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")
    try:
        app()
    except SystemExit as exit:
        code = exit.code
    else:
        code = 0
    sys.stdout.close()
    sys.stdout = real_stdout
    print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
    """
)


def _modules_after_process(args: tuple[str, ...]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _MODULES_AFTER, json.dumps(list(args))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )


def _modules_report(process: subprocess.Popen[str]) -> tuple[object, set[str]]:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    report = json.loads(stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


_MODULES_SEEN: dict[tuple[str, ...], tuple[object, set[str]]] = {}


def modules_after(*args: str) -> tuple[object, set[str]]:
    """Exit code and the set of imported module names after running the CLI with args,
    in a fresh interpreter (nothing this test session imported can hide an import).

    The same command gives the same modules: each is run once per session.
    """
    if args not in _MODULES_SEEN:
        _MODULES_SEEN[args] = _modules_report(_modules_after_process(args))
    return _MODULES_SEEN[args]


def run_modules_after(*commands: tuple[str, ...]) -> None:
    """Run ``modules_after`` for several commands side by side (two at a time, one per
    core of the CI machine), so that the calls that follow find them done."""
    todo = [args for args in dict.fromkeys(commands) if args not in _MODULES_SEEN]
    for start in range(0, len(todo), 2):
        pair = todo[start : start + 2]
        processes = [_modules_after_process(args) for args in pair]
        for args, process in zip(pair, processes, strict=True):
            _MODULES_SEEN[args] = _modules_report(process)


# --- the bundled evidence ---------------------------------------------------------------

# The five strategies of the bundled base, ZUMA-1 (the baseline) last.
ALL_STRATEGIES = ("anakinra", "defibrotide", "corticosteroids", "tocilizumab", "zuma1")


@functools.cache
def load_bundled() -> EvidenceBase:
    """The bundled evidence base, loaded once per test session.

    Shared by every test that asks: never change it (derive with dataclasses.replace or
    model_copy instead). ``load_evidence()`` reads no environment, so where the first
    caller runs does not matter.
    """
    return load_evidence()


@pytest.fixture(scope="session")
def bundled_base() -> EvidenceBase:
    """The bundled evidence base (see ``load_bundled``)."""
    return load_bundled()


def full_view(base: EvidenceBase | None = None) -> CompareView:
    """The comparison of all five bundled strategies, ZUMA-1 last."""
    if base is None:
        base = load_bundled()
    return compare_view(base, [base.resolve_strategy(name) for name in ALL_STRATEGIES])


# --- evidence files ---------------------------------------------------------------------


def write_yaml(path: Path, data: object) -> Path:
    """Write ``data`` as YAML, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def minimal_strategy(
    strategy_id: str, claim_text: str = "A claim.", ref: str = "dowling2023"
) -> dict:
    """A valid strategy that cites an existing reference."""
    return {
        "id": strategy_id,
        "name": f"{strategy_id.title()} (test strategy)",
        "regimens": [
            {
                "id": "only",
                "name": "Only regimen",
                "schedule": [{"text": "Given once.", "cite": [{"ref": ref, "locator": "para 1"}]}],
            }
        ],
        "summary": [{"text": claim_text, "cite": [{"ref": ref, "locator": "para 1"}]}],
    }


# --- Markdown read back -----------------------------------------------------------------


def markdown_parser() -> MarkdownIt:
    """CommonMark with GitHub tables, as a reader's renderer parses our Markdown."""
    return MarkdownIt("commonmark").enable("table")


def inline_text(token: Token) -> str:
    """The text a reader sees in an inline token (escapes resolved, emphasis dropped)."""
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            parts.append(child.content)
    return "".join(parts)


def tables(text: str) -> list[list[list[str]]]:
    """Every table of a Markdown document as rows of cell texts (header row first)."""
    out: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in markdown_parser().parse(text):
        if token.type == "table_open":
            out.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(inline_text(token))
        elif token.type == "tr_close":
            assert row is not None
            out[-1].append(row)
            row = None
    return out


def list_items(text: str) -> list[str]:
    """The text of every list item of a Markdown document."""
    tokens = markdown_parser().parse(text)
    return [
        inline_text(tokens[i + 2])
        for i, token in enumerate(tokens)
        if token.type == "list_item_open"
    ]


def norm(text: str) -> str:
    """Runs of whitespace as one space, as a Markdown reader shows them."""
    return " ".join(text.split())
