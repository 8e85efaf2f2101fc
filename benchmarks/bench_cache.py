"""Warm-cache start-up of this checkout against an older commit and the yardstick.

    python benchmarks/bench_cache.py --baseline 6990f60 --runs 30 --cpu 0

For a change to the evidence cache (issue 9: owner, mode and symlink checks, an
HMAC verified before unpickling, a restricted unpickler, a fingerprint that walks the
package): the question is whether a cached ``compare`` got slower, which needs the
old and the new code timed in the same rounds.  ``--baseline REF`` is extracted with
``git archive`` (its ``icansctl/`` and ``evidence/``) into a temporary folder; both
sides run as ``python -m icansctl`` with ``PYTHONPATH`` pointing at their own source,
each with its own cache folder (filled by the warm-up rounds), interleaved with
``minimal_app.py`` as in bench_startup.py.  Prints medians, the ratio of each to the
yardstick, and new/old, for wall time and for the children's CPU time (user +
system from ``wait4``, which a busy shared machine disturbs less than wall time).

Then, in-process: each side's ``load_cached`` on a warm cache, alone (``--loops``
calls in one process per side, median), which is exactly the cost the change adds
or removes without the ~100 ms of interpreter, Typer and Rich around it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import bench_env, interleave, machine, ms, pin_to_one_cpu, table

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def extract(ref: str, into: Path) -> None:
    """``icansctl/`` and ``evidence/`` of ``ref`` under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "icansctl", "evidence"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


# Run in a child with PYTHONPATH set to one side's source: a warm load_cached, timed.
IN_PROCESS = """
import json, statistics, sys, time
try:
    from icansctl.evidence.cache import load_cached
    from icansctl.evidence.discovery import bundled_evidence_dir
except ImportError:  # a commit from before the layers (issue 10): flat modules
    from icansctl.cache import load_cached
    from icansctl.files import bundled_evidence_dir
from icansctl import load_evidence
roots = [bundled_evidence_dir()]
calls = []
def load():
    calls.append(1)
    return load_evidence([])
load_cached(roots, load)  # fills the cache if it is cold
times = []
for _ in range(int(sys.argv[1])):
    start = time.perf_counter()
    load_cached(roots, load)
    times.append(time.perf_counter() - start)
print(json.dumps({"median": statistics.median(times), "loads": len(calls)}))
"""


def in_process(src: Path, cache: Path, loops: int, cwd: str) -> float:
    """Median seconds of one warm ``load_cached`` with the code under ``src``."""
    env = {**bench_env(), "PYTHONPATH": str(src), "ICANSCTL_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(loops)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    ).stdout
    result = json.loads(out)
    if result["loads"] > 1:
        raise SystemExit(f"{src}: the cache was not used")
    return float(result["median"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="HEAD", help="Commit to compare with (HEAD).")
    parser.add_argument("--runs", type=int, default=30, help="Recorded rounds (30).")
    parser.add_argument("--warmup", type=int, default=3, help="Unrecorded rounds (3).")
    parser.add_argument("--cpu", type=int, default=None, help="Pin every run to this CPU.")
    parser.add_argument("--loops", type=int, default=200, help="In-process loads per side.")
    args = parser.parse_args()
    pinned = pin_to_one_cpu(args.cpu)

    with tempfile.TemporaryDirectory(prefix="icansctl-bench-cache-") as tmp:
        work = Path(tmp)
        old_src = work / "old"
        old_src.mkdir()
        extract(args.baseline, old_src)
        argv = [sys.executable, "-m", "icansctl", "compare", "anakinra", "defibrotide"]
        minimal = [sys.executable, str(HERE / "minimal_app.py")]

        def side(src: Path, name: str) -> dict[str, str]:
            return {"PYTHONPATH": str(src), "ICANSCTL_CACHE_DIR": str(work / f"cache-{name}")}

        commands = [
            (f"old ({args.baseline})", argv, side(old_src, "old")),
            ("new (this checkout)", argv, side(REPO, "new")),
            ("minimal table (3 rows)", [*minimal, "table", "anakinra", "defibrotide"]),
        ]
        # Each side must import its own code and leave a cache behind.
        for name, _argv, extra in commands[:2]:
            check = subprocess.run(
                [sys.executable, "-c", "import icansctl; print(icansctl.__file__)"],
                env={**bench_env(), **extra},
                capture_output=True,
                text=True,
                check=True,
                cwd=tmp,  # not the checkout: '' on sys.path would import it first
            ).stdout.strip()
            expected = extra["PYTHONPATH"]
            if not check.startswith(expected):
                raise SystemExit(f"{name}: imports {check}, not from {expected}")
        series = interleave(commands, args.runs, args.warmup, bench_env(), cwd=tmp)
        for name in ("old", "new"):
            if not list((work / f"cache-{name}").glob("evidence-*.pickle")):
                raise SystemExit(f"{name}: no cache file was written")
        for s in series:
            if s.returncodes != {0}:
                print(f"warning: {s.name} exited with {sorted(s.returncodes)}", file=sys.stderr)
        loaded = {
            name: in_process(src, work / f"cache-{name}", args.loops, tmp)
            for name, src in (("old", old_src), ("new", REPO))
        }

    old, new, yardstick = series
    rows = [
        [
            f"`{s.name}`",
            f"{ms(s.median)} ({ms(s.quantile(0.25))}-{ms(s.quantile(0.75))})",
            f"{s.median / yardstick.median:.2f}x",
            f"{s.cpu_median * 1000:.0f} ms",
            f"{s.cpu_median / yardstick.cpu_median:.2f}x",
            f"{s.peak_rss_mib:.0f} MiB",
        ]
        for s in series
    ]
    header = ["command", "wall median (p25-p75)", "vs yardstick", "CPU median", "vs yardstick"]
    print(
        f"Machine: {machine()}; {pinned}; {args.runs} interleaved rounds after "
        f"{args.warmup} warm-up rounds; `python -m icansctl compare anakinra defibrotide`, "
        "warm cache.\n"
    )
    print(table(rows, [*header, "peak RSS"]))
    delta = (new.median - old.median) * 1000
    cpu_delta = (new.cpu_median - old.cpu_median) * 1000
    print(
        f"\nnew / old: wall **{new.median / old.median:.3f}x** ({delta:+.1f} ms), "
        f"CPU **{new.cpu_median / old.cpu_median:.3f}x** ({cpu_delta:+.1f} ms)"
    )
    print(
        f"warm `load_cached` in process (median of {args.loops}): old "
        f"{loaded['old'] * 1000:.2f} ms, new {loaded['new'] * 1000:.2f} ms "
        f"({(loaded['new'] - loaded['old']) * 1000:+.2f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
