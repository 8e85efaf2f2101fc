"""The exceptions the core raises, for library users and for the command line.

A leaf: every layer may raise these, and the CLI turns each into a message and an
exit code (2 for a name or endpoint that does not exist, 1 for an output that could
not be written).
"""

from __future__ import annotations


class IcansctlError(Exception):
    """Base class of the errors below."""


class UnknownStrategy(IcansctlError, LookupError):
    """A strategy name matched no id or alias."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no strategy '{name}'{hint}")


class NoSuchEndpoint(IcansctlError, LookupError):
    """No study in the view reports the endpoint."""


class RenderError(IcansctlError):
    """An output could not be produced or written; the message says why."""


class MissingExtra(RenderError):
    """An output needs an optional extra that is not installed; the message names the
    ``pip install`` command."""

    def __init__(self, what: str, extra: str) -> None:
        self.extra = extra
        super().__init__(f"{what} needs the '{extra}' extra: pip install 'icansctl[{extra}]'")
