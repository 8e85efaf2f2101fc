"""Regression tests for the output findings of the reliability audit (reliability-2026-12.md):
never lose a file, never crash on the environment, never crop a number.

Each test is named after its finding.  Expected values are literals from the bundled
evidence (hand-checked: Wilson 7/20 = 18.1-56.7, as in the audit) or cross-format
facts (the JSON's counts must appear in the terminal output), never values computed
by the code under test.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from icansctl.cli.main import app

from .conftest import ROOT, console_script, minimal_strategy, subprocess_env, write_yaml

runner = CliRunner()
COMPARE_ALL = [
    "compare",
    "anakinra",
    "defibrotide",
    "corticosteroids",
    "tocilizumab",
    "--baseline",
    "zuma1",
]


def invoke(*args: str, **env: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env or None, catch_exceptions=False)


def run_script(*args: str, stdin: int | None = subprocess.DEVNULL, **env: str):  # type: ignore[no-untyped-def]
    """The installed console script as a real process: stdin, stdout and stderr are
    not terminals, so only the environment decides the width and the encoding."""
    return subprocess.run(
        [console_script(), *args],
        stdin=stdin,
        capture_output=True,
        env=subprocess_env(**env),
        timeout=120,
    )


# --- F1: COLUMNS=0, negative, empty or not a number ---------------------------------

BAD_COLUMNS = ["0", "-5", "", "abc", "1"]


@pytest.mark.parametrize("columns", BAD_COLUMNS)
def test_F1_bad_COLUMNS_never_empties_stdout_or_crashes(columns: str) -> None:
    table = invoke("compare", "anakinra", COLUMNS=columns)
    assert table.exit_code == 0
    assert "35% (7/20)*†" in table.stdout and "18.1–56.7" in table.stdout
    data = json.loads(invoke("compare", "anakinra", "-f", "json", COLUMNS=columns).stdout)
    assert data["strategies"][0]["id"] == "anakinra"
    markdown = invoke("refs", "-f", "markdown", COLUMNS=columns)
    assert markdown.exit_code == 0 and "Strati P" in markdown.stdout
    for command in ("list", "show", "refs", "mechanisms"):
        args = [command, "anakinra"] if command == "show" else [command]
        result = invoke(*args, COLUMNS=columns)
        assert result.exit_code == 0 and len(result.stdout) > 500, (command, result.stdout)


def test_F1_files_are_100_columns_whatever_COLUMNS_says(tmp_path: Path) -> None:
    target = tmp_path / "c.txt"
    contents = set()
    for columns in ("0", "-5", "", "abc", "1", "40", "300"):
        target.write_text("previous\n", encoding="utf-8")
        result = invoke("compare", "anakinra", "-o", str(target), COLUMNS=columns)
        assert result.exit_code == 0
        text = target.read_text(encoding="utf-8")
        contents.add(text)
        assert "35% (7/20)*†" in text and "9.7% (3/31)*" in text
    (text,) = contents  # the same file every time
    assert max(len(line) for line in text.splitlines()) <= 100
    refs = tmp_path / "r.txt"
    assert invoke("refs", "-o", str(refs), COLUMNS="-5").exit_code == 0
    assert "Strati P" in refs.read_text(encoding="utf-8")


def test_F1_stdout_without_a_terminal_falls_back_to_80_columns() -> None:
    widths = {}
    for columns in ("abc", "0", ""):
        result = run_script("compare", "anakinra", COLUMNS=columns)
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
        lines = result.stdout.decode("utf-8").splitlines()
        widths[columns] = max(len(line) for line in lines)
    assert set(widths.values()) == {80}, widths


# --- F8: compare never crops a figure, 20 to 130 columns ----------------------------


def _figures_from_json() -> set[str]:
    """Every 'percent (events/total)' with its markers, and every CI, as JSON gives them."""
    data = json.loads(invoke(*COMPARE_ALL, "-f", "json").stdout)
    wanted: set[str] = set()
    for strategy in data["strategies"]:
        for study in strategy["studies"]:
            for outcome in study["outcomes"]:
                provenance = outcome.get("provenance") or {}
                markers = ("*" if provenance.get("count") == "derived" else "") + (
                    "†" if provenance.get("source") == "via" else ""
                )
                if outcome["events"] is not None and outcome["total"] is not None:
                    counts = f"({outcome['events']}/{outcome['total']})"
                    wanted.add(f"{outcome['percent_text']} {counts}{markers}")
                if outcome["ci95"]:
                    low, high = outcome["ci95"]
                    wanted.add(f"{low:.1f}–{high:.1f}")
    return wanted


def _crops(widths: Iterable[int]) -> dict[int, tuple[list[str], list[str]]]:
    """The widths at which the detail comparison cuts a figure or overruns the width."""
    wanted = _figures_from_json()
    # Literals from the evidence, so that the check cannot pass on an empty JSON.
    assert {"35% (7/20)*†", "9.7% (3/31)*", "64% (65/101)*†", "18.1–56.7"} <= wanted
    assert len(wanted) > 40
    failures = {}
    for width in widths:
        out = invoke(*COMPARE_ALL, "--layout", "detail", COLUMNS=str(width)).stdout
        lines = out.splitlines()
        missing = sorted(x for x in wanted if not any(x in line for line in lines))
        too_wide = [line for line in lines if len(line.rstrip()) > width]
        if missing or too_wide or "not repo\n" in out:
            failures[width] = (missing[:3], too_wide[:1])
    return failures


# The widths where a layout changes (one block per arm below 35, chunks of whole study
# columns above) and the audit's cropping widths (100-104, 117-122, 134-136).
QUICK_CROP_WIDTHS = [20, 21, 34, 35, 36, 50, 60, 79, 80, 81, 100, 104, 117, 122, 130]


def test_F8_compare_never_crops_a_number_at_the_widths_that_matter() -> None:
    assert not _crops(QUICK_CROP_WIDTHS)


@pytest.mark.slow
def test_F8_compare_never_crops_a_number_at_any_width_from_20_to_130() -> None:
    assert not _crops(range(20, 131))


def test_F8_narrow_compare_is_one_block_per_arm_with_every_row() -> None:
    out = invoke("compare", "anakinra", "--layout", "detail", COLUMNS="20").stdout
    lines = [line.rstrip() for line in out.splitlines()]
    assert "ANAKINRA" in lines  # the strategy heads its block
    # each row label, then the arm's figures below it, never side by side
    assert lines.count("    9.7% (3/31)*") == 1
    assert "    3.3–24.9" in lines
    assert sum("not reported" in line for line in lines) > 5


# --- F10: a standard output that cannot encode UTF-8 --------------------------------

ENCODINGS = {
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "C locale": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
}
F10_COMMANDS = {
    "compare": ["compare", "anakinra"],
    "show": ["show", "anakinra"],
    "refs": ["refs", "anakinra"],
    "mechanisms": ["mechanisms"],
    "json": ["compare", "anakinra", "-f", "json"],
    "markdown": ["compare", "anakinra", "-f", "markdown"],
    "bibtex": ["refs", "-f", "bibtex"],
}


def _child_encoding(env: dict[str, str]) -> str:
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.stdout.encoding)"],
        capture_output=True,
        text=True,
        env=subprocess_env(**env),
        check=True,
    )
    return probe.stdout.strip()


@pytest.mark.parametrize("command", F10_COMMANDS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_F10_stdout_that_cannot_encode_unicode_gets_ascii_not_a_traceback(
    encoding: str, command: str
) -> None:
    env = ENCODINGS[encoding]
    codec = _child_encoding(env)
    if codec.lower().replace("-", "") in ("utf8", "utf_8"):
        pytest.skip(f"this Python prints UTF-8 under {env}")
    result = run_script(*F10_COMMANDS[command], **env)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr and b"Error" not in result.stderr
    text = result.stdout.decode(codec)  # exactly what the terminal can show
    if command == "json":
        utf8 = json.loads(invoke(*F10_COMMANDS[command]).stdout)
        assert json.loads(text) == utf8  # the same data, as \u escapes
        assert text.isascii()
    elif command == "compare":
        assert "35% (7/20)*+" in text and "18.1-56.7" in text
        # ">=3", not "grade >=3": where the label wraps depends on Rich's column widths.
        assert ">=3" in text and "ICANS or" in text
        assert "+----" in text or "|" in text  # ASCII table borders
    elif command == "markdown":
        assert "35% (7/20)\\*+" in text or "35% (7/20)*+" in text
        assert "18.1-56.7" in text and ">=3" in text
    elif command == "bibtex":
        assert "@article{strati2023," in text
    elif command == "show":
        assert "Anakinra" in text and "* " in text  # bullets
    elif command == "refs":
        assert "Strati P" in text and "[1] " in text
    elif command == "mechanisms":
        assert "<- Anakinra" in text


# --- F11: all or nothing; umask; the user's path in errors ---------------------------


def test_F11_slides_onto_a_directory_replaces_no_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deck.md").mkdir()
    for name in ("deck.forest.svg", "deck.mechanisms.svg"):
        (tmp_path / name).write_text("OLD\n", encoding="utf-8")
    result = invoke("slides", "anakinra", "-o", "deck.md")
    assert result.exit_code == 2
    assert result.stderr == "icansctl: cannot write deck.md: Is a directory\n"
    assert (tmp_path / "deck.forest.svg").read_text(encoding="utf-8") == "OLD\n"
    assert (tmp_path / "deck.mechanisms.svg").read_text(encoding="utf-8") == "OLD\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "deck.forest.svg",
        "deck.md",
        "deck.mechanisms.svg",
    ]


def test_F11_a_rename_that_fails_late_puts_back_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icansctl.render import output

    old_picture = tmp_path / "deck.forest.svg"
    old_picture.write_text("OLD picture\n", encoding="utf-8")
    new_picture = tmp_path / "deck.mechanisms.svg"  # does not exist yet
    deck = tmp_path / "deck.md"
    deck.write_text("OLD deck\n", encoding="utf-8")
    real_replace = os.replace

    def failing_replace(src: str, dst: str | Path) -> None:
        if Path(dst) == deck:
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(output.OutputError) as caught:
        output.write_files_atomic(
            {old_picture: "<svg>new</svg>", new_picture: "<svg>new</svg>", deck: "new deck"}
        )
    assert str(caught.value) == f"cannot write {deck}: Permission denied"
    monkeypatch.setattr(output.os, "replace", real_replace)
    assert old_picture.read_text(encoding="utf-8") == "OLD picture\n"
    assert not new_picture.exists()
    assert deck.read_text(encoding="utf-8") == "OLD deck\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.forest.svg", "deck.md"]


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_F11_new_files_follow_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    os.umask(mask)
    deck = tmp_path / "deck.md"
    assert invoke("slides", "anakinra", "-o", str(deck)).exit_code == 0
    table = tmp_path / "list.txt"
    assert invoke("list", "-o", str(table)).exit_code == 0
    for path in (deck, tmp_path / "deck.forest.svg", tmp_path / "deck.mechanisms.svg", table):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path.name


@pytest.mark.usefixtures("umask")
def test_F11_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    os.umask(0o022)
    target = tmp_path / "refs.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    assert invoke("refs", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "Strati P" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["compare", "anakinra", "-f", "markdown"],
        ["slides", "anakinra"],
        ["plot"],
        ["check"],
    ],
)
def test_F11_write_errors_name_the_users_path_not_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args, "-o", "nodir/out.md")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "icansctl: cannot write nodir/out.md: No such file or directory"
    )
    assert ".tmp" not in result.stderr and str(tmp_path) not in result.stderr


# --- F12: deck names with spaces or parentheses keep their pictures -------------------


@pytest.mark.parametrize("name", ["Journal club.md", "deck (v2).md", "50% [draft].md"])
def test_F12_deck_name_with_spaces_or_parentheses_keeps_its_pictures(
    tmp_path: Path, name: str
) -> None:
    from markdown_it import MarkdownIt

    deck = tmp_path / name
    result = invoke("slides", "anakinra", "-o", str(deck))
    assert result.exit_code == 0, result.output
    tokens = MarkdownIt("commonmark").parse(deck.read_text(encoding="utf-8"))
    images = [
        child.attrs["src"]
        for token in tokens
        if token.children
        for child in token.children
        if child.type == "image"
    ]
    stem = name.removesuffix(".md")
    assert sorted(unquote(str(src)) for src in images) == [
        f"{stem}.forest.svg",
        f"{stem}.icans_any.forest.svg",
        f"{stem}.mechanisms.svg",
    ]
    for src in images:
        assert (tmp_path / unquote(str(src))).read_text(encoding="utf-8").startswith("<svg")


# --- F17: -o - is standard output for every command ---------------------------------


def test_F17_dash_is_stdout_for_plot_and_slides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    chart = invoke("plot", "anakinra", "-o", "-")
    assert chart.exit_code == 0 and "4/20" in chart.stdout and "3/31" in chart.stdout
    assert "<svg" not in chart.stdout  # auto on stdout is the text chart
    svg = invoke("plot", "-o", "-", "-f", "svg")
    assert svg.exit_code == 0 and svg.stdout.startswith("<svg")
    deck = invoke("slides", "anakinra", "-o", "-")
    assert deck.exit_code == 0
    assert deck.stdout.startswith("---\nmarp: true\n")
    assert "![" not in deck.stdout  # no links to pictures that were never written
    assert "on stdout, without pictures (they need -o FILE)" in deck.stderr
    for command in (["compare", "anakinra"], ["refs"], ["check"], ["schema"]):
        assert invoke(*command, "-o", "-").stdout
    assert list(tmp_path.iterdir()) == []  # no file named "-", "-.forest.svg"...


# --- F18: Ctrl-C at start-up ---------------------------------------------------------


# Ctrl-C is sent from inside the process at a chosen step (an import hook, or a wrapped
# loader), so the test checks the same moment on a fast machine and a slow one.
_INTERRUPT_AT = """
import builtins, os, signal, sys
sys.argv = ["icansctl", "compare", "anakinra", "defibrotide"]
moment = {moment!r}
if moment == "import":
    real_import = builtins.__import__
    def hooked(name, *args, **kwargs):
        if name == "typer":  # the first heavy import of start-up
            builtins.__import__ = real_import
            os.kill(os.getpid(), signal.SIGINT)
        return real_import(name, *args, **kwargs)
    builtins.__import__ = hooked
    from icansctl.__main__ import main
