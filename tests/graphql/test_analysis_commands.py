"""On the demo data: an analysis of both demo studies' BIOM tables, then the analysis-only
command "Rarefy table" of the demo plugin submitted on its table with `submitJob`."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from db.models import Account, Artifact, ArtifactType, Command, PrepSample, Sample
from gateway.demo import load_demo
from gateway.demo_data import OWNER
from resolvers.context import SYSTEM, Services, unit_of_work
from tests.builders.accounts import token_for
from tests.builders.callers import SignedInCaller, run_graphql
from tests.graphql.analysis_builders import add_to_cart, create_analysis, mount_path, read_table

SUBMIT_JOB = """mutation($input: SubmitJobInput!) {
  submitJob(input: $input) { job { status command { name } inputs { artifactId } }
    userErrors { field message } } }"""
APPLICABLE = """query($id: Int!) { artifact(artifactId: $id) { applicableCommands { name } } }"""


async def demo_owner(services: Services) -> tuple[SignedInCaller, dict[int, list[str]], int]:
    """The demo owner, the samples of each demo BIOM table of a study, the Rarefy command."""
    async with unit_of_work(services, SYSTEM) as ctx:
        await load_demo(ctx)
    async with services.sessions() as session:
        owner = (
            await session.execute(select(Account).where(Account.email == OWNER.email))
        ).scalar_one()
        tables = (
            await session.execute(
                select(Artifact.id, Sample.sample_name)
                .join(ArtifactType, ArtifactType.id == Artifact.artifact_type_id)
                .join(PrepSample, PrepSample.prep_id == Artifact.prep_id)
                .join(Sample, Sample.id == PrepSample.sample_id)
                .where(ArtifactType.name == "BIOM", Artifact.study_id.is_not(None))
            )
        ).all()
        rarefy = (
            await session.execute(select(Command.id).where(Command.name == "Rarefy table"))
        ).scalar_one()
    samples: dict[int, list[str]] = {}
    for artifact_id, name in tables:
        samples.setdefault(artifact_id, []).append(name)
    caller = SignedInCaller(owner, await token_for(services, "user", account=owner))
    return caller, samples, rarefy


async def test_rarefy_table_runs_on_an_analysis_of_both_demo_studies(
    client: httpx.AsyncClient, services: Services
) -> None:
    owner, samples, rarefy = await demo_owner(services)
    assert len(samples) == 2
    chosen = {artifact_id: sorted(names)[:3] for artifact_id, names in samples.items()}
    for artifact_id, names in chosen.items():
        payload = await add_to_cart(client, owner, artifact_id, names)
        assert payload["userErrors"] == []
    created = await create_analysis(client, owner, "Both demo studies")
    assert created["userErrors"] == []
    [table] = [edge["node"] for edge in created["analysis"]["artifacts"]["edges"]]
    biom = read_table((await mount_path(services)) / table["files"][0]["relpath"])
    assert set(biom.ids()) == {
        f"{artifact_id}.{name}" for artifact_id, names in chosen.items() for name in names
    }

    commands = await run_graphql(client, APPLICABLE, {"id": table["artifactId"]}, caller=owner)
    assert "Rarefy table" in {c["name"] for c in commands["data"]["artifact"]["applicableCommands"]}
    result = await run_graphql(
        client,
        SUBMIT_JOB,
        {
            "input": {
                "commandId": str(rarefy),
                "parameters": {"biom_table": table["artifactId"], "depth": 10},
            }
        },
        caller=owner,
    )
    assert result["data"]["submitJob"] == {
        "job": {
            "status": "QUEUED",
            "command": {"name": "Rarefy table"},
            "inputs": [{"artifactId": table["artifactId"]}],
        },
        "userErrors": [],
    }

    study_table = min(chosen)
    refused = await run_graphql(
        client,
        SUBMIT_JOB,
        {
            "input": {
                "commandId": str(rarefy),
                "parameters": {"biom_table": study_table, "depth": 10},
            }
        },
        caller=owner,
    )
    assert refused["data"]["submitJob"] == {
        "job": None,
        "userErrors": [
            {
                "field": ["input", "parameters", "biom_table"],
                "message": "Command 'Rarefy table' runs on the artifacts of analyses only; "
                f"artifact {study_table} is not one",
            }
        ],
    }
