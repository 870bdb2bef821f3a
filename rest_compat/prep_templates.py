"""`/qiita_db/prep_template/...` and `/qiita_db/sample_information/<id>/data/`.

plugin-api.md §4.6-§4.9.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.studies import prep_information, preparations
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import (
    MalformedBody,
    json_response,
    parse_boolean,
    parse_id,
    parse_json_field,
    read_arguments,
)
from rest_compat.qiita_routing import captured_int


async def get_prep(request: Request) -> Response:
    """§4.6: details plus the current sample and prep files under `templates/`."""
    async with authenticated_unit_of_work(request) as ctx:
        details = await prep_information.get_prep_details(
            ctx, captured_int(request, "prep_id", "Preparation")
        )
    prep = details.prep
    return json_response(
        {
            "data_type": details.data_type,
            "artifact": prep.artifact_id,
            "investigation_type": prep.investigation_type,
            "study": prep.study_id,
            "status": details.status,
            "sample-file": str(details.sample_file),
            "prep-file": str(details.prep_file),
        }
    )


async def get_prep_data(request: Request) -> Response:
    """§4.7: prep metadata, or with `sample_information` true the samples' metadata.

    The flag is parsed as a boolean (decisions.md), so `false` means prep information.
    """
    async with authenticated_unit_of_work(request) as ctx:
        prep_id = captured_int(request, "prep_id", "Preparation")
        flag = (await read_arguments(request)).get("sample_information")
        if flag and parse_boolean(flag, "sample_information"):
            data = await prep_information.read_prep_sample_information(ctx, prep_id)
        else:
            data = await prep_information.read_prep_information(ctx, prep_id)
    return json_response({"data": data})


async def get_sample_data(request: Request) -> Response:
    """§4.9: every sample of the study's sample information."""
    async with authenticated_unit_of_work(request) as ctx:
        study_id = captured_int(request, "study_id", "Study")
        data = await prep_information.read_sample_information(ctx, study_id)
    return json_response({"data": data})


async def create_prep(request: Request) -> Response:
    """§4.8 (and `/apitest/prep_template/`): `prep_info` JSON, `study`, `data_type`."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        prep_info = parse_json_field(args.require("prep_info"), "prep_info")
        study = args.require("study")
        data_type = args.require("data_type")
        if not isinstance(prep_info, dict):
            raise MalformedBody("Argument prep_info must be a JSON object of sample -> values")
        prep = await preparations.create_preparation(
            ctx,
            parse_id(study, "study"),
            data_type,
            prep_info,
            name=args.get("name") or None,
            creation_job_id=args.get("job-id") or None,
            plugin_api=True,
        )
        prep_id = prep.id
    return json_response({"prep": prep_id})
