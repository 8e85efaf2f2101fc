"""Views: plain data for each command, built from the evidence base.

A view knows nothing of Rich, Jinja or JSON.  Every figure is computed here, once:
percent from events/total (the source's printed percent is shown only when it
agrees, which ``icansctl check`` enforces), Wilson 95% intervals, markers for
derived counts and for figures taken via a secondary source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .citations import Citer, NumberedReference
from .evidence import EvidenceBase
from .files import display_path
from .model import GRADING, Citation, Claim, Outcome, Strategy, Study
from .stats import (
    clopper_pearson_interval,
    decimals_of,
    display_places,
    format_number,
    percent_agrees,
    round_half_up,
    wilson_interval,
)

CiMethod = Literal["wilson", "exact"]

DERIVED_MARK = "*"
VIA_MARK = "†"
NOT_REPORTED = "not reported"

COMPARATOR_WORDS = {
    "none": "no comparator (single arm)",
    "randomized": "randomized comparator",
    "matched-cohort": "matched cohort",
    "historical": "historical comparison",
    "concurrent-cohort": "concurrent unmatched cohort",
    "meta-analysis": "meta-analysis of trials",
    "not-stated": "comparator not stated",
}


@dataclass(frozen=True)
class CitationView:
    """A citation with its number in this output."""

    number: int
    ref: str
    locator: str | None

    @property
    def label(self) -> str:
        """'[3] Table 2' style label."""
        return f"[{self.number}] {self.locator}" if self.locator else f"[{self.number}]"


@dataclass(frozen=True)
class ClaimView:
    """A statement with numbered citations."""

    text: str
    citations: list[CitationView]

    @property
    def markers(self) -> str:
        """'[1, 3]' for the citations of this claim."""
        numbers: list[int] = []
        for c in self.citations:
            if c.number not in numbers:
                numbers.append(c.number)
        return "[" + ", ".join(str(n) for n in numbers) + "]"


def cite_view(citer: Citer, cites: list[Citation]) -> list[CitationView]:
    """Number citations in output order."""
    return [CitationView(citer.number(c.ref), c.ref, c.locator) for c in cites]


def claim_view(citer: Citer, claim: Claim) -> ClaimView:
    """A claim with its citations numbered."""
    return ClaimView(claim.text, cite_view(citer, claim.cite))


# --- local evidence over bundled entries ---------------------------------------------

OVERRIDDEN = "overridden by local evidence"
LOCAL_MARK = "(local evidence)"  # after a study's name in a comparison's column header


@dataclass(frozen=True)
class Override:
    """An entity shown from local evidence that replaced the bundled one of its id."""

    kind: str  # strategy, study, reference, endpoint, node
    id: str
    label: str  # how the output names it (a study's name, a reference's number)
    path: str  # the local file, as users see paths

    @property
    def text(self) -> str:
        """'study Park 2023 (park2023): overridden by local evidence: PATH'."""
        named = self.id if self.label == self.id else f"{self.label} ({self.id})"
        return f"{self.kind} {named}: {OVERRIDDEN}: {self.path}"


def overridden_by(base: EvidenceBase, kind: str, entity_id: str) -> str | None:
    """The local file (display path) that replaced this bundled entity, if one did."""
    path = base.overridden_by(kind, entity_id)
    return display_path(Path(path)) if path is not None else None


def overrides_shown(base: EvidenceBase, shown: Iterable[tuple[str, str, str]]) -> list[Override]:
    """The overridden entities among ``shown`` (kind, id, label), each once, in order.

    Every output that shows one names it with its file, so that an ICANSCTL_EVIDENCE
    left in a shell profile or a CI job cannot change a comparison unnoticed.
    """
    if not base.overrides:
        return []
    found: dict[tuple[str, str], Override] = {}
    for kind, entity_id, label in shown:
        path = overridden_by(base, kind, entity_id)
        if path is not None and (kind, entity_id) not in found:
            found[(kind, entity_id)] = Override(kind, entity_id, label, path)
    return list(found.values())


def marked_references(base: EvidenceBase, refs: list[NumberedReference]) -> list[NumberedReference]:
    """The numbered references, each overridden one carrying its local file."""
    if not base.overrides:
        return refs
    return [
        replace(r, overridden_by=overridden_by(base, "reference", r.reference.id)) for r in refs
    ]


def _reference_overrides(
    base: EvidenceBase, refs: list[NumberedReference]
) -> Iterable[tuple[str, str, str]]:
    return (("reference", r.reference.id, f"[{r.number}]") for r in refs)


@dataclass(frozen=True)
class Figure:
    """One outcome as shown: numbers computed, markers and sources attached."""

    endpoint: str
    arm: str
    role: str
    events: int | None
    total: int | None
    percent: float | None
    percent_text: str | None
    computed_percent: float | None
    reported_percent: float | None
    ci95: tuple[float, float] | None
    ci_method: CiMethod
    grading: str | None
    grading_label: str | None
    time_point: str | None
    definition: str | None
    note: str | None
    via: str | None
    count: str | None
    citations: list[CitationView]
    via_number: int | None

    @property
    def derived(self) -> bool:
        """The count shown was computed from a reported percent and N.

        Only when a count is shown: a percent-only or "not reported" cell has no count
        that could be derived, whatever its provenance says.
        """
        return self.count == "derived" and self.events is not None and bool(self.total)

    @property
    def markers(self) -> str:
        """'*' for a derived count, '†' for a figure taken via a secondary source."""
        return (DERIVED_MARK if self.derived else "") + (VIA_MARK if self.via else "")

    @property
    def value_text(self) -> str:
        """'35% (7/20)', '60%' without a denominator, or 'not reported'."""
        if self.percent_text is None:
            return NOT_REPORTED
        if self.events is not None and self.total is not None:
            return f"{self.percent_text} ({self.events}/{self.total})"
        return self.percent_text

    @property
    def ci_text(self) -> str | None:
        """'18.1–56.7' (percent), or None without a denominator."""
        if self.ci95 is None:
            return None
        return f"{self.ci95[0]:.1f}–{self.ci95[1]:.1f}"

    @property
    def provenance_kind(self) -> str:
        """'reported' by the study itself, or 'via <ref>'."""
        return f"via {self.via}" if self.via else "reported"


def build_figure(
    outcome: Outcome, role: str, citer: Citer, ci_method: CiMethod = "wilson"
) -> Figure:
    """Compute what is shown for one outcome."""
    events, total, reported = outcome.events, outcome.total, outcome.reported_percent
    computed: float | None = None
    ci: tuple[float, float] | None = None
    percent: float | None = None
    text: str | None = None
    if events is not None and total:
        computed = 100 * events / total
        interval = (
            wilson_interval(events, total)
            if ci_method == "wilson"
            else clopper_pearson_interval(events, total)
        )
        ci = (round_half_up(100 * interval[0], 1), round_half_up(100 * interval[1], 1))
        # The source's own figure when it agrees, unless its rounding hides the count:
        # 1/2000 printed as 0% (or 1999/2000 as 100%) is shown as computed instead.
        if (
            reported is not None
            and percent_agrees(events, total, reported)
            and (reported != 0 or events == 0)
            and (reported != 100 or events == total)
        ):
            places = decimals_of(reported)
            percent = reported
        else:
            places = display_places(events, total)
            percent = round_half_up(computed, places)
        text = format_number(percent, places) + "%"
    elif reported is not None:
        percent = reported
        text = format_number(reported, decimals_of(reported)) + "%"
    if text is not None and outcome.approximate:
        text = "~" + text
    grading = GRADING.get(outcome.grading) if outcome.grading else None
    citations = cite_view(citer, outcome.cite)
    via_number = citer.number(outcome.provenance.via) if outcome.provenance.via else None
    return Figure(
        endpoint=outcome.endpoint,
        arm=outcome.arm,
        role=role,
        events=events,
        total=total,
        percent=percent,
        percent_text=text,
        computed_percent=computed,
        reported_percent=reported,
        ci95=ci,
        ci_method=ci_method,
        grading=outcome.grading,
        grading_label=grading.label if grading else outcome.grading,
        time_point=outcome.time_point,
        definition=outcome.definition,
        note=outcome.note,
        via=outcome.provenance.via,
        count=outcome.provenance.count,
        citations=citations,
        via_number=via_number,
    )


def plain_fields(model: BaseModel) -> dict[str, Any]:
    """A flat model's fields as a dict, without pydantic's serializer.

    ``model_dump`` would build the model's serialization schema on first use (tens of
    milliseconds at every start); these models hold only plain values and lists.
    """
    return {name: getattr(model, name) for name in type(model).model_fields}


def design_label(study: Study) -> str:
    """'Phase 2; nonrandomized; historical comparison' — the trust line for a column."""
    design = study.design
    parts = []
    if design.phase:
        parts.append(f"phase {design.phase}")
    parts.append("randomized" if design.randomized else "nonrandomized")
    parts.append(COMPARATOR_WORDS[design.comparator])
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def short_name(name: str) -> str:
    """'Anakinra (prophylactic IL-1 blockade)' -> 'Anakinra' for headers."""
    return name.split(" (")[0]


# --- compare ------------------------------------------------------------------------


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
class StudyView:
    """A study in a comparison or strategy view, with all of its figures."""

    id: str
    name: str
    reference: str
    reference_number: int
    design: str
    design_summary: str
    randomized: bool
    comparator: str
    phase: str | None
    product: str
    disease: str
    enrolled: int | None
    treated: int | None
    evaluable: int | None
    follow_up: str | None
    registration: list[str]
    arms: list[dict[str, object]]
    figures: list[Figure]
    findings: list[ClaimView]
    notes: list[ClaimView]
    overridden_by: str | None = None  # the local file that replaced the bundled study


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

    @property
    def notes_only_references(self) -> list[NumberedReference]:
        """The references only notes and summaries cite (listed apart when printed)."""
        return [r for r in self.references if r.number > self.printed_references]

    @property
    def printed_table_references(self) -> list[NumberedReference]:
        """The references the printed comparison itself cites."""
        return [r for r in self.references if r.number <= self.printed_references]


def study_view(
    base: EvidenceBase, study: Study, citer: Citer, ci_method: CiMethod = "wilson"
) -> StudyView:
    """A study's design, population and every figure, with numbered citations."""
    ref_number = citer.number(study.reference)
    roles = {arm.id: arm.role for arm in study.arms}
    figures = [
        build_figure(o, roles.get(o.arm, "intervention"), citer, ci_method) for o in study.outcomes
    ]
    return StudyView(
        id=study.id,
        name=study.name,
        reference=study.reference,
        reference_number=ref_number,
        design=design_label(study),
        design_summary=study.design.summary,
        randomized=study.design.randomized,
        comparator=study.design.comparator,
        phase=study.design.phase,
        product=study.population.product,
        disease=study.population.disease,
        enrolled=study.population.enrolled,
        treated=study.population.treated,
        evaluable=study.population.evaluable,
        follow_up=study.follow_up,
        registration=list(study.registration),
        arms=[plain_fields(arm) for arm in study.arms],
        figures=figures,
        findings=[claim_view(citer, c) for c in study.findings],
        notes=[claim_view(citer, c) for c in study.notes],
        overridden_by=overridden_by(base, "study", study.id),
    )


