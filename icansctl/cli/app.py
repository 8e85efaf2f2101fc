"""The command line: parse options, call the core, hand the view to a renderer.

Kept thin on purpose; everything it calls is usable as a library.  Heavy modules
(pydantic models, views, renderers) are imported inside the commands that need them
so that ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

# pydantic looks for third-party plugins through package entry points the first time a
# model validates, a scan that costs ~40 ms at every start; icansctl uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer
from typer.core import TyperCommand, TyperGroup

from ..version import __version__

if TYPE_CHECKING:
    from ..evidence.base import EvidenceBase
    from ..evidence.model import Strategy

EXAMPLES = """\
\b
Examples:
  icansctl list
  icansctl compare anakinra defibrotide
  icansctl compare anakinra corticosteroids tocilizumab --baseline zuma1
  icansctl show kineret --format json
  icansctl refs anakinra -o refs.txt
  icansctl compare steroids anakinra --evidence ./my-evidence
"""


class Command(TyperCommand):
    """A command with Click's plain help and a usage line that reads
    ``show [OPTIONS] STRATEGY``.

    Plain help because Typer before 0.13 draws Rich panels whenever Rich is installed,
    even with ``rich_markup_mode=None``; the boxes are noise in a pipe and differ
    between Typer versions.  And recent Typer writes a required argument as
    ``{STRATEGY}``, which reads like a set to pick from.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line's pieces: required arguments without braces, optional ones in
        brackets, and ``...`` after an argument that takes many values (Typer 0.12
        drops the brackets and the dots when the argument has a metavar)."""
        pieces: list[str] = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            for piece in param.get_usage_pieces(ctx):
                if piece.startswith("{"):
                    piece = piece[1:].replace("}", "", 1)
                is_argument = getattr(param, "param_type_name", "") == "argument"
                if is_argument and not param.required and not piece.startswith("["):
                    piece = f"[{piece}]"
                if getattr(param, "nargs", 1) != 1 and not piece.endswith("..."):
                    piece += "..."
                pieces.append(piece)
        return pieces

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Click's plain help, whatever the Typer version (new Typer vendors Click:
        the plain formatter is the one just above ``TyperCommand``).  An argument's row
        shows its name alone: recent Typer adds the Python type ('STRATEGY <list[str]>'),
        which says nothing to a user that the name and its help do not."""
        for param in self.get_params(ctx):
            if getattr(param, "param_type_name", "") == "argument" and hasattr(
                param, "display_type_rich"
            ):
                setattr(param, "display_type_rich", _no_type)  # noqa: B010 (an instance's)
        super(TyperCommand, self).format_help(ctx, formatter)


def _no_type(ctx: Any = None) -> None:
    """No type label in an argument's help row (see ``Command.format_help``)."""
    return None


class Group(TyperGroup):
    """The top-level command group, with Click's plain help (see ``Command``)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Click's plain help, whatever the Typer version."""
        super(TyperGroup, self).format_help(ctx, formatter)


app = typer.Typer(
    cls=Group,
    name="icansctl",
    help="Evidence for preventing ICANS after CAR T-cell therapy, with sources.",
    epilog=EXAMPLES,
    # A bare `icansctl` shows the help and exits 0 (the callback below), not Click's 2.
    invoke_without_command=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


# Output formats of the rendering commands.
Format = Enum("Format", [("table", "table"), ("json", "json"), ("markdown", "markdown")], type=str)


# Output formats of ``refs``: the common ones plus reference-manager exports.
RefsFormat = Enum(
    "RefsFormat",
    [
        ("table", "table"),
        ("json", "json"),
        ("markdown", "markdown"),
        ("bibtex", "bibtex"),
        ("ris", "ris"),
        ("csl_json", "csl-json"),
    ],
    type=str,
)


# Layouts of ``compare``'s terminal table.
Layout = Enum("Layout", [("summary", "summary"), ("detail", "detail")], type=str)


# Confidence interval methods.
CiMethodOption = Enum("CiMethodOption", [("wilson", "wilson"), ("exact", "exact")], type=str)


def format_option(help: str) -> Any:
    """The --format/-f option; ``help`` says what its choices write (declared once for
    every command)."""
    return typer.Option("--format", "-f", help=help)


EvidenceOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--evidence",
        "-e",
        metavar="DIR",
        help="Extra evidence directory, on top of the bundled base (repeatable; "
        "also ICANSCTL_EVIDENCE, path-separated). Same ids override.",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, format_option("Output format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (atomically, 100 columns wide) instead of stdout; - is stdout.",
    ),
]
CiOption = Annotated[
    CiMethodOption,
    typer.Option("--ci", help="95% CI method: Wilson score or exact Clopper-Pearson."),
]


