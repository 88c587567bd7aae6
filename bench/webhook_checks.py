"""After a webhook run: what PostgreSQL and the fake Bot API say was lost, doubled or reordered,
and the figures, printed. Shared by ``bench.webhook_load`` and ``bench.webhook_faults``.

The database is read directly (asyncpg, no Déclic code), so a bug in the code under test cannot
hide itself: ``inbound_updates`` must hold each update sent exactly once, ``messages`` each text
once and in the chat's order, and the Bot API must have received each sent outbox row once
(``uncertain`` rows, whose fate a crash made unknown, are the only duplicates allowed).
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.webhook_driver import SHOWN, Run, bucket_percentile, dsn, now, percentile
from tests.support.fake_bot_api import FakeBotApi

UNSENT = ("pending", "claimed", "sending")


async def settle(url: str, timeout: float) -> tuple[float, int]:  # noqa: ASYNC109
    """Wait until the outbox holds nothing left to send; (seconds waited, rows still unsent)."""
    start = now()
    conn = await asyncpg.connect(dsn(url), timeout=10)
    try:
        while True:
            left = await conn.fetchval(
                "SELECT count(*) FROM outgoing_messages WHERE status = ANY($1::text[])",
                list(UNSENT),
            )
            if left == 0 or now() - start > timeout:
                return now() - start, int(left)
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def sessions_opened(url: str) -> int:
    """Connections opened to the run's database so far (PostgreSQL counts them itself)."""
    conn = await asyncpg.connect(dsn(url), timeout=10)
    try:
        await conn.execute("SELECT pg_stat_force_next_flush()")
        value = await conn.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        )
        return int(value or 0)
    finally:
        await conn.close()


@dataclass
class Findings:
    """Everything counted after the run; ``problems`` lists what misses the target."""

    updates_sent: int = 0
    acknowledged: int = 0  # got a 200: Telegram will never deliver them again
    undeliverable: int = 0  # Telegram gave up (never got a 200)
    cut: int = 0  # still being delivered when the run hit its bound
    inbound_rows: int = 0
    lost: int = 0  # acknowledged with a 200, no inbound row
    unexpected: int = 0  # inbound rows for ids never sent
    handled_twice: int = 0  # an update id with two rows (the unique key forbids it)
    failed_turns: int = 0  # kept and apologised for, not understood
    texts_sent: int = 0
    texts_kept: int = 0
    texts_lost: int = 0
    texts_twice: int = 0
    order_broken_chats: int = 0
    # of which chats where Telegram (the driver) gave up on an update that a worker still
    # handled later, after the chat's next update: the order Telegram itself abandoned
    order_broken_after_give_up: int = 0
    order_examples: list[str] = field(default_factory=list)
    outbox: Counter[str] = field(default_factory=Counter)  # status → rows (shown methods)
    failed_reasons: Counter[str] = field(default_factory=Counter)
    uncertain_rows: int = 0
    calls_ok: int = 0  # messages, edits, documents the Bot API accepted
    duplicates: int = 0  # accepted calls beyond the chat's sent rows
    duplicates_uncertain: int = 0  # of which in chats with an uncertain row (allowed)
    missing: int = 0  # rows marked sent that the Bot API never accepted
    unanswered_callbacks: int = 0
    no_reply: int = 0

    def problems(self) -> list[str]:
        out = []
        if self.lost or self.undeliverable:
            out.append(f"{self.lost} updates lost, {self.undeliverable} undeliverable in time")
        if self.handled_twice or self.texts_twice:
            out.append(f"{self.handled_twice + self.texts_twice} updates handled twice")
        if self.texts_lost:
            out.append(f"{self.texts_lost} texts not kept")
        if self.failed_turns:  # issue 17: an outage is redelivered, never apologised for
            out.append(f"{self.failed_turns} turns ended in the apology")
        if self.order_broken_chats:
            out.append(f"order broken in {self.order_broken_chats} chats (in "
                       f"{self.order_broken_after_give_up} of them after an update was given "
                       "up while a worker still held it)")  # fmt: skip
        if self.duplicates > self.duplicates_uncertain:
            out.append(f"{self.duplicates - self.duplicates_uncertain} replies sent twice")
        if self.missing or sum(self.outbox[s] for s in UNSENT) or self.outbox["failed"]:
            out.append("replies lost or not drained")
        return out


def _fate(delivery: Any, gave_up: bool) -> str:
    if delivery is None:
        return "?"
    how = "given up" if gave_up else "200" if delivery.latency is not None else "cut"
    return f"{delivery.update_id}: {how} after {delivery.attempts} attempts"


