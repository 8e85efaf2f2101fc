"""The bundled evidence base: every claim cited, every citation resolves, nothing missing."""

from __future__ import annotations

from pydantic import BaseModel

from icansctl.check.load import load_evidence
from icansctl.evidence.model import Outcome
from icansctl.evidence.model_types import Claim


def _claims_and_outcomes(value: object, found: list[BaseModel]) -> None:
    if isinstance(value, (Claim, Outcome)):
        found.append(value)
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _claims_and_outcomes(getattr(value, name), found)
    elif isinstance(value, list):
        for item in value:
            _claims_and_outcomes(item, found)


def test_loads_without_diagnostics() -> None:
    base = load_evidence()
    assert [str(d) for d in base.diagnostics] == []


def test_every_claim_has_a_citation_that_resolves() -> None:
    base = load_evidence()
    found: list[BaseModel] = []
    for table in (base.strategies, base.studies, base.nodes, base.endpoints):
        for entity in table.values():
            _claims_and_outcomes(entity, found)
    for edge in base.edges:
        assert edge.cite and all(c.ref in base.references for c in edge.cite)
    assert len(found) > 100, "walked the whole base"
    for item in found:
        cites = item.cite  # type: ignore[attr-defined]
        assert cites, item
        for cite in cites:
            assert cite.ref in base.references, cite.ref
            assert cite.locator, f"citation of {cite.ref} without a locator"


def test_expected_entities_exist() -> None:
    base = load_evidence()
    assert set(base.strategies) == {
        "anakinra",
        "defibrotide",
        "corticosteroids",
        "tocilizumab",
        "levetiracetam",
        "itacitinib",
        "lenzilumab",
        "zuma1",
    }
    assert {
        "strati2023",
        "park2023",
        "jacobson2023",
        "topp2021",
        "oluwole2021",
        "locke2017",
        "neelapu2017",
        "galli2025",
        "pensato2024",
        "zuma24",
        "melody2025",
        "darwish2025",
        "ciltacel_dex2025",
        "kadauke2020",
        "dou2024",
        "caimi2021",
        "liang2025",
        "anakinra_rw2025",
        "nct04150913",
        "zuma19",
    } == set(base.studies)
    assert "dowling2023" in base.references
    corticosteroids = base.strategies["corticosteroids"]
    assert [r.id for r in corticosteroids.regimens] == [
        "prophylactic_dexamethasone",
        "early_intervention",
        "outpatient_steroids",
        "realworld_dexamethasone",
        "alc_triggered_dexamethasone",
    ]
    assert base.strategies["zuma1"].kind == "baseline"
    for node in (
        "car_t_activation",
        "il1",
        "il6",
        "endothelial_activation",
        "bbb_disruption",
        "icans",
    ):
        assert node in base.nodes
