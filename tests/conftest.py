"""Fixtures shared by every layer. Database fixtures run each test on SQLite and PostgreSQL.

The schema is migrated once per test run (once per xdist worker): SQLite tests get a copy of a
migrated template file, PostgreSQL tests the worker's database emptied before each test (see
``tests/support/databases.py``). Tests of the migrations themselves take ``database_url``, a
fresh and empty database.
"""

# ruff: noqa: E402
from __future__ import annotations

import gc
import os

# The garbage collector paused while this process imports the application and the tests (the
# imports make few cycles; its full passes over a growing heap cost about a fifth of the CPU of
# those imports), then what was imported is frozen out of its sight: see pytest_collection_finish.
gc.disable()

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from infra.clock import FrozenClock
from infra.db import make_engine
from infra.uow import UnitOfWork, uow_factory_for
from tests.support.browser import console_env, declic, running_console
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


def _deprecated_adapter(value: object) -> object:
    raise DeprecationWarning(
        f"sqlite3's default adapter for {type(value).__name__} (deprecated since Python 3.12) "
        "was asked to bind a value: bind it as the product stores it (infra.orm.UtcDateTime, "
        "an ISO string)"
    )


# sqlite3's default date and datetime adapters warn from Python 3.12 on; here they refuse on
# every Python, so a test (or the code it runs in this process) that leans on them fails on the
# 3.11 of the venv too, and never stores an instant otherwise than the product does.
for _kind in (date, datetime):
    sqlite3.register_adapter(_kind, _deprecated_adapter)

# Each test is its own xdist work unit, so that the longest tests (the e2e ones, minutes under
# load) run side by side: a whole e2e module on one worker made its tests a serial chain (the
# console pages' four cases, 4 x ~120 s at -n 2; the held-out town's two backends). At most
# one heavy process per worker either way (`declic` imports for seconds, chromium).
# A module whose tests share a module-scoped fixture (a town scored through the CLI, a trained
# reader) is one unit: spread over four workers, each worker built it again.
#
# Units are handed out longest first (xdist gives a worker its next unit while it runs the last
# test of the previous one, so a long unit handed out last lengthens the run): in the order of
# their durations in a whole run (-n 5 on a shared 2-CPU box, load 7: the console pages ~215 s,
# the eight residents 150-177 s, mypy cold 132 s, the kill -9 intake 90-120 s, schemathesis
# ~100 s, the scheduler crashes 83-95 s, the held-out town 75-87 s), then the other e2e tests,
# then the slow modules below, then everything else in collection order. mypy's cold run goes
# first of all: xdist gives each worker a first unit and queues a second one behind it, so
# third in this list mypy waited behind a console pages test (it started at 146 s of a run).
_TESTS = Path(__file__).resolve().parent

# The processes the tests start (`declic bot`, `declic console`, the CLI) run in a temporary
# directory: they import the checkout under test, first on their path, not whatever checkout
# the editable install points at (a worktree's console tests ran the main checkout's code).
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(_TESTS.parent), os.environ.get("PYTHONPATH", "")) if p
)
_SLOW_FIRST = (
    "tests/unit/test_types.py",  # mypy with no cache in a fresh clone: gw0's first unit
    "tests/e2e/test_console_pages.py",  # ~100 page views, four times (axe in the SQLite two)
    "tests/e2e/test_eight_residents.py",
    "tests/e2e/test_bot_process.py::test_intake_survives_kill_9",
    "tests/integration/test_api_schema.py::test_generated_requests",  # schemathesis, one unit
    "tests/e2e/test_scheduler_crash.py",
    "tests/e2e/test_any_city.py",
    "tests/e2e/",
    "tests/integration/test_api_schema.py",
    "tests/integration/test_matching_towns.py",
    "tests/integration/test_followup_delivery_limits.py",  # real-time pacing, 17 s
    "tests/integration/test_understanding_evaluation.py",
    "tests/unit/test_understanding.py",
    "tests/integration/test_understand_cli.py",
    "tests/unit/test_architecture.py",
)


@cache
def _module_is_one_unit(module: str) -> bool:
    path = _TESTS.parent / module
    return path.is_file() and 'scope="module"' in path.read_text(encoding="utf-8")


def _work_unit(nodeid: str) -> str:
    """The xdist work unit of a test: its own, or its module's if the module shares a fixture."""
    module = nodeid.split("::", 1)[0]
    return module if _module_is_one_unit(module) else nodeid


def _rank(nodeid: str) -> int:
    return next((i for i, p in enumerate(_SLOW_FIRST) if nodeid.startswith(p)), len(_SLOW_FIRST))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, whole modules reordered longest first (each module's tests keep their order,
    so module-scoped fixtures are still built once)."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: _rank(item.nodeid))


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`-n N` (``--dist load``): each test on any worker, except that a module sharing a fixture
    stays whole; units in collection order (see ``pytest_collection_modifyitems``), not xdist's
    biggest-unit-first.

    (xdist's own ``loadgroup`` does not see ``xdist_group`` marks under pytest 9.2: it renames
    ``item._nodeid``, which pytest no longer reads.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _work_unit(nodeid)

    return ByWorkUnit(config, log)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collector back on, blind to the modules and objects loaded so far (they stay for the
    whole run: each full pass would walk them again, in every worker)."""
    gc.collect()
    gc.freeze()
    gc.enable()


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
    # Imported here, not at the top: tests.support.console loads the console and the bot
    # (aiogram's types: ~6 s of CPU on a loaded 2-CPU box), and the xdist controller, which
    # imports this file before it starts any worker, runs no test.
    from tests.support.console import PASSWORD

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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """This worker's fork server (tests/support/processes.py), if it was started, stopped."""
    from tests.support.processes import stop_zygote

    stop_zygote()
