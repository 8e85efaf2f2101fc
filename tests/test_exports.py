"""refs --format bibtex|ris|csl-json: parsed back with bibtexparser, rispy, a CSL schema."""

from __future__ import annotations

import json

import bibtexparser
import jsonschema
import rispy
from typer.testing import CliRunner

from icansctl.citations import NumberedReference
from icansctl.cli import app
from icansctl.exports import refs_bibtex, refs_ris, split_author
from icansctl.model import Reference
from icansctl.views import refs_view

from .test_markdown import base

runner = CliRunner()

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
    assert keys == [r.reference.id for r in refs_view(base(), [])]
    strati = next(e for e in library.entries if e.key == "strati2023")
    assert strati["doi"] and strati["year"] == "2023" and "Strati" in strati["author"]


def test_ris_parses() -> None:
    entries = rispy.loads(refs("ris"))
    assert len(entries) == len(base().references)
    first = entries[0]
    assert first["type_of_reference"] in ("JOUR", "ABST", "ELEC", "GOVDOC")
    assert all(e.get("title") for e in entries)


def test_csl_json_validates() -> None:
    items = json.loads(refs("csl-json"))
    jsonschema.validate(items, CSL_SCHEMA)
    assert len(items) == len(base().references)


def test_special_characters_survive() -> None:
    ref = Reference(
        id="evil",
        type="article",
        authors=["O'Brien AB", "Writing Committee"],
        title="IL-1 {beta} & 50% of $x_1$ ~ #1 \\ end",
        journal="J",
        year=2024,
    )
    library = bibtexparser.parse_string(refs_bibtex([NumberedReference(1, ref)]))
    assert not library.failed_blocks and library.entries[0].key == "evil"
    (entry,) = rispy.loads(refs_ris([NumberedReference(1, ref)]))
    assert entry["title"] == ref.title and entry["authors"][0] == "O'Brien, A. B."
    assert split_author("Writing Committee") == ("Writing Committee", "")
