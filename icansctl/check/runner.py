"""The CI check: load evidence as a whole, report every finding at file:line:col.

``run_check()`` with no paths checks the bundled base plus the extra evidence
directories.  With paths (files or folders, as a pre-commit hook passes only the
changed files) it finds each file's *evidence root* — the nearest folder that holds
``references/``, ``studies/``, ``strategies/``, ``endpoints.yaml`` or
``mechanisms.yaml`` — loads the bundled base, the extra directories and every such
root, so that references resolve across the whole set, and keeps only the findings
located in the given files.

Everything is linear in the number of files: roots are found with one cached lookup
per folder, findings are filtered with a set.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..diagnostics import Diagnostic, Location
from ..evidence.discovery import (
    KIND_FOLDERS,
    bundled_evidence_dir,
    display_path,
    paused_gc,
)
from ..evidence.loader import (
    read_entities,
    remember_unusable,
    root_files,
    unique_roots,
)
from .intra_file import entity_record
from .records import RecordLayer, merge_records

FailOn = Literal["error", "warning"]

ROOT_FOLDERS = KIND_FOLDERS
ROOT_FILES = ("endpoints.yaml", "mechanisms.yaml")

# Findings at or above a level fail the check; a note (rank 0) never does.
_RANK = {"note": 0, "warning": 1, "error": 2}


@dataclass
class CheckResult:
    """What one check run found."""

    findings: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def notes(self) -> int:
        """How many findings are notes (they never fail the check)."""
        return sum(1 for f in self.findings if f.severity == "note")

    @property
    def unreadable(self) -> bool:
        """True when some input could not be read at all (exit status 2)."""
        return any(f.rule == "ICX012" for f in self.findings)

    def fails(self, fail_on: FailOn = "error") -> bool:
        """True when a finding is at or above ``fail_on``."""
        threshold = _RANK[fail_on]
        return any(_RANK[f.severity] >= threshold for f in self.findings)

    def exit_code(self, fail_on: FailOn = "error") -> int:
        """0 clean, 1 findings at or above ``fail_on``, 2 unreadable or no input."""
        if self.unreadable:
            return 2
        return 1 if self.fails(fail_on) else 0


def _is_root(folder: Path) -> bool:
    return any((folder / name).is_dir() for name in ROOT_FOLDERS) or any(
        (folder / name).is_file() for name in ROOT_FILES
    )


class _RootFinder:
    """Nearest evidence root of a path, one cached answer per folder."""

    def __init__(self) -> None:
        self._cache: dict[Path, Path | None] = {}
        self._folders: dict[Path, Path | None] = {}  # as given, before making absolute

    def root_of(self, path: Path, *, is_file: bool = False) -> Path | None:
        start = path.parent if is_file or not path.is_dir() else path
        if start not in self._folders:
            # Absolute but not resolved: a file under a symlinked studies/ belongs to the
            # folder holding the link, where it was found, not to the link's target.
            self._folders[start] = self._lookup(Path(os.path.abspath(start)))
        return self._folders[start]

    def _lookup(self, folder: Path) -> Path | None:
        trail: list[Path] = []
        found: Path | None = None
        current: Path | None = folder
        while current is not None:
            if current in self._cache:
                found = self._cache[current]
                break
            trail.append(current)
            if _is_root(current):
                found = current
                break
            # Do not climb out of a repository: its evidence does not live above it.
            if (current / ".git").exists() or current.parent == current:
                break
            current = current.parent
        for visited in trail:
            self._cache[visited] = found
        return found


def evidence_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that holds evidence, or None."""
    return _RootFinder().root_of(path)


def _dedupe(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[Location, str, str]] = set()
    kept: list[Diagnostic] = []
    for finding in findings:
        key = (finding.location, finding.rule, finding.message)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    kept.sort(key=Diagnostic.sort_key)
    return kept


