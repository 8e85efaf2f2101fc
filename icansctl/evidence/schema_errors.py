"""Schema findings: pydantic's validation errors turned into ICX findings at file:line.

Also what a file that failed its schema still says (its ids and text values), so that
its mistakes cause no echo elsewhere.  ``models_in`` is shared with the rules.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic, diagnostic
from .model import Strategy, Study
from .model_dates import DATE_FIELDS
from .model_reference import Reference
from .model_topics import EndpointFile, MechanismFile
from .parsed_file import NodePath, ParsedFile

# --- pydantic errors -> diagnostics -------------------------------------------------


KIND_OF_MODEL: dict[type[BaseModel], str] = {
    Reference: "reference",
    Study: "study",
    Strategy: "strategy",
}


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The BaseModel classes inside an annotation like ``list[Claim] | None``."""
    # On Python 3.10 `list[Claim]` passes isinstance(..., type) and then issubclass
    # raises TypeError: only a class with no generic origin is a model.
    plain_class = isinstance(annotation, type) and typing.get_origin(annotation) is None
    if plain_class and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return []
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(models_in(arg))
    return found


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose field holds the value at ``loc`` (for 'did you mean')."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return current
        inner = models_in(field.annotation)
        current = inner[0] if inner else None
    return current


def _yaml11_reading(value: Any) -> str:
    """How YAML 1.1 understood an unquoted scalar: 'the boolean false', 'the number 1.1'."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if hasattr(value, "isoformat"):
        return f"the date {value.isoformat()}"
    return f"a {type(value).__name__}"


def schema_diagnostics(
    err: ValidationError, model: type[BaseModel], parsed: ParsedFile, prefix: NodePath = ()
) -> list[Diagnostic]:
    """Turn one pydantic ValidationError into located diagnostics."""
    found: list[Diagnostic] = []
    for item in err.errors(include_url=False):
        loc: NodePath = tuple(item["loc"])
        full = (*prefix, *loc)
        kind = item["type"]
        where = parsed.locate(full)
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        if kind == "missing" and loc and loc[-1] == "cite":
            found.append(diagnostic(where, "ICX030", f"'{dotted}' is missing: cite a reference"))
        elif kind == "missing":
            found.append(diagnostic(where, "ICX020", f"missing required field '{dotted}'"))
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            owner = _model_at(model, loc[:-1])
            hint = ""
            if owner is not None:
                close = difflib.get_close_matches(key, list(owner.model_fields), n=1)
                if close:
                    hint = f"; did you mean '{close[0]}'?"
            found.append(diagnostic(where, "ICX022", f"unknown key '{dotted}'{hint}"))
        elif loc and loc[-1] == "cite" and kind in ("too_short", "list_type"):
            found.append(diagnostic(where, "ICX030", f"'{dotted}' needs at least one citation"))
        elif full in parsed.coerced and (kind.startswith("string") or kind == "literal_error"):
            raw = parsed.coerced[full]
            found.append(
                diagnostic(
                    where,
                    "ICX009",
                    f"'{dotted}': YAML 1.1 reads unquoted {raw} as {_yaml11_reading(item['input'])}"
                    f'; quote it: "{raw}"',
                )
            )
        elif isinstance(item.get("input"), float) and not math.isfinite(item["input"]):
            # YAML's .nan and .inf are floats: say so rather than "less than 100 (got nan)".
            what = "not a number (.nan)" if math.isnan(item["input"]) else "infinite (.inf)"
            found.append(
                diagnostic(
                    where, "ICX021", f"'{dotted}' is {what}; write the figure, or leave it out"
                )
            )
        elif (
            kind in ("greater_than_equal", "greater_than")
            and isinstance(item.get("input"), (int, float))
            and item["input"] < 0
        ):
            found.append(diagnostic(where, "ICX041", f"'{dotted}' is negative ({item['input']})"))
        elif kind == "value_error" and dotted.rsplit(".", 1)[-1] in DATE_FIELDS:
            # The date parser's own message already names the value and the form.
            found.append(diagnostic(where, "ICX021", f"'{dotted}': {item['ctx']['error']}"))
        else:
            shown = item.get("input")
            value = "" if isinstance(shown, (dict, list)) else f" (got {shown!r})"
            found.append(diagnostic(where, "ICX021", f"'{dotted}': {item['msg']}{value}"))
    return found


def without_unknown_keys(err: ValidationError, model: type[BaseModel], data: Any) -> Any:
    """The model validated without the unknown keys, when they were its only errors.

    A misspelt key is the commonest schema error; it should not hide the rest of the
    file's findings (a wrong count, an unknown citation).  The keys are already
    reported (ICX022); with them left out the file is checked as usual.  Any other
    schema error stops the file as before: guessing at missing or mistyped data
    would invent findings.
    """
    errors = err.errors(include_url=False)
    if any(item["type"] != "extra_forbidden" for item in errors):
        return None
    import copy

    pruned = copy.deepcopy(data)
    for item in errors:
        *parents, key = item["loc"]
        owner = pruned
        for step in parents:
            owner = owner[step]
        owner.pop(key, None)
    try:
        return model.model_validate(pruned)
    except ValidationError:
        return None


# Files that define a list of entities: the key of the list, and the entities' kind.
_LISTED: dict[type[BaseModel], tuple[str, str]] = {
    EndpointFile: ("endpoints", "endpoint"),
    MechanismFile: ("nodes", "node"),
}


def ids_of_invalid(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (kind, id) an invalid file plainly defines, read from its raw data."""
    kind = KIND_OF_MODEL.get(model)
    if kind is not None:
        entity_id = data.get("id")
        return [(kind, entity_id)] if isinstance(entity_id, str) else []
    key, kind = _LISTED.get(model, ("", ""))
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [
        (kind, item["id"])
        for item in items
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]


def text_values(data: Any) -> set[str]:
    """Every string value inside parsed YAML (no recursion: depth is the file's)."""
    found: set[str] = set()
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found
