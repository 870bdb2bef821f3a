"""The `qiita-gateway` command line, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import USER_LEVELS, Account, OAuthClient
from db.session import create_engine, create_session_factory
from db.settings import Settings
from resolvers.auth.credentials import hash_client_secret, verify_password

TIMEOUT = 60


def run_cli(
    *args: str, data_dir: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    env["QIITA_DATA_DIR"] = str(data_dir)
    if database_url is not None:
        env["QIITA_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env=env,
        cwd=next(parent for parent in data_dir.parents if parent.is_dir()),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("qiita-gateway")
    assert message in result.stderr


@asynccontextmanager
async def session_for(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings, pool=False)
    try:
        async with create_session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def test_user_add_on_a_fresh_data_dir_creates_the_database_and_the_account(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "fresh"
    result = run_cli(
        "user", "add", "Ada@Example.org", "--password", "analytical-1", "--level", "admin",
        "--name", "Ada", "--affiliation", "Engine Lab",
        data_dir=data_dir,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Created admin account Ada@Example.org (id 1).\n"
    assert (data_dir / "qiita.sqlite").is_file()
    async with session_for(Settings(data_dir=data_dir)) as session:
        account = (await session.execute(select(Account))).scalar_one()
    assert (account.email, account.email_lower, account.level) == (
        "Ada@Example.org",
        "ada@example.org",
        "admin",
    )
    assert (account.name, account.affiliation) == ("Ada", "Engine Lab")
    assert verify_password("analytical-1", account.password_hash)


async def test_duplicate_user_differing_only_in_case_is_exit_2(
    tmp_path: Path, database_url: str
) -> None:
    first = run_cli(
        "user", "add", "dup@example.org", "--password", "first-pass-1",
        data_dir=tmp_path / "data", database_url=database_url,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr

    second = run_cli(
        "user", "add", "DUP@example.org", "--password", "second-pass-2",
        data_dir=tmp_path / "data", database_url=database_url,
    )  # fmt: skip

    assert_one_line_error(second, "An account with the e-mail DUP@example.org already exists.")
    async with session_for(Settings(data_dir=tmp_path, database_url=database_url)) as session:
        accounts = (await session.execute(select(Account))).scalars().all()
    assert [a.email for a in accounts] == ["dup@example.org"]
    assert verify_password("first-pass-1", accounts[0].password_hash)


def test_unknown_level_is_exit_2_with_the_allowed_levels(tmp_path: Path) -> None:
    result = run_cli(
        "user", "add", "x@example.org", "--password", "some-pass-1", "--level", "boss",
        data_dir=tmp_path / "data",
    )  # fmt: skip

    assert_one_line_error(
        result, f"Unknown user level 'boss'; use one of: {', '.join(USER_LEVELS)}."
    )


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("no-at-sign.example.org", "valid-pass-1", "must contain exactly one @"),
        ("x@example.org", "short", "must be at least 8 characters long"),
        ("x@example.org", "has space 1", "must not contain spaces"),
    ],
)
def test_invalid_email_or_password_is_exit_2(
    tmp_path: Path, email: str, password: str, message: str
) -> None:
    result = run_cli("user", "add", email, "--password", password, data_dir=tmp_path / "data")

    assert_one_line_error(result, message)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user@127.0.0.1/qiita", "only SQLite and PostgreSQL databases are supported"),
        ("not a url", "is not a database URL"),
        ("postgresql://postgres@127.0.0.1:1/nowhere", "cannot open the database"),
        ("sqlite:////nonexistent-dir/for/sure/qiita.sqlite", "cannot open the database"),
    ],
)
def test_bad_database_url_is_exit_2_with_a_clear_message(
    tmp_path: Path, url: str, message: str
) -> None:
    result = run_cli("db", "upgrade", data_dir=tmp_path / "data", database_url=url)

    assert_one_line_error(result, message)


def test_bad_arguments_are_one_line_exit_2(tmp_path: Path) -> None:
    missing = run_cli("user", "add", "x@example.org", data_dir=tmp_path / "data")
    bad_port = run_cli("serve", "--port", "http", data_dir=tmp_path / "data")

    assert_one_line_error(missing, "the following arguments are required: --password")
    assert_one_line_error(bad_port, "argument --port: expected a port number, got 'http'")


def test_bad_setting_in_the_environment_names_the_variable(tmp_path: Path) -> None:
    env_result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "config"],
        env={**os.environ, "QIITA_PORT": "eighty"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )

    assert_one_line_error(env_result, "QIITA_PORT='eighty' is not valid")


async def test_client_add_json_prints_credentials_stored_only_as_a_hash(
    tmp_path: Path, database_url: str
) -> None:
    result = run_cli(
        "client", "add", "--json", data_dir=tmp_path / "data", database_url=database_url
    )
    password_client = run_cli(
        "client", "add", "--password-grant", "--id", "script-client", "--json",
        data_dir=tmp_path / "data", database_url=database_url,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert set(printed) == {"client_id", "client_secret"}
    assert len(printed["client_id"]) == 50
    assert len(printed["client_secret"]) == 255
    assert json.loads(password_client.stdout) == {
        "client_id": "script-client",
        "client_secret": None,
    }
    async with session_for(Settings(data_dir=tmp_path, database_url=database_url)) as session:
        stored = await session.get(OAuthClient, printed["client_id"])
        script = await session.get(OAuthClient, "script-client")
    assert stored is not None
    assert stored.client_secret_hash == hash_client_secret(printed["client_secret"])
    assert stored.software_id is None
    assert script is not None
    assert script.client_secret_hash is None


def test_client_add_with_given_id_and_secret_refuses_a_duplicate_id(tmp_path: Path) -> None:
    args = ("client", "add", "--id", "fixed-client", "--secret", "fixed-secret-value")
    first = run_cli(*args, data_dir=tmp_path / "data")
    second = run_cli(*args, data_dir=tmp_path / "data")
    unknown_plugin = run_cli(
        "client", "add", "--plugin", "Nothing", "0.0", data_dir=tmp_path / "data"
    )

    assert first.returncode == 0, first.stderr
    assert first.stdout == "client_id = fixed-client\nclient_secret = fixed-secret-value\n"
    assert_one_line_error(second, "A client with the id fixed-client already exists.")
    assert_one_line_error(unknown_plugin, "No plugin Nothing 0.0 is registered.")


def test_config_prints_effective_settings_with_the_database_password_redacted(
    tmp_path: Path,
) -> None:
    url = "postgresql://qiita:s3cret-pw@db.example.org:5432/qiita"
    result = run_cli("config", "--json", data_dir=tmp_path / "data")
    redacted = run_cli("config", data_dir=tmp_path / "data", database_url=url)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["data_dir"] == str((tmp_path / "data").resolve())
    assert (
        values["database_url"]
        == f"sqlite+aiosqlite:///{(tmp_path / 'data').resolve()}/qiita.sqlite"
    )
    assert values["port"] == 21174
    assert "s3cret-pw" not in redacted.stdout
    assert 'database_url = "postgresql://qiita:***@db.example.org:5432/qiita"' in redacted.stdout
    assert not (tmp_path / "data").exists()


def test_demo_load_twice_reports_the_second_run_as_already_loaded(tmp_path: Path) -> None:
    first = run_cli("demo", "load", data_dir=tmp_path / "data")
    second = run_cli("demo", "load", data_dir=tmp_path / "data")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.stdout.startswith("Demo data loaded into sqlite+aiosqlite:///")
    assert second.stdout.startswith("Demo data already in sqlite+aiosqlite:///")
    assert "demo@example.org / qiita-demo-user" in second.stdout


def test_db_upgrade_creates_the_database_in_a_fresh_data_dir(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", data_dir=tmp_path / "new" / "data")

    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("is up to date.\n")
    assert (tmp_path / "new" / "data" / "qiita.sqlite").is_file()


def test_serve_with_missing_tls_files_is_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    both = run_cli(
        "serve", "--tls-cert", str(missing), "--tls-key", str(missing), data_dir=tmp_path / "data"
    )
    only_cert = run_cli("serve", "--tls-cert", str(missing), data_dir=tmp_path / "data")

    assert_one_line_error(both, f"TLS certificate file {missing} does not exist")
    assert_one_line_error(only_cert, "QIITA_TLS_CERT and QIITA_TLS_KEY must be given together")


def test_config_reads_the_settings_file_and_the_environment_wins(tmp_path: Path) -> None:
    toml = tmp_path / "qiita.toml"
    toml.write_text(
        '[qiita-gateway]\nport = 9999\ntoken_ttl = 600\npublic_url = "https://q.example.org/"\n'
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    command = [sys.executable, "-m", "gateway.cli", "config", "--json", "--config", str(toml)]

    from_file = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    overridden = subprocess.run(
        command, env={**env, "QIITA_PORT": "8888"}, capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip
    toml.write_text("colour = 'blue'\n")
    unknown = run_cli("config", "--config", str(toml), data_dir=tmp_path / "data")

    assert from_file.returncode == 0, from_file.stderr
    values = json.loads(from_file.stdout)
    assert (values["port"], values["token_ttl"]) == (9999, 600)
    assert values["public_url"] == "https://q.example.org"
    assert json.loads(overridden.stdout)["port"] == 8888
    assert_one_line_error(unknown, f"unknown setting 'colour' in {toml}")
