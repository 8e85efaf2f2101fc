"""Reading back the Marp deck that ``render_deck`` writes, slide by slide.

The PowerPoint export is built from the very Markdown of the Marp deck, so both have
the same slides whatever the pagination decides.  This reads only what
``templates/slides.md.j2`` emits: front matter, ``---`` slide separators (the rule of
``slides.slide_count``), the ``_class``/``_footer`` directives in HTML comments,
headings, paragraphs, ``-`` and numbered lists, pipe tables and pictures, with
``**bold**``, code spans and backslash escapes inline.  It is not a Markdown parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote

import yaml


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    bold: bool = False
    code: bool = False


Line = tuple[Run, ...]


def plain(line: Line) -> str:
    """The text of a line without its styles."""
    return "".join(run.text for run in line)


@dataclass(frozen=True)
class TextBlock:
    """Paragraphs, a bullet list or a numbered list (the number stays in the text)."""

    kind: Literal["paragraph", "bullet", "numbered"]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Table:
    """A pipe table: its header cells and body rows."""

    header: tuple[Line, ...]
    rows: tuple[tuple[Line, ...], ...]


@dataclass(frozen=True)
class Picture:
    """A picture: its alt text and the (decoded) file name it links to."""

    alt: str
    source: str


Block = TextBlock | Table | Picture


@dataclass
class MarpSlide:
    """One slide: its title, its blocks in order, its own footer (None: the deck's)."""

    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    footer: str | None = None
    lead: bool = False
    paginate: bool | None = None  # None: as the deck says
    notes: list[str] = field(default_factory=list)  # the presenter's notes, line by line


@dataclass(frozen=True)
class MarpDeck:
    """The slides of a deck; the footer and page numbers of every slide that sets none."""

    slides: tuple[MarpSlide, ...]
    footer: str
    title: str = ""
    paginate: bool = False


_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(r"^\s*_?(\w+)\s*:\s*(.*?)\s*$", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_PICTURE = re.compile(r"^!\[(.*)\]\(([^)\s]*)\)$")
_NUMBERED = re.compile(r"^(\d{1,9})\.\s+(.*)$")
_INLINE = re.compile(r"\\(.)|\*\*|`([^`]*)`", re.DOTALL)


def parse_deck(text: str) -> MarpDeck:
    """The slides of a Marp deck written by ``render_deck``.

    Slides are separated by lines that are exactly ``---``, the first of which closes
    the front matter (as ``slide_count`` counts them).
    """
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line == "---":
            chunks.append([])
        else:
            chunks[-1].append(line)
    # chunks[0] is before the front matter, chunks[1] the front matter itself.
    front = yaml.safe_load("\n".join(chunks[1])) if len(chunks) > 1 else None
    front = front if isinstance(front, dict) else {}
    slides = tuple(_parse_slide(lines) for lines in chunks[2:])
    footer = unescape(str(front.get("footer", "")))
    return MarpDeck(
        slides=slides,
        footer=footer,
        title=str(front.get("title", "")),
        paginate=front.get("paginate") is True,
    )


def _parse_slide(lines: list[str]) -> MarpSlide:
    """One slide's title, blocks and directives."""
    slide = MarpSlide()
    body: list[str] = []
    in_notes = False
    for line in lines:
        # A comment over several lines is the presenter's notes (Marp's own reading).
        if in_notes or line.strip() == "<!--":
            in_notes = line.strip() != "-->"
            if line.strip() not in ("<!--", "-->"):
                slide.notes.append(line.strip())
            continue
        directive = _directive(line)
        if directive is not None:
            _apply(slide, *directive)
        else:
            body.append(_COMMENT.sub("", line).rstrip() if "<!--" in line else line.rstrip())
    slide.blocks = _blocks(body, slide)
    if not slide.title:  # a slide without a heading: its first line of text
        slide.title = _first_text(slide.blocks)
    return slide


def _directive(line: str) -> tuple[str, str] | None:
    """``(name, value)`` of a line that is only a Marp directive comment."""
    stripped = line.strip()
    match = _COMMENT.fullmatch(stripped)
    if match is None:
        return None
    directive = _DIRECTIVE.match(match.group(1))
    return (directive.group(1), directive.group(2)) if directive else ("", "")


def _apply(slide: MarpSlide, name: str, value: str) -> None:
    if name == "footer":
        loaded = yaml.safe_load(value) if value else ""
        slide.footer = unescape(str(loaded or ""))
    elif name == "class":
        slide.lead = "lead" in value.split()
    elif name == "paginate":
        slide.paginate = value.strip().lower() == "true"


def _blocks(lines: list[str], slide: MarpSlide) -> list[Block]:
    """The blocks of a slide's body, in order; the first heading becomes its title."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            blocks.append(TextBlock("paragraph", (inline(" ".join(paragraph)),)))
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        heading = _HEADING.match(line)
        item = _list_item(line)
        picture = _PICTURE.match(line)
        if line and not (line.startswith("|") or heading or item or picture):
            paragraph.append(line)
            continue
        close_paragraph()
        if line.startswith("|"):
            rows = [line]
            while index < len(lines) and lines[index].strip().startswith("|"):
                rows.append(lines[index].strip())
                index += 1
            blocks.append(_table(rows))
        elif heading and not slide.title:
            slide.title = unescape(heading.group(2))
        elif heading:  # a second heading: a bold paragraph
            blocks.append(TextBlock("paragraph", ((Run(unescape(heading.group(2)), True),),)))
        elif item:
            _add_item(blocks, *item)
        elif picture:
            alt = unescape(_COMMENT.sub("", picture.group(1)).strip())
            blocks.append(Picture(alt=alt, source=unquote(picture.group(2))))
    close_paragraph()
    return blocks


def _list_item(line: str) -> tuple[Literal["bullet", "numbered"], Line] | None:
    if line.startswith("- "):
        return "bullet", inline(line[2:])
    numbered = _NUMBERED.match(line)
    if numbered:
        return "numbered", inline(f"{numbered.group(1)}\\. {numbered.group(2)}")
    return None


def _add_item(blocks: list[Block], kind: Literal["bullet", "numbered"], line: Line) -> None:
    """A list item joins the list just before it, or starts one."""
    last = blocks[-1] if blocks else None
    if isinstance(last, TextBlock) and last.kind == kind:
        blocks[-1] = TextBlock(kind, (*last.lines, line))
    else:
        blocks.append(TextBlock(kind, (line,)))


def _table(rows: list[str]) -> Table:
    """A pipe table; its second line (the ``|---|`` rule) is dropped."""
    cells = [_cells(row) for row in rows]
    body = [row for i, row in enumerate(cells) if i != 1]
    width = max(len(row) for row in body)
    padded = [tuple(row) + ((),) * (width - len(row)) for row in body]
    return Table(header=padded[0], rows=tuple(padded[1:]))


def _cells(row: str) -> list[Line]:
    """The cells of one table row: split on ``|`` not escaped by a backslash."""
    parts: list[str] = []
    current = ""
    escaped = False
    for char in row.strip().strip("|") if row.strip() != "|" else "":
        if char == "|" and not escaped:
            parts.append(current)
            current = ""
        else:
            current += char
        escaped = char == "\\" and not escaped
    parts.append(current)
    # '<br>' breaks a cell's lines (rate, then CI and sources): kept as a newline.
    return [inline(part.strip().replace("<br>", "\n")) for part in parts]


def inline(text: str) -> Line:
    """Inline Markdown as runs: ``**bold**``, code spans, backslash escapes."""
    runs: list[Run] = []
    bold = False
    current = ""
    position = 0
    for match in _INLINE.finditer(text):
        current += text[position : match.start()]
        position = match.end()
        if match.group(1) is not None:
            current += match.group(1)
        elif match.group(0) == "**":
            if current:
                runs.append(Run(current, bold))
            current, bold = "", not bold
        else:
            if current:
                runs.append(Run(current, bold))
            runs.append(Run(match.group(2), bold, code=True))
            current = ""
    current += text[position:]
    if current:
        runs.append(Run(current, bold))
    return tuple(runs)


def unescape(text: str) -> str:
    """Text from inline Markdown, without its markup."""
    return plain(inline(text))


def _first_text(blocks: list[Block]) -> str:
    for block in blocks:
        if isinstance(block, TextBlock) and block.lines:
            return plain(block.lines[0])
    return ""
