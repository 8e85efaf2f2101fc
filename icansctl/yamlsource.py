"""Read one YAML file into plain Python data plus the file:line:col of every value.

We build values from libyaml's event stream (the C parser) ourselves instead of using
``yaml.load``: that lets us keep positions, refuse anchors and aliases before they can
expand, report duplicate keys (PyYAML silently keeps the last), bound nesting depth
without recursion, and remember which unquoted scalars YAML 1.1 turned into booleans
or numbers so that a string field can say "quote it" instead of "wrong type".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, Location, diagnostic

MAX_FILE_BYTES = 1_000_000  # hand-written evidence files are a few KB
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class ParsedFile:
    """The data of one file, where each value sits, and what went wrong reading it."""

    path: str
    data: Any = None
    positions: dict[Path_, Location] = field(default_factory=dict)
    coerced: dict[Path_, str] = field(default_factory=dict)  # path -> raw text
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file parsed to a document (schema not yet checked)."""
        return not any(d.severity == "error" for d in self.diagnostics)

    def locate(self, path: Path_) -> Location:
        """The position of the value at ``path``, or of its nearest known ancestor."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return Location(self.path, 1, 1)


def _location(path: str, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


# Plain scalars repeat (keys, ids, small numbers): remember how each one resolved.  The
# values are immutable (str, int, float, bool, None, date), so sharing them is safe.
_PLAIN_CACHE: dict[tuple[str, Any], tuple[Any, bool]] = {}
_PLAIN_CACHE_MAX = 4096


def _scalar_value(event: Any) -> tuple[Any, bool]:
    """Resolve a scalar event as YAML 1.1 safe-load would; flag implicit non-strings."""
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
    result = (value, tag != _STR_TAG and value is not None)
    if key is not None:
        if len(_PLAIN_CACHE) >= _PLAIN_CACHE_MAX:
            _PLAIN_CACHE.clear()
        _PLAIN_CACHE[key] = result
    return result


class _Container:
    __slots__ = ("key_location", "path", "pending_key", "value")

    def __init__(self, value: Any, path: Path_) -> None:
        self.value = value
        self.path = path
        self.pending_key: Any = _NO_KEY
        self.key_location: Location | None = None


_NO_KEY = object()


def parse_text(text: str, path: str) -> ParsedFile:
    """Parse YAML text; never raises on bad input, reports diagnostics instead."""
    parsed = ParsedFile(path)
    try:
        _build(text, parsed)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = _location(path, mark) if mark else Location(path, 1, 1)
        problem = err.problem or err.context or "invalid YAML"
        context = err.context_mark
        if (
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


class _Abort(Exception):
    """Stop building: the file is unusable and the reason is already recorded."""


def _build(text: str, parsed: ParsedFile) -> None:
    path = parsed.path
    stack: list[_Container] = []
    documents = 0
    root: Any = None
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.DocumentStartEvent):
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
            continue
        if isinstance(event, yaml.AliasEvent):
            parsed.diagnostics.append(
                diagnostic(
                    _location(path, event.start_mark),
                    "ICX007",
                    f"alias '*{event.anchor}': write the value out instead",
                )
            )
            raise _Abort
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor is not None:
                parsed.diagnostics.append(
                    diagnostic(
                        _location(path, event.start_mark),
                        "ICX007",
                        f"anchor '&{event.anchor}': anchors and aliases are not allowed",
                    )
                )
                raise _Abort
            where = _location(path, event.start_mark)
            parent = stack[-1] if stack else None
            if isinstance(event, yaml.ScalarEvent):
                value, coerced = _scalar_value(event)
                if (
                    parent is not None
                    and isinstance(parent.value, dict)
                    and (parent.pending_key is _NO_KEY)
                ):
                    _take_key(parsed, parent, value, where)
                    continue
                child_path = _child_path(parent)
                parsed.positions[child_path] = where
                if coerced:
                    parsed.coerced[child_path] = event.value
                root = _attach(parent, value, root)
                continue
            if (
                parent is not None
                and isinstance(parent.value, dict)
                and (parent.pending_key is _NO_KEY)
            ):
                parsed.diagnostics.append(
                    diagnostic(where, "ICX021", "a mapping or list used as a key")
                )
                raise _Abort
            if len(stack) >= MAX_DEPTH:
                parsed.diagnostics.append(
                    diagnostic(where, "ICX008", f"nested more than {MAX_DEPTH} levels deep")
                )
                raise _Abort
            child_path = _child_path(parent)
            parsed.positions[child_path] = where
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            root = _attach(parent, container, root)
            stack.append(_Container(container, child_path))
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
    parsed.data = root


def _child_path(parent: _Container | None) -> Path_:
    if parent is None:
        return ()
    if isinstance(parent.value, dict):
        return (*parent.path, parent.pending_key)
    return (*parent.path, len(parent.value))


def _take_key(parsed: ParsedFile, parent: _Container, key: Any, where: Location) -> None:
    if not isinstance(key, str):
        key = str(key).lower() if isinstance(key, bool) else str(key)
    if key in parent.value:
        first = parsed.positions.get((*parent.path, key))
        seen = f" (first at line {first.line})" if first else ""
        parsed.diagnostics.append(
            diagnostic(
                where, "ICX006", f"duplicate key '{key}'{seen}; YAML would keep only the last"
            )
        )
    parent.pending_key = key
    parent.key_location = where


def _attach(parent: _Container | None, value: Any, root: Any) -> Any:
    if parent is None:
        return value
    if isinstance(parent.value, dict):
        parent.value[parent.pending_key] = value
        parent.pending_key = _NO_KEY
    else:
        parent.value.append(value)
    return root


def read_file(path: Path, display: str | None = None) -> ParsedFile:
    """Read and parse one evidence file, guarding size and encoding first."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            parsed = ParsedFile(shown)
            parsed.diagnostics.append(
                diagnostic(
                    Location(shown),
                    "ICX003",
                    f"{size:,} bytes; evidence files are capped at {MAX_FILE_BYTES:,}",
                )
            )
            return parsed
        raw = path.read_bytes()
    except OSError as err:
        parsed = ParsedFile(shown)
        parsed.diagnostics.append(
            diagnostic(Location(shown), "ICX012", f"cannot read: {err.strerror or err}")
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
