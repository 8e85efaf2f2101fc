"""icansctl: evidence summaries for the prevention of ICANS after CAR T-cell therapy.

Library use::

    from icansctl import load_evidence
    base = load_evidence()            # the bundled evidence
    base = load_evidence(["./more"])  # plus your own directories
"""

from __future__ import annotations

from .version import __version__

# Not `typing.TYPE_CHECKING`: importing typing costs milliseconds before the console
# script can take over Ctrl-C (see __main__); mypy reads this name the same way.
TYPE_CHECKING = False

__all__ = ["EvidenceBase", "__version__", "load_evidence"]

if TYPE_CHECKING:
    from typing import Any

    from .check.load import load_evidence
    from .evidence.base import EvidenceBase


def __getattr__(name: str) -> Any:
    # Lazy, so that `icansctl --version` does not import pydantic.
    if name == "load_evidence":
        from .check.load import load_evidence

        return load_evidence
    if name == "EvidenceBase":
        from .evidence.base import EvidenceBase

        return EvidenceBase
    raise AttributeError(name)