else:
    from icansctl.__main__ import main
    import icansctl.check.load as loader
    real_load = loader.load_evidence
    def interrupted_load(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return real_load(*args, **kwargs)
    loader.load_evidence = interrupted_load
main()
"""


def _interrupted_at(moment: str) -> tuple[int, str, str]:
    """Exit status (as a shell reports it), stdout and stderr of a run Ctrl-C'd at ``moment``."""
    process = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_AT.format(moment=moment)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=subprocess_env(ICANSCTL_NO_CACHE="1"),  # the loader runs, not the cache
        timeout=120,
    )
    code = process.returncode
    return (
        (128 - code if code < 0 else code),
        process.stdout.decode("utf-8", "replace"),
        process.stderr.decode("utf-8", "replace"),
    )


@pytest.mark.parametrize("moment", ["import", "loading"])
def test_F18_ctrl_c_exits_130_without_a_traceback(moment: str) -> None:
    code, stdout, stderr = _interrupted_at(moment)
    assert code == 130, (moment, code, stderr)
    assert stdout == "", "nothing printed: the comparison was never finished"
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, (moment, stderr)


# --- F19: help, README, hints, warnings ----------------------------------------------


def test_F19_bare_icansctl_shows_help_and_exits_0() -> None:
    result = run_script()
    assert result.returncode == 0
    assert result.stdout.decode("utf-8").startswith("Usage: icansctl [OPTIONS] COMMAND")


