"""Artifacts, their types and visibility, the feature archive and reference databases."""
