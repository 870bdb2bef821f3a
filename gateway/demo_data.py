"""The fixed tables of the demo data set: people, studies, preparations, jobs and files.

Everything here is invented for the demo. The plugins and their commands are in
`gateway.demo_plugin_data`; file bodies and per-sample values are computed in
`gateway.demo_content`; `gateway.demo` loads them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DEMO_MARKER_TITLE = "Rhizosphere microbiome of drought-stressed sorghum"
"""The first demo study's title; its presence means the demo is loaded."""


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    level: str
    name: str
    affiliation: str


ADMIN = DemoUser(
    "demo-admin@example.org", "qiita-demo-admin", "admin", "Demo Admin", "Demo Institute"
)
OWNER = DemoUser(
    "demo@example.org",
    "qiita-demo-user",
    "user",
    "Alex Moreno",
    "Plant Microbiome Lab, Example University",
)
COLLEAGUE = DemoUser(
    "colleague@example.org",
    "qiita-demo-colleague",
    "user",
    "Sam Okafor",
    "Freshwater Ecology Group, Example University",
)
USERS = (ADMIN, OWNER, COLLEAGUE)

PASSWORD_CLIENT_ID = "qiita-demo-password-client"
"""Password-grant client (no secret): scripts log in with a user's e-mail and password."""
SYSTEM_CLIENT_ID = "qiita-demo-system-client"
SYSTEM_CLIENT_SECRET = "qiita-demo-system-secret"
"""Client-credentials client bound to no plugin (full plugin-API rights); demo only."""


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    affiliation: str
    address: str | None = None
    phone: str | None = None


PI_SORGHUM = DemoPerson(
    "Ines Varga",
    "ines.varga@example.org",
    "Institute of Soil Biology, Example University",
    "12 Field Station Road, Davis",
    "+1-555-0100",
)
LAB_SORGHUM = DemoPerson(
    "Tomás Reyes", "tomas.reyes@example.org", "Plant Microbiome Lab, Example University"
)
PI_RIVER = DemoPerson(
    "Hanna Lindqvist",
    "hanna.lindqvist@example.org",
    "Freshwater Ecology Group, Example University",
    phone="+1-555-0142",
)
LAB_RIVER = DemoPerson(
    "Noa Petersen", "noa.petersen@example.org", "Freshwater Ecology Group, Example University"
)


@dataclass(frozen=True)
class DemoStudy:
    title: str
    alias: str
    description: str
    abstract: str
    first_contact: dt.datetime
    environmental_packages: tuple[str, ...]
    publications: tuple[tuple[str, bool], ...] = ()
    funding: str | None = None


SORGHUM_STUDY = DemoStudy(
    title=DEMO_MARKER_TITLE,
    alias="Sorghum drought",
    description="16S and 18S amplicon survey of sorghum roots and soil under drought.",
    abstract=(
        "Sorghum plants were grown in field plots that were either watered weekly or left "
        "without irrigation for three weeks. Rhizosphere soil, bulk soil and washed roots were "
        "sampled from five plots per treatment, and bacterial (16S rRNA V4) and eukaryotic "
        "(18S rRNA V9) communities were profiled by amplicon sequencing to follow how the "
        "root-associated microbiome shifts when water becomes scarce."
    ),
    first_contact=dt.datetime(2023, 6, 1, 9, 0, tzinfo=dt.UTC),
    environmental_packages=("soil", "plant-associated"),
    publications=(("10.5555/qiita-demo.2024.001", True), ("99000001", False)),
    funding="Demo Foundation grant DF-0001",
)
RIVER_STUDY = DemoStudy(
    title="Biofilm succession on submerged river stones",
    alias="River biofilms",
    description="Time series of biofilm communities colonising clean stones in a river.",
    abstract=(
        "Sterilised stones were placed on a river bed and two were retrieved every week for "
        "four weeks. Biofilm was scraped from their upper surface and its bacterial community "
        "profiled by 16S rRNA amplicon sequencing, to describe the order in which taxa "
        "colonise a bare surface."
    ),
    first_contact=dt.datetime(2024, 3, 11, 14, 30, tzinfo=dt.UTC),
    environmental_packages=("water",),
)

# -- samples ------------------------------------------------------------------------------

TREATMENTS = (("D", "drought", 21), ("W", "watered", 2))
"""(code, treatment, days since watering)."""
COMPARTMENTS = (
    ("Rh", "rhizosphere soil", "rhizosphere", "soil", "939928", "rhizosphere metagenome"),
    ("Bk", "bulk soil", "soil", "soil", "410658", "soil metagenome"),
    ("Rt", "root", "plant root", "plant-associated", "1930052", "root metagenome"),
)
"""(code, sample type, env material, env package, taxon id, scientific name)."""
REPLICATES = 5

