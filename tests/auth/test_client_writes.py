"""Client tokens that write through /api/v1 and GraphQL (decisions.md, "Authorization").

A system client acts with an admin's rights, as on Qiita, where plugins update sample
and preparation information with their client token. A plugin client writes only once
an admin has trusted its plugin. Tokens come from the client grant, as qiita_client
fetches them, and PATCH bodies are sent as qiita_client sends them (raw JSON, no
Content-Type).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from db.models import (
    Command,
    CommandParameter,
    PrepTemplate,
    ProcessingJob,
    Sample,
    Software,
    SoftwareArtifactType,
)
from resolvers.auth import tokens
from resolvers.context import SYSTEM, Services, unit_of_work
from resolvers.errors import Forbidden
from resolvers.plugins.registration import set_plugin_trust
from tests.builders.accounts import (
    ClientCredentials,
    make_plugin_client,
    make_system_client,
    make_user,
    token_for,
)
from tests.builders.callers import error_codes
from tests.builders.seeded import FASTQ
from tests.builders.study_tree import StudyTree, make_study_tree

UPDATE_SAMPLES = """mutation($input: UpdateSampleMetadataInput!) {
  updateSampleMetadata(input: $input) { updated userErrors { message } } }"""
CREATE_PREP = """mutation($input: CreatePreparationInput!) {
  createPreparation(input: $input) { preparation { prepId } userErrors { message } } }"""


async def client_grant(client: httpx.AsyncClient, credentials: ClientCredentials) -> str:
    """A token as qiita_client fetches it (`grant_type=client`, form fields)."""
    response = await client.post(
        "/qiita_db/authenticate/",
        data={
            "grant_type": "client",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret or "",
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def patch_samples(
    client: httpx.AsyncClient, token: str, tree: StudyTree, host: str
) -> httpx.Response:
    body = {name: {"env_package": "soil", "host": host} for name in tree.sample_names}
    return await client.patch(
        f"/api/v1/study/{tree.study_id}/samples",
        content=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}"},
    )


async def graphql(
    client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def hosts(services: Services, study_id: int) -> set[str | None]:
    async with services.sessions() as session:
        rows = await session.execute(select(Sample.values).where(Sample.study_id == study_id))
        return {values["host"] for (values,) in rows}


async def preparation_count(services: Services, study_id: int) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(PrepTemplate)
        return int((await session.execute(query.where(PrepTemplate.study_id == study_id))).scalar())


async def test_system_client_updates_samples_and_creates_preparations_on_both_faces(
    client: httpx.AsyncClient, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="resolvers.auth.client_writes")
    tree = await make_study_tree(services, await make_user(services))
    credentials = await make_system_client(services)
    token = await client_grant(client, credentials)
    metadata = {name: {"primer": "GTGC"} for name in tree.sample_names}

    rest = await patch_samples(client, token, tree, "cow")
    assert rest.status_code == 200, rest.text
    assert await hosts(services, tree.study_id) == {"cow"}
    prep = await client.post(
        f"/api/v1/study/{tree.study_id}/preparation?data_type=18S",
        content=json.dumps(metadata).encode(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert prep.status_code == 201, prep.text

    samples = {name: {"env_package": "soil", "host": "goat"} for name in tree.sample_names}
    updated = await graphql(
        client, token, UPDATE_SAMPLES, {"input": {"studyId": tree.study_id, "samples": samples}}
    )
    assert updated["data"]["updateSampleMetadata"] == {
        "updated": list(tree.sample_names),
        "userErrors": [],
    }
    assert await hosts(services, tree.study_id) == {"goat"}
    made = await graphql(
        client,
        token,
        CREATE_PREP,
        {"input": {"studyId": tree.study_id, "dataType": "18S", "metadata": metadata}},
    )
    assert made["data"]["createPreparation"]["userErrors"] == []
    assert await preparation_count(services, tree.study_id) == 3

    logged = [
        record.getMessage()
        for record in caplog.records
        if record.name == "resolvers.auth.client_writes" and record.levelno == logging.INFO
    ]
    assert len(logged) == 4, logged
    assert all(
        line.startswith(f"client {credentials.client_id} (system client)") for line in logged
    )
    assert "updated sample rows" in logged[0]
    assert f"inserted prep_template {prep.json()['id']}" in logged[1]


async def _plugin(services: Services) -> tuple[ClientCredentials, str]:
    credentials = await make_plugin_client(services)
    async with services.sessions() as session:
        software = await session.get(Software, credentials.software_id)
        assert software is not None
        return credentials, software.name


async def _set_trust(services: Services, name: str, trusted: bool) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        await set_plugin_trust(ctx, name, "1.0", trusted=trusted)


async def test_plugin_client_writes_only_while_its_plugin_is_trusted(
    client: httpx.AsyncClient, services: Services
) -> None:
    tree = await make_study_tree(services, await make_user(services))
    credentials, name = await _plugin(services)
    token = await client_grant(client, credentials)
    refusal = (
        f"The client of plugin {name} 1.0 may write through /api/v1 and GraphQL only once an "
        f"administrator trusts the plugin: qiita-gateway plugin trust {name} 1.0"
    )
    samples = {n: {"env_package": "soil", "host": "cow"} for n in tree.sample_names}
    variables = {"input": {"studyId": tree.study_id, "samples": samples}}

    refused = await patch_samples(client, token, tree, "cow")
    assert (refused.status_code, refused.json()) == (403, {"message": refusal})
    on_graphql = await graphql(client, token, UPDATE_SAMPLES, variables)
    assert error_codes(on_graphql) == ["FORBIDDEN"]
    assert on_graphql["errors"][0]["message"] == refusal
    assert await hosts(services, tree.study_id) != {"cow"}

    await _set_trust(services, name, True)
    assert (await patch_samples(client, token, tree, "cow")).status_code == 200
    assert await hosts(services, tree.study_id) == {"cow"}
    allowed = await graphql(client, token, UPDATE_SAMPLES, variables)
    assert allowed["data"]["updateSampleMetadata"]["userErrors"] == []

    await _set_trust(services, name, False)
    again = await patch_samples(client, token, tree, "goat")
    assert (again.status_code, again.json()) == (403, {"message": refusal})
    assert await hosts(services, tree.study_id) == {"cow"}


async def test_users_may_not_trust_plugins(services: Services) -> None:
    _, name = await _plugin(services)
    admin = await tokens.principal_for_token(services, await token_for(services, "admin"))
    user = await tokens.principal_for_token(services, await token_for(services, "user"))
    with pytest.raises(Forbidden, match=r"^Only an administrator may trust or untrust plugins\.$"):
        async with unit_of_work(services, user) as ctx:
            await set_plugin_trust(ctx, name, "1.0", trusted=True)
    async with unit_of_work(services, admin) as ctx:
        assert (await set_plugin_trust(ctx, name, "1.0", trusted=True)).trusted


async def test_system_client_attaches_an_artifact_and_its_summary_job_is_the_owners(
    client: httpx.AsyncClient, services: Services
) -> None:
    """Jobs belong to users: the HTML summary of a client's attachment is the owner's job."""
    owner = await make_user(services)
    tree = await make_study_tree(services, owner)
    async with services.sessions() as session, session.begin():
        software = Software(name="FASTQ types", version="1.0", type="artifact definition")
        session.add(software)
        await session.flush()
        session.add(SoftwareArtifactType(software_id=software.id, artifact_type_id=FASTQ))
        command = Command(software_id=software.id, name="Generate HTML summary")
        session.add(command)
        await session.flush()
        session.add(
            CommandParameter(
                command_id=command.id, name="input_data", type="artifact", required=True
            )
        )
        summary_command = command.id
    token = await client_grant(client, await make_system_client(services))
    headers = {"Authorization": f"Bearer {token}"}
    prep = await client.post(
        f"/api/v1/study/{tree.study_id}/preparation?data_type=18S",
        json={name: {"primer": "GTGC"} for name in tree.sample_names},
        headers=headers,
    )
    assert prep.status_code == 201, prep.text
    folder = services.settings.data_dir / "uploads" / str(tree.study_id)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("fwd.fastq.gz", "bc.fastq.gz"):
        (folder / name).write_bytes(b"@r\nACGT\n+\nIIII\n")
    attached = await client.post(
        f"/api/v1/study/{tree.study_id}/preparation/{prep.json()['id']}/artifact",
        json={
            "artifact_type": "FASTQ",
            "filepaths": [["fwd.fastq.gz", "raw_forward_seqs"], ["bc.fastq.gz", "raw_barcodes"]],
            "artifact_name": "reads",
        },
        headers=headers,
    )
    assert attached.status_code == 201, attached.text
    async with services.sessions() as session:
        jobs = (
            await session.execute(
                select(ProcessingJob.account_id, ProcessingJob.parameters).where(
                    ProcessingJob.command_id == summary_command
                )
            )
        ).all()
    assert [tuple(job) for job in jobs] == [(owner.id, {"input_data": attached.json()["id"]})]
