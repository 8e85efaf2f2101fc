"""Shared fixtures: a pinned terminal, the installed console script, evidence builders."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _pinned_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Same width and no colour for every test, whatever the developer's terminal;
    the evidence cache in a temporary folder, never the developer's home."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ICANSCTL_EVIDENCE", raising=False)
    monkeypatch.delenv("ICANSCTL_NO_CACHE", raising=False)
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def console_script() -> str:
    """The installed `icansctl` executable next to this interpreter (or on PATH)."""
    here = Path(sys.executable).parent / "icansctl"
    found = str(here) if here.exists() else shutil.which("icansctl")
    if not found:
        pytest.skip("the icansctl console script is not installed")
    return found


def subprocess_env(**extra: str) -> dict[str, str]:
    """A clean environment for running the console script."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICANSCTL")}
    env.update({"COLUMNS": "80", "NO_COLOR": "1"})
    env["ICANSCTL_CACHE_DIR"] = os.environ.get("ICANSCTL_CACHE_DIR", "")
    env.update(extra)
    return env


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
