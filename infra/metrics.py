"""Prometheus metrics: one registry for the process, the metric names in one place.

Transports and services increment these; ``/metrics`` (console, webhook worker, or the
``DECLIC_METRICS_PORT`` of the scheduler and the polling bot) renders them. Gauges that
describe the database (outbox depth, cases waiting) are refreshed when scraped. Labels never
carry personal data (no chat ids, no names, no words).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES_HANDLED = Counter(
    "declic_updates_handled",
    "Telegram updates received, by transport and outcome (handled, duplicate, failed).",
    ["transport", "outcome"],
    registry=REGISTRY,
)
UPDATE_SECONDS = Histogram(
    "declic_update_handling_seconds",
    "Time to handle one update, from receipt to commit (server side).",
    ["transport"],
    buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0),
    registry=REGISTRY,
)
OUTBOX_SENT = Counter(
    "declic_outbox_messages",
    "Outbox deliveries by result (sent, retry, failed, unreachable).",
    ["result"],
    registry=REGISTRY,
)
TELEGRAM_429 = Counter(
    "declic_telegram_429",
    "429 Too Many Requests answers received from the Bot API.",
    registry=REGISTRY,
)
SCHEDULER_RUNS = Counter(
    "declic_scheduler_runs",
    "Runs of the scheduler's jobs (followups, service_levels, retention) by outcome: done,"
    " unavailable (a database outage; the next run does the work) or failed (a bug).",
    ["job", "outcome"],
    registry=REGISTRY,
)
OUTBOX_DEPTH = Gauge(
    "declic_outbox_depth",
    "Outbox rows waiting to be sent (pending or claimed), refreshed when scraped.",
    registry=REGISTRY,
)
CASES_WAITING = Gauge(
    "declic_cases_waiting",
    "Cases open and not yet claimed by a person, refreshed when scraped.",
    registry=REGISTRY,
)


def render() -> tuple[bytes, str]:
    """The registry in Prometheus' text format: (body, content type)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
