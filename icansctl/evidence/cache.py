"""A cache of validated evidence, so that rendering commands start fast.

Parsing and validating the YAML costs more than everything else ``compare`` does.
The rendering commands (list, show, compare, mechanisms, refs, slides, plot) only
need the validated entities, so after a clean load we pickle them, keyed by a
fingerprint of every evidence file (path, size, modification and change times,
inode), of every ``*.py`` file of the installed package (found by walking its folder,
so a module moved into a subpackage still counts) and of the library versions that
define the pickled format.  Any change to a file gives a new key.

A pickle can run code when it is loaded, so a cache file is only believed when it is
ours (audit F2, F15):

* the cache folder must be owned by the current user and not writable by group or
  others; it is created 0700 whatever the umask, opened once with ``O_NOFOLLOW``
  (a symlink there is refused), and every file in it is then opened relative to
  that open folder, so the folder cannot be swapped between the check and the use;
* a cache file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and must be a regular file
  (a FIFO planted there never blocks), owned by the user and not group- or
  other-writable;
* every file carries an HMAC-SHA256 of its fingerprint and payload, keyed by 32
  random bytes in ``hmac-key`` (0600, created with ``O_EXCL | O_NOFOLLOW`` and
  published with a no-replace link, owner- and mode-checked on each read).  The HMAC
  is verified *before* unpickling; a payload signed by someone else, or moved to
  another fingerprint's name, is refused;
* unpickling is restricted to the evidence model classes (no other global can be
  named, so not even a leaked key gives code execution), and the loaded tables are
  checked for their full top-level shape (each table's type, each entry's model class
  and id); a payload of any other shape, or with no strategies, is rebuilt.

A refused folder or file is reported once per process on stderr, and the command
proceeds by reading the evidence itself: the output is the same, only slower.  A
refused file in a good folder is then replaced by a fresh one.  Other failures (a
read-only disk, no space) silently fall back to loading, as before.

``icansctl check`` never uses this cache: a check always reads and validates anew.
Set ``ICANSCTL_NO_CACHE=1`` to turn it off, ``ICANSCTL_CACHE_DIR`` to move it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import io
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..version import __version__
from .base import EvidenceBase
from .model import Strategy, Study
from .model_reference import Reference
from .model_topics import Endpoint, MechanismEdge, MechanismNode
from .private_folder import (
    SUPPORTED,
    CacheRefused,
    create_exclusive,
    open_folder,
    read_regular,
    temp_name,
)

# "overrides" too: outputs mark an entity that local evidence put over a bundled one.
TABLES = ("references", "studies", "strategies", "endpoints", "nodes", "edges", "overrides")
KEEP = 8  # cache files kept (one per distinct set of evidence directories)
# Bumped whenever the file layout below changes; also part of the fingerprint.
MAGIC = b"icansctl-evidence-cache 2\n"
KEY_NAME = "hmac-key"
KEY_BYTES = 32
MAC_BYTES = hashlib.sha256().digest_size
# The installed package, walked for the fingerprint.  A module-level name so that
# tests can point it at a copy.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # icansctl/, above this subpackage

# The dict tables of EvidenceBase and the model class of their values.
_DICT_TABLES: dict[str, type[Any]] = {
    "references": Reference,
    "studies": Study,
    "strategies": Strategy,
    "endpoints": Endpoint,
    "nodes": MechanismNode,
}

_warned = False


def cache_dir() -> Path | None:
    """Where cached evidence lives, or None when caching is off."""
    if os.environ.get("ICANSCTL_NO_CACHE"):
        return None
    explicit = os.environ.get("ICANSCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root, "icansctl")


def _code_files(folder: str, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
    """Every ``*.py`` file under ``folder`` (relative path, stat), in a stable order.

    Walked rather than listed by name: a module added, removed, edited or moved into
    a subpackage changes the set, and so the key.  Skipped: bytecode and hidden
    folders, and ``_bundled`` (a wheel's data: its evidence is fingerprinted as a root,
    and templates do not shape the cached entities).  ``scandir`` rather than
    ``os.walk``: this runs on every cached start.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.endswith(".py"):
            with contextlib.suppress(OSError):
                yield prefix + name, entry.stat()
        elif (
            name not in ("__pycache__", "_bundled")
            and not name.startswith(".")
            and entry.is_dir(follow_symlinks=False)
        ):
            yield from _code_files(entry.path, f"{prefix}{name}/")


