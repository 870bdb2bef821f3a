"""Server-wide values kept in the database (limits shared by every worker)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class ServerSetting(Base):
    __tablename__ = "server_setting"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[Any]
