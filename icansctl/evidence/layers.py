"""What loading and checking share about layers of evidence folders.

The bundled evidence is the first layer; each ``--evidence`` folder is one more.  The
model loader (``loader``) and the streaming check (``check.records``) both merge
layers the same way, with the helpers here: an overlay's entity replaces a bundled one
(an ICX054 note), the same id in two overlays is an ICX051 error, and what a file that
failed its schema still says is remembered so that it causes no echo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Location, diagnostic

TABLE_KINDS = ("reference", "study", "strategy", "endpoint", "node")


@dataclass
class Unusable:
    """What files that failed their schema still say, so that they cause no echo.

    A file that fails validation defines no entity, yet its id is plain in it: without
    this, every citation of a reference whose DOI is mistyped would add an "unknown
    reference", and every reference only that file cites an "orphan" warning.
    ``ids`` are the ids such files define (by kind); ``mentioned`` every text value in
    them, which may be an id they use.
    """

    ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in TABLE_KINDS})
    mentioned: set[str] = field(default_factory=set)

    def update(self, other: Unusable) -> None:
        """Add what another layer's unusable files say."""
        for kind, ids in other.ids.items():
            self.ids[kind] |= ids
        self.mentioned |= other.mentioned


def same_file_content(first: str, second: str) -> bool:
    """True when two evidence files hold the same bytes (an override that changes nothing).

    A checkout of this repository checked by an installed icansctl has the bundled
    files twice; an identical copy replaces nothing and earns no note.  Only called
    for an id defined twice, so the second read is rare; a file that cannot be read
    again counts as different.
    """
    try:
        with open(first, "rb") as one, open(second, "rb") as two:
            return one.read() == two.read()
    except OSError:
        return False


def overrides_note(kind: str, entity_id: str, at: Location, bundled_at: Location) -> Diagnostic:
    """ICX054: an overlay's entity replaces the bundled one of the same id."""
    return diagnostic(
        at,
        "ICX054",
        f"{kind} '{entity_id}' replaces the bundled one ({bundled_at}); "
        "outputs mark it as overridden by local evidence",
    )


def duplicate_across_folders(
    kind: str, entity_id: str, at: Location, first_at: Location
) -> Diagnostic:
    """ICX051: two overlay folders define the same id (neither silently wins)."""
    return diagnostic(
        at,
        "ICX051",
        f"{kind} id '{entity_id}' is also defined in another evidence folder "
        f"(first at {first_at}); keep one",
    )
