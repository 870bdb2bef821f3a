"""Users, references, BIOM artifacts by visibility and analysis metadata (§4.10-§4.14)."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from db.models import Analysis, Artifact, Reference, StoredFile
from resolvers.context import Services, unit_of_work
from tests.builders.accounts import bearer, make_user, token_for
from tests.builders.world import SYSTEM, World, write_file
from tests.rest_compat.media import JSON


async def test_users_lists_every_user_in_creation_order(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/qiita_db/users/", headers=bearer(world.deblur.token))
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {"data": [{"email": world.owner_email, "name": "Owner"}]}


async def test_user_data_never_has_a_password(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"/qiita_db/user/{world.owner_email.lower()}/data/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    assert response.json() == {
        "data": {"email": world.owner_email, "level": "user", "name": "Owner"}
    }
    unknown = await client.get("/qiita_db/user/no%40where.org/data/",
                               headers=bearer(world.deblur.token))  # fmt: skip
    assert unknown.status_code == 404
    assert unknown.json() == {"message": "User not found: no@where.org"}


async def test_users_need_plugin_rights(client: httpx.AsyncClient, services: Services) -> None:
    token = await token_for(services, "user", account=await make_user(services))
    response = await client.get("/qiita_db/users/", headers=bearer(token))
    assert response.status_code == 403
    assert response.json() == {"message": "Only plugin clients and administrators may list users."}


async def make_reference(services: Services) -> int:
    root = services.settings.resolved_data_dir
    async with unit_of_work(services, SYSTEM) as ctx:
        reference = Reference(name="Greengenes", version="13_8")
        ctx.session.add(reference)
        await ctx.session.flush()
        for relpath, fp_type in [("gg_97_otus.fasta", 10), ("gg_97_otus.tree", 12)]:
            write_file(root / "reference" / relpath)
            stored = StoredFile(data_directory_id=6, relpath=relpath, filepath_type_id=fp_type)
            stored.reference_id = reference.id
            ctx.session.add(stored)
        await ctx.session.flush()
        return reference.id


async def test_reference(client: httpx.AsyncClient, services: Services, world: World) -> None:
    reference_id = await make_reference(services)
    response = await client.get(
        f"/qiita_db/references/{reference_id}/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    folder = services.settings.resolved_data_dir / "reference"
    assert response.json() == {
        "name": "Greengenes",
        "version": "13_8",
        "files": {
            "reference_seqs": str(folder / "gg_97_otus.fasta"),
            "reference_tree": str(folder / "gg_97_otus.tree"),
        },
    }
    for text, message in [("77", "Reference not found: 77"), ("x", "Reference not found: x")]:
        missing = await client.get(f"/qiita_db/references/{text}/",
                                   headers=bearer(world.deblur.token))  # fmt: skip
        assert missing.status_code == 404
        assert missing.json() == {"message": message}


async def test_studies_by_visibility_lists_biom_artifacts(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        await ctx.session.execute(
            update(Artifact).where(Artifact.id == world.fastq_id).values(visibility="private")
        )
    headers = bearer(world.deblur.token)
    empty = await client.get("/qiita_db/studies/private", headers=headers)
    assert empty.json() == {"data": {}}
    async with unit_of_work(services, SYSTEM) as ctx:
        await ctx.session.execute(
            update(Artifact).where(Artifact.id == world.fastq_id).values(artifact_type_id=7)
        )
    listed = await client.get("/qiita_db/studies/private", headers=headers)
    assert listed.status_code == 200
    assert listed.json() == {"data": {str(world.study_id): [world.fastq_id]}}
    assert (await client.get("/qiita_db/studies/public", headers=headers)).json() == {"data": {}}
    for bad in ("sandbox", "private/"):
        refused = await client.get(f"/qiita_db/studies/{bad}", headers=headers)
        assert refused.status_code == 403
        assert refused.json() == {"message": "You can only request public or private studies"}


async def test_analysis_metadata(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    root = services.settings.resolved_data_dir
    async with unit_of_work(services, SYSTEM) as ctx:
        analysis = Analysis(owner_id=world.owner_id, name="A", description="")
        ctx.session.add(analysis)
        await ctx.session.flush()
        analysis_id = analysis.id
        relpath = f"{analysis_id}_analysis_mapping.txt"
        write_file(root / "analysis" / relpath,
                   "#SampleID\tph\tqiita_prep_id\n1.SKB1\t6.8\t1\n1.SKB2\t7.1\t1\n")  # fmt: skip
        ctx.session.add(StoredFile(data_directory_id=1, relpath=relpath, filepath_type_id=9,
                                   analysis_id=analysis_id))  # fmt: skip
    response = await client.get(
        f"/qiita_db/analysis/{analysis_id}/metadata/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "1.SKB1": {"ph": "6.8", "qiita_prep_id": "1"},
        "1.SKB2": {"ph": "7.1", "qiita_prep_id": "1"},
    }
    missing = await client.get(
        "/qiita_db/analysis/999/metadata/", headers=bearer(world.deblur.token)
    )
    assert (missing.status_code, missing.json()) == (404, {"message": "Analysis not found: 999"})


async def test_analysis_without_mapping_file_is_404(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        analysis = Analysis(owner_id=world.owner_id, name="B", description="")
        ctx.session.add(analysis)
        await ctx.session.flush()
        analysis_id = analysis.id
    response = await client.get(
        f"/qiita_db/analysis/{analysis_id}/metadata/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 404
    assert response.json() == {"message": f"Analysis {analysis_id} has no mapping file yet."}
