"""Webhook faults: the ``bench.webhook_load`` load, with faults injected while it runs.

Run: ``.venv/bin/python -m bench.webhook_faults [--residents 500] [--no-postgres-restart]``.

While 500 residents talk through 2 `declic bot --webhook` workers on PostgreSQL:

1. ``kill -9`` of worker 1, restarted ``--down`` seconds later (Telegram's deliveries to it fail
   and are retried, the balancer sending them to the other worker meanwhile);
2. a Bot API burst of 500 answers to ``sendMessage``, then one of 429 (``retry_after`` 1 s): the
   outbox senders must retry without losing or doubling a reply;
3. PostgreSQL restarted (``pg_ctl restart -m fast``) — the bench's own throw-away cluster
   (``bench.own_postgres``), never the machine's: workers answer 503 until they reconnect,
   Telegram retries; no turn may end in the apology (issue 17), none may be lost.

The first fault comes at 15 % of the load's expected length, each next one once the previous one
is over (the worker ready again, the burst used up and a message through, PostgreSQL accepting
connections) and 3 s have passed, so that each window's failures are its own. For each: the
POSTs that failed, how long deliveries were disturbed, the recovery, and p50/p99 of the POSTs
that got 200 in its window. Then the same checks as the load: nothing lost, nothing handled
twice, order kept, nothing sent twice except ``uncertain`` rows. Exit status 0 only if so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench import webhook_driver
from bench.own_postgres import OwnPostgres, own_postgres
from bench.webhook_checks import check, findings_lines, ms, settle, verdict
from bench.webhook_driver import (
    Attempt,
    Bench,
    Run,
    Telegram,
    cluster,
    converse,
    dsn,
    echo_baseline,
    now,
    percentile,
)
from bench.webhook_load import add_arguments, figures, plan_of, preamble
from tests.support.fake_bot_api import BotCall

BURST = 30  # failed Bot API answers per burst
PG_RESTART_BOUND = 90.0
GAP = 3.0  # seconds between one fault's end and the next one
BURST_BOUND = 60.0
FAULTS_BOUND = 400.0  # the whole timeline, a worker's restart (aiogram's import) included


@dataclass
class Fault:
    """One injected fault and what it did; times are ``now()`` instants."""

    name: str
    at: float = math.nan  # injected
    over: float = math.nan  # the fault itself ended (worker ready, burst used up, PG back)
    recovered: float = math.nan  # first success after it (a reply delivered, an update handled)
    notes: list[str] = field(default_factory=list)


class BotApiBurst:
    """``BURST`` error answers to ``sendMessage``; watches when they are used up and when the
    next message goes through."""

    def __init__(self, fault: Fault, status: int, retry_after: int | None = None) -> None:
        self.fault = fault
        self.status = status
        self.retry_after = retry_after
        self.failed = 0

    def inject(self, bench: Bench) -> None:
        self.fault.at = now()
        bench.server.fail_next(
            "sendMessage", status=self.status, retry_after=self.retry_after, times=BURST
        )

    async def until_recovered(self, bound: float) -> None:
        start = now()
        while math.isnan(self.fault.recovered) and now() - start < bound:  # noqa: ASYNC110
            await asyncio.sleep(0.1)  # a poll: the Bot API's calls come from another hook
        if math.isnan(self.fault.recovered):
            self.fault.notes.append(f"{self.failed} of {BURST} errors used after {bound:.0f} s")

    def on_call(self, call: BotCall) -> None:
        if math.isnan(self.fault.at) or call.method != "sendMessage":
            return
        if call.status == self.status and self.failed < BURST:
            self.failed += 1
            if self.failed == BURST:
                self.fault.over = call.at
        elif call.ok and not math.isnan(self.fault.over) and math.isnan(self.fault.recovered):
            self.fault.recovered = call.at


async def kill_worker(bench: Bench, fault: Fault, down: float) -> None:
    """SIGKILL worker 1, start it again ``down`` seconds later, return once it is ready."""
    worker = bench.workers[0]
    fault.at = now()
    await asyncio.to_thread(worker.kill9)
    fault.notes.append(f"{worker.name} killed (SIGKILL), restarted after {down:g} s")
    await asyncio.sleep(down)
    worker.start()
    startup = await worker.until_ready(bench.probe)
    fault.over = now()
    fault.notes.append(f"{worker.name} ready {startup:.1f} s after its restart")


async def restart_postgres(bench: Bench, fault: Fault, server: OwnPostgres) -> None:
    """Restart the bench's own PostgreSQL (``pg_ctl restart -m fast``: every connection cut)."""
    fault.at = now()
    done = await asyncio.to_thread(
        subprocess.run,
        server.restart_command(),
        capture_output=True,
        text=True,
        timeout=PG_RESTART_BOUND,
    )
    if done.returncode != 0:
        fault.notes.append(f"restart failed: {(done.stderr or done.stdout).strip()[:200]}")
    while now() - fault.at < PG_RESTART_BOUND:
        with contextlib.suppress(OSError, asyncpg.PostgresError, TimeoutError):
            conn = await asyncpg.connect(dsn(server.url), timeout=2)
            await conn.close()
            fault.over = now()
            fault.notes.append(f"PostgreSQL accepting connections {fault.over - fault.at:.1f} s "
                               f"after the restart began")  # fmt: skip
            return
        await asyncio.sleep(0.2)
    fault.notes.append(f"PostgreSQL still down after {PG_RESTART_BOUND:.0f} s")


