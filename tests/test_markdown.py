"""Markdown outputs parse back (markdown-it-py, tables on) into the cells the views hold.

The expected cells of the bundled comparison and the reference list are typed from the
evidence files (studies/*.yaml, references/*.yaml), not computed by icansctl.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icansctl.evidence.base import EvidenceBase
from icansctl.render.markdown import compare_markdown
from icansctl.render.tables import INFO_ROWS
from icansctl.views.compare import CompareView

from .conftest import (
    full_view,
    list_items,
    load_bundled,
    markdown_parser,
    norm,
    run_cli,
    tables,
)

# test_exports.py imports ``base`` from here; it is the one session-wide bundled base.
base = load_bundled

ALL = ["anakinra", "defibrotide", "corticosteroids", "tocilizumab", "--baseline", "zuma1"]
SVG = "{http://www.w3.org/2000/svg}"

# The information rows of `compare` for all five strategies, one cell per column, in the
# column order Strati 2023, its matched cohort, Park 2023, Jacobson 2023, ZUMA-1 cohort 6
# (Oluwole 2021), cohort 4 (Topp 2021), cohort 3 (Locke 2017), ZUMA-1 pivotal (Neelapu
# 2017). Read from each study's design, population and follow_up in evidence/studies/.
# The columns EXPECTED_INFO describes, in order: the studies bundled before the 2026
# evidence; the newer columns are checked apart (test_new_evidence_columns_...).
ORIGINAL_STUDIES = (
    "Strati 2023",
    "Park 2023",
    "Jacobson 2023",
    "ZUMA-1 cohort 6 (Oluwole 2021)",
    "ZUMA-1 cohort 4 (Topp 2021)",
    "ZUMA-1 cohort 3 (Locke 2017)",
    "ZUMA-1 pivotal (Neelapu 2017)",
)

EXPECTED_INFO = {
    "Design": [
        "Phase 1; nonrandomized; matched cohort",
        # the off-study comparator is not part of the phase 1 trial (audit 2026-12 §4)
        "Treated off study; nonrandomized; matched cohort",
        "Phase 2; nonrandomized; no comparator (single arm)",
        "Phase 2; nonrandomized; historical comparison",
        "Phase 2; nonrandomized; historical comparison",
        "Phase 2; nonrandomized; historical comparison",
        "Phase 2; nonrandomized; historical comparison",
        "Phase 2; nonrandomized; no comparator (single arm)",
    ],
    # treated (Strati 20, Park 31, Oluwole 40, Topp 41, Neelapu 101) or evaluable
    # (Jacobson 20); the matched cohort and Locke's cohort 3 have no n in the files
    "n": ["20", "not reported", "31", "20", "40", "41", "not reported", "101"],
    "Product": [
        "axi-cel (standard of care)",
        "axi-cel (standard of care)",
        "commercial CD19 CAR T: axi-cel 74%, brexu-cel 13%, tisa-cel 4% (as printed)",
        "axi-cel",
        "axi-cel 2 × 10^6 CAR T cells/kg",
        "axi-cel 2 × 10^6 CAR T cells/kg",
        "axi-cel 2 × 10^6 CAR T cells/kg",
        "axi-cel 2 × 10^6 CAR T cells/kg",
    ],
    "Follow-up": [
        "responses reported at day +90",
        "not reported",  # the comparator has no response data
        "not reported",
        "neurotoxicity to day 30; responses up to day +60",
        "median 8.9 months (primary analysis); 26.9 months at the 2-year update",
        "median 14.8 months",
        "not reported",
        "primary analysis",
    ],
}


def check_compare_table(view: CompareView, text: str) -> list[list[str]]:
    """The tables' shape and figure cells agree with ``view``; the tables, parsed and
    joined side by side (each has at most six columns and repeats the row labels)."""
    parts = tables(text)
    assert all(len(part[0]) <= 6 for part in parts), "a GitHub table of over six columns"
    assert all([row[0] for row in part] == [row[0] for row in parts[0]] for part in parts)
    table = [sum((part[i][1:] for part in parts[1:]), parts[0][i]) for i in range(len(parts[0]))]
    header, *body = table
    assert len(header) == len(view.columns) + 1
    for cell, column in zip(header[1:], view.columns, strict=True):
        expected = f"{norm(column.strategy_short_name)}: {norm(column.header)} "
        assert cell == expected + f"[{column.reference_number}]"
    assert len(body) == len(INFO_ROWS) + len(view.rows)
    for row in body:
        assert len(row) == len(view.columns) + 1
    for view_row, row in zip(view.rows, body[len(INFO_ROWS) :], strict=True):
        assert row[0].startswith(norm(view_row.label))
        for cell, figures in zip(row[1:], view_row.cells, strict=True):
            if not figures:
                assert cell == "not reported"
            for figure in figures:
                assert figure.value_text + figure.markers in cell
                if figure.ci_text:
                    assert f"95% CI {figure.ci_text}" in cell
    return table


def info_rows(table: list[list[str]], studies: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """The information rows of a parsed comparison table, by their label.

    With ``studies``, only the columns whose header names one of them, in table order.
    """
    keep = [
        i
        for i, header in enumerate(table[0][1:])
        if not studies or any(f": {name}" in header.replace("\\", "") for name in studies)
    ]
    return {row[0]: [row[1:][i] for i in keep] for row in table[1 : 1 + len(INFO_ROWS)]}


def test_compare_markdown_table_holds_the_view_cells() -> None:
    result = run_cli("compare", *ALL, "--format", "markdown")
    assert result.exit_code == 0, result.output
    table = check_compare_table(full_view(), result.stdout)
    info = info_rows(table, ORIGINAL_STUDIES)
    assert list(info) == ["Design", "n", "Product", "Grading", "Follow-up"]
    for label, expected in EXPECTED_INFO.items():
        assert info[label] == expected, label
    # The grading row is summed up from each study's outcomes: two typed by hand.
    assert info["Grading"][0] == "ASTCT 2019 (ICANS)"  # Strati 2023
    assert info["Grading"][3] == "grading not stated"  # Jacobson 2023 (CTCAE v5.0 untraced)
    assert "35% (7/20)*†; 95% CI 18.1–56.7 [2]" in result.stdout.replace("\\", "")
    assert "Mixes grading systems" in result.stdout
    assert "```text" in result.stdout and "├" in result.stdout  # the chart


# `refs anakinra`, Vancouver style, numbered in order of first citation: the strategy's
# own claims first (evidence/strategies/anakinra.yaml, top to bottom), then the studies'
# references, then what only a study note cites. Typed from evidence/references/*.yaml:
# at most six authors, then "et al." (also when the file says et_al: true).
ANAKINRA_REFERENCES = [
    "Dowling MR, Turtle CJ. ICANS prophylaxis: potentially transformative but elusive. "
    "Blood Adv. 2023;7(21):6782–6784. doi:10.1182/bloodadvances.2023011027. "
    "PMID: 37962875; PMCID: PMC10692280.",
    "Strati P, Jallouk A, Deng Q, Li X, Feng L, Sun R, et al. A phase 1 study of "
    "prophylactic anakinra to mitigate ICANS in patients with large B-cell lymphoma. "
    "Blood Adv. 2023;7(21):6785–6789. doi:10.1182/bloodadvances.2023010653. "
    "PMID: 37389847; PMCID: PMC10692290. NCT04432506.",
    "Park JH, Nath K, Devlin SM, Sauter CS, Palomba ML, Shah G, et al. CD19 CAR T-cell "
    "therapy and prophylactic anakinra in relapsed or refractory lymphoma: phase 2 trial "
    "interim results. Nat Med. 2023;29(7):1710–1717. doi:10.1038/s41591-023-02404-6. "
    "PMID: 37400640. NCT04148430.",
    # a news report, a meeting abstract and a registry record (the 2025 evidence)
    "Anakinra ineffective in preventing CRS, ICANS after liso-cel in LBCL. CancerNetwork. "
    "2025. NCT04359784. Available from: https://www.cancernetwork.com/view/"
    "anakinra-ineffective-in-preventing-crs-icans-after-liso-cel-in-lbcl",
    "Real-world assessment of prophylactic anakinra on ... (title cut off in the address "
    "read). Blood. 2025;146(Suppl 1):712. Available from: http://ashpublications.net/blood/"
    "article/146/Supplement%201/712/554296/Real-world-assessment-of-prophylactic-anakinra-on",
    "NCI clinical trial record NCI-2020-07539: anakinra to prevent CAR T-cell related "
    "neurotoxicity (NCT04150913). 2026. NCT04150913. Available from: "
    "https://www.cancer.gov/clinicaltrials/NCI-2020-07539",
    "Giavridis T, Van Der Stegen SJC, Eyquem J, Hamieh M, Piersigilli A, Sadelain M. CAR T "
    "cell–induced cytokine release syndrome is mediated by macrophages and abated by IL-1 "
    "blockade. Nat Med. 2018;24(6):731–738. doi:10.1038/s41591-018-0041-7.",
    "Norelli M, Camisa B, Barbiera G, et al. Monocyte-derived IL-1 and IL-6 are "
    "differentially required for cytokine-release syndrome and neurotoxicity due to CAR T "
    "cells. Nat Med. 2018;24(6):739–748. doi:10.1038/s41591-018-0036-4.",
    "Wehrli M, Gallagher K, Chen Y-B, Leick MB, McAfee SL, El-Jawahri AR, et al. "
    "Single-center experience using anakinra for steroid-refractory immune effector "
    "cell-associated neurotoxicity syndrome (ICANS). J Immunother Cancer. "
    "2022;10(1):e003847. doi:10.1136/jitc-2021-003847. PMID: 34996813.",
    "Jain MD, Smith M, Shah NN. How I treat refractory CRS and ICANS after CAR T-cell "
    "therapy. Blood. 2023;141(20):2430–2442. doi:10.1182/blood.2022017414.",
    "Gazeau N, Liang EC, Wu QV, et al. Anakinra for refractory cytokine release syndrome or "
    "immune effector cell-associated neurotoxicity syndrome after chimeric antigen receptor "
    "T cell therapy. Transplant Cell Ther. 2023;29(7):430–437. "
    "doi:10.1016/j.jtct.2023.04.001. PMID: 37031746; PMCID: PMC10330552.",
    "ClinicalTrials.gov record NCT04205838: anakinra to prevent severe immune effector "
    "cell-associated neurotoxicity syndrome. 2026. NCT04205838. Available from: "
    "https://clinicaltrials.gov/ct2/show/NCT04205838",
    "Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus grading for cytokine release "
    "syndrome and neurologic toxicity associated with immune effector cells. Biol Blood "
    "Marrow Transplant. 2019;25:625–638. "
    "Available from: https://synapse.mskcc.org/synapse/works/145746",
]


def mermaid_graph(text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(from, to) labels of the Mermaid block's arrows and of its dotted 'acts on' arrows."""
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    labels = dict(re.findall(r'^\s*(\w+)\(?\[?"([^"]*)"', block, re.MULTILINE))
    arrows = re.findall(r"^\s*(\w+) --> (\w+)$", block, re.MULTILINE)
    acting = re.findall(r"^\s*(\w+) -\. acts on \.-> (\w+)$", block, re.MULTILINE)
    return (
        {(labels[a], labels[b]) for a, b in arrows},
        {(labels[a], labels[b]) for a, b in acting},
    )


