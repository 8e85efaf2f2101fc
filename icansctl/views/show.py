"""The ``show`` view: one strategy in full (regimens, studies and every figure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..evidence.base import EvidenceBase
from ..evidence.model import Strategy
from .certainty import CertaintyView, certainty_note, certainty_views, rate_strategy
from .common import CiMethod, ClaimView, StudyView, claim_views, short_name, study_view
from .dates import Currency, currency
from .effects import TrialView, trial_views, with_effects
from .forest import ForestView, default_forest, forest_from_show
from .numbering import Citer, NumberedReference
from .overrides import Override, overridden_by, references_and_overrides


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
    # Filled once every citation is numbered (see show_view).
    references: list[NumberedReference] = field(default_factory=list)
    overridden_by: str | None = None  # the local file that replaced the bundled strategy
    # Entities shown from local evidence in place of bundled ones (said at the top).
    overrides: list[Override] = field(default_factory=list)
    # The default forest plot (grade >=3 ICANS), None when no study reports it.
    forest: ForestView | None = None
    # Registered trials to watch, each with the date its status was seen.
    trials: list[TrialView] = field(default_factory=list)
    # The date the strategy's literature was last checked (issue 13).
    currency: Currency = field(default_factory=lambda: Currency(None))
    # The certainty of evidence per endpoint (none for a baseline).
    certainty: list[CertaintyView] = field(default_factory=list)
    certainty_note: ClaimView | None = None  # the rating is the tool's own (cited)


def show_view(base: EvidenceBase, strategy: Strategy, ci_method: CiMethod = "wilson") -> ShowView:
    """Everything known about one strategy."""
    citer = Citer(base.references)
    # Citations are numbered as the arguments are evaluated: in the order a reader meets
    # them. The reference list is taken below, once everything is cited.
    view = ShowView(
        id=strategy.id,
        name=strategy.name,
        kind=strategy.kind,
        drug_class=strategy.drug_class,
        aliases=list(strategy.aliases),
        targets=[(t, base.nodes[t].label if t in base.nodes else t) for t in strategy.targets],
        summary=claim_views(citer, strategy.summary),
        mechanism=claim_views(citer, strategy.mechanism),
        regimens=[
            RegimenView(r.id, r.name, claim_views(citer, r.schedule), list(r.studies))
            for r in strategy.regimens
        ],
        studies=[
            with_effects(study_view(base, s, citer, ci_method), s, citer)
            for s in base.studies_of(strategy)
        ],
        status=claim_views(citer, strategy.status),
        caveats=claim_views(citer, strategy.caveats),
        trials=trial_views(base, list(strategy.trials), citer),
        certainty=certainty_views(base, rate_strategy(base, strategy), citer),
        endpoint_labels={e.id: e.label for e in base.endpoints.values()},
        overridden_by=overridden_by(base, "strategy", strategy.id),
        currency=currency([strategy]),
    )
    if view.certainty:
        view.certainty_note = certainty_note(base, citer)
    view.references, view.overrides = references_and_overrides(
        base, citer, _shown(base, strategy, view.studies)
    )
    view.forest = default_forest(view, forest_from_show)
    return view


def _shown(
    base: EvidenceBase, strategy: Strategy, studies: list[StudyView]
) -> list[tuple[str, str, str]]:
    """(kind, id, label) of each entity the view shows, for its override notes."""
    used_endpoints = {f.endpoint for study in studies for f in study.figures}
    return [
        ("strategy", strategy.id, short_name(strategy.name)),
        *(("node", t, base.nodes[t].label) for t in strategy.targets if t in base.nodes),
        *(("study", st.id, st.name) for st in studies),
        *(("endpoint", e.id, e.label) for e in base.endpoints.values() if e.id in used_endpoints),
    ]
