"""`icansctl schema`: a JSON Schema generated from the models, usable by check-jsonschema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from icansctl.evidence.discovery import bundled_evidence_dir
from icansctl.evidence.json_schema import KINDS, evidence_schema

from .conftest import run_cli

WRONG_TYPE = (
    Path(__file__).parent / "fixtures" / "check" / "rules" / "ICX021-wrong-type" / "references"
)


def check_jsonschema() -> str:
    """The check-jsonschema executable of this environment (or skip)."""
    here = Path(sys.executable).parent / "check-jsonschema"
    found = str(here) if here.exists() else shutil.which("check-jsonschema")
    if not found:
        pytest.skip("check-jsonschema is not installed")
    return found


def write_schema(tmp_path: Path, *args: str) -> Path:
    """`icansctl schema ARGS -o FILE`, returning FILE."""
    target = tmp_path / "schema.json"
    result = run_cli("schema", *args, "-o", str(target))
    assert result.exit_code == 0, result.output
    return target


def run_validator(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """check-jsonschema --schemafile SCHEMA FILES..."""
    return subprocess.run(
        [check_jsonschema(), "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def bundled_files(folder: str = "") -> list[Path]:
    """YAML files of the bundled evidence, optionally in one folder."""
    root = bundled_evidence_dir() / folder
    return sorted(root.rglob("*.yaml"))


def test_schema_is_json_on_stdout() -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert len(schema["anyOf"]) == len(KINDS)
    assert {"Study", "Strategy", "Reference", "Citation", "Outcome"} <= set(schema["$defs"])


def test_schema_carries_field_documentation() -> None:
    outcome = evidence_schema()["$defs"]["Outcome"]
    assert "Denominator" in outcome["properties"]["total"]["description"]
    assert outcome["additionalProperties"] is False


def test_bundled_evidence_validates_against_the_schema(tmp_path: Path) -> None:
    files = bundled_files()
    assert len(files) > 20
    done = run_validator(write_schema(tmp_path), files)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("kind", "folder"),
    [
        ("study", "studies"),
        ("strategy", "strategies"),
        ("reference", "references"),
        ("endpoints", "endpoints.yaml"),
        ("mechanisms", "mechanisms.yaml"),
    ],
)
def test_each_kind_validates_its_files(kind: str, folder: str) -> None:
    import jsonschema  # installed with check-jsonschema
    import yaml

    schema = evidence_schema(kind)
    assert schema["title"] == f"icansctl evidence: {kind}"
    validator = jsonschema.Draft202012Validator(schema)
    target = bundled_evidence_dir() / folder
    files = [target] if target.is_file() else bundled_files(folder)
    assert files
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], path
    other = "references" if kind != "reference" else "studies"
    wrong = yaml.safe_load(bundled_files(other)[0].read_text(encoding="utf-8"))
    assert not validator.is_valid(wrong)


def test_schema_rejects_a_wrong_type(tmp_path: Path) -> None:
    done = run_validator(write_schema(tmp_path), [WRONG_TYPE / "wrong.yaml"])
    assert done.returncode == 1
    assert "wrong.yaml" in done.stdout


def test_schema_accepts_citation_shorthand_and_needs_a_figure(tmp_path: Path) -> None:
    import jsonschema  # installed with check-jsonschema

    schema = evidence_schema("study")
    study = {
        "id": "s",
        "name": "S",
        "reference": "r",
        "design": {"randomized": False, "comparator": "none", "summary": "x"},
        "population": {"disease": "d", "product": "p"},
        "arms": [{"id": "a", "label": "A", "role": "intervention"}],
        "outcomes": [{"endpoint": "e", "arm": "a", "events": 1, "total": 2, "cite": ["r"]}],
    }
    jsonschema.validate(study, schema)
    no_figure = {"endpoint": "e", "arm": "a", "cite": ["r"]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**study, "outcomes": [no_figure]}, schema)
    events_only = {"endpoint": "e", "arm": "a", "events": 1, "cite": ["r"]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**study, "outcomes": [events_only]}, schema)


def test_unknown_kind_is_a_usage_error() -> None:
    result = run_cli("schema", "--kind", "trial")
    assert result.exit_code == 2
    assert "--kind" in result.stderr and "'trial'" in result.stderr and result.stdout == ""
