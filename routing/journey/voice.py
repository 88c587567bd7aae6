"""The register a resident is addressed in (« tu » or « vous »), for messages sent outside
their own turn: follow-ups, reminders, retention notices, a person's words from the console.

The conversation service stores it in the dialogue state at every turn (the city's default,
or « vous » once the resident wrote formally), so whoever writes to the resident later speaks
as the conversation did.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from routing.journey.records import Conversation

REGISTERS = ("tu", "vous")


async def register_of(session: AsyncSession, resident_id: int) -> str | None:
    """The register stored with the resident's conversation; None when none was stored yet
    (the caller then uses the city's default)."""
    state = await session.scalar(
        select(Conversation.state).where(Conversation.resident_id == resident_id)
    )
    value = (state or {}).get("register")
    return value if value in REGISTERS else None
