"""Issue 12, half A: the kind of every source, the audit's corrections, the percent rule.

Every expected number here is typed from the fact sheets (audit-2026-12.md,
facts-anakinra-defibrotide.md, facts-steroids-tocilizumab.md, facts-2024-2026.md) or
worked out by hand, never computed by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from icansctl.check.runner import run_check
from icansctl.evidence.base import EvidenceBase
from icansctl.evidence.model import WEAK_SOURCE_KINDS, Outcome
from icansctl.evidence.model_reference import Reference
from icansctl.render.bibliography import refs_csl_json, refs_ris
from icansctl.stats import counts_agreeing, percent_agrees
from icansctl.views.numbering import NumberedReference

from .conftest import run_cli, run_json

RULES = Path(__file__).parent / "fixtures" / "check" / "rules"

# --- the kind of every source ---------------------------------------------------------

# Decided from the audit (§2 identifiers, §3) and the fact sheets: the editorial, the
# Strati letter ("TO THE EDITOR:"), the ASH 2017 meeting abstract, the ASTCT consensus.
EXPECTED_KINDS = {
    "dowling2023": "editorial",
    "strati2023": "letter",
    "locke2017": "meeting abstract",
    "lee2019": "guideline",
    "park2023": "peer-reviewed article",
    "neelapu2017": "peer-reviewed article",
    "jain2023": "review",
    "morris2022": "review",
}


def test_refs_json_has_a_source_kind_on_every_bundled_reference() -> None:
    refs = run_json("refs", "--format", "json")["references"]
    assert len(refs) == 43  # the 43 files in evidence/references/
    kinds = {r["id"]: r["source_kind"] for r in refs}
    assert all(kinds.values())
    for ref_id, kind in EXPECTED_KINDS.items():
        assert kinds[ref_id] == kind, ref_id
    # The press release and news reports are the 2025 sources known only that way.
    weak = {ref_id for ref_id, kind in kinds.items() if kind in {"press release", "news report"}}
    assert weak == {"humanigen2021", "liang2025", "melody2025", "darwish2025"}


@pytest.mark.parametrize("command", [["show", "anakinra"], ["compare", "anakinra", "defibrotide"]])
def test_show_and_compare_json_carry_source_kinds(command: list[str]) -> None:
    data = run_json(*command, "--format", "json")
    refs = {r["id"]: r["source_kind"] for r in data["references"]}
    assert refs and all(refs.values())
    studies = (
        data["studies"]
        if "studies" in data
        else [st for s in data["strategies"] for st in s["studies"]]
    )
    outcomes = {(st["id"], o["endpoint"], o["arm"]): o for st in studies for o in st["outcomes"]}
    assert outcomes
    for figure in outcomes.values():
        assert figure["source_kinds"] == [refs[r] for r in figure["sources"]]
        assert figure["weak_source"] is False  # no bundled figure rests on news alone
    # Strati's any-grade ICANS is read in the editorial: a secondary report.
    strati = outcomes[("strati2023", "icans_any", "anakinra")]
    assert strati["sources"] == ["dowling2023"] and strati["source_kinds"] == ["editorial"]
    assert strati["secondary_report"] is True
    # Park's figures are the paper's own.
    park = outcomes[("park2023", "icans_grade3plus", "anakinra")]
    assert park["source_kinds"] == ["peer-reviewed article"]
    assert park["secondary_report"] is False


def test_json_marks_the_approximate_figure() -> None:
    """Audit §4: Jacobson's "~50%" kept its '~' only inside percent_text."""
    data = run_json("compare", "defibrotide", "--format", "json")
    (study,) = data["strategies"][0]["studies"]
    by_endpoint = {o["endpoint"]: o for o in study["outcomes"]}
    assert by_endpoint["icans_any"]["approximate"] is True
    assert by_endpoint["icans_any"]["reported_percent"] == 50
    assert (by_endpoint["icans_any"]["events"], by_endpoint["icans_any"]["total"]) == (10, 20)
    assert by_endpoint["icans_grade3plus"]["approximate"] is False


def test_a_reference_without_source_kind_is_refused(tmp_path: Path) -> None:
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "x.yaml").write_text(
        'id: x2024\ntype: article\ntitle: "T"\nyear: 2024\ndoi: "10.1000/x"\n', encoding="utf-8"
    )
    result = run_check([tmp_path], bundled=False)
    assert [(f.rule, f.message) for f in result.findings] == [
        ("ICX020", "missing required field 'source_kind'")
    ]


def _outcome(**fields: Any) -> Outcome:
    data: dict[str, Any] = {"endpoint": "icans_any", "arm": "a", "reported_percent": 20}
    data.update(fields)
    return Outcome.model_validate(data)


