"""The demo data set: its shape, its files, and loading it twice changes nothing."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from sqlalchemy import func, select, table

from db.files import FileStore, content_size, crc32_checksum
from db.models import (
    JOB_STATUSES,
    Account,
    Artifact,
    ArtifactType,
    Base,
    DataDirectory,
    OAuthClient,
    PrepTemplate,
    ProcessingJob,
    Sample,
    SampleTemplate,
    StoredFile,
    Study,
)
from gateway.demo import load_demo
from gateway.demo_data import ADMIN, DEMO_MARKER_TITLE, OWNER, PASSWORD_CLIENT_ID, RIVER_STUDY
from resolvers.auth.credentials import verify_password
from resolvers.context import Principal, Services, unit_of_work

SYSTEM = Principal(kind="system")


async def _load(services: Services) -> bool:
    async with unit_of_work(services, SYSTEM) as ctx:
        return await load_demo(ctx)


async def _row_counts(services: Services) -> dict[str, int]:
    async with services.sessions() as session:
        return {
            name: (
                await session.execute(select(func.count()).select_from(table(name)))
            ).scalar_one()
            for name in sorted(Base.metadata.tables)
        }


def _files_on_disk(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): crc32_checksum(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith("qiita.sqlite")
    }


async def test_loading_the_demo_twice_leaves_the_same_data(services: Services) -> None:
    root = services.settings.resolved_data_dir
    assert await _load(services) is True
    counts, files = await _row_counts(services), _files_on_disk(root)

    assert await _load(services) is False

    assert await _row_counts(services) == counts
    assert _files_on_disk(root) == files
    async with services.sessions() as session:
        titles = (await session.execute(select(Study.id, Study.title).order_by(Study.id))).all()
        artifact = await session.get(Artifact, 1)
    assert [tuple(row) for row in titles] == [(1, DEMO_MARKER_TITLE), (2, RIVER_STUDY.title)]
    assert artifact is not None
    assert artifact.name == "Raw 16S reads"
    assert counts["study"] == 2
    assert counts["sample"] == 38
    assert counts["artifact"] == 7


async def test_demo_first_study_is_public_with_raw_fastq_artifact_1(services: Services) -> None:
    await _load(services)
    async with services.sessions() as session:
        study = await session.get(Study, 1)
        artifact = await session.get(Artifact, 1)
        assert study is not None
        assert artifact is not None
        fastq = await session.get(ArtifactType, artifact.artifact_type_id)
        template = await session.get(SampleTemplate, 1)
        samples = (await session.execute(select(Sample).where(Sample.study_id == 1))).scalars()
        preps = (
            (await session.execute(select(PrepTemplate).where(PrepTemplate.study_id == 1)))
            .scalars()
            .all()
        )
        visibilities = dict(
            (await session.execute(select(Artifact.study_id, Artifact.visibility))).all()
        )
    assert study.title == DEMO_MARKER_TITLE
    assert fastq is not None
    assert fastq.name == "FASTQ"
    assert artifact.visibility == "public"
    assert artifact.study_id == 1
    assert artifact.prep_id == 1
    assert template is not None
    assert len(template.columns) >= 20
    sample_list = list(samples)
    assert len(sample_list) >= 25
    assert all(set(s.values) == set(template.columns) for s in sample_list)
    assert sorted(p.artifact_id for p in preps) == [1, 4]
    assert all({"barcode", "primer", "run_prefix"} <= set(p.columns) for p in preps)
    assert visibilities[2] == "private"


async def test_demo_has_jobs_in_every_status(services: Services) -> None:
    await _load(services)
    async with services.sessions() as session:
        rows = (await session.execute(select(ProcessingJob))).scalars().all()
    by_status = {job.status: job for job in rows}
    assert set(by_status) == set(JOB_STATUSES)
    assert by_status["running"].step
    assert by_status["running"].heartbeat is not None
    assert by_status["error"].error_log_id is not None
    assert by_status["waiting"].pending


async def test_demo_files_exist_with_their_recorded_size_and_checksum(
    services: Services,
) -> None:
    await _load(services)
    store = FileStore.at(services.settings.data_dir)
    async with services.sessions() as session:
        rows = (
            await session.execute(
                select(StoredFile, DataDirectory.mountpoint).join(
                    DataDirectory, DataDirectory.id == StoredFile.data_directory_id
                )
            )
        ).all()
    assert len(rows) >= 15
    for stored, mountpoint in rows:
        path = store.absolute(mountpoint, stored.relpath)
        assert path.is_file(), path
        assert (stored.size, stored.checksum) == (content_size(path), crc32_checksum(path))

    raw = {stored.relpath: mountpoint for stored, mountpoint in rows if stored.artifact_id == 1}
    forward = store.absolute("FASTQ", next(r for r in raw if r.endswith("_R1.fastq.gz")))
    first_record = gzip.decompress(forward.read_bytes()).decode().splitlines()[:4]
    assert first_record[0].startswith("@")
    assert first_record[2] == "+"
    assert len(first_record[1]) == len(first_record[3])
    biom = next(
        store.absolute(m, s.relpath) for s, m in rows if s.relpath.endswith("otu_table.biom")
    )
    assert json.loads(biom.read_text())["format"] == "Biological Observation Matrix 1.0.0"


async def test_demo_template_files_are_registered_with_sorted_header(
    services: Services,
) -> None:
    await _load(services)
    store = FileStore.at(services.settings.data_dir)
    async with services.sessions() as session:
        sample_file = (
            await session.execute(
                select(StoredFile).where(StoredFile.sample_template_study_id == 1)
            )
        ).scalar_one()
        prep_files = (
            (await session.execute(select(StoredFile).where(StoredFile.prep_id.is_not(None))))
            .scalars()
            .all()
        )
        template = await session.get(SampleTemplate, 1)
    assert template is not None
    lines = store.absolute("templates", sample_file.relpath).read_text().splitlines()
    header = lines[0].split("\t")
    assert header == ["sample_name", *sorted([*template.columns, "qiita_study_id"])]
    names = [line.split("\t")[0] for line in lines[1:]]
    assert names == sorted(names)
    assert len(names) == 30
    assert sample_file.relpath.startswith("1_")
    assert sample_file.relpath.endswith(".txt")
    assert sorted(f.relpath.split("_")[2] for f in prep_files) == ["1", "2", "3"]


async def test_demo_accounts_and_password_grant_client(services: Services) -> None:
    await _load(services)
    async with services.sessions() as session:
        admin = (
            await session.execute(select(Account).where(Account.email == ADMIN.email))
        ).scalar_one()
        owner = (
            await session.execute(select(Account).where(Account.email == OWNER.email))
        ).scalar_one()
        client = await session.get(OAuthClient, PASSWORD_CLIENT_ID)
    assert admin.level == "admin"
    assert verify_password(ADMIN.password, admin.password_hash)
    assert owner.level == "user"
    assert verify_password(OWNER.password, owner.password_hash)
    assert client is not None
    assert client.client_secret_hash is None
