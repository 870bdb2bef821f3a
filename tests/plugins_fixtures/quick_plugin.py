#!/usr/bin/env python3
"""The smallest plugin: records its launch, heartbeats, completes. Standard library only.

Each launch appends `<job id> <parent pid>` (the launching server worker) to the record.

Credentials and the launch record file come from its environment script
(QUICK_CLIENT_ID, QUICK_CLIENT_SECRET, QUICK_RECORD). Requests are built with
http.client so the completion body goes without a Content-Type, as qiita_client
sends it.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
from urllib.parse import urlencode, urlsplit


def main() -> int:
    url, job_id = sys.argv[1:3]
    with open(os.environ["QUICK_RECORD"], "a", encoding="ascii") as record:
        record.write(f"{job_id} {os.getppid()}\n")
    if job_id == "register":
        return 0
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)

    def call(path: str, body: str | bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        return response.status, response.read()

    status, body = call(
        "/qiita_db/authenticate/",
        urlencode(
            {
                "client_id": os.environ["QUICK_CLIENT_ID"],
                "client_secret": os.environ["QUICK_CLIENT_SECRET"],
                "grant_type": "client",
            }
        ),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 200:
        print(f"authentication answered {status}: {body!r}", file=sys.stderr)
        return 1
    bearer = {"Authorization": f"Bearer {json.loads(body)['access_token']}"}
    status, body = call(f"/qiita_db/jobs/{job_id}/heartbeat/", b"", bearer)
    if status != 200:
        print(f"heartbeat answered {status}: {body!r}", file=sys.stderr)
        return 1
    report = json.dumps({"success": True, "error": "", "artifacts": None})
    status, body = call(f"/qiita_db/jobs/{job_id}/complete/", report, bearer)
    if status != 200:
        print(f"completion answered {status}: {body!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
