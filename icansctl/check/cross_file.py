"""The rules across files: every id named resolves, nothing is orphaned, no clashes.

The second stage (see ``intra_file``): ``cross_file()`` resolves the ids each record
names against every surviving entity; ``validate_base()`` runs both stages on a
loaded base.  Indices (cited references, used studies) are built once: linear in the
size of the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, diagnostic
from ..evidence.layers import Unusable
from ..evidence.model_certainty import RULE_REFERENCES
from .records import (
    ENDPOINT,
    NODE,
    REF_KINDS,
    REFERENCE,
    STUDY,
    EntityRecord,
)

if TYPE_CHECKING:
    from ..evidence.base import EvidenceBase
from .date_rules import checked_findings
from .intra_file import entity_record, unknown
from .source_rules import weak_source_findings

# --- cross-file rules: on the records of every surviving entity ----------------------


@dataclass
class Known:
    """The ids that exist once layers are merged (a regimen list per strategy id).

    ``unusable`` holds what files that failed their schema still say: their ids are
    not reported as unknown where cited, nor the ids they mention as orphans.
    """

    references: Mapping[str, Any]
    endpoints: Mapping[str, Any]
    studies: Mapping[str, Any]
    strategies: Mapping[str, Sequence[str]]
    nodes: Mapping[str, Any]
    unusable: Unusable = field(default_factory=Unusable)


# REF_KINDS code -> the kind under which Unusable keeps ids.
_UNUSABLE_KIND = {REFERENCE: "reference", ENDPOINT: "endpoint", STUDY: "study", NODE: "node"}


def cross_file(records: Iterable[EntityRecord], known: Known) -> list[Diagnostic]:
    """Findings of every record, plus unknown ids, orphans and strategy name collisions.

    One pass over the records and one over the studies, references and strategies:
    linear.
    """
    found: list[Diagnostic] = []
    cited: set[str] = set()
    used_studies: set[str] = set()
    by_kind: dict[str, list[EntityRecord]] = {"study": [], "reference": [], "strategy": []}
    resolve = _Resolver(known)
    for record in records:
        found.extend(record.findings or ())
        found.extend(resolve.ids(record, cited, used_studies))
        found.extend(resolve.arms(record))
        by_kind.get(record.kind, []).append(record)
    mentioned = known.unusable.mentioned
    for record in by_kind["study"]:
        if record.id not in used_studies and record.id not in mentioned:
            message = f"study '{record.id}' is in no strategy's regimens"
            found.append(diagnostic(record.at(record.id_at), "ICX052", message))
    cited.update(RULE_REFERENCES.values())  # the certainty rules cite these
    for record in by_kind["reference"]:
        if record.id not in cited and record.id not in mentioned:
            message = f"reference '{record.id}' is never cited"
            found.append(diagnostic(record.at(record.id_at), "ICX052", message))
    found.extend(name_collisions(by_kind["strategy"]))
    found.extend(weak_source_findings(by_kind["study"], known.references))
    found.extend(checked_findings(by_kind["strategy"], by_kind["study"]))
    return found


class _Resolver:
    """Looks up the ids a record names in what is known, once set up per check."""

    def __init__(self, known: Known) -> None:
        self.known = known
        self.tables: tuple[Mapping[str, Any], ...] = (
            known.references,
            known.endpoints,
            known.studies,
            known.nodes,
        )
        unusable = known.unusable.ids
        self.invalid = tuple(unusable[_UNUSABLE_KIND[code]] for code in range(len(REF_KINDS)))
        self.invalid_strategies = unusable["strategy"]

    def ids(self, record: EntityRecord, cited: set[str], used: set[str]) -> list[Diagnostic]:
        """ICX050 for each id the record names that nothing defines; notes what it cites
        and which studies it uses."""
        found = []
        for code, target, packed in zip(
            record.ref_kinds, record.ref_ids, record.ref_at, strict=True
        ):
            if code == REFERENCE:
                cited.add(target)
            elif code == STUDY:
                used.add(target)
            table = self.tables[code]
            if target not in table and target not in self.invalid[code]:
                found.append(unknown(record.at(packed), REF_KINDS[code], target, table))
        return found

    def arms(self, record: EntityRecord) -> list[Diagnostic]:
        """ICX050 for an arm's strategy or regimen that does not exist."""
        found = []
        strategies = self.known.strategies
        for link in record.arms or ():
            regimens = strategies.get(link.strategy)
            if regimens is None:
                if link.strategy not in self.invalid_strategies:
                    at = record.at(link.strategy_at)
                    found.append(unknown(at, "strategy", link.strategy, strategies))
            elif link.regimen is not None and link.regimen not in regimens:
                at = record.at(link.regimen_at)
                found.append(unknown(at, "regimen", link.regimen, list(regimens)))
        return found


def name_collisions(strategies: Sequence[EntityRecord]) -> list[Diagnostic]:
    """ICX053 for each strategy word (casefolded) that another strategy already holds.

    Mirrors ``EvidenceBase.resolve_strategy``: ids are taken first, then names and
    aliases in load order, a word never changing hands; every word that loses so is
    reported where it is written, naming the strategy it resolves to instead.
    """
    taken: dict[str, tuple[EntityRecord, str, int]] = {}
    found: list[Diagnostic] = []

    def claim(record: EntityRecord, what: str, word: str, packed: int) -> None:
        holder = taken.setdefault(word.casefold(), (record, what, packed))
        other, other_what, other_at = holder
        if other is record or other.id == record.id:
            return  # a strategy may repeat its own words (a name that is its id)
        if what == "id":  # exact ids still find each other; only their case differs
            message = (
                f"strategy id '{word}' differs only in case from the id of strategy "
                f"'{other.id}' ({other.at(other_at)}); choose another id"
            )
        else:
            message = (
                f"strategy {what} '{word}' is already the {other_what} of strategy "
                f"'{other.id}' ({other.at(other_at)}), so '{word}' finds that one; "
                f"choose another {what}"
            )
        found.append(diagnostic(record.at(packed), "ICX053", message))

    for record in strategies:
        claim(record, "id", record.id, record.id_at)
    for record in strategies:
        for i, (word, packed) in enumerate(zip(record.names, record.names_at, strict=True)):
            claim(record, "name" if i == 0 else "alias", word, packed)
    return found


def base_records(base: EvidenceBase) -> Iterator[EntityRecord]:
    """A record of every entity of a loaded base that knows where it was defined."""
    tables: list[tuple[str, dict[str, Any]]] = [
        ("reference", base.references),
        ("study", base.studies),
        ("strategy", base.strategies),
        ("endpoint", base.endpoints),
        ("node", base.nodes),
    ]
    for kind, table in tables:
        for entity_id, entity in table.items():
            origin = base.origin(kind, entity_id)
            if origin is not None:
                yield entity_record(kind, entity_id, entity, origin.file, origin.prefix)
    for edge in base.edges:
        edge_id = f"{edge.source}->{edge.target}"
        origin = base.origin("edge", edge_id)
        if origin is not None:
            yield entity_record("edge", edge_id, edge, origin.file, origin.prefix)


def validate_base(base: EvidenceBase, unusable: Unusable | None = None) -> list[Diagnostic]:
    """All cross-file checks on a merged base (``unusable``: see ``Known``)."""
    known = Known(
        base.references,
        base.endpoints,
        base.studies,
        {sid: [r.id for r in s.regimens] for sid, s in base.strategies.items()},
        base.nodes,
        unusable if unusable is not None else Unusable(),
    )
    return cross_file(base_records(base), known)
