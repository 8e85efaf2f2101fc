"""A small benchmark harness: interleaved runs, medians, ratios, peak memory.

Used by bench_startup.py and bench_check.py; no dependency beyond the standard
library.  Each run is a fresh child process; wall time is measured around
``fork/exec .. wait`` with ``time.perf_counter``, and peak resident memory is the
child's own ``ru_maxrss`` from ``os.wait4`` (so it is per run, not the maximum over
every child so far as ``RUSAGE_CHILDREN`` would give).

Commands are *interleaved* (A B C A B C ... in a freshly shuffled order each round),
so a slow spell of the machine hits every command alike and the ratio of medians
stays honest on a busy machine.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Sample:
    """One run of one command."""

    seconds: float
    max_rss_kib: int
    returncode: int
    cpu_seconds: float = 0.0  # the child's user + system time (wait4), less load-sensitive


@dataclass
class Series:
    """All runs of one command."""

    name: str
    argv: list[str]
    extra_env: dict[str, str] = field(default_factory=dict)  # on top of the common env
    samples: list[Sample] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def quantile(self, q: float) -> float:
        times = sorted(self.times)
        if len(times) == 1:
            return times[0]
        position = q * (len(times) - 1)
        low = int(position)
        high = min(low + 1, len(times) - 1)
        return times[low] + (times[high] - times[low]) * (position - low)

    @property
    def cpu_median(self) -> float:
        """Median of the child's user + system CPU time."""
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def peak_rss_mib(self) -> float:
        return max(s.max_rss_kib for s in self.samples) / 1024

    @property
    def returncodes(self) -> set[int]:
        return {s.returncode for s in self.samples}


def run_once(
    argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None
) -> Sample:
    """Run argv with stdout/stderr to /dev/null; wall time and the child's peak RSS."""
    with open(os.devnull, "wb") as devnull:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdout=devnull,
            stderr=devnull,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(elapsed, int(usage.ru_maxrss), proc.returncode, cpu)


def interleave(
    commands: Sequence[tuple[str, list[str]] | tuple[str, list[str], dict[str, str]]],
    runs: int,
    warmup: int = 2,
    env: Mapping[str, str] | None = None,
    seed: int = 0,
    cwd: str | None = None,
    progress: bool = True,
) -> list[Series]:
    """Run each command ``runs`` times, interleaved, after ``warmup`` unrecorded rounds.

    A command is ``(name, argv)`` or ``(name, argv, extra_env)``; ``extra_env`` is
    added to ``env`` for that command alone (shell completion is asked through it).
    """
    series = [Series(c[0], c[1], dict(c[2]) if len(c) > 2 else {}) for c in commands]
    rng = random.Random(seed)
    for round_ in range(warmup + runs):
        order = list(series)
        rng.shuffle(order)
        for item in order:
            item_env = {**(env if env is not None else os.environ), **item.extra_env}
            sample = run_once(item.argv, item_env, cwd)
            if round_ >= warmup:
                item.samples.append(sample)
        if progress:
            print(f"\r  round {round_ + 1}/{warmup + runs}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return series


def bench_env(pycache: str = "/tmp/icansctl-bench/pycache") -> dict[str, str]:
    """The environment every run gets: as a user's, with compiled bytecode cached.

    ``PYTHONDONTWRITEBYTECODE`` (set in some CI and container images) would make an
    editable install recompile icansctl's sources on every start, which no
    ``pip install``-ed user pays; bytecode goes to a cache outside the repository
    instead (``PYTHONPYCACHEPREFIX``), filled by the warm-up runs.  Terminal width and
    colour are pinned; ICANSCTL_* variables are dropped.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ICANSCTL") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.setdefault("PYTHONPYCACHEPREFIX", pycache)
    env.update({"COLUMNS": "100", "NO_COLOR": "1"})
    return env


def pin_to_one_cpu(cpu: int | None) -> str:
    """Pin this process (and so its children) to one CPU; return a description."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def machine() -> str:
    """nproc, CPU model, Python version, OS: for the results table."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)
