"""Reference numbering in order of first citation, and Vancouver-style formatting."""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence.model_reference import Reference
from ..evidence.model_types import Citation

MAX_AUTHORS = 6


def _sentence(text: str) -> str:
    """``text`` ending with one full stop, or as it is when it ends in '?' or '!'."""
    text = " ".join(text.split()).rstrip(".").rstrip()
    return text if text.endswith(("?", "!")) else f"{text}."


def year_text(reference: Reference) -> str:
    """The year of publication, or 'year not traced' (never a guess)."""
    return str(reference.year) if reference.year is not None else "year not traced"


def vancouver(reference: Reference) -> str:
    """One reference in Vancouver style: up to six authors, then 'et al.'."""
    authors = list(reference.authors)
    shown = ", ".join(authors[:MAX_AUTHORS])
    if len(authors) > MAX_AUTHORS or (reference.et_al and authors):
        shown += ", et al"
    parts = [f"{shown}." if shown else ""]
    parts.append(_sentence(reference.title))
    if reference.journal:
        where = f"{reference.journal.rstrip('.')}. {year_text(reference)}"
        if reference.volume:
            where += f";{reference.volume}"
            if reference.issue:
                where += f"({reference.issue})"
        if reference.pages:
            where += f":{reference.pages}"
        parts.append(f"{where}.")
    else:
        parts.append(f"{year_text(reference)}.")
    if reference.doi:
        parts.append(f"doi:{reference.doi}.")
    ids = []
    if reference.pmid:
        ids.append(f"PMID: {reference.pmid}")
    if reference.pmcid:
        ids.append(f"PMCID: {reference.pmcid}")
    if ids:
        parts.append("; ".join(ids) + ".")
    if reference.registration:
        parts.append(", ".join(reference.registration) + ".")
    if reference.url and not (reference.doi or reference.pmid or reference.pmcid):
        parts.append(f"Available from: {reference.url}")
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class NumberedReference:
    """A reference with its number in this output."""

    number: int
    reference: Reference
    # The local file that replaced the bundled reference of this id (display path).
    overridden_by: str | None = None

    @property
    def text(self) -> str:
        """The Vancouver citation."""
        return vancouver(self.reference)


class Citer:
    """Numbers references in the order an output first cites them."""

    def __init__(self, references: dict[str, Reference]) -> None:
        self._references = references
        self._numbers: dict[str, int] = {}

    def number(self, ref_id: str) -> int:
        """The number of ``ref_id``, assigning the next one on first use."""
        if ref_id not in self._numbers:
            self._numbers[ref_id] = len(self._numbers) + 1
        return self._numbers[ref_id]

    def numbers(self, cites: list[Citation]) -> list[int]:
        """Numbers for several citations, without repeats, in order."""
        return list(dict.fromkeys(self.number(cite.ref) for cite in cites))

    def __len__(self) -> int:
        """How many numbers are assigned so far."""
        return len(self._numbers)

    def listing(self) -> list[NumberedReference]:
        """The references cited so far, in number order (unknown ids are skipped)."""
        return [
            NumberedReference(number, self._references[ref_id])
            for ref_id, number in self._numbers.items()
            if ref_id in self._references
        ]
