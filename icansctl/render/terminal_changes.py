"""The ``changes`` view in the terminal: newest day first, grouped by study or strategy.

Each entry is one line under its study or strategy: ``+`` added, ``~`` changed in
place (with what changed), then its citation numbers; the numbered references follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from rich.console import Group, RenderableType

from ..views.changes import ChangeEntry, ChangesView
from .terminal import Text, bullets, references

MARKS = {"added": "+", "changed": "~"}


def heading(view: ChangesView) -> str:
    """'Added or changed since 2026-11-25: anakinra, defibrotide'."""
    return f"Added or changed since {view.since.isoformat()}: {', '.join(view.strategies)}"


def all_new_text(view: ChangesView) -> str | None:
    """Said when ``since`` is before the evidence base began: every record is new."""
    if not view.all_new or view.first_added is None:
        return None
    return (
        f"These strategies entered the evidence base on {view.first_added.isoformat()}, "
        f"on or after {view.since.isoformat()}: everything they hold is listed as new."
    )


def counts_text(view: ChangesView) -> str:
    """'3 added strategies... ' in words: '29 figures added, 20 figures changed'."""
    if not view.entries:
        return "Nothing was added or changed on or after that date."
    return "; ".join(f"{n} × {what}" for what, n in view.counts.items())


def _entry(entry: ChangeEntry) -> Text:
    text = Text()
    text.append(f"{entry.kind} ", style="dim")
    if entry.label != entry.kind:
        text.append(f"{entry.label}: ", style="italic")
    text.append(entry.text)
    if entry.markers:
        text.append(" " + entry.markers, style="cyan")
    for what in entry.changes:
        text.append("\nchanged: ", style="yellow")
        text.append(what)
    return text


def _days(view: ChangesView) -> Iterator[RenderableType]:
    for day, on_day in groupby(view.entries, key=lambda e: e.date):
        yield Text("")
        yield Text(day.isoformat(), style="bold underline")
        for context, entries in groupby(on_day, key=lambda e: e.context):
            yield Text(context, style="bold")
            yield bullets((MARKS[e.action], _entry(e)) for e in entries)


def changes_renderable(view: ChangesView) -> RenderableType:
    """The whole ``changes`` output for the terminal."""
    parts: list[RenderableType] = [
        Text(heading(view), style="bold"),
        Text(view.currency.text[0].upper() + view.currency.text[1:], style="dim"),
        Text(counts_text(view)),
        Text("+ added  ~ changed in place (what changed follows)", style="dim"),
    ]
    note = all_new_text(view)
    if note:
        parts.append(Text(note, style="yellow"))
    if view.undated:
        parts.append(Text(f"{view.undated} record(s) carry no date and are not listed."))
    parts.extend(_days(view))
    if view.references:
        parts += [Text(""), references(view.references)]
    return Group(*parts)
