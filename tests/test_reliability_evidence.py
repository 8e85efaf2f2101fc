"""Regression tests for the audit's impostor, overlay and empty-check findings (F4, F5, F16).

Each test types the audit's reproduction (reliability-2026-12.md) with a minimal overlay
built by ``mkov()`` below, the audit's shell function in Python.  Expected strings are
written out by hand: file positions are counted in the YAML written here or read from
the bundled evidence files, figures from evidence/studies/park2023.yaml.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from icansctl.check.load import load_evidence
from icansctl.check.runner import run_check
from icansctl.cli.completion import strategy_names
from icansctl.cli.main import app
from icansctl.evidence.discovery import discover

from .conftest import ROOT, console_script, subprocess_env
from .overlay import STRATEGY, write_overlay

BUNDLED = ROOT / "evidence"


def mkov(folder: Path) -> Path:
    """The audit's minimal valid overlay: 1 reference, 1 study, 1 strategy."""
    return write_overlay(folder)


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file (the audit's ``sed``), failing if it is absent."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def icansctl(*args: str) -> Result:
    """Run the CLI in-process; a traceback is a bug, so it propagates."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def lines(text: str) -> list[str]:
    """Non-empty lines with trailing spaces removed (Rich pads table lines)."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder as the current directory, so that paths print as 'audit/...'."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "audit").mkdir()
    return tmp_path


def park_overridden(work: Path) -> Path:
    """The audit's F16 overlay: Park 2023 grade >=3 ICANS changed from 3/31 to 0/31."""
    folder = work / "audit" / "ovr"
    (folder / "studies").mkdir(parents=True)
    text = (BUNDLED / "studies" / "park2023.yaml").read_text(encoding="utf-8")
    # The bundled file gives grade >=3 ICANS as 3 events, 9.7% (checked: exactly one each).
    assert text.count("    events: 3\n") == 1 and text.count("    reported_percent: 9.7\n") == 1
    text = text.replace("    events: 3\n", "    events: 0\n").replace(
        "    reported_percent: 9.7\n", "    reported_percent: 0\n"
    )
    (folder / "studies" / "park2023.yaml").write_text(text, encoding="utf-8")
    return folder


# --- F4: a strategy name cannot hijack another strategy's id or alias -----------------


def test_F4_strategy_named_like_a_bundled_id_is_a_check_finding(work: Path) -> None:
    hijack = mkov(work / "audit" / "hijack")
    edit(hijack / "strategies" / "hostile.yaml", 'name: "Hostile strategy"', 'name: "Anakinra"')
    result = icansctl("check", "audit/hijack")
    assert result.exit_code == 1
    found = lines(result.stdout)
    assert found[0].startswith(
        "audit/hijack/strategies/hostile.yaml:2:7: ICX053 strategy name 'Anakinra' is already "
        "the id of strategy 'anakinra' ("
    )
    assert found[0].endswith(
        "evidence/strategies/anakinra.yaml:1:5), so 'Anakinra' finds that one; choose another name"
    )
    assert found[1] == "failed: 1 error, 0 warnings in 1 file (3 files checked)"


def test_F4_exact_id_wins_over_a_name_and_a_bundled_alias_over_a_later_name(
    work: Path,
) -> None:
    hijack = mkov(work / "audit" / "hijack")
    edit(hijack / "strategies" / "hostile.yaml", 'name: "Hostile strategy"', 'name: "Anakinra"')
    base = load_evidence([hijack])
    assert base.resolve_strategy("anakinra").name == "Anakinra (prophylactic IL-1 blockade)"
    assert base.resolve_strategy("ANAKINRA").id == "anakinra"
    assert base.resolve_strategy("hostile").name == "Anakinra"
    edit(hijack / "strategies" / "hostile.yaml", 'name: "Anakinra"', 'name: "Kineret"')
    base = load_evidence([hijack])
    # "Kineret" is a bundled alias of anakinra (evidence/strategies/anakinra.yaml line 4).
    assert base.resolve_strategy("kineret").id == "anakinra"
    assert [d.rule for d in base.errors] == ["ICX053"]
    assert "strategy name 'Kineret' is already the alias of strategy 'anakinra'" in str(
        base.errors[0]
    )


