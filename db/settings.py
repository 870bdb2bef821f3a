"""The one settings object of qiita-gateway.

Every layer reads its configuration from a `Settings` instance; only
`load_settings` reads `QIITA_*` environment variables and the optional TOML
file. It lives in `db/` because that is the lowest layer all others import.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_PORT = 21174
MIB = 1024 * 1024


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


LauncherName = Literal["local", "slurm"]
RecoveryMode = Literal["error", "requeue"]
LogFormat = Literal["text", "json"]
SmtpTls = Literal["none", "starttls", "tls"]


@dataclass(frozen=True)
class Settings:
    """Effective configuration. Each field maps to the variable `QIITA_<NAME>`."""

    data_dir: Path = Path("./qiita-data")
    """Base data directory holding the mountpoints (uploads, templates, artifact types...)."""
    database_url: str = ""
    """SQLAlchemy async URL; empty means the SQLite file `<data_dir>/qiita.sqlite`."""
    working_dir: Path | None = None
    """Where each job gets its output folder; None means `<data_dir>/working_dir`."""
    plugin_output_roots: tuple[Path, ...] = ()
    """Further absolute folders plugins may hand files over from (`os.pathsep`-separated)."""
    plugins_dir: Path = Path("~/.qiita_plugins")
    """Folder of plugin configuration files (`*.conf`), as qiita_client writes them."""
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    public_url: str = ""
    """Base URL handed to plugins; empty means derived from host, port and TLS."""
    tls_cert: Path | None = None
    tls_key: Path | None = None
    workers: int = 1
    log_level: str = "INFO"
    log_format: LogFormat = "text"
    """`json`: one JSON object per log line, with the request id of the request being served."""
    test_mode: bool = False
    """Mounts the `/apitest/` routes (QIITA_TEST_MODE=1)."""
    production: bool = False
    """Masks unexpected errors and turns GraphQL field suggestions off."""

    database_pool_size: int = 16
    """Database connections each server process keeps open (`serve` opens them at start)."""

    token_ttl: int = 3600
    """Lifetime of access tokens, in seconds."""
    token_cache_seconds: float = 2.0
    """How long a validated token is trusted in process before it is looked up again."""
    daily_request_limit: int = 5000
    """Password-grant requests allowed per client and user in 24 hours."""
    sign_in_max_failures: int = 10
    """Failed password sign-ins per account, and per client address, before a lockout."""
    sign_in_window_seconds: int = 300
    """The window in which failed sign-ins are counted."""
    sign_in_lockout_seconds: int = 300
    """The first lockout; each further lockout of the same account or address doubles it."""

    open_registration: bool = False
    """Anyone may create an account (`register`); off: administrators invite users."""
    verification_link_ttl: int = 3 * 86400
    """Seconds an e-mail verification or invitation link stays valid."""
    reset_link_ttl: int = 3600
    """Seconds a password-reset link stays valid."""
    smtp_host: str = ""
    """Mail server for verification, invitation and reset mails; empty: mails are logged."""
    smtp_port: int = 0
    """Mail server port; 0 means 465 with `QIITA_SMTP_TLS=tls`, else 25 (587: set it)."""
    smtp_tls: SmtpTls = "starttls"
    """`none` (plain), `starttls` (upgrade after connecting) or `tls` (TLS from the start)."""
    smtp_from: str = ""
    """Sender address of the mails; empty means `qiita-gateway@<host of the public URL>`."""
    smtp_user: str = ""
    """User name to log in to the mail server; empty: no login."""
    smtp_password: str = field(default="", repr=False)
    """Password to log in to the mail server."""

    max_body_bytes: int = 50 * MIB
    """Request bodies of routes without a limit of their own."""
    max_upload_body_bytes: int = 200 * MIB
    """Request bodies of `/api/v1` (metadata) and of plugin uploads and prep templates."""
    max_graphql_body_bytes: int = 1 * MIB
    """Request bodies of `/graphql` and of the token endpoint."""

    default_page_size: int = 20
    max_page_size: int = 100
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_query_cost: int = 50000
    introspection: bool = True
    graphql_document_cache: int = 256
    """Parsed and validated GraphQL documents kept in memory for reuse; 0 turns the cache off."""
    persisted_queries_only: bool = False
    """Run only GraphQL documents already registered (by `qiita-gateway graphql persist`)."""
    cors_origins: str = ""
    """Comma-separated origins allowed to call the server from a browser; empty: none."""

    launcher: LauncherName = "local"
    launch_jobs: bool = True
    """Whether this worker launches submitted jobs (off: it only serves requests)."""
    max_local_jobs: int = 0
    """Concurrent local jobs; 0 means the number of CPUs."""
    slurm_partition: str = ""
    slurm_time: str = "1:00:00"
    slurm_mem: str = "4G"
    slurm_cpus: int = 1
    heartbeat_timeout: int = 600
    """Seconds without heartbeat after which a running job is checked with its launcher."""
    watchdog_interval: float = 30.0
    recovery: RecoveryMode = "error"
    """What start-up does with queued/running jobs whose process is gone."""
    html_summary_after_release: bool = True
    require_approval: bool = False
    max_preparation_samples: int = 800
    max_artifacts_in_workflow: int = 35

    max_upload_bytes: int = 200 * 1024**3
    """Largest file accepted by a resumable upload (`/uploads/`), in bytes."""
    upload_expiry: int = 86400
    """Seconds without new bytes after which an unfinished upload is removed by the watchdog."""
    upload_free_space_reserve: int = 1024**3
    """Bytes of disk that must stay free after an upload is accepted."""
    download_secret: str = field(default="", repr=False)
    """Key that signs download links; empty means a random one kept in `<data_dir>`."""
    download_url_ttl: int = 3600
    """Seconds a signed download link stays valid."""

    count_sql_statements: bool = False
    """Send `X-SQL-Statements` (statements run for the request) on every response: benchmarks."""

    secret_fields: tuple[str, ...] = field(
        default=("database_url", "download_secret", "smtp_password"), repr=False
    )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.resolved_data_dir / 'qiita.sqlite'}"

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def resolved_working_dir(self) -> Path:
        if self.working_dir is None:
            return self.resolved_data_dir / "working_dir"
        return self.working_dir.expanduser().resolve()

    @property
    def resolved_plugin_output_roots(self) -> tuple[Path, ...]:
        return tuple(root.expanduser().resolve() for root in self.plugin_output_roots)

    @property
    def database_file(self) -> Path | None:
        """The SQLite database file, when the database is one."""
        try:
            url = make_url(self.effective_database_url)
        except ArgumentError:
            return None
        if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database).expanduser().resolve()

    @property
    def resolved_plugins_dir(self) -> Path:
        return self.plugins_dir.expanduser().resolve()

    @property
    def effective_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        scheme = "https" if self.tls_cert else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def effective_smtp_port(self) -> int:
        if self.smtp_port:
            return self.smtp_port
        return 465 if self.smtp_tls == "tls" else 25

    @property
    def effective_smtp_from(self) -> str:
        if self.smtp_from:
            return self.smtp_from
        host = urlsplit(self.effective_public_url).hostname or "localhost"
        return f"qiita-gateway@{host}"

    @property
    def cors_origin_list(self) -> tuple[str, ...]:
        return tuple(
            origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()
        )

    @property
    def effective_max_local_jobs(self) -> int:
        return self.max_local_jobs or (os.cpu_count() or 1)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def as_redacted_dict(self) -> dict[str, Any]:
        """Effective settings for display, credentials in URLs masked."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "secret_fields":
                continue
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Path) else value
        out["database_url"] = _redact_url(self.effective_database_url)
        out["download_secret"] = "***" if self.download_secret else ""
        out["smtp_password"] = "***" if self.smtp_password else ""
        out["data_dir"] = str(self.resolved_data_dir)
        out["plugins_dir"] = str(self.resolved_plugins_dir)
        out["working_dir"] = str(self.resolved_working_dir)
        out["plugin_output_roots"] = [str(root) for root in self.resolved_plugin_output_roots]
        out["public_url"] = self.effective_public_url
        out["max_local_jobs"] = self.effective_max_local_jobs
        return out


