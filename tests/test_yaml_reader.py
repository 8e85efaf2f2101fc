"""The positioned YAML reader: hazards, positions and no state carried between files."""

from __future__ import annotations

from icansctl.evidence import yaml_reader
from icansctl.evidence.yaml_reader import parse_text


def test_nothing_accumulates_across_files() -> None:
    for i in range(200):
        parse_text(f"id: f{i}\nn: {i}\nflag: no\nwhen: 2023-01-0{1 + i % 9}\n", f"f{i}.yaml")
    assert yaml_reader._constructor.constructed_objects == {}
    assert len(yaml_reader._PLAIN_CACHE) <= yaml_reader._PLAIN_CACHE_MAX


def test_cached_plain_scalars_resolve_as_yaml_11_every_time() -> None:
    for _ in range(3):
        parsed = parse_text("a: NO\nb: 'NO'\nc: 1.10\nd: null\ne: text\n", "x.yaml")
        assert parsed.data == {"a": False, "b": "NO", "c": 1.1, "d": None, "e": "text"}
        assert parsed.coerced == {("a",): "NO", ("c",): "1.10"}


def test_positions_of_values() -> None:
    parsed = parse_text("id: x\nlist:\n  - {k: 1}\n", "x.yaml")
    assert str(parsed.locate(("list", 0, "k"))) == "x.yaml:3:9"
    assert str(parsed.locate(("list", 5))) == "x.yaml:3:3"  # nearest known ancestor


def test_multiline_syntax_error_names_where_the_construct_began() -> None:
    (finding,) = parse_text("a: [1,\n  2\nb: 3\n", "x.yaml").diagnostics
    assert finding.rule == "ICX001"
    assert "at line 1" in finding.message
