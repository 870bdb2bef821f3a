"""Fixtures for `/api/v1` tests: an owner with a token, and a study of theirs."""

from __future__ import annotations

import pytest

from resolvers.context import Services
from tests.builders.callers import SignedInCaller, make_caller
from tests.builders.studies import make_study


@pytest.fixture
async def owner(services: Services) -> SignedInCaller:
    return await make_caller(services)


@pytest.fixture
async def study_id(services: Services, owner: SignedInCaller) -> int:
    return await make_study(services, owner.principal, artifact=False, lab_person=True)