def _row_footnotes(row_figures: list[tuple[Column, Figure]]) -> list[str]:
    notes: list[str] = []
    by_grading: dict[str, list[str]] = {}
    for column, figure in row_figures:
        label = figure.grading_label or "grading not recorded"
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


def nonrandomized_note(studies: int, randomized: int, verb: str = "shown") -> str:
    """The sentence every comparison and plot carries beside its rates.

    ``verb`` says how the studies appear ("shown" in a table, "drawn" in a plot).
    """
    if randomized:
        return (
            "Studies differ in design; each rate is that study's own; no pooled estimate "
            "is computed across cohorts."
        )
    subject = (
        f"The study {verb} is not" if studies == 1 else f"None of the {studies} studies {verb} is"
    )
    return (
        f"{subject} randomized. Each rate is that study's own; no p-value or pooled "
        "estimate is computed across cohorts."
    )


def _number_printed_citations(base: EvidenceBase, ordered: list[Strategy], citer: Citer) -> int:
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
    return len(citer)


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
    printed = _number_printed_citations(base, ordered, citer)
    briefs: list[StrategyBrief] = []
    columns: list[Column] = []
    for strategy in ordered:
        regimen_names = {r.id: r.name for r in strategy.regimens}
        studies: list[StudyView] = []
        for study in base.studies_of(strategy):
            view = study_view(base, study, citer, ci_method)
            studies.append(view)
            gradings = sorted({f.grading_label for f in view.figures if f.grading_label})
            for arm in study.arms:
                if arm.role == "intervention" and arm.strategy not in (None, strategy.id):
                    continue
                column = Column(
                    strategy_id=strategy.id,
                    strategy_name=strategy.name,
                    strategy_kind=strategy.kind,
                    study_id=study.id,
                    study_name=study.name,
                    reference_id=study.reference,
                    reference_number=view.reference_number,
                    arm_id=arm.id,
                    arm_label=arm.label,
                    role=arm.role,
                    regimen=regimen_names.get(arm.regimen or ""),
                    design=view.design,
                    design_summary=view.design_summary,
                    randomized=view.randomized,
                    comparator=view.comparator,
                    n=arm.n,
                    product=view.product,
                    disease=view.disease,
                    follow_up=view.follow_up,
                    gradings=gradings,
                    findings=view.findings if arm.role == "intervention" else [],
                    overridden_by=view.overridden_by,
                )
                for figure in view.figures:
                    if figure.arm == arm.id:
                        column.figures.setdefault(figure.endpoint, []).append(figure)
                columns.append(column)
        briefs.append(
            StrategyBrief(
                id=strategy.id,
                name=strategy.name,
                kind=strategy.kind,
                drug_class=strategy.drug_class,
                studies=studies,
                summary=[claim_view(citer, c) for c in strategy.summary],
                caveats=[claim_view(citer, c) for c in strategy.caveats],
                overridden_by=overridden_by(base, "strategy", strategy.id),
            )
        )
    rows: list[Row] = []
    for endpoint in base.endpoints.values():
        cells = [column.figures.get(endpoint.id, []) for column in columns]
        if not any(cells):
            continue
        pairs = [(col, fig) for col, figs in zip(columns, cells, strict=True) for fig in figs]
        rows.append(Row(endpoint.id, endpoint.label, cells, _row_footnotes(pairs)))
    design_note = nonrandomized_note(
        len({c.study_id for c in columns}), sum(1 for c in columns if c.randomized), "shown"
    )
    method = "Wilson score" if ci_method == "wilson" else "exact Clopper–Pearson"
    legend = [
        f"Percent (events/total) with its 95% CI ({method}), computed from the counts.",
        f"{DERIVED_MARK} count derived from the reported percent and N.",
        f"{VIA_MARK} figure known only through a secondary source (see the cell's citation).",
        f"'{NOT_REPORTED}': no figure in the evidence; never read it as zero.",
    ]
    if any(column.overridden_by for column in columns):
        legend.append(
            f"{LOCAL_MARK} after a study: its figures come from a local file that replaced "
            "the bundled study (named above the table), not from the bundled evidence."
        )
    references = marked_references(base, citer.listing())
    shown = [
        *(("strategy", b.id, short_name(b.name)) for b in briefs),
        *(("study", st.id, st.name) for b in briefs for st in b.studies),
        *(("endpoint", row.endpoint, row.label) for row in rows),
        *_reference_overrides(base, references),
    ]
    return CompareView(
        strategies=briefs,
        columns=columns,
        rows=rows,
        legend=legend,
        design_note=design_note,
        references=references,
        ci_method=ci_method,
        printed_references=printed,
        overrides=overrides_shown(base, shown),
    )


