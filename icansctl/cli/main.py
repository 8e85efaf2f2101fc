"""The assembled command line: the app with every command registered, and ``main``.

The console script enters through ``icansctl.__main__``, which calls ``main`` here.
"""

from __future__ import annotations

import gc
from typing import Any, NoReturn

from . import commands_check, commands_deck, commands_views  # noqa: F401  (register)
from .app import app

__all__ = ["app", "main"]


class Interrupted(BaseException):
    """Ctrl-C while a command runs.

    Not a ``KeyboardInterrupt``: Click 8.0 and Typer before 0.15 catch that one and
    exit 1 with "Aborted!", where a shell expects 130.  A ``BaseException`` still runs
    every ``finally`` on its way out, so the atomic writes remove their temporary files.
    """


def _interrupt(signum: int, frame: Any) -> NoReturn:
    raise Interrupted


def main() -> None:
    """Run the command line (the console script enters through ``icansctl.__main__``)."""
    import signal
    import sys

    from ..render.output import install_stdout_fallback

    # A command builds objects that live until it exits; the cyclic collector's passes
    # over them find nothing and cost a tenth of a `compare`. Reference counting still
    # frees everything, and loading pauses the collector anyway.
    gc.disable()
    # PYTHONIOENCODING=ascii, LC_ALL=C: ASCII stand-ins rather than a UnicodeEncodeError.
    install_stdout_fallback()
    try:
        # Start-up is over: from here Ctrl-C raises `Interrupted` (a SIGINT the parent
        # chose to ignore stays ignored).
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, _interrupt)
        app()
    except (KeyboardInterrupt, Interrupted):
        sys.exit(130)
