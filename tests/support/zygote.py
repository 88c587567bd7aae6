"""A fork server for the tests' `declic` processes: the application imported once, then forked.

``python -m tests.support.zygote SOCKET`` imports what `python -m declic` imports for its
commands (aiogram's types alone cost 4-5 s of CPU a process), tells its parent it is ready (one
line on stdout: the environment variables read while importing, as JSON) and serves requests
on the Unix socket SOCKET until its stdin closes (its parent, a pytest worker, stopped or died),
then kills the children still running. The client is ``tests.support.processes``.

A request is one connection: a length-prefixed JSON object (``argv``: the `declic` arguments,
``env``: the complete environment, ``cwd``, ``module``: what ``-m`` would run, `declic`
unless a test of this server says otherwise) with three file descriptors passed along
(SCM_RIGHTS): the child's stdin, stdout and stderr. The server forks at once and answers
``pid N``; when the child ends it answers ``exit N`` (``-SIG`` if a signal ended it, as
``subprocess.Popen.returncode``) and closes the connection.

The child does what ``python -m MODULE ARGV`` would do after its imports: the server's sockets
and signal handling gone, the working directory, the environment (``os.environ``, so the C
library's too, and the time zone), the descriptors on 0, 1 and 2 with ``sys.std*`` made anew
(unbuffered when ``PYTHONUNBUFFERED`` is set, as the interpreter reads it only at start),
``sys.path[0]`` the working directory, then the module run as ``__main__`` by ``runpy``; its
``SystemExit`` code is the exit status, an exception is printed and exits 1, ``atexit``
functions run, and ``os._exit`` ends it (the server's own frames must not unwind in a child).

The server stays single-threaded (forking a threaded process is unsafe): a selector loop, and
SIGCHLD through a wake-up pipe, the children reaped with ``waitpid(WNOHANG)``.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import importlib
import io
import json
import logging
import os
import runpy
import selectors
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

# What `declic`'s commands import (each command imports its module when it runs: declic/cli.py).
PRELOAD = (
    "declic.cli",
    "declic.runtime",
    "declic.scheduling",
    "declic.console_runtime",
    "declic.staff_cli",
    "declic.directory_cli",
    "declic.city_cli",
    "declic.sprint_cli",
    "declic.stats_cli",
    "declic.doctor",
    "declic.understand_cli",
    "declic.poster_cli",
    "declic.demo",
    "infra.migrate",
)
HEADER = struct.Struct("!I")
# The server tells its children's environment apart from its own only by these: the interpreter
# reads them at start (sys.path, the streams' buffering), the child applies them itself.
APPLIED_IN_CHILD = frozenset({"PYTHONPATH", "PYTHONUNBUFFERED"})
_REPLACED: list[object] = []


@contextmanager
def environment_reads() -> Iterator[set[str]]:
    """The names of the environment variables read inside (``os.environ[...]``, ``.get``,
    ``in``, ``os.getenv``). Not those only walked over: wsgiref keeps a copy of the whole
    environment for the WSGI servers it runs, which `declic` does not."""
    names: set[str] = set()
    environ = type(os.environ)
    getitem = environ.__getitem__

    def read(self: Any, key: str) -> str:
        if sys._getframe(1).f_code.co_name != "__iter__":
            names.add(key)
        return getitem(self, key)

    environ.__getitem__ = read  # type: ignore[method-assign]
    try:
        yield names
    finally:
        environ.__getitem__ = getitem  # type: ignore[method-assign]


def preload() -> dict[str, str | None]:
    """Import the application (the collector paused, then what was loaded frozen: the children
    share those pages and their collections never walk them); return the environment
    variables the imports read, with their values, which a child's environment must match."""
    gc.disable()
    with environment_reads() as names:
        for module in PRELOAD:
            importlib.import_module(module)
    gc.freeze()
    gc.enable()
    # What a child must not inherit from its imports: a thread (fork keeps only the caller's),
    # an event loop, a logging handler (each command configures logging from its settings).
    assert threading.active_count() == 1, f"an import started a thread: {threading.enumerate()}"
    assert asyncio.get_event_loop_policy()._local._loop is None, "an import made an event loop"  # type: ignore[attr-defined]
    assert logging.getLogger().handlers == [], "an import configured logging"
    return {name: os.environ.get(name) for name in sorted(names - APPLIED_IN_CHILD)}


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    header, fds, _flags, _addr = socket.recv_fds(conn, HEADER.size, 3)
    if len(header) < HEADER.size or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ConnectionError("an incomplete request")
    size = HEADER.unpack(header)[0]
    body = bytearray()
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise ConnectionError("an incomplete request")
        body += chunk
    return json.loads(body), fds


