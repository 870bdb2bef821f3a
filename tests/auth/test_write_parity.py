"""The same principal gets the same answer for the same write on REST and GraphQL.

Every GraphQL mutation and every `/api/v1` write is run by every kind of principal
(admin, owner, a user without access, guest, system client, plugin client, plugin
client of a trusted plugin) against one study owned by `owner`. Each answer is reduced
to an outcome (`ok`, `invalid`, `forbidden`, `not found`); the REST and GraphQL faces
of one action must agree, and both must match the rule table (decisions.md,
"Authorization").
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from db.models import (
    Account,
    Command,
    CommandParameter,
    ProcessingJob,
    Software,
    StudyPerson,
)
from db.models import SoftwareArtifactType as TypeLink
from resolvers.context import Services
from rest_compat import api_persons, api_preparations, api_samples, api_studies
from rest_compat.study_routes import study_routes
from tests.builders.accounts import bearer, make_plugin_client, make_software, make_user, token_for
from tests.builders.callers import run_graphql
from tests.builders.studies import make_person
from tests.builders.study_tree import StudyTree, make_study_tree

OK, INVALID, FORBID, MISSING = "ok", "invalid", "forbidden", "not found"
PRINCIPALS = ["admin", "owner", "stranger", "guest", "system", "plugin", "trusted plugin"]
ACTIONS = {  # action: the answer of each principal, in the order of PRINCIPALS
    #                         admin    owner    stranger guest    system   plugin   trusted
    "createStudy":           (OK,      OK,      FORBID,  FORBID,  OK,      FORBID,  OK),
    "createPerson":          (OK,      OK,      OK,      FORBID,  OK,      FORBID,  OK),
    "updateSampleMetadata":  (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "createPreparation":     (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "attachArtifact":        (INVALID, INVALID, MISSING, MISSING, INVALID, FORBID,  INVALID),
    "shareStudy":            (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "unshareStudy":          (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "submitJob":             (OK,      OK,      INVALID, FORBID,  FORBID,  FORBID,  FORBID),
    "requestHtmlSummary":    (OK,      OK,      MISSING, FORBID,  FORBID,  FORBID,  FORBID),
    "cancelJob":             (OK,      OK,      MISSING, MISSING, OK,      MISSING, OK),
    "setArtifactVisibility": (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deleteUpload":          (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "createSampleInformation": (INVALID, INVALID, MISSING, MISSING, INVALID, FORBID, INVALID),
    "updateSampleInformation": (INVALID, INVALID, MISSING, MISSING, INVALID, FORBID, INVALID),
    "createPreparationFromFile": (INVALID, INVALID, MISSING, MISSING, INVALID, FORBID, INVALID),
}  # fmt: skip
"""attachArtifact sends no files, so whoever passes the permission checks gets the 406 of
study-api.md §6.2. Jobs belong to user accounts: clients submit them through the plugin
API only. An artifact the caller may not read is a missing parameter (invalid), never a
hint that it exists. A plugin client reads only its own plugin's jobs. The sheet imports name
a file that is not in the upload folder: whoever may change the study is told so (invalid)."""

REST_WRITES = {  # /api/v1 write endpoints -> the mutation that mirrors them
    api_studies.create_study: "createStudy",
    api_persons.create_person: "createPerson",
    api_samples.patch_samples: "updateSampleMetadata",
    api_preparations.create_preparation: "createPreparation",
    api_preparations.attach_artifact: "attachArtifact",
}
READS_BY_POST = {api_samples.post_samples_status}
_serial = itertools.count(1)


@dataclass
class World:
    owner: Account
    friend: Account
    tree: StudyTree
    empty_prep: int
    pi: tuple[str, str]
    headers: dict[str, dict[str, str]]


async def _summary_generator(services: Services) -> None:
    """A type plugin of FASTQ with a `Generate HTML summary` command."""
    async with services.sessions() as session, session.begin():
        software = Software(
            name=f"FASTQ type {uuid.uuid4().hex[:6]}",
            version="1.0",
            type="artifact definition",
            active=True,
        )
        session.add(software)
        await session.flush()
        session.add(TypeLink(software_id=software.id, artifact_type_id=3))
        command = Command(software_id=software.id, name="Generate HTML summary")
        session.add(command)
        await session.flush()
        session.add(
            CommandParameter(
                command_id=command.id, name="input_data", type="artifact", required=True
            )
        )


async def build_world(services: Services, client: httpx.AsyncClient) -> World:
    owner, friend = await make_user(services), await make_user(services)
    tree = await make_study_tree(services, owner)
    await _summary_generator(services)
    pi_id = await make_person(services, name=f"PI {uuid.uuid4().hex[:6]}")
    owner_token = await token_for(services, "user", account=owner)
    prep = await client.post(
        f"/api/v1/study/{tree.study_id}/preparation?data_type=18S",
        json={name: {"primer": "GTGC"} for name in tree.sample_names},
        headers=bearer(owner_token),
    )
    assert prep.status_code == 201, prep.text
    untrusted = await make_software(services)
    trusted = await make_software(services)
    async with services.sessions() as session, session.begin():
        await session.execute(update(Software).where(Software.id == trusted).values(trusted=True))
        person = await session.get(StudyPerson, pi_id)
        assert person is not None
        contact = (person.name, person.affiliation)
    tokens = {
        "admin": await token_for(services, "admin"),
        "owner": owner_token,
        "stranger": await token_for(services, "user"),
        "guest": await token_for(services, "guest"),
        "system": await token_for(services, "system"),
        "plugin": await token_for(
            services, "plugin", client=await make_plugin_client(services, software_id=untrusted)
        ),
        "trusted plugin": await token_for(
            services, "plugin", client=await make_plugin_client(services, software_id=trusted)
        ),
    }
    return World(
        owner=owner,
        friend=friend,
        tree=tree,
        empty_prep=int(prep.json()["id"]),
        pi=contact,
        headers={kind: bearer(token) for kind, token in tokens.items()},
    )


async def queued_job(services: Services, world: World) -> str:
    """A fresh queued job of the owner's (each cancellation needs its own)."""
    job_id = str(uuid.uuid4())
    async with services.sessions() as session, session.begin():
        session.add(
            ProcessingJob(
                id=job_id,
                account_id=world.owner.id,
                command_id=await _command_of(services, world),
                parameters={},
                status="queued",
            )
        )
    return job_id