def test_F4_rendering_refuses_an_impostor_and_the_hint_names_the_folder(work: Path) -> None:
    hijack = mkov(work / "audit" / "hijack")
    edit(hijack / "strategies" / "hostile.yaml", 'name: "Hostile strategy"', 'name: "Anakinra"')
    result = icansctl("compare", "anakinra", "-e", "audit/hijack")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert lines(result.stderr)[-1] == (
        "icansctl: 1 error(s) in the evidence; run 'icansctl check -e audit/hijack' for details"
    )


def test_F4_alias_colliding_with_another_overlay_strategy_is_found_by_both_checks(
    work: Path,
) -> None:
    """The streaming check (records) and the whole-base check (models) agree."""
    folder = mkov(work / "audit" / "twins")
    second = STRATEGY.replace("id: hostile", "id: hostile2").replace(
        'name: "Hostile strategy"', 'name: "Other strategy"'
    )
    second = second.replace("studies: [hostile]", "studies: []")
    (folder / "strategies" / "hostile2.yaml").write_text(second, encoding="utf-8")
    # hostile2 keeps the alias "Hostile": the id of the first strategy, ignoring case.
    streamed = [str(d) for d in run_check(evidence_dirs=[folder]).findings]
    whole = [str(d) for d in load_evidence([folder]).diagnostics]
    expected = (
        "audit/twins/strategies/hostile2.yaml:3:11: ICX053 strategy alias 'Hostile' is "
        "already the id of strategy 'hostile' (audit/twins/strategies/hostile.yaml:1:5), "
        "so 'Hostile' finds that one; choose another alias"
    )
    assert streamed == [expected]
    assert whole == [expected]


# --- F5: check fails when it checked nothing; symlinked folders are followed ---------


def _linked(work: Path) -> Path:
    mkov(work / "audit" / "real")
    linked = work / "audit" / "linked"
    linked.mkdir()
    for kind in ("studies", "strategies", "references"):
        try:
            (linked / kind).symlink_to(Path("..", "real", kind), target_is_directory=True)
        except (OSError, NotImplementedError):
            pytest.skip("symbolic links are not available here")
    return linked


def test_F5_symlinked_kind_folders_are_checked_and_loaded(work: Path) -> None:
    _linked(work)
    result = icansctl("check", "audit/linked")
    assert (result.exit_code, lines(result.stdout)) == (0, ["ok: 3 files checked, no findings"])
    shown = icansctl("compare", "hostile", "-e", "audit/linked", "-f", "json")
    assert shown.exit_code == 0
    (strategy,) = json.loads(shown.stdout)["strategies"]
    (study,) = strategy["studies"]
    (outcome,) = study["outcomes"]
    assert (strategy["id"], outcome["events"], outcome["total"]) == ("hostile", 8, 40)


def test_F5_symlinked_folders_are_offered_by_completion_too(work: Path) -> None:
    linked = _linked(work)
    assert ("hostile", "Hostile strategy") in list(strategy_names([linked]))


