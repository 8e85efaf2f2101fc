"""The deck as an editable PowerPoint file (``icansctl slides -o deck.pptx``).

Built from the Marp Markdown of ``render_deck`` (read back by ``marp_deck``), so
the two have the same slides: each Marp slide becomes one slide with its heading as
the title (the title slide's first line when it has none), its tables as native
tables, its text as text boxes, its SVG pictures as PNG pictures rasterized at twice
their displayed size, and its footer.  Boxes and font sizes come from ``pptx_fit``.

python-pptx and the rasterizer (resvg-py, a self-contained wheel of the Rust resvg
library) are the optional extra ``icansctl[pptx]``, imported only here and only when
a .pptx is asked for: without them ``MissingExtra`` names the extra.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtra, RenderError
from .marp_deck import Line, MarpSlide, Picture, Run, Table, TextBlock, parse_deck
from .pptx_fit import (
    CELL_PAD_X,
    CELL_PAD_Y,
    INDENT,
    LINE,
    PAD_X,
    PAD_Y,
    SLIDE_H,
    SLIDE_W,
    SPACE_AFTER,
    Placed,
    SlidePlan,
    column_widths,
    plan_slide,
    row_heights,
)

if TYPE_CHECKING:
    from pptx.slide import Slide
    from pptx.text.text import _Paragraph

EMU_PER_PT = 12700
EMU_PER_PX = 9525  # at 96 dpi
ZOOM = 2  # a picture's pixels per displayed pixel
FONT = "Arial"  # metric-compatible Liberation Sans where Arial is missing
CODE_FONT = "Courier New"
FOOTER_COLOR = "555555"
FOOTER_SIZE = 12.0  # the page number's size (a footer shrinks when it is long)
# The layout of the default template with a title placeholder and nothing else.
TITLE_ONLY_LAYOUT = 5


def require_pptx() -> None:
    """Raise ``MissingExtra`` unless python-pptx and resvg-py can be imported."""
    try:
        import pptx  # noqa: F401
        import resvg_py  # noqa: F401
    except ImportError as err:
        raise MissingExtra("PowerPoint output (.pptx)", "pptx") from err


def pptx_deck(markdown: str, pictures: Mapping[str, str]) -> bytes:
    """The .pptx file of a Marp deck: one slide per Marp slide.

    ``pictures`` maps the file names the deck links to (``deck.forest.svg``) to their
    SVG text, so nothing is read from disk: the deck works from any folder and needs
    no files beside it.  Raises ``MissingExtra`` without the extra and ``RenderError``
    for a picture that is not given.
    """
    require_pptx()
    from pptx import Presentation
    from pptx.util import Emu

    deck = parse_deck(markdown)
    if pictures:
        check_fonts()
    sizes = {name: svg_size(svg) for name, svg in pictures.items()}
    presentation = Presentation()
    presentation.slide_width = Emu(_emu(SLIDE_W))
    presentation.slide_height = Emu(_emu(SLIDE_H))
    presentation.core_properties.title = deck.title
    layout = presentation.slide_layouts[TITLE_ONLY_LAYOUT]
    for number, marp in enumerate(deck.slides, start=1):
        footer = marp.footer if marp.footer is not None else deck.footer
        plan = plan_slide(marp, footer, sizes)
        slide = presentation.slides.add_slide(layout)
        _title(slide, marp, plan)
        for placed in plan.placed:
            _add_block(slide, placed, pictures, centred=marp.lead)
        if plan.footer_box is not None:
            _footer(slide, footer, plan)
        if marp.paginate if marp.paginate is not None else deck.paginate:
            _slide_number(slide, number, plan)
        if marp.notes:  # the presenter's notes (a strategy's caveats)
            slide.notes_slide.notes_text_frame.text = "\n".join(marp.notes)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _emu(points: float) -> int:
    return round(points * EMU_PER_PT)


def _add_block(slide: Slide, placed: Placed, pictures: Mapping[str, str], centred: bool) -> None:
    block = placed.block
    if isinstance(block, tuple):
        _text_box(slide, placed, block, centred)
    elif isinstance(block, Table):
        _table(slide, placed, block)
    elif isinstance(block, Picture):
        if block.source not in pictures:
            raise RenderError(f"the deck links to a picture it was not given: {block.source}")
        _picture(slide, placed, pictures[block.source], block.alt)


def _title(slide: Slide, marp: MarpSlide, plan: SlidePlan) -> None:
    """The title placeholder, moved into the plan's box, with the slide's title."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Emu

    shape = slide.shapes.title
    if shape is None:  # pragma: no cover - the layout has one
        raise RenderError("the PowerPoint layout has no title placeholder")
    left, top, width, height = plan.title_box
    shape.left, shape.top = Emu(_emu(left)), Emu(_emu(top))
    shape.width, shape.height = Emu(_emu(width)), Emu(_emu(height))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if marp.lead else MSO_ANCHOR.BOTTOM
    _margins(frame, PAD_X, PAD_Y)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER if marp.lead else PP_ALIGN.LEFT
    paragraph.line_spacing = _pt(LINE * plan.title_size)
    run = paragraph.add_run()
    run.text = marp.title
    run.font.size = _pt(plan.title_size)
    run.font.bold = True
    run.font.name = FONT