def _redact_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


LITERALS: dict[str, Any] = {
    "LauncherName": LauncherName,
    "RecoveryMode": RecoveryMode,
    "LogFormat": LogFormat,
    "SmtpTls": SmtpTls,
}

_TRUE = {"1", "true", "yes", "on", "t", "y"}
_FALSE = {"0", "false", "no", "off", "f", "n", ""}


def _convert(name: str, annotation: str, raw: Any) -> Any:
    var = f"QIITA_{name.upper()}"
    try:
        if annotation == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError("expected true or false")
        if annotation == "int":
            value = int(raw)
            if value < 0:
                raise ValueError("must not be negative")
            return value
        if annotation == "float":
            return float(raw)
        if annotation == "Path":
            return Path(str(raw))
        if annotation == "Path | None":
            return Path(str(raw)) if str(raw) else None
        if annotation == "tuple[Path, ...]":
            items = raw.split(os.pathsep) if isinstance(raw, str) else list(raw)
            return tuple(Path(str(item)) for item in items if str(item))
        if annotation in LITERALS:
            allowed = get_args(LITERALS[annotation])
            if raw not in allowed:
                raise ValueError(f"expected one of {', '.join(allowed)}")
            return raw
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{var}={raw!r} is not valid: {exc}") from None


def load_settings(
    environ: Mapping[str, str] | None = None,
    toml_path: Path | None = None,
    **overrides: Any,
) -> Settings:
    """Build settings from defaults, then the TOML file, then `QIITA_*`, then overrides.

    The TOML file is `toml_path`, else `QIITA_CONFIG`; its keys are the field names,
    at top level or under a `[qiita-gateway]` table.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    config_path = toml_path or (Path(env["QIITA_CONFIG"]) if env.get("QIITA_CONFIG") else None)
    known = {f.name: f for f in fields(Settings) if f.name != "secret_fields"}
    if config_path is not None:
        try:
            data = tomllib.loads(config_path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read settings file {config_path}: {exc}") from None
        data = data.get("qiita-gateway", data)
        for key, raw in data.items():
            if key not in known:
                raise SettingsError(f"unknown setting {key!r} in {config_path}")
            values[key] = _convert(key, str(known[key].type), raw)
    for name, f in known.items():
        raw = env.get(f"QIITA_{name.upper()}")
        if raw is not None:
            values[name] = _convert(name, str(f.type), raw)
    for name, raw in overrides.items():
        if raw is not None:
            values[name] = raw
    settings = Settings(**values)
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    """Refuse values no server could run with, naming the setting."""
    if bool(settings.tls_cert) != bool(settings.tls_key):
        raise SettingsError("QIITA_TLS_CERT and QIITA_TLS_KEY must be given together")
    if settings.max_page_size < 1 or settings.default_page_size < 1:
        raise SettingsError("page sizes must be at least 1")
    roots = settings.plugin_output_roots
    relative = [str(root) for root in roots if not root.expanduser().is_absolute()]
    if relative:
        raise SettingsError(
            "QIITA_PLUGIN_OUTPUT_ROOTS must hold absolute folders; not absolute: "
            + ", ".join(relative)
        )
    if settings.token_ttl < 1:
        raise SettingsError(f"QIITA_TOKEN_TTL={settings.token_ttl}: tokens must live at least 1 s")
    limits = (settings.max_body_bytes, settings.max_upload_body_bytes,
              settings.max_graphql_body_bytes)  # fmt: skip
    if min(limits) < 1:
        raise SettingsError("request body limits must be at least 1 byte")
    if min(settings.sign_in_max_failures, settings.sign_in_window_seconds,
           settings.sign_in_lockout_seconds) < 1:  # fmt: skip
        raise SettingsError("sign-in throttling settings must be at least 1")
    if min(settings.verification_link_ttl, settings.reset_link_ttl) < 1:
        raise SettingsError("account link lifetimes must be at least 1 s")
    if settings.smtp_port > 65535:
        raise SettingsError(f"QIITA_SMTP_PORT={settings.smtp_port}: not a port number")
    if settings.database_pool_size < 1:
        raise SettingsError(
            f"QIITA_DATABASE_POOL_SIZE={settings.database_pool_size}: at least 1 connection"
        )
