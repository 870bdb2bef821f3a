"""The large site the harness measures, and its workloads.

Built on a running `serve --demo`: the large study's sample information and its preparation
through the REST API (their wall times are figures of their own), then plugins, studies,
artifact chains and jobs in bulk straight into the database (`bench/large_site.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import graphql_load
from bench.large_site import Scale, build
from bench.results import Workload
from db.settings import Settings

RUNNING_JOB = "4fb06e92-c371-4a5e-b29f-5b6d7e8f90a5"  # the demo's running job
SYSTEM_CLIENT = ("qiita-demo-system-client", "qiita-demo-system-secret")
ADMIN = ("demo-admin@example.org", "qiita-demo-admin")
PASSWORD_CLIENT = "qiita-demo-password-client"


@dataclass
class Site:
    client_token: str
    admin_token: str
    big_study: int
    big_prep: int
    demo_categories: list[str]
    build_seconds: dict[str, float]
    running_jobs: list[str]


def _token(http: httpx.Client, form: dict[str, str]) -> str:
    response = http.post("/qiita_db/authenticate/", data=form)
    response.raise_for_status()
    return str(response.json()["access_token"])


def tokens(http: httpx.Client) -> tuple[str, str]:
    """A token of the demo's system client and one of the demo admin."""
    client_id, secret = SYSTEM_CLIENT
    client = _token(http, {"grant_type": "client", "client_id": client_id, "client_secret": secret})
    admin = _token(
        http,
        {"grant_type": "password", "client_id": PASSWORD_CLIENT, "username": ADMIN[0],
         "password": ADMIN[1]},
    )  # fmt: skip
    return client, admin


def _timed_request(
    http: httpx.Client, label: str, seconds: dict[str, float], want: int, **request: Any
) -> httpx.Response:
    started = time.perf_counter()
    response = http.request(**request)
    seconds[label] = round(time.perf_counter() - started, 2)
    if response.status_code != want:
        raise SystemExit(f"{label}: {response.status_code} {response.text[:300]}")
    return response


def _large_study(http: httpx.Client, scale: argparse.Namespace, seconds: dict[str, float]) -> int:
    names = [("Bench PI", "Bench"), ("Bench Lab", "Bench")]
    for name, affiliation in names:
        http.post(
            "/api/v1/person",
            params={"name": name, "affiliation": affiliation, "email": "b@example.org"},
        )
    study = _timed_request(
        http, "create study", seconds, 201, method="POST", url="/api/v1/study",
        json={
            "title": f"Benchmark study {time.time_ns()}", "study_abstract": "a",
            "study_description": "d", "study_alias": "bench", "owner": ADMIN[0],
            "notes": "", "contacts": {
                "principal_investigator": list(names[0]), "lab_person": list(names[1]),
            },
        },
    ).json()["id"]  # fmt: skip
    samples = {
        f"s.{n}": {f"cat_{c}": f"v{n}-{c}" for c in range(scale.categories)}
        for n in range(scale.samples)
    }
    _timed_request(
        http,
        f"PATCH sample information {scale.samples} x {scale.categories}",
        seconds,
        201,
        method="PATCH",
        url=f"/api/v1/study/{study}/samples",
        content=json.dumps(samples).encode(),
    )
    return int(study)


def build_site(url: str, scale: argparse.Namespace, settings: Settings) -> Site:
    """`settings`: the served database (and data directory), for the bulk rows."""
    seconds: dict[str, float] = {}
    with httpx.Client(base_url=url, timeout=600) as http:
        client_token, admin_token = tokens(http)
        http.headers["Authorization"] = f"Bearer {admin_token}"
        study = _large_study(http, scale, seconds)
        prep_rows = {
            f"s.{n}": {f"prep_{c}": f"p{n}-{c}" for c in range(scale.prep_columns)}
            for n in range(scale.prep_rows)
        }
        prep = _timed_request(
            http,
            f"POST preparation {scale.prep_rows} x {scale.prep_columns}",
            seconds,
            201,
            method="POST",
            url=f"/api/v1/study/{study}/preparation",
            params={"data_type": "16S"},
            content=json.dumps(prep_rows).encode(),
        ).json()["id"]
        del prep_rows
        info = http.get("/api/v1/study/1/samples/info").json()
    bulk = asyncio.run(
        build(
            settings,
            Scale(scale.studies, scale.artifacts, scale.jobs, scale.plugins),
            study,
            prep,
            ADMIN[0],
        )
    )
    seconds[
        f"bulk: {scale.plugins} plugins, {scale.studies} studies, {len(bulk.artifact_ids)} "
        f"artifacts, {scale.jobs:,} jobs"
    ] = bulk.seconds
    return Site(
        client_token=client_token,
        admin_token=admin_token,
        big_study=study,
        big_prep=prep,
        demo_categories=sorted(info["categories"]),
        build_seconds=seconds,
        running_jobs=bulk.running_job_ids,
    )


