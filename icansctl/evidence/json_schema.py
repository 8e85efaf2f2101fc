"""JSON Schema of the evidence format, generated from the pydantic models.

One schema accepts any kind of evidence file (``anyOf`` the five file models), or
``evidence_schema("study")`` gives one kind.  Editors use it through the YAML language
server (``# yaml-language-server: $schema=...``); ``check-jsonschema`` validates
files with it.  The schema covers shape and types; ``icansctl check`` adds what a
schema cannot say (citations that resolve, numbers that agree, YAML 1.1 hazards).
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .model import Strategy, Study
from .model_certainty import DOWN_DOMAINS, UP_DOMAINS
from .model_reference import Reference
from .model_topics import EndpointFile, MechanismFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"

KINDS: dict[str, type[BaseModel]] = {
    "study": Study,
    "strategy": Strategy,
    "reference": Reference,
    "endpoints": EndpointFile,
    "mechanisms": MechanismFile,
}


def _adjust(defs: dict[str, Any]) -> None:
    """Say in the schema what the models accept through validators.

    - ``cite: [strati2023]`` is shorthand for ``cite: [{ref: strati2023}]``;
    - an outcome needs ``events`` or ``reported_percent``, and events need a total;
    - a certainty judgement rates down (-1, -2) in GRADE's five domains to rate down,
      and up (+1, +2) only for its three reasons to rate up.
    """
    citation = defs.get("Citation")
    shorthand = copy.deepcopy(citation["properties"]["ref"]) if citation else None
    for definition in defs.values():
        cite = definition.get("properties", {}).get("cite")
        if cite and shorthand is not None and cite.get("type") == "array":
            cite["items"] = {"anyOf": [cite["items"], shorthand]}
    outcome = defs.get("Outcome")
    if outcome is not None:
        outcome["anyOf"] = [{"required": ["events"]}, {"required": ["reported_percent"]}]
        outcome["dependentRequired"] = {"events": ["total"]}
    judgement = defs.get("CertaintyJudgement")
    if judgement is not None:
        judgement["oneOf"] = [
            {"properties": {"domain": {"enum": list(domains)}, "change": {"enum": changes}}}
            for domains, changes in ((DOWN_DOMAINS, [-2, -1]), (UP_DOMAINS, [1, 2]))
        ]


def evidence_schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of one kind of evidence file, or of any (``kind=None``)."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    chosen = [KINDS[kind]] if kind else list(KINDS.values())
    refs, top = models_json_schema(
        [(model, "validation") for model in chosen], ref_template="#/$defs/{model}"
    )
    defs: dict[str, Any] = top.get("$defs", {})
    _adjust(defs)
    schema: dict[str, Any] = {"$schema": DIALECT}
    if kind is not None:
        name = KINDS[kind].__name__
        schema.update(defs.pop(name))  # no model refers to itself, so inlining is safe
        schema["title"] = f"icansctl evidence: {kind}"
    else:
        schema["title"] = "icansctl evidence file"
        schema["description"] = (
            "Any icansctl evidence file: a reference, study or strategy (one per file "
            "in references/, studies/, strategies/), endpoints.yaml or mechanisms.yaml."
        )
        schema["anyOf"] = [refs[(model, "validation")] for model in chosen]
    if defs:
        schema["$defs"] = defs
    return schema
