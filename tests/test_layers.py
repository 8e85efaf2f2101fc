"""The architecture as the folders show it: imports go one way, and there are no cycles.

Read from the source with ``ast`` (every import, at module level or inside a function),
independently of import-linter, which checks the same contract in CI from pyproject.toml.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "icansctl"

# Top to bottom; a module may import from its own layer or any layer below it.
LAYERS = [
    {"__main__"},
    {"cli"},
    {"render"},
    {"views"},
    {"check"},
    {"evidence"},
    {"diagnostics", "errors", "stats", "version"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(imported icansctl module, line, only for type checking) for every import."""
    here = module_name(path)
    return imports_in(path.read_text(encoding="utf-8"), here, path.name == "__init__.py")


def imports_in(source: str, here: str, is_package: bool) -> list[tuple[str, int, bool]]:
    """``imports_of`` for the source of module ``here``."""
    tree = ast.parse(source)
    package = here if is_package else here.rpartition(".")[0]
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = [target]
            # `from . import x` may import a module x
            names += [f"{target}.{alias.name}" for alias in node.names]
            for name in names:
                found.append((name, node.lineno, id(node) in typing_only))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.append((alias.name, node.lineno, id(node) in typing_only))
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return [(name, line, t) for name, line, t in found if name in modules]


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package root (lazy load_evidence) belongs to no layer
    for index, layer in enumerate(LAYERS):
        if parts[1] in layer:
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and the README")


def graph() -> dict[str, list[tuple[str, int, bool]]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_in_a_layer() -> None:
    for module in graph():
        layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for module, imports in graph().items():
        mine = layer_of(module)
        for target, line, _ in imports:
            theirs = layer_of(target)
            if mine is not None and theirs is not None and theirs < mine:
                upward.append(f"{module}:{line} imports {target}")
    assert upward == []


def test_no_import_cycles() -> None:
    """Runtime imports only: an import for type checking never runs."""
    edges = {
        m: {t for t, _, typing in imps if not typing and t != m} for m, imps in graph().items()
    }
    # drop edges to a package's __init__ that only hold the package (always loaded first)
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges or nxt == node.rpartition(".")[0]:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_checker_sees_an_upward_import() -> None:
    """The layer test can fail: an evidence module importing a renderer is caught."""
    here = "icansctl.evidence.probe"
    found = imports_in("from ..render import dispatch\n", here, is_package=False)
    assert ("icansctl.render.dispatch", 1, False) in found
    mine, theirs = layer_of(here), layer_of("icansctl.render.dispatch")
    assert mine is not None and theirs is not None and theirs < mine


def test_subpackage_inits_are_empty_but_views() -> None:
    """Start-up: importing a layer's package imports nothing else (views re-exports the
    view functions, as the README documents)."""
    for init in PACKAGE.glob("*/__init__.py"):
        if init.parent.name == "views":
            continue
        code = [line for line in init.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert code == [], init


def test_no_module_over_400_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_no_function_over_60_lines_but_the_yaml_hot_loop() -> None:
    """Issue 10: functions stay short; the YAML reader's event loop is the documented
    exception (one function, for speed: see its comment)."""
    long = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > 60:
                    long[f"{path.relative_to(PACKAGE)}:{node.name}"] = lines
    assert set(long) == {"evidence/yaml_reader.py:_events"}, long


def test_documented_imports_keep_working() -> None:
    code = "from icansctl.views import compare_view; from icansctl import load_evidence; print(1)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "1\n", done.stderr


def test_import_linter_contract_is_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    if not lint.exists() and shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    done = subprocess.run(
        [str(lint) if lint.exists() else "lint-imports"],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout
