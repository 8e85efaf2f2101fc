"""Light helpers for reading evidence: where it is, which files, and a GC pause.

Shared by the loader and the cache, and free of heavy imports (no PyYAML, no
pydantic) so that a cached start never pays for them.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")
ENV_VAR = "ICANSCTL_EVIDENCE"
# The folders whose name says what kind of evidence the files below them hold.
KIND_FOLDERS = ("references", "studies", "strategies")


def kind_folder(path: Path) -> str | None:
    """The nearest folder above ``path`` that names an evidence kind, if any."""
    for folder in reversed(path.parent.parts):
        if folder in KIND_FOLDERS:
            return folder
    return None


def is_yaml_name(name: str) -> bool:
    """True for a name ending in .yaml or .yml in any case (``x.YAML`` too).

    Evidence kept on a case-insensitive disk, or copied from one, often ends in upper
    case; leaving such files out would make ``check`` pass on evidence it never read.
    """
    return name.casefold().endswith(YAML_SUFFIXES)


def discover(root: Path, unreadable: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Every YAML file under ``root`` (or ``root`` itself), in a stable order.

    Hidden folders and files (``.git``, ``.pre-commit-hooks.yaml``) are skipped when
    walking a folder; a file named explicitly is always taken.  Symlinked folders are
    followed (a ``studies/`` linked from elsewhere is evidence like any other), each
    real folder once: a folder already visited, by (device, inode), is not entered
    again, so a link loop or two links to one folder cannot repeat or hang the walk.
    A folder that cannot be listed is appended to ``unreadable`` with the reason, so
    that the caller can report it: evidence silently left out would look like
    evidence that passed.
    """
    if not root.is_dir():
        return [root]

    def skipped(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append((Path(error.filename or root), error.strerror or str(error)))

    visited: set[tuple[int, int]] = set()

    def first_visit(folder: str) -> bool:
        try:
            info = os.stat(folder)
        except OSError as error:  # a dangling link or a folder that vanished
            skipped(error)
            return False
        key = (info.st_dev, info.st_ino)
        if key in visited:
            return False
        visited.add(key)
        return True

    first_visit(os.fspath(root))
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=skipped, followlinks=True):
        dirnames[:] = [
            d
            for d in sorted(dirnames)
            if not d.startswith(".") and first_visit(os.path.join(dirpath, d))
        ]
        found.extend(
            Path(dirpath, f) for f in sorted(filenames) if is_yaml_name(f) and not f.startswith(".")
        )
    return found


def display_path(path: Path, cwd: str | None = None) -> str:
    """A path as users should see it: relative to the working directory when inside it.

    ``cwd`` (``os.getcwd()``) may be passed by callers that show many paths, so that
    the working directory is looked up once per run rather than once per file.
    """
    # Fast path without touching the disk (getcwd is already free of symlinks); resolve
    # only what lies outside, which may still lead back inside through a symlink.
    if cwd is None:
        cwd = os.getcwd()
    text = os.fspath(path)
    absolute = os.path.normpath(os.path.join(cwd, text))
    inside = cwd.rstrip(os.sep) + os.sep
    if absolute.startswith(inside) and ".." not in text.split(os.sep):
        return absolute[len(inside) :]  # what relpath would say, without its splitting
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except (ValueError, OSError):
        return text


def bundled_evidence_dir() -> Path:
    """The evidence shipped with icansctl (inside the wheel, or the source checkout)."""
    package = Path(__file__).resolve().parent.parent  # icansctl/, one up from this layer
    installed = package / "_bundled" / "evidence"
    return installed if installed.is_dir() else package.parent / "evidence"


def evidence_dirs_from_env() -> list[Path]:
    """Directories named in ICANSCTL_EVIDENCE (os.pathsep-separated)."""
    raw = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Loading allocates tens of thousands of objects that all stay alive, so the
    collector's passes over them find nothing and only cost time (about a tenth of
    a ``compare``); reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