def _pt(points: float) -> Any:
    from pptx.util import Pt

    return Pt(points)


def _margins(frame: Any, x: float, y: float) -> None:
    from pptx.util import Emu

    frame.margin_left = frame.margin_right = Emu(_emu(x))
    frame.margin_top = frame.margin_bottom = Emu(_emu(y))


def _box(slide: Slide, left: float, top: float, width: float, height: float) -> Any:
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Emu

    shape = slide.shapes.add_textbox(
        Emu(_emu(left)), Emu(_emu(top)), Emu(_emu(width)), Emu(_emu(height))
    )
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    _margins(frame, PAD_X, PAD_Y)
    return shape


def _text_box(slide: Slide, placed: Placed, blocks: tuple[TextBlock, ...], centred: bool) -> None:
    """Consecutive paragraphs and lists in one text box."""
    from pptx.enum.text import PP_ALIGN

    frame = _box(slide, placed.left, placed.top, placed.width, placed.height).text_frame
    first = True
    for block in blocks:
        for line in block.lines:
            paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
            _write_line(paragraph, line, placed.size)
            paragraph.space_after = _pt(SPACE_AFTER * placed.size)
            if centred:
                paragraph.alignment = PP_ALIGN.CENTER
            if block.kind != "paragraph":
                _hanging(paragraph, placed.size, bullet=block.kind == "bullet")


def _write_line(paragraph: _Paragraph, line: Line, size: float, bold: bool = False) -> None:
    paragraph.line_spacing = _pt(LINE * size)
    for piece in line:
        for index, part in enumerate(piece.text.split("\n")):
            if index > 0:  # a table cell's '<br>': a line break in the same paragraph
                paragraph.add_line_break()  # type: ignore[no-untyped-call]
            if not part:
                continue
            run = paragraph.add_run()
            run.text = part
            run.font.size = _pt(size)
            run.font.bold = piece.bold or bold
            run.font.name = CODE_FONT if piece.code else FONT


def _hanging(paragraph: _Paragraph, size: float, bullet: bool) -> None:
    """A list item: hanging indent, with a bullet (a numbered item keeps its number)."""
    from pptx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    indent = _emu(INDENT * size)
    p_pr.set("marL", str(indent))
    p_pr.set("indent", str(-indent))
    if bullet:
        p_pr.append(p_pr.makeelement(qn("a:buFont"), {"typeface": FONT}))
        p_pr.append(p_pr.makeelement(qn("a:buChar"), {"char": "•"}))
    else:
        p_pr.append(p_pr.makeelement(qn("a:buNone"), {}))


def _table(slide: Slide, placed: Placed, table: Table) -> None:
    """A native table, its columns and rows sized as ``pptx_fit`` measured them."""
    from pptx.util import Emu

    widths = column_widths(table, placed.width, placed.size)
    heights = row_heights(table, widths, placed.size)
    rows = (table.header, *table.rows)
    shape = slide.shapes.add_table(
        len(rows),
        len(widths),
        Emu(_emu(placed.left)),
        Emu(_emu(placed.top)),
        Emu(sum(_emu(w) for w in widths)),
        Emu(sum(_emu(h) for h in heights)),
    )
    grid = shape.table
    for index, width in enumerate(widths):
        grid.columns[index].width = Emu(_emu(width))
    for index, height in enumerate(heights):
        grid.rows[index].height = Emu(_emu(height))
    for r, row in enumerate(rows):
        for c, line in enumerate(row):
            cell = grid.cell(r, c)
            _margins(cell, CELL_PAD_X, CELL_PAD_Y)
            _write_line(cell.text_frame.paragraphs[0], line, placed.size, bold=r == 0)


