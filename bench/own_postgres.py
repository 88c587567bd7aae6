"""A throw-away PostgreSQL cluster of the bench's own, on a free port, so that a fault bench can
restart *its* server without touching the machine's (which other programs use).

``initdb`` and ``pg_ctl`` come from ``/usr/lib/postgresql/<newest>/bin`` (or ``PATH``). As root,
the cluster is made and run by the ``postgres`` system user (PostgreSQL refuses to run as root),
in a temporary directory that user owns; it trusts local connections and is deleted on exit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SERVER_USER = "postgres"


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OwnPostgres:
    """One cluster: ``url`` to reach it, ``restart()`` to cut every connection and come back."""

    def __init__(self, bindir: Path, datadir: Path, port: int, as_user: list[str]) -> None:
        self.bindir = bindir
        self.datadir = datadir
        self.port = port
        self.as_user = as_user
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout, check=False
        )

    def pg_ctl(self, action: str, *extra: str) -> subprocess.CompletedProcess[str]:
        log = str(self.datadir.parent / "server.log")
        return self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", log, "-w", "-t", "60",
            action, *extra,
        )  # fmt: skip

    def restart_command(self) -> list[str]:
        """What the fault bench runs: a fast restart (every connection is cut)."""
        log = str(self.datadir.parent / "server.log")
        return [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", log,
                "-w", "-t", "60", "-m", "fast", "restart"]  # fmt: skip


@contextlib.contextmanager
def own_postgres(max_connections: int = 200) -> Iterator[OwnPostgres]:
    bindir = _binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    as_user = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
    top = Path(tempfile.mkdtemp(prefix="declic-own-pg-"))
    try:
        if as_user:
            shutil.chown(top, user=SERVER_USER)
        port = _free_port()
        cluster = OwnPostgres(bindir, top / "data", port, as_user)
        done = cluster._run(
            str(bindir / "initdb"), "-D", str(cluster.datadir), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()[:300]}")
        conf = cluster.datadir / "postgresql.conf"
        settings = (
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{top}'\n"
            f"max_connections = {max_connections}\nfsync = off\nsynchronous_commit = off\n"
            "full_page_writes = off\n"
        )
        with conf.open("a", encoding="utf-8") as out:
            out.write(settings)
        started = cluster.pg_ctl("start")
        if started.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()[:300]}")
        try:
            yield cluster
        finally:
            cluster.pg_ctl("stop", "-m", "immediate")
    finally:
        shutil.rmtree(top, ignore_errors=True)
