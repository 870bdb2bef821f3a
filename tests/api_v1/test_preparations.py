"""`/api/v1/study/<id>/preparation...`: preparations and uploaded artifacts (study-api.md §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from db.models import (
    Artifact,
    PrepSample,
    PrepTemplate,
    ProcessingJob,
    SoftwareArtifactType,
    StoredFile,
)
from resolvers.context import Services, unit_of_work
from tests.api_v1.calls import patch
from tests.builders.accounts import make_software
from tests.builders.callers import Caller
from tests.builders.plugins import make_command
from tests.builders.studies import make_artifact, make_study

JSON = "application/json; charset=UTF-8"


def write_uploads(settings_dir: Path, study_id: int, names: list[str]) -> Path:
    folder = settings_dir / "uploads" / str(study_id)
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(f"@{name}\nACGT\n+\nIIII\n".encode())
    return folder


@pytest.fixture
async def sid(client: httpx.AsyncClient, owner: Caller, study_id: int) -> int:
    body = {"s1": {"ph": "7"}, "s2": {"ph": "8"}}
    assert (await patch(client, owner, study_id, body)).status_code == 201
    return study_id


async def create_prep(
    client: httpx.AsyncClient,
    owner: Caller,
    sid: int,
    query: str = "data_type=16S",
    body: Any = None,
    suffix: str = "",
) -> httpx.Response:
    body = {"s1": {"barcode": "AC"}, "s2": {"barcode": "GT"}} if body is None else body
    return await client.post(
        f"/api/v1/study/{sid}/preparation{suffix}?{query}", json=body, headers=owner.headers
    )  # fmt: skip


async def test_create_preparation_201(
    client: httpx.AsyncClient, services: Services, owner: Caller, sid: int
) -> None:
    response = await create_prep(client, owner, sid, "data_type=16S&investigation_type=Other")
    assert response.status_code == 201
    assert response.headers["content-type"] == JSON
    prep_id = response.json()["id"]
    assert response.json() == {"id": prep_id}
    async with unit_of_work(services) as ctx:
        prep = await ctx.session.get(PrepTemplate, prep_id)
        assert prep is not None
        assert (prep.name, prep.investigation_type, prep.study_id) == (
            f"Prep information {prep_id}", "Other", sid
        )  # fmt: skip
        rows = (await ctx.session.execute(select(PrepSample.values))).scalars().all()
    assert sorted(row["barcode"] for row in rows) == ["AC", "GT"]


@pytest.mark.parametrize("suffix", ["/", "/anything", "XYZ"])
async def test_any_suffix_after_preparation_creates_one(
    client: httpx.AsyncClient, owner: Caller, sid: int, suffix: str
) -> None:
    response = await create_prep(client, owner, sid, suffix=suffix)
    assert response.status_code == 201


async def test_missing_data_type_is_400_before_the_study_lookup(
    client: httpx.AsyncClient, owner: Caller
) -> None:
    response = await create_prep(client, owner, 999, query="")
    assert response.status_code == 400
    assert response.json() == {"message": "Missing argument data_type"}


async def test_preparation_of_unknown_study_is_404(
    client: httpx.AsyncClient, owner: Caller
) -> None:
    response = await create_prep(client, owner, 999)
    assert response.status_code == 404
    assert response.json() == {"message": "Study not found"}


@pytest.mark.parametrize(
    ("query", "body", "message"),
    [
        ("data_type=Nope", None, "Unknown data type 'Nope'; use one of: 16S, 18S, ITS"),
        ("data_type=99999999999999999999", None, "Unknown data type '99999999999999999999'"),
        ("data_type=16S", {"zz": {"barcode": "A"}}, "Samples found in prep template but not "
                                                    "sample template: {sid}.zz"),
        ("data_type=16S", {"s1": {"ph": "A"}}, "These columns are already in the sample "
                                               "information and cannot be repeated in a "
                                               "preparation: ph."),
        ("data_type=16S&investigation_type=Bogus", None, "'Bogus' is not a valid investigation"),
        ("data_type=16S", {"s 1": {"x": "A"}}, "Sample names may contain only"),
    ],
)  # fmt: skip
async def test_invalid_preparations_are_406_with_message(
    client: httpx.AsyncClient,
    services: Services,
    owner: Caller,
    sid: int,
    query: str,
    body: Any,
    message: str,
) -> None:
    response = await create_prep(client, owner, sid, query, body)
    assert response.status_code == 406
    assert response.headers["content-type"] == JSON
    assert response.json()["message"].startswith(message.replace("{sid}", str(sid)))
    async with unit_of_work(services) as ctx:
        assert (await ctx.session.execute(select(PrepTemplate.id))).first() is None


async def test_several_problems_answer_only_the_first_as_before(
    client: httpx.AsyncClient, services: Services, owner: Caller, sid: int
) -> None:
    response = await create_prep(client, owner, sid, "data_type=Nope", {"zz": {"ph": "A"}})
    assert response.status_code == 406
    message = response.json()["message"]
    assert message.startswith("Unknown data type 'Nope'; use one of: 16S, 18S, ITS")
    assert "zz" not in message
    assert "ph" not in message
    async with unit_of_work(services) as ctx:
        assert (await ctx.session.execute(select(PrepTemplate.id))).first() is None


async def test_preparation_for_study_without_samples_is_406(
    client: httpx.AsyncClient, owner: Caller, study_id: int
) -> None:
    response = await create_prep(client, owner, study_id)
    assert response.status_code == 406
    assert "has no sample information" in response.json()["message"]


async def test_preparation_body_not_json_is_400(
    client: httpx.AsyncClient, owner: Caller, sid: int
) -> None:
    response = await client.post(
        f"/api/v1/study/{sid}/preparation?data_type=16S", content=b"{", headers=owner.headers
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("The request body is not valid JSON")


@pytest.fixture
async def prep_id(client: httpx.AsyncClient, owner: Caller, sid: int) -> int:
    response = await create_prep(client, owner, sid)
    return int(response.json()["id"])


def artifact_body(filepaths: list[list[Any]] | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "artifact_type": "FASTQ",
        "filepaths": filepaths
        if filepaths is not None
        else [["fwd.fastq.gz", "raw_forward_seqs"], ["bc.fastq.gz", 3]],
        "artifact_name": "a name is a name",
    }
    body.update(changes)
    return body


async def attach(
    client: httpx.AsyncClient, owner: Caller, sid: int, prep_id: int, body: Any
) -> httpx.Response:
    url = f"/api/v1/study/{sid}/preparation/{prep_id}/artifact"
    if isinstance(body, bytes):
        return await client.post(url, content=body, headers=owner.headers)
    return await client.post(url, json=body, headers=owner.headers)


async def test_attach_moves_files_into_the_type_mount(
    client: httpx.AsyncClient, services: Services, owner: Caller, sid: int, prep_id: int
) -> None:
    data = services.settings.data_dir
    uploads = write_uploads(data, sid, ["fwd.fastq.gz", "bc.fastq.gz", "other.txt"])
    response = await attach(client, owner, sid, prep_id, artifact_body())
    assert response.status_code == 201
    assert response.headers["content-type"] == JSON
    artifact_id = response.json()["id"]
    assert response.json() == {"id": artifact_id}
    assert sorted(p.name for p in uploads.iterdir()) == ["other.txt"]
    assert (data / "FASTQ" / str(artifact_id) / "fwd.fastq.gz").read_bytes().startswith(b"@fwd")
    async with unit_of_work(services) as ctx:
        artifact = await ctx.session.get(Artifact, artifact_id)
        prep = await ctx.session.get(PrepTemplate, prep_id)
        query = select(StoredFile).where(StoredFile.artifact_id == artifact_id)
        files = (await ctx.session.execute(query.order_by(StoredFile.id))).scalars().all()
    assert artifact is not None
    assert prep is not None
    assert (artifact.name, artifact.visibility, artifact.study_id, artifact.prep_id) == (
        "a name is a name", "sandbox", sid, prep_id
    )  # fmt: skip
    assert (artifact.artifact_type_id, artifact.data_type_id) == (3, 1)
    assert prep.artifact_id == artifact_id
    assert [(f.relpath, f.filepath_type_id) for f in files] == [
        (f"{artifact_id}/fwd.fastq.gz", 1),
        (f"{artifact_id}/bc.fastq.gz", 3),
    ]
    status = await client.get(f"/api/v1/study/{sid}/status", headers=owner.headers)
    assert status.json()["preparations"] == [{"id": prep_id, "has_artifact": True}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (artifact_body(artifact_type="NOPE"), "Unknown artifact type: NOPE"),
        (artifact_body([["fwd.fastq.gz", "raw_forward_seqs"], ["bc.fastq.gz", "nope"]]),
         "Unknown filepath type: nope"),
        (artifact_body([["fwd.fastq.gz", "raw_forward_seqs"], ["bc.fastq.gz", 999]]),
         "Unknown filepath type: 999"),
        (artifact_body([["fwd.fastq.gz", "raw_forward_seqs"], ["bc.fastq.gz", "biom"]]),
         "Filepath type(s) biom not supported by artifact type FASTQ"),
        (artifact_body([["fwd.fastq.gz", "raw_forward_seqs"]]),
         "Missing required filepath type(s) for artifact type FASTQ: raw_barcodes"),
        (artifact_body([["fwd.fastq.gz", "raw_forward_seqs"], ["missing.gz", "raw_barcodes"]]),
         "These files are not in the study's upload folder: missing.gz"),
        (artifact_body([["fwd.fastq.gz", "raw_forward_seqs"], ["../../qiita.sqlite",
                                                              "raw_barcodes"]]),
         "Files must be inside the study's upload folder; refused: ../../qiita.sqlite"),
        (artifact_body([["fwd.fastq.gz", "raw_forward_seqs"], ["/etc/hostname",
                                                              "raw_barcodes"]]),
         "Files must be inside the study's upload folder; refused: /etc/hostname"),
        (artifact_body([]), "An artifact needs at least one file."),
    ],
)  # fmt: skip
async def test_attach_checks_fail_with_406_and_nothing_moves(
    client: httpx.AsyncClient,
    services: Services,
    owner: Caller,
    sid: int,
    prep_id: int,
    body: dict[str, Any],
    message: str,
) -> None:
    uploads = write_uploads(services.settings.data_dir, sid, ["fwd.fastq.gz", "bc.fastq.gz"])
    response = await attach(client, owner, sid, prep_id, body)
    assert response.status_code == 406
    assert response.headers["content-type"] == JSON
    assert response.json()["message"].startswith(message)
    assert sorted(p.name for p in uploads.iterdir()) == ["bc.fastq.gz", "fwd.fastq.gz"]
    async with unit_of_work(services) as ctx:
        assert (await ctx.session.execute(select(Artifact.id))).first() is None


async def test_second_artifact_for_a_preparation_is_406(
    client: httpx.AsyncClient, services: Services, owner: Caller, sid: int, prep_id: int
) -> None:
    existing = await make_artifact(services, sid, prep_id=prep_id, root_of_prep=True)
    write_uploads(services.settings.data_dir, sid, ["fwd.fastq.gz", "bc.fastq.gz"])
    response = await attach(client, owner, sid, prep_id, artifact_body())
    assert response.status_code == 406
    assert response.json() == {
        "message": f"Preparation {prep_id} already has an artifact ({existing}); "
        "a preparation has one root artifact."
    }


async def test_attach_lookup_errors(
    client: httpx.AsyncClient, services: Services, owner: Caller, sid: int, prep_id: int
) -> None:
    unknown_study = await attach(client, owner, 999, prep_id, artifact_body())
    assert (unknown_study.status_code, unknown_study.json()) == (
        404, {"message": "Study not found"}
    )  # fmt: skip
    for prep in (999, 2**70):
        unknown_prep = await attach(client, owner, sid, prep, artifact_body())
        assert (unknown_prep.status_code, unknown_prep.json()) == (
            404, {"message": "Preparation not found"}
        )  # fmt: skip
    other = await make_study(services, owner.principal, artifact=False, lab_person=True)
    wrong_study = await attach(client, owner, other, prep_id, artifact_body())
    assert (wrong_study.status_code, wrong_study.json()) == (
        409, {"message": "Preparation ID not associated with the study"}
    )  # fmt: skip


@pytest.mark.parametrize(
    "body", [b"{", b"[]", b'{"artifact_type": "FASTQ"}', b'{"artifact_type": "FASTQ", '
             b'"filepaths": "x", "artifact_name": "n"}'],
)  # fmt: skip
async def test_attach_with_malformed_body_is_400(
    client: httpx.AsyncClient, owner: Caller, sid: int, prep_id: int, body: bytes
) -> None:
    response = await attach(client, owner, sid, prep_id, body)
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json()["message"]


async def test_trailing_slash_after_artifact_reaches_preparation_creation(
    client: httpx.AsyncClient, owner: Caller, sid: int, prep_id: int
) -> None:
    response = await client.post(
        f"/api/v1/study/{sid}/preparation/{prep_id}/artifact/",
        json=artifact_body(),
        headers=owner.headers,
    )
    assert response.status_code == 400
    assert response.json() == {"message": "Missing argument data_type"}


async def test_attach_submits_the_type_plugins_html_summary_job(
    client: httpx.AsyncClient, services: Services, owner: Caller, sid: int, prep_id: int
) -> None:
    software_id = await make_software(services, software_type="artifact definition")
    command_id = await make_command(services, software_id, name="Generate HTML summary")
    async with unit_of_work(services) as ctx:
        ctx.session.add(SoftwareArtifactType(software_id=software_id, artifact_type_id=3))
    write_uploads(services.settings.data_dir, sid, ["fwd.fastq.gz", "bc.fastq.gz"])
    response = await attach(client, owner, sid, prep_id, artifact_body())
    assert response.status_code == 201
    async with unit_of_work(services) as ctx:
        job = (await ctx.session.execute(select(ProcessingJob))).scalar_one()
    assert (job.command_id, job.status, job.account_id) == (command_id, "queued", owner.account.id)
    assert job.parameters == {"input_data": response.json()["id"]}