# --- show ---------------------------------------------------------------------------


@dataclass
class RegimenView:
    """One regimen of a strategy."""

    id: str
    name: str
    schedule: list[ClaimView]
    studies: list[str]


@dataclass
class ShowView:
    """One strategy in full."""

    id: str
    name: str
    kind: str
    drug_class: str | None
    aliases: list[str]
    targets: list[tuple[str, str]]
    summary: list[ClaimView]
    mechanism: list[ClaimView]
    regimens: list[RegimenView]
    studies: list[StudyView]
    status: list[ClaimView]
    caveats: list[ClaimView]
    endpoint_labels: dict[str, str]
    references: list[NumberedReference]
    overridden_by: str | None = None  # the local file that replaced the bundled strategy
    # Entities shown from local evidence in place of bundled ones (said at the top).
    overrides: list[Override] = field(default_factory=list)


def show_view(base: EvidenceBase, strategy: Strategy, ci_method: CiMethod = "wilson") -> ShowView:
    """Everything known about one strategy."""
    citer = Citer(base.references)
    summary = [claim_view(citer, c) for c in strategy.summary]
    mechanism = [claim_view(citer, c) for c in strategy.mechanism]
    regimens = [
        RegimenView(r.id, r.name, [claim_view(citer, c) for c in r.schedule], list(r.studies))
        for r in strategy.regimens
    ]
    studies = [study_view(base, s, citer, ci_method) for s in base.studies_of(strategy)]
    status = [claim_view(citer, c) for c in strategy.status]
    caveats = [claim_view(citer, c) for c in strategy.caveats]
    references = marked_references(base, citer.listing())
    used_endpoints = {f.endpoint for study in studies for f in study.figures}
    shown = [
        ("strategy", strategy.id, short_name(strategy.name)),
        *(("node", t, base.nodes[t].label) for t in strategy.targets if t in base.nodes),
        *(("study", st.id, st.name) for st in studies),
        *(("endpoint", e.id, e.label) for e in base.endpoints.values() if e.id in used_endpoints),
        *_reference_overrides(base, references),
    ]
    return ShowView(
        id=strategy.id,
        name=strategy.name,
        kind=strategy.kind,
        drug_class=strategy.drug_class,
        aliases=list(strategy.aliases),
        targets=[(t, base.nodes[t].label if t in base.nodes else t) for t in strategy.targets],
        summary=summary,
        mechanism=mechanism,
        regimens=regimens,
        studies=studies,
        status=status,
        caveats=caveats,
        endpoint_labels={e.id: e.label for e in base.endpoints.values()},
        references=references,
        overridden_by=overridden_by(base, "strategy", strategy.id),
        overrides=overrides_shown(base, shown),
    )