def _streams(unbuffered: bool) -> None:
    """New ``sys.stdin``/``stdout``/``stderr`` on descriptors 0, 1 and 2, buffered as a new
    interpreter would buffer them (the server's own were made for its own descriptors)."""
    encoding, errors = sys.stdout.encoding, sys.stdout.errors
    # The server's streams stay referenced: collected, they would close descriptors 0, 1 and 2.
    _REPLACED.extend((sys.stdin, sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__))
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "rb", closefd=False), encoding=encoding)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        raw = io.FileIO(fd, "wb", closefd=False)
        binary: io.RawIOBase | io.BufferedWriter = raw if unbuffered else io.BufferedWriter(raw)
        stream = io.TextIOWrapper(
            binary,  # type: ignore[arg-type]
            encoding=encoding,
            errors=errors if name == "stdout" else "backslashreplace",
            line_buffering=name == "stderr" or os.isatty(fd),
            write_through=unbuffered,
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _run_child(request: dict[str, Any], fds: list[int], server: Server) -> None:
    """In the forked child: become `python -m MODULE ARGV`, run it, never return."""
    code = 1
    try:
        server.close_in_child()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, 1 << 16)  # what Popen's close_fds does: nothing of the server's stays
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        _streams(unbuffered=bool(request["env"].get("PYTHONUNBUFFERED")))
        sys.path[0] = os.getcwd()
        sys.argv = [sys.argv[0], *request["argv"]]
        try:
            runpy.run_module(request.get("module", "declic"), run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException:
            traceback.print_exc()
            code = 1
        threading._shutdown()  # type: ignore[attr-defined]  # as the interpreter's exit does
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(Exception):  # the child's output may be gone; its status is not
                stream.flush()
        os._exit(code & 0xFF)


class Server:
    def __init__(self, path: str) -> None:
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(64)
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        os.set_blocking(self.wake_write, False)
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, socket.socket] = {}
        self.stopping = False

    def close_in_child(self) -> None:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        self.selector.close()
        self.listener.close()
        for conn in self.children.values():
            conn.close()
        os.close(self.wake_read)
        os.close(self.wake_write)

    def serve(self) -> None:
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.set_wakeup_fd(self.wake_write)
        self.selector.register(self.listener, selectors.EVENT_READ, self.accept)
        self.selector.register(self.wake_read, selectors.EVENT_READ, self.reap)
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, self.parent_gone)
        while not self.stopping:
            for key, _events in self.selector.select():
                key.data()
        for pid in self.children:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def parent_gone(self) -> None:
        if not os.read(sys.stdin.fileno(), 4096):
            self.stopping = True

    def accept(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(10)
        fds: list[int] = []
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError):
            conn.close()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            conn.close()
            _run_child(request, fds, self)
        for fd in fds:
            os.close(fd)
        self.children[pid] = conn
        self.answer(conn, f"pid {pid}")

    def reap(self) -> None:
        try:
            while os.read(self.wake_read, 512):
                pass
        except BlockingIOError:
            pass
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                self.answer(conn, f"exit {os.waitstatus_to_exitcode(status)}")
                conn.close()

    @staticmethod
    def answer(conn: socket.socket, line: str) -> None:
        with suppress(OSError):  # the client went away: the child runs on, as Popen's would
            conn.sendall(line.encode() + b"\n")


def main() -> None:
    path = sys.argv[1]
    read = preload()
    server = Server(path)
    print(json.dumps(read), flush=True)
    server.serve()


if __name__ == "__main__":
    main()
