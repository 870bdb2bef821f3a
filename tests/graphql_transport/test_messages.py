"""Messages: a job's end and a share reach the user over the `messages` subscription; the
user lists them, marks them read or unread and deletes them over HTTP."""

from __future__ import annotations

import json
from typing import Any

import httpx

from db.models import Account, Command
from tests.builders.accounts import bearer, make_software, make_user, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.builders.studies import make_study
from tests.graphql_transport.live_server import LiveServer, wait_for_subscribers
from tests.graphql_transport.ws import bearer_payload, graphql_socket, receive, subscribe

MESSAGES = """subscription { messages { messageId kind body read jobId job { status } } }"""
LIST = """query($unread: Boolean) {
  viewer { unreadMessageCount }
  messages(unread: $unread) { totalCount nodes { messageId kind read studyId } } }"""
MARK = """mutation($ids: [ID!]!, $read: Boolean!) {
  markMessagesRead(input: {ids: $ids, read: $read}) {
    changed unreadCount userErrors { message } } }"""
MARK_ALL = """mutation { markAllMessagesRead { changed unreadCount userErrors { message } } }"""
DELETE = """mutation($ids: [ID!]!) {
  deleteMessages(input: {ids: $ids}) { changed unreadCount userErrors { message } } }"""
SHARE = """mutation($studyId: ID!, $email: String!) {
  shareStudy(input: {studyId: $studyId, email: $email}) {
    study { studyId } userErrors { message } } }"""


async def _graphql(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert "errors" not in result, result
    data: dict[str, Any] = result["data"]
    return data


async def _end_a_job(
    live: LiveServer, owner: Account, report: dict[str, Any], command: str | None = None
) -> str:
    """A job of `owner` that its plugin starts, then reports on over REST."""
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    if command is not None:
        async with live.services.sessions() as session, session.begin():
            row = await session.get(Command, command_id)
            assert row is not None
            row.name = command
    plugin_token = await token_for(live.services, "plugin", software_id=software_id)
    job_id = (await make_job(live.services, command_id, owner.id)).id
    async with httpx.AsyncClient(base_url=live.http_url, headers=bearer(plugin_token)) as plugin:
        assert (await plugin.post(f"/qiita_db/jobs/{job_id}/heartbeat/")).status_code == 200
        body = json.dumps(report)
        done = await plugin.post(f"/qiita_db/jobs/{job_id}/complete/", content=body)
        assert done.status_code == 200, done.text
    return job_id


async def _fail_a_job(live: LiveServer, owner: Account) -> str:
    return await _end_a_job(live, owner, {"success": False, "error": "Out of memory"})


async def test_a_failed_job_reaches_its_user_over_the_subscription(live: LiveServer) -> None:
    owner = await make_user(live.services)
    token = await token_for(live.services, "user", account=owner)

    async with graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "inbox", MESSAGES, {})
        await wait_for_subscribers(live.services, "message", 1)
        job_id = await _fail_a_job(live, owner)

        message = await receive(ws)

    assert (message["id"], message["type"]) == ("inbox", "next")
    pushed = message["payload"]["data"]["messages"]
    assert pushed["kind"] == "JOB_FAILED"
    assert pushed["jobId"] == job_id
    assert pushed["job"] == {"status": "ERROR"}
    assert pushed["read"] is False
    assert pushed["body"].startswith(f"Job {job_id} (")
    assert pushed["body"].endswith("failed: Out of memory")


async def test_messages_of_others_are_not_pushed(live: LiveServer) -> None:
    owner = await make_user(live.services)
    other = await make_user(live.services)
    other_token = await token_for(live.services, "user", account=other)

    async with graphql_socket(live, bearer_payload(other_token)) as ws:
        await subscribe(ws, "inbox", MESSAGES, {})
        await wait_for_subscribers(live.services, "message", 1)
        await _fail_a_job(live, owner)
        await _fail_a_job(live, other)

        message = await receive(ws)

    assert message["payload"]["data"]["messages"]["kind"] == "JOB_FAILED"
    headers = bearer(other_token)
    async with httpx.AsyncClient(base_url=live.http_url, headers=headers) as http:
        listed = await _graphql(http, LIST)
    assert listed["messages"]["totalCount"] == 1


async def test_the_messages_subscription_is_for_users_not_clients(live: LiveServer) -> None:
    plugin_token = await token_for(live.services, "plugin")

    async with graphql_socket(live, bearer_payload(plugin_token)) as ws:
        await subscribe(ws, "inbox", MESSAGES, {})
        message = await receive(ws)
        assert await receive(ws) == {"id": "inbox", "type": "complete"}

    assert (message["id"], message["type"]) == ("inbox", "next")
    assert message["payload"]["data"] is None
    [error] = message["payload"]["errors"]
    assert error["message"] == "Only users have messages; a client token has no account."
    assert error["extensions"] == {"code": "FORBIDDEN"}


