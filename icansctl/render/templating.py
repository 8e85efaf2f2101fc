"""The Jinja environment for every Markdown and SVG output.

Templates live in ``templates/`` (bundled as ``icansctl/_bundled/templates`` in a
wheel).  The environment is strict: a missing value raises instead of rendering as an
empty string.  SVG templates are autoescaped; Markdown templates escape evidence text
through the ``md``/``cell`` filters, Mermaid labels through ``mermaid``.

Imported only by the Markdown/SVG renderers, so terminal and JSON output never load
Jinja.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..views.common import COMPARATOR_WORDS

# Characters with a meaning in CommonMark, GFM, pandoc Markdown or Marp: escaped with a
# backslash (valid for any ASCII punctuation in all three), so evidence text is shown,
# never interpreted.  '|' is escaped everywhere, so it can never end a table cell.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$^&#@{}])")
# What would start a block (list item, ordered list) at the start of a line.
_MD_LEADING = re.compile(r"^([-+])(?=\s|$)|^(\d{1,9})([.)])(?=\s|$)")
_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ,.:;()/%+=?'\-]")


def templates_dir() -> Path:
    """The templates shipped with icansctl (inside the wheel, or the source checkout)."""
    package = Path(__file__).resolve().parent.parent  # icansctl/, one up from this layer
    installed = package / "_bundled" / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


_BREAKING_SPACE = re.compile(r"[^\S\u00a0]+")  # any whitespace but a no-break space


def md_inline(value: Any, *, keep_no_break: bool = False) -> str:
    """Evidence text as inert inline Markdown, safe in a paragraph, list item or table cell.

    Runs of whitespace (newlines included) become one space (with ``keep_no_break``,
    except a no-break space, U+00A0: the deck's table cells put one where a line must
    not break); Markdown punctuation, '|' and raw HTML ('<') are backslash-escaped, as
    is anything that would start a list at the beginning of the text.
    """
    if keep_no_break:
        text = _BREAKING_SPACE.sub(" ", str(value)).strip(" ")
    else:
        text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LEADING.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text
    )


def mermaid_label(value: Any) -> str:
    """Text for a quoted Mermaid label: anything beyond a safe set becomes an entity code.

    Mermaid decodes ``#NNN;`` to the character, so quotes, brackets, '<', backticks
    and '#' are shown, never parsed (as Mermaid syntax, HTML or a closing fence).
    """
    text = " ".join(str(value).split())
    return "".join(
        ch if _MERMAID_SAFE.fullmatch(ch) or (ord(ch) > 127 and ch.isalpha()) else f"#{ord(ch)};"
        for ch in text
    )


def yaml_string(value: Any) -> str:
    """The inside of a YAML double-quoted scalar (used in Marp front matter/directives)."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace('"', '\\"')


def html_comment_text(value: Any) -> str:
    """Text safe inside an HTML comment (a Marp presenter's note): one line, and no
    '--' or '>' that would end the comment early (so evidence text cannot add slides
    or markup)."""
    text = " ".join(str(value).split())
    while "--" in text:
        text = text.replace("--", "-\u2009-")
    return text.replace(">", "\u203a")


def fmt(value: float, places: int = 1) -> str:
    """A coordinate or number with fixed decimals (no '-0.0')."""
    out = f"{value:.{places}f}"
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared, strict environment over the templates directory."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("svg", "svg.j2"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_inline
    env.filters["cell"] = md_inline
    env.filters["slide_cell"] = lambda value: md_inline(value, keep_no_break=True)
    env.filters["mermaid"] = mermaid_label
    env.filters["yaml_string"] = yaml_string
    env.filters["num"] = fmt
    env.filters["note"] = html_comment_text
    env.filters["comparator_words"] = lambda kind: COMPARATOR_WORDS.get(kind, kind)
    return env


def render_template(name: str, **context: Any) -> str:
    """Render ``templates/<name>`` with ``context``.

    Any template problem (missing file, syntax, undefined value) becomes a RenderError
    naming the template; since rendering happens before any write, nothing is written.
    """
    from jinja2 import TemplateError

    from ..errors import RenderError

    try:
        return environment().get_template(name).render(**context)
    except TemplateError as err:
        raise RenderError(f"template {name}: {err.message or err}") from err