def fingerprint(roots: Iterable[Path]) -> str:
    """A key that changes whenever any evidence file or the package's code changes."""
    from pydantic.version import VERSION as PYDANTIC_VERSION

    from .discovery import discover

    digest = hashlib.sha256()
    digest.update(MAGIC)
    digest.update(
        f"{__version__}|{sys.version}|{pickle.HIGHEST_PROTOCOL}|{PYDANTIC_VERSION}".encode()
    )
    for relative, status in _code_files(str(PACKAGE_ROOT)):
        digest.update(
            f"\0code:{relative}:{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}".encode()
        )
    for root in roots:
        digest.update(f"\0root:{os.path.abspath(root)}".encode())
        if not root.exists():
            digest.update(b":missing")
            continue
        for path in discover(root):
            try:
                status = path.stat()
            except OSError:
                digest.update(f"\0{path}:unreadable".encode())
                continue
            # ctime too: restoring a file's mtime (touch -d, some sync tools) after an
            # edit of the same size would otherwise leave stale figures in the cache.
            digest.update(
                f"\0{path}:{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"
                f":{status.st_ino}".encode()
            )
    return digest.hexdigest()[:32]


def _key(folder_fd: int, what: str = "the cache key") -> bytes:
    """This user's HMAC key (32 random bytes), made on first use.

    The key is written to a temporary file first and published with ``os.link``, which
    never replaces an existing name: two first runs at once agree on one key, and no
    run ever reads a half-written key.
    """
    for _ in range(2):
        key = read_regular(KEY_NAME, folder_fd, what, private=True)
        if key is not None:
            if len(key) != KEY_BYTES:
                raise CacheRefused(f"{what} is not {KEY_BYTES} bytes long")
            return key
        key = os.urandom(KEY_BYTES)
        temp = temp_name("key")
        create_exclusive(temp, folder_fd, key)
        try:
            os.link(temp, KEY_NAME, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
            return key
        except FileExistsError:  # another run published its key first: read that one
            continue
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=folder_fd)
    raise OSError(errno.EAGAIN, "the cache key kept changing")


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    # The file name (which holds the fingerprint) is signed too: a genuine file
    # copied to another fingerprint's name would serve the figures of other evidence.
    return hmac.new(key, name.encode() + b"\0" + payload, hashlib.sha256).digest()


class _ModelUnpickler(pickle.Unpickler):
    """An unpickler that can build the evidence models and nothing else.

    A pickle names every class or function it calls; refusing all names but the
    model classes means a payload cannot call ``os.system`` even with a valid HMAC.
    """

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file)
        self._allowed = _model_classes()

    def find_class(self, module: str, name: str) -> Any:
        """The model class ``module.name``; UnpicklingError for anything else."""
        found = self._allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not an evidence model")
        return found


def _model_classes() -> dict[tuple[str, str], type[Any]]:
    """The pydantic model classes of the evidence model modules, by (module, name).

    Read from the modules that define the top-level models and their common parts
    (``model``, ``model_certainty``, ``model_dates``, ``model_reference``,
    ``model_topics``, ``model_types``), so the list follows the models wherever they
    move and whatever they add; and ``datetime.date``, the one value type the models
    hold that is not a builtin.
    """
    import datetime

    from pydantic import BaseModel

    from . import model, model_certainty, model_dates, model_reference, model_topics, model_types

    modules = (model, model_certainty, model_reference, model_topics, model_types, model_dates)
    return {("datetime", "date"): datetime.date} | {
        (module.__name__, name): value
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    }


def _tables_to_base(tables: object) -> EvidenceBase | None:
    """An EvidenceBase from unpickled tables of exactly the right shape, else None.

    Every top-level part is checked: the dict and its keys, each table's type, each
    entry's model class and that it is filed under its own id, the edge list's
    items.  Tables with no strategy are refused too: the bundled evidence always has
    some, and an empty list would look like evidence that says nothing.
    """
    if type(tables) is not dict or set(tables) != set(TABLES):
        return None
    for name, model in _DICT_TABLES.items():
        table = tables[name]
        if type(table) is not dict:
            return None
        for entity_id, entity in table.items():
            if type(entity) is not model or type(entity_id) is not str or entity.id != entity_id:
                return None
    edges = tables["edges"]
    if type(edges) is not list or any(type(edge) is not MechanismEdge for edge in edges):
        return None
    if not tables["strategies"]:
        return None
    return EvidenceBase(**{name: tables[name] for name in TABLES})


