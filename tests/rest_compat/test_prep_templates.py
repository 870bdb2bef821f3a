"""Preparation and sample information for plugins (plugin-api.md §4.6-§4.9)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from sqlalchemy import func, select

from db.models import PrepTemplate, SampleTemplate, StoredFile, utcnow
from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.world import World
from tests.rest_compat.media import JSON


def read(path: str) -> list[list[str]]:
    return [line.split("\t") for line in Path(path).read_text().splitlines()]


async def test_get_prep_hands_out_current_tab_separated_files(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    response = await client.get(
        f"/qiita_db/prep_template/{world.prep_id}/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    templates = services.settings.resolved_data_dir / "templates"
    sample_file, prep_file = body.pop("sample-file"), body.pop("prep-file")
    assert body == {
        "data_type": "16S",
        "artifact": world.fastq_id,
        "investigation_type": "AMPLICON",
        "study": world.study_id,
        "status": "sandbox",
    }
    assert Path(prep_file).parent == templates
    assert Path(prep_file).name.startswith(f"{world.study_id}_prep_{world.prep_id}_")
    assert Path(sample_file).name.startswith(f"{world.study_id}_")
    s = world.study_id
    assert read(prep_file) == [
        ["sample_name", "barcode", "platform", "qiita_prep_id"],
        [f"{s}.SKB1", "ACGT0", "Illumina", str(world.prep_id)],
        [f"{s}.SKB2", "ACGT1", "Illumina", str(world.prep_id)],
        [f"{s}.SKM4", "ACGT2", "Illumina", str(world.prep_id)],
    ]
    assert read(sample_file)[0] == ["sample_name", "env", "ph", "qiita_study_id"]


async def file_count(services: Services) -> int:
    async with services.sessions() as session:
        query = select(func.count()).select_from(StoredFile).where(StoredFile.artifact_id.is_(None))
        return (await session.execute(query)).scalar_one()


async def test_files_are_regenerated_only_when_the_metadata_changed(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    url = f"/qiita_db/prep_template/{world.prep_id}/"
    headers = bearer(world.deblur.token)
    first = (await client.get(url, headers=headers)).json()
    again = (await client.get(url, headers=headers)).json()
    assert (again["prep-file"], again["sample-file"]) == (first["prep-file"], first["sample-file"])
    assert await file_count(services) == 2
    async with services.sessions() as session, session.begin():
        prep = await session.get(PrepTemplate, world.prep_id)
        template = await session.get(SampleTemplate, world.study_id)
        assert prep is not None
        assert template is not None
        prep.modified_at = template.modified_at = utcnow()
    changed = (await client.get(url, headers=headers)).json()
    assert changed["prep-file"] != first["prep-file"]
    assert changed["sample-file"] != first["sample-file"]
    assert await file_count(services) == 4


async def test_unknown_or_malformed_prep_is_404(client: httpx.AsyncClient, world: World) -> None:
    for text, message in [("999", "Preparation not found"), ("1x", "Preparation not found: 1x")]:
        for suffix in ("", "data/"):
            response = await client.get(
                f"/qiita_db/prep_template/{text}/{suffix}", headers=bearer(world.deblur.token)
            )
            assert response.status_code == 404
            assert response.json() == {"message": message}


async def test_prep_data(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"/qiita_db/prep_template/{world.prep_id}/data/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    s, p = world.study_id, str(world.prep_id)
    assert response.json() == {
        "data": {
            f"{s}.SKB1": {"barcode": "ACGT0", "platform": "Illumina", "qiita_prep_id": p},
            f"{s}.SKB2": {"barcode": "ACGT1", "platform": "Illumina", "qiita_prep_id": p},
            f"{s}.SKM4": {"barcode": "ACGT2", "platform": "Illumina", "qiita_prep_id": p},
        }
    }


async def test_prep_data_with_sample_information_flag(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get(
        f"/qiita_db/prep_template/{world.prep_id}/data/?sample_information=true",
        headers=bearer(world.deblur.token),
    )
    s = world.study_id
    assert response.json()["data"][f"{s}.SKB2"] == {
        "env": "soil", "ph": "6.1", "qiita_study_id": str(s),
    }  # fmt: skip
    base = f"/qiita_db/prep_template/{world.prep_id}/data/?sample_information="
    prep_rows = await client.get(base + "False", headers=bearer(world.deblur.token))
    assert "qiita_prep_id" in prep_rows.json()["data"][f"{s}.SKB2"]
    bad = await client.get(base + "maybe", headers=bearer(world.deblur.token))
    assert bad.status_code == 400
    assert bad.json() == {
        "message": "Argument sample_information must be true or false, not 'maybe'"
    }


async def test_sample_information_data(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"/qiita_db/sample_information/{world.study_id}/data/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    s = world.study_id
    assert response.json() == {
        "data": {
            f"{s}.{name}": {"env": "soil", "ph": f"6.{i}", "qiita_study_id": str(s)}
            for i, name in enumerate(["SKB1", "SKB2", "SKM4"])
        }
    }


async def test_sample_information_of_unknown_study_is_404(
    client: httpx.AsyncClient, world: World
) -> None:
    for text, message in [("999", "Study not found"), ("abc", "Study not found: abc")]:
        response = await client.get(
            f"/qiita_db/sample_information/{text}/data/", headers=bearer(world.deblur.token)
        )
        assert response.status_code == 404
        assert response.json() == {"message": message}


async def test_create_prep(client: httpx.AsyncClient, services: Services, world: World) -> None:
    s = world.study_id
    fields = {
        "prep_info": json.dumps({"SKB1": {"primer": "GTGCCAGC"}, f"{s}.SKB2": {"primer": "GTG"}}),
        "study": str(s),
        "data_type": "18S",
        "name": "From a plugin",
        "job-id": "3b5b5c7c-cf5e-4a22-9b8a-19b4f4d87d3b",
    }
    response = await client.post("/qiita_db/prep_template/", data=fields,
                                 headers=bearer(world.deblur.token))  # fmt: skip
    assert response.status_code == 200
    prep_id = response.json()["prep"]
    async with services.sessions() as session:
        prep = await session.get(PrepTemplate, prep_id)
        assert prep is not None
        assert (prep.name, prep.creation_job_id) == ("From a plugin", fields["job-id"])
    data = await client.get(f"/qiita_db/prep_template/{prep_id}/data/",
                            headers=bearer(world.deblur.token))  # fmt: skip
    assert set(data.json()["data"]) == {f"{s}.SKB1", f"{s}.SKB2"}


async def test_create_prep_with_unknown_samples_is_400(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    fields = {"prep_info": json.dumps({"NOPE": {"primer": "G"}}), "study": str(world.study_id),
              "data_type": "18S"}  # fmt: skip
    response = await client.post("/qiita_db/prep_template/", data=fields,
                                 headers=bearer(world.deblur.token))  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "message": f"Samples found in prep template but not sample template: {world.study_id}.NOPE"
    }
    missing = await client.post("/qiita_db/prep_template/", data={"study": "1"},
                                headers=bearer(world.deblur.token))  # fmt: skip
    assert (missing.status_code, missing.text) == (400, "Missing argument prep_info")
    async with services.sessions() as session:
        count = await session.execute(select(func.count()).select_from(PrepTemplate))
        assert count.scalar_one() == 1
