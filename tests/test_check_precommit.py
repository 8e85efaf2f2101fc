"""The `icansctl-check` pre-commit hook: which files it is given, and a real
`pre-commit try-repo` run on this repository (external and slow: it pip-installs the hook).

The file selection is tested as pre-commit applies it: ``re.search`` of ``files`` and
of ``exclude`` on each path relative to the repository root, with forward slashes.

try-repo needs committed content, so the test copies what the package is built from
(plus the deliberately broken test fixtures, which the hook must leave out) into a
temporary folder with its own git repository and commit: the state of the working
tree and of the developer's git do not matter.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

COPIED = [
    "pyproject.toml",
    "README.md",
    ".pre-commit-hooks.yaml",
    "icansctl",
    "evidence",
    "templates",
    "tests/fixtures",
]


def test_hook_manifest() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "icansctl-check"
    assert hook["entry"] == "icansctl check"
    assert hook["language"] == "python"


def _hook() -> dict[str, str]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return dict(hook)


def hook_selects(path: str) -> bool:
    """Whether pre-commit passes ``path`` to the hook (its default file selection)."""
    hook = _hook()
    return bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)


@pytest.mark.parametrize(
    "path",
    [
        "evidence/references/strati2023.yaml",
        "evidence/studies/park2023.yml",
        "evidence/strategies/anakinra.yaml",
        "evidence/endpoints.yaml",
        "evidence/mechanisms.yaml",
        "references/mine2024.yaml",  # an evidence folder at the top of a repository
        "endpoints.yaml",
        "protocols/icans/studies/local/cohort.yaml",  # nested a level below a kind folder
    ],
)
def test_hook_selects_evidence_files(path: str) -> None:
    assert hook_selects(path)


@pytest.mark.parametrize(
    "path",
    [
        "tests/fixtures/check/rules/ICX001-syntax/strategies/bad.yaml",  # broken on purpose
        "test/fixtures/studies/x.yaml",
        "pkg/tests/fixtures/references/r.yaml",
        "evidence/references/strati2023.json",
        "evidence/notes/reading.yaml",  # not a kind folder
        "evidence/myendpoints.yaml",  # only the singletons by their exact names
        "strategies.yaml",
        "icansctl/strategies.py",
        "README.md",
        ".pre-commit-hooks.yaml",
    ],
)
def test_hook_leaves_out_other_files(path: str) -> None:
    assert not hook_selects(path)


def test_hook_selects_every_bundled_file_and_no_fixture() -> None:
    evidence = [p.relative_to(ROOT).as_posix() for p in (ROOT / "evidence").rglob("*.yaml")]
    folders = {p.rsplit("/", 1)[0] for p in evidence}
    assert {"evidence/references", "evidence/studies", "evidence/strategies"} <= folders
    assert [p for p in evidence if not hook_selects(p)] == []
    fixtures = [p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "fixtures").rglob("*")]
    assert fixtures and [p for p in fixtures if hook_selects(p)] == []


def _tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.mark.slow
@pytest.mark.external
def test_pre_commit_try_repo_passes_on_this_repository(tmp_path: Path) -> None:
    pre_commit = _tool("pre-commit")
    _tool("git")
    repo = tmp_path / "repo"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(
        repo,
        "-c",
        "user.name=icansctl tests",
        "-c",
        "user.email=tests@example.invalid",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-m",
        "snapshot for try-repo",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ICANSCTL", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["NO_COLOR"] = "1"
    done = subprocess.run(
        [pre_commit, "try-repo", ".", "icansctl-check", "--all-files", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0 and ("pip" in output and "network" in output.lower()):
        pytest.skip("pre-commit could not install the hook (no network?)")
    assert done.returncode == 0, output
    assert "icansctl check" in output and "Passed" in output
    assert "files checked, no findings" in output  # the bundled evidence was checked
