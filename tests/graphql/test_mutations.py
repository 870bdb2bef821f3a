"""Mutations: the same rules and the same stored state as the REST writes they mirror."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from db.models import (
    Artifact,
    Command,
    CommandParameter,
    PrepSample,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    Sample,
    Software,
    SoftwareArtifactType,
    StoredFile,
)
from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.plugins import make_plugin
from tests.builders.studies import make_person
from tests.builders.study_tree import make_study_tree

CREATE_PERSON = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { personId name } userErrors { field message code } } }"""

CREATE_STUDY = """mutation($input: CreateStudyInput!) {
  createStudy(input: $input) {
    study { studyId title status owner { email } principalInvestigator { name } }
    userErrors { field message } } }"""

UPDATE_SAMPLES = """mutation($input: UpdateSampleMetadataInput!) {
  updateSampleMetadata(input: $input) {
    study { studyId sampleInformation { categories sampleCount } }
    added updated newCategories createdSampleInformation
    userErrors { field message code } } }"""

SUBMIT_JOB = """mutation($input: SubmitJobInput!) {
  submitJob(input: $input) { job { jobId status inputs { artifactId } }
    userErrors { field message } } }"""


async def test_create_person_matches_rest_state(
    client: httpx.AsyncClient, callers: Callers
) -> None:
    headers = callers.owner.headers
    rest = await client.post(
        "/api/v1/person",
        params={"name": "Rest Person", "affiliation": "Lab", "email": "r@x.org"},
        headers=headers,
    )
    assert rest.status_code == 201
    result = await run_graphql(
        client,
        CREATE_PERSON,
        {"input": {"name": "Graph Person", "affiliation": "Lab", "email": "r@x.org"}},
        caller=callers.owner,
    )
    payload = result["data"]["createPerson"]
    assert payload["userErrors"] == []
    assert payload["person"]["name"] == "Graph Person"
    listing = await client.get("/api/v1/person", headers=headers)
    bodies = {entry["name"]: entry for entry in listing.json()}
    assert {k: v for k, v in bodies["Graph Person"].items() if k != "name"} == {
        k: v for k, v in bodies["Rest Person"].items() if k != "name"
    }
    again = await run_graphql(
        client,
        CREATE_PERSON,
        {"input": {"name": "Graph Person", "affiliation": "Lab", "email": "r@x.org"}},
        caller=callers.owner,
    )
    assert again["data"]["createPerson"] == {
        "person": None,
        "userErrors": [
            {"field": ["input", "name"], "message": "Person already exists", "code": "TAKEN"}
        ],
    }


def _study_body(title: str, owner: str, pi: str) -> dict[str, Any]:
    return {
        "title": title,
        "study_abstract": "abstract",
        "study_description": "description",
        "study_alias": "alias",
        "owner": owner,
        "contacts": {
            "principal_investigator": [pi, "Example Lab"],
            "lab_person": [pi, "Example Lab"],
        },
        "notes": "",
    }


