"""Webhook load: 500 residents through 2 `declic bot --webhook` workers on PostgreSQL, loopback.

Run: ``.venv/bin/python -m bench.webhook_load [--residents 500] [--workers 2] [--think 15]``.
See ``bench/README.md`` for how to read it; ``bench.webhook_faults`` is the same load with
faults injected during it.

Telegram's delivery is played by ``bench.webhook_driver``: each chat's updates are POSTed one
after the other to the workers in turn (a load balancer), retried on anything but a 200.
Handling latency is the round trip of the POST that got the 200 (a worker answers only after the
update is committed), compared with the same POSTs, at the same instants, to two baselines in
the same run: a trivial echo endpoint, and a transactional one (``bench.durable_baseline``: an
aiogram handler committing the update and one outbox row in one transaction, on the same
PostgreSQL database, with Déclic's engine setup). Afterwards PostgreSQL and the fake Bot API
are checked: every update exactly once, every text kept once and in order, every reply sent
once, the outbox drained.
Exit status 0 only if nothing was lost, doubled or reordered.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from bench.durable_baseline import recorded
from bench.webhook_checks import (
    check,
    delivery_lines,
    findings_lines,
    header,
    latency_row,
    ratio_row,
    server_side,
    sessions_opened,
    settle,
    verdict,
)
from bench.webhook_driver import (
    Plan,
    Run,
    Telegram,
    cluster,
    converse,
    echo_baseline,
    handling_buckets,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options both webhook benchmarks share."""
    parser.add_argument("--residents", type=int, default=500, help="simulated residents")
    parser.add_argument("--messages", type=int, default=10, help="updates per resident")
    parser.add_argument("--workers", type=int, default=2, help="webhook worker processes")
    parser.add_argument("--think", type=float, default=15.0,
                        help="mean seconds a resident reads before an update")  # fmt: skip
    parser.add_argument("--ramp", type=float, default=20.0,
                        help="residents arrive within this many seconds")  # fmt: skip
    parser.add_argument("--outbox-rate", type=float, default=100.0,
                        help="the outbox's overall messages/s (Telegram allows 30)")  # fmt: skip
    parser.add_argument("--baseline-seconds", type=float, default=30.0,
                        help="how much of the run the echo baseline replays")  # fmt: skip
    parser.add_argument("--settle", type=float, default=90.0,
                        help="longest wait for the outbox to drain after the load")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="the load's wall-clock bound in seconds")  # fmt: skip
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--logs", help="keep the workers' logs in this directory")


def plan_of(args: argparse.Namespace) -> Plan:
    return Plan(args.residents, args.messages, args.think, args.ramp, seed=args.seed)


def preamble(args: argparse.Namespace, what: str) -> str:
    return (
        f"{what}: {args.residents} residents × {args.messages} updates through {args.workers} "
        f"webhook workers on PostgreSQL, loopback; think {args.think:g} s (0.5×–1.5×), "
        f"arrivals over {args.ramp:g} s, outbox {args.outbox_rate:g} msg/s; "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} before the run"
    )


def _latencies(run: Run) -> list[float]:
    return [d.latency for d in run.delivered if d.latency is not None]


def figures(
    run: Run,
    echo: Run,
    buckets_text: str,
    cpu: float,
    cpu_note: str = "",
    durable: Run | None = None,
) -> list[str]:
    """The latency table against the echo baseline (and the transactional one, if given), the
    server's histogram, the retries."""
    declic, baseline = _latencies(run), _latencies(echo)
    lines = header()
    lines.append(latency_row(run.label, declic, run.wall))
    lines.append(latency_row(f"echo (first {echo.wall:.0f} s replayed)", baseline, echo.wall))
    if durable is not None:
        lines.append(latency_row(f"transactional (first {durable.wall:.0f} s)",
                                 _latencies(durable), durable.wall))  # fmt: skip
    lines.append(ratio_row(declic, baseline))
    if durable is not None:
        lines.append(ratio_row(declic, _latencies(durable), "transactional"))
    lines.append(server_side(handling_buckets(buckets_text)))
    if declic:
        lines.append(f"workers' CPU {cpu * 1e3 / len(declic):.2f} ms per update "
                     f"(PostgreSQL's own not included{cpu_note})")  # fmt: skip
    lines += delivery_lines(run)
    if run.timed_out:
        lines.append(f"the load hit its {run.wall:.0f} s bound: figures are partial")
    return lines


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.webhook_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    plan = plan_of(args)
    print(preamble(args, "webhook load"), flush=True)
    async with cluster(args.workers, outbox_rate=args.outbox_rate, keep_logs=args.logs) as bench:
        print(f"{args.workers} workers ready in {bench.startup:.1f} s", flush=True)
        telegram = Telegram([w.webhook_url for w in bench.workers], seed=args.seed)
        cpu_before = bench.cpu_seconds()
        sessions_before = await sessions_opened(bench.url)
        try:
            run = await converse(bench.server, telegram, bench.screens, plan, args.timeout)
        finally:
            await telegram.close()
        drained_in, left = await settle(bench.url, args.settle)
        sessions = await sessions_opened(bench.url) - sessions_before - 2  # ours: 1 + settle
        metrics_text, cpu = await bench.scrape(), bench.cpu_seconds() - cpu_before
        await asyncio.gather(*(w.stop() for w in bench.workers))
        findings = await check(bench.url, [run], bench.server)
        logs = bench.log_summary()
        # The workers are stopped and the checks done: the same database serves the baseline.
        durable = await echo_baseline(run, args.workers, args.baseline_seconds, args.timeout,
                                      database_url=bench.url)  # fmt: skip
        inbound, outbox = await recorded(bench.url)
    echo = await echo_baseline(run, args.workers, args.baseline_seconds, args.timeout)
    print("\n".join(figures(run, echo, metrics_text, cpu, durable=durable)))
    print(f"connections the workers opened to PostgreSQL during the load: {sessions}")
    print(f"transactional baseline: {inbound} inbound rows and {outbox} outbox rows committed")
    print("\n".join(findings_lines(findings, drained_in, left)))
    print("\n".join(logs))
    print(verdict(findings))
    return 0 if not findings.problems() else 1


def run_cli() -> None:
    sys.exit(asyncio.run(main()))


if __name__ == "__main__":
    run_cli()
