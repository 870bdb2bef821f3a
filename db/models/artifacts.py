"""Artifacts, their DAG edges and EBI run accessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, IntPK, utcnow

VISIBILITIES = ("awaiting_approval", "public", "private", "sandbox", "archived")

Visibility = Enum(*VISIBILITIES, name="visibility", native_enum=False, create_constraint=True)


class Artifact(Base):
    __tablename__ = "artifact"
    __table_args__ = (
        CheckConstraint("NOT (study_id IS NOT NULL AND analysis_id IS NOT NULL)", name="one_home"),
        CheckConstraint("prep_id IS NULL OR study_id IS NOT NULL", name="prep_has_study"),
        NO_REUSE,
    )

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(default="noname")
    artifact_type_id: Mapped[int] = mapped_column(ForeignKey("artifact_type.id"))
    data_type_id: Mapped[int] = mapped_column(ForeignKey("data_type.id"))
    visibility: Mapped[str] = mapped_column(Visibility, default="sandbox", index=True)
    generated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    command_id: Mapped[int | None] = mapped_column(ForeignKey("command.id"))
    command_parameters: Mapped[dict[str, Any] | None]
    study_id: Mapped[int | None] = mapped_column(ForeignKey("study.id"), index=True)
    prep_id: Mapped[int | None] = mapped_column(ForeignKey("prep_template.id"), index=True)
    analysis_id: Mapped[int | None] = mapped_column(ForeignKey("analysis.id"), index=True)
    produced_by_job_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("processing_job.id"), index=True
    )
    command_output_id: Mapped[int | None] = mapped_column(ForeignKey("command_output.id"))
    submitted_to_vamps: Mapped[bool] = mapped_column(default=False)
    archive_data: Mapped[dict[str, Any] | None]
    human_reads_filter_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("human_reads_filter_method.id")
    )


class ArtifactParent(Base):
    __tablename__ = "artifact_parent"

    artifact_id: Mapped[int] = mapped_column(
        ForeignKey("artifact.id", ondelete="CASCADE"), primary_key=True
    )
    parent_id: Mapped[int] = mapped_column(
        ForeignKey("artifact.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EbiRunAccession(Base):
    __tablename__ = "ebi_run_accession"

    artifact_id: Mapped[int] = mapped_column(
        ForeignKey("artifact.id", ondelete="CASCADE"), primary_key=True
    )
    sample_id: Mapped[int] = mapped_column(ForeignKey("sample.id"), primary_key=True)
    accession: Mapped[str]
