"""The evidence model's common parts: ids, text, citations, claims, source kinds.

Split from ``model`` so that each kind of evidence file (``model_reference``,
``model_topics``, ``model``) builds on the same parts without importing each other.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictStr, field_validator

from .model_dates import STRICT_CONFIG, Dated

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_.\-]*$",
        min_length=1,
        max_length=64,
        description="A short lower-case id: letters, digits, '_', '.' and '-'.",
    ),
]
Text = Annotated[StrictStr, Field(min_length=1)]


class Strict(BaseModel):
    """Base for every evidence model: unknown keys are errors, strings stay strings."""

    model_config = STRICT_CONFIG


class Citation(Strict):
    """One pointer from a statement to a reference, with where in it to look."""

    ref: Identifier = Field(description="Id of a reference in evidence/references/.")
    locator: Text | None = Field(
        default=None,
        description="Where in the source: a table, figure, section or paragraph.",
    )


def cite_reference(ref: str, locator: str | None = None) -> Citation:
    """A citation the code itself makes (to a reference id it has found in the base).

    Built without validation: constructing the first validated ``Citation`` builds its
    deferred schema, ~18 ms of every command's start-up for a value known to be valid.
    """
    return Citation.model_construct(ref=ref, locator=locator)


def citation_shorthand(value: Any) -> Any:
    """Accept ``cite: [strati2023]`` as ``cite: [{ref: strati2023}]``."""
    if isinstance(value, list):
        return [{"ref": item} if isinstance(item, str) else item for item in value]
    return value


class Claim(Strict, Dated):
    """One statement in the project's own words, with at least one citation (and, if
    it came or changed after the record it belongs to, its own dates)."""

    text: Text = Field(description="The statement, in the project's own words.")
    cite: list[Citation] = Field(min_length=1, description="One or more citations.")

    _normalise_cite = field_validator("cite", mode="before")(citation_shorthand)


ReferenceType = Literal[
    "article", "letter", "abstract", "editorial", "review", "registry", "label", "webpage"
]


SourceKind = Literal[
    "peer-reviewed article",
    "letter",
    "editorial",
    "review",
    "systematic review",
    "meeting abstract",
    "registry record",
    "press release",
    "news report",
    "guideline",
]


# The kinds of source too weak to carry a figure alone.  A figure (an outcome) whose
# sources (``Outcome.source_refs``) are all of these kinds is a *weak-source* figure: it
# is marked wherever it is shown ("weak_source" in JSON), and ``icansctl check`` warns
# (ICX055) unless the outcome's ``note`` says so (names a press release or news report).
# A *secondary report* is recorded separately, as ``Provenance.via``: the figure was read
# in a source other than the study's own report (an editorial, a review, another
# abstract, a news report...), and is marked '†'.
WEAK_SOURCE_KINDS: frozenset[str] = frozenset({"press release", "news report"})
