"""``python -m icansctl``, and the console script's entry point.

This module is imported before anything heavy (Typer, Rich, pydantic) so that Ctrl-C
during start-up already exits quietly with 130, as a shell expects, instead of
printing a ``KeyboardInterrupt`` traceback from inside an import.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a program stopped by Ctrl-C


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    # Only imports run before the command starts: nothing is written yet, no temporary
    # file exists, so there is nothing to clean up and leaving at once is safe.
    os._exit(INTERRUPTED)


def main() -> None:
    """Run the command line; Ctrl-C at any moment exits 130 without a traceback."""
    # A SIGINT the parent chose to ignore (``nohup``, a background job) stays ignored.
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    from .cli.main import main as run

    run()


if __name__ == "__main__":
    main()
