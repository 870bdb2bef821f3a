"""`/api/v1/study/<id>/preparation...`: create a preparation, attach uploaded files (§6)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from resolvers.artifacts import uploaded_artifacts
from resolvers.context import unit_of_work
from resolvers.errors import Invalid
from resolvers.studies import preparations, studies
from rest_compat.bearer import authenticate, authenticated_unit_of_work, services_of
from rest_compat.encoding import (
    MalformedBody,
    json_response,
    read_arguments,
    read_json_body,
    read_json_body_keeping_numbers,
)
from rest_compat.errors import domain_error_response


async def create_preparation(request: Request) -> Response:
    """§6.1: `data_type` is required before the study lookup; validation failures are 406."""
    principal = await authenticate(request)
    args = await read_arguments(request)
    data_type = args.require("data_type")
    try:
        async with unit_of_work(services_of(request), principal) as ctx:
            study_id = request.path_params["study_id"]
            try:
                metadata = await read_json_body_keeping_numbers(request)
            except MalformedBody:
                await studies.find_study(ctx, study_id)
                raise
            prep = await preparations.create_preparation(
                ctx, study_id, data_type, metadata,
                investigation_type=args.get("investigation_type"),
            )  # fmt: skip
    except Invalid as exc:
        return domain_error_response(request, exc, 406)
    return json_response({"id": prep.id}, 201)


def _artifact_request(body: Any) -> tuple[str, list[tuple[str, str | int]], str]:
    """The §6.2 body, or Invalid naming what is wrong (400: the reference answers 500)."""
    if not isinstance(body, dict) or not {"artifact_type", "filepaths", "artifact_name"} <= set(
        body
    ):
        raise MalformedBody("The body needs artifact_type, filepaths and artifact_name.")
    pairs = body["filepaths"]
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in pairs
    ):
        raise MalformedBody("filepaths must be a list of [filename, filepath type] pairs.")
    if not isinstance(body["artifact_type"], str) or not isinstance(body["artifact_name"], str):
        raise MalformedBody("artifact_type and artifact_name must be strings.")
    return body["artifact_type"], [(p[0], p[1]) for p in pairs], body["artifact_name"]


async def attach_artifact(request: Request) -> Response:
    """§6.2 and decisions.md: the server's own file checks fail with 406, nothing moves."""
    params = request.path_params
    try:
        async with authenticated_unit_of_work(request) as ctx:
            try:
                artifact_type, filepaths, name = _artifact_request(await read_json_body(request))
            except MalformedBody:
                await uploaded_artifacts.find_study_preparation(
                    ctx, params["study_id"], params["prep_id"]
                )
                raise
            artifact = await uploaded_artifacts.attach_uploaded_artifact(
                ctx, params["study_id"], params["prep_id"],
                artifact_type=artifact_type, filepaths=filepaths, name=name,
            )  # fmt: skip
    except Invalid as exc:
        return domain_error_response(request, exc, 406)
    return json_response({"id": artifact.id}, 201)
