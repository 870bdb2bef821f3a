"""What a command parameter's declared type string means: its kind, choices and typed default.

Plugins declare types as text (`integer`, `choice:["a", "b"]`, `mchoice:[...]`,
`artifact:["FASTQ"]`, `reference`...); this reads them once for every client.
"""

from __future__ import annotations

import json
from typing import Any

from db.models import CommandParameter

KINDS = {
    "integer": "integer",
    "float": "float",
    "string": "string",
    "boolean": "boolean",
    "bool": "boolean",
    "choice": "choice",
    "mchoice": "multiple_choice",
    "artifact": "artifact",
    "reference": "reference",
    "prep_template": "preparation",
    "analysis": "analysis",
}
"""Declared base types to kinds; anything else is `other`."""


def parameter_kind(declared: str) -> str:
    """The kind of a declared type (`choice:[...]` is `choice`)."""
    base = declared.partition(":")[0].strip()
    return KINDS.get(base, "other")


def parameter_choices(declared: str) -> list[str] | None:
    """The allowed values of a `choice` or `mchoice` type, as text; None for other kinds."""
    if parameter_kind(declared) not in ("choice", "multiple_choice"):
        return None
    try:
        decoded = json.loads(declared.partition(":")[2])
    except json.JSONDecodeError:
        return []
    return [str(value) for value in decoded] if isinstance(decoded, list) else []


def typed_default(parameter: CommandParameter) -> Any:
    """The stored default as a value of the parameter's kind (None when unset or unreadable
    as that kind, in which case the stored text is the only answer)."""
    text = parameter.default_value
    if text is None:
        return None
    kind = parameter_kind(parameter.type)
    try:
        if kind == "integer":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "boolean":
            lowered = text.strip().lower()
            return {"true": True, "false": False}.get(lowered)
        if kind == "multiple_choice":
            decoded = json.loads(text)
            return decoded if isinstance(decoded, list) else None
    except ValueError:
        return None
    return text
