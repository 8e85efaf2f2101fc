"""JSON rendering: the stable, documented shapes other tools consume.

Unknown values are ``null``, never 0.  Percentages and intervals are in percent.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..evidence.model_reference import resting_sources
from ..views.certainty import CertaintyView
from ..views.common import CitationView, ClaimView, Figure, StudyView, plain_fields
from ..views.compare import CompareView
from ..views.effects import EffectView, TrialView
from ..views.listing import ListItem
from ..views.mechanisms import MechanismView
from ..views.numbering import NumberedReference
from ..views.overrides import Override
from ..views.show import ShowView


def _claims(claims: list[ClaimView]) -> list[dict[str, Any]]:
    return [
        {
            "text": c.text,
            "cite": [{"ref": x.ref, "number": x.number, "locator": x.locator} for x in c.citations],
        }
        for c in claims
    ]


# A reference id -> its source_kind, for the references an output lists.
SourceKinds = dict[str, str]


def source_kinds(refs: list[NumberedReference]) -> SourceKinds:
    """The source kind of every listed reference, by id."""
    return {r.reference.id: r.reference.source_kind for r in refs}


def figure_sources_json(figure: Figure, kinds: SourceKinds) -> dict[str, Any]:
    """What a figure rests on: its sources, their kinds, and the markers they earn.

    ``weak_source``: every source is a press release or news report (model.
    WEAK_SOURCE_KINDS); ``secondary_report``: the figure was read in a source other
    than the study's own report (provenance.via).  A source of unknown kind (not in
    the listed references) is null and never makes a figure weak.
    """
    refs = resting_sources(figure.via, [c.ref for c in figure.citations])
    found = [kinds.get(ref) for ref in refs]
    return {
        "sources": refs,
        "source_kinds": found,
        "weak_source": figure.weak_source,  # views: every source a press release or news
        "secondary_report": figure.via is not None,
    }


def figure_json(figure: Figure, kinds: SourceKinds | None = None) -> dict[str, Any]:
    """One outcome as JSON (``kinds``: source kinds of the output's references)."""
    return {
        "endpoint": figure.endpoint,
        "arm": figure.arm,
        "role": figure.role,
        "events": figure.events,
        "total": figure.total,
        "percent": figure.percent,
        "percent_text": figure.percent_text,
        "reported_percent": figure.reported_percent,
        # views.build_figure marks an approximate source figure ('~50%') in its text.
        "approximate": bool(figure.percent_text and figure.percent_text.startswith("~")),
        "computed_percent": figure.computed_percent,
        "ci95": list(figure.ci95) if figure.ci95 else None,
        "ci_method": figure.ci_method if figure.ci95 else None,
        "grading": figure.grading,
        "time_point": figure.time_point,
        "definition": figure.definition,
        "note": figure.note,
        "provenance": {
            "source": "via" if figure.via else "reported",
            "via": figure.via,
            "count": figure.count,
        },
        "cite": [
            {"ref": c.ref, "number": c.number, "locator": c.locator} for c in figure.citations
        ],
        **figure_sources_json(figure, kinds or {}),
    }


def study_json(study: StudyView, kinds: SourceKinds | None = None) -> dict[str, Any]:
    """A study with its design and outcomes."""
    return {
        "id": study.id,
        "name": study.name,
        "reference": study.reference,
        "design": {
            "label": study.design,
            "summary": study.design_summary,
            "phase": study.phase,
            "randomized": study.randomized,
            "comparator": study.comparator,
        },
        "population": {
            "disease": study.disease,
            "product": study.product,
            "enrolled": study.enrolled,
            "treated": study.treated,
            "evaluable": study.evaluable,
        },
        "follow_up": study.follow_up,
        "registration": study.registration,
        "arms": study.arms,
        "outcomes": [figure_json(f, kinds) for f in study.figures],
        "findings": _claims(study.findings),
        "notes": _claims(study.notes),
        "overridden_by": study.overridden_by,
        "effects": [effect_json(e) for e in study.effects],
    }


def references_json(refs: list[NumberedReference]) -> list[dict[str, Any]]:
    """References in citation order, with their formatted text."""
    return [
        {
            "number": r.number,
            "text": r.text,
            **plain_fields(r.reference),
            "overridden_by": r.overridden_by,
        }
        for r in refs
    ]


def overrides_json(overrides: list[Override]) -> list[dict[str, Any]]:
    """Entities shown from local evidence in place of bundled ones, with their files."""
    return [{"kind": o.kind, "id": o.id, "overridden_by": o.path} for o in overrides]


def compare_json(view: CompareView) -> dict[str, Any]:
    """The comparison, per the JSON contract in DESIGN.md."""
    kinds = source_kinds(view.references)
    return {
        "strategies": [
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "drug_class": s.drug_class,
                "summary": _claims(s.summary),
                "caveats": _claims(s.caveats),
                "studies": [study_json(st, kinds) for st in s.studies],
                "overridden_by": s.overridden_by,
                "trials": [trial_json(t) for t in s.trials],
                "checked": s.checked.isoformat() if s.checked else None,
                "certainty": certainty_json(s.certainty),
            }
            for s in view.strategies
        ],
        "certainty_note": _claims([view.certainty_note])[0] if view.certainty_note else None,
        "rows": [
            {"endpoint": r.endpoint, "label": r.label, "footnotes": r.footnotes} for r in view.rows
        ],
        "design_note": view.design_note,
        "evidence_current_to": view.currency.to_json(),
        "ci_method": view.ci_method,
        "references": references_json(view.references),
        "overrides": overrides_json(view.overrides),
    }


