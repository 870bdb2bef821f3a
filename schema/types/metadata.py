"""Wide metadata as typed entries (category, value) and the filter over it."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.loaders.samples import MetadataFilter


@strawberry.type(description="One metadata value of one sample; values are text or null.")
class MetadataEntry:
    category: str
    value: str | None


@strawberry.input(description="Keep samples whose `category` equals `value` (null: missing).")
class MetadataFilterInput:
    category: str
    value: str | None

    def to_filter(self) -> MetadataFilter:
        return MetadataFilter(category=self.category.lower(), value=self.value)


def entries(values: dict[str, Any], categories: list[str] | None) -> list[MetadataEntry]:
    """The requested categories in the order asked (all, sorted, when none are named)."""
    names = sorted(values) if categories is None else categories
    return [MetadataEntry(category=name, value=_text(values.get(name))) for name in names]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
