"""The hostile audit's minimal valid overlay (its ``mkov``): one reference, one study,
one strategy, as YAML text that tests edit before writing."""

from __future__ import annotations

from pathlib import Path

REFERENCE = """\
id: hostileref
type: article
authors: ["Evil A"]
title: "Hostile title"
journal: "J Test"
year: 2024
doi: "10.1000/test"
source_kind: "peer-reviewed article"
"""
STUDY = """\
id: hostile
name: "Hostile 2024"
reference: hostileref
design: {phase: "2", randomized: false, arms: single-arm, comparator: none, summary: "Phase 2 single arm"}
population: {disease: "Lymphoma", product: "axi-cel", treated: 40}
arms:
  - {id: a, label: "Arm", role: intervention, strategy: hostile, regimen: r1, n: 40}
outcomes:
  - endpoint: icans_grade3plus
    arm: a
    events: 8
    total: 40
    reported_percent: 20
    provenance: {count: derived}
    cite: [{ref: hostileref, locator: "Table 2"}]
"""  # noqa: E501 (the audit's file, verbatim)
STRATEGY = """\
id: hostile
name: "Hostile strategy"
aliases: ["Hostile"]
targets: [il1]
regimens:
  - id: r1
    name: "Hostile regimen"
    studies: [hostile]
    schedule: [{text: "Given once.", cite: [{ref: hostileref, locator: "Methods"}]}]
summary: [{text: "A summary.", cite: [{ref: hostileref, locator: "Abstract"}]}]
caveats: [{text: "A caveat.", cite: [{ref: hostileref, locator: "Abstract"}]}]
"""


def write_overlay(
    root: Path, *, reference: str = REFERENCE, study: str = STUDY, strategy: str = STRATEGY
) -> Path:
    """Write the overlay's three files under ``root`` (created as needed); ``root``."""
    for kind, name, text in (
        ("references", "hostileref.yaml", reference),
        ("studies", "hostile.yaml", study),
        ("strategies", "hostile.yaml", strategy),
    ):
        (root / kind).mkdir(parents=True, exist_ok=True)
        (root / kind / name).write_text(text, encoding="utf-8")
    return root