async def timeline(
    bench: Bench,
    first: float,
    kill: Fault,
    down: float,
    bursts: list[BotApiBurst],
    pg: Fault | None,
    server: OwnPostgres,
) -> None:
    """One fault after the other: each Bot API burst once the previous fault is over and
    ``GAP`` seconds have passed; the killed worker's restart goes on meanwhile (importing
    aiogram takes from seconds to minutes, depending on the machine's load)."""
    await asyncio.sleep(first)
    restart = asyncio.create_task(kill_worker(bench, kill, down))
    await asyncio.sleep(down)
    for burst in bursts:
        await asyncio.sleep(GAP)
        burst.inject(bench)
        await burst.until_recovered(BURST_BOUND)
    if pg is not None:
        await asyncio.sleep(GAP)
        await restart_postgres(bench, pg, server)
    await restart


def _dead(attempt: Attempt, killed: Fault) -> bool:
    """A connection to worker 1 that failed while it was killed and starting again."""
    over = killed.over if not math.isnan(killed.over) else math.inf
    return attempt.worker == 0 and attempt.status == 0 and killed.at <= attempt.start < over


def window_lines(run: Run, faults: list[Fault]) -> list[str]:
    """Per fault: failed POSTs (while worker 1 was down, its failed connections are the kill's;
    any other failure belongs to the latest fault), how long deliveries were disturbed, the
    recovery, and figures of the updates first sent in its window. ``faults[0]`` is the kill."""
    row = "{:<22} {:>6} {:>8} {:>10} {:>10} {:>9} {:>9} {:>10}"
    head = row.format("fault", "at s", "failed", "disturbed", "recovered", "p50 ms", "p99 ms",
                      "reply p99")  # fmt: skip
    lines = [head, "-" * len(head)]
    injected = sorted((f for f in faults if not math.isnan(f.at)), key=lambda f: f.at)
    bounds = [f.at for f in injected] + [math.inf]
    killed = faults[0]
    for fault, end in zip(injected, bounds[1:], strict=True):
        if fault is killed:
            end = killed.over if not math.isnan(killed.over) else math.inf
        failed = [
            a
            for a in run.attempts
            if fault.at <= a.start < end
            and a.status != 200
            and (fault is killed) == _dead(a, killed)
        ]
        disturbed = max((a.end for a in failed), default=fault.at) - fault.at
        window = [d for d in run.deliveries if fault.at <= d.first_try < end]
        latencies = [d.latency for d in window if d.latency is not None]
        replies = [d.reply_after for d in window if d.reply_after is not None]
        back = fault.recovered if not math.isnan(fault.recovered) else fault.over
        lines.append(row.format(
            fault.name, f"{fault.at - run.started:.1f}", len(failed), f"{disturbed:.1f} s",
            "—" if math.isnan(back) else f"{back - fault.at:.1f} s",
            ms(percentile(latencies, 50)), ms(percentile(latencies, 99)),
            ms(percentile(replies, 99)),
        ))  # fmt: skip
    for fault in faults:
        for note in fault.notes:
            lines.append(f"  {fault.name}: {note}")
    return lines


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.webhook_faults",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    parser.add_argument("--down", type=float, default=5.0,
                        help="seconds the killed worker stays down before its restart")  # fmt: skip
    parser.add_argument("--no-postgres-restart", action="store_true",
                        help="do not restart the bench's PostgreSQL")  # fmt: skip
    parser.set_defaults(settle=150.0)  # a killed worker's claimed rows come back after the lease
    args = parser.parse_args(argv)
    plan = plan_of(args)
    print(preamble(args, "webhook faults"), flush=True)
    with own_postgres() as server:
        # The workers' database lives on this throw-away server, the one the fault restarts.
        webhook_driver.POSTGRES_URL = server.url
        print(f"own PostgreSQL cluster on 127.0.0.1:{server.port}", flush=True)
        return await _run(args, plan, server)


