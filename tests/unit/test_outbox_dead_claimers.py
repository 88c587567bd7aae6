"""A restarted sender takes back at once the rows a dead sender of its own host had claimed,
instead of waiting for the lease (the long-polling bot killed just after taking an update)."""

from __future__ import annotations

import os
import subprocess
import sys

from routing.outbox.claims import dead_claimers, worker_name


def _finished_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_sender_whose_process_is_gone_is_dead() -> None:
    me = worker_name()
    host = me.split(":")[0]
    gone = f"{host}:{_finished_pid()}:abcdef#3"
    assert dead_claimers([gone], me) == [gone]


def test_our_own_pid_with_another_boot_mark_is_an_earlier_life() -> None:
    me = worker_name()
    host, pid, boot = me.split(":")
    earlier = f"{host}:{pid}:not-{boot}#1"  # never this process's own (hex) boot mark
    assert dead_claimers([earlier, f"{me}#2"], me) == [earlier]


def test_living_senders_other_hosts_and_other_shapes_wait_for_the_lease() -> None:
    me = worker_name()
    host = me.split(":")[0]
    alive = f"{host}:{os.getppid()}:abcdef#1"  # the test runner's parent is running
    elsewhere = f"{host}-other:{_finished_pid()}:abcdef#1"
    assert dead_claimers([alive, elsewhere, "sender-a#1", None, ""], me) == []
