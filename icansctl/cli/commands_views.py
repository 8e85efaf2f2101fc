"""The commands that show the evidence: list, show, compare, mechanisms, refs, changes.

Each parses its options, asks the core for a view and hands it to the renderer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, cast

import typer

from .app import (
    CiMethodOption,
    CiOption,
    Command,
    EvidenceOption,
    Format,
    FormatOption,
    Layout,
    OutputOption,
    RefsFormat,
    app,
    complete_endpoints_option,
    complete_strategy_option,
    emit,
    emit_view,
    fail,
    format_option,
    load_base,
    resolve_baselines,
    resolve_strategies,
    strategy_argument,
)

# The STRATEGY argument of the commands that list all strategies unless told which.
OptionalStrategiesArgument = Annotated[
    list[str] | None, strategy_argument("Strategies to include (default: all).")
]
LayoutOption = Annotated[
    Layout,
    typer.Option(
        "--layout",
        help="summary: one row per study arm, one column per endpoint (the terminal "
        "table; JSON and Markdown are always the detail); detail: one column per study "
        "arm, every endpoint and study fact.",
    ),
]
EndpointsOption = Annotated[
    str | None,
    typer.Option(
        "--endpoints",
        metavar="ID,ID...",
        help="Endpoints of the summary table (default: icans_any, icans_grade3plus, "
        "crs_grade3plus, orr).",
        autocompletion=complete_endpoints_option,
        show_default=False,
    ),
]


@app.command("list", cls=Command)
def list_command(
    format: FormatOption = Format.table,
    output: OutputOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """Strategies and baselines at a glance.

    Each with its drug class, what it acts on, its studies (how many randomized), its
    patients and its other names.

    \b
    Examples:
      icansctl list
      icansctl list --format markdown -o strategies.md
    """
    from ..views.listing import list_view

    items = list_view(load_base(evidence))
    emit("list", items, format, output)


@app.command("show", cls=Command)
def show_command(
    strategy: Annotated[
        str,
        strategy_argument("Strategy id or alias, e.g. anakinra, Kineret."),
    ],
    format: FormatOption = Format.table,
    output: OutputOption = None,
    evidence: EvidenceOption = None,
    ci: CiOption = CiMethodOption.wilson,
) -> None:
    """One strategy in full: mechanism, regimens, every study and figure, caveats.

    \b
    Examples:
      icansctl show anakinra
      icansctl show Kineret --format json
      icansctl show defibrotide --ci exact -o defibrotide.txt
    """
    from ..views.show import show_view

    base = load_base(evidence)
    (chosen,) = resolve_strategies(base, [strategy])
    view = show_view(base, chosen, ci.value)
    emit("show", view, format, output)


@app.command("compare", cls=Command)
def compare_command(
    strategies: Annotated[
        list[str],
        strategy_argument("Strategy ids or aliases to compare."),
    ],
    baseline: Annotated[
        list[str] | None,
        typer.Option(
            "--baseline",
            "-b",
            metavar="ID",
            help="Add a baseline (reference population), e.g. zuma1.",
            autocompletion=complete_strategy_option,
        ),
    ] = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    evidence: EvidenceOption = None,
    ci: CiOption = CiMethodOption.wilson,
    layout: LayoutOption = Layout.summary,
    endpoints: EndpointsOption = None,
) -> None:
    """Strategies side by side: design, N, rates with 95% CIs, sources, caveats.

    \b
    Examples:
      icansctl compare anakinra defibrotide
      icansctl compare anakinra corticosteroids tocilizumab --baseline zuma1
      icansctl compare anakinra defibrotide --endpoints icans_any,crs_any
      icansctl compare steroids anakinra --layout detail
      icansctl compare steroids anakinra --format markdown -o compare.md
    """
    from ..errors import NoSuchEndpoint

    base = load_base(evidence)
    chosen = resolve_strategies(base, list(strategies))
    chosen += [b for b in resolve_baselines(base, list(baseline or [])) if b not in chosen]
    if layout is Layout.summary and format is Format.table:
        from ..views.summary import summary_view

        asked = [e.strip() for e in endpoints.split(",") if e.strip()] if endpoints else None
        try:
            summary = summary_view(base, chosen, asked, ci.value)
        except NoSuchEndpoint as err:
            fail(str(err))
        emit("summary", summary, format, output)
        return
    from ..views.compare import compare_view

    emit("compare", compare_view(base, chosen, ci.value), format, output)


@app.command("mechanisms", cls=Command)
def mechanisms_command(
    strategies: OptionalStrategiesArgument = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """Where each strategy acts on the pathophysiology of ICANS.

    \b
    Examples:
      icansctl mechanisms
      icansctl mechanisms anakinra defibrotide --format markdown
    """
    from ..views.mechanisms import mechanism_view

    emit_view("mechanisms", mechanism_view, strategies, evidence, format, output)


@app.command("refs", cls=Command)
def refs_command(
    strategies: OptionalStrategiesArgument = None,
    format: Annotated[RefsFormat, format_option("Output format.")] = RefsFormat.table,
    output: OutputOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """A numbered reference list (Vancouver style), or an export for a reference manager.

    \b
    Examples:
      icansctl refs
      icansctl refs anakinra -o refs.txt
      icansctl refs --format bibtex -o icans.bib
    """
    from ..views.refs import refs_view

    emit_view("refs", refs_view, strategies, evidence, format, output)


def check_since(value: str | None) -> str | None:
    """``--since``: a YYYY-MM-DD date (the same rule as the evidence's own dates)."""
    from ..evidence.model_dates import to_date

    if value is None:
        return None
    try:
        to_date(value)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    return value


SinceOption = Annotated[
    str,
    typer.Option(
        "--since",
        metavar="YYYY-MM-DD",
        help="List what was added or changed on or after this date.",
        show_default=False,
        callback=check_since,
    ),
]


@app.command("changes", cls=Command)
def changes_command(
    since: SinceOption,
    strategies: OptionalStrategiesArgument = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """What is new or corrected since a date: studies, figures and claims, newest first.

    Each record's date is the day it entered the evidence (or that of the study or
    strategy it belongs to); a correction made in place says what changed.

    \b
    Examples:
      icansctl changes --since 2026-11-25
      icansctl changes --since 2026-11-25 anakinra corticosteroids
      icansctl changes --since 2026-11-25 --format markdown -o new.md
    """
    from ..evidence.model_dates import to_date
    from ..views.changes import changes_view

    day = cast(dt.date, to_date(since))
    base = load_base(evidence)
    chosen = resolve_strategies(base, list(strategies or []))
    emit("changes", changes_view(base, chosen, day), format, output)
