"""Resumable uploads into a study's upload folder: who may upload, limits, names, staging.

A partial upload lives in the staging area (`<data_dir>/upload_staging/`) as `<id>.part`
(the bytes received so far) and `<id>.json` (study, file name, announced length, uploader,
expiry). Only a complete upload moves into `<uploads mount>/<study>/`, where the artifact
attachment route looks for files; a small record next to the staging area remembers who
uploaded each finished file and when. State is on disk only, so several workers share it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import time
import unicodedata
import uuid
from collections.abc import AsyncIterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from db.files import PathOutsideRoot, resolve_inside
from db.settings import Settings
from resolvers.artifacts.uploaded_artifacts import study_upload_folder
from resolvers.auth.access import can_edit_study, can_resume_upload
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden, Invalid, NotFound
from resolvers.studies.studies import find_editable_study

CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
MAX_NAME_BYTES = 255
_ID_ALPHABET = frozenset("0123456789abcdef")


class UploadTooLarge(Invalid):
    """The announced or received size is over the limit."""


class NoSpaceForUpload(Conflict):
    """The disk has not enough free space for the announced size."""


class ChecksumMismatch(Invalid):
    """The received chunk does not match the checksum the client sent; it was discarded."""


class OffsetMismatch(Conflict):
    """The client sends bytes for an offset the upload is not at."""


class BodyInterrupted(Invalid):
    """The connection broke while the body was arriving (raised by the surface's stream)."""


@dataclass(frozen=True)
class PartialUpload:
    upload_id: str
    study_id: int
    filename: str
    length: int
    account_id: int | None
    expires_at: float

    @property
    def expires(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.expires_at, dt.UTC)


@dataclass(frozen=True)
class UploadedFile:
    """A file in a study's upload folder; `account_id`/`email` unknown for files put by hand."""

    name: str
    size: int
    uploaded_at: dt.datetime
    account_id: int | None
    email: str | None


def staging_dir(settings: Settings) -> Path:
    return settings.resolved_data_dir / "upload_staging"


def _records_dir(settings: Settings, study_id: int) -> Path:
    return staging_dir(settings) / "records" / str(study_id)


def sanitize_filename(raw: str) -> str:
    """A safe single file name: no folders, no control characters, no leading dots.

    Letters of any script are kept (NFC-normalised); characters that are unsafe in shells or
    on other systems become `_`.
    """
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        "_" if unicodedata.category(c).startswith("C") or c in '<>:"|?*' else c for c in name
    )
    cleaned = cleaned.strip().lstrip(".").strip()
    if not cleaned:
        raise Invalid(f"{raw!r} is not a usable file name.", "filename")
    if len(cleaned.encode()) > MAX_NAME_BYTES:
        raise Invalid(f"File names are limited to {MAX_NAME_BYTES} bytes.", "filename")
    return cleaned


def parse_checksum(header: str) -> tuple[str, bytes]:
    """`<algorithm> <base64 digest>` -> (algorithm, digest)."""
    algorithm, _, encoded = header.strip().partition(" ")
    algorithm = algorithm.lower()
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise Invalid(
            f"Unsupported checksum algorithm {algorithm!r}; use one of "
            + ", ".join(CHECKSUM_ALGORITHMS)
            + ".",
            "checksum",
        )
    try:
        return algorithm, base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("The checksum is not valid base64.", "checksum") from None


def _paths(settings: Settings, upload_id: str) -> tuple[Path, Path]:
    if len(upload_id) != 32 or not set(upload_id) <= _ID_ALPHABET:
        raise NotFound(f"Upload not found: {upload_id}")
    folder = staging_dir(settings)
    return folder / f"{upload_id}.part", folder / f"{upload_id}.json"


def load_upload(settings: Settings, upload_id: str) -> PartialUpload:
    _, info_path = _paths(settings, upload_id)
    try:
        data = json.loads(info_path.read_text())
    except (OSError, ValueError):
        raise NotFound(f"Upload not found: {upload_id}") from None
    upload = PartialUpload(**data)
    if upload.expires_at < time.time():
        raise NotFound(f"Upload not found: {upload_id} (it expired)")
    return upload


