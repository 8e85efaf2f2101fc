"""Dates in the evidence: when a record was added, what was corrected and when.

A date is written ``YYYY-MM-DD``, quoted or not: YAML reads an unquoted date as a
date and a quoted one as text, and both mean the same day here.  Anything else (a
time of day, a number, ``2026-13-01``) is an error that says how to write it.

Every dated record (strategy, study, outcome, effect, claim) may say when it was
``added`` and list what was ``changed`` in place since, each change with its date and
what changed.  A record without ``added`` takes its parent's date (a claim or outcome
that of its study or strategy), so only what came or changed later needs a date of its
own.  Strategies also say when their literature was last ``checked``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr

# The configuration of every evidence model (model_types.Strict uses it too).
STRICT_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOW = "write a date as YYYY-MM-DD, e.g. 2026-12-03"


def to_date(value: Any) -> Any:
    """A ``datetime.date`` from a YAML date or an ISO ``YYYY-MM-DD`` string.

    Raises ValueError (a schema finding at the value's file:line) for anything else.
    """
    if isinstance(value, dt.datetime):
        raise ValueError(f"a date without a time of day: {_HOW}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if not _ISO_DATE.match(value):
            raise ValueError(f"'{value}' is not a date: {_HOW}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a real calendar date: {_HOW}") from None
    raise ValueError(f"{value!r} is not a date: {_HOW}")


# The fields that hold an EvidenceDate (schema findings quote the parser's message).
DATE_FIELDS = frozenset({"added", "date", "checked"})

EvidenceDate = Annotated[dt.date, BeforeValidator(to_date)]

# A strategy's ``checked``: when its literature was last searched.
CheckedDate = Annotated[
    EvidenceDate | None,
    Field(
        description="YYYY-MM-DD its literature was last checked: the evidence is current "
        "to this date (check: ICX071 when one of its studies was added later)."
    ),
]


class Change(BaseModel):
    """One correction made in place: the day it was made and what changed."""

    model_config = STRICT_CONFIG

    date: EvidenceDate = Field(description="YYYY-MM-DD the change was made.")
    what: Annotated[StrictStr, Field(min_length=1)] = Field(
        description="What changed, e.g. 'count 28/101 withdrawn: 28% kept as a percent'."
    )


class Dated(BaseModel):
    """The dates of one record (a mixin: the evidence models add these fields)."""

    # Built when first used, as every evidence model: a mixin built at import cost
    # `compare` ~10 ms of start-up.
    model_config = ConfigDict(defer_build=True)

    added: EvidenceDate | None = Field(
        default=None,
        description="YYYY-MM-DD the record entered the evidence base; "
        "without it, the date of the study or strategy it belongs to.",
    )
    changed: list[Change] = Field(
        default_factory=list,
        description="Corrections made in place since it was added, oldest first.",
    )

    def last_dated(self, inherited: dt.date | None = None) -> dt.date | None:
        """The day this record was added or last changed (``inherited`` if undated)."""
        dates = [change.date for change in self.changed]
        added = self.added or inherited
        if added is not None:
            dates.append(added)
        return max(dates, default=None)