async def _command_of(services: Services, world: World) -> int:
    async with services.sessions() as session:
        job = await session.get(ProcessingJob, world.tree.job_id)
        assert job is not None
        return job.command_id


# --- outcomes ------------------------------------------------------------------------


def rest_outcome(response: httpx.Response) -> str:
    status = response.status_code
    if status in (200, 201):
        return OK
    if status in (400, 406):
        return INVALID
    assert "message" in response.json(), response.text
    return {403: FORBID, 404: MISSING}.get(status, f"HTTP {status}")


def graphql_outcome(result: dict[str, Any], field: str) -> str:
    errors = result.get("errors") or []
    if errors:
        assert errors[0]["message"], errors
        code = errors[0]["extensions"]["code"]
        return {"FORBIDDEN": FORBID, "NOT_FOUND": MISSING}.get(code, code)
    payload = result["data"][field]
    if not payload["userErrors"]:
        return OK
    return MISSING if payload["userErrors"][0]["code"] == "NOT_FOUND" else INVALID


# --- the actions on both faces -------------------------------------------------------

Face = Callable[[httpx.AsyncClient, Services, World, str], Awaitable[str]]


def _study_fields(world: World, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "study_abstract": "abstract",
        "study_description": "description",
        "study_alias": "alias",
        "owner": world.owner.email,
        "contacts": {"principal_investigator": list(world.pi), "lab_person": list(world.pi)},
    }


