"""The GraphQL workloads of the harness: their documents, and paging a study's samples to the end.

Every document takes its page sizes as variables, so the harness can send it once with the
full sizes and once with smaller pages and compare the SQL statement counts: they should not
depend on the number of rows returned. (The smaller pages still hold several objects, so
that every nested list of the document is reached both times.)
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx

STUDIES = "query Studies($n: Int!) { studies(first: $n) { totalCount nodes { studyId title } } }"

STUDY_PAGE = """
query StudyPage($id: Int!, $n: Int!, $samples: Int!) {
  study(studyId: $id) {
    studyId title alias description abstract status viewerCanEdit
    principalInvestigator { name affiliation email }
    sampleInformation { categories sampleCount }
    preparations(first: $n) { nodes { prepId name dataType status sampleCount } }
    artifacts(first: $n) {
      nodes {
        artifactId name visibility type { name }
        jobs(last: 5) {
          nodes { jobId status step heartbeat command { name plugin { name version } } }
        }
      }
    }
    samples(first: $samples) { nodes { sampleName metadata } }
  }
}
"""

STUDY_TREE = """
query StudyTree($n: Int!) {
  studies(first: $n) {
    nodes {
      studyId title
      preparations(first: 10) {
        nodes { prepId dataType artifacts { artifactId name visibility type { name } } }
      }
    }
  }
}
"""

SAMPLES_PAGE = """
query SamplesPage($id: Int!, $first: Int!, $after: String) {
  study(studyId: $id) {
    samples(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { sampleName metadata }
    }
  }
}
"""


def documents(big_study: int) -> dict[str, tuple[str, dict[str, Any], dict[str, Any]]]:
    """key -> (document, full-size variables, smaller-page variables)."""
    return {
        "gql_studies": (STUDIES, {"n": 20}, {"n": 5}),
        "gql_study_page": (
            STUDY_PAGE,
            {"id": big_study, "n": 20, "samples": 100},
            {"id": big_study, "n": 5, "samples": 10},
        ),
        "gql_study_tree": (STUDY_TREE, {"n": 100}, {"n": 10}),
    }


@dataclass
class Paging:
    pages: int
    rows: int
    total_seconds: float
    page_p50_ms: float
    page_p99_ms: float
    statements_first_page: int | None
    statements_last_page: int | None
    cpu_ms_per_page: float | None = None


def _statements(response: httpx.Response) -> int | None:
    value = response.headers.get("x-sql-statements")
    return int(value) if value is not None else None


def page_to_end(http: httpx.Client, study: int, token: str, page_size: int) -> Paging:
    """Follow `Study.samples` pages of `page_size` until `hasNextPage` is false."""
    after: str | None = None
    latencies: list[float] = []
    statements: list[int | None] = []
    rows = 0
    started = time.perf_counter()
    while True:
        sent = time.perf_counter()
        response = http.post(
            "/graphql",
            json={
                "query": SAMPLES_PAGE,
                "variables": {"id": study, "first": page_size, "after": after},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        latencies.append(time.perf_counter() - sent)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise SystemExit(f"samples paging: {response.status_code} {response.text[:300]}")
        statements.append(_statements(response))
        connection = body["data"]["study"]["samples"]
        rows += len(connection["nodes"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    total = time.perf_counter() - started
    ordered = sorted(latencies)
    return Paging(
        pages=len(latencies),
        rows=rows,
        total_seconds=round(total, 3),
        page_p50_ms=round(statistics.median(ordered) * 1000, 2),
        page_p99_ms=round(
            ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000, 2
        ),
        statements_first_page=statements[0],
        statements_last_page=statements[-1],
    )
