"""`QIITA_WORKING_DIR` and `QIITA_PLUGIN_OUTPUT_ROOTS` as the server reads them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db.settings import SettingsError, load_settings


def test_working_dir_defaults_to_the_data_dirs_working_dir(tmp_path: Path) -> None:
    settings = load_settings({"QIITA_DATA_DIR": str(tmp_path / "data")})

    assert settings.resolved_working_dir == (tmp_path / "data" / "working_dir").resolve()
    assert settings.resolved_plugin_output_roots == ()


def test_working_dir_and_roots_come_from_the_environment(tmp_path: Path) -> None:
    roots = os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b" / ".." / "c"), ""])
    settings = load_settings(
        {
            "QIITA_DATA_DIR": str(tmp_path / "data"),
            "QIITA_WORKING_DIR": str(tmp_path / "scratch"),
            "QIITA_PLUGIN_OUTPUT_ROOTS": roots,
        }
    )

    assert settings.resolved_working_dir == (tmp_path / "scratch").resolve()
    assert settings.resolved_plugin_output_roots == (
        (tmp_path / "a").resolve(),
        (tmp_path / "c").resolve(),
    )
    shown = settings.as_redacted_dict()
    assert shown["plugin_output_roots"] == [
        str((tmp_path / "a").resolve()),
        str((tmp_path / "c").resolve()),
    ]
    assert shown["working_dir"] == str((tmp_path / "scratch").resolve())


def test_roots_may_be_a_list_in_the_settings_file(tmp_path: Path) -> None:
    toml = tmp_path / "qiita.toml"
    toml.write_text(f'plugin_output_roots = ["{tmp_path / "x"}", "{tmp_path / "y"}"]\n')

    settings = load_settings({}, toml_path=toml)

    assert settings.plugin_output_roots == (tmp_path / "x", tmp_path / "y")


def test_relative_roots_are_refused_naming_the_variable() -> None:
    with pytest.raises(
        SettingsError, match=r"^QIITA_PLUGIN_OUTPUT_ROOTS must hold absolute.*: relative/out$"
    ):
        load_settings({"QIITA_PLUGIN_OUTPUT_ROOTS": f"/srv/out{os.pathsep}relative/out"})