# --- list ---------------------------------------------------------------------------


@dataclass
class ListItem:
    """One strategy at a glance."""

    id: str
    name: str
    kind: str
    drug_class: str | None
    aliases: list[str]
    targets: list[str]
    studies: int
    randomized_studies: int
    patients: int | None  # the strategy's own arms with a known n, summed
    arms_without_n: int = 0  # its arms whose size is not reported (left out of the sum)
    overridden_by: str | None = None  # the local file that replaced the bundled strategy


def list_view(base: EvidenceBase) -> list[ListItem]:
    """Strategies first, then baselines, each with its evidence in numbers."""
    items: list[ListItem] = []
    for strategy in sorted(base.strategies.values(), key=lambda s: (s.kind == "baseline", s.id)):
        studies = base.studies_of(strategy)
        # The arms that received this strategy, sized as the compare columns show them.
        sizes = [arm.n for s in studies for arm in s.arms if arm.strategy == strategy.id]
        known = [n for n in sizes if n is not None]
        items.append(
            ListItem(
                id=strategy.id,
                name=strategy.name,
                kind=strategy.kind,
                drug_class=strategy.drug_class,
                aliases=list(strategy.aliases),
                targets=[base.nodes[t].label if t in base.nodes else t for t in strategy.targets],
                studies=len(studies),
                randomized_studies=sum(1 for s in studies if s.design.randomized),
                patients=sum(known) if known else None,
                arms_without_n=len(sizes) - len(known),
                overridden_by=overridden_by(base, "strategy", strategy.id),
            )
        )
    return items


