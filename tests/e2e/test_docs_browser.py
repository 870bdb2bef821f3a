"""/docs (Swagger UI) in headless chromium: renders the routes with no outside request."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_graphiql_browser import UI_TIMEOUT_MS, Outside, backend, browser, live
from tests.graphql_transport.live_server import LiveServer

__all__ = ["backend", "browser", "live"]

pytestmark = pytest.mark.slow


async def test_docs_page_shows_the_rest_routes_offline(live: LiveServer, browser: Browser) -> None:
    outside = Outside()
    context = await browser.new_context()
    await context.route("**/*", outside.guard)
    page = await context.new_page()
    page.on("pageerror", lambda error: outside.errors.append(str(error)))
    page.on(
        "console",
        lambda message: outside.errors.append(message.text) if message.type == "error" else None,
    )
    await page.goto(f"{live.http_url}/docs")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "qiita-gateway REST API", timeout=UI_TIMEOUT_MS
    )
    heartbeat = page.locator(
        '.opblock-summary-path[data-path="/qiita_db/jobs/{job_id}/heartbeat/"]'
    )
    await expect(heartbeat).to_be_visible()
    await expect(page.locator('[data-path="/api/v1/study/{study_id}/status"]')).to_be_visible()
    await heartbeat.click()
    await expect(page.locator(".opblock.is-open .responses-table")).to_contain_text("403")
    assert outside.requests == []
    assert outside.errors == []
