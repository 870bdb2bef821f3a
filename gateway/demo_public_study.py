"""The demo's public study: sample information, two preparations, and the chain raw
reads -> demultiplexed reads -> OTU table made by two finished jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from db.models import Account, Artifact, PrepTemplate, Sample, Study
from gateway import demo_content as content
from gateway.demo_data import (
    LAB_SORGHUM,
    PI_SORGHUM,
    PREP_16S,
    PREP_18S,
    REFERENCE_NAME,
    REFERENCE_VERSION,
    SORGHUM_COLUMNS,
    SORGHUM_STUDY,
    DemoFile,
    DemoPrep,
)
from gateway.demo_loader import Loader, Values, finished_job_fields
from gateway.demo_plugin_data import PICK_DEFAULTS, PICK_OTUS, SPLIT_DEFAULTS, SPLIT_LIBRARIES
from gateway.demo_plugins import Commands


@dataclass
class PublicStudy:
    """What later parts of the demo build on: the public study's rows and values."""

    study: Study
    samples: dict[str, Sample]
    values: list[tuple[str, Values]]
    preps: list[PrepTemplate]
    raw_16s: Artifact
    demultiplexed: Artifact
    otu_table: Artifact
    otu_counts: dict[str, list[int]]
    raw_18s: Artifact


async def _raw_reads(
    loader: Loader, study: Study, prep: PrepTemplate, spec: DemoPrep, visibility: str,
    reads: list[content.Read],
) -> Artifact:  # fmt: skip
    forward, barcode_reads = content.raw_fastq_files(reads)
    artifact = await loader.artifact(
        f"Raw {spec.data_type} reads", "FASTQ", spec.data_type, visibility, study=study, prep=prep
    )
    await loader.artifact_files(
        artifact,
        "FASTQ",
        [
            DemoFile(f"{spec.run_prefix}_R1.fastq.gz", "raw_forward_seqs", forward),
            DemoFile(f"{spec.run_prefix}_I1.fastq.gz", "raw_barcodes", barcode_reads),
        ],
    )
    return artifact


async def _demultiplexed(
    loader: Loader, owner: Account, commands: Commands, study: Study, prep: PrepTemplate,
    raw: Artifact, reads: list[content.Read],
) -> Artifact:  # fmt: skip
    """The split-libraries job over the raw 16S reads, and the artifact it produced."""
    split_job = await loader.job(
        "split_success",
        owner,
        commands.processing(SPLIT_LIBRARIES),
        {"input_data": raw.id, **SPLIT_DEFAULTS},
        "success",
        inputs=[raw],
        **finished_job_fields(50),
    )
    demux = await loader.artifact(
        "Demultiplexed 16S", "Demultiplexed", "16S", "public",
        study=study, prep=prep, parents=[raw], job=split_job,
        output_id=commands.processing_output(SPLIT_LIBRARIES, "demultiplexed"),
    )  # fmt: skip
    fna, fastq, split_log = content.demultiplexed_files(reads)
    await loader.artifact_files(
        demux,
        "Demultiplexed",
        [
            DemoFile("seqs.fna", "preprocessed_fasta", fna),
            DemoFile("seqs.fastq", "preprocessed_fastq", fastq),
            DemoFile("split_library_log.txt", "log", split_log),
        ],
    )
    return demux


async def _otu_table(
    loader: Loader, owner: Account, commands: Commands, study: Study, prep: PrepTemplate,
    demux: Artifact, counts: dict[str, list[int]],
) -> Artifact:  # fmt: skip
    """The OTU-picking job over the demultiplexed reads, and the BIOM table it produced."""
    pick_job = await loader.job(
        "pick_success",
        owner,
        commands.processing(PICK_OTUS),
        {"input_data": demux.id, **PICK_DEFAULTS},
        "success",
        inputs=[demux],
        **finished_job_fields(20),
    )
    otu_table = await loader.artifact(
        "OTU table 16S (97%)", "BIOM", "16S", "public",
        study=study, prep=prep, parents=[demux], job=pick_job,
        output_id=commands.processing_output(PICK_OTUS, "OTU table"),
    )  # fmt: skip
    pick_log = [f"Reference: {REFERENCE_NAME} {REFERENCE_VERSION}", "Similarity: 0.97"]
    await loader.artifact_files(
        otu_table,
        "BIOM",
        [
            DemoFile("otu_table.biom", "biom", content.biom_table(counts, "sorghum-16S-97")),
            DemoFile("pick_otus_log.txt", "log", content.log_text(pick_log)),
        ],
    )
    return otu_table


async def load_public_study(loader: Loader, owner: Account, commands: Commands) -> PublicStudy:
    """Study 1 on a fresh database, with its raw 16S FASTQ as artifact 1, then its chain."""
    study = await loader.study(
        SORGHUM_STUDY, owner, await loader.person(PI_SORGHUM), await loader.person(LAB_SORGHUM)
    )
    values = content.sorghum_samples(study.id)
    samples = await loader.sample_template(study, SORGHUM_COLUMNS, values)

    def in_compartments(codes: Sequence[str]) -> list[Sample]:
        return [s for name, s in samples.items() if name.split(".")[2] in codes]

    prep16, barcodes16 = await loader.prep(
        study, PREP_16S, in_compartments(PREP_16S.compartments), 16
    )
    prep18, barcodes18 = await loader.prep(
        study, PREP_18S, in_compartments(PREP_18S.compartments), 18
    )
    reads16 = content.reads(barcodes16, seed=161)
    raw16 = await _raw_reads(loader, study, prep16, PREP_16S, "public", reads16)

    demux = await _demultiplexed(loader, owner, commands, study, prep16, raw16, reads16)
    in_prep16 = dict(barcodes16)
    counts = content.otu_counts([(n, v) for n, v in values if n in in_prep16], seed=1697)
    otu_table = await _otu_table(loader, owner, commands, study, prep16, demux, counts)

    reads18 = content.reads(barcodes18, seed=181)
    raw18 = await _raw_reads(loader, study, prep18, PREP_18S, "private", reads18)
    return PublicStudy(
        study, samples, values, [prep16, prep18], raw16, demux, otu_table, counts, raw18
    )
