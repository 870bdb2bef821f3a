"""Plugins described by configuration files become software rows with an OAuth client.

The rules of plugin-lifecycle.md §2.2: an unknown (name, version) is created
inactive; a known one is compared with the file and, with `update`, brought in
line with it (description, scripts, publications, credentials). A different
plugin type is always refused. The register run that follows (the plugin
calling back to create its types and commands) is started by gateway/.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from db.models import (
    Command,
    OAuthClient,
    Publication,
    ServerSetting,
    Software,
    SoftwarePublication,
    utcnow,
)
from resolvers.auth import access
from resolvers.auth.credentials import hash_client_secret, verify_client_secret
from resolvers.auth.tokens import forget_cached_tokens
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden, Invalid, NotFound

logger = logging.getLogger(__name__)

PLUGIN_TYPES = ("artifact definition", "artifact transformation")
REGISTRATION_KEY = "plugin registration {}"
"""Server setting naming a plugin whose register run is in progress (value: its deadline)."""


@dataclass(frozen=True)
class PluginDefinition:
    """What a plugin configuration file says about its plugin."""

    name: str
    version: str
    description: str
    environment_script: str
    start_script: str
    plugin_type: str
    client_id: str
    client_secret: str
    publications: tuple[tuple[str, str | None], ...] = ()
    config_path: str | None = None
    plugin_coupling: str = "filesystem"
    server_cert: str | None = None


@dataclass
class RegistrationResult:
    software: Software
    created: bool
    warnings: list[str] = field(default_factory=list)


async def find_software(ctx: Context, name: str, version: str) -> Software | None:
    query = select(Software).where(Software.name == name, Software.version == version)
    return (await ctx.session.execute(query)).scalar_one_or_none()


async def apply_plugin_definition(
    ctx: Context, definition: PluginDefinition, *, update_existing: bool = True
) -> RegistrationResult:
    """Create the plugin of `definition`, or compare/update the stored one."""
    if definition.plugin_type not in PLUGIN_TYPES:
        raise Invalid(
            f"Unknown plugin type {definition.plugin_type!r}: "
            f"expected one of {', '.join(PLUGIN_TYPES)}",
            "PLUGIN_TYPE",
        )
    software = await find_software(ctx, definition.name, definition.version)
    if software is None:
        return await _create_plugin(ctx, definition)
    if software.type != definition.plugin_type:
        raise Invalid(
            f'The plugin type of the plugin "{definition.name}" version {definition.version} '
            "does not match the one in the system",
            "PLUGIN_TYPE",
        )
    result = RegistrationResult(software=software, created=False)
    await _compare_plugin(ctx, software, definition, result, update_existing=update_existing)
    await _compare_credentials(ctx, software, definition, update_existing=update_existing)
    await ctx.session.flush()
    for warning in result.warnings:
        logger.warning("%s", warning)
    return result


def _label(definition: PluginDefinition) -> str:
    return f'"{definition.name}" version "{definition.version}"'


async def _create_plugin(ctx: Context, definition: PluginDefinition) -> RegistrationResult:
    software = Software(
        name=definition.name,
        version=definition.version,
        description=definition.description,
        environment_script=definition.environment_script,
        start_script=definition.start_script,
        type=definition.plugin_type,
        active=False,
        config_path=definition.config_path,
        plugin_coupling=definition.plugin_coupling,
        server_cert=definition.server_cert,
    )
    ctx.session.add(software)
    await ctx.session.flush()
    await _add_publications(ctx, software, definition.publications)
    await _link_client(ctx, software, definition.client_id, definition.client_secret)
    logger.info(
        "plugin %s %s created from %s", software.name, software.version, definition.config_path
    )
    return RegistrationResult(software=software, created=True)


async def _compare_plugin(
    ctx: Context,
    software: Software,
    definition: PluginDefinition,
    result: RegistrationResult,
    *,
    update_existing: bool,
) -> None:
    """Update the stored plugin's texts and publications to `definition`, or warn of them."""
    differing = [
        (attribute, getattr(software, attribute), getattr(definition, attribute))
        for attribute in ("description", "environment_script", "start_script")
        if getattr(software, attribute) != getattr(definition, attribute)
    ]
    if differing and update_existing:
        for attribute, _old, new in differing:
            setattr(software, attribute, new)
    elif differing:
        details = "; ".join(f"{a}: stored {old!r}, file {new!r}" for a, old, new in differing)
        result.warnings.append(
            f"Plugin {_label(definition)} config file does not match with stored information. "
            f"{details}"
        )
    software.config_path = definition.config_path
    software.plugin_coupling = definition.plugin_coupling
    software.server_cert = definition.server_cert
    missing = await _missing_publications(ctx, software, definition.publications)
    if missing and update_existing:
        await _add_publications(ctx, software, missing)
    elif missing:
        result.warnings.append(
            f"Plugin {_label(definition)} config file does not match with stored information. "
            f"Publications not attached: {', '.join(doi for doi, _ in missing)}"
        )


