"""Load evidence directories into an EvidenceBase, collecting every problem on the way.

Layers: the bundled base first, then each ``--evidence`` directory in order.  A later
layer overrides an entity of the same id; two definitions of one id within a layer
are an error.  Cross-file checks (citations, ids, numbers) run once on the merged
base, in ``icansctl.validate``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic, Location, diagnostic
from .base import EvidenceBase, Origin
from .discovery import (
    bundled_evidence_dir,
    discover,
    display_path,
    kind_folder,
    paused_gc,
)
from .file_reader import read_file
from .layers import (
    Unusable,
    duplicate_across_folders,
    overrides_note,
    same_file_content,
)
from .model import KIND_BY_FILENAME, KIND_BY_FOLDER
from .model_topics import EndpointFile, MechanismFile
from .parsed_file import NodePath, ParsedFile
from .schema_errors import (
    KIND_OF_MODEL,
    ids_of_invalid,
    schema_diagnostics,
    text_values,
    without_unknown_keys,
)


def model_for(path: Path) -> type[BaseModel] | None:
    """Which evidence model a file holds, from its name or its folder."""
    if path.name in KIND_BY_FILENAME:
        return KIND_BY_FILENAME[path.name]
    folder = kind_folder(path)
    return KIND_BY_FOLDER[folder] if folder is not None else None


# --- building one layer -------------------------------------------------------------


class _Layer:
    """What one directory defines, before merging into the base."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, tuple[Any, Origin]]] = {
            "reference": {},
            "study": {},
            "strategy": {},
            "endpoint": {},
            "node": {},
        }
        self.edges: list[tuple[Any, Origin]] = []
        self.diagnostics: list[Diagnostic] = []
        self.files: list[ParsedFile] = []
        self.paths: dict[str, str] = {}  # display path -> absolute path, of each file read
        self.unusable = Unusable()

    def add(self, kind: str, entity_id: str, value: Any, origin: Origin) -> None:
        table = self.entities[kind]
        if entity_id in table:
            first = table[entity_id][1].locate("id")
            self.diagnostics.append(
                diagnostic(
                    origin.locate("id"),
                    "ICX051",
                    f"{kind} id '{entity_id}' is defined twice (first at {first})",
                )
            )
            return
        table[entity_id] = (value, origin)


Entity = tuple[str, str, BaseModel, NodePath]  # kind, id, model, path in its file


class FileRead(NamedTuple):
    """One file read: its parse, its file-level findings, what it defines.

    ``unusable`` lists the (kind, id) of entities the file would define but does not,
    because it failed its schema; ``mentioned`` the text values of such a file.
    """

    parsed: ParsedFile
    diagnostics: list[Diagnostic]
    entities: list[Entity]
    unusable: list[tuple[str, str]]
    mentioned: set[str]


def read_entities(path: Path, cwd: str | None = None) -> FileRead:
    """Read one file: its parse, its file-level diagnostics and the entities it defines."""
    parsed = read_file(path, display_path(path, cwd))
    found = [*parsed.diagnostics, *parsed.number_forms.values()]
    if not parsed.ok:
        return FileRead(parsed, found, [], [], set())
    model = model_for(path)
    where = Location(parsed.path, 1, 1)
    if model is None:
        found.append(
            diagnostic(
                where,
                "ICX011",
                "not an evidence file: put it under references/, studies/ or strategies/, "
                "or name it endpoints.yaml or mechanisms.yaml",
            )
        )
        return FileRead(parsed, found, [], [], set())
    if parsed.data is None:
        found.append(diagnostic(where, "ICX004", "empty file: no YAML document"))
        return FileRead(parsed, found, [], [], set())
    if not isinstance(parsed.data, dict):
        found.append(
            diagnostic(
                parsed.locate(()),
                "ICX005",
                f"top level is a {type(parsed.data).__name__}; an evidence file is a mapping",
            )
        )
        return FileRead(parsed, found, [], [], set())
    try:
        instance = model.model_validate(parsed.data)
    except ValidationError as err:
        found.extend(schema_diagnostics(err, model, parsed))
        instance = without_unknown_keys(err, model, parsed.data)
        if instance is None:
            # Reported above; its ids and the ids it uses are still known, so that its
            # one error does not echo as unknown ids and orphans in other files.
            return FileRead(
                parsed,
                found,
                [],
                ids_of_invalid(model, parsed.data),
                text_values(parsed.data),
            )
    entities: list[Entity] = []
    if isinstance(instance, EndpointFile):
        for i, endpoint in enumerate(instance.endpoints):
            entities.append(("endpoint", endpoint.id, endpoint, ("endpoints", i)))
    elif isinstance(instance, MechanismFile):
        for i, node in enumerate(instance.nodes):
            entities.append(("node", node.id, node, ("nodes", i)))
        for i, edge in enumerate(instance.edges):
            entities.append(("edge", f"{edge.source}->{edge.target}", edge, ("edges", i)))
    else:
        entity_id: str = instance.id  # type: ignore[attr-defined]
        entities.append((KIND_OF_MODEL[type(instance)], entity_id, instance, ()))
    return FileRead(parsed, found, entities, [], set())