async def test_shares_and_job_ends_are_listed_marked_read_unread_and_deleted(
    live: LiveServer,
) -> None:
    owner = await make_user(live.services)
    colleague = await make_user(live.services)
    owner_token = await token_for(live.services, "user", account=owner)
    token = await token_for(live.services, "user", account=colleague)
    study_id = await make_study(live.services, owner)
    async with httpx.AsyncClient(base_url=live.http_url, headers=bearer(owner_token)) as http:
        shared = await _graphql(http, SHARE, {"studyId": str(study_id), "email": colleague.email})
        assert shared["shareStudy"]["userErrors"] == []
        await _graphql(http, SHARE, {"studyId": str(study_id), "email": colleague.email})
    await _fail_a_job(live, colleague)

    async with httpx.AsyncClient(base_url=live.http_url, headers=bearer(token)) as http:
        listed = await _graphql(http, LIST)
        nodes = listed["messages"]["nodes"]
        share_id, job_id = (node["messageId"] for node in nodes)
        marked = await _graphql(http, MARK, {"ids": [str(share_id)], "read": True})
        unread_only = await _graphql(http, LIST, {"unread": True})
        all_read = await _graphql(http, MARK_ALL)
        unread_again = await _graphql(http, MARK, {"ids": [str(job_id)], "read": False})
        deleted = await _graphql(http, DELETE, {"ids": [str(share_id), str(job_id)]})
        after = await _graphql(http, LIST)

    assert listed["viewer"] == {"unreadMessageCount": 2}
    assert [(n["kind"], n["read"], n["studyId"]) for n in nodes] == [
        ("STUDY_SHARED", False, study_id),  # shared once: sharing again is a no-op
        ("JOB_FAILED", False, None),
    ]
    assert marked["markMessagesRead"] == {"changed": 1, "unreadCount": 1, "userErrors": []}
    assert [n["messageId"] for n in unread_only["messages"]["nodes"]] == [job_id]
    assert all_read["markAllMessagesRead"] == {"changed": 1, "unreadCount": 0, "userErrors": []}
    assert unread_again["markMessagesRead"] == {"changed": 1, "unreadCount": 1, "userErrors": []}
    assert deleted["deleteMessages"] == {"changed": 2, "unreadCount": 0, "userErrors": []}
    assert after == {
        "viewer": {"unreadMessageCount": 0},
        "messages": {"totalCount": 0, "nodes": []},
    }


async def test_messages_of_someone_else_are_not_changed(live: LiveServer) -> None:
    owner = await make_user(live.services)
    stranger_token = await token_for(live.services, "user")
    owner_token = await token_for(live.services, "user", account=owner)
    await _fail_a_job(live, owner)
    node_query = "query($id: ID!) { node(id: $id) { ... on Message { messageId kind } } }"
    async with httpx.AsyncClient(base_url=live.http_url, headers=bearer(owner_token)) as http:
        [node] = (await _graphql(http, "{ messages { nodes { id messageId } } }"))["messages"][
            "nodes"
        ]
        own = await _graphql(http, node_query, {"id": node["id"]})

    async with httpx.AsyncClient(base_url=live.http_url, headers=bearer(stranger_token)) as http:
        marked = await _graphql(http, MARK, {"ids": [node["id"]], "read": True})
        deleted = await _graphql(http, DELETE, {"ids": [str(node["messageId"])]})
        hidden = await _graphql(http, node_query, {"id": node["id"]})

    assert own == {"node": {"messageId": node["messageId"], "kind": "JOB_FAILED"}}
    assert hidden == {"node": None}
    assert marked["markMessagesRead"]["changed"] == 0
    assert deleted["deleteMessages"]["changed"] == 0
    async with httpx.AsyncClient(base_url=live.http_url, headers=bearer(owner_token)) as http:
        assert (await _graphql(http, LIST))["viewer"] == {"unreadMessageCount": 1}


async def test_a_finished_job_is_a_message_and_validations_stay_quiet(live: LiveServer) -> None:
    owner = await make_user(live.services)
    token = await token_for(live.services, "user", account=owner)

    job_id = await _end_a_job(live, owner, {"success": True, "artifacts": {}})
    await _end_a_job(live, owner, {"success": False, "error": "bad file"}, command="Validate")

    async with httpx.AsyncClient(base_url=live.http_url, headers=bearer(token)) as http:
        listed = await _graphql(http, "{ messages { nodes { kind body jobId } } }")
    [message] = listed["messages"]["nodes"]
    assert (message["kind"], message["jobId"]) == ("JOB_SUCCEEDED", job_id)
    assert message["body"].startswith(f"Job {job_id} (command ")
    assert message["body"].endswith(") finished.")