def test_a_figure_rests_on_its_via_source_else_on_what_it_cites() -> None:
    cites = [{"ref": "strati2023"}, {"ref": "dowling2023"}, {"ref": "strati2023"}]
    assert _outcome(cite=cites).source_refs == ["strati2023", "dowling2023"]
    via = _outcome(cite=cites, provenance={"via": "dowling2023"})
    assert via.source_refs == ["dowling2023"]
    assert {"press release", "news report"} == WEAK_SOURCE_KINDS


def test_icx055_fixture_findings() -> None:
    """The weak-source fixture: three figures rest only on a press release or news
    report; one says so in its note, one also cites the editorial, one was read in it."""
    result = run_check([RULES / "ICX055-weak-source-only"])
    found = sorted((f.location.line, f.rule) for f in result.findings if f.rule == "ICX055")
    assert found == [(9, "ICX055"), (13, "ICX055"), (22, "ICX055")]
    assert all(f.severity == "warning" for f in result.findings if f.rule == "ICX055")


# --- tighter percent rule -------------------------------------------------------------


def test_the_issue_percent_examples() -> None:
    # 2/31 = 6.4516...%: printed 6.4% (truncated) agrees, and so does 6.5% (nearest).
    assert percent_agrees(2, 31, 6.4) and percent_agrees(2, 31, 6.5)
    # 5/40 = 12.5%: 13 (half up) and 12 (half even, or truncated) both agree.
    assert percent_agrees(5, 40, 13) and percent_agrees(5, 40, 12)
    # Rounding up never agrees: 1/3 = 33.3% is not 34%; 64/101 = 63.37% is not 64%.
    assert not percent_agrees(1, 3, 34) and not percent_agrees(64, 101, 64)
    # Derived counts: exactly one whole number must fit.
    assert counts_agreeing(31, 6.4) == [2]
    assert counts_agreeing(40, 13) == [5]
    assert counts_agreeing(101, 64) == [65]  # 65/101 = 64.36%; 66/101 = 65.35%


def test_bundled_neelapu_counts_that_are_not_unique_are_percents_only(
    bundled_base: EvidenceBase,
) -> None:
    # 28% of 101: 28/101 = 27.72% rounds to 28, 29/101 = 28.71% truncates to 28.
    # 13% of 101: 13/101 = 12.87% rounds to 13, 14/101 = 13.86% truncates to 13.
    assert counts_agreeing(101, 28) == [28, 29]
    assert counts_agreeing(101, 13) == [13, 14]
    outcomes = {o.endpoint: o for o in bundled_base.studies["neelapu2017"].outcomes}
    for endpoint, printed in (("icans_grade3plus", 28), ("crs_grade3plus", 13)):
        figure = outcomes[endpoint]
        assert (figure.reported_percent, figure.events, figure.total) == (printed, None, None)
        assert figure.provenance.count is None
    # 64% and 82%, 54% of 101 stay derived: each has one fitting count.
    assert (outcomes["icans_any"].events, outcomes["icans_any"].total) == (65, 101)
    assert (outcomes["orr"].events, outcomes["cr"].events) == (83, 55)


def test_icx056_and_icx057_fixtures() -> None:
    unique = run_check([RULES / "ICX056-derived-count-not-unique"])
    assert [(f.location.line, f.rule) for f in unique.findings if f.rule.startswith("ICX05")] == [
        (1, "ICX052"),
        (18, "ICX056"),
    ]
    (icx056,) = [f for f in unique.findings if f.rule == "ICX056"]
    assert "28/101 and 29/101" in icx056.message
    missing = run_check([RULES / "ICX057-derived-count-without-percent"])
    assert [f.location.line for f in missing.findings if f.rule == "ICX057"] == [13]


# --- the audit's corrections, file by file ----------------------------------------------


def _texts(claims: list[Any]) -> list[str]:
    return [c.text for c in claims]


def test_strati_comparator_grading_is_not_asserted(bundled_base: EvidenceBase) -> None:
    """Audit §1: no source states how the off-study comparator was graded."""
    study = bundled_base.studies["strati2023"]
    matched = [o for o in study.outcomes if o.arm == "matched"]
    assert [o.reported_percent for o in matched] == [60, 30, 55]  # ED para 5
    assert all(o.grading is None and o.events is None and o.total is None for o in matched)
    anakinra = {o.endpoint: o for o in study.outcomes if o.arm == "anakinra"}
    assert (anakinra["icans_any"].events, anakinra["icans_any"].total) == (7, 20)
    assert anakinra["icans_any"].grading == "astct-2019"  # the meeting abstract (S-ASH)


