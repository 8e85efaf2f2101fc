"""Shell completion of strategy names: the words a user can type, cheaply found.

Completion runs the real console script with the environment a shell sets
(``_ICANSCTL_COMPLETE`` and ``COMP_WORDS``/``COMP_CWORD`` for bash), so it tests what
a shell would see, and it must not load the pydantic models or the evidence cache.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from icansctl.cli.completion import complete_strategy

from .conftest import console_script, minimal_strategy, subprocess_env, write_yaml


def bash_complete(*words: str, env_extra: dict[str, str] | None = None) -> list[str]:
    """What `icansctl` offers for the last of ``words`` in bash."""
    env = subprocess_env(
        _ICANSCTL_COMPLETE="complete_bash",
        COMP_WORDS=" ".join(["icansctl", *words]),
        COMP_CWORD=str(len(words)),
        **(env_extra or {}),
    )
    result = subprocess.run(
        [console_script()], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.split()


def test_bash_completes_ids_and_brand_names() -> None:
    assert bash_complete("compare", "an") == ["anakinra"]
    assert bash_complete("compare", "Ki") == ["Kineret"]
    assert bash_complete("show", "def") == ["defibrotide"]
    offered = bash_complete("compare", "")
    for strategy_id in ("anakinra", "corticosteroids", "defibrotide", "tocilizumab", "zuma1"):
        assert strategy_id in offered
    assert "steroids" in offered and "Actemra" in offered


def test_baseline_option_and_other_commands_complete_too() -> None:
    assert bash_complete("compare", "anakinra", "--baseline", "zu") == ["zuma1"]
    assert bash_complete("refs", "toc") == ["tocilizumab"]
    assert bash_complete("slides", "cort") == ["corticosteroids"]


def test_matching_is_case_insensitive_and_words_come_once() -> None:
    words = [word for word, _ in complete_strategy("ZU")]
    assert words == ["zuma1", "ZUMA-1"]
    everything = [word.casefold() for word, _ in complete_strategy("")]
    assert len(everything) == len(set(everything))
    # A multi-word alias would reach the shell as two words: it is not offered.
    assert not [word for word in everything if " " in word]


def test_user_evidence_adds_strategies(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    write_yaml(
        mine / "strategies" / "emapalumab.yaml",
        {**minimal_strategy("emapalumab"), "aliases": ["Gamifant"]},
    )
    assert complete_strategy("ema", [mine]) == [("emapalumab", "Emapalumab (test strategy)")]
    offered = bash_complete("compare", "Gam", env_extra={"ICANSCTL_EVIDENCE": str(mine)})
    assert offered == ["Gamifant"]
    # --evidence given earlier on the same command line counts as well.
    assert bash_complete("compare", "--evidence", str(mine), "ema") == ["emapalumab"]


def test_broken_strategy_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "strategies").mkdir(parents=True)
    (mine / "strategies" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (mine / "strategies" / "list.yaml").write_text("- not a mapping\n", encoding="utf-8")
    write_yaml(mine / "strategies" / "fine.yaml", minimal_strategy("finestrategy"))
    assert [word for word, _ in complete_strategy("fin", [mine])] == ["finestrategy"]
    assert complete_strategy("an", [mine])[0][0] == "anakinra"


_IMPORTS = textwrap.dedent(
    """
    import json, os, sys
    from icansctl.cli.main import main
    sys.argv = ["icansctl"]
    try:
        main()
    except SystemExit:
        pass
    sys.stderr.write(json.dumps(sorted(sys.modules)))
    """
)


def test_completion_loads_neither_models_nor_cache() -> None:
    """Tab must feel instant: no pydantic models, views, cache or Jinja."""
    env = subprocess_env(
        _ICANSCTL_COMPLETE="complete_bash", COMP_WORDS="icansctl compare an", COMP_CWORD="2"
    )
    result = subprocess.run(
        [sys.executable, "-c", _IMPORTS], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stdout.split() == ["anakinra"]
    modules = set(json.loads(result.stderr))
    assert "icansctl.cli.completion" in modules
    for name in (
        "icansctl.evidence.model",
        "icansctl.views.common",
        "icansctl.evidence.cache",
        "jinja2",
    ):
        assert name not in modules, f"completion imported {name}"


def test_kind_folders_match_the_models() -> None:
    """Completion and check find kinds by files.KIND_FOLDERS, the loader by the models."""
    from icansctl.evidence.discovery import KIND_FOLDERS
    from icansctl.evidence.model import KIND_BY_FOLDER

    assert set(KIND_FOLDERS) == set(KIND_BY_FOLDER)
