"""Long replies in several messages, in order, never cut mid-word (pure).

Telegram takes at most 4,096 characters per message, counted in UTF-16 code units. A longer
reply is split at the last paragraph break, else line break, else sentence end, else space
before the limit; only a single word longer than the limit is cut inside. Joining the parts
gives back the text (the whitespace at each cut is kept at the end of the earlier part).
"""

from __future__ import annotations

import re

TELEGRAM_MAX = 4096
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?…]\s"), re.compile(r"\s"))


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji may count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, limit: int) -> int:
    """The number of characters of ``text`` that fit in ``limit`` UTF-16 units."""
    if units(text) <= limit:
        return len(text)
    count = used = 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            break
        count += 1
    return count


def split(text: str, limit: int = TELEGRAM_MAX) -> list[str]:
    """``text`` in parts of at most ``limit`` units each; ``"".join(parts) == text``."""
    parts: list[str] = []
    rest = text
    while units(rest) > limit:
        room = _prefix_within(rest, limit)
        window = rest[:room]
        cut = 0
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window)]
            if ends and ends[-1] > room // 4:
                cut = ends[-1]
                break
        cut = cut or room
        parts.append(rest[:cut])
        rest = rest[cut:]
    if rest or not parts:
        parts.append(rest)
    return parts
