"""Account commands of the command line that need no mail server: `user link`."""

from __future__ import annotations

import argparse

from db.settings import Settings
from gateway.cli import add_command, run_in_database
from resolvers.context import Context


def cmd_user_link(args: argparse.Namespace, settings: Settings) -> int:
    from resolvers.auth.registration import link_for_administrator

    purpose = "verify" if args.verify else "reset"

    async def work(ctx: Context) -> str:
        return await link_for_administrator(ctx, args.email, purpose)

    print(run_in_database(settings, work))
    return 0


def register_user_link(user: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