# --- mechanisms ---------------------------------------------------------------------


@dataclass
class NodeView:
    """A mechanism node with the strategies that act on it."""

    id: str
    label: str
    description: list[ClaimView]
    children: list[str]
    strategies: list[str]
    overridden_by: str | None = None  # the local file that replaced the bundled node


@dataclass
class MechanismView:
    """The pathophysiology graph and where each strategy acts."""

    nodes: dict[str, NodeView]
    roots: list[str]
    edges: list[tuple[str, str]]
    selected: list[str]
    references: list[NumberedReference]
    # Entities shown from local evidence in place of bundled ones (said at the top).
    overrides: list[Override] = field(default_factory=list)


def mechanism_view(base: EvidenceBase, strategies: list[Strategy]) -> MechanismView:
    """The graph, with the given strategies (all, when none given) placed on it."""
    citer = Citer(base.references)
    chosen = strategies or [s for s in base.strategies.values() if s.kind != "baseline"]
    acting: dict[str, list[str]] = {}
    for strategy in chosen:
        for target in strategy.targets:
            acting.setdefault(target, []).append(strategy.name)
    children: dict[str, list[str]] = {node_id: [] for node_id in base.nodes}
    has_parent: set[str] = set()
    edges: list[tuple[str, str]] = []
    for edge in base.edges:
        if edge.source in children and edge.target in base.nodes:
            children[edge.source].append(edge.target)
            has_parent.add(edge.target)
            edges.append((edge.source, edge.target))
    nodes = {
        node.id: NodeView(
            node.id,
            node.label,
            [claim_view(citer, c) for c in node.description],
            children[node.id],
            acting.get(node.id, []),
            overridden_by(base, "node", node.id),
        )
        for node in base.nodes.values()
    }
    roots = [n for n in base.nodes if n not in has_parent]
    references = marked_references(base, citer.listing())
    shown = [
        *(("node", node.id, node.label) for node in nodes.values()),
        *(("strategy", s.id, short_name(s.name)) for s in chosen),
        *_reference_overrides(base, references),
    ]
    return MechanismView(
        nodes,
        roots,
        edges,
        [s.id for s in chosen],
        references,
        overrides_shown(base, shown),
    )


# --- refs ---------------------------------------------------------------------------


def refs_view(base: EvidenceBase, strategies: list[Strategy]) -> list[NumberedReference]:
    """References cited by the given strategies and their studies (all, when none given)."""
    citer = Citer(base.references)
    chosen = strategies or list(base.strategies.values())
    from .validate import walk_citations

    for strategy in chosen:
        for _, cite in walk_citations(strategy):
            citer.number(cite.ref)
        for study in base.studies_of(strategy):
            citer.number(study.reference)
            for _, cite in walk_citations(study):
                citer.number(cite.ref)
            for outcome in study.outcomes:
                if outcome.provenance.via:
                    citer.number(outcome.provenance.via)
    if not strategies:
        for ref_id in base.references:
            citer.number(ref_id)
    return marked_references(base, citer.listing())
