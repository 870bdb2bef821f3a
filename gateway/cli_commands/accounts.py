"""`user ...`, `client ...` and `token ...`: accounts, OAuth2 clients and their tokens."""

from __future__ import annotations

import argparse
import json
import sys

from db.settings import Settings
from gateway.cli_commands.database import run_in_database
from gateway.cli_commands.registry import CommandError, Commands, add_command, add_group
from resolvers.context import Context


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.accounts import create_user

    async def work(ctx: Context) -> str:
        account = await create_user(
            ctx, args.email, args.password, args.level, args.name, args.affiliation
        )
        return f"Created {account.level} account {account.email} (id {account.id})."

    print(run_in_database(settings, work))
    return 0


def cmd_user_set_level(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.account_admin import set_user_level

    async def work(ctx: Context) -> str:
        account = await set_user_level(ctx, args.email, args.level)
        return f"Account {account.email} is now {account.level}."

    print(run_in_database(settings, work))
    return 0


def read_new_password() -> str:
    """The first line of stdin when it is not a terminal; else a prompt, typed twice."""
    import getpass

    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on standard input")
        return password
    password = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != password:
        raise CommandError("the two passwords differ")
    return password


def cmd_user_set_password(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.account_admin import set_user_password

    password = read_new_password()

    async def work(ctx: Context) -> str:
        account = await set_user_password(ctx, args.email, password)
        return f"Password of {account.email} changed; its tokens are revoked."

    print(run_in_database(settings, work))
    return 0


def cmd_user_link(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.registration import link_for_administrator

    purpose = "verify" if args.verify else "reset"

    async def work(ctx: Context) -> str:
        return await link_for_administrator(ctx, args.email, purpose)

    print(run_in_database(settings, work))
    return 0


def cmd_client_add(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.accounts import create_client, find_software_id

    async def work(ctx: Context) -> tuple[str, str | None]:
        software_id = None
        if args.plugin is not None:
            software_id = await find_software_id(ctx, *args.plugin)
        return await create_client(
            ctx,
            software_id=software_id,
            client_id=args.id,
            secret=args.secret,
            password_grant=args.password_grant,
        )

    client_id, secret = run_in_database(settings, work)
    if args.json:
        print(json.dumps({"client_id": client_id, "client_secret": secret}))
    else:
        print(f"client_id = {client_id}")
        print(f"client_secret = {secret if secret is not None else '(none: password grant)'}")
    return 0


def cmd_client_list(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.account_admin import ClientSummary, list_clients

    clients: list[ClientSummary] = run_in_database(settings, list_clients)
    if args.json:
        print(json.dumps([vars(client) for client in clients], indent=2))
        return 0
    for client in clients:
        bound = f" ({client.plugin})" if client.plugin else ""
        print(f"{client.client_id}  {client.kind}{bound}")
    return 0


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth import tokens
    from resolvers.auth.account_admin import require_account

    async def work(ctx: Context) -> tuple[int, str]:
        if args.user is not None:
            account = await require_account(ctx, args.user)
            return await tokens.revoke_tokens(ctx, account_id=account.id), f"user {account.email}"
        return await tokens.revoke_tokens(ctx, client_id=args.client), f"client {args.client}"

    count, whose = run_in_database(settings, work)
    print(f"Revoked {count} token(s) of {whose}.")
    return 0


def register_user(commands: Commands) -> None:
    from db.models import USER_LEVELS

    user = add_group(commands, "user", "accounts")
    add = add_command(user, "add", cmd_user_add, "create an account")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--password", required=True, metavar="PW")
    add.add_argument(
        "--level",
        default="user",
        help=f"user level (default user; one of: {', '.join(USER_LEVELS)})",
    )
    add.add_argument("--name", metavar="N")
    add.add_argument("--affiliation", metavar="A")
    set_level = add_command(user, "set-level", cmd_user_set_level, "change an account's level")
    set_level.add_argument("email", metavar="EMAIL")
    set_level.add_argument("level", metavar="LEVEL", help=f"one of: {', '.join(USER_LEVELS)}")
    set_password = add_command(
        user, "set-password", cmd_user_set_password,
        "set a password (read from stdin, else prompted); revokes the user's tokens",
    )  # fmt: skip
    set_password.add_argument("email", metavar="EMAIL")
    link = add_command(
        user, "link", cmd_user_link,
        "print a new single-use link to verify an account's e-mail or reset its password "
        "(nothing is mailed)",
    )  # fmt: skip
    link.add_argument("email", metavar="EMAIL")
    which = link.add_mutually_exclusive_group(required=True)
    which.add_argument("--verify", action="store_true", help="a link verifying the e-mail")
    which.add_argument(
        "--reset", action="store_true", help="a link setting a new password (also verifies)"
    )


def register_client(commands: Commands) -> None:
    client = add_group(commands, "client", "OAuth2 clients")
    add = add_command(client, "add", cmd_client_add, "create a client; prints its id and secret")
    add.add_argument(
        "--plugin", nargs=2, metavar=("NAME", "VERSION"), help="bind to a registered plugin"
    )
    add.add_argument("--id", metavar="ID", help="client id (default: random)")
    add.add_argument("--secret", metavar="S", help="client secret (default: random)")
    add.add_argument(
        "--password-grant", action="store_true", help="a client without secret for user logins"
    )
    add.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing = add_command(client, "list", cmd_client_list, "list clients (never their secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")


def register_token(commands: Commands) -> None:
    token = add_group(commands, "token", "access tokens")
    revoke = add_command(
        token, "revoke", cmd_token_revoke, "revoke every token of a client or user"
    )
    whose = revoke.add_mutually_exclusive_group(required=True)
    whose.add_argument("--client", metavar="ID", help="the client's id")
    whose.add_argument("--user", metavar="EMAIL", help="the user's e-mail")
