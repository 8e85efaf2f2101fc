"""A bibliography entry (one file in evidence/references/) and what rests on its kind."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from .model_types import (
    WEAK_SOURCE_KINDS,
    Identifier,
    ReferenceType,
    SourceKind,
    Strict,
    Text,
)


class Reference(Strict):
    """One bibliography entry (one file in evidence/references/)."""

    id: Identifier
    type: ReferenceType
    authors: list[Text] = Field(
        default_factory=list,
        description="Authors as 'Surname Initials' (Vancouver style), in order.",
    )
    et_al: bool = Field(default=False, description="True when the author list is incomplete.")
    title: Text
    journal: Text | None = None
    # null when the year could not be traced: shown as 'year not traced', never guessed
    year: int | None = Field(ge=1900, le=2100)
    source_kind: SourceKind = Field(
        description="What kind of source this is: a figure whose only source is a press "
        "release or a news report is marked as such wherever it is shown."
    )
    volume: Text | None = None
    issue: Text | None = None
    pages: Text | None = None
    doi: Text | None = Field(default=None, description="DOI without a resolver: 10.NNNN/...")
    pmid: Text | None = Field(default=None, description="PubMed id, digits only.")
    pmcid: Text | None = Field(default=None, description="PubMed Central id: PMC + digits.")
    registration: list[Text] = Field(
        default_factory=list, description="Trial registrations (NCT + 8 digits)."
    )
    url: Text | None = None
    note: Text | None = Field(default=None, description="What is and is not verified here.")


def resting_sources(via: str | None, cited: list[str]) -> list[str]:
    """The references a figure rests on (see ``Outcome.source_refs``)."""
    return [via] if via is not None else list(dict.fromkeys(cited))


def weak_only(sources: list[str], kinds: Mapping[str, str]) -> bool:
    """True when every source (by id) is of a kind in WEAK_SOURCE_KINDS; a source of
    unknown kind (absent from ``kinds``) never makes a figure weak."""
    return bool(sources) and all(kinds.get(ref) in WEAK_SOURCE_KINDS for ref in sources)
