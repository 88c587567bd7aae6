"""How late the bench's own event loop wakes up: if the driver is the bottleneck, the
latencies it measures are not the workers' (this figure says so)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator


@contextlib.asynccontextmanager
async def watch_loop(samples: list[float], every: float) -> AsyncIterator[None]:
    """While inside, a task asks to wake every ``every`` seconds and adds to ``samples`` how
    late it woke."""

    async def watch() -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(every)
            samples.append(time.perf_counter() - start - every)

    task = asyncio.create_task(watch())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
