"""``python -m icansctl``."""

from .cli import main

main()
