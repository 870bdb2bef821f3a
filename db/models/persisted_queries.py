"""GraphQL documents registered by their hash (Automatic Persisted Queries, allow-lists)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, CreatedAt


class PersistedQuery(Base):
    __tablename__ = "persisted_query"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    """Lower-case hex SHA-256 of the UTF-8 document, as clients compute it."""
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
