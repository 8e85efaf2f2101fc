"""Views: what each command shows, computed from the evidence base, ready to render.

Re-exported here because the README documents ``from icansctl.views import
compare_view``; views are heavy anyway, so importing them here costs ``--help`` nothing.
"""

from .compare import compare_view
from .listing import list_view
from .mechanisms import mechanism_view
from .refs import refs_view
from .show import show_view

__all__ = ["compare_view", "list_view", "mechanism_view", "refs_view", "show_view"]
