"""Audit F2 and F15: the evidence cache never runs planted code nor serves altered figures.

The right figure used throughout is Park 2023, anakinra arm, grade >=3 ICANS, read by
hand from evidence/studies/park2023.yaml (events: 3, total: 31, reported 9.7) and as
printed in the README: ``9.7% (3/31)``.  The audit's altered pickle showed ``0% (0/31)``.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icansctl.check.load import load_evidence
from icansctl.cli.main import app
from icansctl.evidence import cache
from icansctl.evidence.base import EvidenceBase
from icansctl.evidence.discovery import bundled_evidence_dir

from .conftest import console_script, subprocess_env

RIGHT = "9.7% (3/31)"
ALTERED = "0% (0/31)"
# "(a)": the matched comparator's grading is unknown, so the row notes mixed grading
GRADE3_ROW = "| ICANS or neurologic events, grade ≥3 (a) |"


@pytest.fixture(autouse=True)
def _fresh_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees the once-per-process warning as if it were a new process."""
    monkeypatch.setattr(cache, "_warned", False)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, filled by one real run (folder, key, file)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(path))
    result = CliRunner().invoke(app, ["list"], catch_exceptions=False)
    assert result.exit_code == 0 and "anakinra" in result.stdout
    assert len(cache_files(path)) == 1
    return path


def cache_files(path: Path) -> list[Path]:
    return sorted(path.glob("evidence-*.pickle"))