def remember_unusable(unusable: Unusable, read: FileRead) -> None:
    """Add what a file that failed its schema still says to ``unusable``."""
    for kind, entity_id in read.unusable:
        unusable.ids[kind].add(entity_id)
    unusable.mentioned |= read.mentioned


def _load_file(path: Path, layer: _Layer, cwd: str | None = None) -> None:
    read = read_entities(path, cwd)
    parsed = read.parsed
    layer.files.append(parsed)
    layer.paths[parsed.path] = os.path.abspath(path)
    layer.diagnostics.extend(read.diagnostics)
    remember_unusable(layer.unusable, read)
    for kind, entity_id, value, prefix in read.entities:
        if kind == "edge":
            layer.edges.append((value, Origin(parsed, prefix)))
        else:
            layer.add(kind, entity_id, value, Origin(parsed, prefix))


def root_problem(root: Path, files: list[Path], cwd: str) -> Diagnostic | None:
    """ICX012 for an evidence path that does not exist or holds no evidence file.

    A folder with nothing to read (empty, only hidden files, a typo'd kind folder) must
    not pass as checked evidence, nor be taken silently as an overlay.
    """
    if not root.exists():
        return diagnostic(Location(display_path(root, cwd)), "ICX012", "no such file or directory")
    if not files:
        return diagnostic(
            Location(display_path(root, cwd)),
            "ICX012",
            "no evidence files here (*.yaml or *.yml, outside hidden folders)",
        )
    return None


class RootFiles(NamedTuple):
    """The evidence files under one root, and what to say about the root itself."""

    files: list[Path]
    before: list[Diagnostic]  # the root is missing or holds no evidence
    after: list[Diagnostic]  # folders under it that could not be listed


def root_files(root: Path, cwd: str) -> RootFiles:
    """Every evidence file under ``root`` (a folder or one file), with the findings about
    the root: shared by loading and by the streaming check."""
    unreadable: list[tuple[Path, str]] = []
    files = discover(root, unreadable) if root.exists() else []
    problem = root_problem(root, files, cwd)
    before = [problem] if problem is not None and not unreadable else []
    return RootFiles(files, before, unreadable_folders(unreadable, cwd))


def load_layer(root: Path) -> _Layer:
    """Load every evidence file under one directory (or one file)."""
    layer = _Layer()
    cwd = os.getcwd()
    found = root_files(root, cwd)
    layer.diagnostics.extend(found.before)
    for path in found.files:
        _load_file(path, layer, cwd)
    layer.diagnostics.extend(found.after)
    return layer


def unreadable_folders(folders: list[tuple[Path, str]], cwd: str) -> list[Diagnostic]:
    """ICX012 for each evidence folder that could not be listed."""
    return [
        diagnostic(Location(display_path(folder, cwd)), "ICX012", f"cannot list folder: {why}")
        for folder, why in folders
    ]