def test_F5_a_symlink_loop_is_walked_once_and_ends(work: Path) -> None:
    folder = mkov(work / "audit" / "loop")
    try:
        (folder / "studies" / "again").symlink_to(Path(".."), target_is_directory=True)
        (folder / "twice").symlink_to(Path("studies"), target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")
    names = sorted(p.relative_to(folder).as_posix() for p in discover(folder))
    # Each real folder once: "studies/again" is the root itself, "twice" is "studies".
    assert names == [
        "references/hostileref.yaml",
        "strategies/hostile.yaml",
        "studies/hostile.yaml",
    ]
    result = icansctl("check", "audit/loop")
    assert (result.exit_code, lines(result.stdout)) == (0, ["ok: 3 files checked, no findings"])


@pytest.mark.parametrize(
    "setup",
    ["empty", "only-hidden", "hidden-folder"],
)
def test_F5_a_folder_without_evidence_files_exits_2(work: Path, setup: str) -> None:
    folder = work / "audit" / "nothing"
    folder.mkdir()
    if setup == "only-hidden":
        (folder / ".hidden.yaml").write_text("id: x\n", encoding="utf-8")
    elif setup == "hidden-folder":
        mkov(folder / ".git")
    result = icansctl("check", "audit/nothing")
    assert result.exit_code == 2
    assert lines(result.stdout) == [
        "audit/nothing: ICX012 no evidence files here (*.yaml or *.yml, outside hidden folders)",
        "failed: 1 error, 0 warnings in 1 file (0 files checked)",
    ]


def test_F5_an_empty_evidence_folder_fails_check_and_rendering(work: Path) -> None:
    (work / "audit" / "empty").mkdir()
    mkov(work / "audit" / "real")
    checked = icansctl("check", "--evidence", "audit/empty", "audit/real")
    assert checked.exit_code == 2
    assert "audit/empty: ICX012 no evidence files here" in checked.stdout
    shown = icansctl("list", "-e", "audit/empty")
    assert shown.exit_code == 2
    assert lines(shown.stderr)[0] == (
        "audit/empty: ICX012 no evidence files here (*.yaml or *.yml, outside hidden folders)"
    )


def test_F5_a_missing_evidence_folder_is_reported_when_paths_are_given(work: Path) -> None:
    mkov(work / "audit" / "real")
    result = icansctl("check", "--evidence", "audit/nosuch", "audit/real")
    assert result.exit_code == 2
    assert "audit/nosuch: ICX012 no such file or directory" in lines(result.stdout)


def test_F5_upper_case_yaml_files_are_evidence_everywhere(work: Path) -> None:
    folder = mkov(work / "audit" / "upper")
    for kind, name in (("studies", "hostile"), ("strategies", "hostile")):
        (folder / kind / f"{name}.yaml").rename(folder / kind / f"{name}.YAML")
    (folder / "references" / "hostileref.yaml").rename(folder / "references" / "hostileref.Yml")
    result = icansctl("check", "audit/upper")
    assert (result.exit_code, lines(result.stdout)) == (0, ["ok: 3 files checked, no findings"])
    base = load_evidence([folder])
    assert base.errors == []
    assert base.resolve_strategy("hostile").name == "Hostile strategy"
    assert ("hostile", "Hostile strategy") in list(strategy_names([folder]))


def test_F5_audit_reproduction_of_an_upper_case_study_alone(work: Path) -> None:
    """The audit copied only the study: it is now read, so its unknown ids are found."""
    mkov(work / "audit" / "real")
    (work / "audit" / "upper" / "studies").mkdir(parents=True)
    shutil.copy(
        work / "audit" / "real" / "studies" / "hostile.yaml",
        work / "audit" / "upper" / "studies" / "hostile.YAML",
    )
    result = icansctl("check", "audit/upper")
    assert result.exit_code == 1
    assert lines(result.stdout)[-1] == "failed: 3 errors, 1 warning in 1 file (1 file checked)"


# --- F16: overriding bundled figures is a note and a visible mark ---------------------


def test_F16_override_of_bundled_study_is_a_note_that_never_fails(work: Path) -> None:
    park_overridden(work)
    result = icansctl("check", "--evidence", "audit/ovr", "--strict")
    assert result.exit_code == 0
    found = lines(result.stdout)
    assert found[0].startswith(
        "audit/ovr/studies/park2023.yaml:1:5: ICX054 note: study 'park2023' replaces the "
        "bundled one ("
    )
    assert found[0].endswith(
        "evidence/studies/park2023.yaml:1:5); outputs mark it as overridden by local evidence"
    )
    assert found[1] == "passed: 0 errors, 0 warnings, 1 note in 1 file (74 files checked)"
    report = json.loads(icansctl("check", "-e", "audit/ovr", "-f", "json").stdout)
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("ICX054", "note")]
    assert report["summary"]["passed"] is True
    github = icansctl("check", "-e", "audit/ovr", "-f", "github").stdout
    assert github.startswith(
        "::notice file=audit/ovr/studies/park2023.yaml,line=1,col=5,title=ICX054::"
    )


