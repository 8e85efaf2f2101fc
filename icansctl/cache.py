"""A cache of validated evidence, so that rendering commands start fast.

Parsing and validating the YAML costs more than everything else ``compare`` does.
The rendering commands (list, show, compare, mechanisms, refs, slides, plot) only
need the validated entities, so after a clean load we pickle them, keyed by a
fingerprint of every evidence file (path, size, modification and change times,
inode) and of the icansctl code that defines the format.  Any change to a file gives a new key.

``icansctl check`` never uses this cache: a check always reads and validates anew.
The cache is best effort: any failure to read or write it falls back to loading.
Set ``ICANSCTL_NO_CACHE=1`` to turn it off, ``ICANSCTL_CACHE_DIR`` to move it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .evidence import EvidenceBase

# "overrides" too: outputs mark an entity that local evidence put over a bundled one.
TABLES = ("references", "studies", "strategies", "endpoints", "nodes", "edges", "overrides")
KEEP = 8  # cache files kept (one per distinct set of evidence directories)


def cache_dir() -> Path | None:
    """Where cached evidence lives, or None when caching is off."""
    if os.environ.get("ICANSCTL_NO_CACHE"):
        return None
    explicit = os.environ.get("ICANSCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root, "icansctl")


def fingerprint(roots: Iterable[Path]) -> str:
    """A key that changes whenever any evidence file or the format's code changes."""
    from .files import discover

    digest = hashlib.sha256()
    code = Path(__file__).resolve().parent
    digest.update(f"{__version__}|{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
    for module in ("model.py", "loader.py", "validate.py", "yamlsource.py", "cache.py"):
        with contextlib.suppress(OSError):
            stat = (code / module).stat()
            digest.update(f"|{module}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for root in roots:
        digest.update(f"\0root:{os.path.abspath(root)}".encode())
        if not root.exists():
            digest.update(b":missing")
            continue
        for path in discover(root):
            try:
                stat = path.stat()
            except OSError:
                digest.update(f"\0{path}:unreadable".encode())
                continue
            # ctime too: restoring a file's mtime (touch -d, some sync tools) after an
            # edit of the same size would otherwise leave stale figures in the cache.
            digest.update(
                f"\0{path}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}".encode()
            )
    return digest.hexdigest()[:32]


def _read(path: Path) -> EvidenceBase | None:
    from .files import paused_gc

    try:
        with path.open("rb") as handle, paused_gc():
            tables: dict[str, Any] = pickle.load(handle)
        return EvidenceBase(**{name: tables[name] for name in TABLES})
    except Exception:  # a stale, partial or foreign file: ignore it and reload
        return None


def _write(folder: Path, path: Path, base: EvidenceBase) -> None:
    import tempfile  # only when writing: a cached start never needs it

    tables = {name: getattr(base, name) for name in TABLES}
    with contextlib.suppress(OSError, pickle.PicklingError):
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".evidence-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(tables, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        old = sorted(folder.glob("evidence-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink()


def load_cached(roots: list[Path], load: Callable[[], EvidenceBase]) -> EvidenceBase:
    """The evidence under ``roots``: from the cache when unchanged, else ``load()``.

    Only a load without errors is cached, so errors are always reported afresh.
    """
    folder = cache_dir()
    if folder is None:
        return load()
    path = folder / f"evidence-{fingerprint(roots)}.pickle"
    cached = _read(path) if path.exists() else None
    if cached is not None:
        return cached
    base = load()
    if not base.errors:
        _write(folder, path, base)
    return base
