"""Read one YAML file into plain Python data plus the file:line:col of every value.

We build values from libyaml's event stream (the C parser) ourselves instead of using
``yaml.load``: that lets us keep positions, refuse anchors and aliases before they can
expand, report duplicate keys (PyYAML silently keeps the last), bound nesting depth
without recursion, and remember which unquoted scalars YAML 1.1 turned into booleans
or numbers so that a string field can say "quote it" instead of "wrong type".
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostic, Location, diagnostic

MAX_FILE_BYTES = 1_000_000  # hand-written evidence files are a few KB
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


# A position is packed into one int, ``line << _SHIFT | column`` (both 1-based): a
# Location object per value would cost ~100 bytes; Locations are built on demand.
_SHIFT = 32
_COLUMN_MASK = (1 << _SHIFT) - 1
_START = 1 << _SHIFT | 1  # line 1, column 1


def pack(line: int, column: int) -> int:
    """One int for a 1-based line and column (see ``unpack``)."""
    return line << _SHIFT | column


def unpack(packed: int) -> tuple[int, int]:
    """The 1-based (line, column) of a packed position."""
    return packed >> _SHIFT, packed & _COLUMN_MASK


@dataclass
class ParsedFile:
    """The data of one file, where each value sits, and what went wrong reading it.

    ``positions`` maps the path of every value to its packed position (``pack``);
    ``locate()`` turns one into a Location.
    """

    path: str
    data: Any = None
    positions: dict[Path_, int] = field(default_factory=dict)
    coerced: dict[Path_, str] = field(default_factory=dict)  # path -> raw text
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Numbers written in a YAML 1.1 form (010, 0x8, 4_0), by path: errors (ICX009), but
    # the file stays usable, since dropping it would make every id it defines "unknown"
    # in the other files; the number rules skip these values (validate.py).
    number_forms: dict[Path_, Diagnostic] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file parsed to a document (schema not yet checked)."""
        return not any(d.severity == "error" for d in self.diagnostics)

    def locate_packed(self, path: Path_) -> int:
        """The packed position of the value at ``path``, or of its nearest known ancestor."""
        positions = self.positions
        found = positions.get(path)
        if found is not None:
            return found
        for end in range(len(path) - 1, -1, -1):
            found = positions.get(path[:end])
            if found is not None:
                return found
        return _START

    def locate(self, path: Path_) -> Location:
        """The position of the value at ``path``, or of its nearest known ancestor."""
        packed = self.locate_packed(path)
        return Location(self.path, packed >> _SHIFT, packed & _COLUMN_MASK)


