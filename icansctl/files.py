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


def discover(root: Path, unreadable: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Every YAML file under ``root`` (or ``root`` itself), in a stable order.

    Hidden folders and files (``.git``, ``.pre-commit-hooks.yaml``) are skipped when
    walking a folder; a file named explicitly is always taken.  A folder that cannot
    be listed is appended to ``unreadable`` with the reason, so that the caller can
    report it: evidence silently left out would look like evidence that passed.
    """
    if not root.is_dir():
        return [root]

    def skipped(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append((Path(error.filename or root), error.strerror or str(error)))

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=skipped):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(
            Path(dirpath, f)
            for f in sorted(filenames)
            if f.endswith(YAML_SUFFIXES) and not f.startswith(".")
        )
    return found


def bundled_evidence_dir() -> Path:
    """The evidence shipped with icansctl (inside the wheel, or the source checkout)."""
    here = Path(__file__).resolve().parent
    installed = here / "_bundled" / "evidence"
    return installed if installed.is_dir() else here.parent / "evidence"


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