def served_settings(data_dir: Path, database_url: str | None) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url or "")


def hot_routes(site: Site) -> list[Workload]:
    """The six hot REST routes of the issue, on the demo's rows."""
    client = {"Authorization": f"Bearer {site.client_token}"}
    admin = {"Authorization": f"Bearer {site.admin_token}"}
    client_id, secret = SYSTEM_CLIENT
    categories = ",".join(site.demo_categories[:2])
    return [
        Workload("heartbeat", "POST heartbeat", "POST",
                 f"/qiita_db/jobs/{RUNNING_JOB}/heartbeat/", b"", client, kind="hot"),
        Workload("job", "GET job", "GET", f"/qiita_db/jobs/{RUNNING_JOB}", b"", client,
                 kind="hot"),
        Workload(
            "authenticate", "POST authenticate (client grant)", "POST", "/qiita_db/authenticate/",
            f"grant_type=client&client_id={client_id}&client_secret={secret}".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"}, kind="hot",
        ),
        Workload("prep1", "GET prep data (demo prep 1)", "GET", "/qiita_db/prep_template/1/data/",
                 b"", client, kind="hot"),
        Workload("info1", "GET samples/info (study 1)", "GET", "/api/v1/study/1/samples/info",
                 b"", admin, kind="hot"),
        Workload("categories1", "GET 2 categories (study 1)", "GET",
                 f"/api/v1/study/1/samples/categories={categories}", b"", admin, kind="hot"),
    ]  # fmt: skip


def _graphql(site: Site, scale: argparse.Namespace) -> list[Workload]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {site.admin_token}"}
    names = {
        "gql_studies": "GraphQL studies(first: 20)",
        "gql_study_page": f"GraphQL study page ({scale.samples} samples)",
        "gql_study_tree": "GraphQL 100 studies -> preparations -> artifacts",
    }
    found = []
    for key, (document, full, small) in graphql_load.documents(site.big_study).items():
        found.append(
            Workload(
                key, names[key], "POST", "/graphql",
                json.dumps({"query": document, "variables": full}).encode(), headers,
                kind="graphql",
                small_body=json.dumps({"query": document, "variables": small}).encode(),
            )
        )  # fmt: skip
    return found


def workloads(site: Site, scale: argparse.Namespace) -> list[Workload]:
    client = {"Authorization": f"Bearer {site.client_token}"}
    admin = {"Authorization": f"Bearer {site.admin_token}"}
    big = f"{scale.samples}x{scale.categories}"
    last = scale.categories - 1
    return [
        *hot_routes(site),
        Workload("prep_big", f"GET prep data {scale.prep_rows}x{scale.prep_columns}", "GET",
                 f"/qiita_db/prep_template/{site.big_prep}/data/", b"", client),
        Workload("sampleinfo_big", f"GET sample information data {big}", "GET",
                 f"/qiita_db/sample_information/{site.big_study}/data/", b"", client),
        Workload("info_big", f"GET samples/info {big}", "GET",
                 f"/api/v1/study/{site.big_study}/samples/info", b"", admin),
        Workload("categories_big", f"GET 3 categories of {scale.samples} samples", "GET",
                 f"/api/v1/study/{site.big_study}/samples/categories=cat_0,cat_{last // 2},"
                 f"cat_{last}", b"", admin),
        *_graphql(site, scale),
    ]  # fmt: skip
