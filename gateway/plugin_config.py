"""Reading plugin configuration files, as qiita_client's `generate_config` writes them.

INI format (plugin-lifecycle.md §2.1): `[main]` NAME, VERSION, DESCRIPTION,
ENVIRONMENT_SCRIPT, START_SCRIPT, PLUGIN_TYPE, PUBLICATIONS; `[oauth2]`
SERVER_CERT, CLIENT_ID, CLIENT_SECRET; optional `[network]` PLUGINCOUPLING.
Values are read literally: no `%` interpolation, so environment scripts may
contain `%`. Every problem is reported with the file, the line and the reason.
"""

from __future__ import annotations

import configparser
import json
import re
from dataclasses import dataclass
from pathlib import Path

from resolvers.plugins.registration import PLUGIN_TYPES, PluginDefinition

REQUIRED_MAIN = ("NAME", "VERSION", "START_SCRIPT", "PLUGIN_TYPE")
COUPLINGS = ("filesystem", "https")


class PluginConfigError(ValueError):
    """A configuration file that cannot be used; `str()` is `file:line: reason`."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class ConfigScan:
    """The result of reading a plugins folder: usable definitions and the broken files."""

    definitions: list[PluginDefinition]
    errors: list[PluginConfigError]


def config_files(folder: Path) -> list[Path]:
    """Every `*.conf` of `folder`, in sorted file-name order (the folder is created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    return sorted((p for p in folder.glob("*.conf") if p.is_file()), key=lambda p: p.name)


def scan_plugins_dir(folder: Path) -> ConfigScan:
    definitions: list[PluginDefinition] = []
    errors: list[PluginConfigError] = []
    for path in config_files(folder):
        try:
            definitions.append(read_plugin_config(path))
        except PluginConfigError as exc:
            errors.append(exc)
    return ConfigScan(definitions, errors)


def read_plugin_config(path: Path) -> PluginDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PluginConfigError(path, None, f"cannot read the file: {exc}") from None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise PluginConfigError(path, _error_line(exc), _first_line(exc)) from None

    def value(section: str, key: str, *, required: bool = False) -> str:
        if not parser.has_section(section):
            raise PluginConfigError(path, None, f"missing section [{section}]")
        raw = parser.get(section, key, fallback=None)
        if raw is None or (required and not raw.strip()):
            line = _line_of(text, section, key)
            missing = "is empty" if raw is not None else "is missing"
            raise PluginConfigError(path, line, f"{key} in [{section}] {missing}")
        return raw.strip()

    for key in REQUIRED_MAIN:
        value("main", key, required=True)
    plugin_type = value("main", "PLUGIN_TYPE")
    if plugin_type not in PLUGIN_TYPES:
        raise PluginConfigError(
            path,
            _line_of(text, "main", "PLUGIN_TYPE"),
            f"PLUGIN_TYPE {plugin_type!r} is not one of: {', '.join(PLUGIN_TYPES)}",
        )
    client_id = value("oauth2", "CLIENT_ID", required=True)
    if len(client_id) > 50:
        raise PluginConfigError(
            path, _line_of(text, "oauth2", "CLIENT_ID"), "CLIENT_ID is longer than 50 characters"
        )
    coupling = parser.get("network", "PLUGINCOUPLING", fallback="filesystem").strip()
    if coupling not in COUPLINGS:
        raise PluginConfigError(
            path,
            _line_of(text, "network", "PLUGINCOUPLING"),
            f"PLUGINCOUPLING {coupling!r} is not one of: {', '.join(COUPLINGS)}",
        )
    return PluginDefinition(
        name=value("main", "NAME"),
        version=value("main", "VERSION"),
        description=parser.get("main", "DESCRIPTION", fallback="").strip(),
        environment_script=parser.get("main", "ENVIRONMENT_SCRIPT", fallback="").strip(),
        start_script=value("main", "START_SCRIPT"),
        plugin_type=plugin_type,
        client_id=client_id,
        client_secret=value("oauth2", "CLIENT_SECRET", required=True),
        publications=_publications(path, text, parser.get("main", "PUBLICATIONS", fallback="")),
        config_path=str(path),
        plugin_coupling=coupling,
        server_cert=parser.get("oauth2", "SERVER_CERT", fallback="").strip() or None,
    )


def _publications(path: Path, text: str, raw: str) -> tuple[tuple[str, str | None], ...]:
    raw = raw.strip()
    if not raw:
        return ()
    line = _line_of(text, "main", "PUBLICATIONS")
    try:
        decoded = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PluginConfigError(path, line, f"PUBLICATIONS is not valid JSON: {exc}") from None
    if not isinstance(decoded, list):
        raise PluginConfigError(path, line, "PUBLICATIONS must be a JSON list of [doi, pubmed_id]")
    publications: list[tuple[str, str | None]] = []
    for entry in decoded:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not isinstance(entry[0], str)
            or not entry[0]
            or not (entry[1] is None or isinstance(entry[1], str | int))
        ):
            raise PluginConfigError(
                path, line, f"PUBLICATIONS entry {entry!r} is not [doi, pubmed_id or null]"
            )
        publications.append((entry[0], None if entry[1] is None else str(entry[1])))
    return tuple(publications)


def _line_of(text: str, section: str, key: str) -> int | None:
    """The line number of `key` in `[section]` (keys match case-insensitively)."""
    current = None
    pattern = re.compile(rf"\s*{re.escape(key)}\s*[=:]", re.IGNORECASE)
    section_line = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([^\]]*)\]", line)
        if header:
            current = header.group(1)
            if current == section:
                section_line = number
            continue
        if current == section and pattern.match(line):
            return number
    return section_line


def _error_line(exc: configparser.Error) -> int | None:
    line = getattr(exc, "lineno", None)
    if line:
        return int(line)
    errors = getattr(exc, "errors", None)
    return int(errors[0][0]) if errors else None


def _first_line(exc: configparser.Error) -> str:
    errors = getattr(exc, "errors", None)
    if not isinstance(exc, configparser.MissingSectionHeaderError) and errors:
        return f"cannot parse line {errors[0][1]}"
    return str(exc.message).splitlines()[0]