def test_jacobson_ctcae_and_per_dose_are_not_stated_as_fact(bundled_base: EvidenceBase) -> None:
    study = bundled_base.studies["jacobson2023"]
    primary = next(o for o in study.outcomes if o.endpoint == "icans_any")
    assert primary.grading != "ctcae-5.0"
    assert "CTCAE v5.0" in (primary.note or "")  # the protocol-stage definition, as such
    texts = [*_texts(study.notes), *_texts(study.findings), *(a.label for a in study.arms)]
    assert not any("by CTCAE v5.0, not ASTCT" in t for t in texts)
    strategy = bundled_base.strategies["defibrotide"]
    words = [r.name for r in strategy.regimens] + [
        c.text for r in strategy.regimens for c in r.schedule
    ]
    assert not any("mg/kg per dose" in t for t in words + [a.label for a in study.arms])
    # "few patients received the chosen dose" when 20 did (ED para 6)
    caveats = _texts(strategy.caveats)
    assert not any("few patients" in t for t in caveats)
    assert any("20 patients" in t for t in caveats)


def test_levetiracetam_is_not_cited_to_the_topp_abstract(bundled_base: EvidenceBase) -> None:
    study = bundled_base.studies["topp2021"]
    assert "levetiracetam" not in study.design.summary
    assert all("levetiracetam" not in a.label for a in study.arms)
    for claim in [*study.notes, *study.findings]:
        if "levetiracetam" in claim.text and [c.ref for c in claim.cite] == ["topp2021"]:
            assert "does not mention levetiracetam" in claim.text


def test_strati_2021_is_not_said_to_be_about_axi_cel(bundled_base: EvidenceBase) -> None:
    for study in bundled_base.studies.values():
        for claim in [*study.notes, *study.findings]:
            if "strati2021" in [c.ref for c in claim.cite]:
                assert "after axi-cel" not in claim.text


def test_tocilizumab_crs_is_reduced_not_less_frequent(bundled_base: EvidenceBase) -> None:
    toci = bundled_base.strategies["tocilizumab"]
    texts = _texts(toci.summary) + _texts(bundled_base.studies["locke2017"].findings)
    assert not any("CRS was less frequent" in t or "less CRS" in t for t in texts)


def test_mechanism_graph_corrections(bundled_base: EvidenceBase) -> None:
    # Steroids are not drawn as acting on CAR T-cell activation.
    assert bundled_base.strategies["corticosteroids"].targets == []
    # GM-CSF is no longer placed downstream of myeloid cells.
    edges = {(e.source, e.target) for e in bundled_base.edges}
    assert ("myeloid_activation", "gm_csf") not in edges
    assert ("gm_csf", "endothelial_activation") in edges
    # Aphasia among the ICANS signs; the ICANS severity claim cites para 2, not para 1.
    icans = bundled_base.nodes["icans"]
    assert any("aphasia" in c.text.lower() for c in icans.description)
    assert [c.locator for c in icans.description[0].cite] == ["para 2"]


def test_traced_omissions_are_added(bundled_base: EvidenceBase) -> None:
    anakinra = bundled_base.strategies["anakinra"]
    schedules = {r.id: " ".join(c.text for c in r.schedule) for r in anakinra.regimens}
    assert "six hours before the infusion" in schedules["strati_sc_7day"]  # S-ASH
    assert "100 mg every 12 hours" in schedules["park_sc_day2"]  # P-ASH
    mechanism = " ".join(_texts(anakinra.mechanism))
    assert "IL-6 receptor blockade prevented CRS only" in mechanism  # Norelli 2018
    topp = " ".join(_texts(bundled_base.studies["topp2021"].findings))
    assert "51% of those treated were still responding" in topp  # 51% ongoing response
    assert "grade 4 or 5 CRS" in topp
    oluwole = " ".join(_texts(bundled_base.studies["oluwole2021"].notes))
    assert "53% of patients in ongoing response" in oluwole
    neelapu = " ".join(_texts(bundled_base.studies["neelapu2017"].findings))
    assert "90% to 95%" in neelapu and "101 of 108" in neelapu  # CRS context, not a row


def test_reference_metadata(bundled_base: EvidenceBase) -> None:
    refs = bundled_base.references
    assert all("studylib" not in (r.url or "") for r in refs.values())
    assert refs["strati2021"].pmid == "33534891"  # audit S21
    assert refs["neelapu2017"].pmid == "29226797"  # facts-2024-2026 §6 (a reference list)
    assert refs["strati2023"].registration == ["NCT04432506"]
    assert refs["park2023"].registration == ["NCT04148430"]
    assert refs["lee2019"].authors[:2] == ["Lee DW", "Santomasso BD"] and refs["lee2019"].et_al
    # Lee 2014's authors and DOI are untraced (facts-steroids-tocilizumab §1): none given.
    assert refs["lee2014"].authors == [] and refs["lee2014"].doi is None


