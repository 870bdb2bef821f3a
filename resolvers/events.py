"""The event bus interface resolvers publish to; gateway/ provides the implementations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Event:
    topic: str
    """E.g. `job` for processing-job changes."""
    key: str
    """The object id the event is about (a job UUID for `job`)."""
    data: dict[str, Any] = field(default_factory=dict)


class EventBus(Protocol):
    async def publish(self, event: Event) -> None: ...

    def subscribe(self, topic: str) -> AsyncIterator[Event]: ...


class NullEventBus:
    """Drops every event; used where nothing listens (CLI, some tests)."""

    async def publish(self, event: Event) -> None:
        return None

    async def subscribe(self, topic: str) -> AsyncIterator[Event]:
        return
        yield  # pragma: no cover
