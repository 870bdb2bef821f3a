"""The ordered `/qiita_db`, `/cloud` and `/apitest` routes (plugin-api.md §1.2).

Order matters: captures are greedy and the first route whose path matches answers
(with a 405 when it lacks the method). Numbers are the rows of the contract's table.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from rest_compat import artifact_types, artifacts, jobs, plugins
from rest_compat.qiita_routing import QiitaRoute

JOB = "/qiita_db/jobs/{job_id:path}"
PLUGIN = "/qiita_db/plugins/{name:path}/{version:path}"
COMMAND = PLUGIN + "/commands/{command:path}"

PLUGIN_ROUTES: list[BaseRoute] = [
    # 1: /qiita_db/authenticate/ is rest_compat/authentication.py (AUTH_ROUTES, first).
    QiitaRoute(f"{JOB}/heartbeat/", {"POST": jobs.heartbeat}),  # 2
    QiitaRoute(f"{JOB}/step/", {"POST": jobs.step}),  # 3
    QiitaRoute(f"{JOB}/complete/", {"POST": jobs.complete}),  # 4
    QiitaRoute(JOB, {"GET": jobs.get_job}),  # 5
    QiitaRoute(  # 6
        "/qiita_db/artifacts/types/",
        {"GET": artifact_types.list_types, "POST": artifact_types.create_type},
    ),
    QiitaRoute(  # 7
        "/qiita_db/artifacts/{artifact_id:path}/",
        {"GET": artifacts.get_artifact, "PATCH": artifacts.patch_artifact},
    ),
    QiitaRoute("/qiita_db/artifact/", {"POST": artifacts.inject_artifact}),  # 8
    QiitaRoute(  # 16 (GET too: the founding list, decisions.md)
        f"{COMMAND}/activate/",
        {"POST": plugins.activate_command, "GET": plugins.activate_command},
    ),
    QiitaRoute(f"{COMMAND}/", {"GET": plugins.get_command}),  # 17
    QiitaRoute(f"{PLUGIN}/commands/", {"POST": plugins.create_command}),  # 18
    QiitaRoute(f"{PLUGIN}/", {"GET": plugins.get_plugin}),  # 19
]
CLOUD_ROUTES: list[BaseRoute] = []
APITEST_ROUTES: list[BaseRoute] = []
