"""The Study type."""

from __future__ import annotations

import strawberry

from db.models import Study as StudyRow


@strawberry.type
class Study:
    study_id: int
    title: str
    alias: str
    description: str
    abstract: str
    notes: str

    @classmethod
    def from_row(cls, row: StudyRow) -> Study:
        return cls(
            study_id=row.id,
            title=row.title,
            alias=row.alias,
            description=row.description,
            abstract=row.abstract,
            notes=row.notes,
        )
