"""Write a synthetic, valid evidence corpus of N strategies for benchmarking.

    python benchmarks/make_corpus.py --strategies 1000 /tmp/corpus-1000
    python benchmarks/make_corpus.py --strategies 1000 --seed 7 /tmp/corpus-1000

The corpus is made of clones of the bundled evidence base, so every strategy,
study, outcome, claim and citation has the shape and the size of real evidence, and
the proportions are those of the bundled base (per strategy: ~1.4 studies, ~7
outcomes, ~19 claims, ~3.6 references).  Strategies are cloned in *blocks*: one
block is a copy of every bundled strategy (baselines included) with its studies and
the references they cite, all ids suffixed ``-bNNNNN`` so nothing collides with the
bundled base or with another block; references shared within the bundled base (the
editorial) stay shared within a block.  The last block is partial when N is not a
multiple of the block size; which strategies it holds follows the seeded order.

``--seed`` makes the variation deterministic: the order of templates within each
block, and a per-study scale factor k (1-4) that multiplies every count (arm n,
enrolled/treated/evaluable, events, totals), which keeps each reported percent
exactly in agreement with its count.

The corpus relies on the bundled base for its vocabulary (endpoints.yaml and the
mechanism nodes); ``--standalone`` also writes copies of those two files and of the
references they cite, for checkers that run without the bundled base
(``icansctl check --no-bundled`` if available, or a plain JSON Schema check).

Check the result with ``icansctl check OUT_DIR`` or, as a library::

    from icansctl import load_evidence
    assert not load_evidence([OUT_DIR]).errors
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def bundled_dir() -> Path:
    """The bundled evidence: from the installed package, else the source checkout."""
    try:
        from icansctl.evidence.discovery import bundled_evidence_dir

        return bundled_evidence_dir()
    except ImportError:
        return Path(__file__).resolve().parent.parent / "evidence"


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def _cited(value: Any) -> Iterator[str]:
    """Every reference id a plain-data evidence entity points at."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "cite" and isinstance(item, list):
                for c in item:
                    yield c if isinstance(c, str) else c["ref"]
            elif key == "provenance" and isinstance(item, dict) and item.get("via"):
                yield item["via"]
            else:
                yield from _cited(item)
    elif isinstance(value, list):
        for item in value:
            yield from _cited(item)


class Templates:
    """The bundled strategies, each with its studies and the references they cite."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.strategies = {d["id"]: d for d in map(_load, sorted(root.glob("strategies/*.yaml")))}
        self.studies = {d["id"]: d for d in map(_load, sorted(root.glob("studies/*.yaml")))}
        self.references = {d["id"]: d for d in map(_load, sorted(root.glob("references/*.yaml")))}
        self.study_ids: dict[str, list[str]] = {}
        self.ref_ids: dict[str, set[str]] = {}
        for sid, strategy in self.strategies.items():
            studies = list(
                dict.fromkeys(s for r in strategy["regimens"] for s in r.get("studies", []))
            )
            refs = set(_cited(strategy))
            for study_id in studies:
                study = self.studies[study_id]
                refs.add(study["reference"])
                refs.update(_cited(study))
            self.study_ids[sid] = studies
            self.ref_ids[sid] = refs

    @property
    def block_size(self) -> int:
        return len(self.strategies)


def _suffix(value: str, tag: str) -> str:
    return f"{value}-{tag}"


def _rename_cites(value: Any, tag: str) -> Any:
    """Copy of plain data with every cited reference id suffixed."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "cite" and isinstance(item, list):
                out[key] = [
                    _suffix(c, tag) if isinstance(c, str) else {**c, "ref": _suffix(c["ref"], tag)}
                    for c in item
                ]
            elif key == "provenance" and isinstance(item, dict) and item.get("via"):
                out[key] = {**item, "via": _suffix(item["via"], tag)}
            else:
                out[key] = _rename_cites(item, tag)
        return out
    if isinstance(value, list):
        return [_rename_cites(item, tag) for item in value]
    return value


def clone_strategy(data: dict[str, Any], tag: str, number: int) -> dict[str, Any]:
    out = _rename_cites(data, tag)
    out["id"] = _suffix(data["id"], tag)
    out["name"] = f"{data['name']} (synthetic {number})"
    out["aliases"] = [f"{alias} {number}" for alias in data.get("aliases", [])]
    for regimen in out["regimens"]:
        regimen["studies"] = [_suffix(s, tag) for s in regimen.get("studies", [])]
    return out


