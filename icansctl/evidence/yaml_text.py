"""Hazards in the text of a YAML file that the parser would pass silently.

Control and invisible characters (bidirectional overrides can make a figure read
differently from what it is), tab indentation, YAML 1.1 number forms (``010`` is 8),
UTF-16 files, and files too big or not regular.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from ..diagnostics import Location, diagnostic
from .parsed_file import ParsedFile, location

MAX_FILE_BYTES = 1_000_000  # hand-written evidence files are a few KB


def indented_with_tab(text: str, line: int, column: int) -> bool:
    """True when the 0-based (line, column) is a tab in its line's leading whitespace."""
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return False
    leading = text[start : start + column + 1]
    return leading.endswith("\t") and not leading.strip(" \t")


# Characters no evidence text needs, that could mislead a reader: C0 controls but tab
# and newline, DEL and C1 controls (terminal escapes); the bidirectional embeddings,
# overrides and isolates, which make text display in another order than it reads; and
# the invisible zero-width characters, which make two different strings (a DOI, an id)
# look alike.  A byte-order mark is accepted at the start of the file only.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}]")
# Raw in the file (YAML itself refuses raw C0 and C1 controls, and CR is a line break):
_RAW_FORMAT = re.compile(f"[{_BIDI}{_INVISIBLE}]")
_FORMAT_CHARS = tuple("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" + _INVISIBLE)


def first_raw_format(text: str) -> re.Match[str] | None:
    """The first bidirectional or zero-width character in the file itself, if any.

    Fourteen ``str.find`` calls are 2.5x faster than one search with the character
    class over the text, and an ASCII text (the check is per file) needs none.
    """
    if text.isascii():
        return None
    start = 1 if text.startswith("\ufeff") else 0
    for char in _FORMAT_CHARS:
        if text.find(char, start) >= 0:
            return _RAW_FORMAT.search(text, start)
    return None


def describe(char: str) -> str:
    """What the character is, and what to do about it."""
    code = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"bidirectional control {code} (text displays in another order); delete it"
    if char in _INVISIBLE:
        return f"invisible zero-width character {code}; delete it"
    return f"control character {code}; write it out in words if it is meant"


def control_character(parsed: ParsedFile, event: Any, char: str, text: str) -> None:
    """ICX013 at the character itself when it is in the file, else (an escape in a
    double-quoted scalar) at the scalar."""
    mark = event.start_mark
    where = location(parsed.path, mark)
    start, end = mark.index, event.end_mark.index
    raw = _RAW_FORMAT.search(text, start, end) if 0 <= start < end <= len(text) else None
    if raw is not None and raw.group() == char:
        where = text_location(parsed.path, text, raw.start())
    parsed.diagnostics.append(diagnostic(where, "ICX013", describe(char)))


def text_location(path: str, text: str, index: int) -> Location:
    line_start = text.rfind("\n", 0, index) + 1
    return Location(path, text.count("\n", 0, index) + 1, index - line_start + 1)


# YAML 1.1 reads 010 as 8 (octal), 0x8, 0b1000, 4_0 (as 40) and 1:20 (as 80) as integers,
# and 1_2.5 and 1:20.5 as floats: each a different number than a reader sees, or than
# any YAML 1.2 tool reads.  Only plain decimal passes; a sign is allowed (+8 is 8 in
# YAML 1.1 and 1.2 alike, and a negative count has its own rule, ICX041).
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


def number_form(raw: str, value: int | float) -> str | None:
    """Why an unquoted number is not what it looks like, or None when it is."""
    if type(value) is int:
        if _PLAIN_INT.fullmatch(raw):
            return None
    elif "_" not in raw and ":" not in raw:
        return None
    body = raw.lstrip("+-")
    if ":" in body:
        form = "sexagesimal: base 60"
    elif body.startswith("0x"):
        form = "hexadecimal"
    elif body.startswith("0b"):
        form = "binary"
    elif type(value) is int and body.startswith("0"):
        form = "octal: a leading zero"
    else:
        form = "the '_' dropped"
    return (
        f"YAML 1.1 reads unquoted {raw} as the number {value!r} ({form}); "
        "write numbers in plain decimal, or quote the value if it is text"
    )


def decode_utf16(raw: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' (with its byte order) when the bytes look like it, else None.

    By the byte-order mark, or without one by a NUL in every other byte of the first
    line's worth of ASCII text (what an editor's "Unicode" setting writes).
    """
    for mark, name in (
        (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
        (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
        (b"\xff\xfe", "UTF-16 (little-endian)"),
        (b"\xfe\xff", "UTF-16 (big-endian)"),
    ):
        if raw.startswith(mark):
            return name
    head = raw[:64]
    if len(head) >= 8 and len(head) % 2 == 0:
        if not head[1::2].strip(b"\x00") and head[0::2].isascii() and all(head[0::2]):
            return "UTF-16 (little-endian)"
        if not head[0::2].strip(b"\x00") and head[1::2].isascii() and all(head[1::2]):
            return "UTF-16 (big-endian)"
    return None


class NotARegularFile(Exception):
    """The path is a device, a pipe or a socket: reading it could block or never end."""


def read_capped(path: Path) -> tuple[bytes | None, int]:
    """The file's bytes (None when it holds more than MAX_FILE_BYTES) and its size.

    Opened without blocking and checked to be a regular file first, so a FIFO or a
    link to /dev/zero is refused instead of hanging or filling memory; and never
    more than the cap plus one byte is read, whatever the size said a moment ago.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            kind = (
                "a folder"
                if stat.S_ISDIR(mode)
                else "a pipe"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket or other special file"
            )
            raise NotARegularFile(f"cannot read: {kind}, not a regular file")
        raw = handle.read(MAX_FILE_BYTES + 1)
    size = max(status.st_size, len(raw))
    return (None if len(raw) > MAX_FILE_BYTES else raw), size
