"""The `slides` and `plot` commands (registered on the main app when imported).

Keep imports here light: this module is imported whenever the CLI starts.
"""

from __future__ import annotations

from .cli import app  # noqa: F401
