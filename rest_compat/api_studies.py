"""`/api/v1/study`, `/study/<id>`, `/study/<id>/status`, `/study/<id>/associations`.

study-api.md §3.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from db.models import StudyPerson
from resolvers.studies import studies
from resolvers.studies.studies import StudyAssociations
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import MalformedBody, json_response, read_json_body

# study-api.md §3.2
COULD_NOT_PARSE = "Could not parse body"
MISSING_ARGUMENTS = "Not all required arguments provided"
REQUIRED_KEYS = ("title", "study_abstract", "study_description", "study_alias", "owner")


def _contact(person: StudyPerson | None) -> list[str] | None:
    return None if person is None else [person.name, person.affiliation, person.email]


def _pair(contacts: Any, key: str) -> tuple[str, str] | None:
    value = contacts.get(key) if isinstance(contacts, dict) else None
    if not isinstance(value, list) or len(value) < 2:
        return None
    if not all(isinstance(part, str) for part in value[:2]):
        return None
    return value[0], value[1]


async def create_study(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        try:
            body = await read_json_body(request)
        except MalformedBody:
            return json_response({"message": COULD_NOT_PARSE}, 400)
        if not isinstance(body, dict) or any(
            key not in body for key in (*REQUIRED_KEYS, "contacts")
        ):
            return json_response({"message": MISSING_ARGUMENTS}, 400)
        texts = {key: body[key] for key in (*REQUIRED_KEYS, "notes") if key in body}
        pi, lab = (
            _pair(body["contacts"], "principal_investigator"),
            _pair(body["contacts"], "lab_person"),
        )
        if pi is None or lab is None or not all(isinstance(v, str) for v in texts.values()):
            return json_response({"message": MISSING_ARGUMENTS}, 400)
        study = await studies.create_study(
            ctx, title=texts["title"], abstract=texts["study_abstract"],
            description=texts["study_description"], alias=texts["study_alias"],
            owner_email=texts["owner"], principal_investigator=pi, lab_person=lab,
            notes=texts.get("notes", ""),
        )  # fmt: skip
    return json_response({"id": study.id}, 201)


async def get_study(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        study = await studies.find_study(ctx, request.path_params["study_id"], with_contacts=True)
    return json_response(
        {
            "title": study.title,
            "contacts": {
                "principal_investigator": _contact(study.principal_investigator),
                "lab_person": _contact(study.lab_person),
            },
            "study_abstract": study.abstract,
            "study_description": study.description,
            "study_alias": study.alias,
        }
    )


async def get_study_status(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        status = await studies.get_study_status(ctx, request.path_params["study_id"])
    return json_response(
        {
            "is_public": status.is_public,
            "has_sample_information": status.has_sample_information,
            "sample_information_has_warnings": status.sample_information_has_warnings,
            "preparations": [
                {"id": prep.id, "has_artifact": prep.has_artifact} for prep in status.preparations
            ],
        }
    )


def _associations_body(found: StudyAssociations) -> dict[str, Any]:
    return {
        "study_id": found.study_id,
        "study_sample_metadata_filepath": found.sample_file,
        "prep_templates": [
            {
                "prep_id": prep.id,
                "prep_status": prep.status,
                "prep_sample_metadata_filepath": prep.file,
                "prep_data_type": prep.data_type,
                "prep_human_filtering": prep.human_filtering,
                "prep_artifacts": [
                    {
                        "artifact_id": artifact.id,
                        "artifact_status": artifact.status,
                        "artifact_parent_ids": artifact.parent_ids,
                        "artifact_basal_id": artifact.basal_id,
                        "artifact_processing_id": artifact.processing_id,
                        "artifact_processing_name": artifact.processing_name,
                        "artifact_processing_arguments": artifact.processing_arguments,
                        "artifact_filepaths": None
                        if artifact.files is None
                        else [
                            {
                                "artifact_filepath_id": file.id,
                                "artifact_filepath": file.path,
                                "artifact_filepath_type": file.filepath_type,
                            }
                            for file in artifact.files
                        ],
                    }
                    for artifact in prep.artifacts
                ],
            }
            for prep in found.preparations
        ],
    }


async def get_study_associations(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        found = await studies.get_study_associations(ctx, request.path_params["study_id"])
    return json_response(_associations_body(found))
