"""Telegram's side of webhook delivery, played on loopback against real `declic bot --webhook`
worker processes on a throw-away PostgreSQL database. Shared by ``bench.webhook_load`` and
``bench.webhook_faults``.

Why a driver and not the fake server's getUpdates: with a webhook, Telegram pushes. It POSTs one
chat's updates one after the other (the next only once the previous got a 200), retries on any
other answer or a broken connection, and, behind a load balancer, the retry may land on another
worker. That is exactly what must not lose, duplicate or reorder anything.

Residents are :class:`~tests.support.fake_users.FakeUser` objects of a
:class:`~tests.support.fake_bot_api.FakeBotApi` (so message ids, buttons and callback queries are
Telegram's), whose minds are ``bench.residents.Resident``: they read the bot's latest message,
answer it in words or by pressing a button, wait for the reply, think, and go on. The workers'
outbox senders deliver the replies to the same fake Bot API.

The baseline is ``bench.webhook_echo``: the same POSTs to an endpoint that only parses them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench.loop_lag import watch_loop
from bench.residents import Resident as Mind
from tests.support.fake_bot_api import BotCall, FakeBotApi

REPO = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "DECLIC_BENCH_POSTGRES_URL",
    os.environ.get("DECLIC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET = "bench-webhook-secret-0123456789"
SHOWN = frozenset({"sendmessage", "editmessagetext", "senddocument"})
FIRST_NAMES = ("Awa", "Léa", "Karim", "Inès", "Jules", "Yasmine", "Paul", "Chloé", "Mehdi", "Zoé")
STARTUP = 180.0  # a worker imports aiogram's pydantic types: a minute of CPU on a busy machine
JsonDict = dict[str, Any]


def now() -> float:
    """One clock for the driver, its records and the fake Bot API's ``BotCall.at``."""
    return time.monotonic()


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): a value that was actually observed."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the database ---------------------------------------------------------------------------


