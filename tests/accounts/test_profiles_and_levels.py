"""Users change their profile; administrators change anyone's profile and level."""

from __future__ import annotations

import httpx

from tests.builders.callers import Callers, error_codes, run_graphql
from tests.graphql.editing_builders import payload

ERRORS = "userErrors { field message code }"
PROFILE = f"""mutation($input: UpdateProfileInput!) {{
  updateProfile(input: $input) {{
    user {{ email name affiliation address phone socialOrcid receiveProcessingJobEmails }}
    {ERRORS} }} }}"""
LEVEL = f"""mutation($input: SetUserLevelInput!) {{
  setUserLevel(input: $input) {{ user {{ email level }} {ERRORS} }} }}"""


async def test_a_user_changes_their_profile(client: httpx.AsyncClient, callers: Callers) -> None:
    changes = {
        "name": " Ada Lovelace ",
        "affiliation": "Analytical Engines",
        "address": "12 St James's Square, London",
        "phone": "+44 20 0000 0000",
        "socialOrcid": "0000-0002-1825-0097",
        "receiveProcessingJobEmails": True,
    }

    result = await run_graphql(client, PROFILE, {"input": changes}, caller=callers.owner)
    cleared = await run_graphql(client, PROFILE, {"input": {"phone": ""}}, caller=callers.owner)

    assert payload(result, "updateProfile") == {
        "user": {
            "email": callers.owner.account.email,
            "name": "Ada Lovelace",
            "affiliation": "Analytical Engines",
            "address": "12 St James's Square, London",
            "phone": "+44 20 0000 0000",
            "socialOrcid": "0000-0002-1825-0097",
            "receiveProcessingJobEmails": True,
        },
        "userErrors": [],
    }
    user = payload(cleared, "updateProfile")["user"]
    assert (user["phone"], user["name"]) == (None, "Ada Lovelace")


async def test_profile_limits_and_rights(client: httpx.AsyncClient, callers: Callers) -> None:
    too_long = {"name": "x" * 300}
    someone_else = {"email": callers.other.account.email, "name": "Renamed"}

    long_result = await run_graphql(client, PROFILE, {"input": too_long}, caller=callers.owner)
    others = await run_graphql(client, PROFILE, {"input": someone_else}, caller=callers.owner)
    by_admin = await run_graphql(client, PROFILE, {"input": someone_else}, caller=callers.admin)
    anonymous = await run_graphql(client, PROFILE, {"input": {"name": "Nobody"}})

    assert payload(long_result, "updateProfile")["userErrors"] == [
        {
            "field": ["input", "name"],
            "message": "At most 255 characters, please.",
            "code": "INVALID",
        }
    ]
    assert error_codes(others) == ["FORBIDDEN"]
    assert payload(by_admin, "updateProfile")["user"]["name"] == "Renamed"
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]


async def test_administrators_set_levels_and_others_may_not(
    client: httpx.AsyncClient, callers: Callers
) -> None:
    email = callers.other.account.email
    change = {"email": email, "level": "SUPERUSER"}

    refused = await run_graphql(client, LEVEL, {"input": change}, caller=callers.owner)
    done = await run_graphql(client, LEVEL, {"input": change}, caller=callers.admin)
    unknown = await run_graphql(
        client,
        LEVEL,
        {"input": {"email": "nobody@example.org", "level": "USER"}},
        caller=callers.admin,
    )

    assert error_codes(refused) == ["FORBIDDEN"]
    assert payload(done, "setUserLevel") == {
        "user": {"email": email, "level": "SUPERUSER"},
        "userErrors": [],
    }
    assert payload(unknown, "setUserLevel") == {
        "user": None,
        "userErrors": [
            {
                "field": ["input", "email"],
                "message": "No account with the e-mail nobody@example.org.",
                "code": "NOT_FOUND",
            }
        ],
    }
