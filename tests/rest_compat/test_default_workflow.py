"""`POST /qiita_db/artifact/` with `add_default_workflow` (plugin-api.md §4.5, domain.md §2.9).

The world's Deblur plugin gets a second command (Rarefy: BIOM -> BIOM) and the type plugin
validates FASTQ too, so a default workflow FASTQ -> Deblur -> Rarefy can be built behind the
Validate job of a FASTQ injected into a new preparation.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from db.models import (
    Account,
    Artifact,
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    DefaultParameterSet,
    DefaultWorkflow,
    DefaultWorkflowDataType,
    DefaultWorkflowEdge,
    DefaultWorkflowEdgeConnection,
    DefaultWorkflowNode,
    PrepSample,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
    Sample,
    SoftwareArtifactType,
    Study,
)
from gateway.demo import load_demo
from gateway.demo_data import DEMO_MARKER_TITLE
from gateway.demo_plugin_data import (
    DEFAULT_WORKFLOW_NAME,
    PICK_DEFAULTS,
    PICK_OTUS,
    SPLIT_DEFAULTS,
    SPLIT_LIBRARIES,
)
from resolvers.context import Services, unit_of_work
from resolvers.errors import Invalid
from resolvers.jobs import validators
from resolvers.plugins import command_definitions, commands
from tests.builders.accounts import bearer, token_for
from tests.builders.studies import make_study_with_prep
from tests.builders.world import SYSTEM, World, completion, write_file
from tests.rest_compat.media import JSON
from tests.rest_compat.test_completion import (
    complete,
    deblur_outputs,
    fetch_job,
    run_validator,
    validators_of,
)

RAREFY_DEFINITION = command_definitions.CommandDefinition(
    name="Rarefy",
    description="Rarefies a table",
    required_parameters={"biom_table": ['artifact:["BIOM"]', None]},
    optional_parameters={"depth": ["integer", "1000"]},
    default_parameter_sets={"Defaults": {"depth": "1000"}},
    outputs={"rarefied": "BIOM"},
)
DEBLUR = "Deblur"
RAREFY = "Rarefy"
NO_WORKFLOW = (
    "There is no active default workflow for data type '16S' starting from 'FASTQ' artifacts; "
    "ask an administrator to add one, or inject the artifact without add_default_workflow."
)


@dataclass(frozen=True)
class Setup:
    prep_id: int
    fastq_type_id: int
    rarefy_command_id: int


@pytest.fixture
async def setup(services: Services, world: World) -> Setup:
    """A Rarefy command, FASTQ validated by the type plugin, and a new preparation."""
    async with unit_of_work(services, SYSTEM) as ctx:
        rarefy = await commands.create_command(
            ctx, world.deblur.name, world.deblur.version, RAREFY_DEFINITION
        )
        fastq = (
            await ctx.session.execute(select(ArtifactType.id).where(ArtifactType.name == "FASTQ"))
        ).scalar_one()
        ctx.session.add(
            SoftwareArtifactType(software_id=world.type_plugin.software_id, artifact_type_id=fastq)
        )
        rarefy_id = rarefy.id
    _, prep_id = await make_study_with_prep(services, world.owner_id, ["A1", "A2"])
    return Setup(prep_id=prep_id, fastq_type_id=fastq, rarefy_command_id=rarefy_id)


async def make_default_workflow(
    services: Services,
    world: World,
    setup: Setup,
    name: str,
    *,
    conditions: dict[str, Any] | None = None,
    data_type_id: int = 1,
    with_rarefy: bool = True,
    active: bool = True,
) -> int:
    """Deblur (Defaults), optionally followed by Rarefy on `deblur final table`."""
    async with unit_of_work(services, SYSTEM) as ctx:
        session = ctx.session

        async def parameter_set(command_id: int) -> int:
            query = select(DefaultParameterSet.id).where(
                DefaultParameterSet.command_id == command_id, DefaultParameterSet.name == "Defaults"
            )
            return (await session.execute(query)).scalar_one()

        workflow = DefaultWorkflow(
            name=name,
            description=f"{name} description",
            active=active,
            artifact_type_id=setup.fastq_type_id,
            parameters=conditions or {"sample": {}, "prep": {}},
        )
        session.add(workflow)
        await session.flush()
        session.add(DefaultWorkflowDataType(workflow_id=workflow.id, data_type_id=data_type_id))
        first = DefaultWorkflowNode(
            workflow_id=workflow.id,
            default_parameter_set_id=await parameter_set(world.deblur_command_id),
        )
        session.add(first)
        await session.flush()
        if with_rarefy:
            second = DefaultWorkflowNode(
                workflow_id=workflow.id,
                default_parameter_set_id=await parameter_set(setup.rarefy_command_id),
            )
            session.add(second)
            await session.flush()
            edge = DefaultWorkflowEdge(parent_node_id=first.id, child_node_id=second.id)
            session.add(edge)
            await session.flush()
            output = (
                await session.execute(
                    select(CommandOutput.id).where(
                        CommandOutput.command_id == world.deblur_command_id,
                        CommandOutput.name == "deblur final table",
                    )
                )
            ).scalar_one()
            parameter = (
                await session.execute(
                    select(CommandParameter.id).where(
                        CommandParameter.command_id == setup.rarefy_command_id,
                        CommandParameter.name == "biom_table",
                    )
                )
            ).scalar_one()
            session.add(
                DefaultWorkflowEdgeConnection(
                    edge_id=edge.id, parent_output_id=output, child_parameter_id=parameter
                )
            )
        await session.flush()
        return workflow.id


def fastq_files(services: Services, prep_id: int) -> dict[str, list[str]]:
    folder = services.settings.resolved_data_dir / "uploads" / f"prep{prep_id}"
    forward = write_file(folder / "r1.fastq", "@r1\nACGT\n+\nIIII\n")
    barcodes = write_file(folder / "i1.fastq", "@r1\nAAAA\n+\nIIII\n")
    return {"raw_forward_seqs": [str(forward)], "raw_barcodes": [str(barcodes)]}


async def inject(
    client: httpx.AsyncClient, services: Services, world: World, prep_id: int, **extra: str
) -> httpx.Response:
    return await client.post(
        "/qiita_db/artifact/",
        data={
            "user_email": world.owner_email,
            "artifact_type": "FASTQ",
            "files": json.dumps(fastq_files(services, prep_id)),
            "prep_id": str(prep_id),
            "command_artifact_name": "Raw reads",
            **extra,
        },
        headers=bearer(world.deblur.token),
    )


async def count(services: Services, model: Any) -> int:
    async with services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def workflow_jobs(services: Services, workflow_id: int) -> dict[str, ProcessingJob]:
    """The workflow's jobs by command name."""
    async with services.sessions() as session:
        rows = await session.execute(
            select(ProcessingJob)
            .where(ProcessingJob.workflow_id == workflow_id)
            .order_by(ProcessingJob.created_at, ProcessingJob.id)
        )
        jobs = list(rows.scalars())
    return {(await command_name(services, job)): job for job in jobs}


