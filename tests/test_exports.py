"""refs --format bibtex|ris|csl-json: parsed back with bibtexparser, rispy, a CSL schema."""

from __future__ import annotations

import json

import bibtexparser
import jsonschema
import rispy
from typer.testing import CliRunner

from icansctl.cli.main import app
from icansctl.evidence.model_reference import Reference
from icansctl.render.bibliography import refs_bibtex, refs_csl_json, refs_ris, split_author
from icansctl.views.numbering import NumberedReference, vancouver

runner = CliRunner()

# `refs` with no strategy lists every bundled reference (the 21 files in
# evidence/references/), in order of first citation: the strategies in file-name order
# (anakinra, corticosteroids, defibrotide, tocilizumab, zuma1), each one's own
# citations by field (regimens, summary, mechanism, status, caveats), then its studies
# (reference, citations, `provenance.via`); references nobody cites come last, in
# file-name order.  Read by hand from the YAML files.
BUNDLED_ORDER = [
    "dowling2023",  # anakinra: first regimen's schedule
    "strati2023",  # ... its route and timing (since the audit's corrections)
    "park2023",  # anakinra: second regimen
    "liang2025",  # third to fifth regimens
    "anakinra_rw2025",
    "nct04150913",
    "giavridis2018",  # anakinra: mechanism
    "norelli2018",
    "wehrli2022",
    "jain2023",
    "gazeau2023",
    "nct04205838",  # anakinra: trials to watch
    "lee2019",  # anakinra's study strati2023: its notes
    "oluwole2021",  # corticosteroids: first regimen
    "topp2021",  # second regimen
    "leslie2025",  # third to fifth regimens
    "melody2025",
    "darwish2025",
    "ciltacel_dex2025",
    "oluwole2022",  # corticosteroids: summary (cohort 6 at a later time point)
    "strati2021",  # corticosteroids: caveats
    "jacobson2023",  # defibrotide: regimen
    "gust2017",  # defibrotide: mechanism
    "itacitinib_ccr2020",  # itacitinib: regimen
    "humanigen2021",  # lenzilumab: regimen
    "kenderian2020",  # lenzilumab: status
    "galli2025",  # levetiracetam: regimens
    "pensato2024",
    "locke2017",  # tocilizumab: regimens
    "kadauke2020",
    "caimi2021",
    "dou2024",
    "neelapu2017",  # zuma1: regimen
    "bachy2022",  # zuma1's study neelapu2017: notes
    "lee2014",
    "balshem2011",  # cited by no strategy or study (the GRADE papers: by the certainty rules)
    "gust2020",
    "guyatt2011_imprecision",
    "guyatt2011_inconsistency",
    "guyatt2011_indirectness",
    "guyatt2011_rob",
    "morris2022",
    "siegler2020",
]

# A subset of the CSL-JSON schema (citation-style-language/schema, csl-data.json).
CSL_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type"],
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {
                "enum": ["article-journal", "paper-conference", "webpage", "document", "report"]
            },
            "title": {"type": "string"},
            "container-title": {"type": "string"},
            "author": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "family": {"type": "string"},
                        "given": {"type": "string"},
                        "literal": {"type": "string"},
                    },
                    "additionalProperties": False,
                },
            },
            "issued": {
                "type": "object",
                "properties": {
                    "date-parts": {
                        "type": "array",
                        "items": {"type": "array", "items": {"type": ["integer", "string"]}},
                    }
                },
                "required": ["date-parts"],
            },
            "volume": {"type": ["string", "number"]},
            "issue": {"type": ["string", "number"]},
            "page": {"type": ["string", "number"]},
            "DOI": {"type": "string"},
            "PMID": {"type": "string"},
            "PMCID": {"type": "string"},
            "URL": {"type": "string"},
            "note": {"type": "string"},
        },
        "additionalProperties": False,
    },
}


