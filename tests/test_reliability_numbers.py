"""Regression tests for the reliability audit (2026-12): numbers and the YAML reader.

Each test is named after the audit finding it pins (F3, F6, F7, F9, F14, F19).  The
expected values are typed from the audit, from hand computation (shown beside them)
or from an independent oracle (a direct binomial sum, scipy when installed), never
from the functions under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from icansctl.cli import app
from icansctl.yamlsource import LIBYAML_DEPTH_ERROR, parse_text


def findings(text: str) -> list[tuple[str, int, int]]:
    """(rule, line, column) of what the reader says about ``text``."""
    parsed = parse_text(text, "x.yaml")
    return [(d.rule, d.location.line, d.location.column) for d in parsed.diagnostics]


# --- F6: libyaml's own depth limit (PyYAML 6.0.4) must not change the rule id ------


def test_F6_ten_thousand_deep_flow_list_is_ICX008_at_level_65() -> None:
    # 64 '[' are allowed; the 65th, in column 65, is one too many.
    assert findings("[" * 10_000 + "]" * 10_000 + "\n") == [("ICX008", 1, 65)]


def test_F6_deep_block_list_is_ICX008_at_level_65() -> None:
    text = "".join("  " * i + "-\n" for i in range(1_200))
    # Line i+1 opens level i+1: the 65th level is the sequence on line 65, column 129.
    assert findings(text) == [("ICX008", 65, 129)]


def test_F6_depth_error_far_into_a_file_is_still_ICX008() -> None:
    prefix = "".join(f"k{i}: [value {i}, 'text {i}']\n" for i in range(6_000))  # ~170 KB
    text = prefix + "z: " + "[" * 1_500 + "]" * 1_500 + "\n"
    (rule, line, _), *rest = findings(text)
    assert (rule, line, rest) == ("ICX008", 6_001, [])


def test_F6_libyaml_depth_message_still_contains_the_documented_substring() -> None:
    """The guard on libyaml's wording: if a libyaml release rewords its depth error,
    this fails here instead of the deep-file finding silently turning into ICX001."""
    cparser = getattr(getattr(yaml, "_yaml", None), "CParser", None)
    if cparser is None:
        pytest.skip("PyYAML without libyaml: no depth limit to map")
    parser = cparser("[" * 1_001 + "]" * 1_001 + "\n")
    try:
        while not isinstance(parser.get_event(), yaml.StreamEndEvent):
            pass
    except yaml.MarkedYAMLError as err:
        assert LIBYAML_DEPTH_ERROR in str(err.problem)
    finally:
        parser.dispose()


def test_F6_check_reports_the_deep_file_as_ICX008(tmp_path: Path) -> None:
    studies = tmp_path / "studies"
    studies.mkdir()
    (studies / "deep.yaml").write_text("[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["check", "--format", "json", str(tmp_path)], catch_exceptions=False
    )
    report = json.loads(result.stdout)
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [("ICX008", 1, 65)]
    assert result.exit_code == 1