def _increasing(values: Iterable[int]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


async def check(url: str, runs: list[Run], server: FakeBotApi) -> Findings:
    """Count, from the database and the fake Bot API, what the runs left behind."""
    f = Findings()
    deliveries = [d for run in runs for d in run.deliveries]
    f.updates_sent = len({d.update_id for d in deliveries})
    f.undeliverable = len({d.update_id for r in runs for d in r.undeliverable})
    f.cut = len({d.update_id for r in runs for d in r.cut})
    acknowledged = {d.update_id for d in deliveries if d.latency is not None}
    f.acknowledged = len(acknowledged)
    f.no_reply = sum(run.no_reply for run in runs)
    chat_of = {d.update_id: d.chat_id for d in deliveries}
    texts = {(d.chat_id, d.message_id) for d in deliveries
             if d.kind == "text" and d.update_id in acknowledged}  # fmt: skip
    f.texts_sent = len(texts)

    conn = await asyncpg.connect(dsn(url), timeout=10)
    try:
        inbound = await conn.fetch(
            "SELECT update_id, kind FROM inbound_updates WHERE channel = 'telegram' ORDER BY id"
        )
        kept = await conn.fetch(
            "SELECT r.external_id, m.channel_message_id FROM messages m "
            "JOIN residents r ON r.id = m.resident_id "
            "WHERE m.direction = 'in' AND r.channel = 'telegram' ORDER BY m.id"
        )
        outbox = await conn.fetch(
            "SELECT chat_id, method, status, uncertain, last_error FROM outgoing_messages "
            "WHERE channel = 'telegram'"
        )
    finally:
        await conn.close()

    # -- updates: each exactly once, in the chat's order --------------------------------------
    counts = Counter(row["update_id"] for row in inbound)
    f.inbound_rows = len(inbound)
    f.lost = sum(1 for uid in acknowledged if uid not in counts)
    f.unexpected = sum(1 for uid in counts if uid not in chat_of)
    f.handled_twice = sum(1 for c in counts.values() if c > 1)
    f.failed_turns = sum(1 for row in inbound if row["kind"] == "failed")
    per_chat: dict[int, list[int]] = defaultdict(list)
    for row in inbound:
        if row["update_id"] in chat_of:
            per_chat[chat_of[row["update_id"]]].append(row["update_id"])
    broken = {chat for chat, ids in per_chat.items() if not _increasing(ids)}

    kept_counts = Counter((int(row["external_id"]), row["channel_message_id"]) for row in kept)
    f.texts_kept = len(kept)
    f.texts_lost = sum(1 for key in texts if key not in kept_counts)
    f.texts_twice = sum(1 for key, c in kept_counts.items() if c > 1 and key in texts)
    kept_per_chat: dict[int, list[int]] = defaultdict(list)
    for row in kept:
        kept_per_chat[int(row["external_id"])].append(row["channel_message_id"])
    broken |= {chat for chat, ids in kept_per_chat.items() if not _increasing(ids)}
    f.order_broken_chats = len(broken)
    given_up = {d.update_id for r in runs for d in r.undeliverable}
    by_update = {d.update_id: d for d in deliveries}
    for chat in sorted(broken):
        ids = per_chat.get(chat, [])
        late = [b for a, b in itertools.pairwise(ids) if b < a] or ids[-1:]
        if any(uid in given_up for uid in ids):
            f.order_broken_after_give_up += 1
        if len(f.order_examples) < 5:
            f.order_examples.append(
                f"chat {chat}: updates in commit order {ids}; "
                + ", ".join(_fate(by_update.get(uid), uid in given_up) for uid in ids)
                + (f"; late {late}" if late else "")
            )

    # -- replies: each sent row received once ------------------------------------------------
    sent_rows: Counter[int] = Counter()
    uncertain_chats: Counter[int] = Counter()
    for row in outbox:
        if row["method"].lower() not in SHOWN:
            continue
        f.outbox[row["status"]] += 1
        if row["status"] == "failed":
            f.failed_reasons[(row["last_error"] or "?")[:80]] += 1
        if row["uncertain"]:
            f.uncertain_rows += 1
            uncertain_chats[int(row["chat_id"])] += 1
        if row["status"] == "sent":
            sent_rows[int(row["chat_id"])] += 1
    received: Counter[int] = Counter()
    for call in server.calls:
        if call.ok and call.method.lower() in SHOWN:
            received[int(call.params["chat_id"])] += 1
    f.calls_ok = sum(received.values())
    for chat in set(received) | set(sent_rows):
        extra = received[chat] - sent_rows[chat]
        if extra > 0:
            f.duplicates += extra
            f.duplicates_uncertain += min(extra, uncertain_chats[chat])
        else:
            f.missing += -extra
    f.unanswered_callbacks = sum(
        1 for q in server.callback_queries.values() if not q["answered"] and q["data"]
    )
    return f


# -- printing -------------------------------------------------------------------------------

ROW = "{:<30} {:>7} {:>8} {:>8} {:>8} {:>8} {:>7}"


def ms(seconds: float) -> str:
    return "—" if math.isnan(seconds) else "∞" if math.isinf(seconds) else f"{seconds * 1e3:.1f}"


def latency_row(label: str, samples: list[float], wall: float | None = None) -> str:
    rate = f"{len(samples) / wall:.0f}" if wall else ""
    return ROW.format(label, len(samples), ms(percentile(samples, 50)),
                      ms(percentile(samples, 95)), ms(percentile(samples, 99)),
                      ms(max(samples, default=math.nan)), rate)  # fmt: skip


def header() -> list[str]:
    head = ROW.format("POST that got 200 (round trip)", "updates", "p50 ms", "p95 ms", "p99 ms",
                      "max ms", "upd/s")  # fmt: skip
    return [head, "-" * len(head)]


def ratio_row(declic: list[float], echo: list[float], name: str = "echo") -> str:
    def r(p: float) -> str:
        return f"{percentile(declic, p) / percentile(echo, p):.1f}×" if echo else "—"

    return ROW.format(f"ratio declic / {name}", "", r(50), r(95), r(99), "", "")


def server_side(buckets: Counter[float]) -> str:
    total = buckets[math.inf] or max(buckets.values(), default=0)
    if not total:
        return "server side (declic_update_handling_seconds): not exposed by the workers"
    return (
        f"server side (/metrics declic_update_handling_seconds, {total} updates, bucket bounds): "
        f"p50 ≤ {ms(bucket_percentile(buckets, 50))} ms, p95 ≤ {ms(bucket_percentile(buckets, 95))}"
        f" ms, p99 ≤ {ms(bucket_percentile(buckets, 99))} ms"
    )


def delivery_lines(run: Run) -> list[str]:
    failed = [a for a in run.attempts if a.status != 200]
    why = Counter(a.error or str(a.status) for a in failed)
    retried = sum(1 for d in run.deliveries if d.attempts > 1)
    replies = [d.reply_after for d in run.deliveries if d.reply_after is not None]
    return [
        f"attempts {len(run.attempts)}, failed {len(failed)} "
        f"({', '.join(f'{k}: {v}' for k, v in why.most_common()) or 'none'}); "
        f"updates retried {retried}, undeliverable {len(run.undeliverable)}",
        f"reply seen by the resident (first POST → first bot message): "
        f"p50 {ms(percentile(replies, 50))} ms, p99 {ms(percentile(replies, 99))} ms; "
        f"no reply within the wait: {run.no_reply}",
        f"driver event-loop lag p99 {ms(percentile(run.loop_lag, 99))} ms "
        f"(max {ms(max(run.loop_lag, default=math.nan))} ms)",
    ]


def findings_lines(f: Findings, drained_in: float, left: int) -> list[str]:
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(f.outbox.items())) or "none"
    lines = [
        f"updates: sent {f.updates_sent}, acknowledged (200) {f.acknowledged}, undeliverable "
        f"{f.undeliverable}, cut by the time bound {f.cut}",
        f"inbound rows {f.inbound_rows} → lost (acknowledged, no row) {f.lost}, "
        f"handled twice {f.handled_twice}, unexpected rows {f.unexpected}, "
        f"failed turns {f.failed_turns}",
        f"texts: sent {f.texts_sent}, kept {f.texts_kept} → not kept {f.texts_lost}, "
        f"kept twice {f.texts_twice}; chats whose order broke {f.order_broken_chats}",
        f"replies: outbox rows {sum(f.outbox.values())} ({statuses}); Bot API accepted "
        f"{f.calls_ok} → sent twice {f.duplicates} (of which in chats with an uncertain row "
        f"{f.duplicates_uncertain}; uncertain rows {f.uncertain_rows}), "
        f"marked sent but never received {f.missing}",
        f"outbox drained {drained_in:.1f} s after the last update ({left} rows left); "
        f"callback queries unanswered {f.unanswered_callbacks}",
    ]
    lines += [f"  order: {example}" for example in f.order_examples]
    for reason, count in f.failed_reasons.most_common(5):
        lines.append(f"  failed rows: {count} × {reason}")
    return lines


def verdict(f: Findings) -> str:
    problems = f.problems()
    if not problems:
        return "target nothing lost, nothing handled twice, order kept, nothing sent twice: met"
    return (
        "target nothing lost, nothing handled twice, order kept: MISSED ("
        + "; ".join(problems)
        + ")"
    )
