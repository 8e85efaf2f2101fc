"""Local evidence that replaced bundled entities, named wherever it is shown.

An ``ICANSCTL_EVIDENCE`` left in a shell profile or a CI job must never change a
comparison unnoticed: every output that shows an overridden study, strategy, node,
endpoint or reference says so and names the local file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..evidence.base import EvidenceBase
from ..evidence.discovery import display_path
from .numbering import Citer, NumberedReference

if TYPE_CHECKING:
    pass


# --- local evidence over bundled entries ---------------------------------------------

OVERRIDDEN = "overridden by local evidence"
LOCAL_MARK = "(local evidence)"  # after a study's name in a comparison's column header


@dataclass(frozen=True)
class Override:
    """An entity shown from local evidence that replaced the bundled one of its id."""

    kind: str  # strategy, study, reference, endpoint, node
    id: str
    label: str  # how the output names it (a study's name, a reference's number)
    path: str  # the local file, as users see paths

    @property
    def text(self) -> str:
        """'study Park 2023 (park2023): overridden by local evidence: PATH'."""
        named = self.id if self.label == self.id else f"{self.label} ({self.id})"
        return f"{self.kind} {named}: {OVERRIDDEN}: {self.path}"


def overridden_by(base: EvidenceBase, kind: str, entity_id: str) -> str | None:
    """The local file (display path) that replaced this bundled entity, if one did."""
    path = base.overridden_by(kind, entity_id)
    return display_path(Path(path)) if path is not None else None


def overrides_shown(base: EvidenceBase, shown: Iterable[tuple[str, str, str]]) -> list[Override]:
    """The overridden entities among ``shown`` (kind, id, label), each once, in order.

    Every output that shows one names it with its file, so that an ICANSCTL_EVIDENCE
    left in a shell profile or a CI job cannot change a comparison unnoticed.
    """
    if not base.overrides:
        return []
    found: dict[tuple[str, str], Override] = {}
    for kind, entity_id, label in shown:
        path = overridden_by(base, kind, entity_id)
        if path is not None and (kind, entity_id) not in found:
            found[(kind, entity_id)] = Override(kind, entity_id, label, path)
    return list(found.values())


def marked_references(base: EvidenceBase, refs: list[NumberedReference]) -> list[NumberedReference]:
    """The numbered references, each overridden one carrying its local file."""
    if not base.overrides:
        return refs
    return [
        replace(r, overridden_by=overridden_by(base, "reference", r.reference.id)) for r in refs
    ]


def references_and_overrides(
    base: EvidenceBase, citer: Citer, shown: Iterable[tuple[str, str, str]]
) -> tuple[list[NumberedReference], list[Override]]:
    """The references ``citer`` numbered (overridden ones marked), and every overridden
    entity among ``shown`` (kind, id, label) and those references, each once, in order."""
    references = marked_references(base, citer.listing())
    return references, overrides_shown(base, [*shown, *reference_overrides(base, references)])


def reference_overrides(
    base: EvidenceBase, refs: list[NumberedReference]
) -> Iterable[tuple[str, str, str]]:
    """(kind, id, how it is shown) of each listed reference, for ``overrides_shown``."""
    return (("reference", r.reference.id, f"[{r.number}]") for r in refs)
