"""Writing outputs: atomically, so an error never leaves a half-written file; and
standard output that cannot encode Unicode gets ASCII instead of a traceback."""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Literal


class OutputError(OSError):
    """An output could not be written.

    ``filename`` is always the path the user gave (never a temporary file beside it),
    and ``str()`` is the one-line message the command line prints.
    """

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


def _failed(given: Path, err: OSError) -> OutputError:
    return OutputError(err.errno or errno.EIO, err.strerror or str(err), str(given))


def is_stream(path: Path) -> bool:
    """True for ``-`` (standard output) and for an existing target that is not a regular
    file: /dev/stdout, a pipe, a tty.

    Such a target is written in place: renaming a temporary file over it would replace
    the device (as root, /dev/stdout itself) instead of writing to it.  A directory is
    not a stream: writing to it is an error, reported as such.
    """
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _real_target(path: Path) -> Path:
    """Where the bytes should land: through a symbolic link, to the file it names."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _write_in_place(path: Path, text: str | bytes) -> None:
    if isinstance(text, bytes):
        with open(path, "wb") as binary:
            binary.write(text)
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def new_file_mode() -> int:
    """The mode a new file gets from ``open()``: 0666 less the process umask.

    The umask can only be read by setting it, so it is set and put back at once.
    """
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


Escape = Literal["text", "json", "xml"]


def write_atomic(path: Path, text: str, *, escape: Escape = "text") -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder, then rename.

    On any failure the temporary file is removed and an existing ``path`` is untouched.
    ``-`` means standard output (``escape`` says how to keep the text exact there if
    it cannot encode Unicode, see ``write_stdout``); a device or pipe (``/dev/stdout``)
    is written in place; a symbolic link keeps pointing at its file, which gets the
    new text.  Raises ``OutputError`` naming ``path``.
    """
    if str(path) == "-":
        write_stdout(text, escape=escape)
        return
    if is_stream(path):
        try:
            _write_in_place(path, text)
        except OSError as err:
            raise _failed(path, err) from err
        return
    write_files_atomic({path: text})


def _check_target(given: Path, path: Path) -> None:
    """Fail before anything is replaced if ``path`` cannot be renamed over."""
    if path.is_dir():
        raise OutputError(errno.EISDIR, os.strerror(errno.EISDIR), str(given))


