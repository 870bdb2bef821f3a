"""The event buses: in process (SQLite) and PostgreSQL LISTEN/NOTIFY between workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.engine import make_url

from db.settings import Settings
from gateway.app import create_app
from gateway.events import QUEUE_SIZE, InProcessEventBus, create_event_bus
from gateway.pg_events import CHANNEL, PostgresEventBus
from resolvers.context import Services, unit_of_work
from resolvers.events import Event
from resolvers.jobs import lifecycle
from tests.builders.accounts import make_software, make_user, principal_for, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.graphql_transport.live_server import LiveServer
from tests.graphql_transport.ws import bearer_payload, graphql_socket, receive, subscribe

WAIT = 10.0


def _dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


postgresql_only = pytest.mark.parametrize("backend", ["postgresql"])
"""LISTEN/NOTIFY is PostgreSQL's: these tests override the `backend` fixture's parameters."""


@pytest.fixture
async def postgres_dsn(database_url: str) -> str:
    return _dsn(database_url)


@pytest.fixture
async def two_buses(postgres_dsn: str) -> AsyncIterator[tuple[PostgresEventBus, PostgresEventBus]]:
    first, second = PostgresEventBus(postgres_dsn), PostgresEventBus(postgres_dsn)
    await first.start()
    await second.start()
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


def test_the_bus_follows_the_database(settings: Settings, backend: str) -> None:
    bus = create_event_bus(settings)
    expected = PostgresEventBus if backend == "postgresql" else InProcessEventBus
    assert type(bus) is expected


async def test_in_process_subscription_counts_from_creation_until_closed() -> None:
    bus = InProcessEventBus()
    subscription = bus.subscribe("job")
    assert bus.subscriber_count("job") == 1
    await bus.publish(Event(topic="job", key="a"))
    await bus.publish(Event(topic="other", key="b"))
    assert await asyncio.wait_for(anext(subscription), WAIT) == Event(topic="job", key="a")
    await subscription.aclose()
    assert bus.subscriber_count("job") == 0


async def test_in_process_slow_subscriber_loses_the_oldest_events() -> None:
    bus = InProcessEventBus()
    subscription = bus.subscribe("job")
    for number in range(QUEUE_SIZE + 2):
        await bus.publish(Event(topic="job", key=str(number)))
    assert (await anext(subscription)).key == "2"
    await subscription.aclose()


@postgresql_only
async def test_postgres_events_reach_every_worker_once(
    two_buses: tuple[PostgresEventBus, PostgresEventBus],
) -> None:
    first, second = two_buses
    on_first, on_second = first.subscribe("job"), second.subscribe("job")
    event = Event(topic="job", key="0b4e", data={"status": "running", "step": None})
    await second.publish(event)
    assert await asyncio.wait_for(anext(on_first), WAIT) == event
    assert await asyncio.wait_for(anext(on_second), WAIT) == event
    await second.publish(Event(topic="job", key="next"))
    assert (await asyncio.wait_for(anext(on_first), WAIT)).key == "next"  # no duplicate between
    await on_first.aclose()
    await on_second.aclose()


@postgresql_only
async def test_postgres_bus_ignores_malformed_notifications(
    two_buses: tuple[PostgresEventBus, PostgresEventBus], postgres_dsn: str
) -> None:
    first, _ = two_buses
    subscription = first.subscribe("job")
    outsider = await asyncpg.connect(postgres_dsn)
    try:
        await outsider.execute("SELECT pg_notify($1, $2)", CHANNEL, "not json")
        await outsider.execute("SELECT pg_notify($1, $2)", CHANNEL, '{"topic": "job"}')
    finally:
        await outsider.close()
    await first.publish(Event(topic="job", key="after"))
    assert (await asyncio.wait_for(anext(subscription), WAIT)).key == "after"
    await subscription.aclose()


@postgresql_only
async def test_postgres_bus_reconnects_after_losing_its_listener(
    two_buses: tuple[PostgresEventBus, PostgresEventBus], postgres_dsn: str
) -> None:
    first, second = two_buses
    subscription = first.subscribe("job")
    lost = first._listener
    assert lost is not None
    admin = await asyncpg.connect(postgres_dsn)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", lost.get_server_pid())
    finally:
        await admin.close()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while first._listener is lost or first._listener is None or first._listener.is_closed():
        assert loop.time() < deadline, "the listener did not reconnect"
        await asyncio.sleep(0.02)
    await second.publish(Event(topic="job", key="after-reconnect"))
    assert (await asyncio.wait_for(anext(subscription), WAIT)).key == "after-reconnect"
    await subscription.aclose()


@postgresql_only
async def test_a_change_on_one_worker_reaches_a_subscriber_on_another(
    live: LiveServer, settings: Settings, postgres_dsn: str
) -> None:
    owner = await make_user(live.services)
    token = await token_for(live.services, "user", account=owner)
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    job_id = (await make_job(live.services, command_id, owner.id)).id

    other_worker = create_app(settings)
    async with LifespanManager(other_worker), graphql_socket(live, bearer_payload(token)) as ws:
        other: Services = other_worker.state.services
        await subscribe(
            ws,
            "1",
            "subscription($id: String!) { jobUpdated(jobId: $id) { status } }",
            {"id": job_id},
        )
        assert (await receive(ws))["payload"]["data"] == {"jobUpdated": {"status": "QUEUED"}}
        plugin = await principal_for(
            other, await token_for(other, "plugin", software_id=software_id)
        )
        async with unit_of_work(other, plugin) as ctx:
            await lifecycle.heartbeat_job(ctx, job_id)
        assert (await receive(ws))["payload"]["data"] == {"jobUpdated": {"status": "RUNNING"}}


@postgresql_only
async def test_postgres_publish_survives_a_dropped_connection(
    two_buses: tuple[PostgresEventBus, PostgresEventBus], postgres_dsn: str
) -> None:
    first, second = two_buses
    subscription = first.subscribe("job")
    await second.publish(Event(topic="job", key="before"))
    assert (await asyncio.wait_for(anext(subscription), WAIT)).key == "before"
    publisher = second._publisher
    assert publisher is not None
    admin = await asyncpg.connect(postgres_dsn)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", publisher.get_server_pid())
    finally:
        await admin.close()
    await second.publish(Event(topic="job", key="after"))
    assert (await asyncio.wait_for(anext(subscription), WAIT)).key == "after"
    await subscription.aclose()


async def test_in_process_keyed_subscription_gets_only_its_object_and_counts_in_its_topic() -> None:
    bus = InProcessEventBus()
    watching = bus.subscribe("job", "a")
    everything = bus.subscribe("job")
    assert bus.subscriber_count("job") == 2
    await bus.publish(Event(topic="job", key="b"))
    await bus.publish(Event(topic="job", key="a"))
    assert await asyncio.wait_for(anext(watching), WAIT) == Event(topic="job", key="a")
    assert await asyncio.wait_for(anext(everything), WAIT) == Event(topic="job", key="b")
    assert await asyncio.wait_for(anext(everything), WAIT) == Event(topic="job", key="a")
    await watching.aclose()
    await watching.aclose()
    assert bus.subscriber_count("job") == 1
