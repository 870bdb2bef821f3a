"""`/qiita_db/artifacts/<id>/` (read, HTML summary) and `/qiita_db/artifact/` (inject).

plugin-api.md §4.3, §4.4, §4.5.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from resolvers.artifacts import artifacts
from resolvers.errors import Invalid
from resolvers.jobs import validators
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import (
    empty_response,
    json_response,
    parse_boolean,
    parse_id,
    parse_json_or_text,
    read_arguments,
)
from rest_compat.qiita_routing import captured_int

HTML_SUMMARY_PATH = "html_summary"


def qiita_timestamp(moment: dt.datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS`, `.ffffff` appended when there are microseconds (§4.3)."""
    return str(moment.astimezone(dt.UTC).replace(tzinfo=None))


def artifact_document(details: artifacts.ArtifactDetails) -> dict[str, Any]:
    artifact = details.artifact
    files: dict[str, list[dict[str, Any]]] = {}
    for stored in details.files:
        files.setdefault(stored.filepath_type, []).append(
            {"filepath": str(stored.path), "size": stored.size}
        )
    ebi = details.can_be_submitted_to_ebi
    vamps = details.can_be_submitted_to_vamps
    return {
        "name": artifact.name,
        "timestamp": qiita_timestamp(artifact.generated_at),
        "visibility": artifact.visibility,
        "type": details.type_name,
        "data_type": details.data_type,
        "can_be_submitted_to_ebi": ebi,
        "can_be_submitted_to_vamps": vamps,
        "ebi_run_accessions": details.ebi_run_accessions if ebi else None,
        "is_submitted_to_vamps": artifact.submitted_to_vamps if vamps else None,
        "prep_information": [artifact.prep_id] if artifact.prep_id is not None else [],
        "study": artifact.study_id,
        "analysis": artifact.analysis_id,
        "parents": details.parents,
        "processing_parameters": artifact.command_parameters,
        "files": files,
    }


async def get_artifact(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        artifact_id = captured_int(request, "artifact_id", "Artifact")
        details = await artifacts.get_artifact_details(ctx, artifact_id)
    return json_response(artifact_document(details))


def _summary_value(value: str) -> tuple[str, str | None]:
    """A plain path, or `{"html": path, "dir": path or null}` (decisions.md: `dir` optional)."""
    decoded = parse_json_or_text(value)
    if isinstance(decoded, str):
        return decoded, None
    if (
        not isinstance(decoded, dict)
        or not isinstance(decoded.get("html"), str)
        or not isinstance(decoded.get("dir"), str | None)
    ):
        raise Invalid('The value must be a path or {"html": <path>, "dir": <path or null>}.')
    return decoded["html"], decoded.get("dir")


async def patch_artifact(request: Request) -> Response:
    """§4.4: `op=add`, `path=/html_summary/`, `value` = the summary."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        op, path, value = args.require("op"), args.require("path"), args.require("value")
        if op != "add":
            raise Invalid(f'Operation "{op}" not supported. Current supported operations: add')
        if [part for part in path.split("/") if part] != [HTML_SUMMARY_PATH]:
            raise Invalid("Incorrect path parameter value")
        artifact_id = captured_int(request, "artifact_id", "Artifact")
        html, directory = _summary_value(value)
        await artifacts.set_html_summary(ctx, artifact_id, html, directory)
    return empty_response()


async def inject_artifact(request: Request) -> Response:
    """§4.5: a Validate job for new files, of a job's output or a preparation's root."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        job_id, prep_text = args.get("job_id") or None, args.get("prep_id") or None
        if job_id is None and prep_text is None:
            raise Invalid("You need to specify a job_id or a prep_id")
        if job_id is not None and prep_text is not None:
            raise Invalid("You need to specify only a job_id or a prep_id")
        workflow = args.get("add_default_workflow")
        add_workflow = parse_boolean(workflow, "add_default_workflow") if workflow else False
        validator_id = await validators.inject_artifact(
            ctx,
            user_email=args.require("user_email"),
            artifact_type=args.require("artifact_type"),
            files=args.require("files"),
            job_id=job_id,
            prep_id=parse_id(prep_text, "prep_id") if prep_text is not None else None,
            name=args.get("command_artifact_name") or "Name",
            add_default_workflow=add_workflow,
        )
    return json_response({"job_id": validator_id})
