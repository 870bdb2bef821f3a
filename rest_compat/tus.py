"""Resumable uploads with the tus 1.0 protocol under `/uploads/`.

Extensions: creation, termination, checksum (sha1, sha256, md5) and expiration. The study
and file come from `Upload-Metadata` (`study_id`, `filename`); the bearer token decides who
may upload (resolvers.files.uploads holds every rule). Errors are plain text with the status the
protocol names: 460 for a checksum mismatch, 409 for a wrong offset, 413 over the size limit.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from resolvers.context import Principal, unit_of_work
from resolvers.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthenticated
from resolvers.files import uploads
from rest_compat.bearer import authenticate, services_of
from rest_compat.errors import wire_message

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum,expiration"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
CHECKSUM_MISMATCH = 460

Endpoint = Callable[[Request], Awaitable[Response]]


def _status(error: DomainError) -> int:
    checks: list[tuple[type[DomainError], int]] = [
        (uploads.ChecksumMismatch, CHECKSUM_MISMATCH),
        (uploads.UploadTooLarge, 413),
        (uploads.NoSpaceForUpload, 507),
        (uploads.OffsetMismatch, 409),
        (NotFound, 404),
        (Unauthenticated, 401),
        (Forbidden, 403),
        (Conflict, 409),
        (Invalid, 400),
    ]
    return next((status for kind, status in checks if isinstance(error, kind)), 400)


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **(extra or {})}


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status, headers=_headers())


def tus_endpoint(handler: Endpoint) -> Endpoint:
    """Version check first, then domain errors as plain-text tus answers."""

    async def endpoint(request: Request) -> Response:
        if request.headers.get("tus-resumable") != TUS_VERSION:
            return PlainTextResponse(
                f"Send Tus-Resumable: {TUS_VERSION}.",
                status_code=412,
                headers={"Tus-Version": TUS_VERSION},
            )
        try:
            return await handler(request)
        except DomainError as exc:
            return _error(_status(exc), wire_message(exc))

    return endpoint


def _parse_metadata(header: str) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for pair in header.split(","):
        key, _, encoded = pair.strip().partition(" ")
        if not key:
            continue
        try:
            metadata[key] = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Invalid(f"Upload-Metadata {key!r} is not base64 of UTF-8 text.") from None
    return metadata


def _non_negative(request: Request, name: str) -> int:
    raw = request.headers.get(name)
    if raw is None:
        raise Invalid(f"The {name} header is required.")
    if not raw.isdigit():
        raise Invalid(f"{name} must be a non-negative integer.")
    return int(raw)


def _expires(upload: uploads.PartialUpload) -> str:
    return email.utils.format_datetime(upload.expires, usegmt=True)


async def options(request: Request) -> Response:
    settings = services_of(request).settings
    return Response(
        status_code=204,
        headers={
            "Tus-Resumable": TUS_VERSION,
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Max-Size": str(settings.max_upload_bytes),
            "Tus-Checksum-Algorithm": ",".join(uploads.CHECKSUM_ALGORITHMS),
        },
    )


@tus_endpoint
async def create(request: Request) -> Response:
    if "upload-defer-length" in request.headers:
        raise Invalid("Upload-Defer-Length is not supported: send Upload-Length.")
    length = _non_negative(request, "Upload-Length")
    metadata = _parse_metadata(request.headers.get("upload-metadata", ""))
    study = metadata.get("study_id", "")
    if not study.isdigit():
        raise Invalid("Upload-Metadata must name the study: study_id (a number).")
    if not metadata.get("filename"):
        raise Invalid("Upload-Metadata must name the file: filename.")
    services = services_of(request)
    principal = await authenticate(request)
    async with unit_of_work(services, principal) as ctx:
        upload = await uploads.begin_upload(ctx, int(study), metadata["filename"], length)
        if length == 0:
            await uploads.finish_upload(ctx, upload)
    location = str(request.url_for("tus-upload", upload_id=upload.upload_id))
    return Response(
        status_code=201,
        headers=_headers({"Location": location, "Upload-Expires": _expires(upload)}),
    )


async def _own_upload(request: Request) -> tuple[Principal, uploads.PartialUpload]:
    principal = await authenticate(request)
    async with unit_of_work(services_of(request), principal) as ctx:
        upload = await uploads.require_upload_access(ctx, request.path_params["upload_id"])
    return principal, upload


@tus_endpoint
async def head(request: Request) -> Response:
    _, upload = await _own_upload(request)
    offset = uploads.upload_offset(services_of(request).settings, upload)
    return Response(
        status_code=200,
        headers=_headers(
            {
                "Upload-Offset": str(offset),
                "Upload-Length": str(upload.length),
                "Upload-Expires": _expires(upload),
            }
        ),
    )


async def _body(request: Request) -> AsyncIterator[bytes]:
    try:
        async for chunk in request.stream():
            yield chunk
    except ClientDisconnect:
        raise uploads.BodyInterrupted("The connection broke during the upload.") from None


@tus_endpoint
async def patch(request: Request) -> Response:
    if request.headers.get("content-type", "").split(";")[0].strip() != OFFSET_CONTENT_TYPE:
        return _error(415, f"PATCH bodies must be {OFFSET_CONTENT_TYPE}.")
    offset = _non_negative(request, "Upload-Offset")
    checksum_header = request.headers.get("upload-checksum")
    checksum = uploads.parse_checksum(checksum_header) if checksum_header else None
    principal, upload = await _own_upload(request)
    services = services_of(request)
    new_offset = await uploads.append_chunk(
        services.settings, upload, offset, _body(request), checksum
    )
    if new_offset == upload.length:
        async with unit_of_work(services, principal) as ctx:
            await uploads.finish_upload(ctx, upload)
    else:
        upload = uploads.extend_expiry(services.settings, upload)
    return Response(
        status_code=204,
        headers=_headers({"Upload-Offset": str(new_offset), "Upload-Expires": _expires(upload)}),
    )


@tus_endpoint
async def terminate(request: Request) -> Response:
    _, upload = await _own_upload(request)
    uploads.discard_upload(services_of(request).settings, upload)
    return Response(status_code=204, headers=_headers())


async def upload_resource(request: Request) -> Response:
    handlers: dict[str, Endpoint] = {
        "HEAD": head,
        "GET": head,
        "PATCH": patch,
        "DELETE": terminate,
        "OPTIONS": options,
    }
    return await handlers[request.method](request)


async def uploads_collection(request: Request) -> Response:
    return await (options(request) if request.method == "OPTIONS" else create(request))


UPLOAD_CLIENT_DIR = Path(__file__).resolve().parent / "upload_client"
"""tus-js-client's browser build, served to pages of this server (no outside host)."""

TUS_ROUTES: list[BaseRoute] = [
    Mount("/upload-client", app=StaticFiles(directory=UPLOAD_CLIENT_DIR), name="upload-client"),
    Route("/uploads/", uploads_collection, methods=["POST", "OPTIONS"], name="tus-create"),
    Route(
        "/uploads/{upload_id}",
        upload_resource,
        methods=["HEAD", "GET", "PATCH", "DELETE", "OPTIONS"],
        name="tus-upload",
    ),
]
