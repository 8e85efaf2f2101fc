"""Certainty of evidence: the words of the rating and a maintainer's recorded judgement.

The rating itself is computed by rules (``icansctl.views.certainty``) from what the
evidence records; a ``CertaintyJudgement`` in a strategy file adds a step only where no
rule can decide (publication bias, an inconsistency that only a qualitative finding
shows, a reason to rate up).  Every judgement needs a reason and at least one citation:
``icansctl check`` refuses one without (ICX020 missing reason, ICX030 no citation,
ICX031 a citation that does not resolve, ICX050 an endpoint that does not exist).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from .model_types import Citation, Identifier, Strict, Text, citation_shorthand

# The four levels, lowest first: a level's index + 1 is the number of filled circles.
LEVELS: tuple[str, ...] = ("very low", "low", "moderate", "high")
Level = Literal["very low", "low", "moderate", "high"]

# GRADE's five reasons to rate down, and its three reasons to rate up (nonrandomized
# evidence only): large effect, dose-response gradient, plausible confounding that
# would reduce the effect shown.
DOWN_DOMAINS: tuple[str, ...] = (
    "risk of bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication bias",
)
UP_DOMAINS: tuple[str, ...] = ("large effect", "dose-response", "plausible confounding")
Domain = Literal[
    "risk of bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication bias",
    "large effect",
    "dose-response",
    "plausible confounding",
]

# The references the rules cite (the GRADE series in J Clin Epidemiol), by the domain
# each rule follows.  ``icansctl check`` counts them as cited (never an orphan), and the
# rating cites one only when the evidence base holds it.
RULE_REFERENCES: dict[str, str] = {
    "start": "balshem2011",
    "risk of bias": "guyatt2011_rob",
    "imprecision": "guyatt2011_imprecision",
    "inconsistency": "guyatt2011_inconsistency",
    "indirectness": "guyatt2011_indirectness",
}


class CertaintyJudgement(Strict):
    """A maintainer's judgement on one domain of one endpoint's certainty, where no rule
    can decide: a step down (-1 serious, -2 very serious) or, for nonrandomized
    evidence, up (+1, +2) for one of GRADE's three reasons to rate up.  Shown as
    'judgement' wherever the rating is shown."""

    endpoint: Identifier = Field(description="Endpoint id (evidence/endpoints.yaml).")
    domain: Domain = Field(description="The GRADE domain the judgement is about.")
    change: Literal[-2, -1, 1, 2] = Field(
        description="Levels to move: -1 or -2 to rate down, +1 or +2 to rate up."
    )
    reason: Text = Field(description="One line: why, in the project's own words.")
    cite: list[Citation] = Field(min_length=1, description="The sources the judgement rests on.")

    _normalise_cite = field_validator("cite", mode="before")(citation_shorthand)

    @model_validator(mode="after")
    def _direction_fits_domain(self) -> CertaintyJudgement:
        if self.domain in DOWN_DOMAINS and self.change > 0:
            raise ValueError(f"'{self.domain}' can only rate down (change -1 or -2)")
        if self.domain in UP_DOMAINS and self.change < 0:
            raise ValueError(f"'{self.domain}' can only rate up (change +1 or +2)")
        return self
