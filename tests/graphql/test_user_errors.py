"""Typed user errors: every problem of an input, each with a code and a path into the input."""

from __future__ import annotations

from typing import Any

import httpx

from resolvers.context import Services
from tests.builders.callers import Callers, run_graphql
from tests.builders.plugins import make_plugin
from tests.builders.studies import make_person
from tests.builders.study_tree import make_study_tree

ERRORS = "userErrors { field message code }"
CREATE_PERSON = f"""mutation($input: CreatePersonInput!) {{
  createPerson(input: $input) {{ person {{ personId }} {ERRORS} }} }}"""
CREATE_STUDY = f"""mutation($input: CreateStudyInput!) {{
  createStudy(input: $input) {{ study {{ studyId }} {ERRORS} }} }}"""
SUBMIT_JOB = f"""mutation($input: SubmitJobInput!) {{
  submitJob(input: $input) {{ job {{ jobId }} {ERRORS} }} }}"""
CANCEL = f"""mutation($id: ID!) {{
  cancelJob(input: {{jobId: $id}}) {{ job {{ jobId }} {ERRORS} }} }}"""


def errors_of(result: dict[str, Any], mutation: str) -> list[dict[str, Any]]:
    assert "errors" not in result, result
    payload = result["data"][mutation]
    errors: list[dict[str, Any]] = payload["userErrors"]
    assert errors, payload
    assert all(value is None for key, value in payload.items() if key != "userErrors")
    return errors


async def test_every_problem_of_an_input_is_reported_required_and_invalid(
    client: httpx.AsyncClient, callers: Callers
) -> None:
    person = {"name": "", "affiliation": "Lab", "email": "", "address": "x" * 500}
    result = await run_graphql(client, CREATE_PERSON, {"input": person}, caller=callers.owner)
    assert errors_of(result, "createPerson") == [
        {
            "field": ["input", "name"],
            "message": "The person's name must not be empty.",
            "code": "REQUIRED",
        },
        {
            "field": ["input", "email"],
            "message": "The person's email must not be empty.",
            "code": "REQUIRED",
        },
        {
            "field": ["input", "address"],
            "message": "The address is limited to 100 characters.",
            "code": "INVALID",
        },
    ]