async def _compare_credentials(
    ctx: Context, software: Software, definition: PluginDefinition, *, update_existing: bool
) -> None:
    """Bind the plugin to the definition's client, or refuse a different one."""
    current = (
        await ctx.session.execute(select(OAuthClient).where(OAuthClient.software_id == software.id))
    ).scalar_one_or_none()
    same_credentials = (
        current is not None
        and current.client_id == definition.client_id
        and current.client_secret_hash is not None
        and verify_client_secret(definition.client_secret, current.client_secret_hash)
    )
    if not same_credentials:
        if not update_existing:
            raise Invalid(
                f"The (client_id, client_secret) pair of the plugin {_label(definition)} "
                "does not match the one in the system",
                "CLIENT_ID",
            )
        await _link_client(ctx, software, definition.client_id, definition.client_secret)


@dataclass(frozen=True)
class PluginSummary:
    name: str
    version: str
    type: str
    active: bool
    commands: int
    config_path: str | None
    trusted: bool


async def list_plugins(ctx: Context) -> list[PluginSummary]:
    """Every plugin with its number of commands, by name and version."""
    counts = (
        select(Command.software_id, func.count(Command.id).label("n"))
        .group_by(Command.software_id)
        .subquery()
    )
    query = (
        select(Software, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.software_id == Software.id)
        .order_by(Software.name, Software.version)
    )
    return [
        PluginSummary(
            name=software.name,
            version=software.version,
            type=software.type,
            active=software.active,
            commands=int(count),
            config_path=software.config_path,
            trusted=software.trusted,
        )
        for software, count in await ctx.session.execute(query)
    ]


async def set_plugin_trust(ctx: Context, name: str, version: str, *, trusted: bool) -> Software:
    """Let (or stop letting) a plugin's client write through /api/v1 and GraphQL, with an
    admin's rights (decisions.md, "Authorization"). Admins and the operator only.

    This process forgets its cached tokens of the plugin's client at once; other processes
    notice within `token_cache_seconds`, as with a revoked token.
    """
    if not access.can_trust_plugins(ctx.principal):
        raise Forbidden("Only an administrator may trust or untrust plugins.")
    query = select(Software).where(Software.name == name, Software.version == version)
    software = (await ctx.session.execute(query)).scalar_one_or_none()
    if software is None:
        raise NotFound(f"No plugin {name} {version} is registered.")
    software.trusted = trusted
    await ctx.session.flush()
    clients = select(OAuthClient.client_id).where(OAuthClient.software_id == software.id)
    for client_id in (await ctx.session.execute(clients)).scalars():
        ctx.after_commit(functools.partial(forget_cached_tokens, ctx, client_id=client_id))
    logger.info("plugin %s %s is %s", name, version, "trusted" if trusted else "no longer trusted")
    return software


async def activate_plugins(ctx: Context, software_ids: list[int]) -> None:
    if software_ids:
        await ctx.session.execute(
            update(Software).where(Software.id.in_(software_ids)).values(active=True)
        )


