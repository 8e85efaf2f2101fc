"""The `slides` and `plot` commands (registered on the main app when imported).

Keep imports here light: this module is imported whenever the CLI starts.  Views,
templates and the plot module are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from .app import (
    CiMethodOption,
    CiOption,
    Command,
    EvidenceOption,
    app,
    fail,
    format_option,
    load_base,
    resolve_strategies,
    strategy_argument,
)
from .commands_views import check_since

if TYPE_CHECKING:
    from ..evidence.base import EvidenceBase
    from ..evidence.model import Strategy
    from ..views.deck import DeckView
    from ..views.forest import ForestView

DEFAULT_TITLE = "Preventing ICANS after CAR T-cell therapy"

StrategiesArgument = Annotated[
    list[str] | None,
    strategy_argument(
        "Strategies to include (default: all); baselines such as zuma1 are always added."
    ),
]
EndpointOption = Annotated[
    str,
    typer.Option(
        "--endpoint",
        metavar="ID",
        help="Endpoint of the forest plot, e.g. icans_grade3plus, icans_any, crs_grade3plus, "
        "steroid_use (an unknown id lists them all).",
    ),
]


# The themes Marp CLI knows without being given a CSS file (deck_layout fits them).
MARP_THEMES = ("default", "gaia", "uncover")


# Output formats of ``plot`` and of ``slides``.
PlotFormat = Enum("PlotFormat", [("auto", "auto"), ("text", "text"), ("svg", "svg")], type=str)
DeckFormat = Enum("DeckFormat", [("auto", "auto"), ("marp", "marp"), ("pptx", "pptx")], type=str)


PlotFormatOption = Annotated[
    PlotFormat,
    format_option(
        "text: Unicode dot-and-whisker chart; svg: a picture. "
        "auto: text on stdout or into FILE.txt, svg into any other FILE."
    ),
]
PlotOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (atomically); - is stdout.",
    ),
]
DeckOutputOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="The deck (Marp Markdown); its pictures are written beside it as "
        "FILE-stem.forest.svg and FILE-stem.mechanisms.svg. - writes the deck alone "
        "to stdout, without pictures. FILE.pptx: a PowerPoint deck, pictures inside.",
    ),
]


DeckFormatOption = Annotated[
    DeckFormat,
    format_option(
        "marp: Marp Markdown with SVG pictures beside it; pptx: an editable "
        "PowerPoint deck (pip install 'icansctl[pptx]'). auto: pptx for FILE.pptx, else marp."
    ),
]
TitleOption = Annotated[str, typer.Option("--title", help="Title of the deck.")]
SinceDeckOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="YYYY-MM-DD",
        help="Add 'New since' slides after the take-home: studies added and figures "
        "corrected on or after this date.",
        show_default=False,
        callback=check_since,
    ),
]
ThemeOption = Annotated[
    str, typer.Option("--theme", help="Marp theme: default, gaia, uncover or your own.")
]


def _write(files: dict[Path, str | bytes]) -> None:
    from ..render.output import OutputError, write_files_atomic

    try:
        write_files_atomic(files)
    except OutputError as err:
        fail(str(err))


def _warn(message: str) -> None:
    typer.echo(f"icansctl: {message}", err=True)


def _is_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


@app.command("plot", cls=Command)
def plot_command(
    strategies: StrategiesArgument = None,
    endpoint: EndpointOption = "icans_grade3plus",
    format: PlotFormatOption = PlotFormat.auto,
    output: PlotOutputOption = None,
    evidence: EvidenceOption = None,
    ci: CiOption = CiMethodOption.wilson,
) -> None:
    """A forest plot of one endpoint: each study arm's rate with its 95% CI.

    Grouped by strategy, with the ZUMA-1 baseline as a reference line. Nothing is
    pooled.

    \b
    Examples:
      icansctl plot                              a chart in the terminal
      icansctl plot anakinra --endpoint icans_any
      icansctl plot -o forest.svg                a picture for slides
    """
    from ..errors import NoSuchEndpoint, RenderError
    from ..render.output import write_stdout
    from ..views.deck import plot_view

    base = load_base(evidence)
    chosen = resolve_strategies(base, list(strategies or []))
    try:
        plot = plot_view(base, chosen, endpoint, ci.value)
    except NoSuchEndpoint as err:
        fail(str(err))
    to_stdout = _is_stdout(output)
    kind = _plot_kind(format.value, output, to_stdout)
    try:
        text = _plot_text(plot.forest, kind, to_stdout)
    except RenderError as err:
        fail(str(err))
    if plot.not_drawn:
        _warn(
            f"no figure for '{plot.forest.endpoint_label}' from: {'; '.join(plot.not_drawn)} "
            "(not drawn; 'icansctl show' has what they report)"
        )
    if to_stdout:
        write_stdout(text, escape="xml" if kind == "svg" else "text")
        return
    assert output is not None
    _write({output: text})


def _plot_text(forest: ForestView, kind: str, to_stdout: bool) -> str:
    """The plot as SVG, or as a text chart as wide as the tables: the terminal's on
    stdout, a fixed width in a file."""
    if kind == "svg":
        from ..render.charts.forest_svg import forest_svg

        return forest_svg(forest)
    from ..render.charts.forest_text import unicode_chart
    from ..render.dispatch import FILE_WIDTH, terminal_width

    return unicode_chart(forest, max(60, terminal_width() if to_stdout else FILE_WIDTH))


def _plot_kind(asked: str, output: Path | None, to_stdout: bool) -> str:
    """``text`` or ``svg``: ``auto`` is text on stdout or into FILE.txt, else svg."""
    if asked != "auto":
        return asked
    suffix = output.suffix.lower() if output is not None and not to_stdout else ""
    kind = "text" if to_stdout or suffix == ".txt" else "svg"
    if kind == "svg" and suffix != ".svg":
        _warn(f"writing an SVG picture to {output} (--format text for a text chart)")
    return kind


@app.command("slides", cls=Command)
def slides_command(
    strategies: StrategiesArgument = None,
    output: DeckOutputOption = Path("deck.md"),
    title: TitleOption = DEFAULT_TITLE,
    theme: ThemeOption = "default",
    endpoint: EndpointOption = "icans_grade3plus",
    evidence: EvidenceOption = None,
    ci: CiOption = CiMethodOption.wilson,
    format: DeckFormatOption = DeckFormat.auto,
    since: SinceDeckOption = None,
) -> None:
    """A journal-club deck in Marp Markdown, with a forest plot and the mechanism graph;
    or an editable PowerPoint deck of the same slides (-o FILE.pptx).

    \b
    Examples:
      icansctl slides anakinra defibrotide -o deck.md && npx @marp-team/marp-cli deck.md
      icansctl slides --theme gaia --title "Journal club" -o club.md
      icansctl slides anakinra defibrotide -o deck.pptx
      icansctl slides anakinra --since 2026-11-25 -o club.md   (adds "New since")
    """
    from ..errors import NoSuchEndpoint, RenderError
    from ..render.output import write_stdout
    from ..render.slides import slide_count

    _check_theme(theme)
    to_stdout = str(output) == "-"
    if _deck_format(format, output, to_stdout) == "pptx":
        _slides_pptx(strategies, output, title, theme, endpoint, evidence, ci, since)
        return
    if not to_stdout and output.suffix.lower() not in (".md", ".markdown"):
        _warn(
            f"{output} will hold Marp Markdown whatever its name; convert it with "
            "Marp CLI (npx @marp-team/marp-cli deck.md --pptx)"
        )
    base = load_base(evidence)
    chosen = resolve_strategies(base, list(strategies or []))
    try:
        deck = _deck_view(base, chosen, endpoint, ci, since)
        text, files = _deck_files(deck, output, title, theme, to_stdout)
    except (RenderError, NoSuchEndpoint) as err:
        fail(str(err))
    slides = slide_count(text)
    if to_stdout:
        write_stdout(text)
        _warn(f"{slides} slides on stdout, without pictures (they need -o FILE)")
        return
    # The deck first: an error about the target names the path the user typed.
    _write({output: text, **files})
    pictures = len(files)
    typer.echo(
        f"wrote {output} ({slides} slides) and {pictures} picture{'s' if pictures != 1 else ''}",
        err=True,
    )


def _deck_view(
    base: EvidenceBase, chosen: list[Strategy], endpoint: str, ci: CiMethodOption, since: str | None
) -> DeckView:
    """The deck's view, with what changed since ``since`` (its "New since" slides)."""
    from ..views.deck import deck_view

    deck = deck_view(base, chosen, endpoint, ci.value)
    if since is not None:
        from ..evidence.model_dates import to_date
        from ..views.changes import changes_view
        from ..views.deck import with_baselines

        day = cast(dt.date, to_date(since))
        deck.changes = changes_view(base, with_baselines(base, chosen), day)
    return deck


