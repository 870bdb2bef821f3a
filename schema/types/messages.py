"""Messages to the signed-in user as GraphQL objects."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from resolvers.messages import UserMessage, get_message
from schema.context import Info
from schema.relay import Node, global_id
from schema.types.analyses import Analysis, load_analysis
from schema.types.jobs import ProcessingJob, load_job
from schema.types.studies import Study, load_study


@strawberry.enum(description="What a message is about.")
class MessageKind(Enum):
    NOTICE = strawberry.enum_value("notice", description="A notice from the administrators.")
    JOB_SUCCEEDED = strawberry.enum_value(
        "job_succeeded", description="One of your jobs finished; see `job`."
    )
    JOB_FAILED = strawberry.enum_value(
        "job_failed", description="One of your jobs failed or was cancelled; see `job`."
    )
    STUDY_SHARED = strawberry.enum_value(
        "study_shared", description="A study was shared with you; see `study`."
    )
    ANALYSIS_SHARED = strawberry.enum_value(
        "analysis_shared", description="An analysis was shared with you; see `analysis`."
    )


@strawberry.type(description="A message to the signed-in user, read or unread.")
class Message(Node):
    message_id: int = strawberry.field(description="The message's number (grows with time).")
    kind: MessageKind = strawberry.field(description="What the message is about.")
    body: str = strawberry.field(description="The message, as a sentence for a person.")
    created_at: dt.datetime = strawberry.field(description="When the message was written.")
    expires_at: dt.datetime | None = strawberry.field(
        description="When the message disappears; null: it stays until deleted."
    )
    read: bool = strawberry.field(description="Whether you marked the message read.")
    job_id: str | None = strawberry.field(
        description="The UUID of the job the message is about; null for other kinds."
    )
    study_id: int | None = strawberry.field(
        description="The id of the study the message is about; null for other kinds."
    )
    analysis_id: int | None = strawberry.field(
        description="The id of the analysis the message is about; null for other kinds."
    )

    @classmethod
    def from_record(cls, record: UserMessage) -> Message:
        return cls(
            id=global_id("Message", record.id),
            message_id=record.id,
            kind=MessageKind(record.kind),
            body=record.body,
            created_at=record.created_at,
            expires_at=record.expires_at,
            read=record.read,
            job_id=record.job_id,
            study_id=record.study_id,
            analysis_id=record.analysis_id,
        )

    @strawberry.field(description="The job the message is about; null when none or hidden.")
    async def job(self, info: Info) -> ProcessingJob | None:
        return await load_job(info, self.job_id)

    @strawberry.field(description="The study the message is about; null when none or hidden.")
    async def study(self, info: Info) -> Study | None:
        return await load_study(info, self.study_id)

    @strawberry.field(description="The analysis the message is about; null when none or hidden.")
    async def analysis(self, info: Info) -> Analysis | None:
        return await load_analysis(info, self.analysis_id)


async def load_message(info: Info, message_id: int) -> Message | None:
    """One of the caller's own messages; None for anyone else (clients included)."""
    if info.context.principal.kind != "user":
        return None
    async with info.context.unit_of_work() as ctx:
        record = await get_message(ctx, message_id)
    return Message.from_record(record) if record is not None else None
