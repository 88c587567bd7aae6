"""A child for tests/e2e/test_processes.py, run by the fork server as `python -m` would run it:
it does what its first argument says."""

from __future__ import annotations

import json
import os
import random
import sys
import time


def main(what: str, *rest: str) -> None:
    if what == "report":
        print(
            json.dumps(
                {
                    "cwd": os.getcwd(),
                    "probe": os.environ.get("PROBE"),
                    "declic_vars": sorted(k for k in os.environ if k.startswith("DECLIC_")),
                    "name": __name__,
                    "argv": sys.argv,
                    "path0": sys.path[0],
                    "stdin": sys.stdin.read(),
                    "random": random.random(),
                    "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
                }
            )
        )
        print("a line on stderr", file=sys.stderr)
    elif what == "exit":
        sys.exit(int(rest[0]) if rest[0].isdigit() else rest[0])
    elif what == "crash":
        raise RuntimeError("the probe crashed")
    elif what == "wait":
        print("waiting")  # no flush: PYTHONUNBUFFERED must make it visible at once
        time.sleep(600)


main(*sys.argv[1:])
