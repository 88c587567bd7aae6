"""SQLite's WAL checkpoints run in the event loop's default executor, not inside a commit in the
loop's thread (``infra.wal``, issue 18): a commit that checkpointed held every turn behind it."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db import make_engine
from infra.wal import BACKSTOP_PAGES, EVERY_COMMITS, WalCheckpoints

PAGE = 4096


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wal.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    yield engine
    await engine.dispose()


def checkpoints_of(engine: AsyncEngine) -> WalCheckpoints:
    wal = engine.sync_engine.dialect.loaded_dbapi.wal
    assert isinstance(wal, WalCheckpoints)
    return wal


async def commit_pages(engine: AsyncEngine, commits: int) -> None:
    """``commits`` transactions of one row of about a page each."""
    for _ in range(commits):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": "x" * 3000})


async def settled(wal: WalCheckpoints, runs: int) -> None:
    for _ in range(200):  # at most 10 s
        if wal.runs >= runs and not wal._running:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{wal.runs} checkpoints, {runs} awaited")


def gated(monkeypatch: pytest.MonkeyPatch, gate: threading.Event, threads: list[int]) -> None:
    """Checkpoints wait for ``gate`` and note the thread they run in."""
    real: Callable[[WalCheckpoints], None] = WalCheckpoints._checkpoint

    def checkpoint(self: WalCheckpoints) -> None:
        threads.append(threading.get_ident())
        assert gate.wait(10)
        real(self)

    monkeypatch.setattr(WalCheckpoints, "_checkpoint", checkpoint)


async def test_the_loops_commits_leave_checkpoints_to_the_worker(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the worker's checkpoint held up, the loop's commits let the WAL grow past SQLite's
    default 1000 pages (there, a commit in the loop checkpointed and the WAL started again);
    released, the worker checkpoints every page, in a thread that is not the loop's."""
    gate, threads = threading.Event(), []
    gated(monkeypatch, gate, threads)
    wal = checkpoints_of(engine)
    await commit_pages(engine, 1500)
    assert (tmp_path / "wal.sqlite3-wal").stat().st_size > 1400 * PAGE
    assert threads and threading.get_ident() not in threads
    gate.set()
    await settled(wal, 1)
    assert wal.last is not None
    busy, pages, done = wal.last
    assert busy == 0 and pages >= 1500 and done == pages


async def test_a_checkpoint_every_so_many_commits_one_at_a_time(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, threads = threading.Event(), []
    gated(monkeypatch, gate, threads)
    wal = checkpoints_of(engine)
    await commit_pages(engine, EVERY_COMMITS - 1 - wal._commits)  # the table's was one
    await asyncio.sleep(0.05)
    assert threads == []
    await commit_pages(engine, 3 * EVERY_COMMITS)  # one starts, the others wait for it
    assert len(threads) == 1
    gate.set()
    await settled(wal, 1)
    await commit_pages(engine, EVERY_COMMITS)  # the next one, after it ended
    await settled(wal, 2)
    assert len(threads) == 2


async def test_the_connections_own_checkpoints_are_a_backstop(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        pages = (await connection.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar_one()
    assert pages == BACKSTOP_PAGES


async def test_a_failed_checkpoint_is_logged_and_tried_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    wal = checkpoints_of(engine)
    real, failures = WalCheckpoints._checkpoint, []

    def failing_once(self: WalCheckpoints) -> None:
        if not failures:
            failures.append(1)
            raise sqlite3.OperationalError("disk I/O error")
        real(self)

    monkeypatch.setattr(WalCheckpoints, "_checkpoint", failing_once)
    with caplog.at_level(logging.WARNING, logger="infra.wal"):
        await commit_pages(engine, EVERY_COMMITS)
        for _ in range(200):
            if not wal._running:
                break
            await asyncio.sleep(0.05)
    assert [record.getMessage() for record in caplog.records] == [
        "WAL checkpoint failed (OperationalError); retried later"
    ]
    assert caplog.records[0].exc_info is None
    await commit_pages(engine, EVERY_COMMITS)
    await settled(wal, 1)
    assert wal.last is not None and wal.last[0] == 0


def test_no_loop_no_checkpoint(tmp_path: Path) -> None:
    """A commit in a thread without an event loop leaves it to the connection's backstop."""
    wal = WalCheckpoints(tmp_path / "none.sqlite3", every=1)
    wal.committed()
    assert wal.runs == 0 and not wal._running


def test_a_checkpoint_never_creates_the_file(tmp_path: Path) -> None:
    wal = WalCheckpoints(tmp_path / "gone.sqlite3")
    with pytest.raises(sqlite3.OperationalError):
        wal._checkpoint()
    assert not (tmp_path / "gone.sqlite3").exists()


async def test_a_database_in_memory_has_none() -> None:
    engine = make_engine("sqlite+aiosqlite://")
    try:
        assert engine.sync_engine.dialect.loaded_dbapi.wal is None
        async with engine.begin() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
