"""A browser uploads with tus: through the vendored tus-js-client, and by hand from page
JavaScript (fetch, Web Crypto sha1 per chunk)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from db.settings import Settings
from gateway.app import create_app
from tests.builders.callers import make_caller
from tests.builders.studies import make_study
from tests.e2e.test_graphiql_browser import backend, browser
from tests.graphql_transport.live_server import serve

__all__ = ["backend", "browser"]

pytestmark = pytest.mark.slow

SIZE = 300_000
UPLOAD_SCRIPT = """
async ([token, studyId, size]) => {
  const bytes = new Uint8Array(size).map((_, i) => i % 251);
  const b64 = (text) => btoa(unescape(encodeURIComponent(text)));
  const auth = {"Tus-Resumable": "1.0.0", "Authorization": "Bearer " + token};
  const created = await fetch("/uploads/", {method: "POST", headers: {...auth,
    "Upload-Length": String(size),
    "Upload-Metadata":
      "study_id " + b64(String(studyId)) + ",filename " + b64("navigateur é.bin")}});
  const url = created.headers.get("Location");
  const statuses = [created.status];
  let offset = 0;
  while (offset < size) {
    const chunk = bytes.slice(offset, offset + 100000);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", chunk));
    const checksum = btoa(String.fromCharCode(...digest));
    const sent = await fetch(url, {method: "PATCH", body: chunk, headers: {...auth,
      "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream",
      "Upload-Checksum": "sha1 " + checksum}});
    statuses.push(sent.status);
    offset = Number(sent.headers.get("Upload-Offset"));
  }
  return statuses;
}
"""


TUS_CLIENT_SCRIPT = """
async ([token, studyId, size]) => {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7) % 253);
  const file = new Blob([bytes]);
  return await new Promise((resolve, reject) => {
    const upload = new tus.Upload(file, {
      endpoint: "/uploads/",
      chunkSize: 100000,
      retryDelays: null,
      headers: {Authorization: "Bearer " + token},
      metadata: {study_id: String(studyId), filename: "tus client é.bin"},
      onError: (error) => reject(String(error)),
      onSuccess: () => resolve(upload.url),
    });
    upload.start();
  });
}
"""


async def test_browser_uploads_in_checksummed_chunks(settings: Settings, browser: Browser) -> None:
    async with serve(create_app(settings)) as server:
        owner = await make_caller(server.services)
        study_id = await make_study(server.services, owner.account)
        page = await browser.new_page()
        await page.goto(f"{server.http_url}/healthz")
        statuses = await page.evaluate(UPLOAD_SCRIPT, [owner.token, study_id, SIZE])
        await page.close()
    assert statuses == [201, 204, 204, 204]
    final = settings.resolved_data_dir / "uploads" / str(study_id) / "navigateur é.bin"
    assert final.read_bytes() == bytes(i % 251 for i in range(SIZE))


async def test_browser_uploads_with_the_vendored_tus_js_client(
    settings: Settings, browser: Browser
) -> None:
    outside: list[str] = []
    async with serve(create_app(settings)) as server:
        owner = await make_caller(server.services)
        study_id = await make_study(server.services, owner.account)
        page = await browser.new_page()
        page.on(
            "request",
            lambda request: (
                None if request.url.startswith(server.http_url) else outside.append(request.url)
            ),
        )
        await page.goto(f"{server.http_url}/healthz")
        await page.add_script_tag(url="/upload-client/tus.min.js")
        url = await page.evaluate(TUS_CLIENT_SCRIPT, [owner.token, study_id, SIZE])
        await page.close()
    assert "/uploads/" in url
    assert outside == []
    final = settings.resolved_data_dir / "uploads" / str(study_id) / "tus client é.bin"
    assert final.read_bytes() == bytes((i * 7) % 253 for i in range(SIZE))
