"""Download links on File, Artifact, Study and Analysis (resolvers.files.downloads makes them)."""

from __future__ import annotations

from resolvers.files import downloads
from resolvers.files.downloads import DownloadKind
from schema.context import Info

SIGNED_LINK = (
    "A signed download link for the caller, valid QIITA_DOWNLOAD_URL_TTL seconds; "
    "the read rule is checked again when it is used."
)


async def signed_link(info: Info, kind: DownloadKind, object_id: int) -> str:
    async with info.context.unit_of_work() as ctx:
        return await downloads.download_url(ctx, kind, object_id)


async def public_link(info: Info, artifact_id: int) -> str | None:
    async with info.context.unit_of_work() as ctx:
        return await downloads.public_download_url(ctx, artifact_id)