SORGHUM_COLUMNS = (
    "sample_type",
    "env_biome",
    "env_feature",
    "env_material",
    "env_package",
    "country",
    "latitude",
    "longitude",
    "elevation",
    "depth",
    "collection_timestamp",
    "host_subject_id",
    "host_common_name",
    "host_taxid",
    "taxon_id",
    "scientific_name",
    "description",
    "physical_specimen_location",
    "physical_specimen_remaining",
    "dna_extracted",
    "treatment",
    "compartment",
    "replicate",
    "days_since_watering",
    "ph",
    "soil_moisture_pct",
    "tot_nitro",
    "plant_height_cm",
)

RIVER_COLUMNS = (
    "sample_type",
    "env_biome",
    "env_feature",
    "env_material",
    "env_package",
    "country",
    "latitude",
    "longitude",
    "collection_timestamp",
    "days_submerged",
    "water_temp",
    "host_subject_id",
    "taxon_id",
    "scientific_name",
    "description",
)
RIVER_WEEKS = 4
RIVER_STONES_PER_WEEK = 2

# -- preparations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPrep:
    name: str
    data_type: str
    target_gene: str
    target_subfragment: str
    primer: str
    pcr_primers: str
    run_prefix: str
    run_date: str
    compartments: tuple[str, ...]
    """Compartment codes of the samples in this preparation."""


PREP_16S = DemoPrep(
    name="16S V4 amplicons",
    data_type="16S",
    target_gene="16S rRNA",
    target_subfragment="V4",
    primer="GTGYCAGCMGCCGCGGTAA",
    pcr_primers="FWD:GTGYCAGCMGCCGCGGTAA; REV:GGACTACNVGGGTWTCTAAT",
    run_prefix="sorghum_16S_run1",
    run_date="2023-08-02",
    compartments=("Rh", "Bk", "Rt"),
)
PREP_18S = DemoPrep(
    name="18S V9 amplicons",
    data_type="18S",
    target_gene="18S rRNA",
    target_subfragment="V9",
    primer="GTACACACCGCCCGTC",
    pcr_primers="FWD:GTACACACCGCCCGTC; REV:TGATCCTTCTGCAGGTTCACCTAC",
    run_prefix="sorghum_18S_run1",
    run_date="2023-08-09",
    compartments=("Rh", "Bk"),
)
PREP_RIVER = DemoPrep(
    name="River biofilm 16S",
    data_type="16S",
    target_gene="16S rRNA",
    target_subfragment="V4",
    primer="GTGYCAGCMGCCGCGGTAA",
    pcr_primers="FWD:GTGYCAGCMGCCGCGGTAA; REV:GGACTACNVGGGTWTCTAAT",
    run_prefix="river_16S_run1",
    run_date="2024-04-20",
    compartments=(),
)

PREP_COLUMNS = (
    "barcode",
    "primer",
    "linker",
    "run_prefix",
    "run_date",
    "run_center",
    "center_name",
    "platform",
    "instrument_model",
    "sequencing_meth",
    "target_gene",
    "target_subfragment",
    "pcr_primers",
    "library_construction_protocol",
    "experiment_design_description",
)

PREP_CONSTANTS = {
    "linker": "GT",
    "run_center": "Example University Genomics Core",
    "center_name": "EXAMPLE-U",
    "platform": "Illumina",
    "instrument_model": "Illumina MiSeq",
    "sequencing_meth": "sequencing by synthesis",
    "library_construction_protocol": "Two-step PCR, dual-indexed, 2x150 bp",
    "experiment_design_description": "Amplicon survey of root-associated communities",
}

REFERENCE_NAME = "Demo amplicon reference"
REFERENCE_VERSION = "2024.1"

ANALYSIS_NAME = "Drought versus watered rhizosphere"
ANALYSIS_DESCRIPTION = "Compares rhizosphere communities of the two irrigation treatments."

JOB_ERROR_MESSAGE = (
    "Error running Pick closed-reference OTUs: the reference index for similarity 0.99 is "
    "missing; rebuild it or use similarity 0.97."
)

# Fixed job ids, so the demo's jobs can be named in docs and tests.
JOB_IDS = {
    "split_success": "0b7c2a5e-8f3d-4c1a-9e6b-1d2f3a4b5c61",
    "pick_success": "1c8d3b6f-904e-4d2b-8f7c-2e3a4b5c6d72",
    "rarefy_success": "2d9e4c70-a15f-4e3c-907d-3f4b5c6d7e83",
    "queued": "3eaf5d81-b260-4f4d-a18e-4a5c6d7e8f94",
    "running": "4fb06e92-c371-4a5e-b29f-5b6d7e8f90a5",
    "waiting": "50c17fa3-d482-4b6f-83a0-6c7e8f90a1b6",
    "error": "61d280b4-e593-4c70-94b1-7d8f90a1b2c7",
    "in_construction": "72e391c5-f6a4-4d81-a5c2-8e90a1b2c3d8",
}


@dataclass(frozen=True)
class DemoFile:
    """One file of an artifact, reference or analysis: its name and filepath type."""

    name: str
    filepath_type: str
    body: bytes = field(repr=False, default=b"")