async def test_a_taken_study_title_is_a_field_error(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    await make_person(services, name="Dr Taken")
    contact = {"name": "Dr Taken", "affiliation": "Example Lab"}
    study = {
        "title": tree.title,
        "abstract": "a",
        "description": "d",
        "alias": "al",
        "ownerEmail": callers.owner.account.email,
        "principalInvestigator": contact,
        "labPerson": contact,
    }
    result = await run_graphql(client, CREATE_STUDY, {"input": study}, caller=callers.owner)
    assert errors_of(result, "createStudy") == [
        {"field": ["input", "title"], "message": "Study title already exists", "code": "TAKEN"}
    ]


async def test_unknown_command_and_missing_parameter_point_into_the_input(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    unknown = await run_graphql(
        client,
        SUBMIT_JOB,
        {"input": {"commandId": "Q29tbWFuZDo5OTk5OTk=", "parameters": {}}},
        caller=callers.owner,
    )
    assert errors_of(unknown, "submitJob") == [
        {
            "field": ["input", "commandId"],
            "message": "Command 999999 does not exist.",
            "code": "NOT_FOUND",
        }
    ]
    missing = await run_graphql(
        client,
        SUBMIT_JOB,
        {"input": {"commandId": plugin.command_id, "parameters": {}}},
        caller=callers.owner,
    )
    [error] = errors_of(missing, "submitJob")
    assert (error["field"], error["code"]) == (["input", "parameters", "input_data"], "REQUIRED")


async def test_a_change_the_state_does_not_allow_is_not_allowed(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, job_status="success")
    result = await run_graphql(client, CANCEL, {"id": tree.job_id}, caller=callers.owner)
    assert errors_of(result, "cancelJob") == [
        {
            "field": None,
            "message": f"Job {tree.job_id} cannot be cancelled: it is already success.",
            "code": "NOT_ALLOWED",
        }
    ]
    hidden = await run_graphql(client, CANCEL, {"id": tree.job_id}, caller=callers.other)
    assert errors_of(hidden, "cancelJob") == [
        {
            "field": ["input", "jobId"],
            "message": f"Job not found: {tree.job_id}",
            "code": "NOT_FOUND",
        }
    ]


async def test_create_study_reports_every_bad_text_field_at_once(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    await make_person(services, name="Dr Nul")
    contact = {"name": "Dr Nul", "affiliation": "Example Lab"}
    study = {
        "title": "bad\x00title",
        "abstract": "a",
        "description": "bad\x00description",
        "alias": "al",
        "ownerEmail": callers.owner.account.email,
        "principalInvestigator": contact,
        "labPerson": contact,
    }
    result = await run_graphql(client, CREATE_STUDY, {"input": study}, caller=callers.owner)
    assert errors_of(result, "createStudy") == [
        {
            "field": ["input", "title"],
            "message": "The title contains a NUL character.",
            "code": "INVALID",
        },
        {
            "field": ["input", "description"],
            "message": "The study_description contains a NUL character.",
            "code": "INVALID",
        },
    ]


UPDATE_SAMPLES = f"""mutation($input: UpdateSampleMetadataInput!) {{
  updateSampleMetadata(input: $input) {{ study {{ studyId }} {ERRORS} }} }}"""
CREATE_PREP = f"""mutation($input: CreatePreparationInput!) {{
  createPreparation(input: $input) {{ preparation {{ prepId }} {ERRORS} }} }}"""


def paths_and_codes(errors: list[dict[str, Any]]) -> list[tuple[list[str], str]]:
    return [(error["field"], error["code"]) for error in errors]


async def test_update_sample_metadata_reports_bad_categories_and_bad_values_together(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=2)
    bad = {
        f"{tree.study_id}.S0": {"env_package": "air", "host": "h", "1st_depth": "3"},
        f"{tree.study_id}.S1": {"env_package": "air", "host": {"nested": 1}},
    }
    result = await run_graphql(
        client,
        UPDATE_SAMPLES,
        {"input": {"studyId": tree.study_id, "samples": bad}},
        caller=callers.owner,
    )
    errors = errors_of(result, "updateSampleMetadata")
    assert paths_and_codes(errors) == [
        (["input", "samples"], "INVALID"),
        (["input", "samples"], "INVALID"),
    ]
    assert "1st_depth" in errors[0]["message"]
    assert "'host'" in errors[1]["message"]
    assert "S1" in errors[1]["message"]


async def test_create_preparation_reports_a_bad_data_type_and_unknown_samples_together(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=2)
    metadata = {"S0": {"primer": "GTGC"}, "S9": {"primer": "GTGC"}}
    result = await run_graphql(
        client,
        CREATE_PREP,
        {"input": {"studyId": tree.study_id, "dataType": "Nope", "metadata": metadata}},
        caller=callers.owner,
    )
    errors = errors_of(result, "createPreparation")
    assert paths_and_codes(errors) == [
        (["input", "dataType"], "INVALID"),
        (["input", "metadata"], "INVALID"),
    ]
    assert errors[0]["message"].startswith("Unknown data type 'Nope'")
    assert errors[1]["message"] == (
        f"Samples found in prep template but not sample template: {tree.study_id}.S9"
    )


async def test_submit_job_reports_every_bad_parameter(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    result = await run_graphql(
        client,
        SUBMIT_JOB,
        {
            "input": {
                "commandId": plugin.command_id,
                "parameters": {"threads": "many", "similarity": "high"},
            }
        },
        caller=callers.owner,
    )
    errors = errors_of(result, "submitJob")
    assert paths_and_codes(errors) == [
        (["input", "parameters", "input_data"], "REQUIRED"),
        (["input", "parameters", "threads"], "INVALID"),
        (["input", "parameters", "similarity"], "INVALID"),
    ]
    assert errors[1]["message"] == "Parameter 'threads' must be an integer, got 'many'"


ATTACH = f"""mutation($input: AttachArtifactInput!) {{
  attachArtifact(input: $input) {{ artifact {{ artifactId }} {ERRORS} }} }}"""


async def test_attach_artifact_reports_its_type_the_preparation_and_the_files_together(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=1)
    attach = {
        "studyId": tree.study_id,
        "prepId": tree.prep_id,
        "artifactType": "Nope",
        "files": [{"path": "missing.fastq.gz", "filepathType": "raw_forward_seqs"}],
        "name": "reads",
    }
    result = await run_graphql(client, ATTACH, {"input": attach}, caller=callers.owner)
    errors = errors_of(result, "attachArtifact")
    assert paths_and_codes(errors) == [
        (["input", "artifactType"], "INVALID"),
        (["input", "prepId"], "TAKEN"),
        (["input", "files"], "INVALID"),
    ]
    assert errors[0]["message"] == "Unknown artifact type: Nope"
    assert errors[2]["message"] == (
        "These files are not in the study's upload folder: missing.fastq.gz"
    )
