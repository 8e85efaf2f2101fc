"""The command line, in process (CliRunner) and as the installed console script."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    console_script,
    minimal_strategy,
    run_cli,
    run_console,
    run_json,
    subprocess_env,
    write_yaml,
)


def test_compare_terminal_shows_counts_ci_and_sources() -> None:
    result = run_cli("compare", "anakinra", "defibrotide", "--layout", "detail")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "35% (7/20)*†" in out  # derived count, via the editorial
    assert "18.1–56.7" in out  # Wilson CI
    assert "60%†" in out  # matched cohort: percent only, no N
    assert "9.7% (3/31)*" in out
    assert "~50% (10/20)*" in out  # Jacobson's approximate primary end point
    assert "not reported" in out
    assert "None of the 6 studies shown is randomized" in out
    assert "References" in out and "[1] Strati P" in out
    assert "Mixes grading systems" in out  # ASTCT ICANS vs CTCAE neurotoxicity


def test_compare_with_baseline_has_all_four_and_footnotes() -> None:
    result = run_cli(
        "compare",
        "anakinra",
        "corticosteroids",
        "tocilizumab",
        "--baseline",
        "zuma1",
        "--layout",
        "detail",
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    for header in ("ANAKINRA", "CORTICOSTEROIDS", "TOCILIZUMAB", "ZUMA-1 PIVOTAL"):
        assert header in out
    assert "64% (65/101)*†" in out
    assert "CTCAE-graded neurologic events or neurotoxicity are different" in out
    # tocilizumab: qualitative evidence, never a zero rate
    assert "Findings (no" in out
    data = run_json("compare", "tocilizumab", "--baseline", "zuma1", "--format", "json")
    tocilizumab = data["strategies"][0]
    assert tocilizumab["id"] == "tocilizumab"
    cohort3 = tocilizumab["studies"][0]
    assert cohort3["id"] == "locke2017"
    assert cohort3["outcomes"] == [] and cohort3["findings"]


def test_80_columns_never_crops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run_cli("compare", "anakinra", "corticosteroids", "tocilizumab", "--baseline", "zuma1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    for figure in ("35% (7/20)*†", "64% (65/101)*†", "13% (5/40)*", "17% (7/41)*"):
        assert figure in result.stdout, figure


@pytest.mark.parametrize(
    ("alias", "strategy_id"),
    [
        ("Kineret", "anakinra"),
        ("DEFITELIO", "defibrotide"),
        ("steroids", "corticosteroids"),
        ("dexamethasone", "corticosteroids"),
        ("actemra", "tocilizumab"),
        ("ZUMA-1", "zuma1"),
    ],
)
def test_aliases_case_insensitive(alias: str, strategy_id: str) -> None:
    result = run_cli("show", alias, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == strategy_id


def test_unknown_strategy_suggests() -> None:
    result = run_cli("compare", "anakinr", "defibrotide")
    assert result.exit_code == 2
    assert "no strategy 'anakinr'; did you mean: anakinra?" in result.stderr
    assert result.stdout == ""


# What each command must show, typed from evidence/: a JSON check and table text.
ANAKINRA_REFS = [
    "dowling2023",
    "strati2023",
    "park2023",
    "liang2025",
    "anakinra_rw2025",
    "nct04150913",
    "giavridis2018",  # mechanism
    "norelli2018",
    "wehrli2022",
    "jain2023",
    "gazeau2023",
    "nct04205838",  # trials to watch
    "lee2019",  # the study strati2023's notes
]


def _list_json(data: Any) -> None:
    by_id = {s["id"]: s for s in data["strategies"]}
    assert list(by_id) == [
        "anakinra",
        "corticosteroids",
        "defibrotide",
        "itacitinib",
        "lenzilumab",
        "levetiracetam",
        "tocilizumab",
        "zuma1",
    ]
    assert by_id["anakinra"]["aliases"] == ["Kineret", "IL-1 blockade"]
    assert by_id["zuma1"]["kind"] == "baseline"


def _show_json(data: Any) -> None:
    assert data["id"] == "anakinra" and data["drug_class"] == "IL-1 receptor antagonist"
    assert [s["id"] for s in data["studies"]] == [
        "strati2023",
        "park2023",
        "liang2025",
        "anakinra_rw2025",
        "nct04150913",
    ]


def _mechanisms_json(data: Any) -> None:
    assert len(data["nodes"]) == 8 and len(data["edges"]) == 8  # evidence/mechanisms.yaml
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["bbb_disruption"] == "Blood–brain barrier disruption"


def _refs_json(data: Any) -> None:
    assert [r["id"] for r in data["references"]] == ANAKINRA_REFS
    assert [r["number"] for r in data["references"]] == list(range(1, 14))


RENDERED = {
    "list": (_list_json, ["Anakinra (prophylactic IL-1 blockade)", "Kineret", "137"]),
    "show anakinra": (_show_json, ["Strati 2023 [9]", "20% (4/20)*†", "95% CI 8.1–41.6"]),
    "mechanisms": (_mechanisms_json, ["IL-1  ◀ Anakinra", "Blood–brain barrier disruption"]),
    "refs anakinra": (_refs_json, ["[1] Dowling MR, Turtle CJ.", "[13] Lee DW"]),
}


@pytest.mark.parametrize("command", sorted(RENDERED))
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_every_command_renders(command: str, fmt: str) -> None:
    result = run_cli(*command.split(), "--format", fmt)
    assert result.exit_code == 0, result.output
    check_json, shown = RENDERED[command]
    if fmt == "json":
        check_json(json.loads(result.stdout))
    else:
        for text in shown:
            assert text in result.stdout, text


def test_mechanisms_place_each_strategy() -> None:
    data = run_json("mechanisms", "--format", "json")
    acting = {n["id"]: n["strategies"] for n in data["nodes"]}
    assert any("Anakinra" in s for s in acting["il1"])
    assert any("Defibrotide" in s for s in acting["endothelial_activation"])
    assert any("Tocilizumab" in s for s in acting["il6"])
    tree = run_cli("mechanisms", "anakinra").stdout
    assert "IL-1" in tree and "◀ Anakinra" in tree


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "compare.json"
    result = run_cli("compare", "anakinra", "defibrotide", "-f", "json", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["strategies"][0]["id"] == "anakinra"
    assert [p.name for p in tmp_path.iterdir()] == ["compare.json"], "no temporary left over"


def test_output_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a file named '-' would land here, not in the checkout
    result = run_cli("refs", "anakinra", "-f", "markdown", "-o", "-")
    assert result.exit_code == 0
    assert "Strati" in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.skipif(shutil.which("cat") is None, reason="no cat program to read the pipe")
def test_output_to_a_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    """-o /dev/stdout (a pipe or tty) must write to it, never rename a file over it."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    cat = shutil.which("cat")
    assert cat is not None
    reader = subprocess.Popen([cat, str(pipe)], stdout=subprocess.PIPE, text=True)
    result = run_cli("list", "-f", "json", "-o", str(pipe))
    out, _ = reader.communicate(timeout=30)
    assert result.exit_code == 0, result.output
    assert json.loads(out)["strategies"][0]["id"] == "anakinra"
    assert stat.S_ISFIFO(pipe.stat().st_mode), "the pipe is still a pipe"


