"""Configuration files for the fixture plugins, written as qiita_client's generate_config does."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from resolvers.auth.credentials import new_client_id, new_client_secret

FIXTURES = Path(__file__).resolve().parent.parent / "plugins_fixtures"
TYPE_PLUGIN = ("Line types", "1.0", "artifact definition", FIXTURES / "type_plugin.py")
TRANSFORM_PLUGIN = (
    "Line tools",
    "0.1",
    "artifact transformation",
    FIXTURES / "transform_plugin.py",
)


@dataclass(frozen=True)
class PluginFile:
    path: Path
    name: str
    version: str
    client_id: str
    client_secret: str


def environment_script(plugins_dir: Path) -> str:
    """What a plugin's environment script does here: its Python first on PATH, its config dir.

    The `%` checks that configuration files are read without interpolation.
    """
    python_bin = Path(sys.executable).parent
    return (
        f"export PATH='{python_bin}':\"$PATH\"; "
        f"export QIITA_PLUGINS_DIR='{plugins_dir}'; export PLUGIN_LOAD='100%'"
    )


def write_plugin_config(
    plugins_dir: Path,
    name: str,
    version: str,
    plugin_type: str,
    start_script: Path | str,
    *,
    description: str = "A plugin of the test suite",
    publications: str = "",
    client_id: str | None = None,
    client_secret: str | None = None,
) -> PluginFile:
    plugins_dir.mkdir(parents=True, exist_ok=True)
    client_id = client_id or new_client_id()
    client_secret = client_secret or new_client_secret()
    path = plugins_dir / f"{name}_{version}.conf"
    path.write_text(
        "[main]\n"
        f"NAME = {name}\n"
        f"VERSION = {version}\n"
        f"DESCRIPTION = {description}\n"
        f"ENVIRONMENT_SCRIPT = {environment_script(plugins_dir)}\n"
        f"START_SCRIPT = {start_script}\n"
        f"PLUGIN_TYPE = {plugin_type}\n"
        f"PUBLICATIONS = {publications}\n"
        "\n[oauth2]\n"
        "SERVER_CERT = \n"
        f"CLIENT_ID = {client_id}\n"
        f"CLIENT_SECRET = {client_secret}\n"
        "\n[network]\n"
        "PLUGINCOUPLING = filesystem\n"
    )
    return PluginFile(path, name, version, client_id, client_secret)


def write_fixture_plugins(plugins_dir: Path) -> list[PluginFile]:
    return [
        write_plugin_config(plugins_dir, name, version, kind, script)
        for name, version, kind, script in (TYPE_PLUGIN, TRANSFORM_PLUGIN)
    ]
