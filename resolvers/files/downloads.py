"""Download links: short-lived signed URLs, stable public links, and what each one serves.

A signed link is `/downloads/<kind>/<id>[.zip]?expires=<unix time>&account=<id>&signature=<hex>`
where the signature is an HMAC-SHA256 over path, expiry and account with the server's
download secret (`QIITA_DOWNLOAD_SECRET`, else a random secret generated once into
`<data_dir>/download_secret`). The read rule is checked when the link is made and again,
as the account named in the link, when it is used. Public artifacts also have a stable link
(`/public/artifacts/<id>.zip`) that needs no token and is checked as an anonymous caller.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import ColumnElement, select

from db.models import (
    Account,
    Analysis,
    Artifact,
    DataDirectory,
    PrepTemplate,
    StoredFile,
)
from db.settings import Settings
from resolvers.auth import access
from resolvers.context import ANONYMOUS, Context, Principal
from resolvers.errors import Forbidden, NotFound
from resolvers.studies.studies import find_study

DownloadKind = Literal["file", "artifact", "study", "analysis"]
RELEASED = ("public", "private")
"""Artifacts of a study that go into the study's zip (when the caller may read them)."""
SECRET_FILE = "download_secret"

_secrets: dict[Path, bytes] = {}


class InvalidLink(Forbidden):
    """A download link that was tampered with, has expired, or names an unknown account."""


@dataclass(frozen=True)
class ServedFile:
    path: Path
    name: str


@dataclass(frozen=True)
class ZipMember:
    name: str
    path: Path


def signing_secret(settings: Settings) -> bytes:
    """The configured secret, else the one in the data directory (created on first use)."""
    if settings.download_secret:
        return settings.download_secret.encode()
    path = settings.resolved_data_dir / SECRET_FILE
    cached = _secrets.get(path)
    if cached is not None:
        return cached
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written aside, then linked into place: other workers never see a half-written file.
        draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_text().strip().encode()
    if not secret:
        raise RuntimeError(f"{path} is empty: delete it to have a new secret generated")
    _secrets[path] = secret
    return secret


def link_path(kind: DownloadKind, object_id: int) -> str:
    suffix = "" if kind == "file" else ".zip"
    return f"/downloads/{kind}/{object_id}{suffix}"


def public_artifact_path(artifact_id: int) -> str:
    return f"/public/artifacts/{artifact_id}.zip"


def _signature(settings: Settings, path: str, expires: int, account: int) -> str:
    message = f"{path}\n{expires}\n{account}".encode()
    return hmac.new(signing_secret(settings), message, hashlib.sha256).hexdigest()


def sign(settings: Settings, path: str, account: int, now: float | None = None) -> str:
    """`path` with its expiry, account (0 for nobody) and signature as query parameters."""
    expires = int(now if now is not None else time.time()) + settings.download_url_ttl
    signature = _signature(settings, path, expires, account)
    return f"{path}?expires={expires}&account={account}&signature={signature}"


async def check_readable(ctx: Context, kind: DownloadKind, object_id: int) -> None:
    """NotFound unless the caller may read the object (nothing about it is revealed)."""
    if kind == "file":
        await _readable_file(ctx, object_id)
    elif kind == "artifact":
        await access.require_read_artifact(ctx, object_id)
    elif kind == "study":
        await find_study(ctx, object_id)
    else:
        await access.require_read_analysis(ctx, object_id)


async def download_url(ctx: Context, kind: DownloadKind, object_id: int) -> str:
    """An absolute signed link for the caller, valid `download_url_ttl` seconds."""
    await check_readable(ctx, kind, object_id)
    account = ctx.principal.account_id or 0
    return ctx.settings.effective_public_url + sign(
        ctx.settings, link_path(kind, object_id), account
    )


async def public_download_url(ctx: Context, artifact_id: int) -> str | None:
    """The stable link of a public artifact; None for any other artifact."""
    artifact = await ctx.session.get(Artifact, artifact_id)
    if artifact is None or artifact.visibility != "public":
        return None
    return ctx.settings.effective_public_url + public_artifact_path(artifact_id)


async def principal_for_link(
    ctx: Context, path: str, expires: str, account: str, signature: str
) -> Principal:
    """Who a signed link was made for; InvalidLink when it is tampered with or expired."""
    if not (expires.isdigit() and account.isdigit()):
        raise InvalidLink("This download link is not valid.")
    expected = _signature(ctx.settings, path, int(expires), int(account))
    if not hmac.compare_digest(expected, signature):
        raise InvalidLink("This download link is not valid.")
    if int(expires) < time.time():
        raise InvalidLink("This download link has expired: ask for a new one.")
    if int(account) == 0:
        return ANONYMOUS
    row = await ctx.session.get(Account, int(account))
    if row is None:
        raise InvalidLink("This download link is not valid.")
    return Principal(kind="user", account_id=row.id, email=row.email, level=row.level)