def _location(path: str, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


# Plain scalars repeat (keys, ids, small numbers): remember how each one resolved.  The
# values are immutable (str, int, float, bool, None, date), so sharing them is safe.
_PLAIN_CACHE: dict[tuple[str, Any], tuple[Any, bool | str]] = {}
_PLAIN_CACHE_MAX = 4096


def _scalar_value(event: Any) -> tuple[Any, bool | str]:
    """Resolve a scalar event as YAML 1.1 safe-load would; flag implicit non-strings.

    The flag is False for a string, True for another implicit value, and for a number
    in a YAML 1.1 form (010, 0x8, 4_0) the reason it is not what it looks like.
    """
    if event.style:  # quoted or block scalars are always text
        return event.value, False
    tag = event.tag
    key: tuple[str, Any] | None = None
    if tag is None or tag == "!":
        key = (event.value, event.implicit)
        cached = _PLAIN_CACHE.get(key)
        if cached is not None:
            return cached
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = _constructor.construct_object(node, deep=True)
    except yaml.YAMLError:
        return event.value, False
    finally:
        _constructor.constructed_objects.clear()  # nothing refers back to a scalar
    coerced: bool | str = tag != _STR_TAG and value is not None
    if coerced and (type(value) is int or type(value) is float):
        # A number in a YAML 1.1 form: the reason replaces True (found once per text).
        coerced = _number_form(event.value, value) or True
    result = (value, coerced)
    if key is not None:
        if len(_PLAIN_CACHE) >= _PLAIN_CACHE_MAX:
            _PLAIN_CACHE.clear()
        _PLAIN_CACHE[key] = result
    return result


_NO_KEY = object()


# libyaml 0.2.6 (bundled with PyYAML 6.0.4) stops at 1,000 levels of nesting with a
# ScannerError whose problem reads "exceeded maximum nesting depth"; its scanner looks
# ahead, so a long run of '[' fails before our own MAX_DEPTH guard sees one event.  Only
# this substring of libyaml's wording is relied on (tests/test_reliability_numbers.py
# checks that the installed libyaml still says it); older libyaml has no limit at all.
LIBYAML_DEPTH_ERROR = "maximum nesting depth"


def parse_text(text: str, path: str) -> ParsedFile:
    """Parse YAML text; never raises on bad input, reports diagnostics instead."""
    return _parse(text, path, _Parser)


def _parse(text: str, path: str, parser_class: Any) -> ParsedFile:
    parsed = ParsedFile(path)
    try:
        _build(text, parsed, parser_class)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if LIBYAML_DEPTH_ERROR in str(err.problem) and parser_class is not _PurePython:
            return _too_deep(text, path, mark)
        where = _location(path, mark) if mark else Location(path, 1, 1)
        problem = err.problem or err.context or "invalid YAML"
        context = err.context_mark
        if mark is not None and _indented_with_tab(text, mark.line, mark.column):
            # libyaml says "found character that cannot start any token" or "a tab
            # character that violates indentation": the cause is the tab itself.
            problem = "tabs cannot indent YAML; indent with spaces"
        elif (
            err.problem
            and err.context
            and context is not None
            and mark is not None
            and (context.line != mark.line)
        ):
            problem += f" ({err.context} at line {context.line + 1})"
        if "but found another document" in str(err) or "expected a single document" in str(err):
            parsed.diagnostics.append(
                diagnostic(where, "ICX010", "a second YAML document ('---'); keep one per file")
            )
        else:
            parsed.diagnostics.append(diagnostic(where, "ICX001", f"YAML syntax: {problem}"))
        parsed.data = None
    except yaml.YAMLError as err:
        parsed.diagnostics.append(diagnostic(Location(path, 1, 1), "ICX001", f"YAML: {err}"))
        parsed.data = None
    except _Abort:
        parsed.data = None
    return parsed


def _indented_with_tab(text: str, line: int, column: int) -> bool:
    """True when the 0-based (line, column) is a tab in its line's leading whitespace."""
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return False
    leading = text[start : start + column + 1]
    return leading.endswith("\t") and not leading.strip(" \t")


# The pure-Python parser costs a few microseconds a character: re-read at most this much.
_REREAD_CHARS = 100_000


def _too_deep(text: str, path: str, mark: Any) -> ParsedFile:
    """ICX008 for a file libyaml gave up on for its nesting depth.

    When libyaml stopped within the first ``_REREAD_CHARS`` characters, the file is
    read again with PyYAML's pure-Python parser, which has no depth limit and is lazy:
    it stops at our MAX_DEPTH guard, so the finding is the one (at the place) every
    PyYAML version gives, for the cost of the text before that point.  Otherwise, or
    should that reading find nothing, ICX008 is reported where libyaml stopped.
    """
    if mark is None or mark.index <= _REREAD_CHARS:
        reread = _parse(text, path, _PurePython)
        if not reread.ok:
            return reread
    parsed = ParsedFile(path)
    where = _location(path, mark) if mark else Location(path, 1, 1)
    parsed.diagnostics.append(
        diagnostic(where, "ICX008", f"nested more than {MAX_DEPTH} levels deep")
    )
    return parsed


class _Abort(Exception):
    """Stop building: the file is unusable and the reason is already recorded."""


_PurePython: Any = yaml.SafeLoader  # Reader + Scanner + Parser, in Python: no depth limit
_Parser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None) or _PurePython
_ScalarEvent = yaml.ScalarEvent
_MappingStartEvent = yaml.MappingStartEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_MappingEndEvent = yaml.MappingEndEvent
_SequenceEndEvent = yaml.SequenceEndEvent
_DocumentStartEvent = yaml.DocumentStartEvent
_AliasEvent = yaml.AliasEvent
_StreamEndEvent = yaml.StreamEndEvent


# Characters no evidence text needs, that could mislead a reader: C0 controls but tab
# and newline, DEL and C1 controls (terminal escapes); the bidirectional embeddings,
# overrides and isolates, which make text display in another order than it reads; and
# the invisible zero-width characters, which make two different strings (a DOI, an id)
# look alike.  A byte-order mark is accepted at the start of the file only.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}]")
# Raw in the file (YAML itself refuses raw C0 and C1 controls, and CR is a line break):
_RAW_FORMAT = re.compile(f"[{_BIDI}{_INVISIBLE}]")
_FORMAT_CHARS = tuple("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" + _INVISIBLE)