async def deactivate_plugins_except(ctx: Context, keep: list[int]) -> None:
    """Deactivate every plugin loaded from a configuration file, and its commands,
    that is not in `keep`: a plugin whose file disappeared is switched off.
    """
    gone = select(Software.id).where(Software.config_path.is_not(None), Software.id.not_in(keep))
    await ctx.session.execute(
        update(Command).where(Command.software_id.in_(gone)).values(active=False)
    )
    await ctx.session.execute(update(Software).where(Software.id.in_(gone)).values(active=False))


async def _missing_publications(
    ctx: Context, software: Software, publications: tuple[tuple[str, str | None], ...]
) -> tuple[tuple[str, str | None], ...]:
    attached = set(
        (
            await ctx.session.execute(
                select(SoftwarePublication.doi).where(
                    SoftwarePublication.software_id == software.id
                )
            )
        ).scalars()
    )
    return tuple(p for p in publications if p[0] not in attached)


async def _add_publications(
    ctx: Context, software: Software, publications: tuple[tuple[str, str | None], ...]
) -> None:
    for doi, pubmed_id in publications:
        if await ctx.session.get(Publication, doi) is None:
            ctx.session.add(Publication(doi=doi, pubmed_id=pubmed_id))
            await ctx.session.flush()
        if await ctx.session.get(SoftwarePublication, (software.id, doi)) is None:
            ctx.session.add(SoftwarePublication(software_id=software.id, doi=doi))
    await ctx.session.flush()


async def _link_client(ctx: Context, software: Software, client_id: str, secret: str) -> None:
    """Make (client_id, secret) the plugin's one client; its previous client is removed."""
    owned = (
        await ctx.session.execute(select(OAuthClient).where(OAuthClient.software_id == software.id))
    ).scalar_one_or_none()
    if owned is not None and owned.client_id != client_id:
        await ctx.session.delete(owned)
        await ctx.session.flush()
    client = await ctx.session.get(OAuthClient, client_id)
    if client is None:
        ctx.session.add(
            OAuthClient(
                client_id=client_id,
                client_secret_hash=hash_client_secret(secret),
                software_id=software.id,
                description=f"plugin {software.name} {software.version}",
            )
        )
    else:
        if client.software_id not in (None, software.id):
            raise Conflict(
                f"The client id of plugin {software.name} {software.version} already belongs "
                "to another plugin: regenerate the plugin's configuration file."
            )
        client.client_secret_hash = hash_client_secret(secret)
        client.software_id = software.id
    await ctx.session.flush()


# Re-registration updates command definitions (decisions.md). qiita_client only sends the
# definition of a command that the plugin's `commands` list lacks, so while the server runs
# a plugin's register command that list is reported empty to the plugin itself, and the
# definitions it then posts replace the stored ones (resolvers/plugins/commands.py).


async def begin_registration(ctx: Context, software_id: int, *, seconds: float) -> bool:
    """Claim the plugin's register run for at most `seconds`; False while another runs it
    (several workers start at once: one of them registers each plugin)."""
    key = REGISTRATION_KEY.format(software_id)
    deadline = (utcnow() + dt.timedelta(seconds=seconds)).isoformat()
    row = await ctx.session.get(ServerSetting, key, with_for_update=True)
    if row is not None:
        if _deadline(row.value) > utcnow():
            return False
        row.value = deadline
        await ctx.session.flush()
        return True
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(ServerSetting(key=key, value=deadline))
    except IntegrityError:
        return False
    return True


async def end_registration(ctx: Context, software_id: int) -> None:
    row = await ctx.session.get(ServerSetting, REGISTRATION_KEY.format(software_id))
    if row is not None:
        await ctx.session.delete(row)
        await ctx.session.flush()


async def registration_in_progress(ctx: Context, software_id: int) -> bool:
    row = await ctx.session.get(ServerSetting, REGISTRATION_KEY.format(software_id))
    return row is not None and _deadline(row.value) > utcnow()


def _deadline(value: object) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
