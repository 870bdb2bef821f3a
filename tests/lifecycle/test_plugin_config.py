"""Reading plugin configuration files: the fields, literal values, and precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.plugin_config import PluginConfigError, read_plugin_config, scan_plugins_dir
from tests.lifecycle.plugin_files import write_plugin_config


def test_config_file_fields_are_read_literally(tmp_path: Path) -> None:
    written = write_plugin_config(
        tmp_path,
        "BIOM type",
        "2.1.4 - Qiime2",
        "artifact definition",
        "start_biom",
        description="100% literal, %(not)s interpolated",
        publications='[["10.1038/nmeth.f.303", "20383131"], ["10.1/x", null]]',
    )
    definition = read_plugin_config(written.path)
    assert written.path.name == "BIOM type_2.1.4 - Qiime2.conf"
    assert definition.name == "BIOM type"
    assert definition.version == "2.1.4 - Qiime2"
    assert definition.description == "100% literal, %(not)s interpolated"
    assert definition.environment_script.endswith("export PLUGIN_LOAD='100%'")
    assert definition.start_script == "start_biom"
    assert definition.plugin_type == "artifact definition"
    assert definition.publications == (("10.1038/nmeth.f.303", "20383131"), ("10.1/x", None))
    assert definition.client_id == written.client_id
    assert definition.client_secret == written.client_secret
    assert definition.server_cert is None
    assert definition.plugin_coupling == "filesystem"
    assert definition.config_path == str(written.path)


def test_keys_are_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "p.conf"
    path.write_text(
        "[main]\nname = P\nversion = 1\nstart_script = s\nplugin_type = artifact transformation\n"
        "[oauth2]\nclient_id = abc\nclient_secret = def\n"
    )
    definition = read_plugin_config(path)
    assert (definition.name, definition.version, definition.client_id) == ("P", "1", "abc")
    assert definition.publications == ()


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("NAME = x\n", 1, "File contains no section headers."),
        ("[main]\nNAME = a\nNAME = b\n", 3, "While reading from"),
        ("[main]\nNAME = P\nVERSION = 1\nSTART_SCRIPT = s\nPLUGIN_TYPE = artifact transformation\n"
         "PUBLICATIONS = [broken\n[oauth2]\nCLIENT_ID = a\nCLIENT_SECRET = b\n",
         6, "PUBLICATIONS is not valid JSON"),
        ("[main]\nNAME = P\nVERSION = 1\nSTART_SCRIPT = s\nPLUGIN_TYPE = magic\n"
         "[oauth2]\nCLIENT_ID = a\nCLIENT_SECRET = b\n",
         5, "PLUGIN_TYPE 'magic' is not one of: artifact definition, artifact transformation"),
        ("[main]\nNAME = P\nVERSION = 1\nSTART_SCRIPT = s\nPLUGIN_TYPE = artifact transformation\n"
         "[oauth2]\nCLIENT_ID = a\nCLIENT_SECRET =\n",
         8, "CLIENT_SECRET in [oauth2] is empty"),
        ("[main]\nNAME = P\nSTART_SCRIPT = s\nPLUGIN_TYPE = artifact transformation\n"
         "[oauth2]\nCLIENT_ID = a\nCLIENT_SECRET = b\n",
         1, "VERSION in [main] is missing"),
    ],
)  # fmt: skip
def test_broken_file_is_reported_with_line_and_reason(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = tmp_path / "broken.conf"
    path.write_text(text)
    with pytest.raises(PluginConfigError) as caught:
        read_plugin_config(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_missing_section_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nooauth.conf"
    path.write_text("[main]\nNAME = P\nVERSION = 1\nSTART_SCRIPT = s\nPLUGIN_TYPE = private\n")
    with pytest.raises(PluginConfigError) as caught:
        read_plugin_config(path)
    assert caught.value.reason == (
        "PLUGIN_TYPE 'private' is not one of: artifact definition, artifact transformation"
    )


def test_scan_skips_broken_files_and_keeps_sorted_order(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    write_plugin_config(folder, "b", "1", "artifact transformation", "sb")
    write_plugin_config(folder, "a", "1", "artifact definition", "sa")
    (folder / "c_1.conf").write_text("garbage without sections\n")
    (folder / "notes.txt").write_text("not a config file\n")
    scan = scan_plugins_dir(folder)
    assert [d.name for d in scan.definitions] == ["a", "b"]
    assert [(e.path.name, e.line) for e in scan.errors] == [("c_1.conf", 1)]


def test_scan_creates_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "missing"
    scan = scan_plugins_dir(folder)
    assert folder.is_dir()
    assert scan.definitions == []
    assert scan.errors == []
