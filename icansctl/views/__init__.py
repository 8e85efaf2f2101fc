"""Views: what each command shows, computed from the evidence base, ready to render.

The README documents ``from icansctl.views import compare_view``: the view functions
are re-exported here, lazily, so that a command imports only the view it shows.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compare import compare_view
    from .listing import list_view
    from .mechanisms import mechanism_view
    from .refs import refs_view
    from .show import show_view

__all__ = ["compare_view", "list_view", "mechanism_view", "refs_view", "show_view"]

_HOMES = {
    "compare_view": "compare",
    "list_view": "listing",
    "mechanism_view": "mechanisms",
    "refs_view": "refs",
    "show_view": "show",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