def test_F16_overridden_study_is_marked_in_terminal_markdown_and_json(work: Path) -> None:
    park_overridden(work)
    notice = "study Park 2023 (park2023): overridden by local evidence: "
    path = "audit/ovr/studies/park2023.yaml"

    terminal = icansctl("compare", "anakinra", "-e", "audit/ovr")
    assert terminal.exit_code == 0
    text = lines(terminal.stdout)
    assert text[1] == "Local evidence replaces bundled entries shown here:"
    assert notice + path in " ".join(t.strip() for t in text[2:4])
    assert "Park 2023 (local" in terminal.stdout  # the column header carries the mark

    markdown = icansctl("compare", "anakinra", "-e", "audit/ovr", "-f", "markdown").stdout
    assert f"> - {notice}{path}\n" in markdown
    header = next(line for line in markdown.splitlines() if line.startswith("| |"))
    assert "| **Anakinra**: Park 2023 (local evidence) \\[3\\] |" in header
    row = next(line for line in markdown.splitlines() if line.startswith("| ICANS or neuro"))
    # (a): the matched comparator's grading is not known, so the row notes mixed grading
    assert row.startswith("| ICANS or neurologic events, any grade (a) |")
    grade3 = next(line for line in markdown.splitlines() if "events, grade ≥3 (a) |" in line)
    assert "| 0% (0/31)\\*; 95% CI 0.0–11.0 \\[3\\] |" in grade3  # the local figure

    data = json.loads(icansctl("compare", "anakinra", "-e", "audit/ovr", "-f", "json").stdout)
    assert data["overrides"] == [{"kind": "study", "id": "park2023", "overridden_by": path}]
    studies = {s["id"]: s["overridden_by"] for s in data["strategies"][0]["studies"]}
    assert studies == {
        "strati2023": None,
        "park2023": path,
        "liang2025": None,
        "anakinra_rw2025": None,
        "nct04150913": None,
    }

    show = icansctl("show", "anakinra", "-e", "audit/ovr", "-f", "markdown").stdout
    assert f"> - {notice}{path}\n" in show


def test_F16_no_mark_without_local_evidence(work: Path) -> None:
    for fmt in ("table", "markdown"):
        out = icansctl("compare", "anakinra", "-f", fmt).stdout
        assert "local evidence" not in out.lower()
    data = json.loads(icansctl("compare", "anakinra", "-f", "json").stdout)
    assert data["overrides"] == []


def test_F16_overridden_strategy_and_reference_are_marked_in_list_and_refs(work: Path) -> None:
    folder = work / "audit" / "ovr2"
    for kind, name in (("strategies", "anakinra"), ("references", "park2023")):
        (folder / kind).mkdir(parents=True)
        text = (BUNDLED / kind / f"{name}.yaml").read_text(encoding="utf-8")
        (folder / kind / f"{name}.yaml").write_text("# a local copy\n" + text, encoding="utf-8")
    listed = icansctl("list", "-e", "audit/ovr2", "-f", "markdown").stdout
    assert (
        "| Anakinra (prophylactic IL-1 blockade) (**overridden by local evidence:** "
        "audit/ovr2/strategies/anakinra.yaml) |"
    ) in listed
    items = json.loads(icansctl("list", "-e", "audit/ovr2", "-f", "json").stdout)["strategies"]
    assert {i["id"]: i["overridden_by"] for i in items}["anakinra"] == (
        "audit/ovr2/strategies/anakinra.yaml"
    )
    refs = icansctl("refs", "anakinra", "-e", "audit/ovr2", "-f", "markdown").stdout
    park = next(line for line in refs.splitlines() if "Park JH" in line)
    assert park.endswith("(**overridden by local evidence:** audit/ovr2/references/park2023.yaml)")
    assert sum("overridden by local evidence" in line for line in refs.splitlines()) == 1


