"""The `slides` and `plot` commands (registered on the main app when imported).

Keep imports here light: this module is imported whenever the CLI starts.  Views,
templates and the plot module are imported inside the commands.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import (
    CiMethodOption,
    CiOption,
    Command,
    EvidenceOption,
    app,
    fail,
    load_base,
    resolve_strategies,
    strategy_argument,
)

if TYPE_CHECKING:
    from ..evidence.base import EvidenceBase
    from ..evidence.model import Strategy
    from ..views.compare import CompareView
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


class PlotFormat(str, Enum):
    """Output formats of ``plot``."""

    auto = "auto"
    text = "text"
    svg = "svg"


def _write(files: dict[Path, str]) -> None:
    from ..render.output import OutputError, write_files_atomic

    try:
        write_files_atomic(files)
    except OutputError as err:
        fail(str(err))


def _warn(message: str) -> None:
    typer.echo(f"icansctl: {message}", err=True)


def _is_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


def _check_endpoint(base: EvidenceBase, endpoint: str) -> None:
    """An id that is no endpoint at all is a typo, not a gap in the evidence: say so."""
    if base.endpoints and endpoint not in base.endpoints:
        known = ", ".join(base.endpoints)
        fail(f"unknown endpoint '{endpoint}' (endpoints: {known})")


def _missing_from_plot(chosen: list[Strategy], forest: ForestView) -> None:
    """Name the strategies the plot leaves out for want of a figure for the endpoint."""
    drawn = {group.strategy_id for group in forest.groups}
    missing = [s.name for s in chosen if s.kind != "baseline" and s.id not in drawn]
    if missing:
        _warn(
            f"no figure for '{forest.endpoint_label}' from: {'; '.join(missing)} "
            "(not drawn; 'icansctl show' has what they report)"
        )


def _with_baselines(base: EvidenceBase, chosen: list[Strategy]) -> list[Strategy]:
    strategies = chosen or [s for s in base.strategies.values() if s.kind != "baseline"]
    baselines = [s for s in base.strategies.values() if s.kind == "baseline"]
    return strategies + [b for b in baselines if b not in strategies]


def _compare(
    names: list[str] | None, evidence: list[Path] | None, ci: CiMethodOption
) -> tuple[EvidenceBase, list[Strategy], CompareView]:
    from ..views.compare import compare_view

    base = load_base(evidence)
    chosen = _with_baselines(base, resolve_strategies(base, list(names or [])))
    return base, chosen, compare_view(base, chosen, ci.value)


@app.command("plot", cls=Command)
def plot_command(
    strategies: StrategiesArgument = None,
    endpoint: EndpointOption = "icans_grade3plus",
    format: Annotated[
        PlotFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: Unicode dot-and-whisker chart; svg: a picture. "
            "auto: text on stdout or into FILE.txt, svg into any other FILE.",
        ),
    ] = PlotFormat.auto,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically); - is stdout.",
        ),
    ] = None,
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
    from ..render.charts.forest_svg import forest_svg
    from ..render.charts.forest_text import unicode_chart
    from ..render.dispatch import FILE_WIDTH, terminal_width
    from ..render.output import write_stdout
    from ..views.forest import forest_from_compare

    base, chosen, view = _compare(strategies, evidence, ci)
    _check_endpoint(base, endpoint)
    try:
        forest = forest_from_compare(view, endpoint)
    except NoSuchEndpoint as err:
        fail(str(err))
    to_stdout = _is_stdout(output)
    kind = format.value
    if kind == "auto":
        suffix = output.suffix.lower() if output is not None and not to_stdout else ""
        kind = "text" if to_stdout or suffix == ".txt" else "svg"
        if kind == "svg" and suffix != ".svg":
            _warn(f"writing an SVG picture to {output} (--format text for a text chart)")
    try:
        if kind == "svg":
            text = forest_svg(forest)
        else:
            # The same width as the tables: the terminal's on stdout, a fixed one in a file.
            text = unicode_chart(forest, max(60, terminal_width() if to_stdout else FILE_WIDTH))
    except RenderError as err:
        fail(str(err))
    _missing_from_plot(chosen if strategies else [], forest)
    if to_stdout:
        write_stdout(text, escape="xml" if kind == "svg" else "text")
        return
    assert output is not None
    _write({output: text})


@app.command("slides", cls=Command)
def slides_command(
    strategies: StrategiesArgument = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The deck (Marp Markdown); its pictures are written beside it as "
            "FILE-stem.forest.svg and FILE-stem.mechanisms.svg. - writes the deck alone "
            "to stdout, without pictures.",
        ),
    ] = Path("deck.md"),
    title: Annotated[str, typer.Option("--title", help="Title of the deck.")] = DEFAULT_TITLE,
    theme: Annotated[
        str, typer.Option("--theme", help="Marp theme: default, gaia, uncover or your own.")
    ] = "default",
    endpoint: EndpointOption = "icans_grade3plus",
    evidence: EvidenceOption = None,
    ci: CiOption = CiMethodOption.wilson,
) -> None:
    """A journal-club deck in Marp Markdown, with a forest plot and the mechanism graph.

    \b
    Examples:
      icansctl slides anakinra defibrotide -o deck.md && npx @marp-team/marp-cli deck.md
      icansctl slides --theme gaia --title "Journal club" -o club.md
    """
    import re

    from ..errors import NoSuchEndpoint, RenderError
    from ..render.charts.forest_svg import forest_svg
    from ..render.charts.mechanism_svg import mechanism_svg
    from ..render.output import write_stdout
    from ..render.slides import slides_markdown
    from ..version import __version__
    from ..views.forest import forest_from_compare
    from ..views.mechanisms import mechanism_view

    if not re.fullmatch(r"[A-Za-z0-9_-]+", theme):
        fail(f"invalid theme name '{theme}' (letters, digits, '-' and '_')")
    if theme not in MARP_THEMES:
        _warn(
            f"'{theme}' is not a built-in Marp theme ({', '.join(MARP_THEMES)}): "
            "Marp needs its CSS (--theme-set), and the slides are laid out with cautious sizes"
        )
    to_stdout = str(output) == "-"
    if not to_stdout and output.suffix.lower() not in (".md", ".markdown"):
        _warn(
            f"{output} will hold Marp Markdown whatever its name; convert it with "
            "Marp CLI (npx @marp-team/marp-cli deck.md --pptx)"
        )
    base, chosen, view = _compare(strategies, evidence, ci)
    _check_endpoint(base, endpoint)
    mechanisms = mechanism_view(base, [s for s in chosen if s.kind != "baseline"])
    stem = output.stem or "deck"
    forest_path = output.with_name(f"{stem}.forest.svg")
    mechanism_path = output.with_name(f"{stem}.mechanisms.svg")
    files: dict[Path, str] = {}
    try:
        try:
            forest = forest_from_compare(view, endpoint)
        except NoSuchEndpoint:
            if endpoint != "icans_grade3plus":
                raise
            forest = None
        if forest is not None:
            files[forest_path] = forest_svg(forest)
        files[mechanism_path] = mechanism_svg(mechanisms)
        # On stdout the deck goes alone: pictures need a file to sit beside, and a
        # deck that links to files nobody wrote would show broken images.
        deck = slides_markdown(
            view,
            mechanisms,
            forest,
            title=title,
            theme=theme,
            version=__version__,
            forest_image=forest_path.name if forest is not None and not to_stdout else None,
            mechanism_image=None if to_stdout else mechanism_path.name,
        )
    except (RenderError, NoSuchEndpoint) as err:
        fail(str(err))
    slides = sum(1 for line in deck.splitlines() if line == "---") - 1
    if to_stdout:
        write_stdout(deck)
        _warn(f"{slides} slides on stdout, without pictures (they need -o FILE)")
        return
    # The deck first: an error about the target names the path the user typed.
    _write({output: deck, **files})
    pictures = len(files)
    typer.echo(
        f"wrote {output} ({slides} slides) and {pictures} picture{'s' if pictures != 1 else ''}",
        err=True,
    )
