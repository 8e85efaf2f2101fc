"""Paths that are not plain evidence files: devices, pipes, folders that cannot be listed.

A pull request that adds a link to /dev/zero or a named pipe must not hang CI or fill
its memory, and a folder the check cannot list must fail the check, not pass it with
its files silently left out.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icansctl.evidence.discovery import discover
from icansctl.evidence.yaml_text import MAX_FILE_BYTES

from .conftest import (
    minimal_strategy,
    run_cli,
    run_console,
    write_yaml,
)


def _check(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`icansctl check` as a real process, with a time limit: a hang is a failure."""
    return run_console("check", *args, str(folder))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_link_to_a_device_is_refused_not_read(tmp_path: Path) -> None:
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "zero.yaml").symlink_to("/dev/zero")
    result = _check(tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "references/zero.yaml: ICX012 cannot read: a device, not a regular file" in (
        result.stdout
    )
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_named_pipe_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "studies").mkdir()
    os.mkfifo(tmp_path / "studies" / "pipe.yaml")
    result = _check(tmp_path)
    assert result.returncode == 2
    assert "studies/pipe.yaml: ICX012 cannot read: a pipe, not a regular file" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_rendering_commands_refuse_a_pipe_too(tmp_path: Path) -> None:
    (tmp_path / "strategies").mkdir()
    os.mkfifo(tmp_path / "strategies" / "pipe.yaml")
    result = run_console("list", "--evidence", str(tmp_path))
    assert result.returncode == 2
    assert "ICX012 cannot read: a pipe" in result.stderr


def test_file_growing_past_the_cap_is_still_capped(tmp_path: Path) -> None:
    """The cap holds on what is read, not only on the size a stat reported."""
    big = tmp_path / "references" / "big.yaml"
    big.parent.mkdir()
    big.write_bytes(b"# " + b"x" * (MAX_FILE_BYTES + 10) + b"\n")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "references/big.yaml: ICX003" in result.stdout


@pytest.fixture
def unlistable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An evidence folder whose studies/ cannot be listed (as without read permission).

    Simulated, because the tests may run as root, for whom permissions do not apply.
    """
    root = tmp_path / "mine"
    write_yaml(root / "strategies" / "mystrategy.yaml", minimal_strategy("mystrategy"))
    (root / "studies").mkdir()
    write_yaml(root / "studies" / "hidden.yaml", {"id": "hidden"})
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(os.path.abspath(path)) == root / "studies":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    yield root


def test_discover_reports_a_folder_it_cannot_list(unlistable: Path) -> None:
    unreadable: list[tuple[Path, str]] = []
    files = discover(unlistable, unreadable)
    assert unlistable / "studies" / "hidden.yaml" not in files
    assert unreadable == [(unlistable / "studies", "Permission denied")]


def test_check_fails_on_a_folder_it_cannot_list(
    unlistable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(unlistable.parent)
    result = run_cli("check", "mine")
    assert result.exit_code == 2, result.output
    assert "mine/studies: ICX012 cannot list folder: Permission denied" in result.stdout


def test_compare_refuses_evidence_it_cannot_list(unlistable: Path) -> None:
    result = run_cli("list", "--evidence", str(unlistable))
    assert result.exit_code == 2
    assert "ICX012 cannot list folder: Permission denied" in result.stderr
