"""Loads the demo data set (`qiita-gateway demo load`, `serve --demo`).

Two studies (one public with two preparations and a processed artifact
chain, one private), three accounts and two clients, a type plugin and a
processing plugin with commands and parameter sets, a reference, jobs in
every status and an analysis, with real small files in the data dir.

Loading is idempotent: when the first demo study exists nothing is done.
On a fresh database rows are inserted in an order that makes the public
study study 1 and its raw FASTQ artifact artifact 1.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.files import content_size, crc32_checksum
from db.models import (
    Account,
    Analysis,
    AnalysisJob,
    AnalysisSample,
    AnalysisShare,
    Artifact,
    ArtifactParent,
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    DataDirectory,
    DataType,
    DefaultParameterSet,
    DefaultWorkflow,
    DefaultWorkflowDataType,
    DefaultWorkflowEdge,
    DefaultWorkflowEdgeConnection,
    DefaultWorkflowNode,
    FilepathType,
    LogEntry,
    OAuthClient,
    PrepSample,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
    Publication,
    Reference,
    Sample,
    SampleTemplate,
    Software,
    SoftwareArtifactType,
    SoftwarePublication,
    StoredFile,
    Study,
    StudyEnvironmentalPackage,
    StudyPerson,
    StudyPublication,
    StudyShare,
    utcnow,
)
from gateway import demo_content as content
from gateway.demo_data import (
    ANALYSIS_DESCRIPTION,
    ANALYSIS_NAME,
    COLLEAGUE,
    DEFAULT_WORKFLOW_DESCRIPTION,
    DEFAULT_WORKFLOW_NAME,
    DEMO_MARKER_TITLE,
    JOB_ERROR_MESSAGE,
    JOB_IDS,
    LAB_RIVER,
    LAB_SORGHUM,
    OWNER,
    PASSWORD_CLIENT_ID,
    PI_RIVER,
    PI_SORGHUM,
    PICK_DEFAULTS,
    PICK_OTUS,
    PLUGINS,
    PREP_16S,
    PREP_18S,
    PREP_COLUMNS,
    PREP_RIVER,
    PROCESSING_PLUGIN,
    RAREFY,
    RAREFY_DEFAULTS,
    REFERENCE_NAME,
    REFERENCE_VERSION,
    RIVER_COLUMNS,
    RIVER_STUDY,
    SORGHUM_COLUMNS,
    SORGHUM_STUDY,
    SPLIT_DEFAULTS,
    SPLIT_LIBRARIES,
    SYSTEM_CLIENT_ID,
    SYSTEM_CLIENT_SECRET,
    USERS,
    DemoCommand,
    DemoFile,
    DemoPerson,
    DemoPlugin,
    DemoPrep,
    DemoStudy,
    DemoUser,
)
from resolvers.accounts import create_client, create_user, get_account_by_email
from resolvers.context import Context
from resolvers.template_files import regenerate_prep_file, regenerate_sample_file

logger = logging.getLogger(__name__)

Values = dict[str, str | None]
GENERATED_AT = dt.datetime(2023, 8, 20, 12, 0, tzinfo=dt.UTC)
RAREFACTION_DEPTH = 100


def credentials_text() -> str:
    """What `serve --demo` and `demo load` print: the demo accounts and the script client."""
    lines = ["Demo accounts (e-mail / password):"]
    lines += [f"  {user.level:<5}  {user.email} / {user.password}" for user in USERS]
    lines.append(f"Password-grant client id: {PASSWORD_CLIENT_ID} (no secret)")
    lines.append(f"System client: {SYSTEM_CLIENT_ID} / {SYSTEM_CLIENT_SECRET}")
    return "\n".join(lines)


async def demo_present(ctx: Context) -> bool:
    query = select(Study.id).where(Study.title == DEMO_MARKER_TITLE)
    return (await ctx.session.execute(query)).first() is not None


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


@dataclass
class Commands:
    """The demo's commands with their output and parameter ids."""

    rows: dict[str, Command]
    outputs: dict[tuple[str, str], int]
    parameters: dict[tuple[str, str], int]
    parameter_sets: dict[tuple[str, str], int]