def write_files_atomic(files: Mapping[Path, str | bytes]) -> None:
    """Write several files all-or-nothing as far as the file system allows.

    Text is written as UTF-8; bytes (a .pptx) as they are.

    Every file is first written in full to a temporary file beside its target, and
    every target is checked (a directory cannot be replaced by a file); only then are
    they renamed into place.  If a rename still fails, the files already renamed are
    put back as they were: an existing file from a hard-linked copy taken before, a
    new one removed.  A new file gets the mode ``open()`` would give it (0666 less
    the umask); a replaced one keeps its mode.  Errors are ``OutputError`` naming the
    user's path.
    """
    staged: list[tuple[str, Path, Path]] = []  # (temporary file, target, path given)
    streams: list[tuple[Path, str | bytes]] = []
    backups: dict[Path, str] = {}  # target -> hard link to its previous content
    renamed: list[Path] = []
    done = False
    mode_for_new = new_file_mode()
    try:
        for given, text in files.items():
            if is_stream(given):
                streams.append((given, text))
            else:
                _stage(given, text, mode_for_new, staged)
        # Checked again just before renaming: the slower staging leaves time for change.
        for _, path, given in staged:
            _check_target(given, path)
        backups.update(_hard_link_backups([path for _, path, _ in staged]))
        for tmp, path, given in staged:
            try:
                os.replace(tmp, path)
            except OSError as err:
                raise _failed(given, err) from err
            renamed.append(path)
        for path, text in streams:
            try:
                _write_in_place(path, text)
            except OSError as err:
                raise _failed(path, err) from err
        done = True
    finally:
        if not done:
            _roll_back(renamed, backups)
        for leftover in [tmp for tmp, _, _ in staged] + list(backups.values()):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def _stage(
    given: Path, text: str | bytes, mode_for_new: int, staged: list[tuple[str, Path, Path]]
) -> None:
    """Write ``text`` in full to a temporary file beside ``given``'s real target, with
    the mode the target will have; recorded in ``staged`` as soon as it exists, so
    that it is removed whatever happens next."""
    path = _real_target(given)
    _check_target(given, path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise _failed(given, err) from err
    staged.append((tmp, path, given))
    try:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else mode_for_new
        os.chmod(tmp, mode)
    except OSError as err:
        raise _failed(given, err) from err


def _hard_link_backups(paths: list[Path]) -> dict[Path, str]:
    """A hard link to each existing target's present content, to roll back to."""
    backups: dict[Path, str] = {}
    for path in paths:
        if path.exists():
            with contextlib.suppress(OSError):  # no hard links here: no rollback
                backup = f"{_temporary_name(path)}.bak"
                os.link(path, backup)
                backups[path] = backup
    return backups


def _roll_back(renamed: list[Path], backups: dict[Path, str]) -> None:
    """Put the targets already renamed back as they were: the old content, or none."""
    for path in reversed(renamed):
        with contextlib.suppress(OSError):
            if path in backups:
                os.replace(backups.pop(path), path)
            else:
                os.unlink(path)


def _temporary_name(path: Path) -> str:
    """A fresh hidden name beside ``path`` (the caller creates the file)."""
    folder = path.parent if str(path.parent) else Path(".")
    return str(folder / f".{path.name}.{os.urandom(6).hex()}")


# --- standard output that cannot encode Unicode --------------------------------------

# What the outputs print beyond ASCII, and what an ASCII terminal gets instead.  The
# replacements keep the meaning: "≥3" must never become ">3".
ASCII_FALLBACKS: dict[str, str] = {
    "–": "-",  # en dash: ranges, CIs (18.1–56.7)
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "≥": ">=",
    "≤": "<=",
    "†": "+",
    "‡": "++",
    "•": "*",
    "·": "*",
    "…": "...",
    "×": "x",
    "→": "->",
    "←": "<-",
    "◀": "<-",
    "▶": "->",
    # certainty of evidence in Markdown ('⊕⊕◯◯ low' -> '++oo low'; the terminal prints
    # the words alone where it cannot print the circles)
    "⊕": "+",
    "◯": "o",
    # the forest chart: one character each, so that the chart keeps its scale
    "●": "O",
    "○": "o",
    "◇": "#",
    "□": "#",
    "◆": "#",
    "■": "#",
    "┆": ":",
    "│": "|",
    "┃": "|",
    "─": "-",
    "━": "-",
    "├": "|",
    "┤": "|",
    "┼": "+",
    "┬": "+",
    "┴": "+",
    "└": "+",
    "┌": "+",
    "┐": "+",
    "┘": "+",
    "╴": "-",
    "╶": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "±": "+/-",
    "≈": "~",
    "µ": "u",
    "μ": "u",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "κ": "kappa",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}
ERROR_HANDLER = "icansctl-ascii"
# A sample of what the outputs print: a stream that cannot encode these needs fallbacks.
_PROBE = "–≥†•…"


def ascii_fallback(char: str) -> str:
    """The ASCII stand-in for one character: from the table, else its letters without
    accents (é -> e), else '?'."""
    if char in ASCII_FALLBACKS:
        return ASCII_FALLBACKS[char]
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return base or "?"


def needs_fallback(encoding: str | None) -> bool:
    """True when a stream in ``encoding`` cannot print what icansctl prints."""
    try:
        _PROBE.encode(encoding or "utf-8")
    except (UnicodeError, LookupError):
        return True
    return False


def _error_handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(ascii_fallback(c) for c in bad), error.end


def _register_error_handler() -> None:
    try:
        codecs.lookup_error(ERROR_HANDLER)
    except LookupError:
        codecs.register_error(ERROR_HANDLER, _error_handler)


def fallback_text(text: str, encoding: str | None) -> str:
    """``text`` with every character ``encoding`` cannot encode replaced by ASCII."""
    encoding = encoding or "utf-8"
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:  # an encoding Python does not know: plain ASCII is safe
        encoding = "ascii"
    _register_error_handler()
    return text.encode(encoding, errors=ERROR_HANDLER).decode(encoding)


def json_ascii(text: str) -> str:
    """JSON text with every non-ASCII character written as a ``\\u`` escape.

    Valid JSON has non-ASCII characters only inside strings, where the escape means
    the same character, so the data are unchanged (as with ``ensure_ascii``).
    """

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code > 0xFFFF:  # outside the BMP: a UTF-16 surrogate pair, as JSON wants
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return re.sub(r"[^\x00-\x7f]", escape, text)


def install_stdout_fallback() -> None:
    """Make standard output and error print ASCII stand-ins for what their encoding
    cannot encode (``PYTHONIOENCODING=ascii``, ``LC_ALL=C``), instead of raising.

    The outputs themselves are converted before they are printed (so that tables
    keep their alignment and JSON stays exact); this is the safety net under them.
    """
    _register_error_handler()
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and needs_fallback(encoding):
            with contextlib.suppress(Exception):  # a replaced or closed stream: leave it
                reconfigure(errors=ERROR_HANDLER)


def stdout_encoding() -> str:
    """The encoding of the current standard output (UTF-8 when it does not say)."""
    return getattr(sys.stdout, "encoding", None) or "utf-8"


def write_stdout(text: str, *, escape: Escape = "text") -> None:
    """Print a whole output to standard output, in ASCII where it cannot encode more.

    Escapes keep the data exact where the format has them: JSON gets ``\\u`` escapes,
    XML (SVG) character references; other text gets the ``ASCII_FALLBACKS`` stand-ins.
    """
    encoding = stdout_encoding()
    if needs_fallback(encoding):
        if escape == "json":
            text = json_ascii(text)
        elif escape == "xml":
            text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
        else:
            text = fallback_text(text, encoding)
    sys.stdout.write(text)
    sys.stdout.flush()
