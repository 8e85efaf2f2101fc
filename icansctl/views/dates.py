"""How current the evidence shown is: the oldest ``checked`` date of the strategies.

A comparison is only as current as the least recently checked strategy in it: that
anakinra's literature was checked in December says nothing of defibrotide's.  So
every output that shows several strategies says the *oldest* date, and names any
strategy that records none rather than leaving it out of the reckoning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..evidence.model import Strategy


@dataclass(frozen=True)
class Currency:
    """The date the evidence shown is current to, and the strategies with no date."""

    date: dt.date | None
    undated: list[str] = field(default_factory=list)
    several: bool = False  # more than one strategy shown: the date is the oldest

    @property
    def text(self) -> str:
        """'evidence current to 2026-11-23' (and which strategies record no date)."""
        if self.date is None:
            return "evidence current to: not recorded"
        text = f"evidence current to {self.date.isoformat()}"
        if self.undated:
            text += f" ({', '.join(self.undated)}: not recorded)"
        return text

    @property
    def sentence(self) -> str:
        """The text as a sentence, saying which date it is when several strategies are
        shown: 'Evidence current to 2026-11-23 (the oldest literature check shown).'"""
        text = self.text[0].upper() + self.text[1:]
        if self.date is not None and self.several:
            text += " (the oldest literature check among the strategies shown)"
        return text + "."

    def to_json(self) -> dict[str, object]:
        """``{"date": "YYYY-MM-DD" or null, "undated": [...]}``."""
        return {
            "date": self.date.isoformat() if self.date else None,
            "undated": list(self.undated),
        }


def currency(strategies: Iterable[Strategy]) -> Currency:
    """The oldest ``checked`` date among ``strategies``; those without one are named."""
    chosen = list(strategies)
    dates = [s.checked for s in chosen if s.checked is not None]
    undated = [s.id for s in chosen if s.checked is None]
    return Currency(min(dates, default=None), undated, several=len(chosen) > 1)
