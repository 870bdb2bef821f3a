"""GraphiQL's sign-in panel and Explorer in headless chromium, every outside request refused.

The analyst signs in with e-mail and password (a bad password shows the server's message),
sees private data through the panel's token (queries and subscriptions), signs out; the token
lives in sessionStorage only. The Explorer builds a query by clicking fields.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from db.settings import Settings
from gateway.app import create_app
from tests.builders.accounts import DEFAULT_PASSWORD, make_user
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.builders.studies import make_study
from tests.e2e.test_graphiql_browser import (
    QUERY_EDITOR,
    RESPONSE,
    UI_TIMEOUT_MS,
    Outside,
    backend,
    browser,
    live,
    open_graphiql,
    type_operation,
)
from tests.graphql_transport.live_server import LiveServer, serve

__all__ = ["backend", "browser", "live"]

pytestmark = pytest.mark.slow

EMAIL = "analyst@example.org"
STATUS = "#signin-status"
ERROR = "#signin-error"


async def sign_in(page: Page, email: str, password: str) -> None:
    await page.fill("#signin-email", email)
    await page.fill("#signin-password", password)
    await page.click("#signin-submit")


async def run(page: Page, document: str, operation_name: str) -> None:
    await type_operation(page, document, operation_name)
    await page.locator("button.graphiql-execute-button").click()


async def session_storage(page: Page) -> str:
    return str(await page.evaluate("JSON.stringify(window.sessionStorage)"))


async def local_storage(page: Page) -> str:
    return str(await page.evaluate("JSON.stringify(window.localStorage)"))


async def test_sign_in_panel_gets_a_token_used_by_queries_and_subscriptions(
    live: LiveServer, browser: Browser
) -> None:
    user = await make_user(live.services, email=EMAIL)
    study_id = await make_study(live.services, user, title="Private sorghum roots")
    command_id = await make_command(live.services)
    job_id = (await make_job(live.services, command_id, user.id)).id
    outside = Outside()
    page = await open_graphiql(browser, live, outside)
    await expect(page.locator(STATUS)).to_have_text("Not signed in: public data only.")

    await sign_in(page, EMAIL, "not-the-password")
    await expect(page.locator(ERROR)).to_have_text(
        "Oauth2 error: invalid user information", timeout=UI_TIMEOUT_MS
    )
    assert "token" not in await session_storage(page)

    await sign_in(page, EMAIL, DEFAULT_PASSWORD)
    status = page.locator(STATUS)
    await expect(status).to_contain_text(f"Signed in as {EMAIL} (user)", timeout=UI_TIMEOUT_MS)
    await expect(status).to_contain_text("token expires at")
    await expect(status).to_contain_text("(in 60 min)")
    await expect(page.locator(ERROR)).to_have_text("")
    await expect(page.locator("#signin-password")).to_be_hidden()
    stored = await session_storage(page)
    assert '"token' in stored
    assert DEFAULT_PASSWORD not in stored
    assert DEFAULT_PASSWORD not in await local_storage(page)
    assert "expiresAt" not in await local_storage(page)

    await run(page, f"query Mine {{ study(studyId: {study_id}) {{ title }} }}", "Mine")
    response = page.locator(RESPONSE)
    await expect(response).to_contain_text("Private sorghum roots", timeout=UI_TIMEOUT_MS)

    await run(
        page, f'subscription Follow {{ jobUpdated(jobId: "{job_id}") {{ status }} }}', "Follow"
    )
    await expect(response).to_contain_text('"status": "QUEUED"', timeout=UI_TIMEOUT_MS)

    await page.reload()
    await expect(page.locator(STATUS)).to_contain_text(
        f"Signed in as {EMAIL}", timeout=UI_TIMEOUT_MS
    )

    await page.click("#signout")
    await expect(page.locator(STATUS)).to_have_text("Not signed in: public data only.")
    assert "token" not in await session_storage(page)
    await run(page, f"query Again {{ study(studyId: {study_id}) {{ title }} }}", "Again")
    await expect(response).to_contain_text('"study": null', timeout=UI_TIMEOUT_MS)
    assert outside.requests == []
    assert [error for error in outside.errors if "400" not in error] == []


async def test_explorer_builds_a_query_by_clicking_fields(
    live: LiveServer, browser: Browser
) -> None:
    outside = Outside()
    page = await open_graphiql(browser, live, outside)
    await page.click('.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]')
    await expect(page.locator(".graphiql-explorer-root")).to_be_visible(timeout=UI_TIMEOUT_MS)
    for example in ("query-StudyWithSamples", "query-JobSteps", "subscription-FollowJob"):
        await expect(page.locator(f"#{example}")).to_be_visible()

    await type_operation(page, "query Built {\n  __typename\n}", "Built")
    await page.click('#query-Built [data-field-name="studies"]')
    await page.click('#query-Built .graphiql-explorer-studies [data-field-name="totalCount"]')
    editor = f"{QUERY_EDITOR} .CodeMirror"
    built = await page.evaluate(f"document.querySelector('{editor}').CodeMirror.getValue()")
    assert "studies" in built
    assert "totalCount" in built
    await page.locator("button.graphiql-execute-button").click()
    await expect(page.locator(RESPONSE)).to_contain_text('"totalCount": 0', timeout=UI_TIMEOUT_MS)
    assert outside.requests == []
    assert outside.errors == []


async def test_a_token_close_to_expiry_is_announced_with_sign_in_again(
    settings: Settings, browser: Browser
) -> None:
    async with serve(create_app(settings.replace(token_ttl=120))) as short_lived:
        await make_user(short_lived.services, email=EMAIL)
        outside = Outside()
        page = await open_graphiql(browser, short_lived, outside)
        await sign_in(page, EMAIL, DEFAULT_PASSWORD)
        status = page.locator(STATUS)
        await expect(status).to_contain_text("sign in again to keep working", timeout=UI_TIMEOUT_MS)
        await expect(status).to_have_class("expiring")
        await page.click("#signin-again")
        await expect(page.locator("#signin-password")).to_be_visible()
        await expect(page.locator("#signin-email")).to_have_value(EMAIL)
        await sign_in(page, EMAIL, DEFAULT_PASSWORD)
        await expect(page.locator("#signin-password")).to_be_hidden(timeout=UI_TIMEOUT_MS)
        await expect(status).to_contain_text(f"Signed in as {EMAIL}")
        assert outside.requests == []
        assert outside.errors == []