def test_F19_usage_lines_use_plain_metavars() -> None:
    usage = {
        "show": "Usage: icansctl show [OPTIONS] STRATEGY\n",
        "compare": "Usage: icansctl compare [OPTIONS] STRATEGY...\n",
        "refs": "Usage: icansctl refs [OPTIONS] [STRATEGY]...\n",
        "mechanisms": "Usage: icansctl mechanisms [OPTIONS] [STRATEGY]...\n",
        "plot": "Usage: icansctl plot [OPTIONS] [STRATEGY]...\n",
    }
    for command, line in usage.items():
        assert invoke(command, "--help").stdout.startswith(line), command


COMMANDS = ["list", "show", "compare", "mechanisms", "refs", "plot", "slides", "check", "schema"]


@pytest.mark.parametrize("command", COMMANDS)
def test_F19_every_command_help_shows_an_example(command: str) -> None:
    text = invoke(command, "--help").stdout
    assert re.search(rf"^\s+icansctl {command}\b", text, re.MULTILINE), text


def test_F19_readme_names_each_commands_own_formats() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        # Click 8.0 writes the choices as [a|b], newer Typer as <a|b>.
        match = re.search(r"--format [<\[]([a-z|-]+)[>\]]", invoke(command, "--help").stdout)
        if match is None:
            assert command in ("slides", "schema")  # no --format at all
            continue
        formats = match.group(1).replace("|", r"\|")
        assert re.search(rf"`{command}`[^\n]*`{formats}`", readme), (command, match.group(1))


