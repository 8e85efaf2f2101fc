"""Read one YAML file into plain Python data plus the file:line:col of every value.

We build values from libyaml's event stream (the C parser) ourselves instead of using
``yaml.load``: that lets us keep positions, refuse anchors and aliases before they can
expand, report duplicate keys (PyYAML silently keeps the last), bound nesting depth
without recursion, and remember which unquoted scalars YAML 1.1 turned into booleans
or numbers so that a string field can say "quote it" instead of "wrong type".
"""

from __future__ import annotations

from typing import Any

import yaml

from ..diagnostics import Location, diagnostic
from .parsed_file import COLUMN_MASK, SHIFT, NodePath, ParsedFile, location
from .yaml_text import (
    CONTROL,
    control_character,
    describe,
    first_raw_format,
    indented_with_tab,
    number_form,
    text_location,
)

MAX_DEPTH = 64

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


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
    except (yaml.YAMLError, ValueError):
        # ValueError: a timestamp-shaped scalar that is no date (2026-13-01); kept as
        # the text it is, so the date field can say how to write one.
        return event.value, False
    finally:
        _constructor.constructed_objects.clear()  # nothing refers back to a scalar
    coerced: bool | str = tag != _STR_TAG and value is not None
    if coerced and (type(value) is int or type(value) is float):
        # A number in a YAML 1.1 form: the reason replaces True (found once per text).
        coerced = number_form(event.value, value) or True
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
        where = location(path, mark) if mark else Location(path, 1, 1)
        problem = err.problem or err.context or "invalid YAML"
        context = err.context_mark
        if mark is not None and indented_with_tab(text, mark.line, mark.column):
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
    where = location(path, mark) if mark else Location(path, 1, 1)
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
    """Build the file's data from libyaml's events, recording every value's position.

    The hot loop of loading and of ``check``, and on purpose one long function (the
    one exception to the project's 60-line limit): it runs once per YAML event, so
    locals are bound once above the loop, and placing a value in its parent (a key of
    a mapping, or the next item of a list) is written out inline for scalars and again
    for containers rather than called, which saves a call per value
    (``benchmarks/bench_check.py`` measures ``check`` on up to 10,000 strategies).
    """
    path = parsed.path
    # Which scalars to search for control characters, decided once per file by a scan
    # of the text in C: every scalar when a bidirectional or zero-width character is in
    # the file itself (in any style: plain, quoted, block); else only double-quoted ones,
    # and only when the file has a backslash (escapes are the only other way in).
    raw_hit = first_raw_format(text)
    scan_all = raw_hit is not None
    scan_quoted = scan_all or "\\" in text
    control = CONTROL
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
                    control_character(parsed, event, bad.group(), text)
            else:
                if scan_all and (bad := control.search(event.value)) is not None:
                    control_character(parsed, event, bad.group(), text)
                if event.tag is None:
                    cached = plain_cache.get((event.value, event.implicit))
                    value, is_coerced = cached if cached is not None else _scalar_value(event)
                else:
                    value, is_coerced = _scalar_value(event)
            mark = event.start_mark
            if top is None:
                child: NodePath = ()
                root = value
            elif top[2]:
                key = top[3]
                if key is _NO_KEY:  # this scalar is a key: the common case needs no position
                    if type(value) is str and value not in top[0]:
                        top[3] = value
                    else:
                        where = (mark.line + 1) << SHIFT | (mark.column + 1)
                        _take_key(parsed, top, value, where)
                    continue
                child = (*top[1], key)
                top[0][key] = value
                top[3] = _NO_KEY
            else:
                child = (*top[1], len(top[0]))
                top[0].append(value)
            positions[child] = (mark.line + 1) << SHIFT | (mark.column + 1)
            if is_coerced:
                coerced[child] = event.value
                if is_coerced is not True:  # the reason a number is misread
                    parsed.number_forms[child] = diagnostic(
                        location(path, mark), "ICX009", is_coerced
                    )
        elif kind is _MappingStartEvent or kind is _SequenceStartEvent:
            mark = event.start_mark
            if event.anchor is not None:
                _anchor(parsed, event)
            if top is not None and top[2] and top[3] is _NO_KEY:
                parsed.diagnostics.append(
                    diagnostic(location(path, mark), "ICX021", "a mapping or list used as a key")
                )
                raise _Abort
            if len(stack) >= MAX_DEPTH:
                parsed.diagnostics.append(
                    diagnostic(
                        location(path, mark), "ICX008", f"nested more than {MAX_DEPTH} levels deep"
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
            positions[child] = (mark.line + 1) << SHIFT | (mark.column + 1)
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
                        location(path, event.start_mark),
                        "ICX010",
                        "a second YAML document ('---'); keep one document per file",
                    )
                )
                raise _Abort
        elif kind is _AliasEvent:
            parsed.diagnostics.append(
                diagnostic(
                    location(path, event.start_mark),
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
                        text_location(path, text, raw_hit.start()),
                        "ICX013",
                        "in a comment: " + describe(raw_hit.group()),
                    )
                )
            return root


def _anchor(parsed: ParsedFile, event: Any) -> None:
    parsed.diagnostics.append(
        diagnostic(
            location(parsed.path, event.start_mark),
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
        seen = f" (first at line {first >> SHIFT})" if first is not None else ""
        parsed.diagnostics.append(
            diagnostic(
                Location(parsed.path, where >> SHIFT, where & COLUMN_MASK),
                "ICX006",
                f"duplicate key '{key}'{seen}; YAML would keep only the last",
            )
        )
    parent[3] = key
