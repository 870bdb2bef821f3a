"""Benchmark: sample-information PATCH of 10,000 samples x 200 categories, and category reads.

Runs the real app in process (httpx over ASGI, lifespan on) against a fresh SQLite
database in a temporary data directory, and prints seconds per step:

    /work/venv/bin/python bench/sample_patch.py [--samples 10000] [--categories 200]

Steps: create the sample information (201), update every value (200), add one category
to every sample (200), read 3 categories, read 1 category, list sample ids.
Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from db.migrate import upgrade_database
from db.models import Account, OAuthClient, Study, StudyPerson
from db.settings import Settings
from gateway.app import create_app
from resolvers.auth import tokens
from resolvers.auth.credentials import new_client_id
from resolvers.context import Services


async def _prepare(services: Services) -> tuple[str, int]:
    async with services.sessions() as session, session.begin():
        account = Account(
            email="bench@x.org", email_lower="bench@x.org", level="user", password_hash="-"
        )
        person = StudyPerson(name="PI", affiliation="Bench", email="pi@x.org")
        client = OAuthClient(client_id=new_client_id(), client_secret_hash=None)
        session.add_all([account, person, client])
        await session.flush()
        study = Study(
            owner_id=account.id, title="bench", alias="bench", description="d", abstract="a",
            principal_investigator_id=person.id, metadata_complete=False, mixs_compliant=False,
        )  # fmt: skip
        session.add(study)
        await session.flush()
        account_id, study_id, client_id = account.id, study.id, client.client_id
    issued = await tokens.issue_token(services, client_id=client_id, account_id=account_id)
    return issued.access_token, study_id


def _table(samples: int, categories: int, tag: str, *, prefix: str = "") -> dict[str, Any]:
    return {
        f"{prefix}s.{n}": {f"cat_{c}": f"{tag}{n}-{c}" for c in range(categories)}
        for n in range(samples)
    }


async def _timed(label: str, step: Callable[[], Awaitable[httpx.Response]], want: int) -> float:
    started = time.perf_counter()
    response = await step()
    seconds = time.perf_counter() - started
    if response.status_code != want:
        raise SystemExit(f"{label}: expected {want}, got {response.status_code} {response.text}")
    print(f"{label:<52} {seconds:8.2f} s")
    return seconds


async def run(settings: Settings, samples: int, categories: int) -> dict[str, float]:
    app = create_app(settings)
    async with LifespanManager(app):
        token, sid = await _prepare(app.state.services)
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers, timeout=None
        ) as http:
            url = f"/api/v1/study/{sid}/samples"
            created = json.dumps(_table(samples, categories, "v")).encode()
            updated = json.dumps(_table(samples, categories, "w", prefix=f"{sid}.")).encode()
            extended = _table(samples, categories, "w", prefix=f"{sid}.")
            for values in extended.values():
                values["added_category"] = "x"
            extended_body = json.dumps(extended).encode()
            size = f"{samples} x {categories}"
            return {
                "create": await _timed(
                    f"PATCH create {size} (201)",
                    lambda: http.patch(url, content=created),
                    201,
                ),
                "update": await _timed(
                    f"PATCH update every value {size} (200)",
                    lambda: http.patch(url, content=updated),
                    200,
                ),
                "add_category": await _timed(
                    f"PATCH add 1 category to {samples} samples (200)",
                    lambda: http.patch(url, content=extended_body),
                    200,
                ),
                "read_3": await _timed(
                    "GET samples/categories= 3 categories",
                    lambda: http.get(f"{url}/categories=cat_0,cat_99,added_category"),
                    200,
                ),
                "read_1": await _timed(
                    "GET samples?categories= 1 category",
                    lambda: http.get(f"{url}?categories=cat_150"),
                    200,
                ),
                "list": await _timed("GET samples (ids)", lambda: http.get(url), 200),
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--categories", type=int, default=200)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        settings = Settings(data_dir=data, database_url=f"sqlite+aiosqlite:///{data / 'q.sqlite'}")
        upgrade_database(settings)
        asyncio.run(run(settings, arguments.samples, arguments.categories))


if __name__ == "__main__":
    main()
