"""Loading the evidence for use: read it, then run the cross-file rules on it.

This is ``icansctl.load_evidence``, the library's entry point, and what every command
but ``check`` (which streams) loads through.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import Diagnostic
from ..evidence.base import EvidenceBase
from ..evidence.discovery import paused_gc
from ..evidence.loader import read_evidence
from .cross_file import validate_base


def load_evidence(
    paths: Iterable[Path | str] = (),
    *,
    bundled: bool = True,
    validate: bool = True,
) -> EvidenceBase:
    """Load the bundled evidence (unless ``bundled=False``) plus each path, in order.

    Never raises on bad evidence: problems are in ``base.diagnostics`` with file:line,
    the cross-file rules' findings included unless ``validate=False``.  An entity of a
    path that replaces a bundled one is in ``base.overrides``.
    """
    with paused_gc():
        base, unusable = read_evidence(paths, bundled=bundled)
        if validate:
            base.diagnostics.extend(validate_base(base, unusable))
            base.diagnostics.sort(key=Diagnostic.sort_key)
    return base
