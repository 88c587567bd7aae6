"""SQLite's WAL checkpoints run in a worker thread, not inside a commit in the event loop.

Why: SQLite checkpoints inside the commit that finds its WAL past ``wal_autocheckpoint`` pages
(1000 by default): that commit copies the WAL's pages into the database file and fsyncs both.
The process's statements and commits run in the event loop's thread (``infra.db``'s in-loop
connection), so every few hundred turns one commit held the loop for several milliseconds, and
every turn that arrived meanwhile waited behind it: on SQLite, most of the slowest 1 % of turns
(issue 18; bench/README.md, session 14).

Here a connection checkpoints by itself only past ``BACKSTOP_PAGES`` (should the thread fall
behind or fail, the WAL still cannot grow without bound), and every ``EVERY_COMMITS`` commits
the loop hands a ``PASSIVE`` checkpoint to its default executor, on a connection of its own:
a passive checkpoint takes no writer's lock, so turns commit meanwhile, and sqlite3 releases
the GIL while it copies and fsyncs. It runs one at a time, and never from a thread without an
event loop (there, the backstop).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger(__name__)

EVERY_COMMITS = 64  # a turn writes about 8 pages: a checkpoint of about 500
BACKSTOP_PAGES = 10_000  # about 40 MB of WAL with 4 KB pages


class WalCheckpoints:
    """Checkpoints of one SQLite database file, off the event loop's thread."""

    def __init__(self, path: Path, *, every: int = EVERY_COMMITS) -> None:
        # mode=rw: a checkpoint never creates the file (a test may have removed it already)
        self._uri = f"file:{quote(str(path.resolve()))}?mode=rw"
        self._every = every
        self._commits = 0
        self._running = False
        self.runs = 0  # checkpoints done (tests and benches read it)
        self.last: tuple[int, int, int] | None = None  # (busy, WAL pages, pages checkpointed)

    def committed(self) -> None:
        """A transaction was committed (called in the committing thread: the loop's)."""
        self._commits += 1
        if self._commits < self._every or self._running:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop in this thread: the connection's backstop checkpoints
            return
        self._commits = 0
        self._running = True
        loop.run_in_executor(None, self._checkpoint).add_done_callback(self._done)

    def _checkpoint(self) -> None:
        connection = sqlite3.connect(self._uri, uri=True, timeout=10, check_same_thread=False)
        try:
            row = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            connection.close()
        self.last = (int(row[0]), int(row[1]), int(row[2]))
        self.runs += 1

    def _done(self, future: asyncio.Future[None]) -> None:
        self._running = False
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:  # the next commits try again; the backstop bounds the WAL
            log.warning("WAL checkpoint failed (%s); retried later", type(error).__name__)
