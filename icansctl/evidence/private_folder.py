"""A folder only this user can have written, and files read from it without surprises.

What the evidence cache needs so that a planted file can never run code or change a
figure: the folder and its files must be owned by the user and not writable by group
or others, are opened without following links (relative to the pinned folder), and
are read only when regular and not too big.  Anything else is ``CacheRefused``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

# Far above a real cache (~80 KB for the bundled evidence, a few MB for thousands of
# strategies): a bigger file is not one of ours, and is not read into memory.
MAX_BYTES = 256 * 1024 * 1024

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
# Without these (Windows) a folder cannot be pinned and links not refused: no cache.
SUPPORTED = bool(_O_NOFOLLOW and _O_DIRECTORY) and os.open in os.supports_dir_fd


class CacheRefused(Exception):
    """The cache folder or a file in it may have been written by someone else.

    Raised inside this module and reported once as a warning: the command then reads
    the evidence itself.
    """


def _check_owned(status: os.stat_result, what: str, private: bool = False) -> None:
    """Raise CacheRefused unless ``status`` is ours and writable by us alone.

    ``private`` also refuses group or other *read* access (for the key).
    """
    uid = os.geteuid()
    if status.st_uid != uid:
        raise CacheRefused(f"{what} is owned by uid {status.st_uid}, not by you (uid {uid})")
    mode = stat.S_IMODE(status.st_mode)
    if mode & (0o077 if private else 0o022):
        who = "group or others can read it" if private else "group or others can write to it"
        raise CacheRefused(f"{what} has mode {mode:04o}: {who}")


def _refused_open(
    error: OSError, path: str | Path, what: str, folder_fd: int | None = None
) -> None:
    """Raise the CacheRefused an ``O_NOFOLLOW`` open's error stands for, if it is one.

    A symlink gives ELOOP (EMLINK on FreeBSD), or ENOTDIR when a folder was asked
    for; ``lstat`` tells a link from a plain file then.
    """
    if error.errno in (errno.ELOOP, errno.EMLINK):
        raise CacheRefused(f"{what} is a symbolic link") from None
    if error.errno == errno.ENOTDIR:
        with contextlib.suppress(OSError):
            if stat.S_ISLNK(os.lstat(path, dir_fd=folder_fd).st_mode):
                raise CacheRefused(f"{what} is a symbolic link") from None
        raise CacheRefused(f"{what} is not a folder") from None


def open_folder(folder: Path) -> int:
    """The cache folder opened (created 0700 when missing) and checked; an fd.

    Raises CacheRefused for a folder that is a symlink, someone else's, or writable by
    group or others; OSError when it cannot be made (read-only disk...).
    """
    what = f"the cache folder {folder}"
    flags = os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC
    created = False
    try:
        fd = _open_nofollow(folder, flags, what)
    except FileNotFoundError:
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(folder, 0o700)
            created = True
        except FileExistsError:  # made by a concurrent run: checked below like any other
            pass
        fd = _open_nofollow(folder, flags, what)
    try:
        if created:
            # mkdir's mode is filtered by the umask: set 0700 explicitly, on the fd.
            os.fchmod(fd, 0o700)
        _check_owned(os.fstat(fd), what)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_nofollow(path: str | Path, flags: int, what: str, folder_fd: int | None = None) -> int:
    """``os.open`` that turns a symlink (or a file where a folder should be) into a refusal."""
    try:
        return os.open(path, flags, dir_fd=folder_fd)
    except FileNotFoundError:
        raise
    except OSError as error:
        _refused_open(error, path, what, folder_fd)
        raise


def read_regular(name: str, folder_fd: int, what: str, private: bool = False) -> bytes | None:
    """The bytes of ``name`` in the folder, or None when it does not exist.

    Never follows a symlink and never blocks (O_NONBLOCK, then a regular file only);
    refuses a file that is not ours alone to write (or, ``private``, to read).
    """
    flags = os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC
    try:
        fd = _open_nofollow(name, flags, what, folder_fd)
    except FileNotFoundError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise CacheRefused(f"{what} is not a regular file")
        _check_owned(status, what, private)
        if status.st_size > MAX_BYTES:
            raise CacheRefused(f"{what} is larger than any cache icansctl writes")
        chunks: list[bytes] = []
        left = status.st_size + 1  # one byte more: a file that grew is seen to grow
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > status.st_size:
            raise CacheRefused(f"{what} changed while it was read")
        return data
    finally:
        os.close(fd)


def create_exclusive(name: str, folder_fd: int, data: bytes) -> None:
    """Write ``data`` to a new 0600 file ``name`` (O_EXCL | O_NOFOLLOW) in the folder."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC
    fd = os.open(name, flags, 0o600, dir_fd=folder_fd)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask made of the mode
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder_fd)
        raise
    os.close(fd)


def temp_name(prefix: str) -> str:
    return f".{prefix}-{os.getpid()}-{os.urandom(6).hex()}.tmp"
