"""seed vocabulary: Qiita's lookup rows with Qiita's ids, mountpoints, restrictions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATA_TYPES = [
    "16S", "18S", "ITS", "Proteomic", "Metabolomic", "Metagenomic", "Multiomic",
    "Metatranscriptomics", "Viromics", "Genomics", "Transcriptomics", "Job Output Folder",
]  # fmt: skip

FILEPATH_TYPES = [
    "raw_forward_seqs", "raw_reverse_seqs", "raw_barcodes", "preprocessed_fasta",
    "preprocessed_fastq", "preprocessed_demux", "biom", "directory", "plain_text",
    "reference_seqs", "reference_tax", "reference_tree", "log", "sample_template",
    "prep_template", "qiime_map", "raw_sff", "raw_fasta", "raw_qual", "html_summary", "tgz",
    "html_summary_dir", "qzv", "qza", "bam",
]  # fmt: skip

# (name, description, ebi, vamps, uploadable, [(filepath type, required)])
ARTIFACT_TYPES = [
    ("SFF", "Raw SFF files", False, False, False, [("raw_sff", True)]),
    ("FASTA_Sanger", "Raw Sanger FASTA files", False, False, False, [("raw_fasta", True)]),
    ("FASTQ", "Raw FASTQ files", False, False, True,
     [("raw_forward_seqs", True), ("raw_reverse_seqs", False), ("raw_barcodes", True)]),
    ("FASTA", "Raw FASTA files", False, False, False, [("raw_fasta", True), ("raw_qual", True)]),
    ("per_sample_FASTQ", "Raw per sample FASTQ files", True, False, True,
     [("raw_forward_seqs", True), ("raw_reverse_seqs", False)]),
    ("Demultiplexed", "Demultiplexed and QC-ed sequences", True, True, False,
     [("preprocessed_fasta", True), ("preprocessed_fastq", True),
      ("preprocessed_demux", False), ("log", False)]),
    ("BIOM", "BIOM table", False, False, True,
     [("biom", True), ("directory", False), ("log", False)]),
    ("beta_div_plots", "Beta diversity plots", False, False, False, [("directory", True)]),
    ("rarefaction_curves", "Rarefaction curves", False, False, False, [("directory", True)]),
    ("taxa_summary", "Taxa summary plots", False, False, False, [("directory", True)]),
]  # fmt: skip

FLAT_MOUNTS = [
    "analysis", "job", "preprocessed_data", "processed_data", "raw_data", "reference",
    "uploads", "working_dir", "templates",
]  # fmt: skip
SUBDIRECTORY_MOUNTS = [
    "SFF", "FASTQ", "FASTA", "FASTA_Sanger", "per_sample_FASTQ", "Demultiplexed", "BIOM",
    "beta_div_plots", "rarefaction_curves", "taxa_summary",
]  # fmt: skip

TIMESERIES = [("None", "None")] + [
    (f"{kind} timeseries", intervention)
    for kind in ("real", "pseudo", "mixed")
    for intervention in ("single intervention", "multiple intervention", "combo intervention")
]

ENVIRONMENTAL_PACKAGES = [
    ("air", "ep_air"), ("built environment", "ep_built_environment"),
    ("host-associated", "ep_host_associated"), ("human-amniotic-fluid", "ep_human_amniotic_fluid"),
    ("human-associated", "ep_human_associated"), ("human-blood", "ep_human_blood"),
    ("human-gut", "ep_human_gut"), ("human-oral", "ep_human_oral"),
    ("human-skin", "ep_human_skin"), ("human-urine", "ep_human_urine"),
    ("human-vaginal", "ep_human_vaginal"), ("microbial mat/biofilm", "ep_microbial_mat_biofilm"),
    ("miscellaneous natural or artificial environment", "ep_misc_artif"),
    ("plant-associated", "ep_plant_associated"), ("sediment", "ep_sediment"),
    ("soil", "ep_soil"), ("wastewater/sludge", "ep_wastewater_sludge"), ("water", "ep_water"),
]  # fmt: skip

INVESTIGATION_TYPES = ["WGS", "Metagenomics", "AMPLICON", "RNA-Seq", "Other"]

RESTRICTIONS = [
    ("sample", "env_package", [
        "air", "built environment", "host-associated", "human-associated", "human-skin",
        "human-oral", "human-gut", "human-vaginal", "microbial mat/biofilm",
        "misc environment", "plant-associated", "sediment", "soil", "wastewater/sludge",
        "water",
    ]),
    ("prep", "target_gene", ["16S rRNA", "18S rRNA", "ITS1/2", "LSU"]),
    ("prep", "target_subfragment", ["V3", "V4", "V6", "V9", "ITS1/2"]),
    ("prep", "platform", [
        "DNBSEQ", "FASTA", "Illumina", "Ion_Torrent", "LS454", "Oxford Nanopore",
    ]),
    ("prep", "instrument_model", [
        "454 GS", "454 GS 20", "454 GS FLX", "454 GS FLX+", "454 GS FLX Titanium",
        "454 GS Junior", "Illumina Genome Analyzer", "Illumina Genome Analyzer II",
        "Illumina Genome Analyzer IIx", "Illumina HiScanSQ", "Illumina HiSeq 1000",
        "Illumina HiSeq 1500", "Illumina HiSeq 2000", "Illumina HiSeq 2500",
        "Illumina HiSeq 3000", "Illumina HiSeq 4000", "Illumina MiSeq", "Illumina MiniSeq",
        "Illumina NovaSeq 6000", "Illumina NovaSeq X", "NextSeq 500", "NextSeq 550",
        "Ion Torrent PGM", "Ion Torrent Proton", "Ion Torrent S5", "Ion Torrent S5 XL",
        "MinION", "GridION", "PromethION", "DNBSEQ-G400", "DNBSEQ-T7", "unspecified",
    ]),
]  # fmt: skip

SERVER_SETTINGS = [("max_preparation_samples", 800), ("max_artifacts_in_workflow", 35)]


JSON_COLUMNS = {"valid_values", "value"}


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(
        name, *(sa.column(c, sa.JSON() if c in JSON_COLUMNS else None) for c in columns)
    )


def _advance_sequences(*tables: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in tables:
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
        )


def upgrade() -> None:
    op.bulk_insert(
        _table("data_type", "id", "name"),
        [{"id": i, "name": n} for i, n in enumerate(DATA_TYPES, 1)],
    )
    op.bulk_insert(
        _table("filepath_type", "id", "name"),
        [{"id": i, "name": n} for i, n in enumerate(FILEPATH_TYPES, 1)],
    )
    fp_ids = {n: i for i, n in enumerate(FILEPATH_TYPES, 1)}
    op.bulk_insert(
        _table(
            "artifact_type", "id", "name", "description", "can_be_submitted_to_ebi",
            "can_be_submitted_to_vamps", "is_user_uploadable",
        ),
        [
            {
                "id": i, "name": n, "description": d, "can_be_submitted_to_ebi": ebi,
                "can_be_submitted_to_vamps": vamps, "is_user_uploadable": up,
            }
            for i, (n, d, ebi, vamps, up, _fps) in enumerate(ARTIFACT_TYPES, 1)
        ],
    )  # fmt: skip
    op.bulk_insert(
        _table("artifact_type_filepath_type", "artifact_type_id", "filepath_type_id", "required"),
        [
            {"artifact_type_id": i, "filepath_type_id": fp_ids[fp], "required": req}
            for i, (*_, fps) in enumerate(ARTIFACT_TYPES, 1)
            for fp, req in fps
        ],
    )
    mounts = [(m, False) for m in FLAT_MOUNTS] + [(m, True) for m in SUBDIRECTORY_MOUNTS]
    op.bulk_insert(
        _table("data_directory", "id", "kind", "mountpoint", "subdirectory", "active"),
        [
            {"id": i, "kind": m, "mountpoint": m, "subdirectory": sub, "active": True}
            for i, (m, sub) in enumerate(mounts, 1)
        ],
    )
    op.bulk_insert(
        _table("timeseries_type", "id", "timeseries_type", "intervention_type"),
        [{"id": i, "timeseries_type": t, "intervention_type": v} for i, (t, v) in
         enumerate(TIMESERIES, 1)],
    )  # fmt: skip
    op.bulk_insert(
        _table("environmental_package", "name", "metadata_table"),
        [{"name": n, "metadata_table": t} for n, t in ENVIRONMENTAL_PACKAGES],
    )
    op.bulk_insert(
        _table("investigation_type_term", "id", "term", "identifier", "user_defined"),
        [
            {"id": i, "term": t, "identifier": f"ENA:{i:07d}", "user_defined": False}
            for i, t in enumerate(INVESTIGATION_TYPES, 1)
        ],
    )
    op.bulk_insert(
        _table("metadata_restriction", "id", "template_kind", "column_name", "valid_values"),
        [
            {"id": i, "template_kind": k, "column_name": c, "valid_values": v}
            for i, (k, c, v) in enumerate(RESTRICTIONS, 1)
        ],
    )
    op.bulk_insert(
        _table("server_setting", "key", "value"),
        [{"key": k, "value": v} for k, v in SERVER_SETTINGS],
    )
    _advance_sequences(
        "data_type", "filepath_type", "artifact_type", "data_directory", "timeseries_type",
        "investigation_type_term", "metadata_restriction",
    )  # fmt: skip


def downgrade() -> None:
    for name in (
        "server_setting", "metadata_restriction", "investigation_type_term",
        "environmental_package", "timeseries_type", "data_directory",
        "artifact_type_filepath_type", "artifact_type", "filepath_type", "data_type",
    ):  # fmt: skip
        op.execute(f"DELETE FROM {name}")
