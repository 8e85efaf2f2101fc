"""Shell completion of strategy names, without loading the evidence base.

A completion runs at every press of Tab, so it must cost no more than a bare Typer
program: it reads only the ``id``, ``name`` and ``aliases`` of the strategy files
(PyYAML's C loader, no pydantic, no validation) and never touches the cache or the
other evidence.  A file it cannot read is skipped: completion offers what it can and
leaves errors to the commands and to ``icansctl check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..evidence.discovery import bundled_evidence_dir, discover, evidence_dirs_from_env, kind_folder


def _read_names(path: Path) -> tuple[str, str, list[str]] | None:
    """(id, name, aliases) of one strategy file, or None when it cannot be read."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open("rb") as handle:
            data: Any = yaml.load(handle, Loader=loader)
    except (OSError, yaml.YAMLError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    aliases = data.get("aliases")
    names = [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
    name = data.get("name")
    return data["id"], name if isinstance(name, str) else data["id"], names


def strategy_names(roots: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """Every (word, help) a strategy can be named by: ids first, then aliases.

    Later roots override earlier ones by id, as in the evidence base.  Aliases with
    a space are left out: a shell would split them into two words.
    """
    by_id: dict[str, tuple[str, list[str]]] = {}
    for root in roots:
        if not root.exists():
            continue
        for path in discover(root):
            if kind_folder(path) == "strategies" and (found := _read_names(path)) is not None:
                strategy_id, name, aliases = found
                by_id[strategy_id] = (name, aliases)
    for strategy_id, (name, _) in by_id.items():
        yield strategy_id, name
    for strategy_id, (_, aliases) in by_id.items():
        for alias in aliases:
            if " " not in alias:
                yield alias, f"{strategy_id} (alias)"


def complete_strategy(incomplete: str, evidence: Iterable[Path] = ()) -> list[tuple[str, str]]:
    """Strategy words starting with ``incomplete`` (case-insensitive), each once."""
    roots = [bundled_evidence_dir(), *evidence_dirs_from_env(), *evidence]
    prefix = incomplete.casefold()
    seen: set[str] = set()
    matches: list[tuple[str, str]] = []
    for word, help_text in strategy_names(roots):
        key = word.casefold()
        if key.startswith(prefix) and key not in seen:
            seen.add(key)
            matches.append((word, help_text))
    return matches


def complete_endpoints(incomplete: str, evidence: Iterable[Path] = ()) -> list[tuple[str, str]]:
    """Endpoint ids for ``--endpoints a,b,...``: the last comma-separated part of
    ``incomplete`` completed, the parts before it kept."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    done, _, last = incomplete.rpartition(",")
    labels: dict[str, str] = {}
    for root in [bundled_evidence_dir(), *evidence_dirs_from_env(), *evidence]:
        path = root / "endpoints.yaml"
        try:
            with path.open("rb") as handle:
                data: Any = yaml.load(handle, Loader=loader)
        except (OSError, yaml.YAMLError, ValueError):
            continue
        items = data.get("endpoints") if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                labels[item["id"]] = str(item.get("label", item["id"]))
    chosen = set(done.split(",")) if done else set()
    prefix = f"{done}," if done else ""
    return [
        (prefix + endpoint, label)
        for endpoint, label in labels.items()
        if endpoint.startswith(last) and endpoint not in chosen
    ]