_BASE_TABLES = {
    "reference": "references",
    "study": "studies",
    "strategy": "strategies",
    "endpoint": "endpoints",
    "node": "nodes",
}


def merge(layers: Iterable[_Layer], bundled_layers: int = 0) -> EvidenceBase:
    """Merge layers in order; the first ``bundled_layers`` are the bundled base.

    As ``records.merge_records``: an overlay's entity replaces a bundled one of the
    same id (an ICX054 note, and ``base.overrides`` says by which file, unless the
    file is a byte-for-byte copy of the bundled one); the same id in two overlays is
    ICX051 and the first one is kept.
    """
    base, _ = _merge(layers, bundled_layers)
    return base


def _merge(layers: Iterable[_Layer], bundled_layers: int) -> tuple[EvidenceBase, Unusable]:
    base = EvidenceBase()
    unusable = Unusable()
    layer_of: dict[tuple[str, str], int] = {}
    paths: dict[str, str] = {}  # display path -> absolute path, of every file read
    edges: dict[tuple[str, str], tuple[Any, Origin]] = {}
    for index, layer in enumerate(layers):
        base.diagnostics.extend(layer.diagnostics)
        base.files.extend(layer.files)
        unusable.update(layer.unusable)
        paths.update(layer.paths)
        for kind, table in layer.entities.items():
            target: dict[str, Any] = getattr(base, _BASE_TABLES[kind])
            for entity_id, (value, origin) in table.items():
                first = base.origins.get((kind, entity_id))
                if first is not None and first.file.path != origin.file.path:
                    at, first_at = origin.locate("id"), first.locate("id")
                    if layer_of[(kind, entity_id)] >= bundled_layers:
                        base.diagnostics.append(
                            duplicate_across_folders(kind, entity_id, at, first_at)
                        )
                        continue
                    mine = paths[origin.file.path]
                    if index >= bundled_layers and not same_file_content(
                        paths[first.file.path], mine
                    ):
                        base.diagnostics.append(overrides_note(kind, entity_id, at, first_at))
                        base.overrides[(kind, entity_id)] = mine
                layer_of[(kind, entity_id)] = index
                target[entity_id] = value
                base.origins[(kind, entity_id)] = origin
        for edge, origin in layer.edges:
            edges[(edge.source, edge.target)] = (edge, origin)
    base.edges = [edge for edge, _ in edges.values()]
    for (source, sink), (_, origin) in edges.items():
        base.origins[("edge", f"{source}->{sink}")] = origin
    return base, unusable


def unique_roots(roots: Iterable[Path]) -> list[Path]:
    """Each evidence root once, in order (the same folder named twice is one layer).

    Naming a folder both in ICANSCTL_EVIDENCE and with --evidence, or the bundled
    folder itself, must not turn every entity in it into a duplicate of itself.
    """
    seen: set[Path] = set()
    kept: list[Path] = []
    for root in roots:
        try:
            key = root.resolve()
        except (OSError, RuntimeError):  # a link loop: keep it, loading reports it
            key = Path(os.path.abspath(root))
        if key not in seen:
            seen.add(key)
            kept.append(root)
    return kept


def read_evidence(
    paths: Iterable[Path | str] = (), *, bundled: bool = True
) -> tuple[EvidenceBase, Unusable]:
    """Read the bundled evidence (unless ``bundled=False``) plus each path, in order,
    without the cross-file rules (``icansctl.check.load.load_evidence`` runs them).

    Never raises on bad evidence: problems are in ``base.diagnostics`` with file:line.
    An entity of a path that replaces a bundled one is in ``base.overrides``.  Also
    returns what files that failed their schema still say, for the rules.
    """
    roots = unique_roots(([bundled_evidence_dir()] if bundled else []) + [Path(p) for p in paths])
    with paused_gc():
        base, unusable = _merge((load_layer(root) for root in roots), 1 if bundled else 0)
    base.diagnostics.sort(key=Diagnostic.sort_key)
    return base, unusable
