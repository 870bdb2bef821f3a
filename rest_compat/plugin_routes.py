"""The ordered `/qiita_db`, `/cloud` and `/apitest` routes (plugin-api.md §1.2).

Order matters: captures are greedy and the first route whose path matches answers
(with a 405 when it lacks the method). Numbers are the rows of the contract's table.
Every write (POST, PATCH, and activation by GET) is wrapped in `client_write`: it needs
a client token (decisions.md).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from rest_compat import (
    analyses,
    apitest,
    archive,
    artifact_types,
    artifacts,
    cloud,
    jobs,
    plugins,
    prep_templates,
    references,
    studies_listing,
    users,
)
from rest_compat.bearer import client_write
from rest_compat.qiita_routing import QiitaRoute

JOB = "/qiita_db/jobs/{job_id:path}"
PLUGIN = "/qiita_db/plugins/{name:path}/{version:path}"
COMMAND = PLUGIN + "/commands/{command:path}"

PLUGIN_ROUTES: list[BaseRoute] = [
    # 1: /qiita_db/authenticate/ is rest_compat/authentication.py (AUTH_ROUTES, first).
    QiitaRoute(f"{JOB}/heartbeat/", {"POST": client_write(jobs.heartbeat)}),  # 2
    QiitaRoute(f"{JOB}/step/", {"POST": client_write(jobs.step)}),  # 3
    QiitaRoute(f"{JOB}/complete/", {"POST": client_write(jobs.complete)}),  # 4
    QiitaRoute(JOB, {"GET": jobs.get_job}),  # 5
    QiitaRoute(  # 6
        "/qiita_db/artifacts/types/",
        {"GET": artifact_types.list_types, "POST": client_write(artifact_types.create_type)},
    ),
    QiitaRoute(  # 7
        "/qiita_db/artifacts/{artifact_id:path}/",
        {"GET": artifacts.get_artifact, "PATCH": client_write(artifacts.patch_artifact)},
    ),
    QiitaRoute("/qiita_db/artifact/", {"POST": client_write(artifacts.inject_artifact)}),  # 8
    QiitaRoute("/qiita_db/users/", {"GET": users.list_users}),  # 9
    QiitaRoute("/qiita_db/user/{email:path}/data/", {"GET": users.get_user}),  # 10
    QiitaRoute(  # 11
        "/qiita_db/sample_information/{study_id:path}/data/",
        {"GET": prep_templates.get_sample_data},
    ),
    QiitaRoute(  # 12
        "/qiita_db/prep_template/{prep_id:path}/data/", {"GET": prep_templates.get_prep_data}
    ),
    QiitaRoute("/qiita_db/prep_template/{prep_id:path}/", {"GET": prep_templates.get_prep}),  # 13
    QiitaRoute(  # 14
        "/qiita_db/prep_template/", {"POST": client_write(prep_templates.create_prep)}
    ),
    QiitaRoute(  # 15
        "/qiita_db/references/{reference_id:path}/", {"GET": references.get_reference}
    ),
    QiitaRoute(  # 16 (GET too: the founding list, decisions.md)
        f"{COMMAND}/activate/",
        {
            "POST": client_write(plugins.activate_command),
            "GET": client_write(plugins.activate_command),
        },
    ),
    QiitaRoute(f"{COMMAND}/", {"GET": plugins.get_command}),  # 17
    QiitaRoute(f"{PLUGIN}/commands/", {"POST": client_write(plugins.create_command)}),  # 18
    QiitaRoute(f"{PLUGIN}/", {"GET": plugins.get_plugin}),  # 19
    QiitaRoute(  # 20
        "/qiita_db/analysis/{analysis_id:path}/metadata/", {"GET": analyses.get_metadata}
    ),
    QiitaRoute(  # 21
        "/qiita_db/archive/observations/",
        {"POST": client_write(archive.lookup), "PATCH": client_write(archive.store)},
    ),
    QiitaRoute(  # 22
        "/qiita_db/studies/{visibility:path}", {"GET": studies_listing.list_biom_artifacts}
    ),
]

CLOUD_ROUTES: list[BaseRoute] = [
    QiitaRoute(  # 23
        "/cloud/fetch_file_from_central/{filepath:path}", {"GET": cloud.fetch}, head=False
    ),
    QiitaRoute("/cloud/push_file_to_central/", {"POST": cloud.push}, head=False),  # 24
]

APITEST_ROUTES: list[BaseRoute] = [  # 25-29, test mode only (rest_compat/routes.py)
    QiitaRoute("/apitest/processing_job/", {"POST": apitest.create_job}),
    QiitaRoute("/apitest/reset/", {"POST": apitest.reset}),
    QiitaRoute("/apitest/prep_template/", {"POST": prep_templates.create_prep}),
    QiitaRoute("/apitest/artifact/", {"POST": apitest.create_artifact}),
    QiitaRoute("/apitest/reload_plugins/", {"POST": apitest.reload_plugins}),
]
