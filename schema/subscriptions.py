"""The Subscription root: live processing-job updates and messages from the event bus.

Events only say *which* job changed. The job is read once per event and that committed
row is shared by every subscriber of the event (`resolvers.jobs.watching`); each one
then gets it only if its principal may read the job (the `readable_jobs_filter` access
rule of `Query.job` and `Query.jobs`, asked once per event and principal) and, for
`jobsUpdated`, if the job meets its filter (the same filter semantics as `Query.jobs`).
So a subscriber sees what a query would show it at that moment, and nothing once it may
no longer read the job. Nested fields load through fresh loaders on each push.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator
from functools import partial
from typing import Annotated, Protocol

import strawberry
from graphql import GraphQLError

from db.models import ProcessingJob as JobRow
from resolvers.auth import tokens
from resolvers.context import Services
from resolvers.errors import DomainError, NotFound, Unauthenticated
from resolvers.events import Event
from resolvers.jobs.listing import JobFilter, job_ordering, search_jobs
from resolvers.jobs.watching import job_for_watcher, readable_job
from resolvers.messages import MESSAGE_TOPIC, get_message, require_reader
from resolvers.pagination import PageRequest
from schema.context import GraphQLContext, Info
from schema.queries.jobs import JobFilterInput
from schema.types.jobs import ProcessingJob
from schema.types.messages import Message

JOB_TOPIC = "job"
"""Published by `resolvers.jobs.lifecycle` after each committed change of status or step."""


class _EventStream(Protocol):
    def __aiter__(self) -> AsyncIterator[Event]: ...

    async def aclose(self) -> None: ...


@strawberry.type(description="Live updates over a WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(
        description="The job as it is now, then again after each change of its status, "
        "step or heartbeat. Ends when the caller can no longer read the job."
    )
    async def job_updated(
        self,
        info: Info,
        job_id: Annotated[
            str, strawberry.argument(description="The job UUID (`ProcessingJob.jobId`).")
        ],
    ) -> AsyncGenerator[ProcessingJob, None]:
        events = _subscribe(info.context, JOB_TOPIC, job_id.lower())
        try:
            job = await _first_job(info.context, job_id)
            if job is None:
                raise _graphql_error(NotFound(f"Job not found: {job_id}"))
            yield job
            async for event in events:
                job = await _pushed_job(info.context, event)
                if job is None:
                    return
                yield job
        finally:
            await events.aclose()

    @strawberry.subscription(
        description="Each job the caller may read, every time its status, step or heartbeat "
        "changes; `filter` narrows them as `where` narrows `Query.jobs`."
    )
    async def jobs_updated(
        self,
        info: Info,
        filter: Annotated[
            JobFilterInput | None,
            strawberry.argument(
                description="Only the jobs that meet these conditions; all readable jobs when null."
            ),
        ] = None,
    ) -> AsyncGenerator[ProcessingJob, None]:
        conditions = _job_filter(filter or JobFilterInput())
        events = _subscribe(info.context)
        try:
            await _matching_job(info.context, conditions, None)  # a bad filter fails at once
            async for event in events:
                job = await _shared_matching_job(info.context, conditions, event)
                if job is not None:
                    yield job
        finally:
            await events.aclose()

    @strawberry.subscription(
        description="Each new message to you (a job of yours ended, something was shared "
        "with you) as it arrives. Signed-in users only."
    )
    async def messages(self, info: Info) -> AsyncGenerator[Message, None]:
        context = info.context
        try:
            account_id = require_reader(context.principal)
        except DomainError as error:
            raise _graphql_error(error) from None
        events = _subscribe(context, MESSAGE_TOPIC, str(account_id))
        try:
            async for event in events:
                message = await _read_message(context, int(event.data["id"]))
                if message is not None:
                    yield message
        finally:
            await events.aclose()


def _subscribe(
    context: GraphQLContext, topic: str = JOB_TOPIC, key: str | None = None
) -> _EventStream:
    """The events of `topic` (only those about `key` when given)."""
    stream: _EventStream = context.services.events.subscribe(topic, key)  # type: ignore[assignment]
    return stream


async def _read_message(context: GraphQLContext, message_id: int) -> Message | None:
    """The message as the subscriber reads it now (None once deleted)."""
    await _require_valid_token(context)
    async with context.unit_of_work() as ctx:
        record = await get_message(ctx, message_id)
    if record is None:
        return None
    context.forget_loaders()
    return Message.from_record(record)


async def _first_job(context: GraphQLContext, job_id: str) -> ProcessingJob | None:
    """The job as it is now, if the caller may read it (the rule of `Query.job`). Loaders
    are fresh on every push: the socket's context outlives operations, and each push must
    be as current as its event (nested fields included)."""
    await _require_valid_token(context)
    context.forget_loaders()
    row = await readable_job(context.services, context.principal, job_id.lower())
    return ProcessingJob.from_row(row) if row is not None else None


async def _pushed_job(context: GraphQLContext, event: Event) -> ProcessingJob | None:
    """The job of `event` as the caller may see it; None once it may not read it."""
    await _require_valid_token(context, event)
    context.forget_loaders()
    row = await job_for_watcher(context.services, context.principal, event)
    return ProcessingJob.from_row(row) if row is not None else None


async def _shared_matching_job(
    context: GraphQLContext, conditions: JobFilter, event: Event
) -> ProcessingJob | None:
    """`_matching_job` for the job of `event`, run once per event for all the subscribers
    with the same principal and filter."""
    await _require_valid_token(context, event)
    context.forget_loaders()
    asked = (context.principal, _hashable(conditions))
    row = await event.shared(asked, partial(_matching_row, context, conditions, event.key))
    return ProcessingJob.from_row(row) if row is not None else None


async def _matching_job(
    context: GraphQLContext, conditions: JobFilter, job_id: str | None
) -> ProcessingJob | None:
    """The job if the caller may read it and it meets `conditions` (None: only validate)."""
    await _require_valid_token(context)
    row = await _matching_row(context, conditions, job_id)
    context.forget_loaders()
    return ProcessingJob.from_row(row) if row is not None else None


async def _matching_row(
    context: GraphQLContext, conditions: JobFilter, job_id: str | None
) -> JobRow | None:
    only = dataclasses.replace(conditions, job_ids=() if job_id is None else (job_id,))
    try:
        async with context.unit_of_work() as ctx:
            page = await search_jobs(ctx, only, job_ordering(), PageRequest(first=1))
    except DomainError as error:
        raise _graphql_error(error) from None
    return page.items[0] if page.items else None


def _hashable(conditions: JobFilter) -> JobFilter:
    """`conditions` with its sequences as tuples, to tell equal filters apart from others."""
    return dataclasses.replace(
        conditions,
        statuses=None if conditions.statuses is None else tuple(conditions.statuses),
        job_ids=None if conditions.job_ids is None else tuple(conditions.job_ids),
    )


async def _require_valid_token(context: GraphQLContext, event: Event | None = None) -> None:
    """The socket's token is still valid (not expired, not revoked), else UNAUTHENTICATED;
    checked once per `event` for all the subscribers holding the same token."""
    if context.authorization is None:
        return
    check = partial(_token_problem, context.services, context.authorization)
    problem = await (
        check() if event is None else event.shared(("token", context.authorization), check)
    )
    if problem is not None:
        raise _graphql_error(problem)


async def _token_problem(services: Services, authorization: str) -> Unauthenticated | None:
    try:
        await tokens.principal_for_token(services, tokens.bearer_token(authorization))
    except Unauthenticated as error:
        return error
    return None


def _job_filter(given: JobFilterInput) -> JobFilter:
    try:
        return given.to_filter()
    except DomainError as error:
        raise _graphql_error(error) from None


def _graphql_error(error: DomainError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": error.code})
