"""The README documents every setting and every command of the command line."""

from __future__ import annotations

import argparse
from dataclasses import fields
from pathlib import Path

from db.settings import Settings
from gateway.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _section(name: str) -> str:
    text = README.read_text()
    return text[text.index(f"<!-- section: {name} -->") : text.index(f"<!-- /section: {name} -->")]


def _commands(parser: argparse.ArgumentParser, prefix: str = "qiita-gateway") -> list[str]:
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, f"{prefix} {name}") or [f"{prefix} {name}"]
    return found


def test_every_setting_is_in_the_settings_section() -> None:
    section = _section("settings")
    names = [f.name for f in fields(Settings) if f.name != "secret_fields"]
    assert [n for n in names if f"`QIITA_{n.upper()}" not in section] == []


def test_every_command_is_in_the_cli_section() -> None:
    section = _section("cli")
    commands = _commands(build_parser())
    assert "qiita-gateway serve" in commands
    assert [c for c in commands if f"`{c}" not in section] == []
