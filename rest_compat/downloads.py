"""Download routes: signed links (`/downloads/...`) and public artifact links (`/public/...`).

Single files are served with `Range`, `If-Range` and `ETag` (so interrupted downloads resume);
zips are streamed while they are built, never held in memory or written to disk. Which files,
who may fetch them and the link signatures are in resolvers.files.downloads.
"""

from __future__ import annotations

import datetime as dt
import stat
import zlib
from collections.abc import AsyncIterator, Sequence

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from stream_zip import ZIP_64, async_stream_zip

from resolvers.context import ANONYMOUS, Principal, unit_of_work
from resolvers.files import downloads
from resolvers.files.downloads import DownloadKind, ZipMember
from rest_compat.bearer import services_of

CHUNK = 1024 * 1024
ZIP_MODE = stat.S_IFREG | 0o644
ZIP_KINDS: dict[str, DownloadKind] = {
    "artifact": "artifact",
    "study": "study",
    "analysis": "analysis",
}


async def _link_principal(request: Request) -> Principal:
    query = request.query_params
    async with unit_of_work(services_of(request)) as ctx:
        return await downloads.principal_for_link(
            ctx,
            request.url.path,
            query.get("expires", ""),
            query.get("account", ""),
            query.get("signature", ""),
        )


async def download_file(request: Request) -> Response:
    principal = await _link_principal(request)
    async with unit_of_work(services_of(request), principal) as ctx:
        served = await downloads.served_file(ctx, request.path_params["file_id"])
    return FileResponse(served.path, filename=served.name, content_disposition_type="attachment")


async def _file_chunks(member: ZipMember) -> AsyncIterator[bytes]:
    async with await anyio.open_file(member.path, "rb") as handle:
        while chunk := await handle.read(CHUNK):
            yield chunk


async def _zip_entries(
    members: Sequence[ZipMember],
) -> AsyncIterator[tuple[str, dt.datetime, int, object, AsyncIterator[bytes]]]:
    for member in members:
        modified = dt.datetime.fromtimestamp(member.path.stat().st_mtime, dt.UTC)
        yield member.name, modified, ZIP_MODE, ZIP_64, _file_chunks(member)


def _fast_deflate() -> zlib._Compress:
    return zlib.compressobj(level=1, wbits=-zlib.MAX_WBITS)


async def _zip_response(request: Request, principal: Principal, kind: DownloadKind) -> Response:
    object_id: int = request.path_params["object_id"]
    async with unit_of_work(services_of(request), principal) as ctx:
        members = await downloads.zip_members(ctx, kind, object_id)
    body = async_stream_zip(_zip_entries(members), get_compressobj=_fast_deflate)  # type: ignore[arg-type]
    return StreamingResponse(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{kind}_{object_id}.zip"'},
    )


async def download_zip(request: Request) -> Response:
    kind = ZIP_KINDS.get(request.path_params["kind"])
    if kind is None:
        return Response(b"", status_code=404)
    return await _zip_response(request, await _link_principal(request), kind)


async def public_artifact(request: Request) -> Response:
    return await _zip_response(request, ANONYMOUS, "artifact")


DOWNLOAD_ROUTES: list[BaseRoute] = [
    Route("/downloads/file/{file_id:int}", download_file, methods=["GET"]),
    Route("/downloads/{kind}/{object_id:int}.zip", download_zip, methods=["GET"]),
    Route("/public/artifacts/{object_id:int}.zip", public_artifact, methods=["GET"]),
]
