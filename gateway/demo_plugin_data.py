"""The fixed tables of the demo's plugins: a type plugin, a processing plugin with
its commands and default parameters, and the default workflow chaining them.

Everything here is invented for the demo; `gateway.demo_plugins` inserts the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoParameter:
    name: str
    type: str
    required: bool
    default: str | None = None
    artifact_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoCommand:
    name: str
    description: str
    parameters: tuple[DemoParameter, ...]
    outputs: tuple[tuple[str, str], ...] = ()
    """(output name, artifact type)."""
    parameter_sets: tuple[tuple[str, dict[str, Any]], ...] = ()
    is_analysis: bool = False


@dataclass(frozen=True)
class DemoPlugin:
    name: str
    version: str
    description: str
    type: str
    start_script: str
    commands: tuple[DemoCommand, ...]
    artifact_types: tuple[str, ...] = ()
    publications: tuple[tuple[str, str | None], ...] = ()


TYPES_HANDLED = ("FASTQ", "per_sample_FASTQ", "Demultiplexed", "BIOM")

TYPE_PLUGIN = DemoPlugin(
    name="Demo target-gene types",
    version="0.3.0",
    description="Validates and summarises sequence and table artifacts (demo plugin).",
    type="artifact definition",
    start_script="start_demo_types",
    artifact_types=TYPES_HANDLED,
    commands=(
        DemoCommand(
            name="Validate",
            description="Checks the files of a new artifact",
            parameters=(
                DemoParameter("files", "string", True),
                DemoParameter("artifact_type", "string", True),
                DemoParameter("template", "prep_template", False),
                DemoParameter("analysis", "analysis", False),
                DemoParameter("provenance", "string", False),
                DemoParameter("name", "string", False, "dflt_name"),
            ),
        ),
        DemoCommand(
            name="Generate HTML summary",
            description="Writes the HTML summary of an artifact",
            parameters=(DemoParameter("input_data", "artifact", True, None, TYPES_HANDLED),),
        ),
    ),
)

SPLIT_DEFAULTS: dict[str, Any] = {
    "barcode_type": "golay_12",
    "max_bad_run_length": 3,
    "min_per_read_length_fraction": 0.75,
    "phred_offset": "auto",
    "phred_quality_threshold": 3,
    "rev_comp": False,
    "rev_comp_barcode": False,
    "rev_comp_mapping_barcodes": False,
    "sequence_max_n": 0,
}
PICK_DEFAULTS: dict[str, Any] = {
    "reference": 1,
    "similarity": 0.97,
    "sortmerna_coverage": 0.97,
    "sortmerna_e_value": 1,
    "threads": 1,
}
RAREFY_DEFAULTS: dict[str, Any] = {"depth": 1000, "subsample_multinomial": False}

SPLIT_LIBRARIES = DemoCommand(
    name="Split libraries FASTQ",
    description="Demultiplexes and quality-filters multiplexed FASTQ reads",
    parameters=(
        DemoParameter("input_data", "artifact", True, None, ("FASTQ", "per_sample_FASTQ")),
        DemoParameter("barcode_type", "string", False, "golay_12"),
        DemoParameter("max_bad_run_length", "integer", False, "3"),
        DemoParameter("min_per_read_length_fraction", "float", False, "0.75"),
        DemoParameter("phred_offset", 'choice:["auto", "33", "64"]', False, "auto"),
        DemoParameter("phred_quality_threshold", "integer", False, "3"),
        DemoParameter("rev_comp", "boolean", False, "False"),
        DemoParameter("rev_comp_barcode", "boolean", False, "False"),
        DemoParameter("rev_comp_mapping_barcodes", "boolean", False, "False"),
        DemoParameter("sequence_max_n", "integer", False, "0"),
    ),
    outputs=(("demultiplexed", "Demultiplexed"),),
    parameter_sets=(
        ("Defaults", SPLIT_DEFAULTS),
        (
            "Defaults with reverse complement mapping file barcodes",
            {**SPLIT_DEFAULTS, "rev_comp_mapping_barcodes": True},
        ),
    ),
)
PICK_OTUS = DemoCommand(
    name="Pick closed-reference OTUs",
    description="Assigns demultiplexed reads to reference OTUs",
    parameters=(
        DemoParameter("input_data", "artifact", True, None, ("Demultiplexed",)),
        DemoParameter("reference", "reference", False, "1"),
        DemoParameter("similarity", "float", False, "0.97"),
        DemoParameter("sortmerna_coverage", "float", False, "0.97"),
        DemoParameter("sortmerna_e_value", "float", False, "1"),
        DemoParameter("threads", "integer", False, "1"),
    ),
    outputs=(("OTU table", "BIOM"),),
    parameter_sets=(("Defaults", PICK_DEFAULTS),),
)
RAREFY = DemoCommand(
    name="Rarefy table",
    description="Subsamples every sample of a table to the same depth",
    parameters=(
        DemoParameter("biom_table", "artifact", True, None, ("BIOM",)),
        DemoParameter("depth", "integer", True),
        DemoParameter("subsample_multinomial", "boolean", False, "False"),
    ),
    outputs=(("rarefied_table", "BIOM"),),
    parameter_sets=(("Defaults", {"subsample_multinomial": False}),),
    is_analysis=True,
)

PROCESSING_PLUGIN = DemoPlugin(
    name="Demo amplicon pipeline",
    version="1.2.0",
    description="Demultiplexing, OTU picking and rarefaction for amplicon data (demo plugin).",
    type="artifact transformation",
    start_script="start_demo_amplicon",
    commands=(SPLIT_LIBRARIES, PICK_OTUS, RAREFY),
    publications=(("10.5555/qiita-demo.2024.002", "99000002"),),
)
PLUGINS = (TYPE_PLUGIN, PROCESSING_PLUGIN)

DEFAULT_WORKFLOW_NAME = "Amplicon upstream workflow"
DEFAULT_WORKFLOW_DESCRIPTION = (
    "Demultiplexes raw FASTQ reads and picks <b>closed-reference OTUs</b>."
)
