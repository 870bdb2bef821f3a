"""A command's definition as a plugin declares it (plugin-api.md §5.2, domain.md §2.9):
parameters with their types and defaults, parameter sets and outputs, checked before
anything is written (resolvers/plugins/commands.py writes them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from resolvers.errors import Invalid

SIMPLE_TYPES = frozenset(
    {"string", "integer", "float", "boolean", "bool", "reference", "prep_template", "analysis"}
)
LIST_TYPES = frozenset({"choice", "mchoice", "artifact"})
VALIDATE = "Validate"
VALIDATE_EXTRAS = (("name", "dflt_name"), ("provenance", None))
"""Optional string parameters every Validate command of a type plugin gets (§5.2)."""


@dataclass(frozen=True)
class CommandDefinition:
    """A command as a plugin declares it (plugin-api.md §5.2), JSON fields decoded."""

    name: str
    description: str
    required_parameters: Any
    optional_parameters: Any
    default_parameter_sets: Any = None
    outputs: Any = None
    analysis_only: bool = False


@dataclass
class Parameter:
    """One declared parameter, parsed."""

    name: str
    type: str
    required: bool
    default: str | None
    name_order: int | None = None
    check_biom_merge: bool = False
    artifact_types: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedDefinition:
    """A definition that follows the rules; artifact type names are not looked up yet."""

    parameters: list[Parameter]
    sets: dict[str, dict[str, Any]]
    outputs: dict[str, Any]

    @property
    def artifact_types(self) -> set[str]:
        """The artifact types that parameters accept and outputs produce."""
        wanted = {t for p in self.parameters for t in p.artifact_types}
        return wanted | {t for t in self.outputs.values() if isinstance(t, str)}


def check_definition(definition: CommandDefinition, software_type: str) -> CheckedDefinition:
    """Parse and check `definition`; a type plugin's Validate command gets its extras."""
    parameters = parse_parameters(definition)
    if software_type == "artifact definition" and definition.name == VALIDATE:
        for extra, default in VALIDATE_EXTRAS:
            if all(p.name != extra for p in parameters):
                parameters.append(Parameter(extra, "string", False, default))
    sets = parameter_sets(definition.default_parameter_sets, parameters)
    outputs = definition.outputs or {}
    if not isinstance(outputs, dict):
        raise Invalid("outputs must be a JSON object of output name -> artifact type.",
                      field="outputs")  # fmt: skip
    return CheckedDefinition(parameters, sets, outputs)


def _malformed(detail: str) -> Invalid:
    return Invalid(f"Malformed parameters dictionary: {detail}", field="parameters")


def _list_values(kind: str, spec: str, name: str) -> list[Any]:
    try:
        values = json.loads(spec)
    except ValueError:
        raise _malformed(f"the type of {name!r} ({kind}:{spec}) must end in a JSON list") from None
    if not isinstance(values, list) or not values:
        raise _malformed(f"the type of {name!r} ({kind}:{spec}) must end in a non-empty list")
    return values


def _default_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _parse_parameter(name: str, spec: Any, *, declared_optional: bool) -> Parameter:
    if not isinstance(spec, list) or len(spec) not in (2, 4):
        raise _malformed(
            f"parameter {name!r} must be [type, default] or "
            "[type, default, name_order, check_biom_merge]"
        )
    kind, default = spec[0], spec[1]
    if not isinstance(kind, str):
        raise _malformed(f"the type of parameter {name!r} must be a string")
    name_order = spec[2] if len(spec) == 4 else None
    check_biom_merge = bool(spec[3]) if len(spec) == 4 else False
    if name_order is not None and (not isinstance(name_order, int) or isinstance(name_order, bool)):
        raise _malformed(f"the name order of parameter {name!r} must be an integer or null")
    base, colon, rest = kind.partition(":")
    if base in SIMPLE_TYPES and not colon:
        required = not declared_optional and default is None
        return Parameter(name, base, required, _default_text(default), name_order,
                          check_biom_merge)  # fmt: skip
    if base not in LIST_TYPES or not colon:
        raise Invalid(f"Unknown parameter type {kind!r} for parameter {name!r}", field=name)
    values = _list_values(base, rest, name)
    if base == "artifact":
        if not all(isinstance(v, str) for v in values):
            raise _malformed(f"the artifact types of {name!r} must be strings")
        return Parameter(name, "artifact", True, None, name_order, check_biom_merge,
                          artifact_types=list(values))  # fmt: skip
    if base == "choice":
        if default is not None and default not in values:
            raise Invalid(
                f"The default value {default!r} of parameter {name!r} is not one of {values}",
                field=name,
            )
        required = not declared_optional and default is None
        return Parameter(name, kind, required, _default_text(default), name_order,
                          check_biom_merge)  # fmt: skip
    if isinstance(default, str):
        try:
            default = json.loads(default)
        except ValueError:
            raise Invalid(
                f"The default of mchoice parameter {name!r} must be a JSON list", field=name
            ) from None
    if default is not None and (
        not isinstance(default, list) or any(item not in values for item in default)
    ):
        raise Invalid(
            f"The default value {default!r} of parameter {name!r} is not a subset of {values}",
            field=name,
        )
    required = not declared_optional and default is None
    return Parameter(name, kind, required, _default_text(default), name_order, check_biom_merge)


def parse_parameters(definition: CommandDefinition) -> list[Parameter]:
    parsed: dict[str, Parameter] = {}
    for label, group, optional in (
        ("required_parameters", definition.required_parameters, False),
        ("optional_parameters", definition.optional_parameters, True),
    ):
        if not isinstance(group, dict):
            raise _malformed(f"{label} must be a JSON object")
        for name, spec in group.items():
            if name in parsed:
                raise _malformed(f"parameter {name!r} is declared twice")
            parsed[name] = _parse_parameter(name, spec, declared_optional=optional)
    if not parsed:
        raise Invalid("A command needs at least one parameter.", field="required_parameters")
    return list(parsed.values())


def parameter_sets(raw: Any, parameters: list[Parameter]) -> dict[str, dict[str, Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Invalid("default_parameter_sets must be a JSON object or null.",
                      field="default_parameter_sets")  # fmt: skip
    defaults: dict[str, Any] = {}
    for p in parameters:
        if not p.required:
            defaults[p.name] = json.loads(p.default) if (
                p.default is not None and p.type.startswith("mchoice")
            ) else p.default  # fmt: skip
    sets: dict[str, dict[str, Any]] = {}
    seen: list[dict[str, Any]] = []
    for set_name, values in raw.items():
        if not isinstance(values, dict):
            raise Invalid(f"Parameter set {set_name!r} must be an object.",
                          field="default_parameter_sets")  # fmt: skip
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise Invalid(
                f"Parameter set {set_name!r} has parameters that are not optional parameters "
                f"of the command: {', '.join(unknown)}",
                field="default_parameter_sets",
            )
        filled = {**defaults, **values}
        if filled in seen:
            raise Invalid(f"Parameter set {set_name!r} duplicates another set of the command.",
                          field="default_parameter_sets")  # fmt: skip
        seen.append(filled)
        sets[set_name] = dict(sorted(filled.items()))
    return sets