def test_list_show_mechanisms_refs_markdown() -> None:
    out = run_cli("list", "-f", "markdown").stdout
    (table,) = tables(out)
    assert table[0] == ["id", "Strategy", "Class", "Acts on", "Studies", "Patients", "Also"]
    rows = {row[0]: row for row in table[1:]}
    assert set(rows) == {"anakinra", "corticosteroids", "defibrotide", "tocilizumab"} | {
        "itacitinib",
        "lenzilumab",
        "levetiracetam",
        "zuma1 (baseline)",
    }
    # Strati, Park, Liang, the real-world cohort and NCT04150913 (whose arm has no n):
    # 20 + 31 + 25 + 61 patients
    assert rows["anakinra"][3:6] == ["IL-1", "5 (0 randomized)", "137"]
    show = run_cli("show", "anakinra", "-f", "markdown")
    assert show.exit_code == 0, show.output
    study_tables = tables(show.stdout)
    assert len(study_tables) == 2  # Strati 2023 and Park 2023
    assert study_tables[0][2][2:4] == ["20% (4/20)*†", "8.1–41.6"]
    assert "no N" in [row[3] for row in study_tables[0]]
    mech = run_cli("mechanisms", "-f", "markdown").stdout
    assert "```mermaid\nflowchart LR\n" in mech
    # Mermaid reads "&" as an entity start: the en dash is written as #8211;
    assert '"Blood#8211;brain barrier disruption"' in mech
    arrows, acting = mermaid_graph(mech.replace("#8211;", "–"))
    # evidence/mechanisms.yaml's edges and each strategy's targets
    assert ("Blood–brain barrier disruption", "ICANS") in arrows
    assert ("IL-6", "Endothelial activation and injury") in arrows
    # corticosteroids act broadly: no node (the audit's correction)
    assert acting == {
        ("Anakinra", "IL-1"),
        ("Tocilizumab", "IL-6"),
        ("Defibrotide", "Endothelial activation and injury"),
        ("Lenzilumab", "GM-CSF"),  # itacitinib and levetiracetam name no node
    }
    refs = run_cli("refs", "anakinra", "-f", "markdown").stdout
    assert refs.startswith("# References\n\n1. Dowling MR")
    assert list_items(refs) == ANAKINRA_REFERENCES


