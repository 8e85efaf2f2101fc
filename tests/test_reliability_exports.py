"""Audit F13: BibTeX that pybtex and biber parse whole, verbatim doi/url, hyphenated initials.

BibTeX-family parsers count braces and ignore backslashes, so ``\\}`` still ends a
value.  Expected strings below are written by hand; pybtex (a BibTeX-compatible
parser) and, when installed, biber (``biber --tool``, which uses btparse, BibTeX's
own parsing rules) are the independent readers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pybtex.errors
import pytest
import rispy
from pybtex.database import BibliographyData, parse_string
from typer.testing import CliRunner

from icansctl.cli.main import app
from icansctl.evidence.model_reference import Reference
from icansctl.render.bibliography import refs_bibtex, refs_csl_json, refs_ris, split_author
from icansctl.views.numbering import NumberedReference

runner = CliRunner()


@pytest.fixture(autouse=True)
def _strict_pybtex(monkeypatch: pytest.MonkeyPatch) -> None:
    """pybtex raises on syntax errors instead of printing a warning and going on."""
    monkeypatch.setattr(pybtex.errors, "strict", True)


def hostile(**fields: object) -> Reference:
    """The audit's mkov reference, with some fields replaced."""
    data: dict[str, object] = {
        "id": "hostileref",
        "type": "article",
        "authors": ["Evil A"],
        "title": "Hostile title",
        "journal": "J Test",
        "year": 2024,
        "source_kind": "peer-reviewed article",
        "doi": "10.1000/test",
    }
    data.update(fields)
    return Reference.model_validate(data)


AFTER = Reference(
    id="after",
    type="article",
    title="Next entry",
    journal="J Next",
    year=2025,
    source_kind="peer-reviewed article",
)


def bib(*refs: Reference) -> str:
    return refs_bibtex([NumberedReference(i, r) for i, r in enumerate(refs, 1)])


def pybtex_parse(text: str) -> BibliographyData:
    return parse_string(text, "bibtex")


# --- braces --------------------------------------------------------------------------


def test_F13_a_lone_closing_brace_in_a_title_keeps_the_entry_whole() -> None:
    """The audit's reproduction: title "Levels of IL-6} in CSF"."""
    text = bib(hostile(title="Levels of IL-6} in CSF"), AFTER)
    assert "  title = {{Levels of IL-6\\textbraceright{} in CSF}},\n" in text
    data = pybtex_parse(text)
    assert list(data.entries) == ["hostileref", "after"]
    entry = data.entries["hostileref"]
    assert entry.fields["title"] == "{Levels of IL-6\\textbraceright{} in CSF}"
    assert entry.fields["journal"] == "J Test"
    assert entry.fields["year"] == "2024"
    assert entry.fields["doi"] == "10.1000/test"
    assert data.entries["after"].fields["journal"] == "J Next"


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("A { lone opening", "A \\textbraceleft{} lone opening"),
        ("@misc{z, injected", "@misc\\textbraceleft{}z, injected"),
        ("} first, then {", "\\textbraceright{} first, then \\textbraceleft{}"),
        ("{IL-1} paired, } lone", "\\{IL-1\\} paired, \\textbraceright{} lone"),
        ("{{nested}} and {", "\\{\\{nested\\}\\} and \\textbraceleft{}"),
        ("a \\} backslash", "a \\textbackslash{}\\textbraceright{} backslash"),
    ],
)
def test_F13_unpaired_braces_in_a_title_never_break_the_file(title: str, written: str) -> None:
    text = bib(hostile(title=title), AFTER)
    assert f"  title = {{{{{written}}}}},\n" in text
    data = pybtex_parse(text)
    assert list(data.entries) == ["hostileref", "after"]
    assert data.entries["hostileref"].fields["title"] == f"{{{written}}}"
    assert data.entries["hostileref"].fields["doi"] == "10.1000/test"


