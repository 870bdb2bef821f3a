"""Plugins (software), their commands, parameters, outputs, parameter sets and workflows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Enum, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, IntPK

SOFTWARE_TYPES = ("artifact transformation", "artifact definition", "private")


class Software(Base):
    __tablename__ = "software"
    __table_args__ = (UniqueConstraint("name", "version"), NO_REUSE)

    id: Mapped[IntPK]
    name: Mapped[str]
    version: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    environment_script: Mapped[str] = mapped_column(default="")
    start_script: Mapped[str] = mapped_column(default="")
    type: Mapped[str] = mapped_column(
        Enum(*SOFTWARE_TYPES, name="software_type", native_enum=False, create_constraint=True)
    )
    active: Mapped[bool] = mapped_column(default=False)
    deprecated: Mapped[bool] = mapped_column(default=False)
    config_path: Mapped[str | None]
    """The configuration file the plugin was registered from."""
    plugin_coupling: Mapped[str] = mapped_column(default="filesystem")
    server_cert: Mapped[str | None]
    trusted: Mapped[bool] = mapped_column(default=False)
    """An admin lets the plugin's client write through `/api/v1` and GraphQL."""


class Publication(Base):
    __tablename__ = "publication"

    doi: Mapped[str] = mapped_column(primary_key=True)
    pubmed_id: Mapped[str | None]


class SoftwarePublication(Base):
    __tablename__ = "software_publication"

    software_id: Mapped[int] = mapped_column(
        ForeignKey("software.id", ondelete="CASCADE"), primary_key=True
    )
    doi: Mapped[str] = mapped_column(ForeignKey("publication.doi"), primary_key=True)


class SoftwareArtifactType(Base):
    """The artifact types a type plugin validates."""

    __tablename__ = "software_artifact_type"

    software_id: Mapped[int] = mapped_column(
        ForeignKey("software.id", ondelete="CASCADE"), primary_key=True
    )
    artifact_type_id: Mapped[int] = mapped_column(
        ForeignKey("artifact_type.id", ondelete="CASCADE"), primary_key=True
    )


class Command(Base):
    __tablename__ = "command"
    __table_args__ = (UniqueConstraint("software_id", "name"), NO_REUSE)

    id: Mapped[IntPK]
    software_id: Mapped[int] = mapped_column(ForeignKey("software.id", ondelete="CASCADE"))
    name: Mapped[str]
    description: Mapped[str] = mapped_column(default="")
    active: Mapped[bool] = mapped_column(default=True)
    is_analysis: Mapped[bool] = mapped_column(default=False)
    ignore_parent_command: Mapped[bool] = mapped_column(default=False)
    post_processing_cmd: Mapped[dict[str, Any] | None]
    resources: Mapped[dict[str, Any] | None]
    """Launcher resource overrides (partition, time, mem, cpus) for this command."""


class CommandParameter(Base):
    __tablename__ = "command_parameter"
    __table_args__ = (UniqueConstraint("command_id", "name"), NO_REUSE)

    id: Mapped[IntPK]
    command_id: Mapped[int] = mapped_column(ForeignKey("command.id", ondelete="CASCADE"))
    name: Mapped[str]
    type: Mapped[str]
    required: Mapped[bool]
    default_value: Mapped[str | None]
    name_order: Mapped[int | None]
    check_biom_merge: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    """Declaration order, so definitions round-trip as the plugin sent them."""


class CommandParameterArtifactType(Base):
    __tablename__ = "command_parameter_artifact_type"

    parameter_id: Mapped[int] = mapped_column(
        ForeignKey("command_parameter.id", ondelete="CASCADE"), primary_key=True
    )
    artifact_type_id: Mapped[int] = mapped_column(
        ForeignKey("artifact_type.id", ondelete="CASCADE"), primary_key=True
    )


class CommandOutput(Base):
    __tablename__ = "command_output"
    __table_args__ = (UniqueConstraint("command_id", "name"), NO_REUSE)

    id: Mapped[IntPK]
    command_id: Mapped[int] = mapped_column(ForeignKey("command.id", ondelete="CASCADE"))
    name: Mapped[str]
    artifact_type_id: Mapped[int] = mapped_column(ForeignKey("artifact_type.id"))
    check_biom_merge: Mapped[bool] = mapped_column(default=False)


class DefaultParameterSet(Base):
    __tablename__ = "default_parameter_set"
    __table_args__ = (UniqueConstraint("command_id", "name"), NO_REUSE)

    id: Mapped[IntPK]
    command_id: Mapped[int] = mapped_column(ForeignKey("command.id", ondelete="CASCADE"))
    name: Mapped[str]
    values: Mapped[dict[str, Any]]


class DefaultWorkflow(Base):
    __tablename__ = "default_workflow"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    name: Mapped[str]
    description: Mapped[str | None]
    active: Mapped[bool] = mapped_column(default=True)
    artifact_type_id: Mapped[int] = mapped_column(ForeignKey("artifact_type.id"))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=lambda: {"prep": {}, "sample": {}})


class DefaultWorkflowDataType(Base):
    __tablename__ = "default_workflow_data_type"

    workflow_id: Mapped[int] = mapped_column(
        ForeignKey("default_workflow.id", ondelete="CASCADE"), primary_key=True
    )
    data_type_id: Mapped[int] = mapped_column(ForeignKey("data_type.id"), primary_key=True)


class DefaultWorkflowNode(Base):
    __tablename__ = "default_workflow_node"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    workflow_id: Mapped[int] = mapped_column(ForeignKey("default_workflow.id", ondelete="CASCADE"))
    default_parameter_set_id: Mapped[int] = mapped_column(ForeignKey("default_parameter_set.id"))


class DefaultWorkflowEdge(Base):
    __tablename__ = "default_workflow_edge"
    __table_args__ = (UniqueConstraint("parent_node_id", "child_node_id"), NO_REUSE)

    id: Mapped[IntPK]
    parent_node_id: Mapped[int] = mapped_column(
        ForeignKey("default_workflow_node.id", ondelete="CASCADE")
    )
    child_node_id: Mapped[int] = mapped_column(
        ForeignKey("default_workflow_node.id", ondelete="CASCADE")
    )


class DefaultWorkflowEdgeConnection(Base):
    __tablename__ = "default_workflow_edge_connection"

    edge_id: Mapped[int] = mapped_column(
        ForeignKey("default_workflow_edge.id", ondelete="CASCADE"), primary_key=True
    )
    parent_output_id: Mapped[int] = mapped_column(ForeignKey("command_output.id"), primary_key=True)
    child_parameter_id: Mapped[int] = mapped_column(
        ForeignKey("command_parameter.id"), primary_key=True
    )
