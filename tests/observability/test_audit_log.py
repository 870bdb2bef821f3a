"""The audit log: written with every write, in its transaction; read by admins through GraphQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from db.models import AuditEntry, ProcessingJob, StudyPerson
from resolvers.context import Principal, Services, unit_of_work
from resolvers.errors import Conflict
from tests.builders.accounts import bearer, make_plugin_client, make_software, token_for
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command

CREATE_PERSON = """mutation CreateContact($input: CreatePersonInput!) {
  createPerson(input: $input) { person { personId } userErrors { message } } }"""

AUDIT_LOG = """query($actor: String, $since: DateTime, $first: Int, $after: String) {
  auditLog(actor: $actor, since: $since, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { entryId at actor actorKind action target targetId origin requestId details } } }"""


async def entries(services: Services, **where: Any) -> list[AuditEntry]:
    async with services.sessions() as session:
        query = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        return list((await session.execute(query)).scalars())


async def test_a_rest_write_is_recorded_with_its_caller_route_and_request_id(
    client: httpx.AsyncClient, callers: Callers, services: Services
) -> None:
    response = await client.post(
        "/api/v1/person",
        params={"name": "Audited Person", "affiliation": "Lab", "email": "a@x.org"},
        headers={**callers.owner.headers, "X-Request-ID": "rest-write-1"},
    )
    assert response.status_code == 201, response.text

    async with services.sessions() as session:
        person_id = (
            await session.execute(select(StudyPerson.id).filter_by(name="Audited Person"))
        ).scalar_one()
    [entry] = await entries(services, target="study_person", target_id=str(person_id))
    assert entry.actor == callers.owner.account.email
    assert entry.actor_kind == "user"
    assert entry.action == "insert"
    assert entry.origin == "POST /api/v1/person{anything:path}"
    assert entry.request_id == "rest-write-1"


async def test_a_graphql_mutation_is_recorded_and_an_admin_reads_it(
    client: httpx.AsyncClient, callers: Callers, services: Services
) -> None:
    result = await run_graphql(
        client,
        CREATE_PERSON,
        {"input": {"name": "Graph Contact", "affiliation": "Lab", "email": "g@x.org"}},
        caller=callers.shared,
    )
    person_id = result["data"]["createPerson"]["person"]["personId"]

    read = await run_graphql(
        client, AUDIT_LOG, {"actor": callers.shared.account.email.upper()}, caller=callers.admin
    )

    assert "errors" not in read, read
    log = read["data"]["auditLog"]
    [entry] = [node for node in log["nodes"] if node["target"] == "study_person"]
    assert entry["targetId"] == str(person_id)
    assert entry["actor"] == callers.shared.account.email
    assert entry["action"] == "insert"
    assert entry["origin"] == "mutation CreateContact: createPerson"
    assert entry["requestId"]
    assert {node["actor"] for node in log["nodes"]} == {callers.shared.account.email}


async def test_the_audit_log_is_forbidden_to_users_and_anonymous_callers(
    client: httpx.AsyncClient, callers: Callers
) -> None:
    for caller in (callers.owner, callers.anonymous):
        result = await run_graphql(client, AUDIT_LOG, caller=caller)
        assert result["data"] is None
        assert error_codes(result) == ["FORBIDDEN"]


async def test_audit_pages_and_since_filter(
    client: httpx.AsyncClient, callers: Callers, services: Services
) -> None:
    for name in ("P1", "P2", "P3"):
        await run_graphql(
            client,
            CREATE_PERSON,
            {"input": {"name": name, "affiliation": "Lab", "email": "p@x.org"}},
            caller=callers.owner,
        )
    actor = callers.owner.account.email
    first = await run_graphql(client, AUDIT_LOG, {"actor": actor, "first": 2}, caller=callers.admin)
    page = first["data"]["auditLog"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await run_graphql(
        client,
        AUDIT_LOG,
        {"actor": actor, "first": 2, "after": page["pageInfo"]["endCursor"]},
        caller=callers.admin,
    )
    ids = [n["entryId"] for n in page["nodes"] + rest["data"]["auditLog"]["nodes"]]
    assert ids == sorted(ids)
    assert len(ids) == 3
    later = await run_graphql(
        client,
        AUDIT_LOG,
        {"actor": actor, "since": "2999-01-01T00:00:00Z"},
        caller=callers.admin,
    )
    assert later["data"]["auditLog"]["totalCount"] == 0


async def test_a_failed_write_leaves_no_audit_row(services: Services) -> None:
    before = len(await entries(services, target="study_person"))
    admin = Principal(kind="user", account_id=1, email="ops@example.org", level="admin")

    async def failing_write() -> None:
        async with unit_of_work(services, admin) as ctx:
            ctx.session.add(StudyPerson(name="Rolled back", email="r@x.org", affiliation="Lab"))
            await ctx.session.flush()
            raise Conflict("the write fails after its rows were flushed")

    with pytest.raises(Conflict):
        await failing_write()

    assert len(await entries(services, target="study_person")) == before
    async with unit_of_work(services, admin) as ctx:
        ctx.session.add(StudyPerson(name="Kept", email="k@x.org", affiliation="Lab"))
    [kept] = (await entries(services, target="study_person"))[before:]
    assert (kept.actor, kept.action, kept.origin) == ("ops@example.org", "insert", None)


async def test_core_updates_are_recorded_with_their_row_count_and_heartbeats_are_not(
    client: httpx.AsyncClient, callers: Callers, services: Services
) -> None:
    command_id = await make_command(services, await make_software(services))
    job = await make_job(services, command_id, callers.owner.account, status="queued")
    system = Principal(kind="system", client_id="ops-client")

    async with unit_of_work(services, system) as ctx:
        await ctx.session.execute(
            update(ProcessingJob).where(ProcessingJob.id == job.id).values(step="one")
        )
        await ctx.session.execute(
            update(ProcessingJob)
            .where(ProcessingJob.id == job.id)
            .values(step="two")
            .execution_options(audit=False)
        )

    recorded = await entries(services, target="processing_job", action="update")
    assert [(e.actor, e.actor_kind, e.target_id, e.details) for e in recorded] == [
        ("ops-client", "system", None, {"rows": 1})
    ]
    async with services.sessions() as session:
        total = (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
    assert total > 0


async def test_a_plugin_step_is_recorded_under_its_client_id_and_its_heartbeats_are_not(
    client: httpx.AsyncClient, callers: Callers, services: Services
) -> None:
    software_id = await make_software(services)
    plugin = await make_plugin_client(services, software_id=software_id)
    token = await token_for(services, "plugin", client=plugin)
    job = await make_job(
        services, await make_command(services, software_id), callers.owner.account, status="queued"
    )
    job_route = f"/qiita_db/jobs/{job.id}"

    for _ in range(3):
        beat = await client.post(f"{job_route}/heartbeat/", headers=bearer(token))
        assert beat.status_code == 200, beat.text
    stepped = await client.post(
        f"{job_route}/step/", json={"step": "aligning"}, headers=bearer(token)
    )
    assert stepped.status_code == 200, stepped.text

    recorded = await entries(services, target="processing_job", action="update")
    assert [(e.actor, e.actor_kind, e.action, e.origin, e.details) for e in recorded] == [
        (
            plugin.client_id,
            "plugin",
            "update",
            "POST /qiita_db/jobs/{job_id:path}/step/",
            {"rows": 1},
        )
    ]