def run_check(
    paths: Sequence[Path | str] = (),
    evidence_dirs: Sequence[Path | str] = (),
    *,
    bundled: bool = True,
) -> CheckResult:
    """Check evidence and return every finding (never raises on bad evidence).

    With no ``paths``: the bundled base (unless ``bundled=False``) plus
    ``evidence_dirs``, all findings.  With ``paths``: the same plus the evidence
    root of each path, findings located in the given files only.
    """
    cwd = os.getcwd()
    extra = [Path(p) for p in evidence_dirs]
    layers_roots: list[Path] = ([bundled_evidence_dir()] if bundled else []) + extra
    selected: set[str] | None = None
    missing: list[Diagnostic] = []
    if paths:
        selected, missing, roots = _selection([Path(p) for p in paths], cwd)
        layers_roots += roots
        # An --evidence folder that is missing or empty is reported whatever the paths.
        selected.update(display_path(root, cwd) for root in extra)
    found, files = _findings(layers_roots, bundled, cwd)
    found = [*missing, *found]
    if selected is None:
        return CheckResult(_dedupe(found), files_checked=len(files))
    checked = len(selected & files)
    return CheckResult(_dedupe(f for f in found if f.location.path in selected), checked)


def _selection(given: list[Path], cwd: str) -> tuple[set[str], list[Diagnostic], list[Path]]:
    """For ``check PATH...``: the files whose findings are reported, findings about the
    paths themselves, and the evidence roots the paths belong to (each once, in order)."""
    selected: set[str] = set()
    missing: list[Diagnostic] = []
    finder = _RootFinder()
    roots: dict[Path, None] = {}  # in order, each root once (finder answers are shared)
    for path in given:
        found = root_files(path, cwd)
        if found.before:
            # A path that does not exist or holds nothing to check: "0 files
            # checked, no findings" would pass a CI gate that checked nothing.
            selected.update(d.location.path for d in found.before)
            missing.extend(found.before)
            continue
        selected.update(display_path(f, cwd) for f in found.files)
        # Folders that could not be listed (ICX012), reported here too: when nothing
        # else was found below the path, no loaded root would report them.
        selected.update(d.location.path for d in found.after)
        missing.extend(found.after)
        for file in found.files:
            root = finder.root_of(file, is_file=file is not path)
            roots.setdefault(root if root is not None else file)
    return selected, missing, list(roots)


def _findings(roots: list[Path], bundled: bool, cwd: str) -> tuple[list[Diagnostic], set[str]]:
    """Every finding of the evidence under ``roots``, streamed, and the files read."""
    from .cross_file import Known, cross_file

    with paused_gc():
        merged = merge_records(
            (load_records(root, cwd) for root in unique_roots(roots)),
            bundled_layers=1 if bundled else 0,
        )
        entities = merged.entities
        known = Known(
            entities["reference"],
            entities["endpoint"],
            entities["study"],
            {sid: record.regimens for sid, record in entities["strategy"].items()},
            entities["node"],
            merged.unusable,
        )
        records = [
            *(record for table in entities.values() for record in table.values()),
            *merged.edges,
        ]
        return [*merged.diagnostics, *cross_file(records, known)], merged.files


def load_records(root: Path, cwd: str | None = None) -> RecordLayer:
    """Stream every evidence file under ``root`` into compact records (see check/records.py).

    Each file is parsed, validated and run through the intra-file rules; only its
    records survive, so memory does not grow with the parsed data or the models.
    """
    layer = RecordLayer()
    if cwd is None:
        cwd = os.getcwd()
    found = root_files(root, cwd)
    layer.diagnostics.extend(found.before)
    for path in found.files:
        read = read_entities(path, cwd)
        layer.files.append(read.parsed.path)
        layer.diagnostics.extend(read.diagnostics)
        remember_unusable(layer.unusable, read)
        for kind, entity_id, value, prefix in read.entities:
            record = entity_record(kind, entity_id, value, read.parsed, prefix)
            if kind == "edge":
                edge: Any = value
                layer.edges.append(((edge.source, edge.target), record))
            else:
                layer.add(record)
    layer.diagnostics.extend(found.after)
    return layer
