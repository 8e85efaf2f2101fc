"""The yardstick for start-up time: a minimal Typer + Rich program.

It does what a trivial `icansctl compare` must at least do: start Python, import
Typer (which imports Click) and Rich, parse a command line, and print a small
table.  Run it the same way as icansctl (same interpreter, same venv):

    python benchmarks/minimal_app.py table a b    # a three-row Rich table
    python benchmarks/minimal_app.py --help
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, rich_markup_mode=None)


@app.command()
def table(names: list[str]) -> None:
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
    app()
