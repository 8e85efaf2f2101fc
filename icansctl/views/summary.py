"""The summary-of-findings view: one row per study arm, one column per endpoint.

Modelled on a GRADE Summary-of-Findings table: arms grouped under their strategy
(baselines last), each with its study and citation number, its design in a few words
and its n, then a cell per chosen endpoint.  What differs between arms but does not
fit a cell (product, grading, follow-up, time point) becomes a lettered footnote, one
letter per distinct fact.  Under the table: each strategy's bottom line (its status,
cited), the caveats once, the references.  Built from the comparison view, so every
figure, marker and citation number is the one ``compare --layout detail`` shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import NoSuchEndpoint
from ..evidence.base import EvidenceBase
from ..evidence.model import Strategy
from .certainty import DEFAULT_ENDPOINTS as DEFAULT_ENDPOINTS
from .certainty import CertaintyView, StepView
from .common import CiMethod, ClaimView, Figure, short_name
from .compare import Column, CompareView, compare_view, footnote_letter
from .numbering import NumberedReference
from .overrides import LOCAL_MARK

# The design in a few words, by how the comparison group was built.
DESIGN_WORDS = {
    "none": "single arm",
    "randomized": "randomized",
    "matched-cohort": "matched cohort",
    "historical": "historical control",
}


@dataclass
class SummaryRow:
    """One study arm: who, how, how many, and its figures for each chosen endpoint."""

    column: Column
    design: str
    cells: list[list[Figure]]
    letters: list[str]  # its footnotes: product, grading, follow-up, time points
    several_arms: bool = False  # the study has more than one intervention arm shown

    @property
    def study(self) -> str:
        """'Strati 2023 [1]', 'Strati 2023 comparator [1]' for a comparator arm, or
        'Pensato 2024 · whole cohort [2]' when a study has several intervention arms."""
        column = self.column
        role = " comparator" if column.role == "comparator" else ""
        if column.role != "comparator" and self.several_arms:
            role = " · " + column.arm_id.replace("_", " ")
        local = f" {LOCAL_MARK}" if column.overridden_by else ""
        return f"{column.study_name}{role}{local} [{column.reference_number}]"


@dataclass
class CertaintyCell:
    """A strategy's certainty for one endpoint column, and the letters of its reasons."""

    rating: CertaintyView | None  # None: no study of the strategy reports the endpoint
    letters: list[str]


@dataclass
class SummaryGroup:
    """A strategy (or baseline) and its arms."""

    strategy_id: str
    name: str
    baseline: bool
    rows: list[SummaryRow]
    bottom_line: list[ClaimView]  # the strategy's status
    # One per endpoint column: the strategy's certainty (empty for a baseline).
    certainty: list[CertaintyCell] = field(default_factory=list)


@dataclass
class SummaryView:
    """The summary-of-findings table and what is read under it."""

    endpoints: list[tuple[str, str]]  # (id, label), in column order
    groups: list[SummaryGroup]
    footnotes: list[str]  # lettered a, b, c... in order of first use
    caveats: list[tuple[str, ClaimView]]  # (strategy short name, caveat)
    design_note: str
    legend: list[str]
    references: list[NumberedReference]
    ci_method: str
    compare: CompareView = field(repr=False)
    certainty_note: ClaimView | None = None  # the rating is the tool's own (cited)

    @property
    def rows(self) -> list[SummaryRow]:
        """Every arm, in display order."""
        return [row for group in self.groups for row in group.rows]


def chosen_endpoints(base: EvidenceBase, ids: list[str] | None) -> list[tuple[str, str]]:
    """(id, label) of the endpoints asked for, or of the default ones that exist.

    An id that names no endpoint raises ``NoSuchEndpoint`` listing the known ones.
    """
    if not ids:
        return [(e, base.endpoints[e].label) for e in DEFAULT_ENDPOINTS if e in base.endpoints]
    unknown = [e for e in ids if e not in base.endpoints]
    if unknown:
        known = ", ".join(base.endpoints)
        raise NoSuchEndpoint(f"unknown endpoint '{unknown[0]}' (endpoints: {known})")
    return [(e, base.endpoints[e].label) for e in dict.fromkeys(ids)]


def summary_view(
    base: EvidenceBase,
    strategies: list[Strategy],
    endpoints: list[str] | None = None,
    ci_method: CiMethod = "wilson",
) -> SummaryView:
    """The summary-of-findings table of ``strategies`` (baselines last)."""
    shown = chosen_endpoints(base, endpoints)
    return summary_from_compare(compare_view(base, strategies, ci_method), shown)


def summary_from_compare(compared: CompareView, shown: list[tuple[str, str]]) -> SummaryView:
    """The summary-of-findings table of a comparison already built, for ``shown``
    endpoints (id, label): the same figures, marks and citation numbers."""
    facts: dict[str, str] = {}  # fact -> letter, in order of first use
    groups: list[SummaryGroup] = []
    arms = [(c.strategy_id, c.study_id) for c in compared.columns if c.role == "intervention"]
    for brief in compared.strategies:
        rows = []
        for column in (c for c in compared.columns if c.strategy_id == brief.id):
            cells = [column.figures.get(endpoint, []) for endpoint, _ in shown]
            letters = [
                facts.setdefault(fact, footnote_letter(len(facts)))
                for fact in _facts(column, cells)
            ]
            design = DESIGN_WORDS.get(column.comparator, column.comparator.replace("-", " "))
            several = arms.count((column.strategy_id, column.study_id)) > 1
            rows.append(SummaryRow(column, design, cells, letters, several))
        groups.append(
            SummaryGroup(
                brief.id,
                short_name(brief.name) if brief.kind != "baseline" else brief.name,
                brief.kind == "baseline",
                rows,
                brief.status,
                _certainty_cells(brief.certainty, shown, facts),
            )
        )
    return SummaryView(
        endpoints=shown,
        groups=groups,
        footnotes=list(facts),
        caveats=[(short_name(b.name), c) for b in compared.strategies for c in b.caveats],
        design_note=compared.design_note,
        legend=compared.legend,
        references=compared.references,
        ci_method=compared.ci_method,
        compare=compared,
        certainty_note=compared.certainty_note,
    )


def _facts(column: Column, cells: list[list[Figure]]) -> list[str]:
    """What the footnotes say about an arm: product, grading, follow-up, time points."""
    facts = [f"Product: {column.product}"]
    if column.gradings:
        facts.append("Grading: " + ", ".join(column.gradings))
    if column.follow_up:
        facts.append(f"Follow-up: {column.follow_up}")
    times = dict.fromkeys(f.time_point for figures in cells for f in figures if f.time_point)
    facts.extend(f"Time point: {time}" for time in times)
    return facts


def _certainty_cells(
    ratings: list[CertaintyView], shown: list[tuple[str, str]], facts: dict[str, str]
) -> list[CertaintyCell]:
    """A strategy's certainty per shown endpoint; each step's reason becomes a lettered
    footnote ('Certainty: Imprecision, down 1 (rule): ... [9]'), shared when repeated."""
    if not ratings:
        return []
    by_endpoint = {r.endpoint: r for r in ratings}
    cells = []
    for endpoint, _ in shown:
        rating = by_endpoint.get(endpoint)
        steps = rating.steps if rating is not None else []
        letters = [
            facts.setdefault(f"Certainty: {step.text}{_markers(step)}", footnote_letter(len(facts)))
            for step in steps
        ]
        cells.append(CertaintyCell(rating, list(dict.fromkeys(letters))))
    return cells


def _markers(step: StepView) -> str:
    numbers = dict.fromkeys(c.number for c in step.citations)
    return " [" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""
