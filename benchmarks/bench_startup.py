"""Start-up time of icansctl against a minimal Typer + Rich program.

    python benchmarks/bench_startup.py              # 30 interleaved rounds
    python benchmarks/bench_startup.py --runs 50 --cpu 1

Pairs, each timed in the same rounds (interleaved) with the same interpreter and
environment (stdout to /dev/null, COLUMNS=100, NO_COLOR=1):

* ``icansctl compare anakinra defibrotide``  vs  ``minimal_app.py table anakinra defibrotide``
* ``icansctl --help``                         vs  ``minimal_app.py --help``
* ``icansctl --version``                      vs  ``minimal_app.py --help``
* bash completion of ``compare an``           vs  the same for ``minimal_app.py table an``
  (``_ICANSCTL_COMPLETE`` / ``_MINIMAL_COMPLETE=complete_bash``, as a shell asks at Tab)

Prints a Markdown table of medians (with the 25th-75th percentile range) and the
ratio of medians.  Targets: compare <= 1.2x (stretch 1.0x), --help and completion
<= 1.2x.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from harness import bench_env, interleave, machine, ms, pin_to_one_cpu, table

HERE = Path(__file__).resolve().parent


def icansctl_argv() -> list[str]:
    """The console script next to this interpreter (as users run it), else -m."""
    script = Path(sys.executable).parent / "icansctl"
    if script.exists():
        return [str(script)]
    found = shutil.which("icansctl")
    return [found] if found else [sys.executable, "-m", "icansctl"]


def _bash_completion(variable: str, words: str, cword: int) -> dict[str, str]:
    """The environment bash's completion function sets before calling the program."""
    return {variable: "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="Recorded rounds (30).")
    parser.add_argument("--warmup", type=int, default=3, help="Unrecorded rounds (3).")
    parser.add_argument("--cpu", type=int, default=None, help="Pin every run to this CPU.")
    args = parser.parse_args()
    pinned = pin_to_one_cpu(args.cpu)

    icansctl = icansctl_argv()
    minimal = [sys.executable, str(HERE / "minimal_app.py")]
    commands = [
        (
            "icansctl compare anakinra defibrotide",
            [*icansctl, "compare", "anakinra", "defibrotide"],
        ),
        ("minimal table (3 rows)", [*minimal, "table", "anakinra", "defibrotide"]),
        ("icansctl --help", [*icansctl, "--help"]),
        ("icansctl --version", [*icansctl, "--version"]),
        ("minimal --help", [*minimal, "--help"]),
        (
            "icansctl completion (compare an<Tab>)",
            icansctl,
            _bash_completion("_ICANSCTL_COMPLETE", "icansctl compare an", 2),
        ),
        (
            "minimal completion (table an<Tab>)",
            minimal,
            _bash_completion("_MINIMAL_COMPLETE", "minimal table an", 2),
        ),
        ("python -c pass", [sys.executable, "-c", "pass"]),
    ]
    env = bench_env()
    series = {s.name: s for s in interleave(commands, args.runs, args.warmup, env)}
    for s in series.values():
        if s.returncodes != {0}:
            print(f"warning: {s.name} exited with {sorted(s.returncodes)}", file=sys.stderr)

    pairs = [
        ("icansctl compare anakinra defibrotide", "minimal table (3 rows)", "<= 1.2x (1.0x)"),
        ("icansctl --help", "minimal --help", "<= 1.2x"),
        ("icansctl --version", "minimal --help", "-"),
        ("icansctl completion (compare an<Tab>)", "minimal completion (table an<Tab>)", "<= 1.2x"),
    ]
    rows = []
    for name, yardstick, target in pairs:
        a, b = series[name], series[yardstick]
        rows.append(
            [
                f"`{name}`",
                f"{ms(a.median)} ({ms(a.quantile(0.25))}-{ms(a.quantile(0.75))})",
                f"`{yardstick}`",
                f"{ms(b.median)} ({ms(b.quantile(0.25))}-{ms(b.quantile(0.75))})",
                f"**{a.median / b.median:.2f}x**",
                target,
            ]
        )
    py = series["python -c pass"]
    print(
        f"Machine: {machine()}; {pinned}; {args.runs} interleaved rounds after "
        f"{args.warmup} warm-up rounds."
    )
    print(f"Bare interpreter (`python -c pass`): {ms(py.median)}.\n")
    print(
        table(
            rows,
            ["command", "median (p25-p75)", "yardstick", "median (p25-p75)", "ratio", "target"],
        )
    )
    print()
    print(
        table(
            [[f"`{s.name}`", f"{s.peak_rss_mib:.0f} MiB"] for s in series.values()],
            ["command", "peak RSS"],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