def dsn(url: str) -> str:
    """asyncpg's DSN for an SQLAlchemy URL."""
    return "postgresql://" + url.split("://", 1)[1]


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(dsn(POSTGRES_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def base_env(server: FakeBotApi, database_url: str) -> dict[str, str]:
    """What an operator sets, and nothing of this shell's ``DECLIC_*``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECLIC_")}
    pythonpath = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.update(
        PYTHONPATH=pythonpath,
        PYTHONUNBUFFERED="1",
        DECLIC_DATABASE_URL=database_url,
        DECLIC_TELEGRAM_TOKEN=server.token,
        DECLIC_TELEGRAM_API_URL=server.base_url,
    )
    return env


@contextlib.asynccontextmanager
async def throwaway_database(workdir: Path) -> AsyncIterator[str]:
    """A fresh PostgreSQL database migrated with `declic db upgrade`, dropped afterwards."""
    name = f"declic_bench_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DECLIC_")}
        env.update(PYTHONPATH=str(REPO), DECLIC_DATABASE_URL=url)
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "declic", "db", "upgrade"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=STARTUP,
        )
        if done.returncode != 0:
            raise RuntimeError(f"`declic db upgrade` failed:\n{done.stdout}{done.stderr}")
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- worker processes -----------------------------------------------------------------------


class Worker:
    """One `declic bot --webhook` process (or the echo baseline), its log in ``workdir``."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.command = command
        self.env = {
            **env,
            "DECLIC_WEBHOOK_HOST": "127.0.0.1",
            "DECLIC_WEBHOOK_PORT": str(self.port),
        }
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.cpu_before_restarts = 0.0  # CPU seconds of the processes killed so far

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return self.base_url + WEBHOOK_PATH

    def start(self) -> None:
        assert not self.alive(), f"{self.name} is already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start #{self.starts} =====\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.command,
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def cpu_seconds(self) -> float:
        """User + system CPU of the running process (Linux ``/proc``), 0 if unknown."""
        if not self.alive() or self.proc is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill9(self) -> None:
        if self.proc is not None and self.alive():
            self.cpu_before_restarts += self.cpu_seconds()
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    async def stop(self, grace: float = 20.0) -> int | None:
        """SIGTERM, as an orchestrator stops a worker; SIGKILL if it outstays ``grace``."""
        if self.proc is None:
            return None
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                return await asyncio.to_thread(self.proc.wait, grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    async def until_ready(
        self,
        session: aiohttp.ClientSession,
        timeout: float = STARTUP,  # noqa: ASYNC109 (a bounded wait is the point)
    ) -> float:
        """Seconds until ``GET /readyz`` answers 200; fails with the log if it never does."""
        start = now()
        while now() - start < timeout:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.log()[-4000:]}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(
                    self.base_url + "/readyz", timeout=aiohttp.ClientTimeout(total=2)
                ) as response:
                    if response.status == 200:
                        return now() - start
            await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log()[-4000:]}")

    async def metrics(self, session: aiohttp.ClientSession) -> str:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with session.get(
                self.base_url + "/metrics", timeout=aiohttp.ClientTimeout(total=5)
            ) as response:
                if response.status == 200:
                    return await response.text()
        return ""

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def declic_workers(
    count: int, env: dict[str, str], workdir: Path, *, outbox_rate: float
) -> list[Worker]:
    """``count`` webhook workers sharing one database and one Bot API, as behind a balancer.

    The flood guard gets an unreachable limit (the benchmark squeezes a resident's minutes into
    seconds; a throttled turn skips the dialogue), and the outbox's overall rate is raised to
    ``outbox_rate`` (the fake Bot API has no overall limit; at Telegram's 30/s the replies of
    500 residents talking at once would queue in the outbox, which is not what is measured).
    """
    webhook_env = {
        **env,
        "DECLIC_WEBHOOK_URL": "https://declic.bench.invalid",
        "DECLIC_WEBHOOK_SECRET": SECRET,
        "DECLIC_FLOOD_MESSAGES": "1000",
        "DECLIC_OUTBOX_RATE_PER_SECOND": f"{outbox_rate:g}",
    }
    command = [sys.executable, "-m", "declic", "bot", "--webhook"]
    return [Worker(f"worker-{i + 1}", command, webhook_env, workdir) for i in range(count)]


def echo_workers(count: int, workdir: Path, database_url: str | None = None) -> list[Worker]:
    """``bench.webhook_echo`` endpoints, or ``bench.durable_baseline`` ones over
    ``database_url`` (the transactional baseline) when it is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECLIC_")}
    env.update(PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    workers = []
    for i in range(count):
        name = "echo" if database_url is None else "durable"
        worker = Worker(f"{name}-{i + 1}", [], env, workdir)
        worker.command = [sys.executable, "-m", "bench.webhook_echo", str(worker.port), SECRET]
        if database_url is not None:
            worker.command[2:] = ["bench.durable_baseline", str(worker.port), SECRET,
                                  database_url]  # fmt: skip
        workers.append(worker)
    return workers


async def start_all(workers: list[Worker], session: aiohttp.ClientSession) -> None:
    for worker in workers:
        worker.start()
    await asyncio.gather(*(w.until_ready(session) for w in workers))


async def stop_all(workers: list[Worker]) -> None:
    await asyncio.gather(*(w.stop() for w in workers))


@dataclass
class Bench:
    """A running cluster: the fake Bot API, the database, the workers, a probe session."""

    server: FakeBotApi
    url: str
    workdir: Path
    workers: list[Worker]
    screens: Screens
    probe: aiohttp.ClientSession
    startup: float  # seconds until every worker was ready

    async def scrape(self) -> str:
        """Every live worker's ``/metrics``, concatenated."""
        pages = await asyncio.gather(*(w.metrics(self.probe) for w in self.workers if w.alive()))
        return "\n".join(pages)

    def cpu_seconds(self) -> float:
        return sum(w.cpu_seconds() + w.cpu_before_restarts for w in self.workers)

    def log_summary(self) -> list[str]:
        """How many warnings and errors the workers logged, and the most frequent ones."""
        levels: Counter[str] = Counter()
        messages: Counter[str] = Counter()
        for worker in self.workers:
            for line in worker.log().splitlines():
                level = next((x for x in ("Traceback", "ERROR", "WARNING") if x in line), None)
                if level:
                    levels[level] += 1
                    messages[_shape(line)] += 1
        if not levels:
            return ["worker logs: no warning, no error"]
        out = ["worker logs: " + ", ".join(f"{k} {v}" for k, v in levels.most_common())]
        out += [f"  {count} × {text}" for text, count in messages.most_common(6)]
        return out


def _shape(line: str) -> str:
    """A log line without its timestamp and numbers, so that alike lines count together."""
    words = line.split()
    kept = [w for w in words if not any(c.isdigit() for c in w)]
    return " ".join(kept)[:150]


@contextlib.asynccontextmanager
async def cluster(
    workers: int,
    *,
    outbox_rate: float,
    extra_env: dict[str, str] | None = None,
    keep_logs: str | None = None,
) -> AsyncIterator[Bench]:
    """The fake Bot API, a fresh database and ``workers`` ready webhook workers; all stopped
    and dropped on exit (the caller checks the database before leaving). The workers' logs go
    to ``keep_logs`` if given, else to a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="declic-webhook-") as tmp:
        workdir = Path(keep_logs) if keep_logs else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        async with (
            FakeBotApi() as server,
            throwaway_database(workdir) as url,
            aiohttp.ClientSession() as probe,
        ):
            screens = Screens()
            server.on_call = screens.on_call
            env = {**base_env(server, url), **(extra_env or {})}
            procs = declic_workers(workers, env, workdir, outbox_rate=outbox_rate)
            start = now()
            try:
                await start_all(procs, probe)
                yield Bench(server, url, workdir, procs, screens, probe, now() - start)
            except BaseException:
                for worker in procs:
                    print(f"----- {worker.name} log (tail) -----\n{worker.log()[-3000:]}",
                          file=sys.stderr)  # fmt: skip
                raise
            finally:
                await stop_all(procs)


async def echo_baseline(
    earlier: Run, workers: int, seconds: float, deadline: float, database_url: str | None = None
) -> Run:
    """The same POSTs as the first ``seconds`` of ``earlier``, at the same instants, to
    ``workers`` echo endpoints through the same client: what loopback HTTP alone costs.

    With ``database_url``, the endpoints are the transactional baseline
    (``bench.durable_baseline``: one transaction, the update and one outbox row) over it."""
    with tempfile.TemporaryDirectory(prefix="declic-echo-") as tmp:
        procs = echo_workers(workers, Path(tmp), database_url)
        label = "echo" if database_url is None else "transactional"
        async with aiohttp.ClientSession() as probe:
            try:
                await start_all(procs, probe)
                telegram = Telegram([w.webhook_url for w in procs])
                try:
                    return await replay(telegram, earlier, seconds, deadline, label)
                finally:
                    await telegram.close()
            finally:
                await stop_all(procs)


# -- Telegram's webhook delivery --------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One POST of one update: when, to which worker, what came back (0: no HTTP answer)."""

    update_id: int
    worker: int
    start: float
    end: float
    status: int
    error: str = ""


@dataclass
class Delivery:
    """One update from first POST to the 200 that ended it (or to giving up)."""

    update_id: int
    chat_id: int
    kind: str  # "text" or "button"
    message_id: int | None  # the resident's own message (text updates)
    first_try: float
    latency: float | None = None  # round trip of the POST that got 200
    done: float | None = None
    attempts: int = 0
    reply_after: float | None = None  # first try → first bot message in the chat after it
    gave_up: bool = False  # retried for ``give_up`` seconds without a 200
    payload: JsonDict = field(default_factory=dict, repr=False)


class Telegram:
    """POSTs updates as Telegram does: one connection pool (``max_connections``), a balancer
    taking the workers in turn (a worker whose connection failed is skipped for ``down_for``
    seconds), retries with growing backoff until ``give_up`` seconds."""

    def __init__(
        self,
        urls: list[str],
        *,
        max_connections: int = 40,
        attempt_timeout: float = 10.0,
        give_up: float = 120.0,
        down_for: float = 2.0,
        seed: int = 2026,
    ) -> None:
        self.urls = urls
        self.attempt_timeout = attempt_timeout
        self.give_up = give_up
        self.rng = random.Random(f"{seed}:telegram")
        self._turn = itertools.count()
        self._connector = aiohttp.TCPConnector(limit=max_connections, force_close=False)
        self.session = aiohttp.ClientSession(connector=self._connector)
        self.attempts: list[Attempt] = []
        self.deliveries: list[Delivery] = []
        self.down_for = down_for
        self._down_until: dict[int, float] = {}

    async def close(self) -> None:
        await self.session.close()

    def _pick(self) -> int:
        """The next worker in turn, skipping one that just refused or dropped a connection
        (a balancer's passive health check), unless every worker did."""
        for _ in range(len(self.urls)):
            worker = next(self._turn) % len(self.urls)
            if self._down_until.get(worker, 0.0) <= now():
                return worker
        return next(self._turn) % len(self.urls)

    def _backoff(self, failures: int) -> float:
        ceiling = min(2.0, 0.1 * 2.0 ** (failures - 1))
        return ceiling * (0.5 + 0.5 * self.rng.random())

    async def deliver(self, payload: JsonDict, chat_id: int) -> Delivery:
        kind = "button" if "callback_query" in payload else "text"
        message = payload.get("message") or {}
        delivery = Delivery(payload["update_id"], chat_id, kind, message.get("message_id"),
                            now(), payload=payload)  # fmt: skip
        self.deliveries.append(delivery)
        headers = {SECRET_HEADER: SECRET}
        timeout = aiohttp.ClientTimeout(total=self.attempt_timeout)
        while True:
            worker = self._pick()
            delivery.attempts += 1
            start, status, error = now(), 0, ""
            try:
                async with self.session.post(
                    self.urls[worker], json=payload, headers=headers, timeout=timeout
                ) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = type(exc).__name__
                if isinstance(exc, aiohttp.ClientConnectionError):
                    self._down_until[worker] = now() + self.down_for
            end = now()
            self.attempts.append(Attempt(delivery.update_id, worker, start, end, status, error))
            if status == 200:
                delivery.latency, delivery.done = end - start, end
                return delivery
            if end - delivery.first_try > self.give_up:
                delivery.gave_up = True
                return delivery
            await asyncio.sleep(self._backoff(delivery.attempts))


# -- residents --------------------------------------------------------------------------------


class Screens:
    """Which bot messages each private chat has received, woken per chat (not all at once)."""

    def __init__(self) -> None:
        self.shown: Counter[int] = Counter()
        self.arrivals: dict[int, list[float]] = {}
        self._events: dict[int, asyncio.Event] = {}

    def on_call(self, call: BotCall) -> None:
        if not call.ok or call.method.lower() not in SHOWN:
            return
        raw = call.params.get("chat_id")
        if not isinstance(raw, int | str):
            return
        with contextlib.suppress(ValueError):
            chat_id = int(raw)
            self.shown[chat_id] += 1
            self.arrivals.setdefault(chat_id, []).append(call.at)
            event = self._events.get(chat_id)
            if event is not None:
                event.set()

    async def wait_beyond(self, chat_id: int, seen: int, timeout: float) -> float | None:  # noqa: ASYNC109
        """When the chat's message number ``seen + 1`` arrived; None after ``timeout``."""
        event = self._events.setdefault(chat_id, asyncio.Event())
        deadline = now() + timeout
        while self.shown[chat_id] <= seen:
            event.clear()
            remaining = deadline - now()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        return self.arrivals[chat_id][seen]


@dataclass(frozen=True)
class Plan:
    """``residents`` residents, ``messages`` updates each. A resident arrives within the first
    ``ramp`` seconds, then before each update reads and types for ``think`` seconds on average
    (uniform 0.5×–1.5×); it waits at most ``reply_wait`` seconds for the bot's answer."""

    residents: int = 500
    messages: int = 10
    think: float = 15.0
    ramp: float = 20.0
    reply_wait: float = 90.0
    seed: int = 2026
    first_user_id: int = 700_000

    def user_ids(self) -> list[int]:
        return [self.first_user_id + i for i in range(self.residents)]

    def arrival(self, user_id: int) -> float:
        return random.Random(f"{self.seed}:arrival:{user_id}").uniform(0, self.ramp)

    def gaps(self, user_id: int) -> list[float]:
        rng = random.Random(f"{self.seed}:gaps:{user_id}")
        return [self.think * rng.uniform(0.5, 1.5) for _ in range(self.messages)]

    def mind(self, user_id: int) -> Mind:
        rng = random.Random(f"{self.seed}:words:{user_id}")
        return Mind(user_id, FIRST_NAMES[user_id % len(FIRST_NAMES)], rng)


@dataclass
class Run:
    """What one run of the driver recorded."""

    label: str
    started: float
    wall: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    no_reply: int = 0  # updates after which the bot said nothing within ``reply_wait``
    loop_lag: list[float] = field(default_factory=list)
    timed_out: bool = False

    @property
    def delivered(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.latency is not None]

    @property
    def undeliverable(self) -> list[Delivery]:
        """Telegram gave up on them (it would go on retrying for hours)."""
        return [d for d in self.deliveries if d.gave_up]

    @property
    def cut(self) -> list[Delivery]:
        """Still being delivered when the run hit its bound: neither handled nor lost."""
        return [d for d in self.deliveries if d.latency is None and not d.gave_up]


def _look(mind: Mind, server: FakeBotApi, user_id: int) -> None:
    """Show the resident the bot's latest message: its buttons are the question asked."""
    last = server.user(user_id).last_message
    mind.keyboard = [(b["text"], b["callback_data"]) for b in (last.buttons if last else [])
                     if "callback_data" in b]  # fmt: skip
    mind.keyboard_message = last.message_id if last else 0


async def converse(
    server: FakeBotApi,
    telegram: Telegram,
    screens: Screens,
    plan: Plan,
    deadline: float,
    label: str = "declic",
) -> Run:
    """Every resident of ``plan`` talks through ``telegram`` at once; returns what happened."""
    run = Run(f"{label}, {len(telegram.urls)} workers", now())

    async def resident(user_id: int) -> None:
        user = server.user(user_id, FIRST_NAMES[user_id % len(FIRST_NAMES)], language_code="fr")
        mind = plan.mind(user_id)
        await asyncio.sleep(plan.arrival(user_id))
        for gap in plan.gaps(user_id):
            await asyncio.sleep(gap)
            _look(mind, server, user_id)
            move = mind.next()
            if move.data is not None:
                update_id = await user.press(move.data, message_id=mind.keyboard_message)
            else:
                update_id = await user.send_text(move.text or "…")
            payload = server.updates.history[update_id]
            seen = screens.shown[user_id]
            delivery = await telegram.deliver(payload, user_id)
            if delivery.latency is None:
                continue  # Telegram gave up on it: counted as undeliverable
            arrived = await screens.wait_beyond(user_id, seen, plan.reply_wait)
            if arrived is None:
                run.no_reply += 1
            else:
                delivery.reply_after = arrived - delivery.first_try

    await _bounded(run, telegram, [resident(u) for u in plan.user_ids()], deadline)
    return run


async def replay(
    telegram: Telegram, earlier: Run, seconds: float, deadline: float, label: str = "echo"
) -> Run:
    """POST the updates ``earlier`` sent in its first ``seconds``, at the same instants."""
    run = Run(f"{label}, {len(telegram.urls)} endpoints", now())
    due = [d for d in earlier.deliveries if d.first_try - earlier.started < seconds]

    async def send(delivery: Delivery) -> None:
        await asyncio.sleep(delivery.first_try - earlier.started)
        await telegram.deliver(delivery.payload, delivery.chat_id)

    await _bounded(run, telegram, [send(d) for d in due], deadline)
    return run


async def _bounded(
    run: Run, telegram: Telegram, tasks: list[Coroutine[Any, Any, None]], deadline: float
) -> None:
    """Run the tasks for at most ``deadline`` seconds; record what was done either way."""
    try:
        async with watch_loop(run.loop_lag, every=0.05), asyncio.timeout(deadline):
            await asyncio.gather(*tasks)
    except TimeoutError:
        run.timed_out = True
    finally:
        run.wall = now() - run.started
        run.deliveries = [d for d in telegram.deliveries if d.first_try >= run.started]
        run.attempts = [a for a in telegram.attempts if a.start >= run.started]


# -- server-side figures -----------------------------------------------------------------------

HISTOGRAM = "declic_update_handling_seconds_bucket"


def handling_buckets(metrics_text: str) -> Counter[float]:
    """Cumulative counts per upper bound of ``declic_update_handling_seconds`` (all labels)."""
    buckets: Counter[float] = Counter()
    for line in metrics_text.splitlines():
        if not line.startswith(HISTOGRAM + "{"):
            continue
        labels, _, value = line.rpartition(" ")
        bound = labels.split('le="', 1)[1].split('"', 1)[0]
        buckets[math.inf if bound == "+Inf" else float(bound)] += int(float(value))
    return buckets


def bucket_percentile(buckets: Counter[float], p: float) -> float:
    """The upper bound of the bucket holding the p-th percentile (inf if past the last)."""
    if not buckets:
        return math.nan
    total = buckets[math.inf] or max(buckets.values())
    for bound in sorted(buckets):
        if buckets[bound] >= p / 100 * total:
            return bound
    return math.inf
