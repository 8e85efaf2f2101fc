"""The wheel ships the evidence and the templates, so the tool works outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_evidence_and_templates(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("icansctl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    evidence = sorted((ROOT / "evidence").rglob("*.yaml"))
    assert evidence
    for path in evidence:
        assert (
            f"icansctl/_bundled/evidence/{path.relative_to(ROOT / 'evidence').as_posix()}" in names
        )
    assert any(n.startswith("icansctl/_bundled/templates/") for n in names)
    assert "icansctl/cli/main.py" in names  # the console script module since issue 10
