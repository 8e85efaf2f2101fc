"""Markdown outputs parse back (markdown-it-py, tables on) into the cells the views hold."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from icansctl import load_evidence
from icansctl.cli import app
from icansctl.evidence import EvidenceBase
from icansctl.render_markdown import INFO_ROWS, compare_markdown, info_value
from icansctl.views import CompareView, compare_view, refs_view

runner = CliRunner()
ALL = ["anakinra", "defibrotide", "corticosteroids", "tocilizumab", "--baseline", "zuma1"]


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def inline_text(token: Token) -> str:
    """The text a reader sees in an inline token (escapes resolved, emphasis dropped)."""
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            parts.append(child.content)
    return "".join(parts)


def tables(text: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first)."""
    out: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in parser().parse(text):
        if token.type == "table_open":
            out.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(inline_text(token))
        elif token.type == "tr_close":
            assert row is not None
            out[-1].append(row)
            row = None
    return out


def list_items(text: str) -> list[str]:
    tokens = parser().parse(text)
    items = []
    for i, token in enumerate(tokens):
        if token.type == "list_item_open":
            items.append(inline_text(tokens[i + 2]))
    return items


def norm(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=1)
def base() -> EvidenceBase:
    return load_evidence()


def full_view() -> CompareView:
    b = base()
    names = ["anakinra", "defibrotide", "corticosteroids", "tocilizumab", "zuma1"]
    return compare_view(b, [b.resolve_strategy(n) for n in names])


def check_compare_table(view: CompareView, text: str) -> None:
    (table,) = tables(text)
    header, *body = table
    assert len(header) == len(view.columns) + 1
    for cell, column in zip(header[1:], view.columns, strict=True):
        expected = f"{norm(column.strategy_short_name)}: {norm(column.header)} "
        assert cell == expected + f"[{column.reference_number}]"
    assert len(body) == len(INFO_ROWS) + len(view.rows)
    for row in body:
        assert len(row) == len(view.columns) + 1
    for key, row in zip(INFO_ROWS, body, strict=False):
        for cell, column in zip(row[1:], view.columns, strict=True):
            value = info_value(column, key)
            assert cell == (norm(value) if value is not None else "not reported")
    for view_row, row in zip(view.rows, body[len(INFO_ROWS) :], strict=True):
        assert row[0].startswith(norm(view_row.label))
        for cell, figures in zip(row[1:], view_row.cells, strict=True):
            if not figures:
                assert cell == "not reported"
            for figure in figures:
                assert figure.value_text + figure.markers in cell
                if figure.ci_text:
                    assert f"95% CI {figure.ci_text}" in cell


def test_compare_markdown_table_holds_the_view_cells() -> None:
    result = runner.invoke(app, ["compare", *ALL, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    check_compare_table(full_view(), result.stdout)
    assert "35% (7/20)*†; 95% CI 18.1–56.7 [1, 2]" in result.stdout.replace("\\", "")
    assert "Mixes grading systems" in result.stdout
    assert "```text" in result.stdout and "├" in result.stdout  # the chart


def test_list_show_mechanisms_refs_markdown() -> None:
    out = runner.invoke(app, ["list", "-f", "markdown"]).stdout
    (table,) = tables(out)
    assert table[0][:2] == ["id", "Strategy"] and len(table) == 1 + len(base().strategies)
    show = runner.invoke(app, ["show", "anakinra", "-f", "markdown"])
    assert show.exit_code == 0, show.output
    study_tables = tables(show.stdout)
    assert len(study_tables) == 2  # Strati 2023 and Park 2023
    assert study_tables[0][2][2:4] == ["20% (4/20)*†", "8.1–41.6"]
    assert "no N" in [row[3] for row in study_tables[0]]
    mech = runner.invoke(app, ["mechanisms", "-f", "markdown"]).stdout
    assert "```mermaid\nflowchart LR\n" in mech
    assert 'n7["Blood#8211;brain barrier disruption"]' in mech
    assert "s1 -. acts on .-> n1" in mech
    refs = runner.invoke(app, ["refs", "anakinra", "-f", "markdown"]).stdout
    b = base()
    expected = [norm(r.text) for r in refs_view(b, [b.resolve_strategy("anakinra")])]
    assert list_items(refs) == expected
    assert refs.startswith("# References\n\n1. Dowling MR")


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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(study=NASTY, product=NASTY, claim=NASTY)
def test_arbitrary_evidence_text_keeps_the_table_shape(
    study: str, product: str, claim: str
) -> None:
    view = full_view()
    columns = [
        dataclasses.replace(c, study_name=study + c.study_name, product=product)
        for c in view.columns
    ]
    first = view.strategies[0]
    caveat = dataclasses.replace(first.caveats[0], text=claim)
    strategies = [dataclasses.replace(first, caveats=[caveat]), *view.strategies[1:]]
    nasty = dataclasses.replace(view, columns=columns, strategies=strategies)
    text = compare_markdown(nasty)
    check_compare_table(nasty, text)
    assert "<script>" not in parser().render(text)
    expected = f"{norm(first.name.split(' (')[0])}: {norm(claim)} {caveat.markers}"
    assert expected in list_items(text)


def _images(text: str) -> list[tuple[str, str]]:
    """(src, alt) of every image in a Markdown document."""
    found = []
    for token in parser().parse(text):
        for child in token.children or []:
            if child.type == "image":
                found.append((str(child.attrs["src"]), child.content))
    return found


def test_markdown_file_carries_the_forest_plot_as_svg_beside_it(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET
    from urllib.parse import unquote

    target = tmp_path / "journal club.md"
    for command in (["compare", "anakinra", "defibrotide"], ["show", "anakinra"]):
        result = CliRunner().invoke(app, [*command, "-f", "markdown", "-o", str(target)])
        assert result.exit_code == 0, result.output
        images = _images(target.read_text(encoding="utf-8"))
        assert len(images) == 1 and images[0][1].startswith("Forest plot")
        picture = tmp_path / unquote(images[0][0])
        assert picture.name == "journal club.forest.svg"
        svg = ET.parse(picture).getroot()
        assert svg.tag.endswith("svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "journal club.forest.svg",
        "journal club.md",
    ], "no temporary files left"


def test_markdown_on_stdout_has_no_picture_to_link() -> None:
    result = CliRunner().invoke(app, ["compare", "anakinra", "defibrotide", "-f", "markdown"])
    assert result.exit_code == 0
    assert _images(result.stdout) == []
    assert "```text" in result.stdout or "````text" in result.stdout  # the chart is there
