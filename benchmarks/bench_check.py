"""`icansctl check` on synthetic corpora of 100, 1,000 and 10,000 strategies.

    python benchmarks/bench_check.py                       # sizes 100 1000 10000
    python benchmarks/bench_check.py --sizes 100 1000 --runs 5 --cpu 1

For each size the corpus is generated once under --workdir (default
/tmp/icansctl-bench) with make_corpus.py, then these run interleaved, each in a fresh
process, stdout and stderr to /dev/null:

* ``icansctl check CORPUS``: the bundled base plus the corpus, every rule (YAML
  hazards, schema, citations, ids, numbers);
* ``check-jsonschema --schemafile SCHEMA FILES...`` with SCHEMA written once by
  ``icansctl schema``: the shape of each file only.  A corpus of 10,000 strategies
  has ~60,000 files, more than one command line holds, so the files are split into
  as few invocations as the argument limit allows (as ``xargs`` would); their wall
  times are summed and the peak memory is the largest of them.  Paths are relative
  to the corpus (the working directory) to keep the command lines short.

Wall time is the median over --runs; peak memory is the child's maximum resident set
size (``ru_maxrss`` from ``wait4``), the same figure ``/usr/bin/time -v`` prints.

Without check-jsonschema (it comes with ``pip install -e '.[test]'``) or with
``--no-jsonschema``, only ``icansctl check`` is timed.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from harness import Sample, bench_env, machine, pin_to_one_cpu, run_once, table

HERE = Path(__file__).resolve().parent
ARG_BUDGET = 1_000_000  # bytes of file arguments per check-jsonschema invocation


def icansctl() -> list[str]:
    script = Path(sys.executable).parent / "icansctl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "icansctl"]


def check_jsonschema() -> str | None:
    here = Path(sys.executable).parent / "check-jsonschema"
    return str(here) if here.exists() else shutil.which("check-jsonschema")


def ensure_corpus(workdir: Path, size: int, seed: int) -> Path:
    out = workdir / f"corpus-{size}"
    stamp = out / ".complete"
    if not stamp.exists():
        if out.exists():
            shutil.rmtree(out)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "make_corpus.py"),
                "--strategies",
                str(size),
                "--seed",
                str(seed),
                str(out),
            ],
            check=True,
        )
        stamp.write_text("ok\n")
    return out


def yaml_files(corpus: Path) -> list[str]:
    return sorted(
        str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml")
    )


def chunks(files: list[str], budget: int = ARG_BUDGET) -> list[list[str]]:
    out: list[list[str]] = [[]]
    used = 0
    for name in files:
        cost = len(name) + 1 + 8  # the string, its NUL, its argv pointer
        if out[-1] and used + cost > budget:
            out.append([])
            used = 0
        out[-1].append(name)
        used += cost
    return out


def run_chunked(argvs: list[list[str]], env: dict[str, str], cwd: Path) -> Sample:
    samples = [run_once(argv, env, str(cwd)) for argv in argvs]
    return Sample(
        sum(s.seconds for s in samples),
        max(s.max_rss_kib for s in samples),
        max(s.returncode for s in samples),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="Recorded runs per size (3).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/icansctl-bench"))
    parser.add_argument("--cpu", type=int, default=None, help="Pin every run to this CPU.")
    parser.add_argument(
        "--no-jsonschema", action="store_true", help="Skip the check-jsonschema comparison."
    )
    args = parser.parse_args()
    pinned = pin_to_one_cpu(args.cpu)
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = bench_env()

    label = "icansctl check"
    schema_path: Path | None = None
    cjs = None if args.no_jsonschema else check_jsonschema()
    if cjs:
        schema_path = args.workdir / "schema.json"
        with schema_path.open("w") as handle:
            subprocess.run([*icansctl(), "schema"], stdout=handle, check=True, env=env)
    elif not args.no_jsonschema:
        print("note: no check-jsonschema: comparison skipped", file=sys.stderr)

    rows = []
    medians: dict[int, float] = {}
    for size in args.sizes:
        corpus = ensure_corpus(args.workdir, size, args.seed)
        files = yaml_files(corpus)
        ours = [*icansctl(), "check", str(corpus)]
        theirs = (
            [[cjs, "--schemafile", str(schema_path), *chunk] for chunk in chunks(files)]
            if schema_path and cjs
            else []
        )
        ours_samples: list[Sample] = []
        theirs_samples: list[Sample] = []
        for i in range(args.runs):
            print(
                f"\r  {size} strategies: run {i + 1}/{args.runs}",
                end="",
                file=sys.stderr,
                flush=True,
            )
            ours_samples.append(run_once(ours, env, str(corpus)))
            if theirs:
                theirs_samples.append(run_chunked(theirs, env, corpus))
        print(file=sys.stderr)
        t_ours = statistics.median(s.seconds for s in ours_samples)
        medians[size] = t_ours
        rss_ours = max(s.max_rss_kib for s in ours_samples) / 1024
        codes = sorted({s.returncode for s in ours_samples})
        row = [
            f"{size:,}",
            f"{len(files):,}",
            f"{t_ours:.2f} s",
            f"{rss_ours:.0f} MiB",
            ",".join(map(str, codes)),
        ]
        if theirs_samples:
            t_theirs = statistics.median(s.seconds for s in theirs_samples)
            rss_theirs = max(s.max_rss_kib for s in theirs_samples) / 1024
            row += [
                f"{t_theirs:.2f} s ({len(theirs)}x)",
                f"{rss_theirs:.0f} MiB",
                f"**{t_ours / t_theirs:.2f}x**",
                ",".join(map(str, sorted({s.returncode for s in theirs_samples}))),
            ]
        else:
            row += ["-", "-", "-", "-"]
        rows.append(row)
        print("  " + " | ".join(row), file=sys.stderr)  # partial results as they come

    print(f"Machine: {machine()}; {pinned}; median of {args.runs} runs; measured: {label}.\n")
    print(
        table(
            rows,
            [
                "strategies",
                "files",
                f"`{label}`",
                "peak RSS",
                "exit",
                "check-jsonschema (invocations)",
                "peak RSS",
                "ratio",
                "exit",
            ],
        )
    )
    sizes = sorted(medians)
    growth = [
        f"{b:,}/{a:,}: {b / a:.0f}x corpus, {medians[b] / medians[a]:.1f}x time"
        for a, b in itertools.pairwise(sizes)
    ]
    if growth:
        print("\nGrowth: " + "; ".join(growth) + ".")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
