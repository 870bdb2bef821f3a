"""Typed user errors: every problem of an input, each with a code and a path into the input."""

from __future__ import annotations

from typing import Any

import httpx

from resolvers.context import Services
from tests.graph_factories import make_person, make_plugin, make_study_tree
from tests.graphql.conftest import Callers, run_graphql

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
