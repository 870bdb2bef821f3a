"""The completion report a plugin posts, checked before anything changes (decisions.md).

`{"success": bool, "error": str, "artifacts": {output name: {"artifact_type": str,
"filepaths": [[path, filepath type], ...], "archive": {feature: value}}} | null}`
(plugin-api.md §3.4, the code's form of QUIRK 14).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from resolvers.errors import Invalid

PREFIX = "Invalid completion payload"


@dataclass(frozen=True)
class OutputReport:
    artifact_type: str
    filepaths: list[tuple[str, str]]
    archive: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CompletionReport:
    success: bool
    error: str
    artifacts: dict[str, OutputReport]
    archive: dict[str, str]
    """Every archived feature of the report (all outputs), stored under the job's scheme."""


def _invalid(message: str) -> Invalid:
    return Invalid(f"{PREFIX}: {message}", field="payload")


def _archive(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(f"{where} must be an object of feature -> value")
    return {
        str(k): v if isinstance(v, str) else json.dumps(v, sort_keys=True) for k, v in value.items()
    }


def _output(name: str, value: Any) -> OutputReport:
    where = f"artifacts[{name!r}]"
    if not isinstance(value, dict):
        raise _invalid(f"{where} must be an object")
    artifact_type = value.get("artifact_type")
    if not isinstance(artifact_type, str) or not artifact_type:
        raise _invalid(f"{where}.artifact_type must be a non-empty string")
    filepaths = value.get("filepaths")
    if not isinstance(filepaths, list):
        raise _invalid(f"{where}.filepaths must be a list of [path, filepath_type]")
    pairs: list[tuple[str, str]] = []
    for item in filepaths:
        if (
            not isinstance(item, list | tuple)
            or len(item) != 2
            or not all(isinstance(part, str) and part for part in item)
        ):
            raise _invalid(f"{where}.filepaths must be a list of [path, filepath_type]")
        pairs.append((item[0], item[1]))
    return OutputReport(artifact_type, pairs, _archive(value.get("archive"), f"{where}.archive"))


def parse_completion_report(payload: Any) -> CompletionReport:
    """Check the report's shape; Invalid names the first problem."""
    if not isinstance(payload, dict):
        raise _invalid("the body must be a JSON object")
    if "success" not in payload:
        raise _invalid("missing key 'success'")
    success = payload["success"]
    if not isinstance(success, bool):
        raise _invalid("'success' must be true or false")
    error = payload.get("error")
    if error is None:
        error = ""
    if not isinstance(error, str):
        raise _invalid("'error' must be a string")
    raw_artifacts = payload.get("artifacts")
    if raw_artifacts is None:
        raw_artifacts = {}
    if not isinstance(raw_artifacts, dict):
        raise _invalid("'artifacts' must be an object or null")
    artifacts = {str(name): _output(str(name), value) for name, value in raw_artifacts.items()}
    archive = _archive(payload.get("archive"), "archive")
    for output in artifacts.values():
        archive.update(output.archive)
    return CompletionReport(success, error, artifacts if success else {}, archive)
