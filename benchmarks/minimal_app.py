"""The yardstick for start-up time: a minimal Typer + Rich program.

It does what a trivial `icansctl compare` must at least do: start Python, import
Typer (which imports Click) and Rich, parse a command line, and print a small
table.  Run it the same way as icansctl (same interpreter, same venv):

    python benchmarks/minimal_app.py table a b    # a three-row Rich table
    python benchmarks/minimal_app.py --help
    _MINIMAL_COMPLETE=complete_bash COMP_WORDS="minimal table an" COMP_CWORD=2 \
        python benchmarks/minimal_app.py      # shell completion of NAMES from a fixed list
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

# add_completion as in icansctl: it registers the shell classes that completion needs.
app = typer.Typer(add_completion=True, rich_markup_mode=None)

NAMES = ("anakinra", "corticosteroids", "defibrotide", "tocilizumab", "zuma1")


def complete_name(incomplete: str) -> list[str]:
    """The least a completion can do: filter a list held in memory."""
    return [name for name in NAMES if name.startswith(incomplete)]


@app.command()
def table(
    names: Annotated[list[str], typer.Argument(autocompletion=complete_name)],
) -> None:
    """Print a three-row table with one column per NAME."""
    grid = Table(title="Minimal")
    grid.add_column("Endpoint")
    for name in names:
        grid.add_column(name)
    for row in ("ICANS any grade", "ICANS grade >=3", "CRS any grade"):
        grid.add_row(row, *("35% (7/20)" for _ in names))
    Console().print(grid)


@app.command()
def version() -> None:
    """Print the version."""
    print("minimal 0")


if __name__ == "__main__":
    app(prog_name="minimal")
