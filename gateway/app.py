"""The application factory."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from db.file_journal import replay_pending
from db.migrate import is_up_to_date
from db.session import create_engine, create_session_factory
from db.session import warm_pool as warm_database_pool
from db.settings import Settings, load_settings
from gateway.body_limits import BodyLimitMiddleware
from gateway.cors import add_cors
from gateway.demo import demo_present, load_demo
from gateway.events import InProcessEventBus, create_event_bus
from gateway.job_runtime import JobRuntime
from gateway.memory import ReleaseMemoryMiddleware
from gateway.metrics import RequestMetrics, metrics_endpoint
from gateway.plugin_loader import load_plugins, register_plugins
from gateway.readiness import readyz_endpoint
from gateway.request_tracking import TrackedStarlette
from gateway.statement_header import StatementCountHeader
from resolvers.apitest import reset
from resolvers.auth.graphiql_client import ensure_graphiql_client
from resolvers.auth.tokens import forget_cached_tokens
from resolvers.context import SYSTEM, Principal, Services, unit_of_work
from resolvers.files.downloads import signing_secret
from rest_compat.api_docs import build_docs_routes
from rest_compat.errors import EXCEPTION_HANDLERS
from rest_compat.routes import build_routes
from schema import build_schema
from schema.graphiql_page import STATIC_PATH, graphiql_static_files
from schema.view import GraphQLView

if TYPE_CHECKING:
    from gateway.pg_events import PostgresEventBus

logger = logging.getLogger(__name__)


class DatabaseNotMigrated(RuntimeError):
    pass


def _freeze_startup_objects() -> None:
    """Keep the garbage collector from scanning what start-up built (schema, mappers,
    routes: most of the heap): its full collections took 50 to 150 ms in the middle of
    requests (bench/HOTPATHS.md). Only for a served app: tests build many apps."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, *, warm_pool: bool = False) -> Starlette:
    """The application; `warm_pool` (`serve`) opens the database pool's connections at start
    and freezes the start-up objects out of the garbage collector's way."""
    engine = create_engine(settings)
    events = create_event_bus(settings)
    jobs = JobRuntime(settings)
    services = Services(
        settings=settings,
        sessions=create_session_factory(engine),
        events=events,
        launcher=jobs.launcher,
    )
    jobs.bind(services)
    metrics = RequestMetrics()
    app = TrackedStarlette(
        routes=_routes(settings, services, engine, metrics),
        lifespan=_lifespan(services, engine, events, jobs, warm_pool=warm_pool),
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[
            Middleware(ReleaseMemoryMiddleware),
            Middleware(BodyLimitMiddleware, settings=settings),
        ],
    )
    app.router.redirect_slashes = False
    add_cors(app, settings)
    if settings.count_sql_statements:
        app.add_middleware(StatementCountHeader)
    app.request_metrics = metrics
    app.state.services = services
    app.state.jobs = jobs
    _add_apitest_hooks(app, services)
    return app


Lifespan = Callable[[Starlette], AbstractAsyncContextManager[dict[str, Any]]]


def _lifespan(
    services: Services,
    engine: AsyncEngine,
    events: InProcessEventBus | PostgresEventBus,
    jobs: JobRuntime,
    *,
    warm_pool: bool,
) -> Lifespan:
    """Start: check the migration level, warm the pool, start events and jobs; stop them."""
    settings = services.settings

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        if not await is_up_to_date(engine):
            await engine.dispose()
            raise DatabaseNotMigrated(
                "The database is not migrated: run `qiita-gateway db upgrade`."
            )
        if warm_pool:
            await warm_database_pool(engine, settings.database_pool_size)
        async with unit_of_work(services, SYSTEM) as ctx:
            await ensure_graphiql_client(ctx)
        signing_secret(settings)
        await events.start()
        try:
            await replay_pending(services.sessions)
        except Exception:
            logger.exception("finishing the file moves of the previous run failed")
        await jobs.start()
        if warm_pool:
            _freeze_startup_objects()
        logger.info("qiita-gateway ready, data dir %s", settings.resolved_data_dir)
        try:
            yield {"services": services}
        finally:
            await jobs.stop()
            await events.close()
            await engine.dispose()

    return lifespan


def _routes(
    settings: Settings, services: Services, engine: AsyncEngine, metrics: RequestMetrics
) -> list[BaseRoute]:
    async def healthz(request: Request) -> JSONResponse:
        async with services.sessions() as session:
            await session.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})

    graphql = GraphQLView(build_schema(settings), services)
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz_endpoint(engine), methods=["GET"]),
        Route(
            "/metrics",
            metrics_endpoint(metrics, services, engine, settings.launch_jobs),
            methods=["GET"],
        ),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Mount(STATIC_PATH, app=graphiql_static_files(), name="graphiql-static"),
        *build_routes(settings),
        *build_docs_routes(),
    ]


def _add_apitest_hooks(app: Starlette, services: Services) -> None:
    """What the test-mode routes call on this application: reload plugins, reset the data."""

    async def reload_plugins() -> list[str]:
        # `POST /apitest/reload_plugins/` (plugin-api.md §7): load with update, register.
        report = await load_plugins(services, update=True)
        await register_plugins(services, report)
        return report.errors

    app.state.reload_plugins = reload_plugins

    async def reset_database(principal: Principal) -> None:
        # `POST /apitest/reset/` (plugin-api.md §7): seeded state, demo reloaded if it was there.
        async with unit_of_work(services, principal) as ctx:
            had_demo = await demo_present(ctx)
            await reset.reset_database(ctx)
            await ensure_graphiql_client(ctx)
        forget_cached_tokens(services)
        if had_demo:
            async with unit_of_work(services, SYSTEM) as ctx:
                await load_demo(ctx)

    app.state.reset_database = reset_database


def create_app_from_env() -> Starlette:
    """Zero-argument factory (`uvicorn --factory`, multi-worker serving): QIITA_* settings."""
    return create_app(load_settings(), warm_pool=True)
