"""The loaded evidence base: validated models, indexed by id, with their sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # PyYAML and diagnostics load only when files are actually read
    from ..diagnostics import Diagnostic, Location
    from .parsed_file import NodePath, ParsedFile

from ..errors import UnknownStrategy
from .model import Strategy, Study
from .model_reference import Reference
from .model_topics import Endpoint, MechanismEdge, MechanismNode


@dataclass(frozen=True)
class Origin:
    """Where an entity was defined: its file, and the path of its node in that file."""

    file: ParsedFile
    prefix: NodePath = ()

    def locate(self, *path: str | int) -> Location:
        """file:line:col of a value inside this entity."""
        return self.file.locate((*self.prefix, *path))


@dataclass
class EvidenceBase:
    """Everything loaded: entities by id (in load order), their origins, and diagnostics."""

    references: dict[str, Reference] = field(default_factory=dict)
    studies: dict[str, Study] = field(default_factory=dict)
    strategies: dict[str, Strategy] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    nodes: dict[str, MechanismNode] = field(default_factory=dict)
    edges: list[MechanismEdge] = field(default_factory=list)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[ParsedFile] = field(default_factory=list)
    # (kind, id) -> absolute path of the local file whose entity replaced a bundled one
    # of the same id; outputs mark such entities (an ICANSCTL_EVIDENCE left in a shell
    # profile must not change a deck unnoticed).
    overrides: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of error severity."""
        return [d for d in self.diagnostics if d.severity == "error"]

    def origin(self, kind: str, entity_id: str) -> Origin | None:
        """Where the entity of ``kind`` ('study', 'reference'...) with this id was defined."""
        return self.origins.get((kind, entity_id))

    def overridden_by(self, kind: str, entity_id: str) -> str | None:
        """The local file that replaced the bundled ``kind`` entity with this id, if any."""
        return self.overrides.get((kind, entity_id))

    def _names(self) -> dict[str, str]:
        """Every word a strategy answers to, casefolded, and the id it resolves to.

        Ids are entered first and a word, once taken, is never replaced: an id always
        wins over another strategy's name or alias, and among names and aliases the
        strategy loaded first (the bundled base before local evidence) keeps the word.
        ``icansctl check`` reports every word that loses so (ICX053).
        """
        names: dict[str, str] = {}
        for strategy in self.strategies.values():
            names.setdefault(strategy.id.casefold(), strategy.id)
        for strategy in self.strategies.values():
            for word in (strategy.name, *strategy.aliases):
                names.setdefault(word.casefold(), strategy.id)
        return names

    def resolve_strategy(self, name: str) -> Strategy:
        """Find a strategy by id (exactly, then ignoring case), name or alias.

        Raises UnknownStrategy with the closest names when nothing matches.
        """
        exact = self.strategies.get(name.strip())
        if exact is not None:
            return exact
        names = self._names()
        key = name.strip().casefold()
        if key in names:
            return self.strategies[names[key]]
        import difflib  # only for the error message of an unknown name

        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
        raise UnknownStrategy(name, list(dict.fromkeys(names[match] for match in close)))

    def studies_of(self, strategy: Strategy) -> list[Study]:
        """The strategy's studies that exist in this base, in regimen order."""
        return [self.studies[s] for s in strategy.study_ids if s in self.studies]
