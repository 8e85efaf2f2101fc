"""`check` streams: same findings as loading everything, and memory that stays small.

The streaming path (``run_check``: per file parse, validate, record, drop) must report
exactly what the whole-base path (``load_evidence`` + ``validate_base``) reports.  A
generated corpus with planted faults of every cross-file kind exercises both.
"""

from __future__ import annotations

import importlib.util
import os
import tracemalloc
from pathlib import Path
from types import ModuleType

import pytest

from icansctl.check.load import load_evidence
from icansctl.check.runner import _dedupe, run_check

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _make_corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", BENCHMARKS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_corpus() -> ModuleType:
    return _make_corpus_module()


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _plant_faults(root: Path) -> None:
    """Break the corpus in every way the cross-file rules look for (and a few local ones)."""
    references = sorted((root / "references").glob("*.yaml"))
    studies = sorted((root / "studies").glob("*.yaml"))
    strategies = sorted((root / "strategies").glob("*.yaml"))
    references[0].unlink()  # cited elsewhere: ICX031 wherever it was cited
    references[1].unlink()
    # An orphan reference (ICX052) and a duplicate reference id in the layer (ICX051).
    (root / "references" / "zz-orphan.yaml").write_text(
        'id: zz-orphan\ntype: article\ntitle: "Nobody cites me"\nyear: 2020\n'
        'source_kind: peer-reviewed article\ndoi: "10.1000/x"\n',
        encoding="utf-8",
    )
    (root / "references" / "zz-orphan-copy.yaml").write_text(
        'id: zz-orphan\ntype: article\ntitle: "Twice"\nyear: 2021\n'
        'source_kind: peer-reviewed article\nurl: "https://x.org"\n',
        encoding="utf-8",
    )
    # A strategy that names a study and a mechanism node that do not exist (ICX050).
    text = strategies[0].read_text(encoding="utf-8")
    strategies[0].write_text(
        text.replace("studies:\n", "studies:\n      - no-such-study\n", 1).replace(
            "targets:\n", "targets:\n  - no-such-node\n", 1
        ),
        encoding="utf-8",
    )
    # A study no strategy uses: remove a strategy file, orphaning its studies (ICX052).
    strategies[1].unlink()
    # Unknown endpoint and unknown arm strategy in a study (ICX050); some studies have
    # findings only (results not available), so take ones that have outcomes.
    with_outcomes = [s for s in studies[2:] if "endpoint: " in s.read_text(encoding="utf-8")]
    _replace_once(with_outcomes[0], "endpoint: ", "endpoint: no-such-endpoint-")
    _replace_once(with_outcomes[1], "strategy: ", "strategy: no-such-strategy-")


def _findings(found: list) -> list[tuple[str, int, int, str, str, str]]:
    return [
        (f.location.path, f.location.line, f.location.column, f.rule, f.severity, f.message)
        for f in found
    ]


@pytest.mark.slow
def test_streaming_check_reports_what_the_whole_base_reports(
    tmp_path: Path, make_corpus: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "corpus"
    make_corpus.make_corpus(root, 150, seed=3)
    _plant_faults(root)
    monkeypatch.chdir(tmp_path)
    streamed = run_check(evidence_dirs=[root])
    whole = load_evidence([root])
    assert _findings(streamed.findings) == _findings(_dedupe(whole.diagnostics))
    rules = {f.rule for f in streamed.findings}
    assert {"ICX031", "ICX050", "ICX051", "ICX052"} <= rules
    # Given as a PATH, the same findings (all of them are inside the corpus or bundled).
    in_corpus = [f for f in streamed.findings if not f.location.path.startswith(os.pardir)]
    assert _findings(run_check([root]).findings) == _findings(
        [f for f in in_corpus if f.location.path.startswith("corpus")]
    )


@pytest.mark.slow
def test_check_memory_does_not_hold_the_corpus(tmp_path: Path, make_corpus: ModuleType) -> None:
    """Peak traced memory of a 300-strategy check stays far below holding it all.

    Loading everything (``load_evidence``) holds ~50 MB of models, positions and parsed
    data per 1,000 strategies; streaming keeps ~10 MB of records.  No timings asserted.
    """
    root = tmp_path / "corpus"
    counts = make_corpus.make_corpus(root, 300, seed=1)
    run_check([root])  # warm imports and pydantic schema builds outside the measurement
    tracemalloc.start()
    try:
        result = run_check([root])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.findings == []
    # every file written: 300 strategies with their studies and references
    assert counts["strategies"] == 300
    assert result.files_checked == counts["strategies"] + counts["studies"] + counts["references"]
    assert peak < 12 * 2**20, f"peak {peak / 2**20:.1f} MiB"
