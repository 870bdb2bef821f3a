"""In-process event bus: fan-out of published events to every live subscriber.

Used when one process serves the database (SQLite). `gateway/pg_events.py` carries
events between workers sharing a PostgreSQL and hands them to the same fan-out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from db.settings import Settings
from resolvers.events import Event

if TYPE_CHECKING:
    from gateway.pg_events import PostgresEventBus

logger = logging.getLogger(__name__)

QUEUE_SIZE = 1000
"""Events kept per subscriber; a subscriber that falls further behind loses the oldest."""


class EventSubscription:
    """One subscriber's queue, registered as soon as it is created (no event is missed
    between `subscribe()` and the first `anext()`); iterate it, then `aclose()` it.
    With a `key`, only the events about that object are queued (one job's watchers are
    not woken for every other job)."""

    def __init__(self, fanout: EventFanout, topic: str, key: str | None = None) -> None:
        self._fanout = fanout
        self.topic = topic
        self.key = key
        self.queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        fanout.add(self)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        return await self.queue.get()

    async def aclose(self) -> None:
        self._fanout.discard(self)


class EventFanout:
    """Subscribers of this process by topic and key; `deliver` hands an event (the same
    object, never a copy) to each subscriber of its topic, with no key or with its key."""

    def __init__(self) -> None:
        self._subscribers: dict[tuple[str, str | None], set[EventSubscription]] = {}
        self._counts: dict[str, int] = {}

    def add(self, subscription: EventSubscription) -> None:
        where = self._subscribers.setdefault((subscription.topic, subscription.key), set())
        if subscription not in where:
            where.add(subscription)
            self._counts[subscription.topic] = self._counts.get(subscription.topic, 0) + 1

    def discard(self, subscription: EventSubscription) -> None:
        where = (subscription.topic, subscription.key)
        subscribers = self._subscribers.get(where)
        if subscribers is None or subscription not in subscribers:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._subscribers[where]
        self._counts[subscription.topic] -= 1

    def count(self, topic: str) -> int:
        return self._counts.get(topic, 0)

    def deliver(self, event: Event) -> None:
        for where in ((event.topic, None), (event.topic, event.key)):
            for subscription in self._subscribers.get(where, ()):
                self._put(subscription.queue, event)

    @staticmethod
    def _put(queue: asyncio.Queue[Event], event: Event) -> None:
        if queue.full():
            queue.get_nowait()
            logger.warning("event subscriber on %r is slow: dropped its oldest event", event.topic)
        queue.put_nowait(event)


class InProcessEventBus:
    def __init__(self) -> None:
        self._fanout = EventFanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, event: Event) -> None:
        self._fanout.deliver(event)

    def subscribe(self, topic: str, key: str | None = None) -> EventSubscription:
        return EventSubscription(self._fanout, topic, key)

    def subscriber_count(self, topic: str) -> int:
        """Live subscribers on `topic` in this process (for readiness checks and metrics)."""
        return self._fanout.count(topic)


def create_event_bus(settings: Settings) -> InProcessEventBus | PostgresEventBus:
    """LISTEN/NOTIFY whenever the database is PostgreSQL, whatever the number of workers.

    One path for every PostgreSQL deployment: `--workers N` and several machines behind
    a load balancer need it, and a single worker pays one idle connection for it.
    """
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() != "postgresql":
        return InProcessEventBus()
    from gateway.pg_events import PostgresEventBus  # imported here: it imports this module

    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresEventBus(dsn)
