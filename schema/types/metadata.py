"""Wide metadata as typed entries (category, value) and the filter over it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Protocol

import strawberry
from strawberry.scalars import JSON

from resolvers.studies.sample_loaders import MetadataFilter, SamplePageKey


@strawberry.type(description="One metadata value of one sample; values are text or null.")
class MetadataEntry:
    category: str = strawberry.field(description="The category (column) name.")
    value: str | None = strawberry.field(
        description="The value as text; null when the sample has none."
    )


@strawberry.input(description="Keep samples whose `category` equals `value` (null: missing).")
class MetadataFilterInput:
    category: str = strawberry.field(
        description="The category (column) to compare, case-insensitive."
    )
    value: str | None = strawberry.field(
        description="The value it must equal; null for samples without a value."
    )

    def to_filter(self) -> MetadataFilter:
        return MetadataFilter(category=self.category.lower(), value=self.value)


class _Row(Protocol):
    @property
    def values(self) -> Mapping[str, Any]: ...


class _RowHolder(Protocol):
    @property
    def row(self) -> _Row: ...


def _entries_of(
    root: _RowHolder,
    categories: Annotated[
        list[str] | None,
        strawberry.argument(description="The categories to return, in this order; all when null."),
    ] = None,
) -> list[MetadataEntry]:
    return entries(root.row.values, categories)


def _metadata_of(root: _RowHolder) -> JSON:
    return JSON(dict(root.row.values))


def values_field() -> Any:
    """`values(categories:)` of a type whose `row` holds a sample's values."""
    return strawberry.field(
        resolver=_entries_of,
        description="Typed entries; all categories (sorted) when none are named.",
    )


def metadata_field() -> Any:
    """`metadata` of a type whose `row` holds a sample's values."""
    return strawberry.field(
        resolver=_metadata_of, description="All values as one JSON object {category: value}."
    )


def entries(values: Mapping[str, Any], categories: list[str] | None) -> list[MetadataEntry]:
    """The requested categories in the order asked (all, sorted, when none are named)."""
    names = sorted(values) if categories is None else categories
    return [MetadataEntry(category=name, value=_text(values.get(name))) for name in names]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


TABLE_DESCRIPTION = (
    "One page of the table as JSON: {sample name: {category: value}}, by sample name. "
    "It holds at most `first` rows (default and limit: the server's largest page size, "
    "100 unless configured), and costs that many objects. For the next page pass the last "
    "sample name of this page as `after`; `sampleCount` says how many rows there are."
)
TableFirst = Annotated[
    int | None,
    strawberry.argument(
        description="At most this many rows (0 to the largest page size); that size when not given."
    ),
]
TableAfter = Annotated[
    str | None,
    strawberry.argument(
        description="Only the rows whose sample name sorts after this one, such as the "
        "last sample name of the previous page."
    ),
]


def table_page_key(
    owner_id: int, first: int | None, after: str | None, largest: int
) -> SamplePageKey:
    """The loader key of one page of a metadata table; `largest` is its default size."""
    return SamplePageKey(owner_id=owner_id, first=largest if first is None else first, after=after)
