"""A minimal plugin runtime speaking the plugin HTTP protocol the way qiita_client does.

Standard library + httpx only. What goes over the wire matches qiita_client:
authentication is a form post with `grant_type=client`; every other request
carries `Authorization: Bearer <token>` and is retried once after
re-authenticating when the server answers `Oauth2 error: token has timed out`;
heartbeats have an empty body; step and completion are raw JSON bodies without
a Content-Type; artifact PATCH sends the form fields op/path/value.

A plugin script builds a `Plugin` with its commands and calls `plugin.main()`;
it is started as `<script> <server url> <job id | register> <output dir>` and
finds its configuration file `<name>_<version>.conf` in `$QIITA_PLUGINS_DIR`.
"""

from __future__ import annotations

import configparser
import json
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

TIMED_OUT = "Oauth2 error: token has timed out"
HEARTBEAT_SECONDS = 30.0

CommandFunction = Callable[["QiitaClient", str, dict[str, Any], Path], tuple[bool, Any, str]]


class ServerError(RuntimeError):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text}"
        )
        self.status_code = response.status_code


class QiitaClient:
    def __init__(self, url: str, client_id: str, client_secret: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30.0)
        self.client_id = client_id
        self.client_secret = client_secret
        self.token: str | None = None
        self.authenticate()

    def authenticate(self) -> None:
        response = self.http.post(
            "/qiita_db/authenticate/",
            data={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "client",
            },
        )
        self.token = response.json()["access_token"] if response.status_code == 200 else None

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self.token}"}
            response = self.http.request(method, path, headers=headers, **kwargs)
            if attempt == 0 and response.status_code == 400 and TIMED_OUT in response.text:
                self.authenticate()
                continue
            return response
        return response

    def checked(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.request(method, path, **kwargs)
        if response.status_code != 200:
            raise ServerError(response)
        return response

    def get(self, path: str) -> Any:
        return self.checked("GET", path).json()

    def post_form(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return self.checked("POST", path, data=data)

    def post_raw_json(self, path: str, body: Any) -> httpx.Response:
        """A JSON body sent as raw bytes: no Content-Type header, as qiita_client does."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.request("POST", path, content=content)

    def patch_form(self, path: str, op: str, target: str, value: str) -> httpx.Response:
        return self.checked("PATCH", path, data={"op": op, "path": target, "value": value})

    def heartbeat(self, job_id: str) -> httpx.Response:
        return self.request("POST", f"/qiita_db/jobs/{job_id}/heartbeat/")

    def update_step(self, job_id: str, step: str) -> None:
        self.post_raw_json(f"/qiita_db/jobs/{job_id}/step/", {"step": step})

    def complete(
        self, job_id: str, success: bool, artifacts: Any = None, error: str = ""
    ) -> httpx.Response:
        body = {"success": success, "error": error, "artifacts": artifacts}
        return self.post_raw_json(f"/qiita_db/jobs/{job_id}/complete/", body)


@dataclass
class Command:
    name: str
    description: str
    function: CommandFunction
    required: dict[str, Any]
    optional: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] | None = None
    default_parameter_sets: dict[str, dict[str, Any]] | None = None


@dataclass
class ArtifactTypeSpec:
    name: str
    description: str
    filepath_types: list[tuple[str, bool]]
    user_uploadable: bool = False


@dataclass
class Plugin:
    name: str
    version: str
    commands: list[Command]
    artifact_types: list[ArtifactTypeSpec] = field(default_factory=list)

    def config(self) -> configparser.ConfigParser:
        folder = Path(os.environ.get("QIITA_PLUGINS_DIR", "~/.qiita_plugins")).expanduser()
        parser = configparser.ConfigParser(interpolation=None)
        path = folder / f"{self.name}_{self.version}.conf"
        if not parser.read(path):
            raise RuntimeError(f"configuration file {path} not found")
        return parser

    def client(self, url: str) -> QiitaClient:
        config = self.config()
        return QiitaClient(url, config["oauth2"]["CLIENT_ID"], config["oauth2"]["CLIENT_SECRET"])

    def register(self, client: QiitaClient) -> None:
        for spec in self.artifact_types:
            client.post_form(
                "/qiita_db/artifacts/types/",
                {
                    "type_name": spec.name,
                    "description": spec.description,
                    "can_be_submitted_to_ebi": "False",
                    "can_be_submitted_to_vamps": "False",
                    "is_user_uploadable": str(spec.user_uploadable),
                    "filepath_types": json.dumps([list(fp) for fp in spec.filepath_types]),
                },
            )
        base = f"/qiita_db/plugins/{self.name}/{self.version}/"
        known = client.get(base)["commands"]
        for command in self.commands:
            if command.name in known:
                client.checked("POST", f"{base}commands/{quote(command.name)}/activate/")
                continue
            client.post_form(
                f"{base}commands/",
                {
                    "name": command.name,
                    "description": command.description,
                    "required_parameters": json.dumps(command.required),
                    "optional_parameters": json.dumps(command.optional),
                    "default_parameter_sets": json.dumps(command.default_parameter_sets),
                    "outputs": json.dumps(command.outputs),
                    "analysis_only": "False",
                },
            )

    def run_job(self, client: QiitaClient, job_id: str, output_dir: Path) -> int:
        job = client.get(f"/qiita_db/jobs/{job_id}")
        print(f"started job {job_id}", flush=True)
        beat = client.heartbeat(job_id)
        if beat.status_code != 200:
            print(f"first heartbeat refused: {beat.status_code} {beat.text}", file=sys.stderr)
            return 1
        stop = threading.Event()
        beater = threading.Thread(target=_beat, args=(client, job_id, stop), daemon=True)
        beater.start()
        command = next(c for c in self.commands if c.name == job["command"])
        output_dir.mkdir(parents=True, exist_ok=True)
        try:
            success, artifacts, error = command.function(
                client, job_id, job["parameters"], output_dir
            )
        except Exception:
            success, artifacts = False, None
            error = f"Error executing {command.name}:\n{traceback.format_exc()}"
        stop.set()
        response = client.complete(job_id, success, artifacts if success else None, error)
        print(f"complete answered {response.status_code}")
        if response.status_code != 200:
            raise ServerError(response)
        return 0

    def main(self, argv: list[str] | None = None) -> int:
        url, job_id, output_dir = (argv or sys.argv)[1:4]
        client = self.client(url)
        if job_id == "register":
            self.register(client)
            return 0
        return self.run_job(client, job_id, Path(output_dir))


def _beat(client: QiitaClient, job_id: str, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        if client.heartbeat(job_id).status_code != 200:
            return
