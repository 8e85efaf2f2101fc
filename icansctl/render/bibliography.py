r"""Reference-manager exports of the numbered reference list: BibTeX, RIS and CSL-JSON.

All three come from the same ``Reference`` data as the Vancouver list, in citation
order.  Authors are stored Vancouver style ('Strati P', 'Chen Y-B'); they are split
into family name and initials here, the initials with full stops in all three formats
('Strati, P.'; 'Chen, Y.-B.', the hyphen kept as BibTeX abbreviates 'Yi-Bin').  A
reference's ``note`` is the maintainers' audit trail (what was read, what is
verified), not bibliography: it is never exported.  Trial registrations are, as a note.
An incomplete author list (``et_al``) stays incomplete in every format: ``and others``
in BibTeX, a last author ``et al.`` in RIS (``AU  - et al.``) and in CSL-JSON
(``{"literal": "et al."}``), so no format passes a partial list off as complete.

BibTeX (audit F13).  BibTeX, pybtex and biber find the end of a braced value by
counting braces, and they ignore backslashes while counting: ``\}`` still closes a
group.  So in text fields a brace that has a partner in the same value is written
``\{`` / ``\}`` (balanced, and LaTeX prints it), and a brace without one is written
``\textbraceleft{}`` / ``\textbraceright{}`` (LaTeX prints the brace; the file holds
no unpaired one).  ``doi`` and ``url`` are verbatim fields in biblatex and hyperref:
they are not LaTeX-escaped (``_``, ``%``, ``&``, ``#`` stay as they are); a brace in
them, which no URL may hold raw (RFC 3986), is percent-encoded (``%7B`` / ``%7D``),
which doi.org and browsers read as the same address.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..evidence.model_reference import Reference
from ..views.numbering import NumberedReference

_BIBTEX_TYPE = {
    "article": "article",
    "letter": "article",
    "editorial": "article",
    "review": "article",
    "abstract": "inproceedings",
    "registry": "misc",
    "label": "misc",
    "webpage": "misc",
}
_RIS_TYPE = {
    "article": "JOUR",
    "letter": "JOUR",
    "editorial": "JOUR",
    "review": "JOUR",
    "abstract": "ABST",
    "registry": "ELEC",
    "label": "GOVDOC",
    "webpage": "ELEC",
}
_CSL_TYPE = {
    "article": "article-journal",
    "letter": "article-journal",
    "editorial": "article-journal",
    "review": "article-journal",
    "abstract": "paper-conference",
    "registry": "webpage",
    "label": "document",
    "webpage": "webpage",
}
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


# The last "author" of an incomplete list in RIS and CSL-JSON.
ET_AL = "et al."

# Fields biblatex reads verbatim (hyperref makes links of them): no LaTeX escapes.
_BIBTEX_VERBATIM = frozenset({"doi", "url"})
# Vancouver initials: up to four capitals ('P', 'JA'), or hyphenated groups of one or
# two ('Y-B', 'L-A', 'JP-A') for hyphenated given names.
_INITIALS = re.compile(r"[A-Z]{1,4}|[A-Z]{1,2}(?:-[A-Z]{1,2}){1,2}")


def split_author(name: str) -> tuple[str, str]:
    """'Strati P' -> ('Strati', 'P.'); 'van der Berg JA' -> ('van der Berg', 'J. A.');
    'Chen Y-B' -> ('Chen', 'Y.-B.').

    The last word is read as initials when it is capitals, optionally hyphenated
    (Vancouver style); otherwise the whole name is the family name (e.g. a group
    author).
    """
    words = name.split()
    if len(words) >= 2 and _INITIALS.fullmatch(words[-1]):
        initials = "-".join(" ".join(f"{ch}." for ch in group) for group in words[-1].split("-"))
        return " ".join(words[:-1]), initials
    return name.strip(), ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paired_braces(text: str) -> set[int]:
    """Positions of the braces in ``text`` that close or are closed by another."""
    paired: set[int] = set()
    opened: list[int] = []
    for position, ch in enumerate(text):
        if ch == "{":
            opened.append(position)
        elif ch == "}" and opened:
            paired.update((opened.pop(), position))
    return paired


def _bibtex_value(text: str) -> str:
    """``text`` on one line, LaTeX-escaped, with braces that cannot unbalance the entry.

    A paired brace becomes ``\\{``/``\\}``; an unpaired one ``\\textbraceleft{}`` or
    ``\\textbraceright{}`` (BibTeX counts braces and ignores backslashes, so an escaped
    lone brace would still end the value, or the entry, early).
    """
    text = _one_line(text)
    paired = _paired_braces(text)
    out: list[str] = []
    for position, ch in enumerate(text):
        if ch in "{}" and position not in paired:
            out.append(r"\textbraceleft{}" if ch == "{" else r"\textbraceright{}")
        else:
            out.append(_BIBTEX_SPECIAL.get(ch, ch))
    return "".join(out)


def _bibtex_verbatim(text: str) -> str:
    """A ``doi`` or ``url`` as it is (verbatim in biblatex), braces percent-encoded."""
    return _one_line(text).replace("{", "%7B").replace("}", "%7D")


def _pages(pages: str | None) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    parts = re.split(r"\s*[-–]+\s*", pages, maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else None)


def bibtex_entry(ref: Reference) -> str:
    """One BibTeX entry keyed by the reference id."""
    authors = []
    for name in ref.authors:
        family, given = split_author(name)
        authors.append(f"{{{_bibtex_value(family)}}}, {_bibtex_value(given)}".rstrip(", "))
    if ref.et_al and authors:
        authors.append("others")
    fields: list[tuple[str, str | None]] = [
        ("author", " and ".join(authors) or None),
        ("title", ref.title),
        ("journal" if _BIBTEX_TYPE[ref.type] == "article" else "booktitle", ref.journal),
        ("year", str(ref.year) if ref.year is not None else None),
        ("volume", ref.volume),
        ("number", ref.issue),
        ("pages", ref.pages.replace("–", "--") if ref.pages else None),
        ("doi", ref.doi),
        ("pmid", ref.pmid),
        ("pmcid", ref.pmcid),
        ("url", ref.url),
        ("note", "; ".join(ref.registration) or None),
    ]
    lines = [f"@{_BIBTEX_TYPE[ref.type]}{{{ref.id},"]
    for name, value in fields:
        if value is None:
            continue
        if name == "author":
            text = value
        elif name in _BIBTEX_VERBATIM:
            text = _bibtex_verbatim(value)
        else:
            text = _bibtex_value(value)
        if name == "title":
            # An extra pair of braces keeps the title's capitals (ICANS, CAR T-cell)
            # under styles that set titles in sentence case.
            text = f"{{{text}}}"
        lines.append(f"  {name} = {{{text}}},")
    lines.append("}")
    return "\n".join(lines)


def refs_bibtex(refs: list[NumberedReference]) -> str:
    """The references as a BibTeX file, in citation order."""
    return "\n\n".join(bibtex_entry(r.reference) for r in refs) + "\n"


def ris_record(ref: Reference) -> str:
    """One RIS record."""
    tags: list[tuple[str, str | None]] = [("TY", _RIS_TYPE[ref.type]), ("ID", ref.id)]
    for name in ref.authors:
        family, given = split_author(name)
        tags.append(("AU", f"{family}, {given}" if given else family))
    if ref.et_al and ref.authors:
        tags.append(("AU", ET_AL))
    start, end = _pages(ref.pages)
    tags += [
        ("TI", ref.title),
        ("T2", ref.journal),
        ("PY", str(ref.year) if ref.year is not None else None),
        ("VL", ref.volume),
        ("IS", ref.issue),
        ("SP", start),
        ("EP", end),
        ("DO", ref.doi),
        ("AN", f"PMID:{ref.pmid}" if ref.pmid else None),
        ("C2", ref.pmcid),
        ("UR", ref.url),
    ]
    tags += [("N1", registration) for registration in ref.registration]
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value]
    lines.append("ER  - ")
    return "\n".join(lines)


def refs_ris(refs: list[NumberedReference]) -> str:
    """The references as a RIS file, in citation order."""
    return "\n\n".join(ris_record(r.reference) for r in refs) + "\n"


def csl_item(ref: Reference) -> dict[str, Any]:
    """One CSL-JSON item."""
    item: dict[str, Any] = {"id": ref.id, "type": _CSL_TYPE[ref.type], "title": ref.title}
    authors = []
    for name in ref.authors:
        family, given = split_author(name)
        authors.append({"family": family, "given": given} if given else {"literal": family})
    if ref.et_al and authors:
        authors.append({"literal": ET_AL})
    if authors:
        item["author"] = authors
    optional = {
        "container-title": ref.journal,
        "volume": ref.volume,
        "issue": ref.issue,
        "page": ref.pages,
        "DOI": ref.doi,
        "PMID": ref.pmid,
        "PMCID": ref.pmcid,
        "URL": ref.url,
        "note": "; ".join(ref.registration) or None,
    }
    item.update({k: v for k, v in optional.items() if v})
    if ref.year is not None:
        item["issued"] = {"date-parts": [[ref.year]]}
    return item


def refs_csl_json(refs: list[NumberedReference]) -> str:
    """The references as CSL-JSON (an array of items), in citation order."""
    return json.dumps([csl_item(r.reference) for r in refs], indent=2, ensure_ascii=False) + "\n"
