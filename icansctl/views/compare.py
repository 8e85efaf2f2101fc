"""The ``compare`` view: strategies side by side, one column per study arm.

Rows are endpoints; each cell holds the arm's figures with their CIs and provenance
markers.  Citations are numbered in reading order, so the numbers match the printed
reference list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..evidence.base import EvidenceBase
from ..evidence.model import GRADING, Strategy, Study
from ..evidence.model_types import Citation
from .certainty import (
    CertaintyView,
    certainty_note,
    certainty_views,
    note_citations,
    rate_strategy,
    rating_citations,
)
from .common import (
    CI_METHOD_NAMES,
    COMPARATOR_WORDS,
    DERIVED_MARK,
    GRADING_NOT_STATED,
    NOT_REPORTED,
    VIA_MARK,
    WEAK_MARK,
    CiMethod,
    ClaimView,
    Figure,
    StudyView,
    claim_views,
    nonrandomized_note,
    short_name,
    strategy_identity,
    study_view,
)
from .dates import Currency, currency
from .effects import TrialView, trial_views, with_effects
from .forest import ForestView, default_forest, forest_from_compare
from .numbering import Citer, NumberedReference
from .overrides import LOCAL_MARK, Override, overridden_by, references_and_overrides


@dataclass
class Column:
    """One study arm shown as a column of the comparison."""

    strategy_id: str
    strategy_name: str
    strategy_kind: str
    study_id: str
    study_name: str
    reference_id: str
    reference_number: int
    arm_id: str
    arm_label: str
    role: str
    regimen: str | None
    design: str
    design_summary: str
    randomized: bool
    comparator: str
    n: int | None
    product: str
    disease: str
    follow_up: str | None
    gradings: list[str]
    figures: dict[str, list[Figure]] = field(default_factory=dict)
    findings: list[ClaimView] = field(default_factory=list)
    overridden_by: str | None = None  # the local file that replaced the bundled study

    @property
    def header(self) -> str:
        """Study name, marked as the comparator and as local evidence when it is so."""
        name = self.study_name + (f" {LOCAL_MARK}" if self.overridden_by else "")
        if self.role == "comparator":
            return f"{name}: comparator ({COMPARATOR_WORDS[self.comparator]})"
        return name

    @property
    def strategy_short_name(self) -> str:
        """The strategy's name without its parenthesis."""
        return short_name(self.strategy_name)


@dataclass
class Row:
    """One endpoint concept across all columns."""

    endpoint: str
    label: str
    cells: list[list[Figure]]
    footnotes: list[str] = field(default_factory=list)


@dataclass
class StrategyBrief:
    """A strategy as it appears in a comparison."""

    id: str
    name: str
    kind: str
    drug_class: str | None
    studies: list[StudyView]
    summary: list[ClaimView]
    caveats: list[ClaimView]
    overridden_by: str | None = None  # the local file that replaced the bundled strategy
    status: list[ClaimView] = field(default_factory=list)  # its bottom line, cited
    trials: list[TrialView] = field(default_factory=list)  # registered trials to watch
    checked: dt.date | None = None  # the date its literature was last checked
    certainty: list[CertaintyView] = field(default_factory=list)  # per endpoint


@dataclass
class CompareView:
    """Several strategies side by side."""

    strategies: list[StrategyBrief]
    columns: list[Column]
    rows: list[Row]
    legend: list[str]
    design_note: str
    references: list[NumberedReference]
    ci_method: CiMethod
    # References 1..printed_references are cited by the printed comparison (table,
    # findings of studies without figures, caveats); later ones only by study notes
    # and summaries, which the JSON carries and `show` prints.
    printed_references: int
    # Entities shown from local evidence in place of bundled ones (said before the table).
    overrides: list[Override] = field(default_factory=list)
    # The default forest plot (grade >=3 ICANS), None when no arm shown reports it.
    forest: ForestView | None = None
    # The oldest date the literature of the strategies shown was checked (issue 13).
    currency: Currency = field(default_factory=lambda: Currency(None))
    # That the certainty ratings are the tool's own (cited: GRADE's start levels).
    certainty_note: ClaimView | None = None

    @property
    def footnotes(self) -> list[str]:
        """The rows' footnotes, each once, in order of first use: lettered a, b, c..."""
        return list(dict.fromkeys(note for row in self.rows for note in row.footnotes))

    def footnote_letters(self, row: Row) -> list[str]:
        """The letters of ``row``'s footnotes (see ``footnotes``)."""
        order = self.footnotes
        return [footnote_letter(order.index(note)) for note in row.footnotes]

    @property
    def notes_only_references(self) -> list[NumberedReference]:
        """The references only notes and summaries cite (listed apart when printed)."""
        return [r for r in self.references if r.number > self.printed_references]

    @property
    def printed_table_references(self) -> list[NumberedReference]:
        """The references the printed comparison itself cites."""
        return [r for r in self.references if r.number <= self.printed_references]


