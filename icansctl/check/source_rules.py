"""Issue 12's rules on sources and derived counts (ICX055-ICX057).

ICX055 (cross-file): a figure whose every source is a press release or news report
(``evidence.model.WEAK_SOURCE_KINDS``), with no note saying so.  The sources of a
figure are ``Outcome.source_refs``: its ``provenance.via`` when set, else every cited
reference.  ICX056/ICX057 (one outcome): a derived count is the one whole number its
printed percent allows (``stats.counts_agreeing``: rounded to the nearest, either tie
rule, or truncated; never rounded up), and is derived from a printed percent at all.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from ..diagnostics import Diagnostic, diagnostic
from ..evidence.model import WEAK_SOURCE_KINDS, Outcome, Study
from ..evidence.model_reference import Reference
from ..stats import counts_agreeing
from .records import EntityRecord

# Words in an outcome's note that say the figure rests on a weak source (ICX055).
WEAK_SOURCE_WORDS = ("press release", "news")

# (rule id, message, path below the outcome)
OutcomeFinding = tuple[str, str, tuple[str, ...]]


def source_kind_of(entity: BaseModel) -> str | None:
    """A reference's source_kind, kept on its record for ICX055."""
    return entity.source_kind if isinstance(entity, Reference) else None


def figure_sources(entity: BaseModel) -> list[tuple[int, tuple[str, ...]]]:
    """(outcome index, its sources) for each figure of a study whose note does not
    already say that it rests on a press release or news report."""
    if not isinstance(entity, Study):
        return []
    return [
        (i, tuple(sys.intern(ref) for ref in outcome.source_refs))
        for i, outcome in enumerate(entity.outcomes)
        if not any(word in (outcome.note or "").casefold() for word in WEAK_SOURCE_WORDS)
    ]


def weak_source_findings(
    studies: Iterable[EntityRecord], references: Mapping[str, Any]
) -> list[Diagnostic]:
    """ICX055 for each figure whose every source is a press release or news report.

    ``references`` maps ids to records or Reference models (both carry source_kind); a
    source that is unknown or of unknown kind never makes a figure weak.
    """
    found: list[Diagnostic] = []
    for record in studies:
        for packed, refs in record.figure_sources or ():
            kinds = [getattr(references.get(ref), "source_kind", None) for ref in refs]
            if refs and all(kind in WEAK_SOURCE_KINDS for kind in kinds):
                shown = ", ".join(f"'{r}' ({k})" for r, k in zip(refs, kinds, strict=True))
                found.append(
                    diagnostic(
                        record.at(packed),
                        "ICX055",
                        f"this figure rests only on {shown}: say so in its 'note' "
                        "(e.g. 'known only from a press release'), or cite the primary report",
                    )
                )
    return found


def derived_count_findings(outcome: Outcome) -> list[OutcomeFinding]:
    """ICX057 for a derived count without a printed percent; ICX056 for one that is not
    the only whole count of its total reproducing that percent.

    Called with events and total known and events <= total.  Whether the denominator
    was printed is for the outcome's note to say.
    """
    if outcome.provenance.count != "derived":
        return []
    percent, events, total = outcome.reported_percent, outcome.events, outcome.total
    if percent is None:
        message = (
            "provenance.count is 'derived' but no reported_percent is given to derive it "
            "from: mark the count 'reported', or give the printed percent"
        )
        return [("ICX057", message, ("provenance", "count"))]
    if events is None or total is None:
        return []
    candidates = counts_agreeing(total, percent)
    if len(candidates) <= 1 or events not in candidates:
        return []
    listed = " and ".join(f"{k}/{total}" for k in candidates[:2])
    more = " (and more)" if len(candidates) > 2 else ""
    message = (
        f"{percent:g}% of {total} is reproduced by {listed}{more}: the count cannot be "
        "derived; keep reported_percent alone (no events, total null) and say the "
        "denominator in 'note'"
    )
    return [("ICX056", message, ("events",))]
