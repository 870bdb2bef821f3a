"""Analyses: the sample cart, creation with merged BIOM tables, sharing, publication,
deletion, the mapping file and batch reads."""