FRAGMENTS = st.sampled_from(
    [
        "|",
        "\n",
        "`",
        "[",
        "]",
        "{{",
        "}}",
        "<script>",
        "\\",
        "*",
        "_",
        "#",
        "&amp;",
        "<!--",
        "-->",
        "1. ",
        "- ",
        "> ",
        "$x$",
        "~~",
        "![x](y)",
        " ",
        "`a|b`",
        "[^1]",
    ]
)
NASTY = st.lists(
    st.one_of(FRAGMENTS, st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=5)),
    min_size=1,
    max_size=10,
).map("".join)


@pytest.mark.slow
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(study=NASTY, product=NASTY, claim=NASTY)
def test_arbitrary_evidence_text_keeps_the_table_shape(
    bundled_base: EvidenceBase, study: str, product: str, claim: str
) -> None:
    view = full_view(bundled_base)
    columns = [
        dataclasses.replace(c, study_name=study + c.study_name, product=product)
        for c in view.columns
    ]
    first = view.strategies[0]
    caveat = dataclasses.replace(first.caveats[0], text=claim)
    strategies = [dataclasses.replace(first, caveats=[caveat]), *view.strategies[1:]]
    nasty = dataclasses.replace(view, columns=columns, strategies=strategies)
    text = compare_markdown(nasty)
    info = info_rows(check_compare_table(nasty, text))
    assert info["Product"] == [norm(product)] * len(columns)  # the text given, each column
    plain = info_rows(check_compare_table(view, compare_markdown(view)))
    assert info["Follow-up"] == plain["Follow-up"]  # the other rows untouched
    assert "<script>" not in markdown_parser().render(text)
    expected = f"{norm(first.name.split(' (')[0])}: {norm(claim)} {caveat.markers}"
    assert expected in list_items(text)