def _footer(slide: Slide, footer: str, plan: SlidePlan) -> None:
    from pptx.dml.color import RGBColor

    assert plan.footer_box is not None
    shape = _box(slide, *plan.footer_box)
    shape.name = "Footer"
    paragraph = shape.text_frame.paragraphs[0]
    _write_line(paragraph, (_plain_run(footer),), plan.footer_size)
    color = RGBColor.from_string(FOOTER_COLOR)  # type: ignore[no-untyped-call]
    for run in paragraph.runs:
        run.font.color.rgb = color


# The GUID PowerPoint gives its slide-number fields.
SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"


def _slide_number(slide: Slide, number: int, plan: SlidePlan) -> None:
    """The page number Marp shows (``paginate``), as a field PowerPoint keeps current."""
    from pptx.enum.text import PP_ALIGN
    from pptx.oxml.ns import qn

    shape = _box(slide, *plan.number_box)
    shape.name = "Slide Number"
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT
    p = paragraph._p
    field = p.makeelement(qn("a:fld"), {"id": SLIDE_NUMBER_FIELD, "type": "slidenum"})
    properties = field.makeelement(
        qn("a:rPr"), {"lang": "en-US", "sz": str(round(100 * FOOTER_SIZE))}
    )
    fill = properties.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": FOOTER_COLOR}))
    properties.append(fill)
    properties.append(properties.makeelement(qn("a:latin"), {"typeface": FONT}))
    text = field.makeelement(qn("a:t"), {})
    text.text = str(number)
    field.append(properties)
    field.append(text)
    p.append(field)


def _plain_run(text: str) -> Run:
    return Run(text)


def _picture(slide: Slide, placed: Placed, svg: str, alt: str) -> None:
    """The SVG as a PNG with ``ZOOM`` pixels per displayed pixel, centred in its box."""
    from pptx.util import Emu

    width_px, _ = svg_size(svg)
    pixels = max(1, round(ZOOM * placed.width / 0.75))
    png = rasterize(svg, pixels / width_px)
    w_px, h_px = png_size(png)
    width, height = w_px * EMU_PER_PX // ZOOM, h_px * EMU_PER_PX // ZOOM
    left = _emu(placed.left + placed.width / 2) - width // 2
    picture = slide.shapes.add_picture(
        io.BytesIO(png), Emu(left), Emu(_emu(placed.top)), Emu(width), Emu(height)
    )
    picture.name = alt[:60] or "Picture"
    element: Any = picture._element
    element.nvPicPr.cNvPr.set("descr", alt)  # the alt text screen readers read


_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_LENGTH = r'\s{0}="\s*([0-9.]+)(?:px)?\s*"'


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height of an SVG in CSS pixels (its root's attributes, else its
    viewBox)."""
    tag = _SVG_TAG.search(svg)
    root = tag.group(0) if tag else ""
    width = re.search(_LENGTH.format("width"), root)
    height = re.search(_LENGTH.format("height"), root)
    if width and height:
        return float(width.group(1)), float(height.group(1))
    box = re.search(r'viewBox="\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)', root)
    if box is None:
        raise RenderError("a picture of the deck has no size")
    return float(box.group(1)), float(box.group(2))


def _metric_fonts(svg: str) -> str:
    """The SVG with Arial's metric twins named after Arial: resvg has no font
    substitution (fontconfig gives browsers and rsvg-convert Liberation Sans for
    Arial), and the charts are laid out with Arial's widths."""
    return re.sub(r'(font-family="[^"]*?\bArial\b)', r"\1, 'Liberation Sans', Arimo", svg)


def rasterize(svg: str, zoom: float) -> bytes:
    """The SVG as PNG bytes at ``zoom`` pixels per CSS pixel (resvg, system fonts)."""
    import resvg_py

    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=_metric_fonts(svg), zoom=zoom))
    except Exception as err:  # the binding raises plain exceptions
        raise RenderError(f"could not rasterize a picture of the deck: {err}") from err


_FONT_PROBE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24">'
    '<text x="2" y="20" font-size="20" font-family="Arial, sans-serif">H</text></svg>'
)


def check_fonts() -> None:
    """Raise ``RenderError`` when the rasterizer finds no font: the pictures would
    lose every label without a word (resvg reads the system's font files)."""
    from PIL import Image

    with Image.open(io.BytesIO(rasterize(_FONT_PROBE, 1.0))) as probe:
        drawn = probe.convert("RGBA").getchannel("A").getbbox()
    if drawn is None:
        raise RenderError(
            "no font found to draw the pictures' labels: install one "
            "(e.g. apt-get install fonts-liberation)"
        )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise RenderError("the rasterizer did not return a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)
