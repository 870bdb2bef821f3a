"""The event bus interface resolvers publish to; gateway/ provides the implementations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Event:
    topic: str
    """E.g. `job` for processing-job changes."""
    key: str
    """The object id the event is about (a job UUID for `job`)."""
    data: dict[str, Any] = field(default_factory=dict)
    _shared: dict[Hashable, asyncio.Future[Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """What subscribers computed about this event (one delivered object is handed to all)."""

    async def shared(self, name: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """`compute()` once per event and `name`, awaited by every subscriber that asks.

        The first asker starts it; the others wait for the same result. One subscriber
        going away does not cancel it for the rest."""
        task = self._shared.get(name)
        if task is None:
            task = asyncio.ensure_future(compute())
            self._shared[name] = task
        result: T = await asyncio.shield(task)
        return result


class EventBus(Protocol):
    async def publish(self, event: Event) -> None: ...

    def subscribe(self, topic: str, key: str | None = None) -> AsyncIterator[Event]:
        """Events of `topic`; only those about `key` when given."""
        ...


class NullEventBus:
    """Drops every event; used where nothing listens (CLI, some tests)."""

    async def publish(self, event: Event) -> None:
        return None

    async def subscribe(self, topic: str, key: str | None = None) -> AsyncIterator[Event]:
        return
        yield  # pragma: no cover
