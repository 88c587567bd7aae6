"""`declic stats --json` prints the dictionary's names, with filters (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json

from click.testing import Result
from typer.testing import CliRunner

from declic.cli import app
from infra.db import make_engine
from infra.uow import uow_factory_for
from routing.stats import metrics
from tests.support.stats import build_journeys


async def _seed(url: str) -> None:
    engine = make_engine(url)
    try:
        await build_journeys(uow_factory_for(engine))
    finally:
        await engine.dispose()


def _stats(url: str, *args: str) -> Result:
    """The command in this process (Typer's runner): a `declic` process costs seconds of
    imports; the end-to-end tests start the real ones."""
    env = {"DECLIC_DATABASE_URL": url, "DECLIC_STATS_MIN_CELL": "5"}
    return CliRunner().invoke(app, ["stats", *args], env=env)


def test_stats_json_uses_the_dictionary_names(migrated_url: str) -> None:
    asyncio.run(_seed(migrated_url))
    done = _stats(migrated_url, "--json", "--quartier", "Belleville")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert list(data["funnel"]) == list(metrics.STAGE_NAMES)
    assert set(data["durations"]) == set(metrics.DURATION_NAMES)
    assert set(data["cuts"]) == set(metrics.CUT_NAMES)
    assert data["filters"] == {"since": None, "quartier": "Belleville"}
    # six ideas, published rounded to DECLIC_STATS_ROUND_TO (5)
    assert data["funnel"]["received"] == 5 and data["funnel"]["abandoned"] is None
    later = json.loads(_stats(migrated_url, "--json", "--since", "2026-11-01").stdout)
    assert later["funnel"]["received"] is None  # three residents: suppressed
    text = _stats(migrated_url)
    assert text.exit_code == 0 and "received" in text.stdout and "< 5" in text.stdout
    assert _stats(migrated_url, "--since", "soon").exit_code == 2