def upload_offset(settings: Settings, upload: PartialUpload) -> int:
    part, _ = _paths(settings, upload.upload_id)
    try:
        return part.stat().st_size
    except FileNotFoundError:
        raise NotFound(f"Upload not found: {upload.upload_id}") from None


def _check_size(settings: Settings, length: int) -> None:
    if length < 0:
        raise Invalid("The upload length must not be negative.", "length")
    if length > settings.max_upload_bytes:
        raise UploadTooLarge(
            f"The file is {length} bytes; uploads are limited to {settings.max_upload_bytes}.",
            "length",
        )
    folder = staging_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if length + settings.upload_free_space_reserve > free:
        raise NoSpaceForUpload(
            f"Not enough free disk space for {length} bytes; try again later or ask an "
            "administrator."
        )


async def begin_upload(ctx: Context, study_id: int, filename: str, length: int) -> PartialUpload:
    """Check the caller, the limits and the name; create the empty partial upload."""
    await find_editable_study(ctx, study_id)
    name = sanitize_filename(filename)
    _check_size(ctx.settings, length)
    final = (await study_upload_folder(ctx, study_id)) / name
    if final.exists():
        raise Conflict(f"{name} is already in the study's upload folder; delete it first.")
    upload = PartialUpload(
        upload_id=uuid.uuid4().hex,
        study_id=study_id,
        filename=name,
        length=length,
        account_id=ctx.principal.account_id,
        expires_at=time.time() + ctx.settings.upload_expiry,
    )
    part, info = _paths(ctx.settings, upload.upload_id)
    part.touch()
    info.write_text(json.dumps(asdict(upload)))
    return upload


async def require_upload_access(ctx: Context, upload_id: str) -> PartialUpload:
    """The upload, if the caller started it (or is an admin) and may still change its study."""
    upload = load_upload(ctx.settings, upload_id)
    if not can_resume_upload(ctx.principal, upload.account_id):
        raise NotFound(f"Upload not found: {upload_id}")
    if not await can_edit_study(ctx, upload.study_id):
        raise Forbidden(f"You do not have permission to modify study {upload.study_id}.")
    return upload


@contextlib.contextmanager
def _locked(part: Path) -> Iterator[int]:
    fd = os.open(part, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict("Another request is writing to this upload; retry later.") from None
        yield fd
    finally:
        os.close(fd)


async def append_chunk(
    settings: Settings,
    upload: PartialUpload,
    offset: int,
    body: AsyncIterable[bytes],
    checksum: tuple[str, bytes] | None = None,
) -> int:
    """Write `body` at `offset`; the new offset. A chunk that is too long or fails its
    checksum is cut off again, so the upload stays at `offset`. When the connection breaks,
    the bytes that arrived are kept (the client resumes after them) unless the chunk carried
    a checksum, which cannot be verified on part of it."""
    part, _ = _paths(settings, upload.upload_id)
    if not part.exists():
        raise NotFound(f"Upload not found: {upload.upload_id}")
    with _locked(part) as fd:
        current = os.fstat(fd).st_size
        if offset != current:
            raise OffsetMismatch(f"The upload is at offset {current}, not {offset}.")
        digest = hashlib.new(checksum[0]) if checksum else None
        position = offset
        try:
            async for chunk in body:
                if position + len(chunk) > upload.length:
                    raise UploadTooLarge(
                        f"The upload was announced with {upload.length} bytes; more were sent.",
                        "length",
                    )
                os.pwrite(fd, chunk, position)
                position += len(chunk)
                if digest is not None:
                    digest.update(chunk)
            if digest is not None and checksum is not None and digest.digest() != checksum[1]:
                raise ChecksumMismatch(
                    f"The chunk does not match its {checksum[0]} checksum; it was discarded.",
                    "checksum",
                )
        except BodyInterrupted:
            if checksum is not None:
                os.ftruncate(fd, offset)
            os.fsync(fd)
            raise
        except BaseException:
            os.ftruncate(fd, offset)
            raise
        os.fsync(fd)
    return position


def extend_expiry(settings: Settings, upload: PartialUpload) -> PartialUpload:
    """An upload that receives bytes stays for another `upload_expiry` seconds."""
    renewed = dataclasses.replace(upload, expires_at=time.time() + settings.upload_expiry)
    _, info = _paths(settings, upload.upload_id)
    if info.exists():
        info.write_text(json.dumps(asdict(renewed)))
    return renewed


async def finish_upload(ctx: Context, upload: PartialUpload) -> Path:
    """Move a complete upload into the study's upload folder and record who sent it."""
    if not await can_edit_study(ctx, upload.study_id):
        raise Forbidden(f"You do not have permission to modify study {upload.study_id}.")
    part, info = _paths(ctx.settings, upload.upload_id)
    folder = await study_upload_folder(ctx, upload.study_id)
    final = folder / upload.filename
    if final.exists():
        raise Conflict(f"{upload.filename} is already in the study's upload folder.")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(os.fspath(part), os.fspath(final))
    info.unlink(missing_ok=True)
    record = _record_path(ctx.settings, upload.study_id, upload.filename)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"account_id": upload.account_id, "email": ctx.principal.email}))
    return final


