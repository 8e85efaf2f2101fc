"""Rules on the dates of the evidence: added, changed and checked (issue 13).

Within one entity: a correction dated before the record was added (ICX070), or any
date after today (ICX065, as for a trial's status).  Across files: a strategy whose
literature was ``checked`` before one of its studies was ``added`` (ICX071), which
would make "evidence current to" claim less than the strategy holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from pydantic import BaseModel

from ..diagnostics import Diagnostic, diagnostic
from ..evidence.model import Strategy, Study
from ..evidence.model_dates import Dated
from ..evidence.parsed_file import NodePath
from .records import STUDY, EntityRecord


class EntityChecker(Protocol):
    """What these rules use of the entity being checked (``intra_file``'s)."""

    record: EntityRecord

    def packed(self, *path: str | int) -> int: ...

    def add(self, rule: str, message: str, *path: str | int) -> None: ...


def walk_dated(
    value: Any, inherited: dt.date | None = None, path: NodePath = ()
) -> Iterator[tuple[NodePath, Dated, dt.date | None]]:
    """Every dated record inside ``value`` with its path and the date it inherits
    (its own ``added``, else that of the nearest dated record around it)."""
    if isinstance(value, Dated):
        yield path, value, inherited
        inherited = value.added or inherited
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            field = getattr(value, name)
            if isinstance(field, (BaseModel, list)) and name != "changed":
                yield from walk_dated(field, inherited, (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_dated(item, inherited, (*path, i))


def date_rules(entity: BaseModel, here: EntityChecker, today: dt.date | None = None) -> None:
    """ICX070 and ICX065 for every dated record of one entity."""
    today = today or dt.date.today()
    if isinstance(entity, Strategy) and entity.checked and entity.checked > today:
        here.add("ICX065", f"checked {entity.checked} is in the future", "checked")
    for path, record, inherited in walk_dated(entity):
        added = record.added or inherited
        if record.added is not None and record.added > today:
            here.add("ICX065", f"added {record.added} is in the future", *path, "added")
        for i, change in enumerate(record.changed):
            at = (*path, "changed", i, "date")
            if change.date > today:
                here.add("ICX065", f"changed {change.date} is in the future", *at)
            if added is not None and change.date < added:
                here.add(
                    "ICX070",
                    f"changed {change.date} is before the record was added ({added})",
                    *at,
                )


def dates_of(entity: BaseModel, here: EntityChecker) -> tuple[str, int] | None:
    """What ICX071 needs of an entity: a study's ``added`` or a strategy's ``checked``
    date (ISO), with the packed position of the field."""
    if isinstance(entity, Study) and entity.added is not None:
        return entity.added.isoformat(), here.record.id_at
    if isinstance(entity, Strategy) and entity.checked is not None:
        return entity.checked.isoformat(), here.packed("checked")
    return None


def checked_findings(
    strategies: Sequence[EntityRecord], studies: Sequence[EntityRecord]
) -> list[Diagnostic]:
    """ICX071: a strategy checked before one of its studies was added."""
    added = {record.id: record.dated[0] for record in studies if record.dated}
    found: list[Diagnostic] = []
    for strategy in strategies:
        if not strategy.dated:
            continue
        checked, at = strategy.dated
        for code, study, _ in zip(
            strategy.ref_kinds, strategy.ref_ids, strategy.ref_at, strict=True
        ):
            if code == STUDY and added.get(study, "") > checked:
                message = (
                    f"checked {checked} is older than study '{study}', added {added[study]}: "
                    "the evidence is current to at least that date"
                )
                found.append(diagnostic(strategy.at(at), "ICX071", message))
    return found
