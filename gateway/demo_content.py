"""Deterministic content of the demo: per-sample metadata, barcodes, reads and tables.

Every generator uses its own seeded random source, so two loads of the demo
write byte-identical files with identical checksums.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.demo_data import (
    COMPARTMENTS,
    PREP_CONSTANTS,
    REPLICATES,
    RIVER_STONES_PER_WEEK,
    RIVER_WEEKS,
    TREATMENTS,
    DemoPrep,
)

Values = dict[str, str | None]
READ_LENGTH = 150
READS_PER_SAMPLE = 2
INSTRUMENT = "M05314:42:000000000-DEMO1:1"
BIOM_DATE = "2023-08-20T12:00:00"
RIVER_START = dt.date(2024, 3, 11)

OTUS = (
    ("Actinobacteria", "Streptomycetales", "Streptomycetaceae", "Streptomyces"),
    ("Actinobacteria", "Micrococcales", "Micrococcaceae", "Arthrobacter"),
    ("Actinobacteria", "Propionibacteriales", "Nocardioidaceae", "Nocardioides"),
    ("Proteobacteria", "Rhizobiales", "Rhizobiaceae", "Rhizobium"),
    ("Proteobacteria", "Burkholderiales", "Comamonadaceae", "Variovorax"),
    ("Proteobacteria", "Pseudomonadales", "Pseudomonadaceae", "Pseudomonas"),
    ("Bacteroidetes", "Chitinophagales", "Chitinophagaceae", "Flavisolibacter"),
    ("Bacteroidetes", "Flavobacteriales", "Flavobacteriaceae", "Flavobacterium"),
    ("Acidobacteria", "Acidobacteriales", "Acidobacteriaceae", "Granulicella"),
    ("Firmicutes", "Bacillales", "Bacillaceae", "Bacillus"),
    ("Chloroflexi", "Ktedonobacterales", "Ktedonobacteraceae", "Ktedonobacter"),
    ("Cyanobacteria", "Nostocales", "Nostocaceae", "Nostoc"),
)
DROUGHT_FAVOURED_PHYLUM = "Actinobacteria"


def _bases(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(length))


def _quality(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("FFFFFFF:,") for _ in range(length))


def _gzip(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(text.encode())
    return buffer.getvalue()


# -- sample information ---------------------------------------------------------------------


def sorghum_samples(study_id: int) -> list[tuple[str, Values]]:
    """30 samples: 2 treatments x 3 compartments x 5 replicate plots, values as strings."""
    rng = random.Random(20230801)
    samples: list[tuple[str, Values]] = []
    for t_index, (t_code, treatment, days) in enumerate(TREATMENTS):
        for c_code, sample_type, material, package, taxon, scientific in COMPARTMENTS:
            for replicate in range(1, REPLICATES + 1):
                plot = t_index * REPLICATES + replicate
                drought = treatment == "drought"
                plant = c_code != "Bk"
                values: Values = {
                    "sample_type": sample_type,
                    "env_biome": "cropland biome",
                    "env_feature": "agricultural field",
                    "env_material": material,
                    "env_package": package,
                    "country": "GAZ:United States of America",
                    "latitude": f"{38.5405 + plot * 0.0003:.4f}",
                    "longitude": f"{-121.7812 - plot * 0.0002:.4f}",
                    "elevation": "18",
                    "depth": "0" if c_code == "Rt" else "0.1",
                    "collection_timestamp": f"2023-07-{20 + t_index:02d} 09:{10 + plot:02d}:00",
                    "host_subject_id": f"plot_{plot:02d}",
                    "host_common_name": "sorghum" if plant else "",
                    "host_taxid": "4558" if plant else None,
                    "taxon_id": taxon,
                    "scientific_name": scientific,
                    "description": (
                        f"Sorghum {sample_type}, {treatment} plot {plot} \u2013 rep {replicate}"
                    ),
                    "physical_specimen_location": "Example University, \u221280 \u00b0C freezer B",
                    "physical_specimen_remaining": "true" if replicate != 3 else "false",
                    "dna_extracted": "true",
                    "treatment": treatment,
                    "compartment": sample_type,
                    "replicate": str(replicate),
                    "days_since_watering": str(days),
                    "ph": f"{rng.uniform(6.1, 7.1):.2f}",
                    "soil_moisture_pct": (
                        f"{rng.uniform(5, 9) if drought else rng.uniform(18, 25):.1f}"
                    ),
                    "tot_nitro": f"{rng.uniform(0.08, 0.2):.3f}",
                    "plant_height_cm": (
                        f"{rng.uniform(80, 110) if drought else rng.uniform(120, 160):.0f}"
                        if plant
                        else None
                    ),
                }
                samples.append((f"{study_id}.{t_code}.{c_code}.{replicate:02d}", values))
    return samples


def river_samples(study_id: int) -> list[tuple[str, Values]]:
    """Two stones a week for four weeks."""
    rng = random.Random(20240311)
    samples: list[tuple[str, Values]] = []
    for week in range(1, RIVER_WEEKS + 1):
        for stone in range(1, RIVER_STONES_PER_WEEK + 1):
            values: Values = {
                "sample_type": "biofilm",
                "env_biome": "freshwater river biome",
                "env_feature": "river bed",
                "env_material": "biofilm",
                "env_package": "water",
                "country": "GAZ:Canada",
                "latitude": f"{45.4215 + stone * 0.0001:.4f}",
                "longitude": "-75.6972",
                "collection_timestamp": f"{RIVER_START + dt.timedelta(weeks=week)} 11:00:00",
                "days_submerged": str(7 * week),
                "water_temp": f"{rng.uniform(6, 11):.1f}",
                "host_subject_id": f"stone_{(week - 1) * RIVER_STONES_PER_WEEK + stone:02d}",
                "taxon_id": "449393",
                "scientific_name": "freshwater metagenome",
                "description": f"Biofilm of stone {stone}, week {week}",
            }
            samples.append((f"{study_id}.W{week}.S{stone}", values))
    return samples


def barcodes(count: int, seed: int) -> list[str]:
    """`count` distinct 12-base barcodes."""
    rng = random.Random(seed)
    found: list[str] = []
    seen: set[str] = set()
    while len(found) < count:
        code = _bases(rng, 12)
        if code not in seen:
            seen.add(code)
            found.append(code)
    return found


def prep_values(prep: DemoPrep, barcode: str) -> Values:
    values: Values = {
        "barcode": barcode,
        "primer": prep.primer,
        "run_prefix": prep.run_prefix,
        "run_date": prep.run_date,
        "target_gene": prep.target_gene,
        "target_subfragment": prep.target_subfragment,
        "pcr_primers": prep.pcr_primers,
    }
    values.update(PREP_CONSTANTS)
    return values


# -- sequence files -------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    sample: str
    barcode: str
    header: str
    sequence: str
    quality: str


def reads(sample_barcodes: Sequence[tuple[str, str]], seed: int) -> list[Read]:
    rng = random.Random(seed)
    out: list[Read] = []
    for index, (sample, barcode) in enumerate(sample_barcodes):
        for copy in range(READS_PER_SAMPLE):
            tile_x = 1000 + 37 * index + copy
            header = f"{INSTRUMENT}:1101:{tile_x}:{2000 + 11 * index}"
            sequence = _bases(rng, READ_LENGTH)
            out.append(Read(sample, barcode, header, sequence, _quality(rng, READ_LENGTH)))
    return out


def raw_fastq_files(read_list: Sequence[Read]) -> tuple[bytes, bytes]:
    """(forward reads, barcode reads), gzip-compressed FASTQ."""
    forward = "".join(f"@{r.header} 1:N:0:1\n{r.sequence}\n+\n{r.quality}\n" for r in read_list)
    barcode_reads = "".join(
        f"@{r.header} 2:N:0:1\n{r.barcode}\n+\n{'F' * len(r.barcode)}\n" for r in read_list
    )
    return _gzip(forward), _gzip(barcode_reads)


def demultiplexed_files(read_list: Sequence[Read]) -> tuple[bytes, bytes, bytes]:
    """(seqs.fna, seqs.fastq, split library log) of reads assigned to their samples."""
    counters: dict[str, int] = {}
    fasta: list[str] = []
    fastq: list[str] = []
    for read in read_list:
        number = counters.get(read.sample, 0)
        counters[read.sample] = number + 1
        label = (
            f"{read.sample}_{number} {read.header} "
            f"orig_bc={read.barcode} new_bc={read.barcode} bc_diffs=0"
        )
        fasta.append(f">{label}\n{read.sequence}\n")
        fastq.append(f"@{label}\n{read.sequence}\n+\n{read.quality}\n")
    log = [
        "Demultiplexing summary (demo)",
        f"Total number of input sequences: {len(read_list)}",
        "Barcode not in mapping file: 0",
        "Read too short after quality truncation: 0",
        f"Total number of sequences written: {len(read_list)}",
        "",
        "Median sequence length: 150.00",
        "",
        "Sample\tSequence count",
        *(f"{sample}\t{count}" for sample, count in sorted(counters.items())),
    ]
    return "".join(fasta).encode(), "".join(fastq).encode(), ("\n".join(log) + "\n").encode()


# -- tables -----------------------------------------------------------------------------------


def _taxonomy(phylum: str, order: str, family: str, genus: str) -> list[str]:
    return [
        "k__Bacteria",
        f"p__{phylum}",
        f"c__{phylum}",
        f"o__{order}",
        f"f__{family}",
        f"g__{genus}",
        "s__",
    ]


def otu_counts(samples: Sequence[tuple[str, Values]], seed: int) -> dict[str, list[int]]:
    """Counts per sample over `OTUS`; drought samples favour Actinobacteria."""
    rng = random.Random(seed)
    counts: dict[str, list[int]] = {}
    for name, values in samples:
        drought = values.get("treatment") == "drought"
        row = []
        for phylum, *_ in OTUS:
            boost = 4 if drought and phylum == DROUGHT_FAVOURED_PHYLUM else 1
            row.append(rng.randint(0, 40) * boost)
        counts[name] = row
    return counts


def rarefy(counts: dict[str, list[int]], depth: int, seed: int) -> dict[str, list[int]]:
    """Subsample every sample to `depth` reads; samples with fewer reads are dropped."""
    rng = random.Random(seed)
    out: dict[str, list[int]] = {}
    for name, row in counts.items():
        if sum(row) < depth:
            continue
        pool = [index for index, count in enumerate(row) for _ in range(count)]
        picked = [0] * len(row)
        for index in rng.sample(pool, depth):
            picked[index] += 1
        out[name] = picked
    return out


def biom_table(counts: dict[str, list[int]], table_id: str) -> bytes:
    """A BIOM 1.0 (JSON) OTU table, sparse, integer counts."""
    names = list(counts)
    data = [
        [row, column, count]
        for column, name in enumerate(names)
        for row, count in enumerate(counts[name])
        if count
    ]
    document = {
        "id": table_id,
        "format": "Biological Observation Matrix 1.0.0",
        "format_url": "http://biom-format.org",
        "type": "OTU table",
        "generated_by": "qiita-gateway demo",
        "date": BIOM_DATE,
        "rows": [
            {"id": f"OTU_{index + 1:04d}", "metadata": {"taxonomy": _taxonomy(*otu)}}
            for index, otu in enumerate(OTUS)
        ],
        "columns": [{"id": name, "metadata": None} for name in names],
        "matrix_type": "sparse",
        "matrix_element_type": "int",
        "shape": [len(OTUS), len(names)],
        "data": data,
    }
    return json.dumps(document, indent=1).encode()


def reference_files() -> tuple[bytes, bytes]:
    """(sequences FASTA, taxonomy TSV) of the demo reference."""
    rng = random.Random(2024)
    fasta = "".join(f">OTU_{i + 1:04d}\n{_bases(rng, 253)}\n" for i in range(len(OTUS)))
    taxonomy = "".join(
        f"OTU_{i + 1:04d}\t{'; '.join(_taxonomy(*otu))}\n" for i, otu in enumerate(OTUS)
    )
    return fasta.encode(), taxonomy.encode()


def mapping_file(samples: Sequence[tuple[str, Values]], columns: Sequence[str]) -> bytes:
    """Tab-separated mapping file of an analysis: `#SampleID` then the given columns."""
    lines = ["\t".join(["#SampleID", *columns])]
    for name, values in sorted(samples):
        lines.append("\t".join([name, *((values.get(c) or "") for c in columns)]))
    return ("\n".join(lines) + "\n").encode()


def log_text(lines: Sequence[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()
