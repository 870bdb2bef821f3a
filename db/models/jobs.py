"""Processing jobs, their links, validators, workflows and log entries."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, CreatedAt, IntPK, JobId, utcnow

JobStatus = Literal["in_construction", "queued", "running", "waiting", "success", "error"]
"""A processing job's status (plugin-lifecycle.md §4.2): typed so that mypy checks every
status the code writes, compares or passes on."""
JOB_STATUSES: tuple[JobStatus, ...] = get_args(JobStatus)
SEVERITIES = ("Warning", "Runtime", "Fatal")

JOB_STATUS_COLUMN = Enum(
    *JOB_STATUSES, name="job_status", native_enum=False, create_constraint=True
)


class LogEntry(Base):
    __tablename__ = "log_entry"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    created_at: Mapped[CreatedAt]
    severity: Mapped[str] = mapped_column(
        Enum(*SEVERITIES, name="severity", native_enum=False, create_constraint=True)
    )
    msg: Mapped[str]
    info: Mapped[list[Any]] = mapped_column(default=list)


class ProcessingWorkflow(Base):
    __tablename__ = "processing_workflow"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    name: Mapped[str]
    created_at: Mapped[CreatedAt]


class ProcessingJob(Base):
    __tablename__ = "processing_job"
    __table_args__ = (Index("ix_processing_job_account_status", "account_id", "status"),)

    id: Mapped[JobId] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    command_id: Mapped[int] = mapped_column(ForeignKey("command.id"), index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[JobStatus] = mapped_column(
        JOB_STATUS_COLUMN, default="in_construction", index=True
    )
    hidden: Mapped[bool] = mapped_column(default=False)
    heartbeat: Mapped[dt.datetime | None]
    step: Mapped[str | None]
    pending: Mapped[dict[str, Any] | None]
    external_id: Mapped[str | None] = mapped_column(index=True)
    launcher: Mapped[str | None]
    """Which launcher started the job (`local`, `slurm`), for status checks and recovery."""
    error_log_id: Mapped[int | None] = mapped_column(ForeignKey("log_entry.id"))
    workflow_id: Mapped[int | None] = mapped_column(
        ForeignKey("processing_workflow.id"), index=True
    )
    target_job_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessingJobInput(Base):
    __tablename__ = "processing_job_input"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("processing_job.id", ondelete="CASCADE"), primary_key=True
    )
    artifact_id: Mapped[int] = mapped_column(
        ForeignKey("artifact.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProcessingJobParent(Base):
    __tablename__ = "processing_job_parent"

    parent_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("processing_job.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[str] = mapped_column(
        String(36),
        ForeignKey("processing_job.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )


class ProcessingJobValidator(Base):
    """A Validate job of a parent job; `artifact_info` holds its result until release."""

    __tablename__ = "processing_job_validator"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("processing_job.id", ondelete="CASCADE"), primary_key=True
    )
    validator_id: Mapped[str] = mapped_column(
        String(36),
        ForeignKey("processing_job.id", ondelete="CASCADE"),
        primary_key=True,
        unique=True,
    )
    artifact_info: Mapped[dict[str, Any] | None]


class ProcessingWorkflowRoot(Base):
    __tablename__ = "processing_workflow_root"

    workflow_id: Mapped[int] = mapped_column(
        ForeignKey("processing_workflow.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("processing_job.id", ondelete="CASCADE"), primary_key=True
    )


class JobResourceAllocation(Base):
    """Opaque launcher options by (name, job type), as Qiita's allocation table."""

    __tablename__ = "job_resource_allocation"

    name: Mapped[str] = mapped_column(primary_key=True)
    job_type: Mapped[str] = mapped_column(primary_key=True)
    description: Mapped[str | None]
    allocation: Mapped[str]
