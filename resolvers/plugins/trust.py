"""What an untrusted plugin's client is told when it tries to write through /api/v1 or GraphQL.

A plugin client writes through the study API and GraphQL only once an admin has trusted
its plugin (decisions.md, "Authorization"); the refusal names the command that grants it.
"""

from __future__ import annotations

import shlex

from resolvers.context import Principal

TRUST_COMMAND = "qiita-gateway plugin trust"


def trust_command(name: str, version: str) -> str:
    return f"{TRUST_COMMAND} {shlex.quote(name)} {shlex.quote(version)}"


def untrusted_plugin_message(principal: Principal) -> str:
    name, version = principal.plugin or ("NAME", "VERSION")
    return (
        f"The client of plugin {name} {version} may write through /api/v1 and GraphQL only "
        f"once an administrator trusts the plugin: {trust_command(name, version)}"
    )