def footnote_letter(index: int) -> str:
    """'a' for the first footnote, 'b' for the second..., then 'aa', 'ab'... after 'z'
    (past 26 footnotes a single letter would run into control characters)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _row_footnotes(row_figures: list[tuple[Column, Figure]]) -> list[str]:
    notes: list[str] = []
    by_grading: dict[str, list[str]] = {}
    for column, figure in row_figures:
        label = figure.grading_label or GRADING_NOT_STATED
        names = by_grading.setdefault(label, [])
        if column.study_name not in names:
            names.append(column.study_name)
    if len(by_grading) > 1:
        parts = [f"{label} ({', '.join(names)})" for label, names in by_grading.items()]
        notes.append(
            "Mixes grading systems, so rates are not directly comparable: " + "; ".join(parts)
        )
        measures = {GRADING[f.grading].measures for _, f in row_figures if f.grading in GRADING}
        if {"ICANS", "neurologic events"} <= measures:
            notes.append(
                "ICANS (ASTCT 2019) and CTCAE-graded neurologic events or neurotoxicity are "
                "different definitions (ZUMA-1 predates ICANS grading)."
            )
    times: dict[str, list[str]] = {}
    for column, figure in row_figures:
        if figure.time_point:
            times.setdefault(figure.time_point, [])
            if column.study_name not in times[figure.time_point]:
                times[figure.time_point].append(column.study_name)
    if len(times) > 1:
        parts = [f"{t} ({', '.join(names)})" for t, names in times.items()]
        notes.append("Mixes time points: " + "; ".join(parts))
    return notes


def _number_printed_citations(
    base: EvidenceBase, ordered: list[Strategy], citer: Citer, ratings: list[Citation]
) -> int:
    """Number first what a printed comparison cites; return how many that is.

    The table cites each study's reference, its figures' sources and, for a study
    without figures, its findings; the caveats follow.  Study notes and summaries are
    in the view (and the JSON) but not in the printed table, so the references only
    they cite get the last numbers and can be listed apart, instead of standing in
    the middle of the list with no mark in the table pointing at them.
    """
    for strategy in ordered:
        for study in base.studies_of(strategy):
            citer.number(study.reference)
            for outcome in study.outcomes:
                citer.numbers(outcome.cite)
                if outcome.provenance.via:
                    citer.number(outcome.provenance.via)
            if not study.outcomes:
                for claim in study.findings:
                    citer.numbers(claim.cite)
    for strategy in ordered:
        for claim in strategy.caveats:
            citer.numbers(claim.cite)
    citer.numbers(ratings)  # the certainty ratings' sources, printed with them
    return len(citer)


# What a comparison column copies from its study's view: the same for every arm.
_FROM_STUDY_VIEW = (
    "reference_number",
    "design",
    "design_summary",
    "randomized",
    "comparator",
    "product",
    "disease",
    "follow_up",
    "overridden_by",
)


def off_study_design(design: str) -> str:
    """A nonrandomized comparator's design: the study's, without the trial phase."""
    parts = [p for p in design.split("; ") if not p.startswith("Phase")]
    return "; ".join(["Treated off study", *parts])


def _arm_columns(strategy: Strategy, study: Study, view: StudyView) -> list[Column]:
    """One column per arm of ``study`` shown under ``strategy`` (its own intervention arms
    and every comparator arm), each holding its figures by endpoint."""
    regimen_names = {r.id: r.name for r in strategy.regimens}
    columns: list[Column] = []
    for arm in study.arms:
        if arm.role == "intervention" and arm.strategy not in (None, strategy.id):
            continue
        # Each arm's own grading; an off-study comparator (matched or historical) has
        # not the study's phase or follow-up (audit 2026-12, §4).
        gradings = sorted(
            {f.grading_label for f in view.figures if f.grading_label and f.arm == arm.id}
        )
        from_view = {name: getattr(view, name) for name in _FROM_STUDY_VIEW}
        if arm.role == "comparator" and not view.randomized:
            from_view["design"] = off_study_design(view.design)
            from_view["follow_up"] = None
        column = Column(
            strategy_id=strategy.id,
            strategy_name=strategy.name,
            strategy_kind=strategy.kind,
            study_id=study.id,
            study_name=study.name,
            reference_id=study.reference,
            arm_id=arm.id,
            arm_label=arm.label,
            role=arm.role,
            regimen=regimen_names.get(arm.regimen or ""),
            n=arm.n,
            gradings=gradings,
            findings=view.findings if arm.role == "intervention" else [],
            **from_view,
        )
        for figure in view.figures:
            if figure.arm == arm.id:
                column.figures.setdefault(figure.endpoint, []).append(figure)
        columns.append(column)
    return columns


def _legend(ci_method: CiMethod, columns: list[Column]) -> list[str]:
    """How to read the table: the interval method and every mark it may show."""
    method = CI_METHOD_NAMES[ci_method]
    legend = [
        f"Percent (events/total) as the source printed it (computed where it printed "
        f"none); its 95% CI ({method}) is computed from the counts.",
        f"{DERIVED_MARK} count derived from the reported percent and N.",
        f"{VIA_MARK} figure known only through a secondary source (see the cell's citation).",
        f"'{NOT_REPORTED}': no figure in the evidence; never read it as zero.",
    ]
    if any(f.weak_source for column in columns for fs in column.figures.values() for f in fs):
        legend.append(f"{WEAK_MARK} figure resting only on a press release or a news report.")
    if any(column.overridden_by for column in columns):
        legend.append(
            f"{LOCAL_MARK} after a study: its figures come from a local file that replaced "
            "the bundled study (named above the table), not from the bundled evidence."
        )
    return legend


def _rows(base: EvidenceBase, columns: list[Column]) -> list[Row]:
    """One row per endpoint that some column reports, in the endpoint file's order."""
    rows: list[Row] = []
    for endpoint in base.endpoints.values():
        cells = [column.figures.get(endpoint.id, []) for column in columns]
        if not any(cells):
            continue
        pairs = [(col, fig) for col, figs in zip(columns, cells, strict=True) for fig in figs]
        rows.append(Row(endpoint.id, endpoint.label, cells, _row_footnotes(pairs)))
    return rows


