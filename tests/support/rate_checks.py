"""Checks that moments (granted slots, or messages seen leaving) keep a GCRA's limits."""

from __future__ import annotations


def assert_chat_spacing(
    moments: list[float], interval: float, burst: int, slack: float = 1e-9
) -> None:
    """Moments i < j of one chat are at least (j - i - (burst - 1)) intervals apart."""
    moments = sorted(moments)
    for i in range(len(moments)):
        for j in range(i + burst, len(moments)):
            gap = moments[j] - moments[i]
            assert gap >= (j - i - burst + 1) * interval - slack, (
                f"moments {i} and {j} only {gap:.4f}s apart (interval {interval}, burst {burst})"
            )


def assert_window_count(
    moments: list[float], rate: float, window: float, burst: int, slack: float = 1e-9
) -> None:
    """Any window of ``window`` seconds holds at most rate·(window + slack) + burst moments."""
    moments = sorted(moments)
    start = 0
    for end, moment in enumerate(moments):
        while moment - moments[start] >= window:
            start += 1
        count = end - start + 1
        assert count <= rate * (window + slack) + burst + 1e-9, (
            f"{count} moments within {window}s (rate {rate}/s, burst {burst})"
        )