async def _run(args: argparse.Namespace, plan: Any, server: OwnPostgres) -> int:
    kill, e500, e429, pg = (Fault("kill -9 worker-1"), Fault("Bot API 500 burst"),
                            Fault("Bot API 429 burst"), Fault("PostgreSQL restart"))  # fmt: skip
    bursts = [BotApiBurst(e500, 500), BotApiBurst(e429, 429, retry_after=1)]
    async with cluster(args.workers, outbox_rate=args.outbox_rate, keep_logs=args.logs) as bench:
        print(f"{args.workers} workers ready in {bench.startup:.1f} s", flush=True)
        screens_on_call = bench.screens.on_call

        def on_call(call: BotCall) -> None:
            screens_on_call(call)
            for burst in bursts:
                burst.on_call(call)

        bench.server.on_call = on_call
        telegram = Telegram([w.webhook_url for w in bench.workers], seed=args.seed)
        first = 0.15 * (plan.ramp + plan.messages * plan.think)
        pg_fault = None if args.no_postgres_restart else pg
        cpu_before = bench.cpu_seconds()
        try:
            faults_task = asyncio.create_task(
                timeline(bench, first, kill, args.down, bursts, pg_fault, server)
            )
            run = await converse(
                bench.server, telegram, bench.screens, plan, args.timeout, "declic with faults"
            )
            await asyncio.wait_for(faults_task, timeout=FAULTS_BOUND)
        finally:
            await telegram.close()
        _recovered_deliveries(run, [kill, pg])
        drained_in, left = await settle(bench.url, args.settle)
        metrics_text, cpu = await bench.scrape(), bench.cpu_seconds() - cpu_before
        await asyncio.gather(*(w.stop() for w in bench.workers))
        findings = await check(bench.url, [run], bench.server)
        logs = bench.log_summary()
    echo = await echo_baseline(run, args.workers, args.baseline_seconds, args.timeout)
    print("\n".join(figures(run, echo, metrics_text, cpu, "; worker 1's restart included")))
    print("(server side: the killed worker's histogram before the kill is not included)")
    faults = [kill, e500, e429] + ([] if args.no_postgres_restart else [pg])
    print("\n".join(window_lines(run, faults)))
    print("\n".join(findings_lines(findings, drained_in, left)))
    print("\n".join(logs))
    print(verdict(findings))
    return 0 if not findings.problems() else 1


def _recovered_deliveries(run: Run, faults: list[Fault]) -> None:
    """For a worker or database fault, recovery is the first update handled (a 200) whose
    delivery began after the fault was over."""
    for fault in faults:
        if math.isnan(fault.over):
            continue
        after = [d.done for d in run.deliveries if d.done is not None and d.first_try >= fault.over]
        if after:
            fault.recovered = min(after)


def run_cli() -> None:
    sys.exit(asyncio.run(main()))


if __name__ == "__main__":
    run_cli()
