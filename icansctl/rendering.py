"""Dispatch: (view kind, format) -> renderer, and where the result goes.

Each renderer module is imported only when its format is asked for, so a terminal
``compare`` never loads Jinja and ``--format json`` never loads Rich.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any


class RenderError(Exception):
    """An output could not be produced or written; the message says why."""


# kind -> format -> (module, function).  Text renderers return str; "table"
# renderers return a Rich renderable printed by a console.
RENDERERS: dict[str, dict[str, tuple[str, str]]] = {
    "list": {
        "table": ("render_terminal", "list_renderable"),
        "json": ("render_json", "list_json"),
        "markdown": ("render_markdown", "list_markdown"),
    },
    "show": {
        "table": ("render_terminal", "show_renderable"),
        "json": ("render_json", "show_json"),
        "markdown": ("render_markdown", "show_markdown"),
    },
    "compare": {
        "table": ("render_terminal", "compare_renderable"),
        "json": ("render_json", "compare_json"),
        "markdown": ("render_markdown", "compare_markdown"),
    },
    "mechanisms": {
        "table": ("render_terminal", "mechanisms_renderable"),
        "json": ("render_json", "mechanisms_json"),
        "markdown": ("render_markdown", "mechanisms_markdown"),
    },
    "refs": {
        "table": ("render_terminal", "refs_renderable"),
        "json": ("render_json", "refs_json"),
        "markdown": ("render_markdown", "refs_markdown"),
        "bibtex": ("exports", "refs_bibtex"),
        "ris": ("exports", "refs_ris"),
        "csl-json": ("exports", "refs_csl_json"),
    },
}


def _function(kind: str, format: str) -> Any:
    try:
        module_name, function_name = RENDERERS[kind][format]
    except KeyError:
        formats = ", ".join(RENDERERS.get(kind, {}))
        raise RenderError(f"'{kind}' has no '{format}' output (available: {formats})") from None
    module = importlib.import_module(f"icansctl.{module_name}")
    return getattr(module, function_name)


def render_text(kind: str, view: Any, format: str, width: int = 100) -> str:
    """Render a view to text (used for files, and for every non-terminal format)."""
    result = _function(kind, format)(view)
    if format == "json":
        from .render_json import dumps

        return dumps(result)
    if isinstance(result, str):
        return result
    from io import StringIO

    from .render_terminal import make_console

    buffer = StringIO()
    make_console(file=buffer, width=width, color=False).print(result)
    return buffer.getvalue()


def render(kind: str, view: Any, format: str, output: Path | None, *, color: bool = True) -> None:
    """Render to stdout (Rich decides colour from the terminal) or atomically to a file."""
    if output is None and format == "table":
        from .render_terminal import make_console

        make_console(color=color).print(_function(kind, format)(view))
        return
    import os

    from .output import is_stream, write_atomic, write_files_atomic

    if format == "markdown" and kind in ("compare", "show") and output and not is_stream(output):
        # A document in a file gets its forest plot as an SVG beside it.
        from .render_markdown import markdown_with_picture

        files = markdown_with_picture(view, output)
        try:
            write_files_atomic(files)
        except OSError as err:
            target = getattr(err, "filename", None) or output
            raise RenderError(f"cannot write {target}: {err.strerror or err}") from err
        return
    text = render_text(kind, view, format, width=int(os.environ.get("COLUMNS", "100")))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text)
    except OSError as err:
        raise RenderError(f"cannot write {output}: {err.strerror or err}") from err