def test_F16_byte_identical_copy_of_bundled_evidence_is_not_an_override(work: Path) -> None:
    """An installed icansctl checking this repository's evidence/ sees every file twice."""
    shutil.copytree(BUNDLED, work / "audit" / "copy")
    result = icansctl("check", "--strict", "-e", "audit/copy")
    assert result.exit_code == 0
    assert "ICX054" not in result.stdout
    assert load_evidence([work / "audit" / "copy"]).overrides == {}


def test_F16_duplicate_ids_across_two_overlays_are_errors(work: Path) -> None:
    mkov(work / "audit" / "dupA")
    dup_b = mkov(work / "audit" / "dupB")
    edit(dup_b / "studies" / "hostile.yaml", "events: 8", "events: 2")
    edit(dup_b / "studies" / "hostile.yaml", "reported_percent: 20", "reported_percent: 5")
    result = icansctl("check", "audit/dupA", "audit/dupB")
    assert result.exit_code == 1
    assert [line for line in lines(result.stdout) if "ICX051" in line] == [
        f"audit/dupB/{kind}s/{name}.yaml:1:5: ICX051 {kind_word} id '{entity}' is also "
        f"defined in another evidence folder (first at audit/dupA/{kind}s/{name}.yaml:1:5); "
        "keep one"
        for kind, name, kind_word, entity in (
            ("reference", "hostileref", "reference", "hostileref"),
            ("strategie", "hostile", "strategy", "hostile"),
            ("studie", "hostile", "study", "hostile"),
        )
    ]
    shown = icansctl("compare", "hostile", "-e", "audit/dupA", "-e", "audit/dupB")
    assert shown.exit_code == 2
    assert lines(shown.stderr)[-1] == (
        "icansctl: 3 error(s) in the evidence; "
        "run 'icansctl check -e audit/dupA -e audit/dupB' for details"
    )