def complete_strategy_option(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Tab completion of strategy ids and aliases (reads only the strategy files)."""
    from .completion import complete_strategy

    # click < 8.2 hands completion the raw strings of earlier options, not Paths
    evidence = [Path(folder) for folder in ctx.params.get("evidence") or ()]
    return complete_strategy(incomplete, evidence)


def complete_endpoints_option(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Tab completion of endpoint ids, comma-separated (reads only endpoints.yaml)."""
    from .completion import complete_endpoints

    evidence = [Path(folder) for folder in ctx.params.get("evidence") or ()]
    return complete_endpoints(incomplete, evidence)


def strategy_argument(help: str) -> Any:
    """A STRATEGY argument with tab completion of ids and aliases; ``help`` says what
    the command does with it (declared once for every command that takes strategies)."""
    return typer.Argument(
        help=help,
        metavar="STRATEGY",
        show_default=False,
        autocompletion=complete_strategy_option,
    )


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``icansctl: MESSAGE`` on stderr and exit with ``code`` (2: usage or evidence)."""
    typer.echo(f"icansctl: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"icansctl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Evidence for preventing ICANS after CAR T-cell therapy, with sources."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def load_base(evidence: list[Path] | None) -> EvidenceBase:
    """The bundled evidence plus ICANSCTL_EVIDENCE and ``--evidence`` folders, from the
    cache when unchanged; errors in the evidence are printed and exit 2."""
    from ..evidence.cache import load_cached
    from ..evidence.discovery import bundled_evidence_dir, evidence_dirs_from_env

    def load() -> EvidenceBase:
        from ..check.load import load_evidence

        return load_evidence(dirs)

    dirs = evidence_dirs_from_env() + list(evidence or [])
    base = load_cached([bundled_evidence_dir(), *dirs], load)
    if base.errors:
        import shlex

        for item in base.errors:
            typer.echo(str(item), err=True)
        # `check` reads ICANSCTL_EVIDENCE itself, but not this command's --evidence dirs.
        command = " ".join(
            ["icansctl check", *(f"-e {shlex.quote(str(d))}" for d in evidence or [])]
        )
        fail(f"{len(base.errors)} error(s) in the evidence; run '{command}' for details", 2)
    return base


def resolve_strategies(base: EvidenceBase, names: list[str]) -> list[Strategy]:
    """The strategies named by id or alias, each once, in order; an unknown name exits 2."""
    from ..errors import UnknownStrategy

    chosen: list[Strategy] = []
    for name in names:
        try:
            strategy = base.resolve_strategy(name)
        except UnknownStrategy as err:
            fail(str(err))
        if strategy not in chosen:
            chosen.append(strategy)
    return chosen


def resolve_baselines(base: EvidenceBase, names: list[str]) -> list[Strategy]:
    """Resolve ``--baseline`` names; a strategy that is no baseline is a usage error."""
    chosen = resolve_strategies(base, names)
    wrong = [s for s in chosen if s.kind != "baseline"]
    if wrong:
        known = ", ".join(s.id for s in base.strategies.values() if s.kind == "baseline")
        fail(
            f"'{wrong[0].id}' is not a baseline (baselines: {known}); "
            "name it among the strategies to compare it"
        )
    return chosen


def emit(kind: str, view: Any, format: Format | RefsFormat, output: Path | None) -> None:
    """Render ``view`` as ``format`` to stdout, or atomically to ``output``."""
    from ..errors import RenderError
    from ..render.dispatch import render

    try:
        render(kind, view, format.value, output, color="NO_COLOR" not in os.environ)
    except RenderError as err:
        fail(str(err))


def emit_view(
    kind: str,
    build: Callable[[EvidenceBase, list[Strategy]], Any],
    names: list[str] | None,
    evidence: list[Path] | None,
    format: Format | RefsFormat,
    output: Path | None,
) -> None:
    """Load the evidence, build the ``kind`` view of the named strategies (all when
    none is named) with ``build``, and render it."""
    base = load_base(evidence)
    emit(kind, build(base, resolve_strategies(base, list(names or []))), format, output)
