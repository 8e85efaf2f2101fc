"""The two topic files: endpoints.yaml (what each endpoint means) and mechanisms.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .model_dates import Dated
from .model_types import Citation, Claim, Identifier, Strict, Text, citation_shorthand


class Endpoint(Strict):
    """One clinical concept in the controlled vocabulary."""

    id: Identifier
    label: Text
    group: Literal["neurotoxicity", "crs", "management", "efficacy", "safety"]
    note: Text | None = None


class EndpointFile(Strict):
    """evidence/endpoints.yaml: the endpoint vocabulary, in display order."""

    endpoints: list[Endpoint] = Field(min_length=1)


class MechanismNode(Strict, Dated):
    """One step of the pathophysiology."""

    id: Identifier
    label: Text
    description: list[Claim] = Field(min_length=1)


class MechanismEdge(Strict):
    """'source leads to target'."""

    source: Identifier
    target: Identifier
    cite: list[Citation] = Field(min_length=1)

    _normalise_cite = field_validator("cite", mode="before")(citation_shorthand)


class MechanismFile(Strict):
    """evidence/mechanisms.yaml: the pathophysiology as a small graph."""

    nodes: list[MechanismNode] = Field(min_length=1)
    edges: list[MechanismEdge] = Field(default_factory=list)