class Loader:
    def __init__(self, ctx: Context, vocabulary: Vocabulary) -> None:
        self.ctx = ctx
        self.session = ctx.session
        self.vocabulary = vocabulary

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

    # -- plugins ---------------------------------------------------------------------------------

    async def plugin(self, plugin: DemoPlugin, commands: Commands) -> Software:
        software = Software(
            name=plugin.name,
            version=plugin.version,
            description=plugin.description,
            environment_script="true",
            start_script=plugin.start_script,
            type=plugin.type,
            active=True,
        )
        await self.flush(software)
        for doi, pubmed_id in plugin.publications:
            if await self.session.get(Publication, doi) is None:
                await self.flush(Publication(doi=doi, pubmed_id=pubmed_id))
            await self.flush(SoftwarePublication(software_id=software.id, doi=doi))
        await self.flush(
            *(
                SoftwareArtifactType(
                    software_id=software.id,
                    artifact_type_id=self.vocabulary.artifact_types[name],
                )
                for name in plugin.artifact_types
            )
        )
        for command in plugin.commands:
            await self.command(software, command, commands)
        return software

    async def command(self, software: Software, spec: DemoCommand, commands: Commands) -> None:
        row = Command(
            software_id=software.id,
            name=spec.name,
            description=spec.description,
            is_analysis=spec.is_analysis,
        )
        await self.flush(row)
        key = f"{software.name}/{spec.name}"
        commands.rows[key] = row
        for position, parameter in enumerate(spec.parameters):
            param_row = CommandParameter(
                command_id=row.id,
                name=parameter.name,
                type=parameter.type,
                required=parameter.required,
                default_value=parameter.default,
                position=position,
            )
            await self.flush(param_row)
            commands.parameters[(key, parameter.name)] = param_row.id
            await self.flush(
                *(
                    CommandParameterArtifactType(
                        parameter_id=param_row.id,
                        artifact_type_id=self.vocabulary.artifact_types[name],
                    )
                    for name in parameter.artifact_types
                )
            )
        for name, artifact_type in spec.outputs:
            output = CommandOutput(
                command_id=row.id,
                name=name,
                artifact_type_id=self.vocabulary.artifact_types[artifact_type],
            )
            await self.flush(output)
            commands.outputs[(key, name)] = output.id
        for name, values in spec.parameter_sets:
            parameter_set = DefaultParameterSet(command_id=row.id, name=name, values=values)
            await self.flush(parameter_set)
            commands.parameter_sets[(key, name)] = parameter_set.id

    async def default_workflow(self, commands: Commands) -> None:
        split = f"{PROCESSING_PLUGIN.name}/{SPLIT_LIBRARIES.name}"
        pick = f"{PROCESSING_PLUGIN.name}/{PICK_OTUS.name}"
        workflow = DefaultWorkflow(
            name=DEFAULT_WORKFLOW_NAME,
            description=DEFAULT_WORKFLOW_DESCRIPTION,
            artifact_type_id=self.vocabulary.artifact_types["FASTQ"],
        )
        await self.flush(workflow)
        await self.flush(
            *(
                DefaultWorkflowDataType(
                    workflow_id=workflow.id, data_type_id=self.vocabulary.data_types[name]
                )
                for name in ("16S", "18S")
            )
        )
        first = DefaultWorkflowNode(
            workflow_id=workflow.id,
            default_parameter_set_id=commands.parameter_sets[(split, "Defaults")],
        )
        second = DefaultWorkflowNode(
            workflow_id=workflow.id,
            default_parameter_set_id=commands.parameter_sets[(pick, "Defaults")],
        )
        await self.flush(first, second)
        edge = DefaultWorkflowEdge(parent_node_id=first.id, child_node_id=second.id)
        await self.flush(edge)
        await self.flush(
            DefaultWorkflowEdgeConnection(
                edge_id=edge.id,
                parent_output_id=commands.outputs[(split, "demultiplexed")],
                child_parameter_id=commands.parameters[(pick, "input_data")],
            )
        )

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