async def rest_create_study(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    body = _study_fields(world, f"REST study {next(_serial)} {uuid.uuid4().hex}")
    response = await client.post("/api/v1/study", json=body, headers=world.headers[kind])
    return rest_outcome(response)


async def graphql_create_study(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    contact = {"name": world.pi[0], "affiliation": world.pi[1]}
    variables = {
        "input": {
            "title": f"GraphQL study {next(_serial)} {uuid.uuid4().hex}",
            "abstract": "abstract",
            "description": "description",
            "alias": "alias",
            "ownerEmail": world.owner.email,
            "principalInvestigator": contact,
            "labPerson": contact,
        }
    }
    return await _mutate(client, world, kind, "createStudy", "CreateStudyInput", variables)


async def rest_create_person(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    params = {"name": f"Person {uuid.uuid4().hex}", "affiliation": "Lab", "email": "p@x.org"}
    response = await client.post("/api/v1/person", params=params, headers=world.headers[kind])
    return rest_outcome(response)


async def graphql_create_person(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {
        "input": {"name": f"Person {uuid.uuid4().hex}", "affiliation": "Lab", "email": "p@x.org"}
    }
    return await _mutate(client, world, kind, "createPerson", "CreatePersonInput", variables)


def _samples(world: World) -> dict[str, dict[str, str]]:
    return {name: {"env_package": "soil", "host": "cow"} for name in world.tree.sample_names}


async def rest_update_samples(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    response = await client.patch(
        f"/api/v1/study/{world.tree.study_id}/samples",
        content=json.dumps(_samples(world)).encode(),  # as qiita_client: no Content-Type
        headers=world.headers[kind],
    )
    return rest_outcome(response)


async def graphql_update_samples(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": {"studyId": world.tree.study_id, "samples": _samples(world)}}
    return await _mutate(
        client, world, kind, "updateSampleMetadata", "UpdateSampleMetadataInput", variables
    )


def _prep_metadata(world: World) -> dict[str, dict[str, str]]:
    return {name: {"primer": "GTGC"} for name in world.tree.sample_names}


async def rest_create_preparation(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    response = await client.post(
        f"/api/v1/study/{world.tree.study_id}/preparation?data_type=18S",
        json=_prep_metadata(world),
        headers=world.headers[kind],
    )
    return rest_outcome(response)


async def graphql_create_preparation(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {
        "input": {
            "studyId": world.tree.study_id,
            "dataType": "18S",
            "metadata": _prep_metadata(world),
        }
    }
    return await _mutate(
        client, world, kind, "createPreparation", "CreatePreparationInput", variables
    )


async def rest_attach_artifact(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    """No files: a caller that passes the permission checks gets the 406 of §6.2."""
    response = await client.post(
        f"/api/v1/study/{world.tree.study_id}/preparation/{world.empty_prep}/artifact",
        json={"artifact_type": "FASTQ", "filepaths": [], "artifact_name": "reads"},
        headers=world.headers[kind],
    )
    return rest_outcome(response)


async def graphql_attach_artifact(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {
        "input": {
            "studyId": world.tree.study_id,
            "prepId": world.empty_prep,
            "artifactType": "FASTQ",
            "files": [],
            "name": "reads",
        }
    }
    return await _mutate(client, world, kind, "attachArtifact", "AttachArtifactInput", variables)


async def graphql_share(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": {"studyId": world.tree.study_id, "email": world.friend.email}}
    return await _mutate(client, world, kind, "shareStudy", "ShareStudyInput", variables)


async def graphql_unshare(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": {"studyId": world.tree.study_id, "email": world.friend.email}}
    return await _mutate(client, world, kind, "unshareStudy", "UnshareStudyInput", variables)


async def graphql_submit_job(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {
        "input": {
            "commandId": str(await _command_of(services, world)),
            "parameters": {"input_data": world.tree.root_artifact_id},
        }
    }
    return await _mutate(client, world, kind, "submitJob", "SubmitJobInput", variables)


async def graphql_request_summary(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": {"artifactId": world.tree.root_artifact_id}}
    return await _mutate(
        client, world, kind, "requestHtmlSummary", "RequestHtmlSummaryInput", variables
    )


async def graphql_cancel_job(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": {"jobId": await queued_job(services, world)}}
    return await _mutate(client, world, kind, "cancelJob", "CancelJobInput", variables)


async def graphql_set_visibility(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": {"artifactId": world.tree.root_artifact_id, "visibility": "SANDBOX"}}
    return await _mutate(
        client, world, kind, "setArtifactVisibility", "SetArtifactVisibilityInput", variables
    )


async def _mutate(
    client: httpx.AsyncClient,
    world: World,
    kind: str,
    field: str,
    input_type: str,
    variables: dict[str, Any],
) -> str:
    selection = f"{field}(input: $input) {{ userErrors {{ message code }} }}"
    document = f"mutation($input: {input_type}!) {{ {selection} }}"
    headers = world.headers[kind]
    result = await run_graphql(client, document, variables, caller=_Caller(headers))
    return graphql_outcome(result, field)


@dataclass(frozen=True)
class _Caller:
    headers: dict[str, str]


async def graphql_delete_upload(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    """A fresh file in the study's upload folder (each deletion needs its own)."""
    folder = services.settings.resolved_data_dir / "uploads" / str(world.tree.study_id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"reads_{next(_serial)}.fastq.gz"
    (folder / name).write_bytes(b"@r\nACGT\n+\nIIII\n")
    variables = {"input": {"studyId": world.tree.study_id, "name": name}}
    return await _mutate(client, world, kind, "deleteUpload", "DeleteUploadInput", variables)


def _sheet_mutation(field: str, input_type: str, extra: dict[str, Any]) -> Face:
    """A sheet import naming a file that is not in the upload folder."""

    async def face(client: httpx.AsyncClient, services: Services, world: World, kind: str) -> str:
        variables = {"input": {"studyId": world.tree.study_id, "fileName": "absent.tsv", **extra}}
        return await _mutate(client, world, kind, field, input_type, variables)

    return face


FACES: dict[str, tuple[Face | None, Face]] = {
    "createStudy": (rest_create_study, graphql_create_study),
    "createPerson": (rest_create_person, graphql_create_person),
    "updateSampleMetadata": (rest_update_samples, graphql_update_samples),
    "createPreparation": (rest_create_preparation, graphql_create_preparation),
    "attachArtifact": (rest_attach_artifact, graphql_attach_artifact),
    "shareStudy": (None, graphql_share),
    "unshareStudy": (None, graphql_unshare),
    "submitJob": (None, graphql_submit_job),
    "requestHtmlSummary": (None, graphql_request_summary),
    "cancelJob": (None, graphql_cancel_job),
    "setArtifactVisibility": (None, graphql_set_visibility),
    "deleteUpload": (None, graphql_delete_upload),
    "createSampleInformation": (
        None,
        _sheet_mutation("createSampleInformation", "SampleInformationFileInput", {}),
    ),
    "updateSampleInformation": (
        None,
        _sheet_mutation("updateSampleInformation", "SampleInformationFileInput", {}),
    ),
    "createPreparationFromFile": (
        None,
        _sheet_mutation("createPreparationFromFile", "PreparationFileInput", {"dataType": "18S"}),
    ),
}


# --- the tests -----------------------------------------------------------------------


async def test_the_table_covers_every_mutation_and_every_api_v1_write(
    client: httpx.AsyncClient,
) -> None:
    result = await run_graphql(client, "{ __schema { mutationType { fields { name } } } }")
    mutations = [field["name"] for field in result["data"]["__schema"]["mutationType"]["fields"]]
    assert sorted(ACTIONS) == sorted(mutations) == sorted(FACES)
    writes = {
        route.endpoint
        for route in study_routes()
        if set(getattr(route, "methods", None) or ()) & {"POST", "PATCH", "PUT", "DELETE"}
    }
    assert writes - READS_BY_POST == set(REST_WRITES)
    assert all(FACES[action][0] is not None for action in REST_WRITES.values())


@pytest.mark.parametrize("kind", PRINCIPALS)
async def test_rest_and_graphql_give_each_principal_the_same_answer(
    client: httpx.AsyncClient, services: Services, kind: str
) -> None:
    world = await build_world(services, client)
    seen: dict[str, str] = {}
    for action in ACTIONS:
        rest, graphql = FACES[action]
        answer = await graphql(client, services, world, kind)
        if rest is not None:
            assert await rest(client, services, world, kind) == answer, action
        seen[action] = answer
    column = PRINCIPALS.index(kind)
    assert seen == {action: answers[column] for action, answers in ACTIONS.items()}
