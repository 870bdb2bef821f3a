"""Row builders of the demo loader: vocabulary lookups, people, studies, files, jobs.

`gateway.demo` decides what the demo contains; this module knows how to insert
each kind of row (through the request's session, flushing to get ids) and how
to write and register files below the data dir. The plugins' rows are built by
`gateway.demo_plugins`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.files import content_size, crc32_checksum
from db.models import (
    Account,
    Analysis,
    Artifact,
    ArtifactParent,
    ArtifactType,
    Command,
    DataDirectory,
    DataType,
    FilepathType,
    OAuthClient,
    PrepSample,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    Reference,
    Sample,
    SampleTemplate,
    StoredFile,
    Study,
    StudyEnvironmentalPackage,
    StudyPerson,
    StudyPublication,
)
from gateway import demo_content as content
from gateway.demo_data import (
    JOB_IDS,
    PASSWORD_CLIENT_ID,
    PREP_COLUMNS,
    REFERENCE_NAME,
    REFERENCE_VERSION,
    SYSTEM_CLIENT_ID,
    SYSTEM_CLIENT_SECRET,
    DemoFile,
    DemoPerson,
    DemoPrep,
    DemoStudy,
    DemoUser,
)
from resolvers.auth.accounts import create_client, create_user, get_account_by_email
from resolvers.context import Context

Values = dict[str, str | None]
GENERATED_AT = dt.datetime(2023, 8, 20, 12, 0, tzinfo=dt.UTC)


@dataclass
class Vocabulary:
    """Name -> id of the seeded lookup rows, and the active mount of every kind."""

    data_types: dict[str, int]
    artifact_types: dict[str, int]
    filepath_types: dict[str, int]
    mounts: dict[str, DataDirectory]

    @classmethod
    async def load(cls, ctx: Context) -> Vocabulary:
        async def names(model: Any) -> dict[str, int]:
            rows = await ctx.session.execute(select(model.name, model.id))
            return {name: id_ for name, id_ in rows}

        mounts = (
            await ctx.session.execute(select(DataDirectory).where(DataDirectory.active))
        ).scalars()
        return cls(
            data_types=await names(DataType),
            artifact_types=await names(ArtifactType),
            filepath_types=await names(FilepathType),
            mounts={mount.kind: mount for mount in mounts},
        )


class Loader:
    def __init__(self, ctx: Context, vocabulary: Vocabulary) -> None:
        self.ctx = ctx
        self.session = ctx.session
        self.vocabulary = vocabulary

    @classmethod
    async def start(cls, ctx: Context) -> Loader:
        """A loader for `ctx`, with every active mountpoint created in the data dir."""
        vocabulary = await Vocabulary.load(ctx)
        ctx.files.ensure_layout([mount.mountpoint for mount in vocabulary.mounts.values()])
        return cls(ctx, vocabulary)

    async def flush(self, *rows: Any) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    # -- files ---------------------------------------------------------------------------------

    async def write_files(
        self, kind: str, files: Iterable[DemoFile], *, folder: str = "", **owner: int
    ) -> list[StoredFile]:
        """Write `files` below the mount of `kind` (in `folder`) and register them."""
        mount = self.vocabulary.mounts[kind]
        stored: list[StoredFile] = []
        for file in files:
            relpath = f"{folder}/{file.name}" if folder else file.name
            path = self.ctx.files.absolute(mount.mountpoint, relpath)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.body)
            self.ctx.on_rollback(functools.partial(path.unlink, missing_ok=True))
            stored.append(
                StoredFile(
                    data_directory_id=mount.id,
                    relpath=relpath,
                    filepath_type_id=self.vocabulary.filepath_types[file.filepath_type],
                    checksum=crc32_checksum(path),
                    size=content_size(path),
                    **owner,
                )
            )
        await self.flush(*stored)
        return stored

    # -- people ----------------------------------------------------------------------------------

    async def account(self, user: DemoUser) -> Account:
        existing = await get_account_by_email(self.ctx, user.email)
        if existing is not None:
            return existing
        return await create_user(
            self.ctx, user.email, user.password, user.level, user.name, user.affiliation
        )

    async def clients(self) -> None:
        if await self.session.get(OAuthClient, PASSWORD_CLIENT_ID) is None:
            await create_client(
                self.ctx,
                client_id=PASSWORD_CLIENT_ID,
                password_grant=True,
                description="Demo password-grant client",
            )
        if await self.session.get(OAuthClient, SYSTEM_CLIENT_ID) is None:
            await create_client(
                self.ctx,
                client_id=SYSTEM_CLIENT_ID,
                secret=SYSTEM_CLIENT_SECRET,
                description="Demo system client",
            )

    async def person(self, person: DemoPerson) -> StudyPerson:
        query = select(StudyPerson).where(
            StudyPerson.name == person.name, StudyPerson.affiliation == person.affiliation
        )
        existing = (await self.session.execute(query)).scalar_one_or_none()
        if existing is not None:
            return existing
        row = StudyPerson(
            name=person.name,
            email=person.email,
            affiliation=person.affiliation,
            address=person.address,
            phone=person.phone,
        )
        await self.flush(row)
        return row

    async def reference(self) -> Reference:
        reference = Reference(name=REFERENCE_NAME, version=REFERENCE_VERSION)
        await self.flush(reference)
        sequences, taxonomy = content.reference_files()
        stem = f"demo_reference_{REFERENCE_VERSION}"
        await self.write_files(
            "reference",
            [
                DemoFile(f"{stem}_seqs.fasta", "reference_seqs", sequences),
                DemoFile(f"{stem}_taxonomy.txt", "reference_tax", taxonomy),
            ],
            reference_id=reference.id,
        )
        return reference

    # -- studies ---------------------------------------------------------------------------------

    async def study(
        self,
        spec: DemoStudy,
        owner: Account,
        pi: StudyPerson,
        lab_person: StudyPerson | None,
    ) -> Study:
        study = Study(
            owner_id=owner.id,
            title=spec.title,
            alias=spec.alias,
            description=spec.description,
            abstract=spec.abstract,
            principal_investigator_id=pi.id,
            lab_person_id=None if lab_person is None else lab_person.id,
            timeseries_type_id=1,
            metadata_complete=True,
            mixs_compliant=True,
            spatial_series=False,
            first_contact=spec.first_contact,
            most_recent_contact=spec.first_contact + dt.timedelta(days=30),
            funding=spec.funding,
        )
        await self.flush(study)
        await self.flush(
            *(
                StudyEnvironmentalPackage(study_id=study.id, package=package)
                for package in spec.environmental_packages
            ),
            *(
                StudyPublication(study_id=study.id, publication=publication, is_doi=is_doi)
                for publication, is_doi in spec.publications
            ),
        )
        return study

    async def sample_template(
        self, study: Study, columns: Sequence[str], samples: list[tuple[str, Values]]
    ) -> dict[str, Sample]:
        await self.flush(SampleTemplate(study_id=study.id, columns=list(columns)))
        rows = {
            name: Sample(study_id=study.id, sample_name=name, values=values)
            for name, values in samples
        }
        await self.flush(*rows.values())
        return rows

    async def prep(
        self, study: Study, spec: DemoPrep, samples: Sequence[Sample], barcode_seed: int
    ) -> tuple[PrepTemplate, list[tuple[str, str]]]:
        """The preparation over `samples`; returns it with (sample name, barcode) pairs."""
        prep = PrepTemplate(
            study_id=study.id,
            data_type_id=self.vocabulary.data_types[spec.data_type],
            investigation_type="AMPLICON",
            name=spec.name,
            columns=list(PREP_COLUMNS),
        )
        await self.flush(prep)
        codes = content.barcodes(len(samples), barcode_seed)
        await self.flush(
            *(
                PrepSample(
                    prep_id=prep.id,
                    sample_id=sample.id,
                    values=content.prep_values(spec, code),
                )
                for sample, code in zip(samples, codes, strict=True)
            )
        )
        return prep, [(s.sample_name, code) for s, code in zip(samples, codes, strict=True)]

    async def artifact(
        self,
        name: str,
        artifact_type: str,
        data_type: str,
        visibility: str,
        *,
        study: Study | None = None,
        prep: PrepTemplate | None = None,
        analysis: Analysis | None = None,
        parents: Sequence[Artifact] = (),
        job: ProcessingJob | None = None,
        output_id: int | None = None,
        generated_at: dt.datetime = GENERATED_AT,
    ) -> Artifact:
        artifact = Artifact(
            name=name,
            artifact_type_id=self.vocabulary.artifact_types[artifact_type],
            data_type_id=self.vocabulary.data_types[data_type],
            visibility=visibility,
            generated_at=generated_at,
            study_id=None if study is None else study.id,
            prep_id=None if prep is None else prep.id,
            analysis_id=None if analysis is None else analysis.id,
            command_id=None if job is None else job.command_id,
            command_parameters=None if job is None else job.parameters,
            produced_by_job_id=None if job is None else job.id,
            command_output_id=output_id,
        )
        await self.flush(artifact)
        await self.flush(
            *(ArtifactParent(artifact_id=artifact.id, parent_id=p.id) for p in parents)
        )
        if prep is not None and not parents:
            prep.artifact_id = artifact.id
            await self.flush(prep)
        return artifact

    async def artifact_files(
        self, artifact: Artifact, artifact_type: str, files: Iterable[DemoFile]
    ) -> None:
        await self.write_files(
            artifact_type, files, folder=str(artifact.id), artifact_id=artifact.id
        )

    # -- jobs ----------------------------------------------------------------------------------

    async def job(
        self,
        key: str,
        owner: Account,
        command: Command,
        parameters: dict[str, Any],
        status: str,
        *,
        inputs: Sequence[Artifact] = (),
        **extra: Any,
    ) -> ProcessingJob:
        job = ProcessingJob(
            id=JOB_IDS[key],
            account_id=owner.id,
            command_id=command.id,
            parameters=dict(sorted(parameters.items())),
            status=status,
            **extra,
        )
        await self.flush(job)
        await self.flush(*(ProcessingJobInput(job_id=job.id, artifact_id=a.id) for a in inputs))
        return job


def finished_job_fields(minutes: int) -> dict[str, Any]:
    moment = GENERATED_AT - dt.timedelta(minutes=minutes)
    return {"heartbeat": moment, "launcher": "local", "external_id": f"demo-{minutes}"}
