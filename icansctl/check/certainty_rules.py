"""Rules on a strategy's certainty judgements (ICX072), one strategy at a time.

A judgement's reason and citation are required by the model itself (a missing reason
is ICX020, a missing citation ICX030, a citation of an unknown reference ICX031); its
endpoint is resolved across files (ICX050).  What is left for a rule: one endpoint and
domain judged twice, which would count the same concern twice.
"""

from __future__ import annotations

from ..evidence.model import Strategy
from .records import ENDPOINT
from .study_rules import EntityChecker


def judgement_rules(strategy: Strategy, here: EntityChecker) -> None:
    """Each judgement names a known endpoint (resolved later) and is made once."""
    seen: set[tuple[str, str]] = set()
    for i, judgement in enumerate(strategy.certainty_judgements):
        here.refer(ENDPOINT, judgement.endpoint, "certainty_judgements", i, "endpoint")
        key = (judgement.endpoint, judgement.domain)
        if key in seen:
            here.add(
                "ICX072",
                f"'{judgement.domain}' is judged twice for endpoint '{judgement.endpoint}': "
                "give one judgement with both reasons",
                "certainty_judgements",
                i,
                "domain",
            )
        seen.add(key)
