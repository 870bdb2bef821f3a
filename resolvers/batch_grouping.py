"""Aligning batch results with the keys that asked for them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def one_per_key(keys: Sequence[K], items: Iterable[T], key_of: Callable[[T], K]) -> list[T | None]:
    """The item whose key is each of `keys`, or None."""
    found = {key_of(item): item for item in items}
    return [found.get(key) for key in keys]


def many_per_key(keys: Sequence[K], items: Iterable[T], key_of: Callable[[T], K]) -> list[list[T]]:
    """The items whose key is each of `keys`, in the order given, or []."""
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        groups[key_of(item)].append(item)
    return [groups.get(key, []) for key in keys]


def values_per_key(keys: Sequence[K], rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """For (key, value) rows: the values under each of `keys`, in row order, or []."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for key, value in rows:
        groups[key].append(value)
    return [groups.get(key, []) for key in keys]
