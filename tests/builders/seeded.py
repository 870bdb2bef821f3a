"""Ids of the vocabulary rows every migrated database holds (db/migrations seed them)."""

FASTQ, BIOM = 3, 7
DATA_16S = 1
RAW_FORWARD_SEQS, BIOM_FILE = 1, 7
FASTQ_MOUNT, BIOM_MOUNT = 11, 16