def refs(fmt: str) -> str:
    result = runner.invoke(app, ["refs", "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_bibtex_parses() -> None:
    library = bibtexparser.parse_string(refs("bibtex"))
    assert not library.failed_blocks
    keys = [e.key for e in library.entries]
    assert keys == BUNDLED_ORDER
    strati = next(e for e in library.entries if e.key == "strati2023")
    assert strati["doi"] and strati["year"] == "2023" and "Strati" in strati["author"]


def test_ris_parses() -> None:
    entries = rispy.loads(refs("ris"))
    assert [e["id"] for e in entries] == BUNDLED_ORDER
    first = entries[0]
    assert first["type_of_reference"] in ("JOUR", "ABST", "ELEC", "GOVDOC")
    assert all(e.get("title") for e in entries)


def test_csl_json_validates() -> None:
    items = json.loads(refs("csl-json"))
    jsonschema.validate(items, CSL_SCHEMA)
    assert [item["id"] for item in items] == BUNDLED_ORDER


def test_special_characters_survive() -> None:
    ref = Reference(
        id="evil",
        type="article",
        authors=["O'Brien AB", "Writing Committee"],
        title="IL-1 {beta} & 50% of $x_1$ ~ #1 \\ end",
        journal="J",
        year=2024,
        source_kind="peer-reviewed article",
    )
    library = bibtexparser.parse_string(refs_bibtex([NumberedReference(1, ref)]))
    assert not library.failed_blocks and library.entries[0].key == "evil"
    (entry,) = rispy.loads(refs_ris([NumberedReference(1, ref)]))
    assert entry["title"] == ref.title and entry["authors"][0] == "O'Brien, A. B."
    assert split_author("Writing Committee") == ("Writing Committee", "")


def test_bibtex_titles_keep_their_capitals() -> None:
    """Title in an extra pair of braces: sentence-case styles print 'ICANS', not 'Icans'."""
    text = refs("bibtex")
    assert "title = {{ICANS prophylaxis: potentially transformative but elusive}}," in text
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    for entry in library.entries:
        title = entry["title"]
        assert title.startswith("{") and title.endswith("}"), title
    ref = Reference(
        id="t",
        type="article",
        title="CAR T-cell {IL-1} & ICANS",
        journal="J",
        year=2024,
        source_kind="peer-reviewed article",
    )
    (entry,) = bibtexparser.parse_string(refs_bibtex([NumberedReference(1, ref)])).entries
    assert entry["title"] == r"{CAR T-cell \{IL-1\} \& ICANS}"


AUDIT_NOTE = "Full text read. Paragraph locators (para 1-8) count the body paragraphs."


def test_audit_notes_are_not_exported() -> None:
    """A reference's note is for maintainers; trial registrations are still exported."""
    ref = Reference(
        id="noted",
        type="article",
        title="A trial",
        journal="J",
        year=2024,
        source_kind="peer-reviewed article",
        registration=["NCT01234567"],
        note=AUDIT_NOTE,
    )
    numbered = [NumberedReference(1, ref)]
    bibtex, ris = refs_bibtex(numbered), refs_ris(numbered)
    csl = refs_csl_json(numbered)
    for text in (bibtex, ris, csl):
        assert "Full text read" not in text and "NCT01234567" in text
    assert "note = {NCT01234567}," in bibtex
    assert json.loads(csl)[0]["note"] == "NCT01234567"
    assert rispy.loads(ris)[0]["notes"] == ["NCT01234567"]
    bare = ref.model_copy(update={"registration": []})
    assert "note =" not in refs_bibtex([NumberedReference(1, bare)])
    assert "note" not in json.loads(refs_csl_json([NumberedReference(1, bare)]))[0]
    assert "N1" not in refs_ris([NumberedReference(1, bare)])
    # and none of the bundled references' notes reach any export (fragments of the
    # `note:` lines of evidence/references/, copied by hand)
    notes = [
        "Citation as given in the reference list",  # 9 of the 21
        "Full text read. Paragraph locators",  # dowling2023
        "Abstract only was read",  # gazeau2023, oluwole2021, park2023, topp2021
        "Only Table 1 (enrolment, treatment) was read",  # neelapu2017
        "ASTCT 2019 consensus grading",  # lee2019
        "ASH 2017 meeting abstract (ZUMA-1 cohort 3)",  # locke2017
    ]
    for fmt in ("bibtex", "ris", "csl-json"):
        out = refs(fmt)
        assert not [n for n in notes if n in out], fmt


def test_vancouver_titles_end_with_one_mark() -> None:
    """No full stop after a title that ends in '?', '!' or '.'."""
    for title, shown in [
        ("Is prophylaxis worth it?", "Is prophylaxis worth it? J. 2024."),
        ("Stop!", "Stop! J. 2024."),
        ("A study.", "A study. J. 2024."),
        ("A study", "A study. J. 2024."),
        ("Really?.", "Really? J. 2024."),
    ]:
        ref = Reference(
            id="v",
            type="article",
            authors=["Doe J"],
            title=title,
            journal="J",
            year=2024,
            source_kind="peer-reviewed article",
        )
        assert vancouver(ref) == f"Doe J. {shown}"
        assert "?." not in vancouver(ref) and "!." not in vancouver(ref)
