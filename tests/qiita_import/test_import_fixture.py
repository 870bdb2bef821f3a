"""Qiita's own test database imported into a fresh gateway: the REST routes answer what
Qiita's tables hold (values read from the dump), accounts and clients keep working."""

from __future__ import annotations

import httpx
import orjson
import pytest
from sqlalchemy import func, select, text

from db.models import Account, Artifact
from db.session import create_engine
from tests.qiita_import.site import ImportedSite, QiitaSource

pytestmark = pytest.mark.asyncio


async def system_token(site: httpx.AsyncClient, source: QiitaSource) -> str:
    """A client-grant token for an imported client that belongs to no plugin."""
    rows = await source.fetch(
        "SELECT client_id, client_secret FROM qiita.oauth_identifiers WHERE client_secret <> '' "
        "AND client_id NOT IN (SELECT client_id FROM qiita.oauth_software) ORDER BY client_id"
    )
    client_id, secret = rows[0]
    response = await site.post(
        "/qiita_db/authenticate/",
        data={"grant_type": "client", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_report_counts_every_resource(imported: ImportedSite, qiita_source: QiitaSource):
    resources = imported.report.resources
    for name, table in [
        ("studies", "study"), ("samples", "study_sample"), ("preparations", "prep_template"),
        ("artifacts", "artifact"), ("jobs", "processing_job"), ("accounts", "qiita_user"),
        ("OAuth clients", "oauth_identifiers"), ("plugins", "software"),
        ("commands", "software_command"), ("analyses", "analysis"), ("references", "reference"),
    ]:  # fmt: skip
        (count,) = (await qiita_source.fetch(f"SELECT count(*) FROM qiita.{table}"))[0]
        assert resources[name].source == count, name
        assert resources[name].imported == count, name
        if name != "jobs":
            assert resources[name].warnings == [], name
    (not_objects,) = (
        await qiita_source.fetch(
            "SELECT count(*) FROM qiita.processing_job "
            "WHERE jsonb_typeof(command_parameters) <> 'object'"
        )
    )[0]
    assert resources["jobs"].warnings == [
        f"{not_objects} jobs have parameters that are not a JSON object (e.g. "
        + resources["jobs"].warnings[0].split("(e.g. ")[1]
    ]
    assert "portal EMP: analyses 7, 8, 9, 10" in imported.report.notes
    text = imported.report.render()
    assert "Not imported:" in text
    assert "slurm_resource_allocations" in text


async def test_missing_files_are_warnings(imported: ImportedSite, qiita_source: QiitaSource):
    warnings = imported.report.resources["files"].warnings
    assert any("filepath 3:" in w and "1_seqs.fna is missing" in w for w in warnings)
    placed = imported.settings.resolved_data_dir / "BIOM" / "7" / "biom_table.biom"
    assert placed.read_bytes() == (qiita_source.data_dir / "BIOM/7/biom_table.biom").read_bytes()


async def test_study_and_samples_as_in_qiita(site: httpx.AsyncClient, qiita_source: QiitaSource):
    token = await system_token(site, qiita_source)
    headers = {"Authorization": f"Bearer {token}"}
    ((title,),) = await qiita_source.fetch("SELECT study_title FROM qiita.study WHERE study_id = 1")
    response = await site.get("/api/v1/study/1", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == title
    expected = {
        name: values
        for name, values in await qiita_source.fetch(
            "SELECT sample_id, sample_values FROM qiita.sample_1 "
            "WHERE sample_id <> 'qiita_sample_column_names'"
        )
    }
    response = await site.get("/qiita_db/sample_information/1/data/", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()["data"]
    assert set(body) == set(expected)
    for name, values in expected.items():
        for column, value in orjson.loads(values).items():
            assert body[name][column] == value, (name, column)


async def test_prep_artifact_job_plugin_as_in_qiita(
    site: httpx.AsyncClient, qiita_source: QiitaSource
):
    headers = {"Authorization": f"Bearer {await system_token(site, qiita_source)}"}

    response = await site.get("/qiita_db/prep_template/1/data/", headers=headers)
    assert response.status_code == 200, response.text
    prep = response.json()["data"]
    rows = await qiita_source.fetch(
        "SELECT sample_id, sample_values FROM qiita.prep_1 "
        "WHERE sample_id <> 'qiita_sample_column_names'"
    )
    assert set(prep) == {name for name, _ in rows}
    for name, values in rows:
        for column, value in orjson.loads(values).items():
            assert prep[name][column] == value, (name, column)

    response = await site.get("/qiita_db/artifacts/1/", headers=headers)
    assert response.status_code == 200, response.text
    artifact = response.json()
    ((name, kind),) = await qiita_source.fetch(
        "SELECT a.name, t.artifact_type FROM qiita.artifact a "
        "JOIN qiita.artifact_type t USING (artifact_type_id) WHERE artifact_id = 1"
    )
    assert (artifact["name"], artifact["type"]) == (name, kind)
    files = await qiita_source.fetch(
        "SELECT t.filepath_type, f.filepath, f.fp_size FROM qiita.artifact_filepath af "
        "JOIN qiita.filepath f USING (filepath_id) "
        "JOIN qiita.filepath_type t USING (filepath_type_id) WHERE af.artifact_id = 1"
    )
    assert {
        (fp_type, entry["filepath"].rsplit("/", 1)[1], entry["size"])
        for fp_type, entries in artifact["files"].items()
        for entry in entries
    } == {(fp_type, path, size) for fp_type, path, size in files}

    ((job_id, status, parameters),) = await qiita_source.fetch(
        "SELECT j.processing_job_id, s.processing_job_status, j.command_parameters "
        "FROM qiita.processing_job j JOIN qiita.processing_job_status s "
        "USING (processing_job_status_id) WHERE jsonb_typeof(j.command_parameters) = 'object' "
        "ORDER BY j.processing_job_id LIMIT 1"
    )
    response = await site.get(f"/qiita_db/jobs/{job_id}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == status
    assert response.json()["parameters"] == orjson.loads(parameters)

    ((software_id, plugin, version),) = await qiita_source.fetch(
        "SELECT software_id, name, version FROM qiita.software WHERE software_id = 1"
    )
    commands = await qiita_source.fetch(
        "SELECT name FROM qiita.software_command WHERE software_id = $1", software_id
    )
    response = await site.get(f"/qiita_db/plugins/{plugin}/{version}/", headers=headers)
    assert response.status_code == 200, response.text
    assert sorted(response.json()["commands"]) == sorted(name for (name,) in commands)


async def test_qiita_password_signs_in_and_is_rehashed(
    site: httpx.AsyncClient, imported: ImportedSite, qiita_source: QiitaSource
):
    ((client_id,),) = await qiita_source.fetch(
        "SELECT client_id FROM qiita.oauth_identifiers WHERE coalesce(client_secret, '') = ''"
    )
    form = {"grant_type": "password", "client_id": client_id, "username": "shared@foo.bar"}
    wrong = await site.post("/qiita_db/authenticate/", data=form | {"password": "wrong one"})
    assert wrong.status_code != 200
    assert (await stored_hash(imported, "shared@foo.bar")).startswith("$2a$")

    response = await site.post("/qiita_db/authenticate/", data=form | {"password": "password"})
    assert response.status_code == 200, response.text
    assert (await stored_hash(imported, "shared@foo.bar")).startswith("$argon2id$")
    again = await site.post("/qiita_db/authenticate/", data=form | {"password": "password"})
    assert again.status_code == 200, again.text


async def test_plugin_client_gets_a_token(site: httpx.AsyncClient, qiita_source: QiitaSource):
    ((client_id, secret),) = await qiita_source.fetch(
        "SELECT i.client_id, i.client_secret FROM qiita.oauth_identifiers i "
        "JOIN qiita.oauth_software s USING (client_id) ORDER BY s.software_id LIMIT 1"
    )
    form = {"grant_type": "client", "client_id": client_id}
    response = await site.post("/qiita_db/authenticate/", data=form | {"client_secret": secret})
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]
    bad = await site.post("/qiita_db/authenticate/", data=form | {"client_secret": secret + "x"})
    assert bad.status_code != 200


async def stored_hash(imported: ImportedSite, email: str) -> str:
    engine = create_engine(imported.settings, pool=False)
    try:
        async with engine.connect() as connection:
            return str(
                (
                    await connection.execute(
                        select(Account.password_hash).where(Account.email == email)
                    )
                ).scalar_one()
            )
    finally:
        await engine.dispose()


async def test_id_counters_continue_after_the_imported_ids(imported: ImportedSite):
    engine = create_engine(imported.settings, pool=False)
    try:
        async with engine.begin() as connection:
            largest = (await connection.execute(select(func.max(Artifact.id)))).scalar_one()
            if connection.dialect.name == "sqlite":
                counter = (
                    await connection.execute(
                        text("SELECT seq FROM sqlite_sequence WHERE name = 'artifact'")
                    )
                ).scalar_one()
                assert counter >= largest
            else:
                following = (
                    await connection.execute(
                        text("SELECT nextval(pg_get_serial_sequence('artifact', 'id'))")
                    )
                ).scalar_one()
                assert following == largest + 1
    finally:
        await engine.dispose()


async def test_test_mode_reset_returns_to_the_imported_state(
    site: httpx.AsyncClient, imported: ImportedSite, qiita_source: QiitaSource
):
    headers = {"Authorization": f"Bearer {await system_token(site, qiita_source)}"}
    placed = imported.settings.resolved_data_dir / "BIOM" / "7" / "biom_table.biom"
    original = placed.read_bytes()
    placed.write_bytes(b"changed after the import")
    (imported.settings.resolved_data_dir / "uploads" / "new.txt").parent.mkdir(exist_ok=True)
    (imported.settings.resolved_data_dir / "uploads" / "new.txt").write_text("new")
    response = await site.post("/apitest/reset/", headers=headers)
    assert response.status_code == 200, response.text

    assert placed.read_bytes() == original
    assert not (imported.settings.resolved_data_dir / "uploads" / "new.txt").exists()
    headers = {"Authorization": f"Bearer {await system_token(site, qiita_source)}"}
    response = await site.get("/qiita_db/artifacts/1/", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Raw data 1"
    response = await site.get("/qiita_db/sample_information/1/data/", headers=headers)
    assert len(response.json()["data"]) == imported.report.resources["samples"].imported
