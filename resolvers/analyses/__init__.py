"""Analyses: their metadata and batch reads."""
