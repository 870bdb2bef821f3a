"""Analyses: owner, sharing, selected samples and the jobs that build them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, CreatedAt, IntPK


class Analysis(Base):
    __tablename__ = "analysis"
    __table_args__ = (Index("ix_analysis_owner_default", "owner_id", "is_default"), NO_REUSE)

    id: Mapped[IntPK]
    owner_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    name: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    pmid: Mapped[str | None]
    created_at: Mapped[CreatedAt]
    is_default: Mapped[bool] = mapped_column(default=False)
    error_log_id: Mapped[int | None] = mapped_column(ForeignKey("log_entry.id"))
    slurm_reservation: Mapped[str] = mapped_column(default="")


class AnalysisShare(Base):
    __tablename__ = "analysis_share"

    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )


class AnalysisSample(Base):
    __tablename__ = "analysis_sample"

    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), primary_key=True
    )
    artifact_id: Mapped[int] = mapped_column(
        ForeignKey("artifact.id"), primary_key=True, index=True
    )
    sample_id: Mapped[int] = mapped_column(ForeignKey("sample.id"), primary_key=True, index=True)


class AnalysisJob(Base):
    __tablename__ = "analysis_job"

    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("processing_job.id", ondelete="CASCADE"), primary_key=True
    )
