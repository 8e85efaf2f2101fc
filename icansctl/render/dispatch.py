"""Dispatch: (view kind, format) -> renderer, and where the result goes.

Each renderer module is imported only when its format is asked for, so a terminal
``compare`` never loads Jinja and ``--format json`` never loads Rich.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from ..errors import RenderError


# kind -> format -> (module, function).  Text renderers return str; "table"
# renderers return a Rich renderable printed by a console.
def _formats(kind: str, terminal: str = "terminal") -> dict[str, tuple[str, str]]:
    """The three formats every view has: a Rich table, JSON and Markdown."""
    return {
        "table": (terminal, f"{kind}_renderable"),
        "json": ("json_out", f"{kind}_json"),
        "markdown": ("markdown", f"{kind}_markdown"),
    }


RENDERERS: dict[str, dict[str, tuple[str, str]]] = {
    "list": _formats("list"),
    "show": _formats("show", terminal="terminal_show"),
    "compare": _formats("compare", terminal="terminal_compare"),
    "summary": {"table": ("terminal_summary", "summary_renderable")},
    "mechanisms": _formats("mechanisms"),
    "changes": {
        "table": ("terminal_changes", "changes_renderable"),
        "json": ("changes_out", "changes_json"),
        "markdown": ("changes_out", "changes_markdown"),
    },
    "refs": {
        **_formats("refs"),
        "bibtex": ("bibliography", "refs_bibtex"),
        "ris": ("bibliography", "refs_ris"),
        "csl-json": ("bibliography", "refs_csl_json"),
    },
}


def _function(kind: str, format: str) -> Any:
    try:
        module_name, function_name = RENDERERS[kind][format]
    except KeyError:
        formats = ", ".join(RENDERERS.get(kind, {}))
        raise RenderError(f"'{kind}' has no '{format}' output (available: {formats})") from None
    module = importlib.import_module(f"icansctl.render.{module_name}")
    return getattr(module, function_name)


# A file is read later, in an editor or a pull request, not in this terminal: it gets
# the same width every time, whatever COLUMNS says (COLUMNS=0 once emptied files).
FILE_WIDTH = 100
# Narrower than this, a terminal width is taken as this: the layouts (compare's stacked
# blocks, show's figure blocks) are made to keep every number whole down to here.
MIN_WIDTH = 20
FALLBACK_WIDTH = 80  # no usable COLUMNS and no terminal: Rich's own default


def terminal_width() -> int:
    """The width to lay out standard output for, never below ``MIN_WIDTH``.

    COLUMNS when it is a positive whole number; otherwise (unset, empty, ``0``,
    negative, ``abc``) the size of the terminal on stdout, stdin or stderr, else 80.
    """
    raw = os.environ.get("COLUMNS", "").strip()
    columns = int(raw) if raw.isascii() and raw.isdigit() else 0
    if columns <= 0:
        for fd in (1, 0, 2):
            try:
                columns = os.get_terminal_size(fd).columns
            except (OSError, ValueError):
                continue
            if columns > 0:
                break
    return max(MIN_WIDTH, columns or FALLBACK_WIDTH)


def render_text(kind: str, view: Any, format: str, width: int = FILE_WIDTH) -> str:
    """Render a view to text (used for files, and for every non-terminal format)."""
    result = _function(kind, format)(view)
    if format == "json":
        from .json_out import dumps

        return dumps(result)
    if isinstance(result, str):
        return result
    from io import StringIO

    from .terminal import make_console

    buffer = StringIO()
    make_console(file=buffer, width=max(MIN_WIDTH, width), color=False).print(result)
    return buffer.getvalue()


def render(kind: str, view: Any, format: str, output: Path | None, *, color: bool = True) -> None:
    """Render to stdout (Rich decides colour from the terminal) or atomically to a file.

    ``-o -`` is standard output, laid out for the terminal like no ``-o`` at all; a
    file is laid out ``FILE_WIDTH`` wide.  On a standard output that cannot encode
    Unicode the text gets ASCII stand-ins and JSON ``\\u`` escapes.  A failed write
    raises ``RenderError`` naming the user's path.
    """
    from .output import OutputError, is_stream, write_atomic, write_files_atomic, write_stdout

    to_stdout = output is None or str(output) == "-"
    if to_stdout and format == "table":
        from .output import needs_fallback, stdout_encoding
        from .terminal import ascii_text, make_console

        # Built inside the ASCII switch: the renderable's text is converted as it is
        # made, so that Rich measures (and aligns) what it prints.
        encoding = stdout_encoding()
        with ascii_text(encoding if needs_fallback(encoding) else None):
            make_console(width=terminal_width(), color=color).print(_function(kind, format)(view))
        return
    if format == "markdown" and kind in ("compare", "show") and output and not is_stream(output):
        # A document in a file gets its forest plot as an SVG beside it.
        from .markdown import markdown_with_picture

        files = markdown_with_picture(view, output)
        try:
            write_files_atomic(files)
        except OutputError as err:
            raise RenderError(str(err)) from err
        return
    if to_stdout:
        text = render_text(kind, view, format, width=terminal_width())
        write_stdout(text, escape="json" if format in ("json", "csl-json") else "text")
        return
    assert output is not None
    text = render_text(kind, view, format, width=FILE_WIDTH)
    if not text and not is_stream(output):
        # Never replace a file with nothing: whatever emptied the output is a bug.
        raise RenderError(f"cannot write {output}: the {kind} output came out empty")
    try:
        write_atomic(output, text)
    except OutputError as err:
        raise RenderError(str(err)) from err