def clone_study(data: dict[str, Any], tag: str, number: int, scale: int) -> dict[str, Any]:
    out = _rename_cites(data, tag)
    out["id"] = _suffix(data["id"], tag)
    out["name"] = f"{data['name']} ({number})"
    out["reference"] = _suffix(data["reference"], tag)
    population = out.get("population", {})
    for key in ("enrolled", "treated", "evaluable"):
        if isinstance(population.get(key), int):
            population[key] *= scale
    for arm in out["arms"]:
        if arm.get("strategy"):
            arm["strategy"] = _suffix(arm["strategy"], tag)
        if isinstance(arm.get("n"), int):
            arm["n"] *= scale
    for outcome in out.get("outcomes", []):
        for key in ("events", "total"):
            if isinstance(outcome.get(key), int):
                outcome[key] *= scale
        provenance = outcome.get("provenance") or {}
        if scale > 1 and provenance.get("count") == "derived":
            # A scaled count is no longer the one whole number its percent allows
            # (ICX056): the synthetic study states it, as a reported count.
            provenance["count"] = "reported"
    return out


def clone_reference(data: dict[str, Any], tag: str) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["id"] = _suffix(data["id"], tag)
    return out


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Quote free text as people do by hand (ids, keys and numbers stay plain)."""


def _represent_str(dumper: Any, value: str) -> Any:
    style = '"' if " " in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(data: Any, path: Path) -> None:
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    path.write_text(text, encoding="utf-8")


def make_corpus(
    out: Path, strategies: int, seed: int = 0, standalone: bool = False
) -> dict[str, int]:
    """Write the corpus; return how many files of each kind were written."""
    templates = Templates(bundled_dir())
    rng = random.Random(seed)
    for folder in ("strategies", "studies", "references"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    counts = {"strategies": 0, "studies": 0, "references": 0, "outcomes": 0, "claims": 0}
    order = sorted(templates.strategies)
    number = 0
    block = 0
    while number < strategies:
        block += 1
        tag = f"b{block:05d}"
        chosen = rng.sample(order, len(order))[: strategies - number]
        refs: set[str] = set()
        for template_id in chosen:
            number += 1
            strategy = clone_strategy(templates.strategies[template_id], tag, number)
            _dump(strategy, out / "strategies" / f"{strategy['id']}.yaml")
            counts["strategies"] += 1
            counts["claims"] += _claims(strategy)
            refs |= templates.ref_ids[template_id]
            for study_id in templates.study_ids[template_id]:
                study = clone_study(
                    templates.studies[study_id], tag, number, scale=rng.randint(1, 4)
                )
                _dump(study, out / "studies" / f"{study['id']}.yaml")
                counts["studies"] += 1
                counts["outcomes"] += len(study.get("outcomes", []))
                counts["claims"] += _claims(study)
        for ref_id in sorted(refs):
            reference = clone_reference(templates.references[ref_id], tag)
            _dump(reference, out / "references" / f"{reference['id']}.yaml")
            counts["references"] += 1
    if standalone:
        for name in ("endpoints.yaml", "mechanisms.yaml"):
            shutil.copyfile(templates.root / name, out / name)
        for ref_id in sorted(set(_cited(_load(templates.root / "mechanisms.yaml")))):
            shutil.copyfile(
                templates.root / "references" / f"{ref_id}.yaml",
                out / "references" / f"{ref_id}.yaml",
            )
            counts["references"] += 1
    return counts


def _claims(data: Any) -> int:
    """Claims (a text with a cite) in plain data."""
    if isinstance(data, dict):
        own = 1 if "text" in data and "cite" in data else 0
        return own + sum(_claims(v) for v in data.values())
    if isinstance(data, list):
        return sum(_claims(v) for v in data)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="Directory to write.")
    parser.add_argument("--strategies", "-n", type=int, required=True, help="How many.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the variation (0).")
    parser.add_argument(
        "--standalone",
        action="store_true",
        help="Also write endpoints.yaml, mechanisms.yaml and the references they cite.",
    )
    parser.add_argument("--force", action="store_true", help="Replace OUT_DIR if it exists.")
    args = parser.parse_args(argv)
    if args.strategies < 1:
        parser.error("--strategies must be at least 1")
    if args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists (use --force to replace it)")
        shutil.rmtree(args.out)
    counts = make_corpus(args.out, args.strategies, args.seed, args.standalone)
    files = counts["strategies"] + counts["studies"] + counts["references"]
    if args.standalone:
        files += 2
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    print(f"{args.out}: {files} files ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
