"""Open vocabularies that plugins and admins extend; their ids are part of the API."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, IntPK


class DataType(Base):
    __tablename__ = "data_type"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(unique=True)


class ArtifactType(Base):
    __tablename__ = "artifact_type"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(default="")
    can_be_submitted_to_ebi: Mapped[bool] = mapped_column(default=False)
    can_be_submitted_to_vamps: Mapped[bool] = mapped_column(default=False)
    is_user_uploadable: Mapped[bool] = mapped_column(default=False)


class FilepathType(Base):
    __tablename__ = "filepath_type"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(unique=True)


class ArtifactTypeFilepathType(Base):
    """The filepath types an artifact type allows, and whether each is required."""

    __tablename__ = "artifact_type_filepath_type"

    artifact_type_id: Mapped[int] = mapped_column(
        ForeignKey("artifact_type.id", ondelete="CASCADE"), primary_key=True
    )
    filepath_type_id: Mapped[int] = mapped_column(ForeignKey("filepath_type.id"), primary_key=True)
    required: Mapped[bool] = mapped_column(default=True)


class DataDirectory(Base):
    """A mountpoint below the data dir; the active row of a kind is where new files go."""

    __tablename__ = "data_directory"
    __table_args__ = (
        Index(
            "uq_data_directory_active_kind",
            "kind",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        NO_REUSE,
    )

    id: Mapped[IntPK]
    kind: Mapped[str]
    mountpoint: Mapped[str]
    subdirectory: Mapped[bool]
    active: Mapped[bool] = mapped_column(default=True)


class HumanReadsFilterMethod(Base):
    __tablename__ = "human_reads_filter_method"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(unique=True)
