"""The Subscription root: live processing-job updates and messages from the event bus.

Events only say *which* job changed. Each one is re-read with the subscriber's principal
through the same resolvers as `Query.job` and `Query.jobs` (the `readable_jobs_filter`
access rule, the same filter semantics) before it is pushed, so a subscriber sees exactly
what a query would show it at that moment, and nothing once it may no longer read the job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, Protocol

import strawberry
from graphql import GraphQLError

from resolvers.auth import tokens
from resolvers.errors import DomainError, NotFound, Unauthenticated
from resolvers.events import Event
from resolvers.jobs.listing import JobFilter, job_ordering, search_jobs
from resolvers.messages import MESSAGE_TOPIC, get_message, require_reader
from resolvers.pagination import PageRequest
from schema.context import GraphQLContext, Info, build_context
from schema.queries.jobs import JobFilterInput
from schema.types.jobs import ProcessingJob, load_job
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
        events = _subscribe(info.context)
        try:
            job = await _read_job(info, job_id)
            if job is None:
                raise _graphql_error(NotFound(f"Job not found: {job_id}"))
            yield job
            async for event in events:
                if event.key != job.job_id:
                    continue
                job = await _read_job(info, event.key)
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
                job = await _matching_job(info.context, conditions, event.key)
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
        events = _subscribe(context, MESSAGE_TOPIC)
        try:
            async for event in events:
                if event.key != str(account_id):
                    continue
                message = await _read_message(context, int(event.data["id"]))
                if message is not None:
                    yield message
        finally:
            await events.aclose()


def _subscribe(context: GraphQLContext, topic: str = JOB_TOPIC) -> _EventStream:
    stream: _EventStream = context.services.events.subscribe(topic)  # type: ignore[assignment]
    return stream


async def _read_message(context: GraphQLContext, message_id: int) -> Message | None:
    """The message as the subscriber reads it now (None once deleted)."""
    await _require_valid_token(context)
    async with context.unit_of_work() as ctx:
        record = await get_message(ctx, message_id)
    if record is None:
        return None
    context.loaders = build_context(context.services, context.principal).loaders
    return Message.from_record(record)


async def _read_job(info: Info, job_id: str) -> ProcessingJob | None:
    """The job through `Query.job`'s loader, rebuilt first: the socket's context outlives
    operations, and each push must be as current as the event (nested fields included)."""
    context = info.context
    await _require_valid_token(context)
    context.loaders = build_context(context.services, context.principal).loaders
    return await load_job(info, job_id.lower())


async def _matching_job(
    context: GraphQLContext, conditions: JobFilter, job_id: str | None
) -> ProcessingJob | None:
    """The job if the caller may read it and it meets `conditions` (None: only validate)."""
    only = dataclasses.replace(conditions, job_ids=() if job_id is None else (job_id,))
    await _require_valid_token(context)
    try:
        async with context.unit_of_work() as ctx:
            page = await search_jobs(ctx, only, job_ordering(), PageRequest(first=1))
    except DomainError as error:
        raise _graphql_error(error) from None
    if not page.items:
        return None
    context.loaders = build_context(context.services, context.principal).loaders
    return ProcessingJob.from_row(page.items[0])


async def _require_valid_token(context: GraphQLContext) -> None:
    """The socket's token is still valid (not expired, not revoked), else UNAUTHENTICATED."""
    if context.authorization is None:
        return
    try:
        await tokens.principal_for_token(
            context.services, tokens.bearer_token(context.authorization)
        )
    except Unauthenticated as error:
        raise _graphql_error(error) from None


def _job_filter(given: JobFilterInput) -> JobFilter:
    try:
        return given.to_filter()
    except DomainError as error:
        raise _graphql_error(error) from None


def _graphql_error(error: DomainError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": error.code})