def _record_path(settings: Settings, study_id: int, filename: str) -> Path:
    key = hashlib.sha256(filename.encode()).hexdigest()
    return _records_dir(settings, study_id) / f"{key}.json"


def discard_upload(settings: Settings, upload: PartialUpload) -> None:
    """Termination: the partial upload and its bytes are gone."""
    part, info = _paths(settings, upload.upload_id)
    with contextlib.suppress(FileNotFoundError):
        with _locked(part):
            part.unlink()
    info.unlink(missing_ok=True)


def expire_partial_uploads(settings: Settings, now: float | None = None) -> list[str]:
    """Remove partial uploads past their expiry; their ids."""
    moment = time.time() if now is None else now
    folder = staging_dir(settings)
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    for info in folder.glob("*.json"):
        try:
            expires_at = float(json.loads(info.read_text())["expires_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if expires_at >= moment:
            continue
        (folder / f"{info.stem}.part").unlink(missing_ok=True)
        info.unlink(missing_ok=True)
        removed.append(info.stem)
    return removed


async def list_uploads(ctx: Context, study_id: int) -> list[UploadedFile]:
    """Files in the study's upload folder (sub-folders as relative paths), sorted by name."""
    await find_editable_study(ctx, study_id)
    folder = await study_upload_folder(ctx, study_id)
    if not folder.is_dir():
        return []
    files: list[UploadedFile] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        stat = path.stat()
        record = _read_record(ctx.settings, study_id, name)
        files.append(
            UploadedFile(
                name=name,
                size=stat.st_size,
                uploaded_at=dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC),
                account_id=_int_or_none(record.get("account_id")),
                email=_str_or_none(record.get("email")),
            )
        )
    return files


def _read_record(settings: Settings, study_id: int, name: str) -> dict[str, int | str | None]:
    try:
        data = json.loads(_record_path(settings, study_id, name).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def delete_upload(ctx: Context, study_id: int, name: str) -> None:
    """Remove one file from the study's upload folder."""
    await find_editable_study(ctx, study_id)
    folder = await study_upload_folder(ctx, study_id)
    try:
        path = resolve_inside(folder, name)
    except PathOutsideRoot:
        raise Invalid("Files must be inside the study's upload folder.", "name") from None
    if path == folder.resolve() or not path.is_file():
        raise NotFound(f"{name} is not in the study's upload folder.")
    path.unlink()
    _record_path(ctx.settings, study_id, name).unlink(missing_ok=True)
