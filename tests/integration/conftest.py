"""Fixtures of the integration tests (the database ones are in ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI

from infra.clock import FrozenClock
from infra.uow import UnitOfWork
from tests.support.console import console_app


@pytest.fixture
def app(migrated_url: str, uow_factory: Callable[[], UnitOfWork], clock: FrozenClock) -> FastAPI:
    """The console over the test's database, on the test's clock."""
    return console_app(migrated_url, uow_factory, clock)
