"""`/cloud/...`: file transfer for plugins without the shared file system (plugin-api.md §6)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from resolvers.files import cloud_files
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import HTML_CONTENT_TYPE, read_uploaded_files
from rest_compat.qiita_routing import captured

DIRECTORY_ARCHIVE_NAME = "qiita-main-data.zip"
TRANSFER_HEADERS = {
    "Content-Transfer-Encoding": "binary",
    "Content-Description": "File Transfer",
    "Expires": "0",
    "Cache-Control": "no-cache",
}


async def fetch(request: Request) -> Response:
    """§6.1: the file's bytes, or a registered directory as a ZIP (`Is-Qiita-Directory`)."""
    async with authenticated_unit_of_work(request) as ctx:
        target = await cloud_files.locate_fetch(ctx, captured(request, "filepath"))
    if target.is_directory:
        archive = await asyncio.to_thread(cloud_files.zip_directory, target.path)
        headers = {
            **TRANSFER_HEADERS,
            "Content-Disposition": f"attachment; filename={DIRECTORY_ARCHIVE_NAME}",
            "Is-Qiita-Directory": "yes",
        }
        return Response(archive, media_type="application/zip", headers=headers)
    headers = {
        **TRANSFER_HEADERS,
        "Content-Disposition": f"attachment; filename={target.path.name}",
    }
    return FileResponse(target.path, media_type="application/octet-stream", headers=headers)


async def push(request: Request) -> Response:
    """§6.2: each multipart file part's field name is its destination folder."""
    async with authenticated_unit_of_work(request) as ctx:
        pushed = [
            cloud_files.PushedFile(folder, name, content)
            for folder, name, content in await read_uploaded_files(request)
        ]
        written = await cloud_files.store_pushed_files(ctx, pushed)
    lines = "".join(f" - {path}\n" for path in written)
    body = f"Stored {len(written)} files into BASE_DATA_DIR of Qiita:\n{lines}"
    return Response(body, headers={"content-type": HTML_CONTENT_TYPE})
