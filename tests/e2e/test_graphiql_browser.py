"""GraphiQL in a real headless chromium, with every non-local request refused and recorded.

The page must work behind a firewall: it loads only from the server, takes a bearer token
in its Headers editor, and runs queries and subscriptions with it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright, expect

from db.settings import Settings
from gateway.app import create_app
from resolvers.context import unit_of_work
from resolvers.jobs import lifecycle
from tests.builders.accounts import make_software, make_user, principal_for, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.graphql_transport.live_server import LiveServer, serve, wait_for_subscribers

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
UI_TIMEOUT_MS = 20_000

pytestmark = pytest.mark.slow


@pytest.fixture
def backend() -> str:
    """The page does not depend on the database: SQLite keeps this test short."""
    return "sqlite"


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(create_app(settings)) as server:
        yield server


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not await asyncio.to_thread(os.path.exists, CHROMIUM):
        if os.environ.get("QIITA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium is not installed at {CHROMIUM}")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class Outside:
    """Every URL the page tried to reach off 127.0.0.1 (aborted), and the page's errors."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []

    async def guard(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            await route.continue_()
        else:
            self.requests.append(route.request.url)
            await route.abort()

    def watch_socket(self, url: str) -> None:
        if urlsplit(url).hostname != LOCAL_HOST:
            self.requests.append(url)


async def open_graphiql(browser: Browser, live: LiveServer, outside: Outside) -> Page:
    context = await browser.new_context()
    await context.route("**/*", outside.guard)
    page = await context.new_page()
    page.on("websocket", lambda socket: outside.watch_socket(socket.url))
    page.on("pageerror", lambda error: outside.errors.append(str(error)))
    page.on(
        "console",
        lambda message: outside.errors.append(message.text) if message.type == "error" else None,
    )
    await page.goto(f"{live.http_url}/graphql")
    await expect(page.locator(".graphiql-container")).to_be_visible(timeout=UI_TIMEOUT_MS)
    return page


async def type_operation(page: Page, document: str, operation_name: str) -> None:
    """Type a GraphQL document and wait until GraphiQL has parsed out its operation name
    (it does so a moment after each edit; executing earlier sends the previous name)."""
    await type_into(page, QUERY_EDITOR, document)
    await page.wait_for_function(
        "([selector, name]) => document.querySelector(selector).CodeMirror.operationName === name",
        arg=[f"{QUERY_EDITOR} .CodeMirror", operation_name],
        timeout=UI_TIMEOUT_MS,
    )


async def type_into(page: Page, editor_selector: str, text: str) -> None:
    """Focus a CodeMirror editor, select everything in it and type `text` over it."""
    await page.locator(f"{editor_selector} .CodeMirror").click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(text)


HEADERS_EDITOR = 'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden)'
QUERY_EDITOR = "section.graphiql-query-editor"
RESPONSE = "section.result-window"


async def test_graphiql_runs_a_query_with_the_token_typed_in_the_headers_editor(
    live: LiveServer, browser: Browser
) -> None:
    user = await make_user(live.services, email="analyst@example.org")
    token = await token_for(live.services, "user", account=user)
    outside = Outside()
    page = await open_graphiql(browser, live, outside)

    await type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))
    await type_operation(page, "query Me { viewer { email level } }", "Me")
    await page.locator("button.graphiql-execute-button").click()

    response = page.locator(RESPONSE)
    await expect(response).to_contain_text('"email": "analyst@example.org"', timeout=UI_TIMEOUT_MS)
    await expect(response).to_contain_text('"level": "USER"')
    assert outside.requests == []
    assert outside.errors == []


async def test_graphiql_subscribes_over_websocket_with_the_token(
    live: LiveServer, browser: Browser
) -> None:
    user = await make_user(live.services)
    token = await token_for(live.services, "user", account=user)
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    job_id = (await make_job(live.services, command_id, user.id)).id
    outside = Outside()
    page = await open_graphiql(browser, live, outside)

    await type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))
    await type_operation(
        page, f'subscription Watch {{ jobUpdated(jobId: "{job_id}") {{ status }} }}', "Watch"
    )
    await page.locator("button.graphiql-execute-button").click()
    response = page.locator(RESPONSE)
    await expect(response).to_contain_text('"status": "QUEUED"', timeout=UI_TIMEOUT_MS)

    await wait_for_subscribers(live.services, "job", 1)
    plugin = await principal_for(
        live.services, await token_for(live.services, "plugin", software_id=software_id)
    )
    async with unit_of_work(live.services, plugin) as ctx:
        await lifecycle.heartbeat_job(ctx, job_id)
    await expect(response).to_contain_text('"status": "RUNNING"', timeout=UI_TIMEOUT_MS)
    assert outside.requests == []
    assert outside.errors == []
