"""Messages to users: notices of their jobs' ends and of what is shared with them.

Each message is one `message` row with one `message_recipient` row per reader (the
administrators' notices go to every account; the notices written here to one user).
A reader marks their messages read or unread, or deletes them (their recipient row;
the message itself stays for other readers). Once the transaction that wrote a notice
commits, a `message` event keyed by the recipient's account id is published, which
the `messages` subscription delivers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, or_, select, update

from db.models import Command, Message, MessageRecipient, ProcessingJob, utcnow
from resolvers.auth.access import require_user
from resolvers.context import Context, Principal
from resolvers.events import Event
from resolvers.pagination import Page, PageRequest, keyset_page

MESSAGE_TOPIC = "message"
QUIET_COMMANDS = frozenset({"Validate", "Generate HTML summary"})
"""Commands the server submits on its own: their ends are not worth a notice."""


@dataclass(frozen=True)
class UserMessage:
    """A message as one reader sees it."""

    id: int
    kind: str
    body: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    read: bool
    job_id: str | None
    study_id: int | None
    analysis_id: int | None


def _reader(ctx: Context) -> int:
    return require_reader(ctx.principal)


def require_reader(principal: Principal) -> int:
    """The account whose messages the caller reads: a signed-in user's own."""
    return require_user(principal, "have messages")


async def notify(
    ctx: Context,
    account_id: int,
    kind: str,
    body: str,
    *,
    job_id: str | None = None,
    study_id: int | None = None,
    analysis_id: int | None = None,
) -> int:
    """Write a message to one account; it is announced once the transaction commits."""
    message = Message(
        body=body, kind=kind, job_id=job_id, study_id=study_id, analysis_id=analysis_id
    )
    ctx.session.add(message)
    await ctx.session.flush()
    ctx.session.add(MessageRecipient(message_id=message.id, account_id=account_id))
    await ctx.session.flush()
    event = Event(topic=MESSAGE_TOPIC, key=str(account_id), data={"id": message.id})
    events = ctx.events
    ctx.after_commit(lambda: events.publish(event))
    return message.id


async def notify_job_end(ctx: Context, job: ProcessingJob, failure: str | None) -> None:
    """Tell a job's user it ended: it succeeded (`failure` None) or failed with `failure`."""
    command = await ctx.session.get(Command, job.command_id)
    name = command.name if command is not None else "a command"
    if name in QUIET_COMMANDS:
        return
    if failure is None:
        body, kind = f"Job {job.id} ({name}) finished.", "job_succeeded"
    else:
        body, kind = f"Job {job.id} ({name}) failed: {failure}", "job_failed"
    await notify(ctx, job.account_id, kind, body, job_id=job.id)


def _visible(account_id: int) -> list[ColumnElement[bool]]:
    now = utcnow()
    return [
        MessageRecipient.account_id == account_id,
        or_(Message.expires_at.is_(None), Message.expires_at > now),
    ]


async def list_messages(
    ctx: Context, request: PageRequest, *, unread: bool | None = None
) -> Page[UserMessage]:
    """The caller's messages, oldest first (`last: n` for the newest); `unread` filters."""
    account_id = _reader(ctx)
    query = select(MessageRecipient).join(Message, Message.id == MessageRecipient.message_id)
    query = query.where(*_visible(account_id))
    if unread is not None:
        query = query.where(MessageRecipient.read.is_(not unread))
    page = await keyset_page(ctx, query, MessageRecipient.__table__.c.message_id, request)
    ids = [row.message_id for row in page.items]
    rows = (await ctx.session.execute(select(Message).where(Message.id.in_(ids)))).scalars()
    messages = {row.id: row for row in rows}
    items = [_user_message(messages[row.message_id], row.read) for row in page.items]
    return Page(items, page.keys, page.total_count, page.has_next_page, page.has_previous_page)


async def get_message(ctx: Context, message_id: int) -> UserMessage | None:
    """One of the caller's messages; None when it is not theirs or gone."""
    account_id = _reader(ctx)
    query = (
        select(Message, MessageRecipient.read)
        .join(MessageRecipient, Message.id == MessageRecipient.message_id)
        .where(Message.id == message_id, *_visible(account_id))
    )
    row = (await ctx.session.execute(query)).first()
    return _user_message(row[0], row[1]) if row is not None else None


async def unread_count(ctx: Context) -> int:
    account_id = _reader(ctx)
    query = (
        select(func.count())
        .select_from(MessageRecipient)
        .join(Message, Message.id == MessageRecipient.message_id)
        .where(*_visible(account_id), MessageRecipient.read.is_(False))
    )
    return int((await ctx.session.execute(query)).scalar_one())


async def mark_read(ctx: Context, message_ids: Sequence[int] | None, *, read: bool = True) -> int:
    """Mark the caller's messages (all of them when `message_ids` is None) read or unread;
    ids of messages that are not the caller's are ignored. Returns how many changed."""
    account_id = _reader(ctx)
    statement = update(MessageRecipient).where(
        MessageRecipient.account_id == account_id, MessageRecipient.read.is_(not read)
    )
    if message_ids is not None:
        statement = statement.where(MessageRecipient.message_id.in_(list(message_ids)))
    result = await ctx.session.execute(
        statement.values(read=read).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


async def delete_messages(ctx: Context, message_ids: Sequence[int]) -> int:
    """Remove messages from the caller's list; ids not theirs are ignored."""
    account_id = _reader(ctx)
    result = await ctx.session.execute(
        delete(MessageRecipient)
        .where(
            MessageRecipient.account_id == account_id,
            MessageRecipient.message_id.in_(list(message_ids)),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def _user_message(row: Message, read: bool) -> UserMessage:
    return UserMessage(
        id=row.id,
        kind=row.kind,
        body=row.body,
        created_at=row.created_at,
        expires_at=row.expires_at,
        read=read,
        job_id=row.job_id,
        study_id=row.study_id,
        analysis_id=row.analysis_id,
    )
