"""Compact records of evidence entities: what the cross-file rules need, and no more.

``icansctl check`` streams: each file is parsed, validated against its model and run
through the rules that need only that file; what survives is one ``EntityRecord`` per
entity (its id and where it is defined, the ids it refers to with their packed
positions, and the findings of the intra-file rules).  The parsed data, the positions
and the pydantic models are dropped, so memory grows with the number of references
between entities, not with the size of the evidence.

``RecordLayer`` and ``merge_records`` mirror ``loader._Layer`` and ``loader.merge``:
a second definition of an id within one layer is an ICX051 error and is dropped.
Across layers, an overlay's entity replaces a bundled one of the same id (an ICX054
note, so that the replacement is never silent), and the same id in two overlays is an
ICX051 error: which folder came last on the command line must not decide a figure.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Location, diagnostic
from ..evidence.layers import (
    TABLE_KINDS,
    Unusable,
    duplicate_across_folders,
    overrides_note,
    same_file_content,
)
from ..evidence.parsed_file import unpack

# What a reference from one entity to another points at; the index is the code kept in
# ``EntityRecord.ref_kinds``.  The names are the ones findings use ("unknown study 'x'").
REF_KINDS = ("reference", "endpoint", "study", "mechanism node")
REFERENCE, ENDPOINT, STUDY, NODE = range(len(REF_KINDS))


@dataclass(slots=True)
class ArmLink:
    """A study arm that names a strategy (and maybe a regimen of it)."""

    strategy: str
    regimen: str | None
    strategy_at: int
    regimen_at: int


@dataclass(slots=True)
class EntityRecord:
    """One entity as the cross-file rules see it (positions packed, see yamlsource.pack)."""

    kind: str  # reference, study, strategy, endpoint, node, edge
    id: str  # for an edge: "source->target"
    file: str  # display path of the file that defines it
    id_at: int  # packed position of its ``id`` (or of the entity when it has none)
    findings: list[Diagnostic] | None = None  # intra-file rules
    ref_kinds: bytearray = field(default_factory=bytearray)  # REF_KINDS codes
    ref_ids: list[str] = field(default_factory=list)
    ref_at: array[int] = field(default_factory=lambda: array("q"))
    arms: list[ArmLink] | None = None  # study arms that name a strategy
    regimens: tuple[str, ...] = ()  # a strategy's regimen ids
    names: tuple[str, ...] = ()  # a strategy's name, then its aliases
    names_at: tuple[int, ...] = ()  # their packed positions
    source_kind: str | None = None  # a reference's source_kind (ICX055)
    figure_sources: list[tuple[int, tuple[str, ...]]] | None = None  # ICX055: see source_rules
    dated: tuple[str, int] | None = None  # ICX071: a study's added, a strategy's checked

    def at(self, packed: int) -> Location:
        """A packed position in this entity's file as a Location."""
        line, column = unpack(packed)
        return Location(self.file, line, column)

    def refer(self, kind: int, target: str, packed: int) -> None:
        """Remember that this entity names ``target`` (of REF_KINDS ``kind``) at ``packed``."""
        self.ref_kinds.append(kind)
        self.ref_ids.append(sys.intern(target))
        self.ref_at.append(packed)

    def add(self, finding: Diagnostic) -> None:
        """Keep a finding of an intra-file rule."""
        if self.findings is None:
            self.findings = []
        self.findings.append(finding)


class RecordLayer:
    """What one directory defines, as records, before merging."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, EntityRecord]] = {kind: {} for kind in TABLE_KINDS}
        self.edges: list[tuple[tuple[str, str], EntityRecord]] = []
        self.diagnostics: list[Diagnostic] = []
        self.files: list[str] = []
        self.unusable = Unusable()

    def add(self, record: EntityRecord) -> None:
        """Add an entity; a second definition of its id in this layer is ICX051."""
        table = self.entities[record.kind]
        first = table.get(record.id)
        if first is not None:
            self.diagnostics.append(
                diagnostic(
                    record.at(record.id_at),
                    "ICX051",
                    f"{record.kind} id '{record.id}' is defined twice "
                    f"(first at {first.at(first.id_at)})",
                )
            )
            return
        table[record.id] = record


@dataclass
class MergedRecords:
    """Every surviving entity after merging layers, with the layers' diagnostics."""

    entities: dict[str, dict[str, EntityRecord]]
    edges: list[EntityRecord]
    diagnostics: list[Diagnostic]
    files: set[str]
    unusable: Unusable = field(default_factory=Unusable)


def merge_records(layers: Iterable[RecordLayer], bundled_layers: int = 0) -> MergedRecords:
    """Merge layers in order; the first ``bundled_layers`` are the bundled base.

    An overlay's entity replaces a bundled one of the same id (ICX054 note, unless its
    file is a byte-for-byte copy of the bundled one); the same id in two overlays is
    ICX051 and the first one is kept.  The same file reached through two nested
    folders is one definition, not two.
    """
    entities: dict[str, dict[str, EntityRecord]] = {kind: {} for kind in TABLE_KINDS}
    layer_of: dict[tuple[str, str], int] = {}
    edges: dict[tuple[str, str], EntityRecord] = {}
    diagnostics: list[Diagnostic] = []
    files: set[str] = set()
    unusable = Unusable()
    for index, layer in enumerate(layers):
        diagnostics.extend(layer.diagnostics)
        files.update(layer.files)
        unusable.update(layer.unusable)
        for kind, table in layer.entities.items():
            merged = entities[kind]
            for entity_id, record in table.items():
                first = merged.get(entity_id)
                if first is not None and first.file != record.file:
                    at, first_at = record.at(record.id_at), first.at(first.id_at)
                    if layer_of[(kind, entity_id)] >= bundled_layers:
                        diagnostics.append(duplicate_across_folders(kind, entity_id, at, first_at))
                        continue
                    if index >= bundled_layers and not same_file_content(first.file, record.file):
                        diagnostics.append(overrides_note(kind, entity_id, at, first_at))
                layer_of[(kind, entity_id)] = index
                merged[entity_id] = record
        for key, record in layer.edges:
            edges[key] = record
    return MergedRecords(entities, list(edges.values()), diagnostics, files, unusable)
