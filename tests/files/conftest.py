"""Fixtures for uploads and downloads: an owner with a private study, and an outsider."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from db.settings import Settings
from resolvers.context import Services
from tests.factories import make_study
from tests.graphql.conftest import SignedInCaller, callers, make_caller

__all__ = ["callers"]

TUS = {"Tus-Resumable": "1.0.0"}


@dataclass(frozen=True)
class UploadWorld:
    owner: SignedInCaller
    other: SignedInCaller
    study_id: int
    upload_folder: Path
    staging: Path


@pytest.fixture
async def upload_world(services: Services, settings: Settings) -> UploadWorld:
    owner = await make_caller(services)
    other = await make_caller(services)
    study_id = await make_study(services, owner.account)
    data = settings.resolved_data_dir
    return UploadWorld(
        owner, other, study_id, data / "uploads" / str(study_id), data / "upload_staging"
    )


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def sha1_header(chunk: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(chunk).digest()).decode()