def compare_view(
    base: EvidenceBase,
    strategies: list[Strategy],
    ci_method: CiMethod = "wilson",
) -> CompareView:
    """Build the side-by-side comparison of ``strategies`` (baselines last)."""
    citer = Citer(base.references)
    ordered = [s for s in strategies if s.kind != "baseline"] + [
        s for s in strategies if s.kind == "baseline"
    ]
    ratings = {s.id: rate_strategy(base, s) for s in ordered}
    cited = note_citations(base) + [c for s in ordered for c in rating_citations(ratings[s.id])]
    printed = _number_printed_citations(base, ordered, citer, cited)
    briefs: list[StrategyBrief] = []
    columns: list[Column] = []
    for strategy in ordered:
        studies = [
            with_effects(study_view(base, study, citer, ci_method), study, citer)
            for study in base.studies_of(strategy)
        ]
        for study, view in zip(base.studies_of(strategy), studies, strict=True):
            columns += _arm_columns(strategy, study, view)
        briefs.append(
            StrategyBrief(
                **strategy_identity(strategy),
                studies=studies,
                summary=claim_views(citer, strategy.summary),
                caveats=claim_views(citer, strategy.caveats),
                overridden_by=overridden_by(base, "strategy", strategy.id),
                status=claim_views(citer, strategy.status),
                trials=trial_views(base, list(strategy.trials), citer),
                checked=strategy.checked,
                certainty=certainty_views(base, ratings[strategy.id], citer),
            )
        )
    rows = _rows(base, columns)
    randomized = sum(1 for c in columns if c.randomized)
    design_note = nonrandomized_note(len({c.study_id for c in columns}), randomized, "shown")
    shown = [
        *(("strategy", b.id, short_name(b.name)) for b in briefs),
        *(("study", st.id, st.name) for b in briefs for st in b.studies),
        *(("endpoint", row.endpoint, row.label) for row in rows),
    ]
    references, overrides = references_and_overrides(base, citer, shown)
    compared = CompareView(
        strategies=briefs,
        columns=columns,
        rows=rows,
        legend=_legend(ci_method, columns),
        design_note=design_note,
        references=references,
        ci_method=ci_method,
        printed_references=printed,
        overrides=overrides,
        currency=currency(ordered),
        certainty_note=certainty_note(base, citer),
    )
    compared.forest = default_forest(compared, forest_from_compare)
    return compared