async def _readable_file(ctx: Context, file_id: int) -> StoredFile:
    row = await ctx.session.get(StoredFile, file_id)
    missing = NotFound(f"File not found: {file_id}")
    if row is None:
        raise missing
    if row.artifact_id is not None:
        readable = await access.can_read_artifact(ctx, row.artifact_id)
    elif row.sample_template_study_id is not None:
        readable = await access.can_read_study(ctx, row.sample_template_study_id)
    elif row.prep_id is not None:
        prep = await ctx.session.get(PrepTemplate, row.prep_id)
        readable = prep is not None and await access.can_read_study(ctx, prep.study_id)
    elif row.analysis_id is not None:
        readable = await access.can_read_analysis(ctx, row.analysis_id)
    else:
        readable = row.reference_id is not None
    if not readable:
        raise missing
    return row


async def _absolute(ctx: Context, row: StoredFile) -> Path:
    mount = await ctx.session.get(DataDirectory, row.data_directory_id)
    if mount is None:
        raise NotFound(f"File not found: {row.id}")
    return ctx.files.absolute(mount.mountpoint, row.relpath)


async def served_file(ctx: Context, file_id: int) -> ServedFile:
    """One stored file the caller may read, present on disk."""
    row = await _readable_file(ctx, file_id)
    path = await _absolute(ctx, row)
    if not path.is_file():
        raise NotFound(
            f"File {file_id} is not on disk (it may be a folder: download its artifact)."
        )
    return ServedFile(path=path, name=path.name)


async def _members_of(ctx: Context, rows: list[StoredFile], prefix: str) -> list[ZipMember]:
    members: list[ZipMember] = []
    for row in rows:
        path = await _absolute(ctx, row)
        if path.is_dir():
            members.extend(
                ZipMember(f"{prefix}{path.name}/{inner.relative_to(path).as_posix()}", inner)
                for inner in sorted(p for p in path.rglob("*") if p.is_file())
            )
        elif path.is_file():
            members.append(ZipMember(f"{prefix}{path.name}", path))
    return members


async def _files_where(ctx: Context, condition: ColumnElement[bool]) -> list[StoredFile]:
    query = select(StoredFile).where(condition).order_by(StoredFile.id)
    return list((await ctx.session.execute(query)).scalars())


async def _artifact_members(ctx: Context, artifact_id: int) -> list[ZipMember]:
    rows = await _files_where(ctx, StoredFile.artifact_id == artifact_id)
    return await _members_of(ctx, rows, f"artifact_{artifact_id}/")


async def zip_members(ctx: Context, kind: DownloadKind, object_id: int) -> list[ZipMember]:
    """What the zip of an artifact, a study or an analysis holds, for the caller."""
    await check_readable(ctx, kind, object_id)
    if kind == "artifact":
        return await _artifact_members(ctx, object_id)
    if kind == "study":
        return await _study_members(ctx, object_id)
    if kind == "analysis":
        return await _analysis_members(ctx, object_id)
    raise NotFound("Single files are not zipped: use the file's own link.")


async def _study_members(ctx: Context, study_id: int) -> list[ZipMember]:
    """The current sample and preparation information files, and the released artifacts the
    caller may read."""
    preps = select(PrepTemplate.id).where(PrepTemplate.study_id == study_id)
    templates = await _files_where(ctx, StoredFile.sample_template_study_id == study_id)
    prep_files = await _files_where(ctx, StoredFile.prep_id.in_(preps))
    members = await _members_of(ctx, _newest_per_owner(templates + prep_files), "templates/")
    artifacts = select(Artifact.id).where(
        Artifact.study_id == study_id,
        Artifact.visibility.in_(RELEASED),
        access.readable_artifacts_filter(ctx.principal),
    )
    for artifact_id in (await ctx.session.execute(artifacts.order_by(Artifact.id))).scalars():
        members.extend(await _artifact_members(ctx, artifact_id))
    return members


def _newest_per_owner(rows: list[StoredFile]) -> list[StoredFile]:
    """The current information file of each owner: earlier versions stay out of the zip."""
    newest: dict[tuple[int | None, int | None, int], StoredFile] = {}
    for row in rows:
        key = (row.sample_template_study_id, row.prep_id, row.filepath_type_id)
        if key not in newest or row.id > newest[key].id:
            newest[key] = row
    return sorted(newest.values(), key=lambda row: row.id)


async def _analysis_members(ctx: Context, analysis_id: int) -> list[ZipMember]:
    analysis = await ctx.session.get(Analysis, analysis_id)
    if analysis is None:
        raise NotFound(f"Analysis not found: {analysis_id}")
    own = await _files_where(ctx, StoredFile.analysis_id == analysis_id)
    members = await _members_of(ctx, own, "")
    artifacts = select(Artifact.id).where(Artifact.analysis_id == analysis_id)
    for artifact_id in (await ctx.session.execute(artifacts.order_by(Artifact.id))).scalars():
        members.extend(await _artifact_members(ctx, artifact_id))
    return members
