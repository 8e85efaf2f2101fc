"""The evidence cache: used when nothing changed, bypassed the moment anything does."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icansctl.check.load import load_evidence
from icansctl.cli.main import app
from icansctl.evidence import cache
from icansctl.evidence.base import EvidenceBase
from icansctl.evidence.discovery import bundled_evidence_dir

from .conftest import minimal_strategy, write_yaml


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(folder))
    return folder


def counting_loader(roots: list[Path]) -> tuple[list[int], Callable[[], EvidenceBase]]:
    calls = [0]

    def load() -> EvidenceBase:
        calls[0] += 1
        return load_evidence(roots[1:])

    return calls, load


def test_second_load_comes_from_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    roots = [bundled_evidence_dir()]
    calls, load = counting_loader(roots)
    first = cache.load_cached(roots, load)
    second = cache.load_cached(roots, load)
    assert calls == [1]
    assert len(list(cache_dir.glob("evidence-*.pickle"))) == 1
    assert sorted(p.name for p in cache_dir.iterdir() if not p.name.startswith("evidence-")) == [
        "hmac-key"
    ]
    assert second.strategies == first.strategies
    assert second.studies == first.studies
    assert list(second.endpoints) == list(first.endpoints)


def test_a_changed_file_is_read_again(cache_dir: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    path = write_yaml(overlay / "strategies" / "newdrug.yaml", minimal_strategy("newdrug", "Old."))
    runner = CliRunner()
    args = ["show", "newdrug", "-f", "json", "--evidence", str(overlay)]
    assert json.loads(runner.invoke(app, args).stdout)["summary"][0]["text"] == "Old."
    write_yaml(path, minimal_strategy("newdrug", "New text."))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert json.loads(runner.invoke(app, args).stdout)["summary"][0]["text"] == "New text."


def test_an_edit_hidden_behind_a_restored_mtime_is_read_again(
    cache_dir: Path, tmp_path: Path
) -> None:
    """Same size, modification time put back (touch -d, rsync -t): still a new key."""
    overlay = tmp_path / "overlay"
    path = write_yaml(overlay / "strategies" / "newdrug.yaml", minimal_strategy("newdrug", "Old."))
    stat = path.stat()
    runner = CliRunner()
    args = ["show", "newdrug", "-f", "json", "--evidence", str(overlay)]
    assert json.loads(runner.invoke(app, args).stdout)["summary"][0]["text"] == "Old."
    write_yaml(path, minimal_strategy("newdrug", "New."))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert json.loads(runner.invoke(app, args).stdout)["summary"][0]["text"] == "New."


def test_errors_are_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    write_yaml(overlay / "strategies" / "ghost.yaml", minimal_strategy("ghost", ref="nosuch2099"))
    result = CliRunner().invoke(app, ["list", "--evidence", str(overlay)])
    assert result.exit_code == 2 and "ICX031" in result.stderr
    again = CliRunner().invoke(app, ["list", "--evidence", str(overlay)])
    assert again.exit_code == 2 and "ICX031" in again.stderr


def test_a_corrupt_cache_file_is_ignored(cache_dir: Path) -> None:
    roots = [bundled_evidence_dir()]
    cache_dir.mkdir(parents=True)
    (cache_dir / f"evidence-{cache.fingerprint(roots)}.pickle").write_bytes(b"not a pickle")
    calls, load = counting_loader(roots)
    base = cache.load_cached(roots, load)
    assert calls == [1] and "anakinra" in base.strategies
    assert cache.load_cached(roots, load).strategies == base.strategies
    assert calls == [1], "the good copy replaced the corrupt one"


def test_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICANSCTL_NO_CACHE", "1")
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 0
    assert not cache_dir.exists()