def _images(text: str) -> list[tuple[str, str]]:
    """(src, alt) of every image in a Markdown document."""
    found = []
    for token in markdown_parser().parse(text):
        for child in token.children or []:
            if child.type == "image":
                found.append((str(child.attrs["src"]), child.content))
    return found


def _count_labels(svg: Path) -> list[str]:
    """The 'rate n/N (CI)' label of every arm of a forest plot, spaces collapsed."""
    root = ET.parse(svg).getroot()
    return [norm(e.text or "") for e in root.iter(f"{SVG}text") if e.get("class") == "count"]


@pytest.mark.parametrize(
    ("command", "labels"),
    [
        (
            ["compare", "anakinra", "defibrotide"],
            # grade >=3 ICANS: Strati, its matched cohort, Park, Jacobson (Wilson CIs)
            [
                "20%*† 4/20 (8.1–41.6)",
                "30%† no N",
                "9.7%* 3/31 (3.3–24.9)",
                "25%*† 5/20 (11.2–46.9)",
            ],
        ),
        (
            ["show", "anakinra"],
            ["20%*† 4/20 (8.1–41.6)", "30%† no N", "9.7%* 3/31 (3.3–24.9)"],
        ),
    ],
    ids=["compare", "show"],
)
def test_markdown_file_carries_the_forest_plot_as_svg_beside_it(
    tmp_path: Path, command: list[str], labels: list[str]
) -> None:
    target = tmp_path / "journal club.md"
    target.write_text("an older version\n", encoding="utf-8")
    result = run_cli(*command, "-f", "markdown", "-o", str(target))
    assert result.exit_code == 0, result.output
    images = _images(target.read_text(encoding="utf-8"))
    assert len(images) == 1 and images[0][1].startswith("Forest plot")
    picture = tmp_path / unquote(images[0][0])
    assert picture.name == "journal club.forest.svg"
    assert _count_labels(picture) == labels
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "journal club.forest.svg",
        "journal club.md",
    ], "no temporary files left"


def test_markdown_on_stdout_has_no_picture_to_link() -> None:
    result = run_cli("compare", "anakinra", "defibrotide", "-f", "markdown")
    assert result.exit_code == 0
    assert _images(result.stdout) == []
    assert "```text" in result.stdout or "````text" in result.stdout  # the chart is there


def test_markdown_file_has_the_picture_once_and_stdout_the_chart(tmp_path: Path) -> None:
    """Issue 11: written with -o, the forest plot is the picture beside the document
    (once, no text chart repeating it); on stdout, only the text chart."""
    out = tmp_path / "compare.md"
    result = run_cli("compare", *ALL, "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("](compare.forest.svg)") == 1
    assert "```text" not in text and "├" not in text
    assert (tmp_path / "compare.forest.svg").exists()
    stdout = run_cli("compare", *ALL, "--format", "markdown").stdout
    assert "forest.svg)" not in stdout and stdout.count("```text") == 1
