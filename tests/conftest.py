"""Fixtures shared by every layer. Database fixtures run each test on SQLite and PostgreSQL.

The schema is migrated once per test run (once per xdist worker): SQLite tests get a copy of a
migrated template file, PostgreSQL tests the worker's database emptied before each test (see
``tests/support/databases.py``). Tests of the migrations themselves take ``database_url``, a
fresh and empty database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from infra.clock import FrozenClock
from infra.db import make_engine
from infra.uow import UnitOfWork, uow_factory_for
from tests.support.browser import console_env, declic, running_console
from tests.support.console import PASSWORD
from tests.support.databases import (
    BACKENDS,
    WorkerDatabase,
    copy_of,
    migrated_sqlite_template,
    require_postgres,
    throwaway_database,
)
from tests.support.fake_bot_api import FakeBotApi

PARIS = ZoneInfo("Europe/Paris")

# End-to-end tests start heavy processes (`declic` imports for seconds, chromium): under
# pytest-xdist each e2e module runs on one worker, its tests one after another, while the other
# workers run other modules and the unit and integration tests. (Two groups for all of e2e made
# a 16-minute serial chain; one unit per module: 9 minutes, measured on the same machine.)


def _work_unit(nodeid: str) -> str:
    """The xdist work unit of a test: its own, or its end-to-end module's."""
    module = nodeid.split("::", 1)[0]
    if module.startswith("tests/e2e/"):
        return module
    return nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`-n N` (``--dist load``): each test on any worker, except that an e2e module stays whole.

    (xdist's own ``loadgroup`` does not see ``xdist_group`` marks under pytest 9.2: it renames
    ``item._nodeid``, which pytest no longer reads.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _work_unit(nodeid)

    return ByWorkUnit(config, log)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each database test runs twice: on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty (never migrated) database, dropped afterwards: for tests of migrations."""
    with throwaway_database(backend, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[WorkerDatabase]:
    """This worker's PostgreSQL database, migrated once (skipped, or failed in CI, if the
    server cannot be reached)."""
    require_postgres()
    database = WorkerDatabase()
    database.create()
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def postgres_url(postgres_database: WorkerDatabase) -> str:
    """A PostgreSQL database at head with no rows (for PostgreSQL-only tests)."""
    return postgres_database.reset()


@pytest.fixture
def migrated_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database at head with no rows, on the backend of the test's parameter."""
    if backend == "sqlite":
        return copy_of(request.getfixturevalue("sqlite_template"), tmp_path)
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def uow_factory(migrated_url: str) -> AsyncIterator[Callable[[], UnitOfWork]]:
    engine = make_engine(migrated_url)
    yield uow_factory_for(engine)
    await engine.dispose()


@pytest.fixture
def bot_database(database_url: str) -> str:
    """An empty database for a `declic bot` process: on SQLite the bot migrates it itself at
    start; on PostgreSQL the test migrates it as an operator would (`declic db upgrade`)."""
    return database_url


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    """The local fake Bot API over HTTP on 127.0.0.1 (a port of the system's choosing)."""
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
def console_url(migrated_url: str, tmp_path: Path) -> Iterator[str]:
    """`declic console` as a subprocess on a free port, with an admin "ada" made by the CLI."""
    env = console_env(migrated_url)
    declic(
        "staff", "add", "ada@example.org", "--name", "Ada Lovelace", "--role", "admin",
        env=env, cwd=tmp_path, stdin=PASSWORD + "\n",
    )  # fmt: skip
    with running_console(env, tmp_path) as url:
        yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=PARIS))
