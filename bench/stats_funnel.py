"""The statistics funnel over 1M ideas and 10M journey events on PostgreSQL (DESIGN §6: < 1 s).

A throw-away database is created (``DECLIC_BENCH_POSTGRES_URL``, else ``DECLIC_TEST_POSTGRES_URL``,
else the local test server), migrated to head and dropped afterwards. Ideas and events are
generated server-side with ``INSERT … SELECT generate_series`` (the rollup trigger is disabled
while generating, then the rollup is rebuilt with the migration's backfill statement, timed).

Measured in the same run:
- **rollup**: ``routing.stats.queries.funnel`` (the production code: one pass over ``idea_stages``
joined
  to ``ideas``, grouped by resident for the small-cell rule), unfiltered and for one quartier;
- **baseline**: the same funnel with the same semantics computed naively from ``journey_events``
  (first instant of each stage per idea by ``GROUP BY idea_id``), without the rollup;
- the trigger's cost per inserted event (with and without the trigger).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from infra.db import make_engine
from infra.migrate import upgrade_to_head
from infra.uow import uow_factory_for
from routing.stats import cells as stats_cells
from routing.stats import metrics
from routing.stats import queries as stats
from routing.stats.records import TRIGGER, backfill_sql

POSTGRES_URL = os.environ.get(
    "DECLIC_BENCH_POSTGRES_URL",
    os.environ.get("DECLIC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)
QUARTIERS = 40
# The share (per cent) of ideas reaching each stage, in event order; the rest of an idea's
# ten events are follow-up answers that no stage counts.
REACH = (
    ("idea_received", 100),
    ("intake_completed", 85),
    ("suggested", 80),
    ("suggestion_accepted", 55),
    ("case_opened", 35),
    ("first_human_reply", 30),
    ("sprint_booked", 20),
    ("sprint_held", 15),
    ("action_started", 12),
    ("realized", 8),
)


def _dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _events_sql(per_idea: int) -> str:
    """``per_idea`` events per idea: stage k when the idea reaches it, else a follow-up."""
    branches = " ".join(
        f"WHEN k = {k} AND (i::bigint * 7919 + {k}) % 100 < {share} THEN '{kind}'"
        for k, (kind, share) in enumerate(REACH, start=1)
        if k <= per_idea
    )
    return (
        "INSERT INTO journey_events (idea_id, kind, occurred_at, data) "
        f"SELECT i, CASE {branches} ELSE 'followup_answered' END, "
        "timestamptz '2026-01-01' + (i % 330) * interval '1 day' + k * interval '7 hours', "
        "CASE WHEN k = 8 THEN '{\"held\": true}'::jsonb ELSE '{}'::jsonb END "
        f"FROM generate_series(1, $1::int) AS i, generate_series(1, {per_idea}) AS k"
    )


# Residents: one per 1.25 ideas, so a fifth of them have two ideas (the small-cell rule counts
# residents, not ideas).
RESIDENTS_SQL = (
    "INSERT INTO residents (id, channel, external_id, locale, reachable, followups_paused,"
    " created_at, last_seen_at) "
    "SELECT r, 'telegram', r::text, 'fr', true, false, timestamptz '2026-01-01',"
    " timestamptz '2026-01-01' FROM generate_series(1, $1::int) AS r"
)
IDEAS_SQL = (
    "INSERT INTO ideas (id, ref, resident_id, status, neighbourhood, needs, themes, unmet_needs,"
    " group_type, source, locale, created_at, updated_at) "
    "SELECT i, 'B' || i, 1 + (i % $3::int), 'submitted', 'Q' || (i % $2::int), '[]'::jsonb,"
    " jsonb_build_array(CASE WHEN i % 3 = 0 THEN 'culture' ELSE 'sport' END), '[]'::jsonb,"
    " 'informal', CASE WHEN i % 5 = 0 THEN 'affiche' END, 'fr',"
    " timestamptz '2026-01-01' + (i % 330) * interval '1 day',"
    " timestamptz '2026-01-01' + (i % 330) * interval '1 day' "
    "FROM generate_series(1, $1::int) AS i"
)


def _naive_sql(quartier: bool) -> str:
    """The funnel straight from the events, same semantics as ``routing.stats.queries.funnel``."""
    firsts = []
    for s in metrics.STAGES:
        condition = f"e.kind = '{s.kind}'"
        if s.flag:
            condition += f" AND (e.data->>'{s.flag}') = 'true'"
        firsts.append(f"min(CASE WHEN {condition} THEN e.occurred_at END) AS {s.name}")
    kinds = ", ".join(f"'{s.kind}'" for s in metrics.STAGES)
    per_idea = (
        f"SELECT e.idea_id, {', '.join(firsts)} FROM journey_events e "
        f"WHERE e.idea_id IS NOT NULL AND e.kind IN ({kinds}) GROUP BY e.idea_id"
    )
    counts = ", ".join(f"count(r.{s.name}) AS {s.name}" for s in metrics.STAGES)
    where = "r.received IS NOT NULL" + (" AND ideas.neighbourhood = $1" if quartier else "")
    per_person = (
        f"SELECT coalesce(ideas.resident_id, -ideas.id) AS person, {counts} "
        f"FROM ({per_idea}) r JOIN ideas ON ideas.id = r.idea_id WHERE {where} "
        "GROUP BY coalesce(ideas.resident_id, -ideas.id)"
    )
    totals = ", ".join(
        f"sum(p.{s.name}), sum(CASE WHEN p.{s.name} > 0 THEN 1 ELSE 0 END)" for s in metrics.STAGES
    )
    return f"SELECT {totals} FROM ({per_person}) p"


async def _timed(run: Callable[[], Awaitable[Any]], repeat: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await run()
        samples.append(time.perf_counter() - start)
    return samples, result


def _fmt(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:8.0f} ms  (min {min(samples) * 1000:.0f})"


async def bench(ideas: int, per_idea: int, repeat: int) -> int:
    name = f"declic_bench_stats_{uuid.uuid4().hex[:8]}"
    try:
        await _admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL unreachable ({exc}); nothing measured")
        return 1
    url = f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        conn = await asyncpg.connect(_dsn(url), timeout=10)
        try:
            await conn.execute(f"ALTER TABLE journey_events DISABLE TRIGGER {TRIGGER}")
            start = time.perf_counter()
            residents = max(1, ideas * 4 // 5)
            await conn.execute(RESIDENTS_SQL, residents)
            await conn.execute(IDEAS_SQL, ideas, QUARTIERS, residents)
            await conn.execute(_events_sql(per_idea), ideas)
            generated = time.perf_counter() - start
            start = time.perf_counter()
            await conn.execute(backfill_sql("postgresql"))
            rolled = time.perf_counter() - start
            await conn.execute(f"ALTER TABLE journey_events ENABLE TRIGGER {TRIGGER}")
            await conn.execute("VACUUM ANALYZE")
            events = await conn.fetchval("SELECT count(*) FROM journey_events")
            print(
                f"{residents:,} residents, {ideas:,} ideas, {events:,} events generated in "
                f"{generated:.1f} s; "
                f"rollup backfilled in {rolled:.1f} s; Python {sys.version.split()[0]}, "
                f"{os.cpu_count()} CPUs"
            )
            naive_all, naive_counts = await _timed(lambda: conn.fetchrow(_naive_sql(False)), repeat)
            naive_q, _ = await _timed(lambda: conn.fetchrow(_naive_sql(True), "Q7"), repeat)
        finally:
            await conn.close()
        engine = make_engine(url)
        factory = uow_factory_for(engine)
        options = stats_cells.Options(
            min_cell=5, stale_months=12, round_to=1, tz=ZoneInfo("Europe/Paris")
        )
        try:

            async def funnel(filters: stats_cells.Filters) -> dict[str, int | None]:
                async with factory() as uow:
                    return await stats.funnel(uow, filters, options)

            await funnel(stats_cells.Filters())  # warm the pool and the statement cache
            rollup_all, counts = await _timed(lambda: funnel(stats_cells.Filters()), repeat)
            rollup_q, _ = await _timed(
                lambda: funnel(stats_cells.Filters(neighbourhood="Q7")), repeat
            )
        finally:
            await engine.dispose()
        conn = await asyncpg.connect(_dsn(url), timeout=10)
        try:  # last: it adds events
            trigger_costs = await _trigger_cost(conn, ideas)
        finally:
            await conn.close()
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    naive = {s.name: naive_counts[2 * i] for i, s in enumerate(metrics.STAGES)}
    agree = all(counts[s.name] == naive[s.name] for s in metrics.STAGES)
    if not agree:
        print("baseline counts:", naive)
    print("funnel:", ", ".join(f"{k}={v:,}" for k, v in counts.items() if v is not None))
    print(f"  rollup (routing.stats.queries.funnel), all ideas   {_fmt(rollup_all)}")
    print(f"  rollup, one quartier (1/{QUARTIERS})            {_fmt(rollup_q)}")
    print(f"  baseline: naive over journey_events, all   {_fmt(naive_all)}")
    print(f"  baseline: naive, one quartier              {_fmt(naive_q)}")
    ratio = statistics.median(naive_all) / statistics.median(rollup_all)
    print(f"  speed-up {ratio:.1f}×; both give the same counts: {agree}")
    with_t, without_t = trigger_costs
    print(
        f"  insert cost per event: {with_t * 1e6:.0f} µs with the rollup trigger, "
        f"{without_t * 1e6:.0f} µs without"
    )
    target = statistics.median(rollup_all) < 1.0
    print(f"target funnel < 1 s on {ideas:,} ideas: {'met' if target else 'MISSED'}")
    return 0 if target and agree else 1


async def _trigger_cost(conn: asyncpg.Connection, ideas: int) -> tuple[float, float]:
    """Seconds per event for 5,000 single-row inserts, with and without the trigger."""
    rows = [
        (1 + (n * 7) % ideas, "followup_answered" if n % 2 else "action_started")
        for n in range(5000)
    ]
    sql = (
        "INSERT INTO journey_events (idea_id, kind, occurred_at, data) "
        "VALUES ($1, $2, timestamptz '2026-12-01', '{}'::jsonb)"
    )
    costs = []
    for enabled in (True, False):
        state = "ENABLE" if enabled else "DISABLE"
        await conn.execute(f"ALTER TABLE journey_events {state} TRIGGER {TRIGGER}")
        start = time.perf_counter()
        async with conn.transaction():
            for row in rows:
                await conn.execute(sql, *row)
        costs.append((time.perf_counter() - start) / len(rows))
    await conn.execute(f"ALTER TABLE journey_events ENABLE TRIGGER {TRIGGER}")
    return costs[0], costs[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.stats_funnel",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ideas", type=int, default=1_000_000)
    parser.add_argument("--events-per-idea", type=int, default=10, choices=range(1, 11))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    return asyncio.run(bench(args.ideas, args.events_per_idea, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
