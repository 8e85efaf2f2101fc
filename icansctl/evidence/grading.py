"""Toxicity grading systems: few and stable, so they live in code; outcomes name them by id."""

from __future__ import annotations

from typing import Literal, NamedTuple


class GradingSystem(NamedTuple):
    """A toxicity grading system named by outcomes (code, not evidence: see GRADING)."""

    id: str
    label: str
    measures: Literal["ICANS", "neurologic events", "CRS", "other"]


# Grading systems are few and stable, so they live in code; outcomes name them by id.
# Plain tuples: building a pydantic validator at import would cost every start ~25 ms.
GRADING: dict[str, GradingSystem] = {
    g.id: g
    for g in (
        GradingSystem(id="astct-2019", label="ASTCT 2019 (ICANS)", measures="ICANS"),
        GradingSystem(id="astct-2019-crs", label="ASTCT 2019 (CRS)", measures="CRS"),
        GradingSystem(id="lee-2014", label="Lee 2014 (CRS)", measures="CRS"),
        GradingSystem(id="penn-crs", label="Penn scale (CRS)", measures="CRS"),
        GradingSystem(id="ctcae-4.03", label="CTCAE v4.03", measures="neurologic events"),
        GradingSystem(id="ctcae-5.0", label="CTCAE v5.0", measures="neurologic events"),
        GradingSystem(id="ctcae", label="CTCAE (version not stated)", measures="neurologic events"),
        GradingSystem(id="lugano-2014", label="Lugano 2014", measures="other"),
        GradingSystem(id="not-stated", label="grading not stated", measures="other"),
    )
}