# --- exports keep "et al." ------------------------------------------------------------


def _ref(et_al: bool) -> list[NumberedReference]:
    ref = Reference(
        id="e",
        type="article",
        authors=["Gust J", "Hay KA"],
        et_al=et_al,
        title="T",
        journal="J",
        year=2017,
        source_kind="peer-reviewed article",
    )
    return [NumberedReference(1, ref)]


def test_ris_and_csl_json_keep_et_al() -> None:
    ris = refs_ris(_ref(True))
    assert "AU  - Gust, J.\nAU  - Hay, K. A.\nAU  - et al.\nTI  - T" in ris
    assert "et al." not in refs_ris(_ref(False))
    authors = json.loads(refs_csl_json(_ref(True)))[0]["author"]
    assert authors[-1] == {"literal": "et al."} and len(authors) == 3
    assert len(json.loads(refs_csl_json(_ref(False)))[0]["author"]) == 2


# --- the weak-source marker in every output ---------------------------------------------

PRESS = """\
id: press2025
type: webpage
title: "A sponsor announces interim results"
year: 2025
source_kind: "press release"
url: "https://example.org/press"
"""


@pytest.fixture
def press_overlay(tmp_path: Path) -> Path:
    """Park 2023 replaced by a copy whose grade >=3 ICANS rests on a press release."""
    root = tmp_path / "ovr"
    (root / "references").mkdir(parents=True)
    (root / "studies").mkdir()
    (root / "references" / "press2025.yaml").write_text(PRESS, encoding="utf-8")
    park = (Path(__file__).parent.parent / "evidence" / "studies" / "park2023.yaml").read_text(
        encoding="utf-8"
    )
    head, grade3, tail = park.partition("  - endpoint: icans_grade3plus\n")
    block, rest, after = tail.partition("  - endpoint: icans_grade4plus\n")
    block = block.replace('cite: [{ref: park2023, locator: "Abstract"}]', "cite: [press2025]")
    (root / "studies" / "park2023.yaml").write_text(
        head + grade3 + block + rest + after, encoding="utf-8"
    )
    return root


def test_bundled_figures_carry_the_weak_source_marker_only_where_due() -> None:
    """Darwish 2025 (news report) and ZUMA-19 (press release) are the bundled figures
    that rest only on such sources; Melody 2025 and Liang 2025 have no figures."""
    for strategy in ("anakinra", "defibrotide", "tocilizumab", "zuma1", "levetiracetam"):
        for fmt in ("table", "markdown"):
            out = run_cli("show", strategy, "-f", fmt).stdout
            assert "‡" not in out, (strategy, fmt)
    for strategy, figure in (("corticosteroids", "25%‡"), ("lenzilumab", "(1/3)‡")):
        for fmt in ("table", "markdown"):
            out = run_cli("show", strategy, "-f", fmt).stdout
            assert figure in out, (strategy, fmt)


def test_weak_source_figure_is_marked_in_every_output(press_overlay: Path) -> None:
    ovr = str(press_overlay)
    # ICX055: the check warns, since the figure's note does not say so.
    found = run_check([press_overlay])
    assert [f.rule for f in found.findings if f.rule == "ICX055"] == ["ICX055"]
    terminal = run_cli("compare", "anakinra", "-e", ovr).stdout
    assert "9.7% (3/31)*‡" in terminal and "‡ figure resting only on a press release" in terminal
    markdown = run_cli("compare", "anakinra", "-e", ovr, "-f", "markdown").stdout
    assert "9.7% (3/31)\\*‡" in markdown
    show = run_cli("show", "anakinra", "-e", ovr).stdout
    assert "9.7% (3/31)*‡" in show
    deck = run_cli("slides", "anakinra", "-e", ovr, "-o", "-").stdout
    assert "‡" in deck
    chart = run_cli("plot", "anakinra", "-e", ovr, "-o", "-").stdout
    assert "9.7%*‡" in chart and "‡ press release or news report only" in chart
    svg = run_cli("plot", "anakinra", "-e", ovr, "-o", "-", "-f", "svg").stdout
    assert "9.7%*‡" in svg and "rests only on a press release" in svg
    data = run_json("compare", "anakinra", "-e", ovr, "-f", "json")
    park = next(st for s in data["strategies"] for st in s["studies"] if st["id"] == "park2023")
    weak = [o["endpoint"] for o in park["outcomes"] if o["weak_source"]]
    assert weak == ["icans_grade3plus"]
    (figure,) = [o for o in park["outcomes"] if o["weak_source"]]
    assert figure["sources"] == ["press2025"] and figure["source_kinds"] == ["press release"]
