#!/usr/bin/env python3
"""A type plugin: defines `line_table` and provides Validate and Generate HTML summary.

Validate accepts the files of a `line_table` (one `plain_text` file) unless the file
contains the word INVALID. The HTML summary is written into the job's directory and
attached to the artifact through the artifact PATCH of the plugin API.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Any

from plugin_kit import ArtifactTypeSpec, Command, Plugin, QiitaClient

TYPE_NAME = "line_table"


def validate(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> tuple[bool, Any, str]:
    client.update_step(job_id, "Step 1 of 1: Checking the files")
    files = json.loads(parameters["files"])
    texts = files.get("plain_text", [])
    if len(texts) != 1:
        return False, None, f"Expected one plain_text file, got {len(texts)}"
    if "INVALID" in Path(texts[0]).read_text():
        return False, None, f"{texts[0]} is not a valid {TYPE_NAME}"
    artifact = {
        "artifact_type": parameters["artifact_type"],
        "filepaths": [[texts[0], "plain_text"]],
    }
    return True, {"null": artifact}, ""


def html_summary(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> tuple[bool, Any, str]:
    artifact_id = parameters["input_data"]
    artifact = client.get(f"/qiita_db/artifacts/{artifact_id}/")
    lines: list[str] = []
    for entry in artifact["files"].get("plain_text", []):
        lines.extend(Path(entry["filepath"]).read_text().splitlines())
    page = output_dir / "summary.html"
    page.write_text(
        f"<h1>{html.escape(artifact['name'])}</h1><p>{len(lines)} lines</p>", encoding="utf-8"
    )
    client.patch_form(f"/qiita_db/artifacts/{artifact_id}/", "add", "/html_summary/", str(page))
    return True, None, ""


PLUGIN = Plugin(
    name="Line types",
    version="1.0",
    artifact_types=[
        ArtifactTypeSpec(TYPE_NAME, "Plain text, one record per line", [("plain_text", True)])
    ],
    commands=[
        Command(
            "Validate",
            "Validates a line table",
            validate,
            required={
                "template": ["prep_template", None],
                "analysis": ["analysis", None],
                "files": ["string", None],
                "artifact_type": ["string", None],
            },
        ),
        Command(
            "Generate HTML summary",
            "Summarises a line table",
            html_summary,
            required={"input_data": [f"artifact:{json.dumps([TYPE_NAME])}", None]},
        ),
    ],
)

if __name__ == "__main__":
    sys.exit(PLUGIN.main())