def test_output_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run_cli("list", "-f", "json", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["strategies"][0]["id"] == "anakinra"


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("list", "-o", str(tmp_path / "missing-dir" / "x.txt"))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_evidence_overlay_adds_and_overrides(tmp_path: Path) -> None:
    write_yaml(tmp_path / "strategies" / "newdrug.yaml", minimal_strategy("newdrug"))
    import yaml

    from icansctl.evidence.discovery import bundled_evidence_dir

    bundled = bundled_evidence_dir() / "strategies" / "defibrotide.yaml"
    override = yaml.safe_load(bundled.read_text(encoding="utf-8"))
    override["name"] = "Defibrotide (local override)"
    write_yaml(tmp_path / "strategies" / "defibrotide.yaml", override)
    result = run_cli("list", "--format", "json", "--evidence", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = {s["id"]: s["name"] for s in json.loads(result.stdout)["strategies"]}
    assert "newdrug" in names and names["defibrotide"] == "Defibrotide (local override)"
    via_env = run_cli("show", "newdrug", "-f", "json", env={"ICANSCTL_EVIDENCE": str(tmp_path)})
    assert via_env.exit_code == 0, via_env.output
    assert json.loads(via_env.stdout)["name"] == "Newdrug (test strategy)"


BROKEN = {
    "syntax": ("strategies/bad.yaml", "id: bad\nname: [unclosed\n", ":3:1", "ICX001"),
    "missing": (
        "references/noyear.yaml",
        "id: noyear\ntype: article\ntitle: A title\ndoi: 10.1000/x\n",
        ":1:1",
        "ICX020",
    ),
    "unknown_ref": (
        "strategies/ghost.yaml",
        None,
        ":",
        "ICX031",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_evidence_names_file_and_line(tmp_path: Path, case: str) -> None:
    relative, text, where, rule = BROKEN[case]
    path = tmp_path / relative
    if text is None:
        write_yaml(path, minimal_strategy("ghost", ref="nosuchref2099"))
    else:
        path.parent.mkdir(parents=True)
        path.write_text(text)
    result = run_cli("compare", "anakinra", "defibrotide", "--evidence", str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    line = next(line for line in result.stderr.splitlines() if rule in line)
    assert relative.split("/")[-1] in line and where in line, line
    if case == "unknown_ref":
        assert "unknown reference 'nosuchref2099'" in line


def test_library_entry_point() -> None:
    from icansctl import load_evidence

    base = load_evidence()
    assert not base.errors
    assert {"anakinra", "defibrotide", "corticosteroids", "tocilizumab", "zuma1"} <= set(
        base.strategies
    )


# --- the installed console script, as a user runs it ------------------------------------


def test_console_script_from_another_directory(tmp_path: Path) -> None:
    result = run_console("compare", "anakinra", "defibrotide", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "35% (7/20)*†" in result.stdout
    assert "\x1b[" not in result.stdout, "plain text to a pipe"
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_console_script_unknown_strategy_exit_code(tmp_path: Path) -> None:
    result = run_console("show", "anakinr", cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean: anakinra?" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "icansctl", "--version"],
        cwd=tmp_path,
        env={**subprocess_env(), "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith("icansctl ")


@pytest.mark.parametrize("columns", ["80", "100", "160"])
def test_list_never_breaks_a_word(columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Narrow terminals get one block per strategy; wide ones a table. Words stay whole."""
    monkeypatch.setenv("COLUMNS", columns)
    items = run_json("list", "-f", "json")["strategies"]
    shown = run_cli("list").stdout
    words_shown = {word.strip(",()") for word in shown.split()}
    for item in items:
        for value in (item["id"], item["name"], item["drug_class"] or "", *item["aliases"]):
            for word in value.split():
                assert word.strip(",()") in words_shown, f"{word!r} is broken at {columns} columns"
    assert max(len(line.rstrip()) for line in shown.splitlines()) <= int(columns)


def test_list_counts_the_patients_compare_shows() -> None:
    """Patients = the strategy's own arms, the same n as the compare columns."""
    items = {i["id"]: i for i in run_json("list", "-f", "json")["strategies"]}
    # Strati, Park, Liang (25) and the real-world cohort's anakinra arm (61);
    # NCT04150913's arm has no n.
    assert items["anakinra"]["patients"] == 20 + 31 + 25 + 61
    assert items["anakinra"]["arms_without_n"] == 1
    # Cohorts 6 and 4, ZUMA-24 (30), Melody's dexamethasone arm (50) and the cilta-cel
    # new cohort (102; its subgroups name no strategy); Darwish's arm has no n.
    assert items["corticosteroids"]["patients"] == 40 + 41 + 30 + 50 + 102
    assert items["defibrotide"]["patients"] == 20
    # Kadauke's 15; cohort 3, Caimi and the meta-analysis' pooled arm have no n.
    assert items["tocilizumab"]["patients"] == 15
    assert items["tocilizumab"]["arms_without_n"] == 3


@pytest.mark.parametrize("columns", ["80", "160"])
def test_show_keeps_figures_and_words_whole(columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Narrow terminals get one block per figure instead of a table that breaks words."""
    monkeypatch.setenv("COLUMNS", columns)
    data = run_json("show", "defibrotide", "-f", "json")
    shown = run_cli("show", "defibrotide").stdout
    words = {w.strip(",;()[]") for w in shown.split()}
    assert max(len(line.rstrip()) for line in shown.splitlines()) <= int(columns)
    for study in data["studies"]:
        for outcome in study["outcomes"]:
            if outcome["ci95"]:
                low, high = outcome["ci95"]
                assert f"{low:.1f}–{high:.1f}" in shown
            for word in (outcome["note"] or "").split():
                assert word.strip(",;()[]") in words, f"{word!r} broken at {columns} columns"


def _in_a_terminal(*args: str, no_color: bool) -> str:
    """What the console script writes to a real (pseudo-)terminal."""
    import pty

    leader, follower = pty.openpty()
    env = subprocess_env(COLUMNS="100", TERM="xterm-256color")
    if not no_color:
        env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [console_script(), *args], stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the program exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals here")
def test_no_color_in_a_terminal_is_plain_text() -> None:
    styled = _in_a_terminal("compare", "anakinra", "defibrotide", no_color=False)
    assert "\x1b[" in styled, "a terminal without NO_COLOR gets styles"
    plain = _in_a_terminal("compare", "anakinra", "defibrotide", no_color=True)
    assert "35% (7/20)" in plain
    assert "\x1b[" not in plain, "NO_COLOR: no escape sequence at all, bold included"


def test_every_listed_reference_is_cited_where_it_is_listed() -> None:
    """References under 'References' are cited in the printed comparison; those only
    study notes cite come last, under their own heading, never unmarked mid-list."""
    out = run_cli(
        "compare", "anakinra", "corticosteroids", "--baseline", "zuma1", "--layout", "detail"
    ).stdout
    body, _, listing = out.partition("\nReferences\n")
    table_refs, _, notes_refs = listing.partition("Cited only in study notes")
    listed = [int(n) for n in re.findall(r"^ *\[(\d+)\]", table_refs, re.MULTILINE)]
    cited = {int(n) for group in re.findall(r"\[([\d, ]+)\]", body) for n in group.split(",")}
    assert listed and set(listed) <= cited
    notes_only = [int(n) for n in re.findall(r"^ *\[(\d+)\]", notes_refs, re.MULTILINE)]
    assert notes_only, "this comparison has references only its study notes cite"
    assert min(notes_only) == max(listed) + 1


@pytest.mark.parametrize("command", ["compare", "show", "check", "slides", "changes"])
def test_an_argument_row_shows_its_name_not_a_python_type(command: str) -> None:
    """Recent Typer writes 'STRATEGY <list[str]>' in the help; the name and its help
    are what a user reads."""
    out = run_cli(command, "--help").stdout
    arguments = out.split("Arguments:")[1].split("Options:")[0]
    assert "<list[" not in arguments and "<str>" not in arguments, arguments
    assert arguments.split()[0] in ("STRATEGY", "PATH"), arguments


# The sections of `show --format json` in the order the terminal prints them.
SHOW_SECTIONS = ["summary", "mechanism", "regimens", "studies", "status", "caveats", "trials"]


def _numbers(node: Any) -> list[int]:
    """Every citation number under a JSON node, in document order."""
    if isinstance(node, dict):
        own = [node["number"]] if isinstance(node.get("number"), int) else []
        return own + [n for key, value in node.items() if key != "number" for n in _numbers(value)]
    if isinstance(node, list):
        return [n for item in node for n in _numbers(item)]
    return []


@pytest.mark.parametrize("strategy", ["anakinra", "corticosteroids", "tocilizumab"])
def test_show_numbers_references_in_the_order_a_reader_meets_them(strategy: str) -> None:
    """Each section brings its new reference numbers after all those of the sections
    above it: [1] is the first source a reader meets, and the list runs 1..N."""
    data = run_json("show", strategy, "--format", "json")
    seen: list[int] = []
    for section in SHOW_SECTIONS:
        new = [n for n in dict.fromkeys(_numbers(data[section])) if n not in seen]
        if new and seen:
            assert min(new) > max(seen), (section, new, seen)
        seen += new
    listed = [r["number"] for r in data["references"]]
    assert listed == list(range(1, len(listed) + 1))
    assert set(seen) <= set(listed)