def _first_raw_format(text: str) -> re.Match[str] | None:
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


def _describe(char: str) -> str:
    """What the character is, and what to do about it."""
    code = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"bidirectional control {code} (text displays in another order); delete it"
    if char in _INVISIBLE:
        return f"invisible zero-width character {code}; delete it"
    return f"control character {code}; write it out in words if it is meant"


def _control_character(parsed: ParsedFile, event: Any, char: str, text: str) -> None:
    """ICX013 at the character itself when it is in the file, else (an escape in a
    double-quoted scalar) at the scalar."""
    mark = event.start_mark
    where = _location(parsed.path, mark)
    start, end = mark.index, event.end_mark.index
    raw = _RAW_FORMAT.search(text, start, end) if 0 <= start < end <= len(text) else None
    if raw is not None and raw.group() == char:
        where = _text_location(parsed.path, text, raw.start())
    parsed.diagnostics.append(diagnostic(where, "ICX013", _describe(char)))


def _text_location(path: str, text: str, index: int) -> Location:
    line_start = text.rfind("\n", 0, index) + 1
    return Location(path, text.count("\n", 0, index) + 1, index - line_start + 1)


# YAML 1.1 reads 010 as 8 (octal), 0x8, 0b1000, 4_0 (as 40) and 1:20 (as 80) as integers,
# and 1_2.5 and 1:20.5 as floats: each a different number than a reader sees, or than
# any YAML 1.2 tool reads.  Only plain decimal passes; a sign is allowed (+8 is 8 in
# YAML 1.1 and 1.2 alike, and a negative count has its own rule, ICX041).
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")


def _number_form(raw: str, value: int | float) -> str | None:
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


def _build(text: str, parsed: ParsedFile, parser_class: Any) -> None:
    """Drive the parser event by event, building values and their positions.

    One flat loop dispatching on ``type(event)`` (most frequent first); each open
    container is a list ``[value, path, is_mapping, pending_key]``.
    """
    parser = parser_class(text)
    try:
        parsed.data = _events(parser, parsed, text)
    finally:
        parser.dispose()


