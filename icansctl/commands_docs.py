"""The `slides` and `plot` commands (registered on the main app when imported).

Keep imports here light: this module is imported whenever the CLI starts.  Views,
templates and the plot module are imported inside the commands.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .cli import (
    CiMethodOption,
    CiOption,
    EvidenceOption,
    _complete_strategy,
    _fail,
    _load,
    _resolve,
    app,
)

if TYPE_CHECKING:
    from .evidence import EvidenceBase
    from .model import Strategy
    from .views import CompareView

DEFAULT_TITLE = "Preventing ICANS after CAR T-cell therapy"

StrategiesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Strategies to include (default: all); baselines such as zuma1 are always added.",
        metavar="[STRATEGY...]",
        show_default=False,
        autocompletion=_complete_strategy,
    ),
]
EndpointOption = Annotated[
    str,
    typer.Option(
        "--endpoint",
        metavar="ID",
        help="Endpoint id of the forest plot (see evidence/endpoints.yaml).",
    ),
]


class PlotFormat(str, Enum):
    """Output formats of ``plot``."""

    auto = "auto"
    text = "text"
    svg = "svg"


def _write(files: dict[Path, str]) -> None:
    from .output import write_files_atomic

    try:
        write_files_atomic(files)
    except OSError as err:
        target = getattr(err, "filename", None) or next(iter(files))
        _fail(f"cannot write {target}: {err.strerror or err}")


def _with_baselines(base: EvidenceBase, chosen: list[Strategy]) -> list[Strategy]:
    strategies = chosen or [s for s in base.strategies.values() if s.kind != "baseline"]
    baselines = [s for s in base.strategies.values() if s.kind == "baseline"]
    return strategies + [b for b in baselines if b not in strategies]


def _compare(
    names: list[str] | None, evidence: list[Path] | None, ci: CiMethodOption
) -> tuple[EvidenceBase, list[Strategy], CompareView]:
    from .views import compare_view

    base = _load(evidence)
    chosen = _with_baselines(base, _resolve(base, list(names or [])))
    return base, chosen, compare_view(base, chosen, ci.value)


@app.command("plot")
def plot_command(
    strategies: StrategiesArgument = None,
    endpoint: EndpointOption = "icans_grade3plus",
    format: Annotated[
        PlotFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: Unicode dot-and-whisker chart; svg: a picture. "
            "auto: svg when -o is given, text otherwise.",
        ),
    ] = PlotFormat.auto,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically)."),
    ] = None,
    evidence: EvidenceOption = None,
    ci: CiOption = CiMethodOption.wilson,
) -> None:
    """A forest plot of one endpoint: each study arm's rate with its 95% CI.

    Grouped by strategy, with the ZUMA-1 baseline as a reference line. Nothing is
    pooled. Example: icansctl plot -o forest.svg
    """
    from .plot import NoSuchEndpoint, forest_from_compare, forest_svg, unicode_chart
    from .rendering import RenderError

    _, _, view = _compare(strategies, evidence, ci)
    try:
        forest = forest_from_compare(view, endpoint)
    except NoSuchEndpoint as err:
        _fail(str(err))
    kind = format.value
    if kind == "auto":
        kind = "svg" if output is not None else "text"
    try:
        if kind == "svg":
            text = forest_svg(forest)
        else:
            import shutil

            width = shutil.get_terminal_size((100, 24)).columns
            text = unicode_chart(forest, max(60, width))
    except RenderError as err:
        _fail(str(err))
    if output is None:
        typer.echo(text, nl=False)
        return
    _write({output: text})


@app.command("slides")
def slides_command(
    strategies: StrategiesArgument = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The deck (Marp Markdown); its pictures are written beside it as "
            "FILE-stem.forest.svg and FILE-stem.mechanisms.svg.",
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

    Example: icansctl slides anakinra defibrotide -o deck.md && npx @marp-team/marp-cli deck.md
    """
    import re

    from . import __version__
    from .plot import NoSuchEndpoint, forest_from_compare, forest_svg, mechanism_svg
    from .render_slides import slides_markdown
    from .rendering import RenderError
    from .views import mechanism_view

    if not re.fullmatch(r"[A-Za-z0-9_-]+", theme):
        _fail(f"invalid theme name '{theme}' (letters, digits, '-' and '_')")
    base, chosen, view = _compare(strategies, evidence, ci)
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
        deck = slides_markdown(
            view,
            mechanisms,
            forest,
            title=title,
            theme=theme,
            version=__version__,
            forest_image=forest_path.name if forest is not None else None,
            mechanism_image=mechanism_path.name,
        )
    except (RenderError, NoSuchEndpoint) as err:
        _fail(str(err))
    files[output] = deck
    _write(files)
    slides = sum(1 for line in deck.splitlines() if line == "---") - 1
    typer.echo(f"wrote {output} ({slides} slides) and {len(files) - 1} picture(s)", err=True)
