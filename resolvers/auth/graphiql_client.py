"""The built-in OAuth client of GraphiQL's sign-in panel: no secret, password grant.

The page exchanges an analyst's e-mail and password for a token through it, as scripts do
through their own password-grant clients. Every server makes sure it exists at start-up.
"""

from __future__ import annotations

import logging

from db.models import OAuthClient
from resolvers.auth.accounts import create_client
from resolvers.context import Context
from resolvers.errors import Conflict

logger = logging.getLogger(__name__)

GRAPHIQL_CLIENT_ID = "qiita-graphiql"


async def ensure_graphiql_client(ctx: Context) -> None:
    """Create the client when it is missing (one of several starting workers wins)."""
    if await ctx.session.get(OAuthClient, GRAPHIQL_CLIENT_ID) is not None:
        return
    try:
        await create_client(
            ctx,
            client_id=GRAPHIQL_CLIENT_ID,
            password_grant=True,
            description="GraphiQL sign-in panel",
        )
    except Conflict:
        logger.info("the GraphiQL client was created by another worker")