@pytest.mark.parametrize(
    "field", ["title", "journal", "volume", "issue", "pages", "authors", "registration"]
)
@pytest.mark.parametrize("brace", ["{", "}"])
def test_F13_a_lone_brace_in_any_field_keeps_every_field(field: str, brace: str) -> None:
    value = f"x{brace}y"
    if field == "authors":
        ref = hostile(authors=[f"Ev{brace}il A", "Good B"])
    elif field == "registration":
        ref = hostile(registration=[value])
    else:
        ref = hostile(**{field: value})
    data = pybtex_parse(bib(ref, AFTER))
    assert list(data.entries) == ["hostileref", "after"]
    entry = data.entries["hostileref"]
    assert entry.fields["doi"] == "10.1000/test" and entry.fields["year"] == "2024"
    assert len(entry.persons["author"]) == (2 if field == "authors" else 1)
    assert data.entries["after"].fields["title"] == "{Next entry}"


def test_F13_paired_braces_are_still_escaped_as_before() -> None:
    text = bib(hostile(title="CAR T-cell {IL-1} & ICANS"))
    assert "  title = {{CAR T-cell \\{IL-1\\} \\& ICANS}},\n" in text
    assert pybtex_parse(text).entries["hostileref"].fields["title"] == (
        "{CAR T-cell \\{IL-1\\} \\& ICANS}"
    )


# --- doi and url are verbatim --------------------------------------------------------


def test_F13_url_and_doi_are_not_latex_escaped() -> None:
    """The audit's url, and a real SICI-style DOI with <, >, ;, ( and )."""
    url = "https://example.org/a_b?x=1&y=%20z#sec"
    doi = "10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E"
    text = bib(hostile(url=url, doi=doi))
    assert f"  url = {{{url}}},\n" in text
    assert f"  doi = {{{doi}}},\n" in text
    assert "\\_" not in text and "\\%" not in text and "\\#" not in text and "\\&" not in text
    fields = pybtex_parse(text).entries["hostileref"].fields
    assert fields["url"] == url and fields["doi"] == doi


def test_F13_braces_in_url_and_doi_are_percent_encoded() -> None:
    text = bib(hostile(url="https://example.org/{a}/}b", doi="10.1000/x}y"))
    assert "  url = {https://example.org/%7Ba%7D/%7Db},\n" in text
    assert "  doi = {10.1000/x%7Dy},\n" in text
    assert list(pybtex_parse(bib(hostile(doi="10.1000/x}y"), AFTER)).entries) == [
        "hostileref",
        "after",
    ]


# --- hyphenated initials -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("Chen Y-B", ("Chen", "Y.-B.")),
        ("Hanafi L-A", ("Hanafi", "L.-A.")),
        ("Dupont JP-A", ("Dupont", "J. P.-A.")),
        ("Strati P", ("Strati", "P.")),
        ("van der Berg JA", ("van der Berg", "J. A.")),
        ("El-Jawahri AR", ("El-Jawahri", "A. R.")),
        ("Writing Committee", ("Writing Committee", "")),
        ("CAR-T Consortium", ("CAR-T Consortium", "")),
    ],
)
def test_F13_split_author(name: str, split: tuple[str, str]) -> None:
    assert split_author(name) == split


def test_F13_hyphenated_initials_in_all_three_formats() -> None:
    ref = hostile(authors=["Chen Y-B", "Hanafi L-A"])
    numbered = [NumberedReference(1, ref)]
    bibtex = refs_bibtex(numbered)
    assert "  author = {{Chen}, Y.-B. and {Hanafi}, L.-A.},\n" in bibtex
    people = pybtex_parse(bibtex).entries["hostileref"].persons["author"]
    assert [(p.last_names, p.first_names) for p in people] == [
        (["{Chen}"], ["Y.-B."]),
        (["{Hanafi}"], ["L.-A."]),
    ]
    ris = refs_ris(numbered)
    assert "AU  - Chen, Y.-B.\nAU  - Hanafi, L.-A.\n" in ris
    assert rispy.loads(ris)[0]["authors"] == ["Chen, Y.-B.", "Hanafi, L.-A."]
    assert json.loads(refs_csl_json(numbered))[0]["author"] == [
        {"family": "Chen", "given": "Y.-B."},
        {"family": "Hanafi", "given": "L.-A."},
    ]


