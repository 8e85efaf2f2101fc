"""The ``show`` view: one strategy in full (regimens, studies and every figure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..evidence.base import EvidenceBase
from ..evidence.model import Strategy
from .certainty import CertaintyView, certainty_note, certainty_views, rate_strategy
from .common import CiMethod, ClaimView, StudyView, claim_view, short_name, study_view
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
    references: list[NumberedReference]
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
    summary = [claim_view(citer, c) for c in strategy.summary]
    mechanism = [claim_view(citer, c) for c in strategy.mechanism]
    regimens = [
        RegimenView(r.id, r.name, [claim_view(citer, c) for c in r.schedule], list(r.studies))
        for r in strategy.regimens
    ]
    studies = [
        with_effects(study_view(base, s, citer, ci_method), s, citer)
        for s in base.studies_of(strategy)
    ]
    status = [claim_view(citer, c) for c in strategy.status]
    caveats = [claim_view(citer, c) for c in strategy.caveats]
    trials = trial_views(base, list(strategy.trials), citer)
    certainty = certainty_views(base, rate_strategy(base, strategy), citer)
    note = certainty_note(base, citer) if certainty else None
    used_endpoints = {f.endpoint for study in studies for f in study.figures}
    shown = [
        ("strategy", strategy.id, short_name(strategy.name)),
        *(("node", t, base.nodes[t].label) for t in strategy.targets if t in base.nodes),
        *(("study", st.id, st.name) for st in studies),
        *(("endpoint", e.id, e.label) for e in base.endpoints.values() if e.id in used_endpoints),
    ]
    references, overrides = references_and_overrides(base, citer, shown)
    view = ShowView(
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
        overrides=overrides,
        trials=trials,
        currency=currency([strategy]),
        certainty=certainty,
        certainty_note=note,
    )
    view.forest = default_forest(view, forest_from_show)
    return view