def grade3_row() -> tuple[str, str]:
    """The grade >=3 ICANS row of `compare anakinra -f markdown`, and stderr."""
    result = CliRunner().invoke(
        app, ["compare", "anakinra", "-f", "markdown"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    # The comparison may be split into several tables (six columns at most): the row's
    # parts, joined.
    rows = [line for line in result.stdout.splitlines() if line.startswith(GRADE3_ROW)]
    assert rows, "no grade >=3 row"
    return " ".join(rows), result.stderr


def sign(folder: Path, name: str, payload: bytes) -> bytes:
    """A cache file's bytes as icansctl writes them, signed with the folder's real key."""
    key = (folder / cache.KEY_NAME).read_bytes()
    return cache.MAGIC + cache._mac(key, name, payload) + payload


def altered_tables() -> dict[str, object]:
    """The bundled evidence with Park 2023 grade >=3 ICANS set to 0 events (the audit's edit)."""
    base = load_evidence([])
    park = base.studies["park2023"]
    outcomes = [
        o.model_copy(update={"events": 0, "reported_percent": 0.0})
        if (o.endpoint, o.arm) == ("icans_grade3plus", "anakinra")
        else o
        for o in park.outcomes
    ]
    studies = dict(base.studies, park2023=park.model_copy(update={"outcomes": outcomes}))
    tables = {name: getattr(base, name) for name in cache.TABLES}
    tables["studies"] = studies
    return tables


class RunsCode:
    """A pickle that, when loaded, makes a folder: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], None], tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def plant_altered(folder: Path) -> None:
    """Replace the cache file by a genuinely signed one that shows 0/31."""
    (path,) = cache_files(folder)
    payload = pickle.dumps(altered_tables(), protocol=pickle.HIGHEST_PROTOCOL)
    path.write_bytes(sign(folder, path.name, payload))


def plant_code(folder: Path, marker: Path) -> None:
    """Replace the cache file by a pickle that runs code, signed with the real key."""
    (path,) = cache_files(folder)
    path.write_bytes(sign(folder, path.name, pickle.dumps(RunsCode(marker))))


@pytest.fixture
def foreign_owner(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Make chosen files or folders look owned by another uid (os.fstat, by inode)."""
    real_fstat = os.fstat
    foreign: set[tuple[int, int]] = set()

    def fake_fstat(fd: int) -> os.stat_result:
        status = real_fstat(fd)
        if (status.st_dev, status.st_ino) in foreign:
            fields = list(status)[:10]
            fields[4] = os.geteuid() + 1  # st_uid
            return os.stat_result(fields)
        return status

    def mark(path: Path) -> None:
        status = path.lstat()
        foreign.add((status.st_dev, status.st_ino))

    monkeypatch.setattr(cache.os, "fstat", fake_fstat)
    yield mark


# --- the acceptance test of the issue ------------------------------------------------


def test_F2_signed_altered_pickle_is_served_from_a_good_folder(folder: Path) -> None:
    """Control for the tests below: the planted file is a working attack, not a dud.

    In the user's own 0700 folder a file signed with the user's own key is trusted, so
    only the folder checks stand between the plants below and the output.
    """
    plant_altered(folder)
    row, stderr = grade3_row()
    assert ALTERED in row and RIGHT not in row
    assert stderr == ""


@pytest.mark.parametrize("how", ["writable by others", "owned by another uid"])
@pytest.mark.parametrize("payload", ["altered figure", "runs code"])
def test_F2_planted_pickle_in_a_foreign_folder_is_ignored_with_a_warning(
    folder: Path,
    tmp_path: Path,
    foreign_owner: Callable[[Path], None],
    how: str,
    payload: str,
) -> None:
    """The issue's acceptance test: a pickle that would run code or change a figure,
    in a folder owned by another uid or writable by others, is ignored with a warning
    and the right figure is printed."""
    marker = tmp_path / "code-ran"
    if payload == "altered figure":
        plant_altered(folder)
    else:
        plant_code(folder, marker)
    planted = cache_files(folder)[0].read_bytes()
    if how == "writable by others":
        folder.chmod(0o777)
    else:
        foreign_owner(folder)
    row, stderr = grade3_row()
    assert RIGHT in row and ALTERED not in row
    assert not marker.exists(), "the planted pickle ran"
    assert stderr.count("icansctl: warning:") == 1
    assert f"the cache folder {folder}" in stderr
    expected = "mode 0777" if how == "writable by others" else "not by you"
    assert expected in stderr
    # nothing was read from or written to the refused folder
    assert cache_files(folder)[0].read_bytes() == planted


def test_F2_the_warning_is_printed_once_per_process(folder: Path) -> None:
    folder.chmod(0o777)
    first = grade3_row()[1]
    second = grade3_row()[1]
    assert first.count("icansctl: warning:") == 1 and second == ""


# --- the cache file ------------------------------------------------------------------


def test_F2_pickle_with_a_bad_hmac_is_ignored(folder: Path, tmp_path: Path) -> None:
    """Right header, HMAC made with another key: refused before unpickling."""
    marker = tmp_path / "code-ran"
    (path,) = cache_files(folder)
    payload = pickle.dumps(RunsCode(marker))
    other_key = bytes(range(32))
    path.write_bytes(cache.MAGIC + cache._mac(other_key, path.name, payload) + payload)
    row, stderr = grade3_row()
    assert RIGHT in row and not marker.exists()
    assert "failed its integrity check (HMAC)" in stderr
    # the refused file was replaced by a good one: the next run is quiet and cached
    assert cache_files(folder)[0].read_bytes().startswith(cache.MAGIC)
    assert grade3_row() == (row, "")


def test_F2_altered_figures_with_a_bad_hmac_are_ignored(folder: Path) -> None:
    (path,) = cache_files(folder)
    payload = pickle.dumps(altered_tables(), protocol=pickle.HIGHEST_PROTOCOL)
    path.write_bytes(cache.MAGIC + bytes(32) + payload)
    row, stderr = grade3_row()
    assert RIGHT in row and ALTERED not in row
    assert "integrity check" in stderr


def test_F2_a_signed_file_copied_to_another_fingerprint_is_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HMAC covers the file name: a genuine file of other evidence (here the
    altered one) cannot be served under another fingerprint."""
    plant_altered(folder)
    (path,) = cache_files(folder)
    other = "0" * 32
    shutil.copyfile(path, folder / f"evidence-{other}.pickle")
    monkeypatch.setattr(cache, "fingerprint", lambda roots: other)
    calls: list[int] = []

    def load() -> EvidenceBase:
        calls.append(1)
        return load_evidence([])

    warnings: list[str] = []
    base = cache.load_cached([bundled_evidence_dir()], load, warnings.append)
    assert calls == [1]
    (outcome,) = [
        o
        for o in base.studies["park2023"].outcomes
        if (o.endpoint, o.arm) == ("icans_grade3plus", "anakinra")
    ]
    assert (outcome.events, outcome.total) == (3, 31)
    assert len(warnings) == 1 and "failed its integrity check" in warnings[0]


def test_F2_leaked_key_still_cannot_run_code(folder: Path, tmp_path: Path) -> None:
    """Only the evidence model classes can be unpickled, even from a signed file."""
    marker = tmp_path / "code-ran"
    plant_code(folder, marker)
    row, stderr = grade3_row()
    assert RIGHT in row and not marker.exists()
    assert stderr == ""  # signed by us but unusable: silently rebuilt


def test_F2_cache_file_owned_by_another_uid_is_refused(
    folder: Path, foreign_owner: Callable[[Path], None]
) -> None:
    plant_altered(folder)
    foreign_owner(cache_files(folder)[0])
    row, stderr = grade3_row()
    assert RIGHT in row and ALTERED not in row
    assert "the cache file" in stderr and "not by you" in stderr


def test_F2_group_writable_cache_file_is_refused(folder: Path) -> None:
    plant_altered(folder)
    cache_files(folder)[0].chmod(0o620)
    row, stderr = grade3_row()
    assert RIGHT in row and "mode 0620" in stderr


def test_F2_symlinked_cache_file_is_refused(folder: Path, tmp_path: Path) -> None:
    """The cache file is a symlink to a signed, altered file elsewhere: not followed."""
    plant_altered(folder)
    (path,) = cache_files(folder)
    elsewhere = tmp_path / "elsewhere.pickle"
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)
    row, stderr = grade3_row()
    assert RIGHT in row and ALTERED not in row
    assert "is a symbolic link" in stderr
    # replaced by a real file; the link's target was not written through
    assert not path.is_symlink() and path.is_file()
    assert elsewhere.read_bytes().startswith(cache.MAGIC)


def test_F2_symlinked_cache_folder_is_refused(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant_altered(folder)
    link = tmp_path / "link"
    link.symlink_to(folder)
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(link))
    row, stderr = grade3_row()
    assert RIGHT in row and ALTERED not in row
    assert f"the cache folder {link} is a symbolic link" in stderr


def test_F2_group_writable_cache_folder_is_refused(folder: Path) -> None:
    plant_altered(folder)
    folder.chmod(0o770)
    row, stderr = grade3_row()
    assert RIGHT in row and ALTERED not in row
    assert "mode 0770: group or others can write to it" in stderr


def test_F2_a_readable_key_is_refused(folder: Path) -> None:
    """Anyone who can read the key can sign a payload: it must be 0600."""
    plant_altered(folder)
    (folder / cache.KEY_NAME).chmod(0o644)
    row, stderr = grade3_row()
    assert RIGHT in row and "the cache key" in stderr and "mode 0644" in stderr


def test_F2_a_symlinked_key_is_refused(folder: Path, tmp_path: Path) -> None:
    plant_altered(folder)
    key = folder / cache.KEY_NAME
    shutil.move(key, tmp_path / "key")
    key.symlink_to(tmp_path / "key")
    row, stderr = grade3_row()
    assert RIGHT in row and "the cache key" in stderr and "symbolic link" in stderr


@pytest.mark.parametrize("umask", [0o000, 0o277])
def test_F2_folder_key_and_file_are_private_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int
) -> None:
    """0700 and 0600 exactly: umask 000 would make them world-writable, umask 277
    would leave the owner unable to write (0500 / 0400) without an explicit chmod."""
    path = tmp_path / "made" / "cache"
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(path))
    old = os.umask(umask)
    try:
        result = CliRunner().invoke(app, ["list"], catch_exceptions=False)
    finally:
        os.umask(old)
    assert result.exit_code == 0 and result.stderr == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert stat.S_IMODE((path / cache.KEY_NAME).stat().st_mode) == 0o600
    (cached,) = cache_files(path)
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert len((path / cache.KEY_NAME).read_bytes()) == 32


def test_F2_a_file_where_the_folder_should_be_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache"
    path.write_text("not a folder")
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(path))
    row, stderr = grade3_row()
    assert RIGHT in row and "is not a folder" in stderr


# --- F15: hang, crash, wrong shape ---------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no mkfifo on this platform")
def test_F15_a_fifo_in_the_cache_folder_does_not_block(tmp_path: Path) -> None:
    """A FIFO in place of the cache file: the command answers, it does not hang."""
    script = console_script()
    path = tmp_path / "cache"
    env = subprocess_env(ICANSCTL_CACHE_DIR=str(path))
    first = subprocess.run(
        [script, "list"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert first.returncode == 0, first.stderr
    (cached,) = cache_files(path)
    cached.unlink()
    os.mkfifo(cached)
    try:
        # The timeout is only a guard against the hang being tested for: a blocked
        # open() never returns, a working run takes well under a second.
        result = subprocess.run(
            [script, "compare", "anakinra", "-f", "markdown"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("icansctl blocked on a FIFO in the cache folder")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith(GRADE3_ROW)]
    assert any(RIGHT in row for row in rows)
    assert "is not a regular file" in result.stderr


WRONG_SHAPES: dict[str, object] = {
    "every table a string (audit)": dict.fromkeys(cache.TABLES, "x"),
    "every table empty (audit)": {
        "references": {},
        "studies": {},
        "strategies": {},
        "endpoints": {},
        "nodes": {},
        "edges": [],
    },
    "a list": [1, 2, 3],
    "a key missing": {key: {} for key in cache.TABLES[:-1]},
    "an extra key": {**{key: {} for key in cache.TABLES}, "edges": [], "more": {}},
    "strategies of strings": {
        **{key: {} for key in cache.TABLES},
        "edges": [],
        "strategies": {"anakinra": "Anakinra"},
    },
    "edges a dict": {**{key: {} for key in cache.TABLES}, "edges": {}},
    "edges of strings": {**{key: {} for key in cache.TABLES}, "edges": ["a->b"]},
}


def _with_strategies_under_wrong_ids() -> dict[str, object]:
    tables = {name: getattr(load_evidence([]), name) for name in cache.TABLES}
    strategies = tables["strategies"]
    assert isinstance(strategies, dict)
    tables["strategies"] = {f"x{key}": value for key, value in strategies.items()}
    return tables


def _with_a_study_among_the_strategies() -> dict[str, object]:
    base = load_evidence([])
    tables = {name: getattr(base, name) for name in cache.TABLES}
    tables["strategies"] = {**base.strategies, "park2023": base.studies["park2023"]}
    return tables


@pytest.mark.parametrize(
    "shape",
    [*WRONG_SHAPES, "strategies filed under other ids", "a study among the strategies"],
)
def test_F15_a_signed_payload_of_the_wrong_shape_is_rebuilt(folder: Path, shape: str) -> None:
    """Signed with the real key, so only the shape check stands: no traceback, no
    empty list, the right figures, and a good file in its place afterwards."""
    if shape == "strategies filed under other ids":
        tables: object = _with_strategies_under_wrong_ids()
    elif shape == "a study among the strategies":
        tables = _with_a_study_among_the_strategies()
    else:
        tables = WRONG_SHAPES[shape]
    (path,) = cache_files(folder)
    path.write_bytes(sign(folder, path.name, pickle.dumps(tables)))
    result = CliRunner().invoke(app, ["list"], catch_exceptions=False)
    assert result.exit_code == 0 and result.stderr == ""
    for strategy_id in ("anakinra", "defibrotide"):
        assert strategy_id in result.stdout
    row, _ = grade3_row()
    assert RIGHT in row
    calls: list[int] = []

    def load() -> EvidenceBase:
        calls.append(1)
        return load_evidence([])

    cache.load_cached([bundled_evidence_dir()], load)
    assert calls == [], "the rebuilt file is served from the cache"


# --- the fingerprint walks the package -----------------------------------------------


def test_F2_touching_a_module_in_a_subpackage_rebuilds_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key covers every *.py under the package folder, found by walking it, so a
    module moved into a subpackage (as another issue plans) still invalidates it."""
    package, reads = copied_package(tmp_path, monkeypatch)
    sub = package / "core"
    sub.mkdir(exist_ok=True)
    (sub / "__init__.py").write_text("")
    moved = sub / "model_moved.py"
    moved.write_text("X = 1\n")
    reads()
    assert reads() == 1, "unchanged code: served from the cache"

    touch(moved)
    assert reads() == 2, "a touched module in a subpackage gives a new key"

    (sub / "deeper").mkdir()
    (sub / "deeper" / "new.py").write_text("Y = 2\n")
    assert reads() == 3, "a new module two levels down gives a new key"

    (sub / "deeper" / "new.py").rename(sub / "new.py")
    assert reads() == 4, "a module moved between folders gives a new key"

    pycache = sub / "__pycache__"
    pycache.mkdir()
    (pycache / "new.cpython-311.py").write_text("# not code\n")
    assert reads() == 4, "bytecode folders are not part of the key"


def copied_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Callable[[], int]]:
    """A copy of the installed package as the cache's code to fingerprint, and a call
    that loads the bundled evidence through the cache and returns how many times the
    evidence has really been read so far."""
    package = tmp_path / "icansctl"
    shutil.copytree(cache.PACKAGE_ROOT, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_ROOT", package)
    monkeypatch.setenv("ICANSCTL_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[int] = []

    def load() -> EvidenceBase:
        calls.append(1)
        return load_evidence([])

    def reads() -> int:
        cache.load_cached([bundled_evidence_dir()], load)
        return len(calls)

    return package, reads


def touch(path: Path) -> None:
    """A modification time one second later, as an edit would leave."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def test_cache_key_walks_the_whole_package_not_its_own_subpackage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache module lives in icansctl/evidence/ now; its fingerprint must still walk
    all of icansctl/: touching a view module (another subpackage) gives a new key."""
    import icansctl

    assert Path(icansctl.__file__).resolve().parent == cache.PACKAGE_ROOT
    package, reads = copied_package(tmp_path, monkeypatch)
    reads()
    assert reads() == 1
    for module in ("views/compare.py", "render/charts/forest_svg.py", "evidence/model.py"):
        before = reads()
        touch(package / module)
        assert reads() == before + 1, f"touching {module} must rebuild the cache"
