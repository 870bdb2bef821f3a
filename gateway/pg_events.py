"""Event bus over PostgreSQL LISTEN/NOTIFY, for workers sharing one PostgreSQL.

Every worker keeps one dedicated asyncpg connection that LISTENs on one channel and
hands each notification to its own in-process fan-out; publishing is a NOTIFY from a
second connection, so a worker receives its own events through the database like the
others do (one delivery path, no duplicates). NOTIFY is scoped to the database, so two
deployments on one server do not see each other's events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import asyncpg

from gateway.events import EventFanout, EventSubscription
from resolvers.events import Event

logger = logging.getLogger(__name__)

CHANNEL = "qiita_gateway_events"
MAX_PAYLOAD_BYTES = 7900
"""PostgreSQL refuses NOTIFY payloads of 8000 bytes or more."""
CONNECT_TIMEOUT = 10.0
RECONNECT_MAX_DELAY = 30.0


def encode_event(event: Event) -> str:
    return json.dumps({"topic": event.topic, "key": event.key, "data": event.data}, default=str)


def decode_event(payload: str) -> Event:
    raw: Any = json.loads(payload)
    if not isinstance(raw, dict) or not isinstance(raw.get("data", {}), dict):
        raise ValueError("an event is an object with topic, key and data")
    return Event(topic=str(raw["topic"]), key=str(raw["key"]), data=raw.get("data", {}))


class PostgresEventBus:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._fanout = EventFanout()
        self._listener: asyncpg.Connection | None = None
        self._publisher: asyncpg.Connection | None = None
        self._publish_lock = asyncio.Lock()
        self._reconnect_task: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        self._closing = False
        self._listener = await self._listen()

    async def close(self) -> None:
        self._closing = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect_task
            self._reconnect_task = None
        for connection in (self._listener, self._publisher):
            if connection is not None and not connection.is_closed():
                await connection.close(timeout=5)
        self._listener = self._publisher = None

    async def publish(self, event: Event) -> None:
        """NOTIFY every worker; a failure is logged, never raised (the change is committed)."""
        payload = encode_event(event)
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            logger.warning("event %s/%s is too large to publish; dropped", event.topic, event.key)
            return
        async with self._publish_lock:
            for attempt in (1, 2):  # a second try on a fresh connection if the first broke
                try:
                    if self._publisher is None or self._publisher.is_closed():
                        self._publisher = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT)
                    await self._publisher.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
                    return
                except (
                    OSError,
                    TimeoutError,
                    asyncpg.PostgresError,
                    asyncpg.InterfaceError,
                    asyncpg.InternalClientError,
                ) as exc:
                    if self._publisher is not None:
                        self._publisher.terminate()
                    self._publisher = None
                    if attempt == 2:
                        logger.warning(
                            "could not publish event %s/%s: %s", event.topic, event.key, exc
                        )

    def subscribe(self, topic: str, key: str | None = None) -> EventSubscription:
        return EventSubscription(self._fanout, topic, key)

    def subscriber_count(self, topic: str) -> int:
        """Live subscribers on `topic` in this process (for readiness checks and metrics)."""
        return self._fanout.count(topic)

    async def _listen(self) -> asyncpg.Connection:
        connection = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT)
        await connection.add_listener(CHANNEL, self._on_notification)
        connection.add_termination_listener(self._on_connection_lost)
        return connection

    def _on_notification(
        self, connection: asyncpg.Connection, pid: int, channel: str, payload: str
    ) -> None:
        try:
            event = decode_event(payload)
        except (ValueError, KeyError) as exc:
            logger.warning("ignored a malformed notification on %s: %s", channel, exc)
            return
        self._fanout.deliver(event)

    def _on_connection_lost(self, connection: asyncpg.Connection) -> None:
        if self._closing:
            return
        logger.warning("lost the PostgreSQL event listener connection; reconnecting")
        self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = 0.5
        while not self._closing:
            try:
                self._listener = await self._listen()
            except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
                logger.warning(
                    "event listener reconnect failed (%s); retrying in %.1fs", exc, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_DELAY)
            else:
                logger.info("event listener reconnected")
                return
