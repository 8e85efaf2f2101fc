"""Start-up stays light: a terminal `compare` never imports the Markdown stack.

Each test runs the command in a fresh interpreter (a subprocess, so nothing this
test session has already imported can hide an import) and inspects ``sys.modules``
afterwards.  No timings are asserted here; benchmarks/ measures those.
"""

from __future__ import annotations

from importlib.metadata import version

import pytest

from .conftest import modules_after, run_modules_after


def _typer_imports_rich_eagerly() -> bool:
    """typer < 0.17 imports its Rich help formatter (rich.markdown, so markdown_it, and
    rich.table) at start-up, before any icansctl command runs; 0.17 loads it lazily."""
    major, minor = (int(part) for part in version("typer").split(".")[:2])
    return (major, minor) < (0, 17)


TYPER_EAGER = _typer_imports_rich_eagerly()
# Modules only the Markdown/SVG/slides outputs need (markdown_it only where typer itself
# does not import it: see .ci/constraints-min.txt for the oldest typer tested).
MARKDOWN_ONLY = ("jinja2",) if TYPER_EAGER else ("jinja2", "markdown_it")


TERMINAL_COMMANDS = [
    ("compare", "anakinra", "defibrotide"),
    ("compare", "anakinra", "defibrotide", "--format", "table"),
    ("show", "anakinra"),
    ("list",),
]
JSON_COMPARE = ("compare", "anakinra", "defibrotide", "--format", "json")


@pytest.fixture(scope="module", autouse=True)
def _run_side_by_side() -> None:
    """Every command of this module, run two at a time before its tests read them."""
    run_modules_after(*TERMINAL_COMMANDS, ("--help",), ("--version",), JSON_COMPARE)


def _top_level(modules: set[str], name: str) -> list[str]:
    return sorted(m for m in modules if m == name or m.startswith(name + "."))


@pytest.mark.parametrize("args", TERMINAL_COMMANDS, ids=lambda args: " ".join(args))
def test_terminal_output_does_not_import_markdown_stack(args: tuple[str, ...]) -> None:
    code, modules = modules_after(*args)
    assert code == 0
    assert "icansctl.views.common" in modules  # the command really ran
    for name in MARKDOWN_ONLY:
        assert not _top_level(modules, name), f"`icansctl {' '.join(args)}` imported {name}"


@pytest.mark.parametrize("args", [("--help",), ("--version",)], ids=lambda a: a[0])
def test_help_and_version_import_neither_evidence_nor_markdown(args: tuple[str, ...]) -> None:
    code, modules = modules_after(*args)
    assert code == 0
    for name in (*MARKDOWN_ONLY, "yaml", "icansctl.evidence.model", "icansctl.views.common"):
        assert not _top_level(modules, name), f"`icansctl {args[0]}` imported {name}"


def test_compare_json_does_not_import_rich_tables() -> None:
    """JSON output needs neither Jinja nor Rich's table machinery."""
    code, modules = modules_after(*JSON_COMPARE)
    assert code == 0
    for name in (*MARKDOWN_ONLY, *(() if TYPER_EAGER else ("rich.table",))):
        assert not _top_level(modules, name), f"compare --format json imported {name}"