def test_F19_wrapped_lines_in_show_and_mechanisms_keep_their_indent() -> None:
    show = [line.rstrip() for line in invoke("show", "anakinra", COLUMNS="80").stdout.splitlines()]
    regimens = show[show.index("Regimens") + 1 :]
    regimens = regimens[: regimens.index("Studies")]
    assert regimens and all(line.startswith("  ") for line in regimens if line.strip())
    assert any(line.startswith("  (studies: strati2023)") for line in regimens)
    tree = [line.rstrip() for line in invoke("mechanisms", COLUMNS="80").stdout.splitlines()]
    nodes = tree[tree.index("Nodes") + 1 :]
    nodes = nodes[: next(i for i, line in enumerate(nodes) if line.startswith("References"))]
    assert all(line.startswith("  ") for line in nodes if line.strip())
    assert "  protection)" in nodes


def test_F19_plot_format_follows_the_file_name(tmp_path: Path) -> None:
    text = tmp_path / "forest.txt"
    result = invoke("plot", "anakinra", "-o", str(text))
    assert result.exit_code == 0 and result.stderr == ""
    assert "4/20" in text.read_text(encoding="utf-8")
    assert "<svg" not in text.read_text(encoding="utf-8")
    svg = tmp_path / "forest.svg"
    result = invoke("plot", "-o", str(svg))
    assert result.stderr == "" and svg.read_text(encoding="utf-8").startswith("<svg")
    other = tmp_path / "forest.png"
    result = invoke("plot", "-o", str(other))
    assert result.exit_code == 0
    assert f"writing an SVG picture to {other}" in result.stderr


