"""The fork server the tests start `declic` processes from (tests/support/processes.py): its
children run as `python -m MODULE ARGS` would, and are seen as ``subprocess.Popen`` sees one.

The children here run tests/support/probe.py (it reports what it sees, exits, crashes or waits
as told), and `declic --help`, compared with what a new interpreter prints.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import processes
from tests.support.processes import checkout_env, run, start

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
PROBE = "tests.support.probe"


def _until(check, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.05)


def test_a_child_runs_in_its_directory_with_its_environment_and_its_own_descriptors(
    tmp_path: Path,
) -> None:
    env = {**checkout_env(), "PROBE": "given", "DECLIC_LOCALE": "en"}
    executed = len(processes.EXECUTED)
    done = run(["report", "x"], env=env, cwd=tmp_path, stdin="typed\n", module=PROBE)
    first = run(["report"], env=env, cwd=tmp_path, module=PROBE)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["cwd"] == str(tmp_path) and seen["path0"] == str(tmp_path)
    assert (seen["probe"], seen["declic_vars"]) == ("given", ["DECLIC_LOCALE"])
    assert seen["name"] == "__main__" and seen["argv"][1:] == ["report", "x"]
    assert seen["argv"][0].endswith(os.path.join("tests", "support", "probe.py"))
    assert seen["stdin"] == "typed\n"
    assert done.stderr == "a line on stderr\n"
    assert seen["fds"][:3] == [0, 1, 2] and len(seen["fds"]) == 4, "the server's are closed"
    assert json.loads(first.stdout)["random"] != seen["random"], "random is seeded anew"
    assert len(processes.EXECUTED) == executed, "both forked"


def test_exit_codes_and_a_crash_are_reported(tmp_path: Path) -> None:
    env = checkout_env()
    assert run(["exit", "3"], env=env, cwd=tmp_path, module=PROBE).returncode == 3
    said = run(["exit", "no-way"], env=env, cwd=tmp_path, module=PROBE)
    assert (said.returncode, said.stderr) == (1, "no-way\n")
    crashed = run(["crash"], env=env, cwd=tmp_path, module=PROBE)
    assert crashed.returncode == 1
    assert crashed.stderr.startswith("Traceback"), crashed.stderr
    assert crashed.stderr.endswith("RuntimeError: the probe crashed\n")


def test_a_running_child_is_waited_for_signalled_and_its_output_appended(tmp_path: Path) -> None:
    log = tmp_path / "probe.log"
    log.write_text("before\n")
    env = {**checkout_env(), "PYTHONUNBUFFERED": "1"}
    proc = start(["wait"], env=env, cwd=tmp_path, log=log, module=PROBE)
    try:
        assert isinstance(proc, processes.ForkedProcess)
        _until(lambda: "waiting" in log.read_text())
        assert log.read_text() == "before\nwaiting\n"
        assert proc.poll() is None and proc.returncode is None
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(0.2)
        os.kill(proc.pid, 0)
        proc.terminate()
        assert proc.wait(30) == -signal.SIGTERM == proc.returncode
    finally:
        if proc.poll() is None:
            proc.kill()
    again = start(["wait"], env=env, cwd=tmp_path, log=log, module=PROBE)
    _until(lambda: log.read_text().count("waiting") == 2)
    again.kill()
    assert again.wait(30) == -signal.SIGKILL
    assert (
        start(["exit", "0"], env=env, cwd=tmp_path, log=log, append=False, module=PROBE).wait(30)
        == 0
    )
    assert log.read_text() == ""


def test_declic_runs_as_python_m_declic_does(tmp_path: Path) -> None:
    env = checkout_env()
    forked = run(["--help"], env=env, cwd=tmp_path)
    executed = subprocess.run(
        [sys.executable, "-m", "declic", "--help"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert forked.returncode == executed.returncode == 0
    assert "python -m declic" in forked.stdout
    assert (forked.stdout, forked.stderr) == (executed.stdout, executed.stderr)
    wrong = run(["no-such-command"], env=env, cwd=tmp_path)
    assert wrong.returncode == 2 and "No such command" in wrong.stderr


def test_an_environment_the_imports_read_differently_gets_a_new_interpreter(
    tmp_path: Path,
) -> None:
    server = processes.zygote()
    name = "TZ" if "TZ" in server.imported_with else sorted(server.imported_with)[0]
    env = {**checkout_env(), name: "Pacific/Chatham"}
    assert server.mismatch(env) is not None and server.mismatch(checkout_env()) is None
    before = len(processes.EXECUTED)
    done = run(["report"], env=env, cwd=tmp_path, module=PROBE)
    assert done.returncode == 0, done.stderr
    assert processes.EXECUTED[before:] == [("report", server.mismatch(env))]
    assert json.loads(done.stdout)["fds"][:3] == [0, 1, 2]


def test_a_cli_run_asked_not_to_start_the_server_forks_only_from_a_running_one(
    tmp_path: Path,
) -> None:
    env = checkout_env()
    processes.zygote()
    before = len(processes.EXECUTED)
    assert run(["exit", "0"], env=env, cwd=tmp_path, module=PROBE, start_server=False) == (
        processes.Completed(0, "", "")
    )
    assert len(processes.EXECUTED) == before, "forked"
    processes.stop_zygote()
    done = run(["exit", "4"], env=env, cwd=tmp_path, module=PROBE, start_server=False)
    assert done.returncode == 4
    assert processes.EXECUTED[before:] == [("exit", "4", "no fork server running")]
    assert processes.running_zygote() is None