def _finished(minutes: int) -> dict[str, Any]:
    moment = GENERATED_AT - dt.timedelta(minutes=minutes)
    return {"heartbeat": moment, "launcher": "local", "external_id": f"demo-{minutes}"}


async def load_demo(ctx: Context) -> bool:
    """Load the demo data set; False (and no change) when it is already there."""
    if await demo_present(ctx):
        return False
    vocabulary = await Vocabulary.load(ctx)
    ctx.files.ensure_layout([mount.mountpoint for mount in vocabulary.mounts.values()])
    loader = Loader(ctx, vocabulary)
    accounts = {user.email: await loader.account(user) for user in USERS}
    owner, colleague = accounts[OWNER.email], accounts[COLLEAGUE.email]
    await loader.clients()
    commands = Commands(rows={}, outputs={}, parameters={}, parameter_sets={})
    for plugin in PLUGINS:
        await loader.plugin(plugin, commands)
    await loader.default_workflow(commands)
    await loader.reference()

    def command(spec: DemoCommand) -> Command:
        return commands.rows[f"{PROCESSING_PLUGIN.name}/{spec.name}"]

    def output(spec: DemoCommand, name: str) -> int:
        return commands.outputs[(f"{PROCESSING_PLUGIN.name}/{spec.name}", name)]

    # The public study: study 1, its raw 16S FASTQ artifact 1 on a fresh database.
    sorghum = await loader.study(
        SORGHUM_STUDY, owner, await loader.person(PI_SORGHUM), await loader.person(LAB_SORGHUM)
    )
    sorghum_values = content.sorghum_samples(sorghum.id)
    samples = await loader.sample_template(sorghum, SORGHUM_COLUMNS, sorghum_values)

    def in_compartments(codes: Sequence[str]) -> list[Sample]:
        return [s for name, s in samples.items() if name.split(".")[2] in codes]

    prep16, barcodes16 = await loader.prep(
        sorghum, PREP_16S, in_compartments(PREP_16S.compartments), 16
    )
    prep18, barcodes18 = await loader.prep(
        sorghum, PREP_18S, in_compartments(PREP_18S.compartments), 18
    )

    reads16 = content.reads(barcodes16, seed=161)
    forward, barcode_reads = content.raw_fastq_files(reads16)
    raw16 = await loader.artifact(
        "Raw 16S reads", "FASTQ", "16S", "public", study=sorghum, prep=prep16
    )
    await loader.artifact_files(
        raw16,
        "FASTQ",
        [
            DemoFile(f"{PREP_16S.run_prefix}_R1.fastq.gz", "raw_forward_seqs", forward),
            DemoFile(f"{PREP_16S.run_prefix}_I1.fastq.gz", "raw_barcodes", barcode_reads),
        ],
    )

    split_job = await loader.job(
        "split_success",
        owner,
        command(SPLIT_LIBRARIES),
        {"input_data": raw16.id, **SPLIT_DEFAULTS},
        "success",
        inputs=[raw16],
        **_finished(50),
    )
    demux = await loader.artifact(
        "Demultiplexed 16S",
        "Demultiplexed",
        "16S",
        "public",
        study=sorghum,
        prep=prep16,
        parents=[raw16],
        job=split_job,
        output_id=output(SPLIT_LIBRARIES, "demultiplexed"),
    )
    fna, fastq, split_log = content.demultiplexed_files(reads16)
    await loader.artifact_files(
        demux,
        "Demultiplexed",
        [
            DemoFile("seqs.fna", "preprocessed_fasta", fna),
            DemoFile("seqs.fastq", "preprocessed_fastq", fastq),
            DemoFile("split_library_log.txt", "log", split_log),
        ],
    )

    pick_job = await loader.job(
        "pick_success",
        owner,
        command(PICK_OTUS),
        {"input_data": demux.id, **PICK_DEFAULTS},
        "success",
        inputs=[demux],
        **_finished(20),
    )
    otu_table = await loader.artifact(
        "OTU table 16S (97%)",
        "BIOM",
        "16S",
        "public",
        study=sorghum,
        prep=prep16,
        parents=[demux],
        job=pick_job,
        output_id=output(PICK_OTUS, "OTU table"),
    )
    prep16_samples = [(n, v) for n, v in sorghum_values if n in dict(barcodes16)]
    counts = content.otu_counts(prep16_samples, seed=1697)
    await loader.artifact_files(
        otu_table,
        "BIOM",
        [
            DemoFile("otu_table.biom", "biom", content.biom_table(counts, "sorghum-16S-97")),
            DemoFile(
                "pick_otus_log.txt",
                "log",
                content.log_text(
                    [f"Reference: {REFERENCE_NAME} {REFERENCE_VERSION}", "Similarity: 0.97"]
                ),
            ),
        ],
    )

    reads18 = content.reads(barcodes18, seed=181)
    forward18, barcode_reads18 = content.raw_fastq_files(reads18)
    raw18 = await loader.artifact(
        "Raw 18S reads", "FASTQ", "18S", "private", study=sorghum, prep=prep18
    )
    await loader.artifact_files(
        raw18,
        "FASTQ",
        [
            DemoFile(f"{PREP_18S.run_prefix}_R1.fastq.gz", "raw_forward_seqs", forward18),
            DemoFile(f"{PREP_18S.run_prefix}_I1.fastq.gz", "raw_barcodes", barcode_reads18),
        ],
    )

    # The private study, shared with the colleague.
    river = await loader.study(
        RIVER_STUDY, owner, await loader.person(PI_RIVER), await loader.person(LAB_RIVER)
    )
    await loader.flush(StudyShare(study_id=river.id, account_id=colleague.id))
    river_values = content.river_samples(river.id)
    river_samples = await loader.sample_template(river, RIVER_COLUMNS, river_values)
    prep_river, _ = await loader.prep(river, PREP_RIVER, list(river_samples.values()), 2024)
    river_table = await loader.artifact(
        "River biofilm OTU table", "BIOM", "16S", "private", study=river, prep=prep_river
    )
    await loader.artifact_files(
        river_table,
        "BIOM",
        [
            DemoFile(
                "river_biofilm_otu_table.biom",
                "biom",
                content.biom_table(content.otu_counts(river_values, seed=2024), "river-16S"),
            )
        ],
    )

    # The analysis: rhizosphere samples of both treatments, then a rarefied table.
    analysis = Analysis(owner_id=owner.id, name=ANALYSIS_NAME, description=ANALYSIS_DESCRIPTION)
    await loader.flush(analysis)
    await loader.flush(AnalysisShare(analysis_id=analysis.id, account_id=colleague.id))
    chosen = [name for name, _ in prep16_samples if name.split(".")[2] == "Rh"]
    await loader.flush(
        *(
            AnalysisSample(
                analysis_id=analysis.id, artifact_id=otu_table.id, sample_id=samples[name].id
            )
            for name in chosen
        )
    )
    analysis_table = await loader.artifact(
        "Rhizosphere OTU table", "BIOM", "16S", "sandbox", analysis=analysis
    )
    chosen_counts = {name: counts[name] for name in chosen}
    await loader.artifact_files(
        analysis_table,
        "BIOM",
        [
            DemoFile(
                "rhizosphere_otu_table.biom",
                "biom",
                content.biom_table(chosen_counts, "rhizosphere"),
            )
        ],
    )
    await loader.write_files(
        "analysis",
        [
            DemoFile(
                f"{analysis.id}_analysis_mapping.txt",
                "plain_text",
                content.mapping_file(
                    [(n, v) for n, v in sorghum_values if n in chosen],
                    ["treatment", "compartment", "host_subject_id", "soil_moisture_pct"],
                ),
            )
        ],
        analysis_id=analysis.id,
    )
    rarefy_job = await loader.job(
        "rarefy_success",
        owner,
        command(RAREFY),
        {"biom_table": analysis_table.id, **RAREFY_DEFAULTS, "depth": RAREFACTION_DEPTH},
        "success",
        inputs=[analysis_table],
        **_finished(5),
    )
    await loader.flush(AnalysisJob(analysis_id=analysis.id, job_id=rarefy_job.id))
    rarefied = await loader.artifact(
        "Rarefied rhizosphere table",
        "BIOM",
        "16S",
        "sandbox",
        analysis=analysis,
        parents=[analysis_table],
        job=rarefy_job,
        output_id=output(RAREFY, "rarefied_table"),
    )
    rarefied_counts = content.rarefy(chosen_counts, RAREFACTION_DEPTH, seed=100)
    await loader.artifact_files(
        rarefied,
        "BIOM",
        [DemoFile("rarefied_table.biom", "biom", content.biom_table(rarefied_counts, "rarefied"))],
    )

    # Jobs in the other statuses.
    now = utcnow()
    await loader.job(
        "queued",
        owner,
        command(SPLIT_LIBRARIES),
        {"input_data": raw16.id, **SPLIT_DEFAULTS, "rev_comp_mapping_barcodes": True},
        "queued",
        inputs=[raw16],
    )
    running_flow = ProcessingWorkflow(account_id=owner.id, name="18S processing")
    await loader.flush(running_flow)
    running = await loader.job(
        "running",
        owner,
        command(SPLIT_LIBRARIES),
        {"input_data": raw18.id, **SPLIT_DEFAULTS},
        "running",
        inputs=[raw18],
        heartbeat=now,
        step="demultiplexing",
        workflow_id=running_flow.id,
    )
    waiting = await loader.job(
        "waiting",
        owner,
        command(PICK_OTUS),
        {"input_data": [running.id, "demultiplexed"], **PICK_DEFAULTS},
        "waiting",
        pending={running.id: {"input_data": "demultiplexed"}},
        workflow_id=running_flow.id,
    )
    await loader.flush(
        ProcessingWorkflowRoot(workflow_id=running_flow.id, job_id=running.id),
        ProcessingJobParent(parent_id=running.id, child_id=waiting.id),
    )
    error_log = LogEntry(
        severity="Runtime", msg=JOB_ERROR_MESSAGE, info=[{"job_id": JOB_IDS["error"]}]
    )
    await loader.flush(error_log)
    await loader.job(
        "error",
        owner,
        command(PICK_OTUS),
        {"input_data": demux.id, **PICK_DEFAULTS, "similarity": 0.99},
        "error",
        inputs=[demux],
        error_log_id=error_log.id,
        step="building the reference index",
        **_finished(30),
    )
    draft_flow = ProcessingWorkflow(account_id=owner.id, name="16S with stricter coverage")
    await loader.flush(draft_flow)
    draft = await loader.job(
        "in_construction",
        owner,
        command(PICK_OTUS),
        {"input_data": demux.id, **PICK_DEFAULTS, "sortmerna_coverage": 0.9},
        "in_construction",
        inputs=[demux],
        workflow_id=draft_flow.id,
    )
    await loader.flush(ProcessingWorkflowRoot(workflow_id=draft_flow.id, job_id=draft.id))

    for user in accounts.values():
        if user.level != "unverified":
            await loader.flush(
                Analysis(
                    owner_id=user.id,
                    name=f"{user.email}-dflt-1",
                    description="dflt",
                    is_default=True,
                )
            )

    for study in (sorghum, river):
        await regenerate_sample_file(ctx, study.id)
    for prep in (prep16, prep18, prep_river):
        await regenerate_prep_file(ctx, prep.id)
    logger.info("demo data loaded: studies %d and %d", sorghum.id, river.id)
    return True