def show_json(view: ShowView) -> dict[str, Any]:
    """One strategy in full."""
    kinds = source_kinds(view.references)
    return {
        "id": view.id,
        "name": view.name,
        "kind": view.kind,
        "drug_class": view.drug_class,
        "aliases": view.aliases,
        "targets": [{"id": i, "label": label} for i, label in view.targets],
        "summary": _claims(view.summary),
        "mechanism": _claims(view.mechanism),
        "regimens": [
            {"id": r.id, "name": r.name, "schedule": _claims(r.schedule), "studies": r.studies}
            for r in view.regimens
        ],
        "studies": [study_json(s, kinds) for s in view.studies],
        "status": _claims(view.status),
        "caveats": _claims(view.caveats),
        "references": references_json(view.references),
        "overridden_by": view.overridden_by,
        "overrides": overrides_json(view.overrides),
        "trials": [trial_json(t) for t in view.trials],
        "evidence_current_to": view.currency.to_json(),
        "certainty": certainty_json(view.certainty),
        "certainty_note": _claims([view.certainty_note])[0] if view.certainty_note else None,
    }


def _cites(citations: list[CitationView]) -> list[dict[str, Any]]:
    return [{"ref": c.ref, "number": c.number, "locator": c.locator} for c in citations]


def certainty_json(ratings: list[CertaintyView]) -> list[dict[str, Any]]:
    """Each endpoint's rating: level and start null when no study reports the endpoint;
    every step with its reason, its basis (rule or judgement) and its citations."""
    return [
        {
            "endpoint": r.endpoint,
            "level": r.level,
            "start": r.start,
            "steps": [
                {
                    "domain": s.domain,
                    "change": s.change,
                    "reason": s.reason,
                    "basis": s.basis,
                    "cite": _cites(s.citations),
                }
                for s in r.steps
            ],
        }
        for r in ratings
    ]


def effect_json(effect: EffectView) -> dict[str, Any]:
    """A relative effect as the source printed it ('source': 'as printed'); never computed."""
    return {
        "endpoint": effect.endpoint,
        "measure": effect.measure,
        "value": effect.value,
        "ci95": [effect.ci_low, effect.ci_high] if effect.ci_low is not None else None,
        "reported_p": effect.reported_p,
        "source": "as printed",
        "intervention": effect.intervention,
        "comparator": effect.comparator,
        "definition": effect.definition,
        "grading": effect.grading,
        "time_point": effect.time_point,
        "note": effect.note,
        "via": effect.via,
        "cite": _cites(effect.citations),
    }


def trial_json(trial: TrialView) -> dict[str, Any]:
    """A trial to watch, with its status and the date that status was seen."""
    return {
        "registration": trial.registration,
        "name": trial.name,
        "design": trial.design,
        "status": trial.status,
        "status_seen": trial.status_seen,
        "study": trial.study,
        "note": trial.note,
        "cite": _cites(trial.citations),
    }


def list_json(items: list[ListItem]) -> dict[str, Any]:
    """Strategies at a glance."""
    return {"strategies": [asdict(item) for item in items]}


def mechanisms_json(view: MechanismView) -> dict[str, Any]:
    """The mechanism graph."""
    return {
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "description": _claims(n.description),
                "strategies": n.strategies,
                "overridden_by": n.overridden_by,
            }
            for n in view.nodes.values()
        ],
        "edges": [{"source": s, "target": t} for s, t in view.edges],
        "references": references_json(view.references),
        "overrides": overrides_json(view.overrides),
    }


def refs_json(refs: list[NumberedReference]) -> dict[str, Any]:
    """The reference list."""
    return {"references": references_json(refs)}


def dumps(data: Any) -> str:
    """Pretty, stable JSON text with a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