async def test_create_study_leaves_the_same_state_as_rest(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    await make_person(services, name="Dr PI")
    owner = callers.owner.account.email
    rest = await client.post(
        "/api/v1/study",
        json=_study_body("Rest study", owner, "Dr PI"),
        headers=callers.owner.headers,
    )
    assert rest.status_code == 201, rest.text
    graph_input = {
        "title": "  Graph   study ",
        "abstract": "abstract",
        "description": "description",
        "alias": "alias",
        "ownerEmail": owner,
        "principalInvestigator": {"name": "Dr PI", "affiliation": "Example Lab"},
        "labPerson": {"name": "Dr PI", "affiliation": "Example Lab"},
    }
    result = await run_graphql(client, CREATE_STUDY, {"input": graph_input}, caller=callers.owner)
    payload = result["data"]["createStudy"]
    assert payload["userErrors"] == []
    study = payload["study"]
    assert study["title"] == "Graph study"
    assert study["status"] == "SANDBOX"
    assert study["owner"] == {"email": owner}
    rest_read = (
        await client.get(f"/api/v1/study/{rest.json()['id']}", headers=callers.owner.headers)
    ).json()
    graph_read = (
        await client.get(f"/api/v1/study/{study['studyId']}", headers=callers.owner.headers)
    ).json()
    for body in (rest_read, graph_read):
        body.pop("title", None)
        body.pop("id", None)
    assert graph_read == rest_read


async def test_create_study_for_someone_else_is_forbidden(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    await make_person(services, name="Dr PI")
    graph_input = {
        "title": "Not mine",
        "abstract": "a",
        "description": "d",
        "alias": "x",
        "ownerEmail": callers.other.account.email,
        "principalInvestigator": {"name": "Dr PI", "affiliation": "Example Lab"},
        "labPerson": {"name": "Dr PI", "affiliation": "Example Lab"},
    }
    result = await run_graphql(client, CREATE_STUDY, {"input": graph_input}, caller=callers.owner)
    assert result["data"] == {"createStudy": None}
    assert error_codes(result) == ["FORBIDDEN"]


async def test_update_sample_metadata_matches_rest_patch(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    rest_tree = await make_study_tree(services, callers.owner.account, samples=2)
    graph_tree = await make_study_tree(services, callers.owner.account, samples=2)

    def body(study_id: int) -> dict[str, Any]:
        return {
            f"{study_id}.S0": {"env_package": "air", "host": "h", "depth": "3"},
            "NEW1": {"env_package": "soil", "host": "h2", "depth": "5"},
        }

    rest = await client.patch(
        f"/api/v1/study/{rest_tree.study_id}/samples",
        json=body(rest_tree.study_id),
        headers=callers.owner.headers,
    )
    assert rest.status_code == 201, rest.text
    result = await run_graphql(
        client,
        UPDATE_SAMPLES,
        {"input": {"studyId": graph_tree.study_id, "samples": body(graph_tree.study_id)}},
        caller=callers.owner,
    )
    payload = result["data"]["updateSampleMetadata"]
    assert payload["userErrors"] == []
    assert payload["added"] == [f"{graph_tree.study_id}.NEW1"]
    assert payload["updated"] == [f"{graph_tree.study_id}.S0"]
    assert payload["newCategories"] == ["depth"]
    assert payload["study"]["sampleInformation"] == {
        "categories": ["depth", "env_package", "host"],
        "sampleCount": 3,
    }

    async def read(study_id: int) -> dict[str, Any]:
        response = await client.get(
            f"/api/v1/study/{study_id}/samples/categories=depth,env_package,host",
            headers=callers.owner.headers,
        )
        assert response.status_code == 200
        data: dict[str, Any] = response.json()
        return {
            "header": data["header"],
            "samples": {k.split(".", 1)[1]: v for k, v in data["samples"].items()},
        }

    assert await read(graph_tree.study_id) == await read(rest_tree.study_id)


async def test_update_sample_metadata_user_errors_change_nothing(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=2)
    bad = {f"{tree.study_id}.S0": {"env_package": "air"}}
    result = await run_graphql(
        client,
        UPDATE_SAMPLES,
        {"input": {"studyId": tree.study_id, "samples": bad}},
        caller=callers.owner,
    )
    payload = result["data"]["updateSampleMetadata"]
    assert payload["study"] is None
    assert payload["userErrors"][0]["code"] == "INVALID"
    assert payload["userErrors"][0]["message"]
    check = await run_graphql(
        client,
        "query($id: Int!) { study(studyId: $id) { samples(first: 1) { nodes { metadata } } } }",
        {"id": tree.study_id},
        caller=callers.owner,
    )
    assert check["data"]["study"]["samples"]["nodes"][0]["metadata"] == {
        "env_package": "soil",
        "host": None,
    }


async def test_submit_job_queues_a_job_on_the_artifact(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    tree = await make_study_tree(services, callers.owner.account, command_id=plugin.command_id)
    commands = await run_graphql(
        client,
        'query($n: String!) { plugin(name: $n, version: "1.0") { commands { id name } } }',
        {"n": plugin.name},
    )
    [command] = commands["data"]["plugin"]["commands"]
    parameters = {"input_data": tree.root_artifact_id, "threads": 4, "similarity": 0.9}
    result = await run_graphql(
        client,
        SUBMIT_JOB,
        {"input": {"commandId": command["id"], "parameters": parameters}},
        caller=callers.owner,
    )
    payload = result["data"]["submitJob"]
    assert payload["userErrors"] == [], payload
    job = payload["job"]
    assert job["status"] == "QUEUED"
    assert job["inputs"] == [{"artifactId": tree.root_artifact_id}]
    async with services.sessions() as session:
        row = await session.get(ProcessingJob, job["jobId"])
        assert row is not None
        assert row.account_id == callers.owner.account.id
        assert row.command_id == plugin.command_id
        assert row.parameters["threads"] == 4
        links = (
            (
                await session.execute(
                    select(ProcessingJobInput.artifact_id).where(
                        ProcessingJobInput.job_id == row.id
                    )
                )
            )
            .scalars()
            .all()
        )
        assert list(links) == [tree.root_artifact_id]


async def test_submit_job_with_bad_parameters_reports_user_errors(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    tree = await make_study_tree(services, callers.owner.account, command_id=plugin.command_id)
    result = await run_graphql(
        client,
        SUBMIT_JOB,
        {
            "input": {
                "commandId": str(plugin.command_id),
                "parameters": {"input_data": tree.root_artifact_id, "bogus": 1},
            }
        },
        caller=callers.owner,
    )
    payload = result["data"]["submitJob"]
    assert payload["job"] is None
    assert len(payload["userErrors"]) == 1
    anonymous = await run_graphql(
        client,
        SUBMIT_JOB,
        {"input": {"commandId": str(plugin.command_id), "parameters": {}}},
    )
    assert anonymous["data"] == {"submitJob": None}
    assert error_codes(anonymous) == ["FORBIDDEN"]


CREATE_PREP = """mutation($input: CreatePreparationInput!) {
  createPreparation(input: $input) {
    preparation { prepId dataType sampleCount study { studyId } }
    userErrors { field message code } } }"""


async def test_create_preparation_and_its_user_errors(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=2)
    metadata = {"S0": {"primer": "GTGC"}, "S1": {"primer": "GTGC"}}
    made = await run_graphql(
        client,
        CREATE_PREP,
        {"input": {"studyId": tree.study_id, "dataType": "18S", "metadata": metadata}},
        caller=callers.owner,
    )
    payload = made["data"]["createPreparation"]
    assert payload["userErrors"] == [], payload
    assert payload["preparation"]["dataType"] == "18S"
    assert payload["preparation"]["sampleCount"] == 2
    assert payload["preparation"]["study"] == {"studyId": tree.study_id}
    bad = await run_graphql(
        client,
        CREATE_PREP,
        {"input": {"studyId": tree.study_id, "dataType": "Nope", "metadata": metadata}},
        caller=callers.owner,
    )
    bad_payload = bad["data"]["createPreparation"]
    assert bad_payload["preparation"] is None
    assert [e["code"] for e in bad_payload["userErrors"]] == ["INVALID"]
    count = await run_graphql(
        client,
        "query($id: Int!) { study(studyId: $id) { preparations { nodes { prepId } } } }",
        {"id": tree.study_id},
        caller=callers.owner,
    )
    assert len(count["data"]["study"]["preparations"]["nodes"]) == 2
    forbidden = await run_graphql(
        client,
        CREATE_PREP,
        {"input": {"studyId": tree.study_id, "dataType": "18S", "metadata": metadata}},
        caller=callers.other,
    )
    assert forbidden["data"] == {
        "createPreparation": {
            "preparation": None,
            "userErrors": [
                {
                    "field": ["input", "studyId"],
                    "message": f"Study not found: {tree.study_id}",
                    "code": "NOT_FOUND",
                }
            ],
        }
    }


ATTACH = """mutation($input: AttachArtifactInput!) {
  attachArtifact(input: $input) {
    artifact { artifactId name visibility type { name } files { relpath filepathType { name } } }
    userErrors { field message code } } }"""


def _write_uploads(data_dir: Path, study_id: int) -> Path:
    folder = data_dir / "uploads" / str(study_id)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("fwd.fastq.gz", "bc.fastq.gz"):
        (folder / name).write_bytes(b"@r\nACGT\n+\nIIII\n")
    return folder


async def _prep_state(services: Services, prep_id: int) -> dict[str, Any]:
    async with services.sessions() as session:
        prep = await session.get(PrepTemplate, prep_id)
        assert prep is not None
        rows = (
            await session.execute(
                select(Sample.sample_name, PrepSample.values)
                .join(Sample, Sample.id == PrepSample.sample_id)
                .where(PrepSample.prep_id == prep_id)
                .order_by(Sample.sample_name)
            )
        ).all()
        artifact = await session.get(Artifact, prep.artifact_id) if prep.artifact_id else None
        files = (
            (
                await session.execute(
                    select(StoredFile.relpath, StoredFile.filepath_type_id, StoredFile.size)
                    .where(StoredFile.artifact_id == artifact.id)
                    .order_by(StoredFile.id)
                )
            ).all()
            if artifact is not None
            else []
        )
    return {
        "name": prep.name.replace(str(prep.id), "<id>"),
        "data_type_id": prep.data_type_id,
        "investigation_type": prep.investigation_type,
        "columns": prep.columns,
        "samples": [(name.split(".", 1)[1], values) for name, values in rows],
        "artifact": None
        if artifact is None
        else (artifact.name, artifact.visibility, artifact.artifact_type_id, artifact.data_type_id),
        "files": [
            (relpath.replace(str(artifact.id), "<id>"), kind, size)
            for relpath, kind, size in files
            if artifact is not None
        ],
    }


async def test_create_preparation_and_attach_artifact_match_rest(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    headers = callers.owner.headers
    rest_tree = await make_study_tree(services, callers.owner.account, samples=2)
    graph_tree = await make_study_tree(services, callers.owner.account, samples=2)
    metadata = {"S0": {"primer": "GTGC"}, "S1": {"primer": "GTGA"}}
    rest_prep = await client.post(
        f"/api/v1/study/{rest_tree.study_id}/preparation?data_type=16S&investigation_type=Other",
        json=metadata,
        headers=headers,
    )
    assert rest_prep.status_code == 201, rest_prep.text
    rest_prep_id = rest_prep.json()["id"]
    made = await run_graphql(
        client,
        CREATE_PREP,
        {
            "input": {
                "studyId": graph_tree.study_id,
                "dataType": "16S",
                "investigationType": "Other",
                "metadata": metadata,
            }
        },
        caller=callers.owner,
    )
    graph_prep_id = made["data"]["createPreparation"]["preparation"]["prepId"]
    assert await _prep_state(services, graph_prep_id) == await _prep_state(services, rest_prep_id)

    data_dir = services.settings.data_dir
    _write_uploads(data_dir, rest_tree.study_id)
    graph_uploads = _write_uploads(data_dir, graph_tree.study_id)
    rest_attach = await client.post(
        f"/api/v1/study/{rest_tree.study_id}/preparation/{rest_prep_id}/artifact",
        json={
            "artifact_type": "FASTQ",
            "filepaths": [["fwd.fastq.gz", "raw_forward_seqs"], ["bc.fastq.gz", "raw_barcodes"]],
            "artifact_name": "reads",
        },
        headers=headers,
    )
    assert rest_attach.status_code == 201, rest_attach.text
    attached = await run_graphql(
        client,
        ATTACH,
        {
            "input": {
                "studyId": graph_tree.study_id,
                "prepId": graph_prep_id,
                "artifactType": "FASTQ",
                "name": "reads",
                "files": [
                    {"path": "fwd.fastq.gz", "filepathType": "raw_forward_seqs"},
                    {"path": "bc.fastq.gz", "filepathType": "raw_barcodes"},
                ],
            }
        },
        caller=callers.owner,
    )
    payload = attached["data"]["attachArtifact"]
    assert payload["userErrors"] == [], payload
    artifact = payload["artifact"]
    assert artifact["visibility"] == "SANDBOX"
    assert artifact["type"] == {"name": "FASTQ"}
    assert artifact["files"] == [
        {
            "relpath": f"{artifact['artifactId']}/fwd.fastq.gz",
            "filepathType": {"name": "raw_forward_seqs"},
        },
        {
            "relpath": f"{artifact['artifactId']}/bc.fastq.gz",
            "filepathType": {"name": "raw_barcodes"},
        },
    ]
    assert list(graph_uploads.iterdir()) == []
    assert await _prep_state(services, graph_prep_id) == await _prep_state(services, rest_prep_id)
    rest_status = await client.get(f"/api/v1/study/{rest_tree.study_id}/status", headers=headers)
    graph_status = await client.get(f"/api/v1/study/{graph_tree.study_id}/status", headers=headers)
    assert [p["has_artifact"] for p in graph_status.json()["preparations"]] == [
        p["has_artifact"] for p in rest_status.json()["preparations"]
    ]

    again = await run_graphql(
        client,
        ATTACH,
        {
            "input": {
                "studyId": graph_tree.study_id,
                "prepId": graph_prep_id,
                "artifactType": "FASTQ",
                "name": "reads",
                "files": [{"path": "missing.gz", "filepathType": "raw_forward_seqs"}],
            }
        },
        caller=callers.owner,
    )
    refused = again["data"]["attachArtifact"]
    assert refused["artifact"] is None
    # the file types FASTQ needs, the preparation's artifact, the missing file: all at once
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "files"], "INVALID"),
        (["input", "prepId"], "TAKEN"),
        (["input", "files"], "INVALID"),
    ]
    second = await run_graphql(
        client,
        ATTACH,
        {
            "input": {
                "studyId": graph_tree.study_id,
                "prepId": graph_prep_id,
                "artifactType": "FASTQ",
                "name": "reads again",
                "files": [
                    {"path": "fwd.fastq.gz", "filepathType": "raw_forward_seqs"},
                    {"path": "bc.fastq.gz", "filepathType": "raw_barcodes"},
                ],
            }
        },
        caller=callers.owner,
    )
    # the files were moved into the first artifact: they are missing from the upload folder
    taken, moved = second["data"]["attachArtifact"]["userErrors"]
    assert (taken["field"], taken["code"]) == (["input", "prepId"], "TAKEN")
    assert (moved["field"], moved["code"]) == (["input", "files"], "INVALID")
    assert taken["message"].startswith(f"Preparation {graph_prep_id} already has an artifact")


SUMMARY = """mutation($id: ID!) {
  requestHtmlSummary(input: {artifactId: $id}) {
    job { status command { name } } userErrors { message } } }"""


async def _make_summary_command(services: Services) -> int:
    async with services.sessions() as session, session.begin():
        software = Software(
            name="Type plugin", version="1.0", type="artifact definition", active=True
        )
        session.add(software)
        await session.flush()
        session.add(SoftwareArtifactType(software_id=software.id, artifact_type_id=3))
        command = Command(software_id=software.id, name="Generate HTML summary")
        session.add(command)
        await session.flush()
        session.add(
            CommandParameter(
                command_id=command.id, name="input_data", type="artifact", required=True
            )
        )
        return command.id


async def test_request_html_summary_queues_the_type_plugins_job(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, visibility="public")
    missing = await run_graphql(
        client, SUMMARY, {"id": tree.root_artifact_id}, caller=callers.owner
    )
    assert missing["data"] == {
        "requestHtmlSummary": {
            "job": None,
            "userErrors": [
                {
                    "message": "There is no command to generate the HTML summary "
                    "for artifact type 'FASTQ'"
                }
            ],
        }
    }
    command_id = await _make_summary_command(services)
    made = await run_graphql(client, SUMMARY, {"id": tree.root_artifact_id}, caller=callers.owner)
    assert made["data"]["requestHtmlSummary"] == {
        "job": {"status": "QUEUED", "command": {"name": "Generate HTML summary"}},
        "userErrors": [],
    }
    async with services.sessions() as session:
        jobs = (
            (
                await session.execute(
                    select(ProcessingJob.parameters).where(ProcessingJob.command_id == command_id)
                )
            )
            .scalars()
            .all()
        )
    assert list(jobs) == [{"input_data": tree.root_artifact_id}]
    stranger = await run_graphql(
        client, SUMMARY, {"id": tree.root_artifact_id}, caller=callers.other
    )
    assert stranger["data"] == {"requestHtmlSummary": None}
    assert error_codes(stranger) == ["FORBIDDEN"]
