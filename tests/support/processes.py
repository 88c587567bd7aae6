"""`python -m declic ...` for the tests, forked from a server that has imported it once.

Each `declic` process start imports aiogram, FastAPI, SQLAlchemy and the product: 4-5 s of CPU
for a long-running command (aiogram's types alone about 4 s), about 1.2 s for a one-off CLI
command, and the end-to-end tests start about a hundred of them. ``start`` and ``run`` instead
ask this worker's fork server (``tests.support.zygote``, started on first use, stopped at the
end of the session) for a child that runs `declic` with the given arguments, environment,
working directory and output files, as ``python -m declic`` would after its imports. The
handle is ``subprocess.Popen``'s shape (pid, poll, wait, send_signal, terminate, kill,
returncode), so a caller changes by one line.

``start(..., exec_=True)`` still execs a new interpreter, for the tests whose subject is the
process as an operator starts it. A request whose environment differs from the server's in a
variable the imports read (the locale, the time zone, a library's switch: the server says which
when it is ready) is exec'd too: what was imported under another value cannot be undone.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tests.support.zygote import APPLIED_IN_CHILD, HEADER

REPO = Path(__file__).resolve().parents[2]
STARTUP = 180.0  # the server's imports, bounded: seconds, a minute or more on a loaded machine
EXECUTED: list[tuple[str, ...]] = []  # the requests exec'd rather than forked (and why)


def _path_entries(value: str | None) -> list[str]:
    return list(dict.fromkeys(p for p in (value or "").split(os.pathsep) if p))


def checkout_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (this process's environment) without ``DECLIC_*``, with the checkout under test
    first on PYTHONPATH (a worktree tests itself, whatever the editable install points at)."""
    env = {k: v for k, v in (base or os.environ).items() if not k.startswith("DECLIC_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *_path_entries(env.get("PYTHONPATH"))])
    return env


class ForkedProcess:
    """A child of the fork server, seen as ``subprocess.Popen`` shows a child."""

    def __init__(self, args: list[str], conn: socket.socket) -> None:
        self.args = args
        self.returncode: int | None = None
        self._conn = conn
        self._buffer = b""
        self._lock = threading.Lock()
        kind, value = self._line(STARTUP)
        assert kind == "pid", (kind, value)
        self.pid = value

    def _line(self, timeout: float | None) -> tuple[str, int]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self._conn], [], [], left)[0]:
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            chunk = self._conn.recv(256)
            if not chunk:
                raise RuntimeError(f"the fork server went away while {self.args} ran")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        kind, _, value = line.decode().partition(" ")
        return kind, int(value)

    def wait(self, timeout: float | None = None) -> int:
        with self._lock:
            if self.returncode is None:
                kind, value = self._line(timeout)
                assert kind == "exit", (kind, value)
                self.returncode = value
                self._conn.close()
            return self.returncode

    def poll(self) -> int | None:
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(15)

    def kill(self) -> None:
        self.send_signal(9)


class Zygote:
    """The fork server of this process (one per xdist worker), ready once its imports are."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="declic-zygote-"))
        self.socket = str(self.dir / "socket")
        self.env = checkout_env()
        with (self.dir / "zygote.log").open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.support.zygote", self.socket],
                cwd=self.dir, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log,
            )  # fmt: skip
        assert self.proc.stdout is not None
        ready = select.select([self.proc.stdout], [], [], STARTUP)[0]
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.stop()
            log_text = (self.dir / "zygote.log").read_text(errors="replace")
            raise RuntimeError(f"the fork server did not start within {STARTUP}s:\n{log_text}")
        self.imported_with: dict[str, str | None] = json.loads(line)

    def mismatch(self, env: dict[str, str]) -> str | None:
        """Why a process with this environment cannot be forked from this server, if so."""
        if _path_entries(env.get("PYTHONPATH")) != _path_entries(self.env.get("PYTHONPATH")):
            return f"PYTHONPATH {env.get('PYTHONPATH')!r}"
        for name, value in self.imported_with.items():
            if env.get(name) != value and name not in APPLIED_IN_CHILD:
                return f"{name}={env.get(name)!r}, imported with {value!r}"
        return None

    def spawn(
        self, args: list[str], env: dict[str, str], cwd: Path, fds: tuple[int, int, int],
        module: str = "declic",
    ) -> ForkedProcess:  # fmt: skip
        request = json.dumps({"argv": args, "env": env, "cwd": str(cwd), "module": module})
        body = request.encode()
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(self.socket)
        socket.send_fds(conn, [HEADER.pack(len(body))], list(fds))
        conn.sendall(body)
        return ForkedProcess([sys.executable, "-m", module, *args], conn)

    def stop(self) -> None:
        """Close its stdin: it kills the children still running and exits."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        for path in self.dir.iterdir():
            path.unlink()
        self.dir.rmdir()


_ZYGOTE: list[Zygote] = []
_STARTING = threading.Lock()


def zygote() -> Zygote:
    """This process's fork server, started on first use."""
    with _STARTING:
        if not _ZYGOTE:
            _ZYGOTE.append(Zygote())
            atexit.register(stop_zygote)
        return _ZYGOTE[0]


def running_zygote() -> Zygote | None:
    """This process's fork server if it was started already, else None."""
    with _STARTING:
        return _ZYGOTE[0] if _ZYGOTE else None


def stop_zygote() -> None:
    """Stop this process's fork server, if it was started (at the end of the session)."""
    with _STARTING:
        while _ZYGOTE:
            _ZYGOTE.pop().stop()


Process = ForkedProcess | subprocess.Popen[bytes]


def start(
    args: list[str], *, env: dict[str, str], cwd: Path, log: Path, append: bool = True,
    exec_: bool = False, module: str = "declic",
) -> Process:  # fmt: skip
    """`python -m declic ARGS` in ``cwd`` with ``env``; stdin /dev/null, stdout and stderr to
    ``log`` (appended to, or truncated). Forked from the fork server unless ``exec_``."""
    with log.open("ab" if append else "wb") as out, open(os.devnull, "rb") as devnull:
        return _start(args, env, cwd, (devnull, out, out), exec_, module)


def _start(
    args: list[str], env: dict[str, str], cwd: Path, files: tuple[IO[Any], IO[Any], IO[Any]],
    exec_: bool, module: str, start_server: bool = True,
) -> Process:  # fmt: skip
    if not exec_:
        server = zygote() if start_server else running_zygote()
        why = "no fork server running" if server is None else server.mismatch(env)
        if server is not None and why is None:
            fds = (files[0].fileno(), files[1].fileno(), files[2].fileno())
            return server.spawn(args, env, cwd, fds, module)
        EXECUTED.append((*args, why))
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=cwd, env=env, stdin=files[0], stdout=files[1], stderr=files[2],
    )  # fmt: skip


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def run(
    args: list[str], *, env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = STARTUP,
    module: str = "declic", start_server: bool = True,
) -> Completed:  # fmt: skip
    """Run `declic ARGS` to its end (forked); its exit status and its output, as text.

    With ``start_server=False`` it is forked only if this worker's fork server runs already
    (its start, about 8 s of CPU, costs more than a few CLI commands' imports, 1.2 s each),
    else exec'd: for the integration tests' CLI runs, which in a whole run mostly come after
    the end-to-end tests have started the worker's server."""
    with (
        tempfile.TemporaryFile() as given,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        given.write(stdin.encode())
        given.seek(0)
        proc = _start(args, env, cwd, (given, out, err), False, module, start_server)
        try:
            code = proc.wait(timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        out.seek(0)
        err.seek(0)
        return Completed(code, out.read().decode(errors="replace"), err.read().decode())
