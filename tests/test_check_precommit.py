"""The `icansctl-check` pre-commit hook, run with `pre-commit try-repo` on this repository.

try-repo needs committed content, so the test copies what the package is built from
(plus the deliberately broken test fixtures, which the hook must leave out) into a
temporary folder with its own git repository and commit: the state of the working
tree and of the developer's git do not matter.
"""

from __future__ import annotations

import os
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


def _tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


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