def _deck_format(asked: DeckFormat, output: Path, to_stdout: bool) -> str:
    """``marp`` or ``pptx``: ``auto`` is pptx for FILE.pptx; a .pptx needs a file."""
    kind = asked.value
    if kind == "auto":
        kind = "pptx" if output.suffix.lower() == ".pptx" else "marp"
    if kind == "pptx" and to_stdout:
        fail("a PowerPoint deck needs a file: -o deck.pptx")
    if kind == "pptx" and output.suffix.lower() != ".pptx":
        _warn(f"{output} will hold a PowerPoint deck whatever its name")
    return kind


def _slides_pptx(
    strategies: list[str] | None,
    output: Path,
    title: str,
    theme: str,
    endpoint: str,
    evidence: list[Path] | None,
    ci: CiMethodOption,
    since: str | None,
) -> None:
    """``slides`` into a .pptx: the Marp deck's slides, its pictures as PNG inside.

    The extra is checked first, so that a missing one costs no work and writes nothing.
    """
    from ..errors import NoSuchEndpoint, RenderError
    from ..render.pptx_deck import pptx_deck, require_pptx
    from ..render.slides import slide_count

    try:
        require_pptx()
    except RenderError as err:
        fail(str(err), code=1)
    base = load_base(evidence)
    chosen = resolve_strategies(base, list(strategies or []))
    try:
        deck = _deck_view(base, chosen, endpoint, ci, since)
        text, files = _deck_files(deck, output, title, theme, False)
        pptx = pptx_deck(text, {path.name: svg for path, svg in files.items()})
    except (RenderError, NoSuchEndpoint) as err:
        fail(str(err))
    _write({output: pptx})
    pictures = f"{len(files)} picture{'s' if len(files) != 1 else ''}"
    typer.echo(f"wrote {output} ({slide_count(text)} slides, {pictures} inside)", err=True)


def _deck_files(
    deck: DeckView, output: Path, title: str, theme: str, to_stdout: bool
) -> tuple[str, dict[Path, str]]:
    """The deck's Markdown and its pictures, named after ``output``.

    On stdout the deck goes alone: pictures need a file to sit beside, and a deck that
    links to files nobody wrote would show broken images.
    """
    from ..render.slides import render_deck
    from ..version import __version__

    stem = None if to_stdout else (output.stem or "deck")
    rendered = render_deck(deck, title=title, theme=theme, version=__version__, stem=stem)
    return rendered.text, {output.with_name(name): svg for name, svg in rendered.pictures.items()}


def _check_theme(theme: str) -> None:
    """A theme name that could escape the deck's folder is refused; an unknown one warned."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9_-]+", theme):
        fail(f"invalid theme name '{theme}' (letters, digits, '-' and '_')")
    if theme not in MARP_THEMES:
        _warn(
            f"'{theme}' is not a built-in Marp theme ({', '.join(MARP_THEMES)}): "
            "Marp needs its CSS (--theme-set), and the slides are laid out with cautious sizes"
        )
