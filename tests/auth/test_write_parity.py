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
from sqlalchemy import select, update

from db.models import (
    Account,
    Command,
    CommandParameter,
    DefaultParameterSet,
    DefaultWorkflow,
    DefaultWorkflowDataType,
    DefaultWorkflowNode,
    ProcessingJob,
    Software,
    StudyPerson,
)
from db.models import SoftwareArtifactType as TypeLink
from resolvers.context import Services
from rest_compat import api_persons, api_preparations, api_samples, api_studies
from rest_compat.study_routes import study_routes
from tests.builders.accounts import bearer, make_plugin_client, make_software, make_user, token_for
from tests.builders.callers import SignedInCaller, run_graphql
from tests.builders.seeded import DATA_16S, FASTQ
from tests.builders.studies import make_analysis, make_person
from tests.builders.study_tree import StudyTree, make_study_tree
from tests.graphql.analysis_builders import mount_path, write_biom
from tests.graphql.editing_builders import BareStudy, make_bare_study

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
    "register":              (INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID),
    "inviteUser":            (OK,      FORBID,  FORBID,  FORBID,  OK,      FORBID,  FORBID),
    "verifyEmail":           (INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID),
    "requestPasswordReset":  (OK,      OK,      OK,      OK,      OK,      OK,      OK),
    "resetPassword":         (INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID),
    "changePassword":        (INVALID, INVALID, INVALID, INVALID, FORBID,  FORBID,  FORBID),
    "updateProfile":         (OK,      OK,      OK,      OK,      FORBID,  FORBID,  FORBID),
    "setUserLevel":          (OK,      FORBID,  FORBID,  FORBID,  OK,      FORBID,  FORBID),
    "markMessagesRead":      (OK,      OK,      OK,      OK,      FORBID,  FORBID,  FORBID),
    "markAllMessagesRead":   (OK,      OK,      OK,      OK,      FORBID,  FORBID,  FORBID),
    "deleteMessages":        (OK,      OK,      OK,      OK,      FORBID,  FORBID,  FORBID),
    "addToCart":             (OK,      OK,      MISSING, FORBID,  FORBID,  FORBID,  FORBID),
    "removeFromCart":        (OK,      OK,      OK,      FORBID,  FORBID,  FORBID,  FORBID),
    "createAnalysis":        (OK,      OK,      INVALID, FORBID,  FORBID,  FORBID,  FORBID),
    "shareAnalysis":         (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "unshareAnalysis":       (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "makeAnalysisPublic":    (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deleteAnalysis":        (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "createWorkflow":        (OK,      OK,      INVALID, FORBID,  FORBID,  FORBID,  FORBID),
    "addWorkflowStep":       (OK,      OK,      MISSING, FORBID,  FORBID,  FORBID,  FORBID),
    "removeWorkflowStep":    (OK,      OK,      MISSING, FORBID,  FORBID,  FORBID,  FORBID),
    "submitWorkflow":        (OK,      OK,      MISSING, FORBID,  FORBID,  FORBID,  FORBID),
    "addDefaultWorkflow":    (OK,      OK,      MISSING, FORBID,  FORBID,  FORBID,  FORBID),
    "updateStudy":           (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deleteStudy":           (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "updatePreparation":     (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deletePreparation":     (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deleteSamples":         (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deleteSampleColumns":   (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deletePreparationSamples": (OK,   OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deletePreparationColumns": (OK,   OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "renameArtifact":        (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
    "deleteArtifact":        (OK,      OK,      MISSING, MISSING, OK,      FORBID,  OK),
}  # fmt: skip
"""attachArtifact sends no files, so whoever passes the permission checks gets the 406 of
study-api.md §6.2. Jobs belong to user accounts: clients submit them through the plugin
API only. An artifact the caller may not read is a missing parameter (invalid), never a
hint that it exists. A plugin client reads only its own plugin's jobs. The sheet imports name
a file that is not in the upload folder: whoever may change the study is told so (invalid).
Accounts: registration is closed (the default), the link tokens are made up and the current
password is wrong (so nobody's tokens are revoked); only admins and the system manage
accounts, no plugin client, trusted or not; clients have no profile, password or messages.
Analyses are made from a signed-in member's own cart, so guests and clients are refused and
a user who may not read the owner's BIOM artifact creates from an empty cart (invalid);
the owner's analysis is shared, published and deleted like the owner's study is shared.
Workflows hold jobs, so only members build them (the owner's or, for admins, anyone's):
guests and clients are refused, other users are not shown the owner's workflow.
Editing and deleting the owner's study, its preparations, sample and preparation information
and artifacts go like updateSampleMetadata, each deletion on a fresh object of the owner's;
deleting the study itself is for its owner and admin rights only: a user it is shared with
edits all of it but is refused deleteStudy (the sharer's test below)."""

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
    owner_caller: SignedInCaller
    friend_caller: SignedInCaller


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


async def _default_workflow(services: Services, tree: StudyTree) -> None:
    """A one-step default workflow for the tree's FASTQ artifact, running the tree's command
    with its default parameters (which its BIOM child was not made with)."""
    async with services.sessions() as session, session.begin():
        job = await session.get(ProcessingJob, tree.job_id)
        assert job is not None
        defaults = (
            await session.execute(
                select(DefaultParameterSet.id).where(
                    DefaultParameterSet.command_id == job.command_id
                )
            )
        ).scalar_one()
        workflow = DefaultWorkflow(name=f"Parity {uuid.uuid4().hex[:6]}", artifact_type_id=FASTQ)
        session.add(workflow)
        await session.flush()
        session.add(DefaultWorkflowDataType(workflow_id=workflow.id, data_type_id=DATA_16S))
        session.add(DefaultWorkflowNode(workflow_id=workflow.id, default_parameter_set_id=defaults))


async def build_world(services: Services, client: httpx.AsyncClient) -> World:
    owner, friend = await make_user(services), await make_user(services)
    tree = await make_study_tree(services, owner)
    table = {name: {"OTU_1": 1 + index} for index, name in enumerate(tree.sample_names)}
    write_biom((await mount_path(services)) / f"{tree.child_artifact_id}/otu_table.biom", table)
    await _default_workflow(services, tree)
    await _summary_generator(services)
    pi_id = await make_person(services, name=f"PI {uuid.uuid4().hex[:6]}")
    owner_token = await token_for(services, "user", account=owner)
    friend_token = await token_for(services, "user", account=friend)
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
        "friend": friend_token,  # not a principal of the table: see the sharer's test
    }
    return World(
        owner=owner,
        friend=friend,
        tree=tree,
        empty_prep=int(prep.json()["id"]),
        pi=contact,
        headers={kind: bearer(token) for kind, token in tokens.items()},
        owner_caller=SignedInCaller(owner, owner_token),
        friend_caller=SignedInCaller(friend, friend_token),
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


def _account_mutation(
    field: str, input_type: str | None, make_input: Callable[[World], dict[str, Any]]
) -> Face:
    """An account or message mutation; `input_type` None: one without input."""

    async def face(client: httpx.AsyncClient, services: Services, world: World, kind: str) -> str:
        if input_type is None:
            document = f"mutation {{ {field} {{ userErrors {{ message code }} }} }}"
            result = await run_graphql(client, document, caller=_Caller(world.headers[kind]))
            return graphql_outcome(result, field)
        variables = {"input": make_input(world)}
        return await _mutate(client, world, kind, field, input_type, variables)

    return face


def _fresh_email(world: World) -> dict[str, Any]:
    return {"email": f"invitee-{next(_serial)}-{uuid.uuid4().hex[:6]}@example.org"}


ACCOUNT_FACES: dict[str, Face] = {
    "register": _account_mutation(
        "register", "RegisterInput", lambda w: {**_fresh_email(w), "password": "good-password"}
    ),
    "inviteUser": _account_mutation("inviteUser", "InviteUserInput", _fresh_email),
    "verifyEmail": _account_mutation("verifyEmail", "VerifyEmailInput", lambda w: {"token": "x"}),
    "requestPasswordReset": _account_mutation(
        "requestPasswordReset", "RequestPasswordResetInput", _fresh_email
    ),
    "resetPassword": _account_mutation(
        "resetPassword", "ResetPasswordInput", lambda w: {"token": "x", "password": "good-pw-1"}
    ),
    "changePassword": _account_mutation(
        "changePassword",
        "ChangePasswordInput",
        lambda w: {"currentPassword": "not-the-password", "newPassword": "good-pw-1"},
    ),
    "updateProfile": _account_mutation(
        "updateProfile", "UpdateProfileInput", lambda w: {"affiliation": "Parity Lab"}
    ),
    "setUserLevel": _account_mutation(
        "setUserLevel", "SetUserLevelInput", lambda w: {"email": w.friend.email, "level": "USER"}
    ),
    "markMessagesRead": _account_mutation(
        "markMessagesRead", "MarkMessagesReadInput", lambda w: {"ids": ["1"]}
    ),
    "markAllMessagesRead": _account_mutation("markAllMessagesRead", None, lambda w: {}),
    "deleteMessages": _account_mutation(
        "deleteMessages", "DeleteMessagesInput", lambda w: {"ids": ["1"]}
    ),
}


def _cart_mutation(field: str) -> Face:
    """Select (or drop) every sample of the owner's BIOM artifact in the caller's cart."""

    async def face(client: httpx.AsyncClient, services: Services, world: World, kind: str) -> str:
        variables = {"input": {"artifactId": str(world.tree.child_artifact_id)}}
        return await _mutate(client, world, kind, field, "CartSelectionInput", variables)

    return face


async def graphql_create_analysis(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    """The caller's cart holds the owner's BIOM artifact if the caller may select it."""
    await _cart_mutation("addToCart")(client, services, world, kind)
    variables = {"input": {"name": f"Analysis {next(_serial)}"}}
    return await _mutate(client, world, kind, "createAnalysis", "CreateAnalysisInput", variables)


def _analysis_mutation(field: str, input_type: str, share: bool = False) -> Face:
    """A mutation of a fresh private analysis of the owner's (each deletion needs its own)."""

    async def face(client: httpx.AsyncClient, services: Services, world: World, kind: str) -> str:
        analysis_id, _ = await make_analysis(services, world.owner)
        extra = {"email": world.friend.email} if share else {}
        variables = {"input": {"analysisId": str(analysis_id), **extra}}
        return await _mutate(client, world, kind, field, input_type, variables)

    return face


async def graphql_create_workflow(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": await _first_step(services, world)}
    return await _mutate(client, world, kind, "createWorkflow", "CreateWorkflowInput", variables)


async def _first_step(services: Services, world: World) -> dict[str, Any]:
    return {
        "commandId": str(await _command_of(services, world)),
        "parameters": {"input_data": world.tree.root_artifact_id},
    }


async def owner_workflow(
    client: httpx.AsyncClient, services: Services, world: World
) -> tuple[str, str]:
    """A fresh workflow in construction of the owner's: (workflow id, its root job id)."""
    document = """mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) {
      workflow { workflowId roots { jobId } } userErrors { message } } }"""
    variables = {"input": await _first_step(services, world)}
    result = await run_graphql(client, document, variables, caller=_Caller(world.headers["owner"]))
    payload = result["data"]["createWorkflow"]
    assert payload["userErrors"] == [], result
    workflow = payload["workflow"]
    return str(workflow["workflowId"]), workflow["roots"][0]["jobId"]


async def graphql_add_workflow_step(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    """A second root step on the owner's artifact."""
    workflow_id, _ = await owner_workflow(client, services, world)
    variables = {"input": {"workflowId": workflow_id, **await _first_step(services, world)}}
    return await _mutate(client, world, kind, "addWorkflowStep", "AddWorkflowStepInput", variables)


async def graphql_remove_workflow_step(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    _, root = await owner_workflow(client, services, world)
    variables = {"input": {"jobId": root}}
    return await _mutate(
        client, world, kind, "removeWorkflowStep", "RemoveWorkflowStepInput", variables
    )


async def graphql_submit_workflow(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    workflow_id, _ = await owner_workflow(client, services, world)
    variables = {"input": {"workflowId": workflow_id}}
    return await _mutate(client, world, kind, "submitWorkflow", "SubmitWorkflowInput", variables)


async def graphql_add_default_workflow(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    variables = {"input": {"prepId": str(world.tree.prep_id)}}
    return await _mutate(
        client, world, kind, "addDefaultWorkflow", "AddDefaultWorkflowInput", variables
    )


def _editing_mutation(
    field: str, input_type: str, make_input: Callable[[World], dict[str, Any]]
) -> Face:
    """A change of the owner's study, preparation or root artifact (nothing is lost)."""

    async def face(client: httpx.AsyncClient, services: Services, world: World, kind: str) -> str:
        variables = {"input": make_input(world)}
        return await _mutate(client, world, kind, field, input_type, variables)

    return face


def _bare_study_deletion(
    field: str, input_type: str, make_input: Callable[[BareStudy], dict[str, Any]]
) -> Face:
    """A deletion in a fresh study of the owner's without artifacts (each needs its own),
    shared with the friend."""

    async def face(client: httpx.AsyncClient, services: Services, world: World, kind: str) -> str:
        bare = await make_bare_study(
            client, services, world.owner_caller, shared_with=world.friend_caller
        )
        variables = {"input": make_input(bare)}
        return await _mutate(client, world, kind, field, input_type, variables)

    return face


async def graphql_delete_artifact(
    client: httpx.AsyncClient, services: Services, world: World, kind: str
) -> str:
    """The BIOM child of a fresh study tree of the owner's, shared with the friend (nothing
    depends on it)."""
    tree = await make_study_tree(services, world.owner, shared_with=[world.friend])
    variables = {"input": {"artifactId": str(tree.child_artifact_id)}}
    return await _mutate(client, world, kind, "deleteArtifact", "DeleteArtifactInput", variables)


EDITING_FACES: dict[str, Face] = {
    "updateStudy": _editing_mutation(
        "updateStudy",
        "UpdateStudyInput",
        lambda w: {"studyId": str(w.tree.study_id), "notes": f"Notes {next(_serial)}"},
    ),
    "deleteStudy": _bare_study_deletion(
        "deleteStudy", "DeleteStudyInput", lambda b: {"studyId": str(b.study_id)}
    ),
    "updatePreparation": _editing_mutation(
        "updatePreparation",
        "UpdatePreparationInput",
        lambda w: {"prepId": str(w.empty_prep), "name": f"Prep {next(_serial)}"},
    ),
    "deletePreparation": _bare_study_deletion(
        "deletePreparation", "DeletePreparationInput", lambda b: {"prepId": str(b.prep_id)}
    ),
    "deleteSamples": _bare_study_deletion(
        "deleteSamples",
        "DeleteSamplesInput",
        lambda b: {"studyId": str(b.study_id), "sampleNames": [b.sample_names[-1]]},
    ),
    "deleteSampleColumns": _bare_study_deletion(
        "deleteSampleColumns",
        "DeleteSampleColumnsInput",
        lambda b: {"studyId": str(b.study_id), "columns": ["host"]},
    ),
    "deletePreparationSamples": _bare_study_deletion(
        "deletePreparationSamples",
        "DeletePreparationSamplesInput",
        lambda b: {"prepId": str(b.prep_id), "sampleNames": [b.sample_names[0]]},
    ),
    "deletePreparationColumns": _bare_study_deletion(
        "deletePreparationColumns",
        "DeletePreparationColumnsInput",
        lambda b: {"prepId": str(b.prep_id), "columns": ["barcode"]},
    ),
    "renameArtifact": _editing_mutation(
        "renameArtifact",
        "RenameArtifactInput",
        lambda w: {"artifactId": str(w.tree.root_artifact_id), "name": f"Reads {next(_serial)}"},
    ),
    "deleteArtifact": graphql_delete_artifact,
}


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
    **{action: (None, face) for action, face in ACCOUNT_FACES.items()},
    "addToCart": (None, _cart_mutation("addToCart")),
    "removeFromCart": (None, _cart_mutation("removeFromCart")),
    "createAnalysis": (None, graphql_create_analysis),
    "shareAnalysis": (None, _analysis_mutation("shareAnalysis", "ShareAnalysisInput", True)),
    "unshareAnalysis": (None, _analysis_mutation("unshareAnalysis", "ShareAnalysisInput", True)),
    "makeAnalysisPublic": (None, _analysis_mutation("makeAnalysisPublic", "AnalysisIdInput")),
    "deleteAnalysis": (None, _analysis_mutation("deleteAnalysis", "AnalysisIdInput")),
    "createWorkflow": (None, graphql_create_workflow),
    "addWorkflowStep": (None, graphql_add_workflow_step),
    "removeWorkflowStep": (None, graphql_remove_workflow_step),
    "submitWorkflow": (None, graphql_submit_workflow),
    "addDefaultWorkflow": (None, graphql_add_default_workflow),
    **{action: (None, face) for action, face in EDITING_FACES.items()},
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


async def test_a_user_the_study_is_shared_with_edits_it_but_may_not_delete_it(
    client: httpx.AsyncClient, services: Services
) -> None:
    """The sharer's column of the editing rows: the owner's, except for deleteStudy."""
    world = await build_world(services, client)
    assert await graphql_share(client, services, world, "owner") == OK
    seen = {
        action: await face(client, services, world, "friend")
        for action, face in EDITING_FACES.items()
    }
    assert seen == {action: FORBID if action == "deleteStudy" else OK for action in EDITING_FACES}
