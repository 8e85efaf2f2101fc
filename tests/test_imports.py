"""Start-up stays light: a terminal `compare` never imports the Markdown stack.

Each test runs the command in a fresh interpreter (a subprocess, so nothing this
test session has already imported can hide an import) and inspects ``sys.modules``
afterwards.  No timings are asserted here; benchmarks/ measures those.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from .conftest import subprocess_env

# Modules only the Markdown/SVG/slides outputs need.
MARKDOWN_ONLY = ("jinja2", "markdown_it")

_RUN = textwrap.dedent(
    """
    import json, os, sys
    from icansctl.cli import app

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


def modules_after(*args: str) -> tuple[object, set[str]]:
    """Exit code and the set of imported module names after running the CLI with args."""
    result = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(list(args))],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def _top_level(modules: set[str], name: str) -> list[str]:
    return sorted(m for m in modules if m == name or m.startswith(name + "."))


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "anakinra", "defibrotide"),
        ("compare", "anakinra", "defibrotide", "--format", "table"),
        ("show", "anakinra"),
        ("list",),
    ],
    ids=lambda args: " ".join(args),
)
def test_terminal_output_does_not_import_markdown_stack(args: tuple[str, ...]) -> None:
    code, modules = modules_after(*args)
    assert code in (0, None)
    assert "icansctl.views" in modules  # the command really ran
    for name in MARKDOWN_ONLY:
        assert not _top_level(modules, name), f"`icansctl {' '.join(args)}` imported {name}"


@pytest.mark.parametrize("args", [("--help",), ("--version",)], ids=lambda a: a[0])
def test_help_and_version_import_neither_evidence_nor_markdown(args: tuple[str, ...]) -> None:
    code, modules = modules_after(*args)
    assert code in (0, None)
    for name in (*MARKDOWN_ONLY, "yaml", "icansctl.model", "icansctl.views"):
        assert not _top_level(modules, name), f"`icansctl {args[0]}` imported {name}"


def test_compare_json_does_not_import_rich_tables() -> None:
    """JSON output needs neither Jinja nor Rich's table machinery."""
    code, modules = modules_after("compare", "anakinra", "defibrotide", "--format", "json")
    assert code in (0, None)
    for name in (*MARKDOWN_ONLY, "rich.table"):
        assert not _top_level(modules, name), f"compare --format json imported {name}"