async def command_name(services: Services, job: ProcessingJob) -> str:
    async with services.sessions() as session:
        command = await session.get(Command, job.command_id)
    assert command is not None
    return command.name


async def only_workflow(services: Services) -> ProcessingWorkflow:
    async with services.sessions() as session:
        rows = list((await session.execute(select(ProcessingWorkflow))).scalars())
    assert len(rows) == 1
    return rows[0]


async def test_flag_queues_the_default_workflow_behind_the_validator(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    await make_default_workflow(services, world, setup, "Deblur then rarefy")
    response = await inject(client, services, world, setup.prep_id, add_default_workflow="true")
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    validator_id = response.json()["job_id"]

    workflow = await only_workflow(services)
    assert (workflow.name, workflow.account_id) == ("Deblur then rarefy", world.owner_id)
    jobs = await workflow_jobs(services, workflow.id)
    assert list(jobs) == ["Validate", DEBLUR, RAREFY]
    validator, deblur, rarefy = jobs["Validate"], jobs[DEBLUR], jobs[RAREFY]
    assert validator.id == validator_id
    assert validator.status == "queued"
    assert validator.pending is None
    assert validator.parameters["template"] == setup.prep_id
    assert (deblur.status, rarefy.status) == ("waiting", "waiting")
    assert {deblur.account_id, rarefy.account_id} == {world.owner_id}
    assert deblur.parameters == {
        "Demultiplexed sequences": [validator_id, "FASTQ"],
        "Threads": "1",
        "Trim length": "150",
    }
    assert deblur.pending == {validator_id: {"Demultiplexed sequences": "FASTQ"}}
    assert rarefy.parameters == {"biom_table": [deblur.id, "deblur final table"], "depth": "1000"}
    assert rarefy.pending == {deblur.id: {"biom_table": "deblur final table"}}
    async with services.sessions() as session:
        edges = set((await session.execute(select(ProcessingJobParent))).scalars())
        roots = list((await session.execute(select(ProcessingWorkflowRoot))).scalars())
    assert {(e.parent_id, e.child_id) for e in edges} == {
        (validator_id, deblur.id),
        (deblur.id, rarefy.id),
    }
    assert [(r.workflow_id, r.job_id) for r in roots] == [(workflow.id, validator_id)]
    shown = await fetch_job(client, world, deblur.id)
    assert (shown["command"], shown["status"]) == (DEBLUR, "waiting")


async def test_validator_success_starts_the_first_step_then_its_release_the_next(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    await make_default_workflow(services, world, setup, "Deblur then rarefy")
    response = await inject(client, services, world, setup.prep_id, add_default_workflow="True")
    assert response.status_code == 200
    workflow = await only_workflow(services)
    jobs = await workflow_jobs(services, workflow.id)

    done = await run_validator(client, world, jobs["Validate"])
    assert done.status_code == 200
    prep = await client.get(
        f"/qiita_db/prep_template/{setup.prep_id}/", headers=bearer(world.system_token)
    )
    fastq_id = prep.json()["artifact"]
    assert isinstance(fastq_id, int)
    deblur = await fetch_job(client, world, jobs[DEBLUR].id)
    assert deblur["status"] == "queued"
    assert deblur["parameters"]["Demultiplexed sequences"] == str(fastq_id)
    assert (await fetch_job(client, world, jobs[RAREFY].id))["status"] == "waiting"
    async with services.sessions() as session:
        row = await session.get(ProcessingJob, jobs[DEBLUR].id)
        inputs = list(
            (
                await session.execute(
                    select(ProcessingJobInput.artifact_id).where(
                        ProcessingJobInput.job_id == jobs[DEBLUR].id
                    )
                )
            ).scalars()
        )
    assert row is not None
    assert row.pending is None
    assert inputs == [fastq_id]

    # The Deblur plugin runs and reports; its validated outputs release Rarefy.
    deblur_id = jobs[DEBLUR].id
    beat = await client.post(
        f"/qiita_db/jobs/{deblur_id}/heartbeat/", headers=bearer(world.deblur.token)
    )
    assert beat.status_code == 200
    report = completion(deblur_outputs(services, deblur_id))
    assert (await complete(client, deblur_id, report, world.deblur.token)).status_code == 200
    for validator in await validators_of(services, deblur_id):
        assert (await run_validator(client, world, validator)).status_code == 200
    assert (await fetch_job(client, world, deblur_id))["status"] == "success"
    async with services.sessions() as session:
        table = (
            await session.execute(
                select(Artifact.id)
                .join(CommandOutput, CommandOutput.id == Artifact.command_output_id)
                .where(
                    Artifact.produced_by_job_id == deblur_id,
                    CommandOutput.name == "deblur final table",
                )
            )
        ).scalar_one()
    rarefy = await fetch_job(client, world, jobs[RAREFY].id)
    assert rarefy["status"] == "queued"
    assert rarefy["parameters"] == {"biom_table": str(table), "depth": "1000"}


async def test_a_failed_validator_fails_the_waiting_workflow(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    await make_default_workflow(services, world, setup, "Deblur then rarefy")
    response = await inject(client, services, world, setup.prep_id, add_default_workflow="yes")
    assert response.status_code == 200
    jobs = await workflow_jobs(services, (await only_workflow(services)).id)
    await run_validator(client, world, jobs["Validate"], success=False)
    statuses = [(await fetch_job(client, world, j.id))["status"] for j in jobs.values()]
    assert statuses == ["error", "error", "error"]


async def assert_refused(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup, message: str
) -> None:
    before = [await count(services, model) for model in (ProcessingJob, Artifact)]
    response = await inject(client, services, world, setup.prep_id, add_default_workflow="true")
    assert response.status_code == 400
    assert response.json() == {"message": message}
    assert [await count(services, model) for model in (ProcessingJob, Artifact)] == before
    assert await count(services, ProcessingWorkflow) == 0
    assert await count(services, ProcessingWorkflowRoot) == 0


async def test_no_default_workflow_is_400_and_nothing_is_written(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    await assert_refused(client, services, world, setup, NO_WORKFLOW)


async def test_inactive_or_other_data_type_workflows_do_not_count(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    await make_default_workflow(services, world, setup, "Inactive", active=False)
    await make_default_workflow(services, world, setup, "18S only", data_type_id=2)
    await assert_refused(client, services, world, setup, NO_WORKFLOW)


async def test_unmet_conditions_are_400_naming_each_refusal(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    await make_default_workflow(
        services, world, setup, "Water only",
        conditions={"sample": {"env": "water"}, "prep": {"platform": "*"}},
    )  # fmt: skip
    await make_default_workflow(
        services, world, setup, "Needs depth",
        conditions={"sample": {}, "prep": {"depth": "*"}},
    )  # fmt: skip
    await assert_refused(
        client,
        services,
        world,
        setup,
        "No default workflow for data type '16S' starting from 'FASTQ' artifacts matches the "
        f"metadata of preparation {setup.prep_id}: 'Water only' (no sample has 'env' = "
        "'water'), 'Needs depth' (prep category 'depth' does not exist).",
    )


async def test_a_step_that_cannot_be_wired_is_400(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    # Rarefy alone: its BIOM input cannot come from the new FASTQ.
    async with unit_of_work(services, SYSTEM) as ctx:
        workflow = DefaultWorkflow(
            name="Rarefy only", artifact_type_id=setup.fastq_type_id,
            parameters={"sample": {}, "prep": {}},
        )  # fmt: skip
        ctx.session.add(workflow)
        await ctx.session.flush()
        ctx.session.add(DefaultWorkflowDataType(workflow_id=workflow.id, data_type_id=1))
        parameter_set = (
            await ctx.session.execute(
                select(DefaultParameterSet.id).where(
                    DefaultParameterSet.command_id == setup.rarefy_command_id
                )
            )
        ).scalar_one()
        ctx.session.add(
            DefaultWorkflowNode(workflow_id=workflow.id, default_parameter_set_id=parameter_set)
        )
    await assert_refused(
        client,
        services,
        world,
        setup,
        "The step 'Rarefy' of the default workflow needs its parameter 'biom_table' (an artifact "
        "of type BIOM), which cannot be wired automatically from a new 'FASTQ' artifact.",
    )


async def test_conditions_select_the_workflow_satisfying_most(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    await make_default_workflow(services, world, setup, "Plain", with_rarefy=False)
    await make_default_workflow(
        services, world, setup, "Soil on Illumina", with_rarefy=False,
        conditions={"sample": {"env": "soil"}, "prep": {"platform": "Illumina", "barcode": "*"}},
    )  # fmt: skip
    await make_default_workflow(
        services, world, setup, "Soil", with_rarefy=False,
        conditions={"sample": {"env": "soil"}, "prep": {}},
    )  # fmt: skip
    await make_default_workflow(
        services, world, setup, "Water", with_rarefy=False,
        conditions={"sample": {"env": "water", "ph": "*"}, "prep": {"platform": "*"}},
    )  # fmt: skip
    response = await inject(client, services, world, setup.prep_id, add_default_workflow="1")
    assert response.status_code == 200
    workflow = await only_workflow(services)
    assert workflow.name == "Soil on Illumina"
    assert list(await workflow_jobs(services, workflow.id)) == ["Validate", DEBLUR]


@pytest.mark.parametrize("flag", [None, "", "false", "0"])
async def test_without_the_flag_only_the_validator_is_queued(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup, flag: str | None
) -> None:
    await make_default_workflow(services, world, setup, "Deblur then rarefy")
    extra = {} if flag is None else {"add_default_workflow": flag}
    before = await count(services, ProcessingJob)
    response = await inject(client, services, world, setup.prep_id, **extra)
    assert response.status_code == 200
    validator = await fetch_job(client, world, response.json()["job_id"])
    assert (validator["command"], validator["status"]) == ("Validate", "queued")
    assert await count(services, ProcessingJob) == before + 1
    assert await count(services, ProcessingWorkflow) == 0


async def test_a_malformed_flag_is_400(
    client: httpx.AsyncClient, services: Services, world: World, setup: Setup
) -> None:
    before = await count(services, ProcessingJob)
    response = await inject(client, services, world, setup.prep_id, add_default_workflow="maybe")
    assert response.status_code == 400
    assert response.json() == {
        "message": "Argument add_default_workflow must be true or false, not 'maybe'"
    }
    assert await count(services, ProcessingJob) == before


async def test_more_artifacts_than_allowed_is_refused(
    services: Services, world: World, setup: Setup
) -> None:
    await make_default_workflow(services, world, setup, "Deblur then rarefy")
    # Deblur declares two outputs and Rarefy one: three artifacts.
    strict = dataclasses.replace(
        services, settings=dataclasses.replace(services.settings, max_artifacts_in_workflow=2)
    )
    with pytest.raises(Invalid) as refused:
        async with unit_of_work(strict, SYSTEM) as ctx:
            await validators.inject_artifact(
                ctx,
                user_email=world.owner_email,
                artifact_type="FASTQ",
                files=json.dumps(fastq_files(services, setup.prep_id)),
                prep_id=setup.prep_id,
                add_default_workflow=True,
            )
    assert refused.value.message == (
        "The default workflow 'Deblur then rarefy' would create 3 artifacts, more than the 2 "
        "allowed in one workflow (max_artifacts_in_workflow)."
    )
    assert await count(services, ProcessingWorkflow) == 0


async def test_the_demo_workflow_is_queued_for_a_new_demo_preparation(
    client: httpx.AsyncClient, services: Services
) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        await load_demo(ctx)
        study = (
            await ctx.session.execute(select(Study).where(Study.title == DEMO_MARKER_TITLE))
        ).scalar_one()
        owner = await ctx.session.get(Account, study.owner_id)
        assert owner is not None
        prep = PrepTemplate(study_id=study.id, data_type_id=1, name="New 16S run")
        ctx.session.add(prep)
        await ctx.session.flush()
        samples = (
            await ctx.session.execute(select(Sample.id).where(Sample.study_id == study.id))
        ).scalars()
        ctx.session.add_all(PrepSample(prep_id=prep.id, sample_id=s, values={}) for s in samples)
        prep_id, email = prep.id, owner.email
    token = await token_for(services, "system")
    response = await client.post(
        "/qiita_db/artifact/",
        data={
            "user_email": email,
            "artifact_type": "FASTQ",
            "files": json.dumps(fastq_files(services, prep_id)),
            "prep_id": str(prep_id),
            "add_default_workflow": "true",
        },
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    validator_id = response.json()["job_id"]
    async with services.sessions() as session:
        workflow = (
            await session.execute(
                select(ProcessingWorkflow)
                .join(ProcessingJob, ProcessingJob.workflow_id == ProcessingWorkflow.id)
                .where(ProcessingJob.id == validator_id)
            )
        ).scalar_one()
    assert workflow.name == DEFAULT_WORKFLOW_NAME
    jobs = await workflow_jobs(services, workflow.id)
    assert list(jobs) == ["Validate", SPLIT_LIBRARIES.name, PICK_OTUS.name]
    split, pick = jobs[SPLIT_LIBRARIES.name], jobs[PICK_OTUS.name]
    assert split.parameters == {**SPLIT_DEFAULTS, "input_data": [validator_id, "FASTQ"]}
    assert pick.parameters == {**PICK_DEFAULTS, "input_data": [split.id, "demultiplexed"]}
    assert (split.status, pick.status) == ("waiting", "waiting")
