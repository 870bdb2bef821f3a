"""`/api/v1/study/<id>/samples...` and `/sample/<name>/status` (study-api.md §4)."""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import Response

from resolvers.errors import Invalid
from resolvers.studies import sample_details, samples, studies
from resolvers.studies.samples import CategoriesNotFound
from rest_compat.bearer import authenticated_unit_of_work, services_of
from rest_compat.encoding import (
    MalformedBody,
    empty_response,
    json_response,
    read_arguments,
    read_json_body,
    read_json_body_keeping_numbers,
)
from rest_compat.errors import domain_error_response

COULD_NOT_PARSE = "Could not parse body"
MISSING_SAMPLE_IDS = "Missing sample_id key"


async def _categories_response(request: Request, text: str) -> Response:
    """§4.3: an empty list is a 405 before the study lookup; unknown ones are listed."""
    try:
        async with authenticated_unit_of_work(request) as ctx:
            categories = text.split(",") if text else []
            found = await samples.get_sample_categories(
                ctx, request.path_params["study_id"], categories
            )
    except CategoriesNotFound as exc:
        body = {"message": exc.message, "categories_not_found": exc.missing}
        return json_response(body, 404)
    except Invalid as exc:
        return domain_error_response(request, exc, 405)
    return json_response({"header": found.header, "samples": found.samples})


async def get_sample_categories(request: Request) -> Response:
    return await _categories_response(request, request.path_params["categories"])


async def get_samples(request: Request) -> Response:
    """§4.1; with `?categories=` it answers as §4.3 (study-api.md §4.1, recommended)."""
    args = await read_arguments(request)
    if "categories" in args:
        return await _categories_response(request, args.get("categories") or "")
    async with authenticated_unit_of_work(request) as ctx:
        names = await samples.list_sample_names(ctx, request.path_params["study_id"])
    return json_response(names)


async def patch_samples(request: Request) -> Response:
    study_id = request.path_params["study_id"]
    seen = await samples.categories_on_arrival(services_of(request), study_id)
    async with authenticated_unit_of_work(request) as ctx:
        try:
            table = await read_json_body_keeping_numbers(request)
        except MalformedBody:
            await studies.find_editable_study(ctx, study_id)
            return json_response({"message": COULD_NOT_PARSE}, 400)
        result = await samples.patch_samples(ctx, study_id, table, seen_categories=seen)
    return empty_response(201 if result.added else 200)


async def get_samples_info(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        summary = await samples.summarize_sample_information(ctx, request.path_params["study_id"])
    return json_response(
        {"number-of-samples": summary.number_of_samples, "categories": summary.categories}
    )


async def post_samples_status(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        try:
            body = await read_json_body(request)
        except MalformedBody:
            return json_response({"message": COULD_NOT_PARSE}, 400)
        if not isinstance(body, dict) or "sample_ids" not in body:
            return json_response({"message": MISSING_SAMPLE_IDS}, 400)
        sample_ids = body["sample_ids"]
        if not isinstance(sample_ids, list) or not all(isinstance(s, str) for s in sample_ids):
            return json_response({"message": "sample_ids must be a list of sample ids"}, 400)
        details = await sample_details.sample_details(
            ctx, request.path_params["study_id"], sample_ids
        )
    return json_response([dataclasses.asdict(detail) for detail in details])


async def get_sample_status(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        params = request.path_params
        details = await sample_details.sample_details(ctx, params["study_id"], [params["sample"]])
    return json_response([dataclasses.asdict(detail) for detail in details])
