"""The ``refs`` view: the numbered reference list of chosen strategies."""

from __future__ import annotations

from ..evidence.base import EvidenceBase
from ..evidence.model import Strategy
from .numbering import Citer, NumberedReference
from .overrides import marked_references


def refs_view(base: EvidenceBase, strategies: list[Strategy]) -> list[NumberedReference]:
    """References cited by the given strategies and their studies (all, when none given)."""
    citer = Citer(base.references)
    chosen = strategies or list(base.strategies.values())
    from ..check.intra_file import walk_citations

    for strategy in chosen:
        for _, cite in walk_citations(strategy):
            citer.number(cite.ref)
        for study in base.studies_of(strategy):
            citer.number(study.reference)
            for _, cite in walk_citations(study):
                citer.number(cite.ref)
            for outcome in study.outcomes:
                if outcome.provenance.via:
                    citer.number(outcome.provenance.via)
    if not strategies:
        for ref_id in base.references:
            citer.number(ref_id)
    return marked_references(base, citer.listing())
