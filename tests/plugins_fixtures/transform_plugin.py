#!/usr/bin/env python3
"""A transformation plugin with one well-behaved command and several misbehaving ones.

- `Upper case`: reads the input `line_table`, writes its lines upper-cased into the
  job's directory and reports them as the output `upper` (a `line_table`).
- `Slow upper case`: the same after waiting `seconds` (outlives a server restart).
- `Crash`: heartbeats, then dies with exit status 3 and a message on stderr.
- `Stall`: optionally heartbeats once, then sleeps `seconds` and exits 0 without
  completing (a plugin that stops talking).
- `Bad completion`: posts a completion body that is not JSON; the refusal ends it (status 1).
- `Complete twice`: completes successfully, then posts a second completion.
- `Unknown output`: completes with an output name its command does not declare.
- `Quick`: completes at once without artifacts (for load tests).

With LINE_TOOLS_VARIANT=2 in its environment, `Upper case` is declared as a newer
release would declare it (for re-registration tests).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from plugin_kit import Command, Plugin, QiitaClient

TYPE_NAME = "line_table"
NO_INPUT = {"note": ["string", None]}
UPPER_OPTIONAL: dict[str, Any] = {"suffix": ["string", "upper"]}
if os.environ.get("LINE_TOOLS_VARIANT") == "2":
    # A newer release of the plugin: a new parameter, a changed default.
    UPPER_OPTIONAL = {"suffix": ["string", "shout"], "repeat": ["integer", "1"]}


def upper_case(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> tuple[bool, Any, str]:
    client.update_step(job_id, "Step 1 of 1: Upper-casing")
    artifact = client.get(f"/qiita_db/artifacts/{parameters['input_data']}/")
    source = Path(artifact["files"]["plain_text"][0]["filepath"])
    target = output_dir / f"{parameters['suffix']}.txt"
    target.write_text(source.read_text().upper())
    output = {"artifact_type": TYPE_NAME, "filepaths": [[str(target), "plain_text"]]}
    return True, {"upper": output}, ""


def slow_upper_case(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> tuple[bool, Any, str]:
    time.sleep(float(parameters["seconds"]))
    return upper_case(client, job_id, {**parameters, "suffix": "slow"}, output_dir)


def crash(client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path) -> Any:
    print("the plugin is about to crash", file=sys.stderr)
    sys.stderr.flush()
    raise SystemExit(3)


def stall(client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path) -> Any:
    time.sleep(float(parameters["seconds"]))
    raise SystemExit(0)


def bad_completion(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> Any:
    response = client.post_raw_json(f"/qiita_db/jobs/{job_id}/complete/", b"{not json")
    print(f"malformed completion answered {response.status_code}: {response.text}")
    raise SystemExit(1)


def complete_twice(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> Any:
    first = client.complete(job_id, True)
    second = client.complete(job_id, True)
    print(f"first completion answered {first.status_code}")
    print(f"second completion answered {second.status_code}: {second.text}")
    raise SystemExit(0)


def unknown_output(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> tuple[bool, Any, str]:
    target = output_dir / "stray.txt"
    target.write_text("stray\n")
    output = {"artifact_type": TYPE_NAME, "filepaths": [[str(target), "plain_text"]]}
    return True, {"no such output": output}, ""


def quick(
    client: QiitaClient, job_id: str, parameters: dict[str, Any], output_dir: Path
) -> tuple[bool, Any, str]:
    return True, None, ""


PLUGIN = Plugin(
    name="Line tools",
    version="0.1",
    commands=[
        Command(
            "Upper case",
            "Upper-cases every line",
            upper_case,
            required={"input_data": [f"artifact:{json.dumps([TYPE_NAME])}", None]},
            optional=UPPER_OPTIONAL,
            outputs={"upper": TYPE_NAME},
            default_parameter_sets={"Defaults": {"suffix": "upper"}},
        ),
        Command(
            "Slow upper case",
            "Waits, then upper-cases every line",
            slow_upper_case,
            required={
                "input_data": [f"artifact:{json.dumps([TYPE_NAME])}", None],
                "seconds": ["integer", None],
            },
            outputs={"upper": TYPE_NAME},
        ),
        Command("Crash", "Dies", crash, required=NO_INPUT),
        Command(
            "Stall",
            "Stops talking",
            stall,
            required={"seconds": ["integer", None]},
            optional={"heartbeat": ["boolean", "True"]},
        ),
        Command("Bad completion", "Sends a malformed completion", bad_completion, NO_INPUT),
        Command("Complete twice", "Completes twice", complete_twice, NO_INPUT),
        Command(
            "Unknown output",
            "Reports an undeclared output",
            unknown_output,
            NO_INPUT,
            outputs={"upper": TYPE_NAME},
        ),
        Command("Quick", "Succeeds at once", quick, NO_INPUT),
    ],
)


def main() -> int:
    url, job_id, output_dir = sys.argv[1:4]
    if job_id != "register":
        client = PLUGIN.client(url)
        job = client.get(f"/qiita_db/jobs/{job_id}")
        if job["command"] == "Stall" and str(job["parameters"].get("heartbeat")) == "False":
            time.sleep(float(job["parameters"]["seconds"]))
            return 0
        return PLUGIN.run_job(client, job_id, Path(output_dir))
    return PLUGIN.main()


if __name__ == "__main__":
    sys.exit(main())
