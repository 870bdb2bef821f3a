"""The authorization matrix (decisions.md, "Authorization"), at the resolver level.

Each principal kind x each action, through the real token path: a token is issued,
resolved to a principal, and the access functions of `resolvers.auth.access` decide.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from db.models import Account, ArtifactType, ProcessingJob, Software, SoftwareArtifactType
from resolvers.auth import access, tokens
from resolvers.context import ANONYMOUS, Principal, Services, unit_of_work
from resolvers.errors import DomainError, Forbidden, NotFound, StudyNotFound
from resolvers.studies import studies
from tests.builders.accounts import make_plugin_client, make_software, make_user, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.builders.studies import make_study

KINDS = ["admin", "user", "guest", "unverified", "anonymous", "plugin", "trusted plugin", "system"]
ACTIONS = [
    "read public study",
    "read private study",
    "edit own study",
    "edit other's study",
    "heartbeat own plugin's job",
    "heartbeat another plugin's job",
]
Y, NOT_FOUND, FORBIDDEN = "allowed", StudyNotFound, Forbidden
MATRIX: dict[str, list[object]] = {
    #            public  private    own        other's    own job    other job
    "admin":      [Y, Y,         Y,         Y,         Y,         Y],
    "user":       [Y, NOT_FOUND, Y,         FORBIDDEN, FORBIDDEN, FORBIDDEN],
    "guest":      [Y, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    "unverified": [Y, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    "anonymous":  [Y, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    "plugin":     [Y, Y,         FORBIDDEN, FORBIDDEN, Y,         FORBIDDEN],
    "trusted plugin": [Y, Y,     Y,         Y,         Y,         FORBIDDEN],
    "system":     [Y, Y,         Y,         Y,         Y,         Y],
}  # fmt: skip


@dataclass
class World:
    principal: Principal
    public_study: int
    private_study: int
    own_study: int
    others_study: int
    own_job: ProcessingJob
    other_job: ProcessingJob


async def build_world(services: Services, kind: str) -> World:
    stranger = await make_user(services)
    software_a = await make_software(services)
    software_b = await make_software(services)
    job_a = await make_job(
        services, await make_command(services, software_a), stranger, status="running"
    )
    job_b = await make_job(
        services, await make_command(services, software_b), stranger, status="running"
    )
    account: Account | None = None
    if kind == "anonymous":
        principal = ANONYMOUS
    elif kind in ("plugin", "trusted plugin", "system"):
        if kind == "trusted plugin":
            async with services.sessions() as session, session.begin():
                software = await session.get(Software, software_a)
                assert software is not None
                software.trusted = True
        client = (
            await make_plugin_client(services, software_id=software_a) if kind != "system" else None
        )
        token = await token_for(services, "system" if client is None else "plugin", client=client)
        principal = await tokens.principal_for_token(services, token)
    else:
        account = await make_user(services, level=kind)
        token = await token_for(services, kind, account=account)  # type: ignore[arg-type]
        principal = await tokens.principal_for_token(services, token)
    return World(
        principal=principal,
        public_study=await make_study(services, stranger, public=True),
        private_study=await make_study(services, stranger),
        own_study=await make_study(services, account or stranger),
        others_study=await make_study(services, stranger),
        own_job=job_a,
        other_job=job_b,
    )


def action_of(world: World, action: str) -> Callable[..., Awaitable[None]]:
    async def run(ctx: object) -> None:
        match action:
            case "read public study":
                await studies.find_study(ctx, world.public_study)  # type: ignore[arg-type]
            case "read private study":
                await studies.find_study(ctx, world.private_study)  # type: ignore[arg-type]
            case "edit own study":
                await access.require_edit_study(ctx, world.own_study)  # type: ignore[arg-type]
            case "edit other's study":
                await access.require_edit_study(ctx, world.others_study)  # type: ignore[arg-type]
            case "heartbeat own plugin's job":
                await access.require_act_on_job(ctx, world.own_job)  # type: ignore[arg-type]
            case "heartbeat another plugin's job":
                await access.require_act_on_job(ctx, world.other_job)  # type: ignore[arg-type]

    return run


async def outcome(services: Services, world: World, action: str) -> object:
    """`allowed`, or the class of the domain error raised (which must carry a message)."""
    try:
        async with unit_of_work(services, world.principal) as ctx:
            await action_of(world, action)(ctx)
    except DomainError as error:
        return type(error) if error.message else "refused without a message"
    return Y


@pytest.mark.parametrize("kind", KINDS)
async def test_authorization_matrix(services: Services, kind: str) -> None:
    world = await build_world(services, kind)
    row = [await outcome(services, world, action) for action in ACTIONS]
    assert dict(zip(ACTIONS, row, strict=True)) == dict(zip(ACTIONS, MATRIX[kind], strict=True))


async def test_refusal_messages_name_the_object(services: Services) -> None:
    world = await build_world(services, "user")
    async with unit_of_work(services, world.principal) as ctx:
        with pytest.raises(NotFound, match=f"^Study not found: {world.private_study}$"):
            await studies.find_study(ctx, world.private_study)
        with pytest.raises(
            Forbidden, match=f"^You do not have permission to modify study {world.others_study}.$"
        ):
            await access.require_edit_study(ctx, world.others_study)
    async with unit_of_work(services, await _plugin_principal(services)) as ctx:
        with pytest.raises(Forbidden, match=f"may not act on job {world.other_job.id}"):
            await access.require_act_on_job(ctx, world.other_job)


async def _plugin_principal(services: Services) -> Principal:
    token = await token_for(services, "plugin")
    return await tokens.principal_for_token(services, token)


async def test_shared_study_is_readable_and_editable_by_the_sharer(services: Services) -> None:
    owner, sharer = await make_user(services), await make_user(services)
    study = await make_study(services, owner, shared_with=[sharer])
    token = await token_for(services, "user", account=sharer)
    principal = await tokens.principal_for_token(services, token)
    async with unit_of_work(services, principal) as ctx:
        assert await access.can_read_study(ctx, study)
        assert await access.can_edit_study(ctx, study)


async def test_plugin_may_act_on_validators_of_its_artifact_types(services: Services) -> None:
    """A Validate job of another software version, for an artifact type this plugin defines."""
    owner = await make_user(services)
    type_plugin = await make_software(services, software_type="artifact definition")
    older_version = await make_software(services, software_type="artifact definition")
    async with services.sessions() as session, session.begin():
        biom = (
            await session.execute(select(ArtifactType).where(ArtifactType.name == "BIOM"))
        ).scalar_one()
        session.add(SoftwareArtifactType(software_id=type_plugin, artifact_type_id=biom.id))
    validate = await make_command(services, older_version, name="Validate")
    validator = await make_job(
        services, validate, owner, parameters={"artifact_type": "BIOM"}, status="running"
    )
    other_type = await make_job(
        services, validate, owner, parameters={"artifact_type": "FASTQ"}, status="running"
    )
    client = await make_plugin_client(services, software_id=type_plugin)
    principal = await tokens.principal_for_token(
        services, await token_for(services, "plugin", client=client)
    )
    async with unit_of_work(services, principal) as ctx:
        assert await access.can_act_on_job(ctx, validator)
        assert not await access.can_act_on_job(ctx, other_type)


async def test_plugin_api_is_for_clients_and_admins(services: Services) -> None:
    for kind, allowed in [("plugin", True), ("system", True), ("admin", True), ("user", False)]:
        token = await token_for(services, kind)  # type: ignore[arg-type]
        principal = await tokens.principal_for_token(services, token)
        async with unit_of_work(services, principal) as ctx:
            if allowed:
                assert access.require_plugin_api(ctx) == principal
            else:
                with pytest.raises(Forbidden):
                    access.require_plugin_api(ctx)
