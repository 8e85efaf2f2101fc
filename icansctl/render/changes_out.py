"""The ``changes`` view as JSON and as Markdown (through ``templates/changes.md.j2``)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from ..views.changes import ChangeEntry, ChangesView
from .json_out import references_json
from .templating import render_template
from .terminal_changes import all_new_text, counts_text, heading


def _entry_json(entry: ChangeEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "action": entry.action,
        "kind": entry.kind,
        "strategy": entry.strategy or None,
        "context": entry.context,
        "label": entry.label,
        "text": entry.text,
        "changes": list(entry.changes),
        "citations": [
            {"number": c.number, "ref": c.ref, "locator": c.locator} for c in entry.citations
        ],
    }


def changes_json(view: ChangesView) -> dict[str, Any]:
    """``{since, first_added, strategies, evidence_current_to, counts, undated, changes,
    references}``; ``first_added``: the day these strategies entered the evidence base."""
    return {
        "since": view.since.isoformat(),
        "first_added": view.first_added.isoformat() if view.first_added else None,
        "strategies": list(view.strategies),
        "evidence_current_to": view.currency.to_json(),
        "counts": dict(view.counts),
        "undated": view.undated,
        "changes": [_entry_json(e) for e in view.entries],
        "references": references_json(view.references),
    }


def changes_markdown(view: ChangesView) -> str:
    """The ``changes`` view as a Markdown document, newest day first."""
    days = [
        (day, [(context, list(group)) for context, group in groupby(entries, lambda e: e.context)])
        for day, entries in groupby(view.entries, key=lambda e: e.date)
    ]
    return render_template(
        "changes.md.j2",
        view=view,
        title=heading(view),
        counts=counts_text(view),
        all_new=all_new_text(view),
        days=days,
    )
