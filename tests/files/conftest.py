"""Fixtures for uploads and downloads: an owner with a private study, and an outsider."""

from __future__ import annotations

import pytest

from db.settings import Settings
from resolvers.context import Services
from tests.builders.callers import make_caller
from tests.builders.studies import make_study
from tests.files.uploads import UploadWorld


@pytest.fixture
async def upload_world(services: Services, settings: Settings) -> UploadWorld:
    owner = await make_caller(services)
    other = await make_caller(services)
    study_id = await make_study(services, owner.account)
    data = settings.resolved_data_dir
    return UploadWorld(
        owner, other, study_id, data / "uploads" / str(study_id), data / "upload_staging"
    )