def test_F19_slides_warn_for_a_non_markdown_name_and_an_unknown_theme(tmp_path: Path) -> None:
    # (deck.pptx is a PowerPoint deck since issue 11: tests/test_pptx.py)
    result = invoke("slides", "anakinra", "-o", str(tmp_path / "deck.html"))
    assert result.exit_code == 0
    assert "deck.html will hold Marp Markdown" in result.stderr
    result = invoke("slides", "anakinra", "--theme", "nosuch", "-o", str(tmp_path / "d.md"))
    assert result.exit_code == 0
    assert "'nosuch' is not a built-in Marp theme" in result.stderr
    assert result.stderr.endswith("and 3 pictures\n")  # not "3 picture(s)"


def test_F19_baseline_option_takes_only_a_baseline() -> None:
    result = invoke("compare", "tocilizumab", "--baseline", "anakinra")
    assert result.exit_code == 2
    assert result.stderr == (
        "icansctl: 'anakinra' is not a baseline (baselines: zuma1); "
        "name it among the strategies to compare it\n"
    )
    assert invoke("compare", "tocilizumab", "--baseline", "ZUMA-1").exit_code == 0


def test_F19_strict_and_fail_on_error_contradict_each_other() -> None:
    result = invoke("check", "--strict", "--fail-on", "error")
    assert result.exit_code == 2 and "contradicts --fail-on error" in result.stderr
    assert invoke("check", "--strict", "--fail-on", "warning").exit_code == 0


def test_F19_evidence_error_hint_names_the_evidence_dirs(tmp_path: Path) -> None:
    overlay = tmp_path / "my evidence"
    broken = minimal_strategy("newdrug")
    broken["summary"][0]["cite"][0]["ref"] = "nosuchref"
    write_yaml(overlay / "strategies" / "newdrug.yaml", broken)
    result = invoke("list", "--evidence", str(overlay))
    assert result.exit_code == 2
    assert f"run 'icansctl check -e '{overlay}'' for details" in result.stderr
    assert invoke("check", "-e", str(overlay)).exit_code == 1  # the hint finds it


def test_F19_plot_says_which_strategies_have_no_figure_for_the_endpoint() -> None:
    result = invoke("plot", "tocilizumab")
    assert result.exit_code == 0
    assert "no figure for 'ICANS or neurologic events, grade ≥3' from: Tocilizumab" in (
        result.stderr
    )
    assert "Tocilizumab" not in invoke("plot", "anakinra").stderr


def test_F19_unknown_endpoint_is_called_unknown_and_lists_the_ids() -> None:
    result = invoke("plot", "--endpoint", "icans_grade_3")
    assert result.exit_code == 2
    assert "unknown endpoint 'icans_grade_3'" in result.stderr
    assert "icans_grade3plus" in result.stderr and "crs_any" in result.stderr


def test_F19_piped_plot_is_as_wide_as_the_tables() -> None:
    env = {k: v for k, v in subprocess_env().items() if k != "COLUMNS"}
    result = subprocess.run(
        [console_script(), "plot"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.decode("utf-8").splitlines()) <= 80