def test_F13_bundled_hyphenated_authors_are_split() -> None:
    """evidence/references/wehrli2022.yaml has 'Chen Y-B', gust2017.yaml 'Hanafi L-A'."""
    bibtex = run_refs("bibtex")
    assert "{Gallagher}, K. and {Chen}, Y.-B. and {Leick}, M. B." in bibtex
    assert "{Hay}, K. A. and {Hanafi}, L.-A. and others" in bibtex
    ris = run_refs("ris")
    assert "AU  - Chen, Y.-B.\n" in ris and "AU  - Hanafi, L.-A.\n" in ris
    csl = json.loads(run_refs("csl-json"))
    authors = {a.get("family", a.get("literal")): a for item in csl for a in item.get("author", [])}
    assert authors["Chen"] == {"family": "Chen", "given": "Y.-B."}
    assert authors["Hanafi"] == {"family": "Hanafi", "given": "L.-A."}
    literal = [a for a in authors.values() if "literal" in a]
    assert literal in ([], [{"literal": "et al."}]), "every bundled author splits"


def run_refs(fmt: str) -> str:
    result = runner.invoke(app, ["refs", "--format", fmt], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


# --- the whole bundled export, and biber ---------------------------------------------


def test_F13_the_bundled_bibtex_parses_whole_with_pybtex() -> None:
    data = pybtex_parse(run_refs("bibtex"))
    assert len(data.entries) == 43  # files in evidence/references/
    strati = data.entries["strati2023"]
    assert strati.fields["doi"] == "10.1182/bloodadvances.2023010653"
    assert strati.fields["year"] == "2023"


HOSTILE_TITLES = [
    "Levels of IL-6} in CSF",
    "A { lone opening",
    "@misc{z, injected",
    "} and { and {paired}",
]


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed")
def test_F13_biber_reads_every_field_of_hostile_entries(tmp_path: Path) -> None:
    refs = [
        hostile(
            id=f"hostile{i}",
            title=title,
            journal=f"J {i}",
            url="https://example.org/a_b?x=1&y=%20z#sec",
        )
        for i, title in enumerate(HOSTILE_TITLES)
    ]
    source = tmp_path / "in.bib"
    source.write_text(bib(*refs, AFTER), encoding="utf-8")
    out = tmp_path / "out.bib"
    result = subprocess.run(
        ["biber", "--tool", "--quiet", f"--output-file={out}", str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "WARN" not in log and "ERROR" not in log, log
    text = out.read_text(encoding="utf-8")
    for i in range(len(HOSTILE_TITLES)):
        entry = text.split(f"@ARTICLE{{hostile{i},", 1)[1].split("\n}", 1)[0]
        assert f"JOURNALTITLE = {{J {i}}}," in entry
        assert "DOI = {10.1000/test}," in entry
        assert "URL = {https://example.org/a_b?x=1&y=%20z#sec}," in entry
        assert "DATE = {2024}," in entry
    assert "JOURNALTITLE = {J Next}," in text


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed")
def test_F13_biber_reads_the_bundled_export(tmp_path: Path) -> None:
    source = tmp_path / "refs.bib"
    source.write_text(run_refs("bibtex"), encoding="utf-8")
    out = tmp_path / "out.bib"
    result = subprocess.run(
        ["biber", "--tool", "--quiet", f"--output-file={out}", str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "WARN" not in log and "ERROR" not in log, log
    text = out.read_text(encoding="utf-8")
    # evidence/references/: 20 article, editorial, letter or review; 1 abstract
    assert text.count("@ARTICLE{") == 20 and text.count("@INPROCEEDINGS{") == 1
    assert "AUTHOR = {{Wehrli}, M. and {Gallagher}, K. and {Chen}, Y.-B." in text