def _events(parser: Any, parsed: ParsedFile, text: str) -> Any:
    path = parsed.path
    # Which scalars to search for control characters, decided once per file by a scan
    # of the text in C: every scalar when a bidirectional or zero-width character is in
    # the file itself (in any style: plain, quoted, block); else only double-quoted ones,
    # and only when the file has a backslash (escapes are the only other way in).
    raw_hit = _first_raw_format(text)
    scan_all = raw_hit is not None
    scan_quoted = scan_all or "\\" in text
    control = _CONTROL
    positions = parsed.positions
    coerced = parsed.coerced
    get_event = parser.get_event
    plain_cache = _PLAIN_CACHE
    stack: list[list[Any]] = []
    top: list[Any] | None = None
    is_coerced: bool | str
    documents = 0
    root: Any = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is _ScalarEvent:
            if event.anchor is not None:
                _anchor(parsed, event)
            # Control characters: a local flag per scalar in the common case (see above).
            if event.style:
                value, is_coerced = event.value, False
                if (
                    scan_quoted
                    and (scan_all or event.style == '"')
                    and (bad := control.search(value)) is not None
                ):
                    _control_character(parsed, event, bad.group(), text)
            else:
                if scan_all and (bad := control.search(event.value)) is not None:
                    _control_character(parsed, event, bad.group(), text)
                if event.tag is None:
                    cached = plain_cache.get((event.value, event.implicit))
                    value, is_coerced = cached if cached is not None else _scalar_value(event)
                else:
                    value, is_coerced = _scalar_value(event)
            mark = event.start_mark
            if top is None:
                child: Path_ = ()
                root = value
            elif top[2]:
                key = top[3]
                if key is _NO_KEY:  # this scalar is a key: the common case needs no position
                    if type(value) is str and value not in top[0]:
                        top[3] = value
                    else:
                        where = (mark.line + 1) << _SHIFT | (mark.column + 1)
                        _take_key(parsed, top, value, where)
                    continue
                child = (*top[1], key)
                top[0][key] = value
                top[3] = _NO_KEY
            else:
                child = (*top[1], len(top[0]))
                top[0].append(value)
            positions[child] = (mark.line + 1) << _SHIFT | (mark.column + 1)
            if is_coerced:
                coerced[child] = event.value
                if is_coerced is not True:  # the reason a number is misread
                    parsed.number_forms[child] = diagnostic(
                        _location(path, mark), "ICX009", is_coerced
                    )
        elif kind is _MappingStartEvent or kind is _SequenceStartEvent:
            mark = event.start_mark
            if event.anchor is not None:
                _anchor(parsed, event)
            if top is not None and top[2] and top[3] is _NO_KEY:
                parsed.diagnostics.append(
                    diagnostic(_location(path, mark), "ICX021", "a mapping or list used as a key")
                )
                raise _Abort
            if len(stack) >= MAX_DEPTH:
                parsed.diagnostics.append(
                    diagnostic(
                        _location(path, mark), "ICX008", f"nested more than {MAX_DEPTH} levels deep"
                    )
                )
                raise _Abort
            is_mapping = kind is _MappingStartEvent
            container: Any = {} if is_mapping else []
            if top is None:
                child = ()
                root = container
            elif top[2]:
                key = top[3]
                child = (*top[1], key)
                top[0][key] = container
                top[3] = _NO_KEY
            else:
                child = (*top[1], len(top[0]))
                top[0].append(container)
            positions[child] = (mark.line + 1) << _SHIFT | (mark.column + 1)
            top = [container, child, is_mapping, _NO_KEY]
            stack.append(top)
        elif kind is _MappingEndEvent or kind is _SequenceEndEvent:
            stack.pop()
            top = stack[-1] if stack else None
        elif kind is _DocumentStartEvent:
            documents += 1
            if documents > 1:
                parsed.diagnostics.append(
                    diagnostic(
                        _location(path, event.start_mark),
                        "ICX010",
                        "a second YAML document ('---'); keep one document per file",
                    )
                )
                raise _Abort
        elif kind is _AliasEvent:
            parsed.diagnostics.append(
                diagnostic(
                    _location(path, event.start_mark),
                    "ICX007",
                    f"alias '*{event.anchor}': write the value out instead",
                )
            )
            raise _Abort
        elif kind is _StreamEndEvent or event is None:
            if raw_hit is not None and not any(d.rule == "ICX013" for d in parsed.diagnostics):
                # In the file but in no value: a comment (it still misleads a reviewer).
                parsed.diagnostics.append(
                    diagnostic(
                        _text_location(path, text, raw_hit.start()),
                        "ICX013",
                        "in a comment: " + _describe(raw_hit.group()),
                    )
                )
            return root


def _anchor(parsed: ParsedFile, event: Any) -> None:
    parsed.diagnostics.append(
        diagnostic(
            _location(parsed.path, event.start_mark),
            "ICX007",
            f"anchor '&{event.anchor}': anchors and aliases are not allowed",
        )
    )
    raise _Abort


def _take_key(parsed: ParsedFile, parent: list[Any], key: Any, where: int) -> None:
    if not isinstance(key, str):
        key = str(key).lower() if isinstance(key, bool) else str(key)
    if key in parent[0]:
        first = parsed.positions.get((*parent[1], key))
        seen = f" (first at line {first >> _SHIFT})" if first is not None else ""
        parsed.diagnostics.append(
            diagnostic(
                Location(parsed.path, where >> _SHIFT, where & _COLUMN_MASK),
                "ICX006",
                f"duplicate key '{key}'{seen}; YAML would keep only the last",
            )
        )
    parent[3] = key


def _utf16(raw: bytes) -> str | None:
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


class _NotARegularFile(Exception):
    """The path is a device, a pipe or a socket: reading it could block or never end."""


def _read_capped(path: Path) -> tuple[bytes | None, int]:
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
            raise _NotARegularFile(f"cannot read: {kind}, not a regular file")
        raw = handle.read(MAX_FILE_BYTES + 1)
    size = max(status.st_size, len(raw))
    return (None if len(raw) > MAX_FILE_BYTES else raw), size


def read_file(path: Path, display: str | None = None) -> ParsedFile:
    """Read and parse one evidence file, guarding size and encoding first."""
    shown = display or str(path)
    try:
        raw, size = _read_capped(path)
    except _NotARegularFile as err:
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
    utf16 = _utf16(raw)
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
