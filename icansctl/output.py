"""Writing outputs: atomically, so an error never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path


def is_stream(path: Path) -> bool:
    """True for ``-`` (standard output) and for an existing target that is not a regular
    file: /dev/stdout, a pipe, a tty.

    Such a target is written in place: renaming a temporary file over it would replace
    the device (as root, /dev/stdout itself) instead of writing to it.
    """
    if str(path) == "-":
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _real_target(path: Path) -> Path:
    """Where the bytes should land: through a symbolic link, to the file it names."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _write_in_place(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder, then rename.

    On any failure the temporary file is removed and an existing ``path`` is untouched.
    ``-`` means standard output; a device or pipe (``/dev/stdout``) is written in
    place; a symbolic link keeps pointing at its file, which gets the new text.
    """
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if is_stream(path):
        _write_in_place(path, text)
        return
    write_files_atomic({path: text})


def write_files_atomic(files: dict[Path, str]) -> None:
    """Write several files all-or-nothing as far as the file system allows.

    Every file is first written in full to a temporary file beside its target; only
    when all are staged are they renamed into place.  A failure while staging removes
    the temporary files and leaves every existing target untouched.
    """
    staged: list[tuple[str, Path]] = []
    streams: list[tuple[Path, str]] = []
    try:
        for given, text in files.items():
            if is_stream(given):
                streams.append((given, text))
                continue
            path = _real_target(given)
            folder = path.parent if str(path.parent) else Path(".")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
            os.chmod(tmp, mode)
        while staged:
            tmp, path = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
        for path, text in streams:
            _write_in_place(path, text)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