def _read(folder_fd: int, name: str, key: bytes, what: str) -> EvidenceBase | None:
    """The cached evidence in ``name``, or None when there is none or it is unusable.

    Raises CacheRefused for a file we did not write (owner, mode, link, not a regular
    file, HMAC mismatch).
    """
    from .discovery import paused_gc

    data = read_regular(name, folder_fd, what)
    if data is None:
        return None
    header = len(MAGIC) + MAC_BYTES
    if len(data) < header or not data.startswith(MAGIC):
        raise CacheRefused(f"{what} is not an icansctl cache file")
    payload = memoryview(data)[header:]
    if not hmac.compare_digest(data[len(MAGIC) : header], _mac(key, name, bytes(payload))):
        raise CacheRefused(f"{what} failed its integrity check (HMAC)")
    try:
        with paused_gc():
            tables = _ModelUnpickler(io.BytesIO(payload)).load()
    except Exception:  # signed by us but unreadable (a model changed shape): rebuild
        return None
    return _tables_to_base(tables)


def _write(folder_fd: int, name: str, key: bytes, base: EvidenceBase) -> None:
    """Store ``base`` as ``name``: written to a new temporary file, then renamed."""
    tables = {table: getattr(base, table) for table in TABLES}
    payload = pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL)
    temp = temp_name("evidence")
    create_exclusive(temp, folder_fd, MAGIC + _mac(key, name, payload) + payload)
    try:
        # Replaces whatever had the name (a refused file, a FIFO, a symlink) without
        # following it.
        os.replace(temp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp, dir_fd=folder_fd)
    _prune(folder_fd)


def _prune(folder_fd: int) -> None:
    """Keep the KEEP most recently written cache files."""
    files: list[tuple[int, str]] = []
    with os.scandir(folder_fd) as entries:
        for entry in entries:
            if entry.name.startswith("evidence-") and entry.name.endswith(".pickle"):
                with contextlib.suppress(OSError):
                    files.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
    for _, stale in sorted(files)[:-KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(stale, dir_fd=folder_fd)


def _warn_once(message: str) -> None:
    """Print a refusal on stderr, the first time in this process only."""
    global _warned
    if not _warned:
        _warned = True
        sys.stderr.write(f"icansctl: warning: {message}; reading the evidence without the cache\n")
        # At once, before the command's own output; and Click < 8.2's test runner reads
        # its stderr buffer without flushing it.
        sys.stderr.flush()


def load_cached(
    roots: list[Path],
    load: Callable[[], EvidenceBase],
    warn: Callable[[str], None] = _warn_once,
) -> EvidenceBase:
    """The evidence under ``roots``: from the cache when unchanged, else ``load()``.

    Only a load without errors is cached, so errors are always reported afresh.
    A cache folder or file that may have been written by someone else is never read:
    ``warn`` gets one line saying why, and the evidence is loaded instead.
    """
    folder = cache_dir()
    if folder is None or not SUPPORTED:
        return load()
    try:
        folder_fd = open_folder(folder)
    except CacheRefused as refused:
        warn(str(refused))
        return load()
    except OSError:  # cannot be made or opened (read-only disk...): no cache
        return load()
    try:
        return _load_in(folder, folder_fd, roots, load, warn)
    finally:
        os.close(folder_fd)


def _load_in(
    folder: Path,
    folder_fd: int,
    roots: list[Path],
    load: Callable[[], EvidenceBase],
    warn: Callable[[str], None],
) -> EvidenceBase:
    name = f"evidence-{fingerprint(roots)}.pickle"
    try:
        key = _key(folder_fd, f"the cache key {folder / KEY_NAME}")
    except CacheRefused as refused:
        warn(str(refused))
        return load()
    except OSError:
        return load()
    try:
        cached = _read(folder_fd, name, key, f"the cache file {folder / name}")
    except CacheRefused as refused:
        warn(str(refused))
        cached = None
    except OSError:
        cached = None
    if cached is not None:
        return cached
    base = load()
    if not base.errors and base.strategies:
        with contextlib.suppress(OSError, pickle.PicklingError):
            _write(folder_fd, name, key, base)
    return base
