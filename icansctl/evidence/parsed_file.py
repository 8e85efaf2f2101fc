"""A parsed evidence file: its data, the position of every value, and its findings.

Positions are packed into one int each (see ``pack``) and turned into ``Location``s
only when a finding needs one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Location

NodePath = tuple[str | int, ...]


# A position is packed into one int, ``line << SHIFT | column`` (both 1-based): a
# Location object per value would cost ~100 bytes; Locations are built on demand.
SHIFT = 32
COLUMN_MASK = (1 << SHIFT) - 1
_START = 1 << SHIFT | 1  # line 1, column 1


def pack(line: int, column: int) -> int:
    """One int for a 1-based line and column (see ``unpack``)."""
    return line << SHIFT | column


def unpack(packed: int) -> tuple[int, int]:
    """The 1-based (line, column) of a packed position."""
    return packed >> SHIFT, packed & COLUMN_MASK


@dataclass
class ParsedFile:
    """The data of one file, where each value sits, and what went wrong reading it.

    ``positions`` maps the path of every value to its packed position (``pack``);
    ``locate()`` turns one into a Location.
    """

    path: str
    data: Any = None
    positions: dict[NodePath, int] = field(default_factory=dict)
    coerced: dict[NodePath, str] = field(default_factory=dict)  # path -> raw text
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Numbers written in a YAML 1.1 form (010, 0x8, 4_0), by path: errors (ICX009), but
    # the file stays usable, since dropping it would make every id it defines "unknown"
    # in the other files; the number rules skip these values (validate.py).
    number_forms: dict[NodePath, Diagnostic] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file parsed to a document (schema not yet checked)."""
        return not any(d.severity == "error" for d in self.diagnostics)

    def locate_packed(self, path: NodePath) -> int:
        """The packed position of the value at ``path``, or of its nearest known ancestor."""
        positions = self.positions
        found = positions.get(path)
        if found is not None:
            return found
        for end in range(len(path) - 1, -1, -1):
            found = positions.get(path[:end])
            if found is not None:
                return found
        return _START

    def locate(self, path: NodePath) -> Location:
        """The position of the value at ``path``, or of its nearest known ancestor."""
        packed = self.locate_packed(path)
        return Location(self.path, packed >> SHIFT, packed & COLUMN_MASK)


def location(path: str, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)