def test_F16_one_folder_named_twice_is_one_layer(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mkov(work / "audit" / "real")
    monkeypatch.setenv("ICANSCTL_EVIDENCE", "audit/real")
    result = icansctl("check", "-e", "audit/real", "-e", str(work / "audit" / "real"))
    assert (result.exit_code, lines(result.stdout)[-1]) == (
        0,
        "ok: 76 files checked, no findings",  # 73 bundled + 3
    )
    assert icansctl("show", "hostile", "-e", "audit/real").exit_code == 0


def test_F16_the_mark_survives_the_evidence_cache(work: Path) -> None:
    """The second run reads the cache; the override must still be said."""
    park_overridden(work)
    env = subprocess_env(ICANSCTL_CACHE_DIR=str(work / "cache"))
    runs = [
        subprocess.run(
            [console_script(), "compare", "anakinra", "-e", "audit/ovr", "-f", "markdown"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=work,
            timeout=120,
            check=False,
        )
        for _ in range(2)
    ]
    assert any((work / "cache").glob("evidence-*")), "the first run wrote no cache"
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "> - study Park 2023 (park2023): overridden by local evidence: " in run.stdout
        assert "Park 2023 (local evidence)" in run.stdout


# --- cosmetic: a file that fails its schema is reported once, without echoes ---------


def test_invalid_reference_file_is_not_also_unknown_where_cited(work: Path) -> None:
    folder = mkov(work / "audit" / "badref")
    edit(folder / "references" / "hostileref.yaml", 'doi: "10.1000/test"', "doi: 10.1000")
    result = icansctl("check", "audit/badref")
    assert result.exit_code == 1
    assert lines(result.stdout) == [
        "audit/badref/references/hostileref.yaml:7:6: ICX009 'doi': YAML 1.1 reads unquoted "
        '10.1000 as the number 10.1; quote it: "10.1000"',
        "failed: 1 error, 0 warnings in 1 file (3 files checked)",
    ]


def test_invalid_study_file_is_not_also_unknown_or_its_reference_orphaned(work: Path) -> None:
    folder = mkov(work / "audit" / "badstudy")
    edit(folder / "studies" / "hostile.yaml", "treated: 40", "treated: forty")
    # Without the strategy's citations, only the broken study cites hostileref.
    edit(folder / "strategies" / "hostile.yaml", "ref: hostileref", "ref: dowling2023")
    edit(folder / "strategies" / "hostile.yaml", "ref: hostileref", "ref: dowling2023")
    edit(folder / "strategies" / "hostile.yaml", "ref: hostileref", "ref: dowling2023")
    result = icansctl("check", "--strict", "audit/badstudy")
    assert result.exit_code == 1
    assert [re.sub(r":\d+:\d+:", ":L:C:", line) for line in lines(result.stdout)] == [
        "audit/badstudy/studies/hostile.yaml:L:C: ICX021 'population.treated': Input should "
        "be a valid integer (got 'forty')",
        "failed: 1 error, 0 warnings in 1 file (3 files checked)",
    ]
    streamed = [d.rule for d in run_check(evidence_dirs=[folder]).findings]
    whole = [d.rule for d in load_evidence([folder]).diagnostics]
    assert streamed == whole == ["ICX021"]


def test_check_on_the_bundled_evidence_still_passes_strict() -> None:
    result = icansctl("check", "--strict")
    assert (result.exit_code, lines(result.stdout)) == (0, ["ok: 73 files checked, no findings"])


def test_rule_catalogue_lists_the_note_severity() -> None:
    rules = json.loads(icansctl("check", "--list-rules", "-f", "json").stdout)["rules"]
    by_id = {r["id"]: (r["severity"], r["name"]) for r in rules}
    assert by_id["ICX053"] == ("error", "strategy-name-collision")
    assert by_id["ICX054"] == ("note", "overrides-bundled")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_F5_an_unlistable_linked_folder_is_still_reported(work: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can list any folder")
    real = mkov(work / "audit" / "real")
    linked = work / "audit" / "linked"
    linked.mkdir()
    (linked / "studies").symlink_to(real / "studies", target_is_directory=True)
    (real / "studies").chmod(0)
    try:
        result = icansctl("check", "audit/linked")
    finally:
        (real / "studies").chmod(0o755)
    assert result.exit_code == 2
    assert "ICX012 cannot list folder" in result.stdout


def test_F5_a_path_whose_only_folder_cannot_be_listed_is_not_ok(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing found and a folder refused: exit 2, never "ok: 0 files checked".

    Permissions cannot refuse root, so the refusal is simulated where discovery reports it.
    """
    (work / "audit" / "locked" / "studies").mkdir(parents=True)
    import icansctl.evidence.loader as loader_module

    real_discover = loader_module.discover

    def refused(root: Path, unreadable: list[tuple[Path, str]] | None = None) -> list[Path]:
        if "locked" not in root.parts:
            return real_discover(root, unreadable)
        assert unreadable is not None
        unreadable.append((root / "studies", "Permission denied"))
        return []

    monkeypatch.setattr(loader_module, "discover", refused)
    result = icansctl("check", "audit/locked")
    assert result.exit_code == 2
    assert lines(result.stdout) == [
        "audit/locked/studies: ICX012 cannot list folder: Permission denied",
        "failed: 1 error, 0 warnings in 1 file (0 files checked)",
    ]
