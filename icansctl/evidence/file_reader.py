"""Reading one evidence file from disk, safely, into a ``ParsedFile``.

Regular files only (a pipe or a device could block forever), at most
``MAX_FILE_BYTES``, UTF-8 (UTF-16 is named, not guessed); then the YAML reader.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Location, diagnostic
from .parsed_file import ParsedFile
from .yaml_reader import parse_text
from .yaml_text import (
    MAX_FILE_BYTES,
    NotARegularFile,
    decode_utf16,
    read_capped,
)


def read_file(path: Path, display: str | None = None) -> ParsedFile:
    """Read and parse one evidence file, guarding size and encoding first."""
    shown = display or str(path)
    try:
        raw, size = read_capped(path)
    except NotARegularFile as err:
        parsed = ParsedFile(shown)
        parsed.diagnostics.append(diagnostic(Location(shown), "ICX012", str(err)))
        return parsed
    except OSError as err:
        parsed = ParsedFile(shown)
        parsed.diagnostics.append(
            diagnostic(Location(shown), "ICX012", f"cannot read: {err.strerror or err}")
        )
        return parsed
    if raw is None:
        parsed = ParsedFile(shown)
        parsed.diagnostics.append(
            diagnostic(
                Location(shown),
                "ICX003",
                f"{size:,} bytes; evidence files are capped at {MAX_FILE_BYTES:,}",
            )
        )
        return parsed
    utf16 = decode_utf16(raw)
    if utf16 is not None:
        parsed = ParsedFile(shown)
        parsed.diagnostics.append(
            diagnostic(
                Location(shown, 1, 1), "ICX002", f"the file is {utf16}, not UTF-8; save it as UTF-8"
            )
        )
        return parsed
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        parsed = ParsedFile(shown)
        parsed.diagnostics.append(
            diagnostic(
                Location(shown, line, column),
                "ICX002",
                f"byte 0x{raw[err.start]:02x} is not UTF-8",
            )
        )
        return parsed
    if "\x00" in text:
        parsed = ParsedFile(shown)
        line = text.count("\n", 0, text.index("\x00")) + 1
        parsed.diagnostics.append(
            diagnostic(Location(shown, line, 1), "ICX002", "a NUL byte: this is a binary file")
        )
        return parsed
    return parse_text(text, shown)
