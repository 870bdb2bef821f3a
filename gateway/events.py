"""In-process event bus: fan-out of published events to every live subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from resolvers.events import Event

QUEUE_SIZE = 1000


class InProcessEventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = {}

    async def publish(self, event: Event) -> None:
        for queue in list(self._subscribers.get(event.topic, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    async def subscribe(self, topic: str) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.setdefault(topic, set()).add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers[topic].discard(queue)
