"""Where the artifacts a job produces belong, and the JSON parameters that describe them."""

from __future__ import annotations

import json
from typing import Any

from db.models import ProcessingJob
from resolvers.errors import Invalid


def json_parameter(value: Any) -> dict[str, Any] | None:
    """A parameter holding a JSON document as text (`provenance`, `files`), decoded."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return value
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        raise Invalid(f"The parameter value {value!r} is not valid JSON.") from None
    return decoded if isinstance(decoded, dict) else None


def artifact_origin(
    job: ProcessingJob,
    inputs: list[int],
    *,
    data_type: str | None = None,
    template: Any = None,
) -> dict[str, Any]:
    """Where an artifact produced by `job` belongs (lifecycle §5.5, special cases included)."""
    analysis = job.parameters.get("analysis")
    analysis_id = int(analysis) if isinstance(analysis, int | str) and str(analysis) else None
    if data_type is not None:
        return {"data_type": data_type, "analysis_id": analysis_id}
    if inputs:
        return {"parents": inputs, "command_id": job.command_id,
                "command_parameters": job.parameters}  # fmt: skip
    if template is not None:
        return {"prep_id": int(template)}
    if analysis_id is not None:
        return {"analysis_id": analysis_id, "data_type": "Multiomic"}
    return {"data_type": "Job Output Folder"}
