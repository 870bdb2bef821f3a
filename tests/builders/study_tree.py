"""A study with its whole chain: sample information, a preparation, a FASTQ root artifact
and a BIOM child made by a job:

    tree = await make_study_tree(services, owner, visibility="public")
    tree.study_id, tree.prep_id, tree.root_artifact_id, tree.child_artifact_id, tree.job_id
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from db.models import (
    Account,
    Artifact,
    ArtifactParent,
    PrepSample,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    Sample,
    SampleTemplate,
    StoredFile,
    Study,
    StudyPublication,
    StudyShare,
)
from resolvers.context import Services
from tests.builders.accounts import unique
from tests.builders.plugins import make_plugin
from tests.builders.seeded import (
    BIOM,
    BIOM_FILE,
    BIOM_MOUNT,
    DATA_16S,
    FASTQ,
    FASTQ_MOUNT,
    RAW_FORWARD_SEQS,
)
from tests.builders.studies import make_person


@dataclass(frozen=True)
class StudyTree:
    study_id: int
    title: str
    prep_id: int
    root_artifact_id: int
    child_artifact_id: int
    job_id: str
    sample_names: tuple[str, ...]


async def make_study_tree(
    services: Services,
    owner: Account,
    *,
    visibility: str = "sandbox",
    samples: int = 3,
    command_id: int | None = None,
    title: str | None = None,
    shared_with: Sequence[Account] = (),
    job_status: str = "success",
    job_created_at: dt.datetime | None = None,
) -> StudyTree:
    """A study with sample information, one preparation, a FASTQ root artifact and a BIOM
    child produced by a job of `command_id` (a new plugin's command when not given).
    """
    if command_id is None:
        command_id = (await make_plugin(services)).command_id
    pi_id = await make_person(services)
    study_title = title or unique("Study of soil ")
    async with services.sessions() as session, session.begin():
        study = Study(
            owner_id=owner.id,
            title=study_title,
            alias="soil",
            description="Soil samples",
            abstract="We sampled soil.",
            principal_investigator_id=pi_id,
            lab_person_id=pi_id,
            metadata_complete=True,
            mixs_compliant=True,
        )
        session.add(study)
        await session.flush()
        session.add(StudyPublication(study_id=study.id, publication="10.1/x", is_doi=True))
        for account in shared_with:
            session.add(StudyShare(study_id=study.id, account_id=account.id))
        session.add(SampleTemplate(study_id=study.id, columns=["env_package", "host"]))
        await session.flush()
        sample_rows = [
            Sample(
                study_id=study.id,
                sample_name=f"{study.id}.S{index}",
                values={
                    "env_package": "soil" if index % 2 == 0 else "water",
                    "host": None if index == 0 else f"host {index}",
                },
            )
            for index in range(samples)
        ]
        session.add_all(sample_rows)
        prep = PrepTemplate(
            study_id=study.id, data_type_id=DATA_16S, name="Prep 1", columns=["barcode"]
        )
        session.add(prep)
        await session.flush()
        session.add_all(
            PrepSample(prep_id=prep.id, sample_id=row.id, values={"barcode": f"AC{row.id}"})
            for row in sample_rows
        )
        root = Artifact(
            name="raw reads",
            artifact_type_id=FASTQ,
            data_type_id=DATA_16S,
            visibility=visibility,
            study_id=study.id,
            prep_id=prep.id,
        )
        session.add(root)
        await session.flush()
        prep.artifact_id = root.id
        job_id = str(uuid.uuid4())
        session.add(
            ProcessingJob(
                id=job_id,
                account_id=owner.id,
                command_id=command_id,
                parameters={"input_data": root.id, "threads": 1, "similarity": 0.97},
                status=job_status,
                step="Step 2 of 2",
                created_at=job_created_at or dt.datetime.now(dt.UTC),
            )
        )
        await session.flush()
        session.add(ProcessingJobInput(job_id=job_id, artifact_id=root.id))
        child = Artifact(
            name="OTU table",
            artifact_type_id=BIOM,
            data_type_id=DATA_16S,
            visibility=visibility,
            study_id=study.id,
            prep_id=prep.id,
            command_id=command_id,
            command_parameters={"input_data": root.id},
            produced_by_job_id=job_id,
        )
        session.add(child)
        await session.flush()
        session.add(ArtifactParent(artifact_id=child.id, parent_id=root.id))
        session.add_all(
            [
                StoredFile(
                    data_directory_id=FASTQ_MOUNT,
                    relpath=f"{root.id}/reads_R1.fastq.gz",
                    filepath_type_id=RAW_FORWARD_SEQS,
                    checksum="123",
                    size=10,
                    artifact_id=root.id,
                ),
                StoredFile(
                    data_directory_id=BIOM_MOUNT,
                    relpath=f"{child.id}/otu_table.biom",
                    filepath_type_id=BIOM_FILE,
                    checksum="456",
                    size=20,
                    artifact_id=child.id,
                ),
            ]
        )
        return StudyTree(
            study_id=study.id,
            title=study_title,
            prep_id=prep.id,
            root_artifact_id=root.id,
            child_artifact_id=child.id,
            job_id=job_id,
            sample_names=tuple(row.sample_name for row in sample_rows),
        )
