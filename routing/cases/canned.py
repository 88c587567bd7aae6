"""Canned replies: texts an agent sends often, kept per team or per person.

A body may name the resident's first name and the idea's title with ``{prénom}`` and
``{idée}`` (``{first_name}`` and ``{idea}`` too); :func:`fill` puts them in, and leaves a
variable it cannot fill as a visible gap for the agent to complete. The caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from infra.orm import Base
from infra.uow import UnitOfWork
from infra.views import view_of
from routing.cases.records import TeamMember

TITLE_MAX_CHARS = 80
BODY_MAX_CHARS = 4000
_VARIABLE = re.compile(r"\{(prénom|prenom|first_name|idée|idee|idea)\}")


class CannedReply(Base):
    """A text kept for a team (``team_id``) or for one person (``staff_id``), never both."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARS))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


@dataclass(frozen=True)
class CannedView:
    id: int
    team_id: int | None
    staff_id: int | None
    title: str
    body: str


class CannedError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def fill(body: str, first_name: str | None, idea_title: str | None) -> str:
    """The body with the resident's first name and the idea's title in place."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = first_name if name in ("prénom", "prenom", "first_name") else idea_title
        return found or match.group(0)

    return _VARIABLE.sub(value, body)


def _view(row: CannedReply) -> CannedView:
    return view_of(CannedView, row)


async def for_staff(uow: UnitOfWork, staff_id: int) -> list[CannedView]:
    """This person's own replies, then their teams', by title."""
    teams = select(TeamMember.team_id).where(TeamMember.staff_id == staff_id)
    rows = (
        await uow.session.scalars(
            select(CannedReply)
            .where(or_(CannedReply.staff_id == staff_id, CannedReply.team_id.in_(teams)))
            .order_by(CannedReply.staff_id.is_(None), CannedReply.title, CannedReply.id)
        )
    ).all()
    return [_view(r) for r in rows]


async def save(
    uow: UnitOfWork,
    *,
    title: str,
    body: str,
    now: datetime,
    staff_id: int | None = None,
    team_id: int | None = None,
    canned_id: int | None = None,
) -> CannedView:
    """Create (or, with ``canned_id``, change) a reply; exactly one owner."""
    title, body = title.strip(), body.strip()
    if not title or len(title) > TITLE_MAX_CHARS or not body or len(body) > BODY_MAX_CHARS:
        raise CannedError("bad_canned")
    if (staff_id is None) == (team_id is None):
        raise CannedError("bad_owner")
    row = await uow.session.get(CannedReply, canned_id) if canned_id is not None else None
    if canned_id is not None and row is None:
        raise CannedError("unknown_canned")
    if row is None:
        row = CannedReply(title=title, body=body, created_at=now, updated_at=now)
        uow.session.add(row)
    row.title, row.body, row.updated_at = title, body, now
    row.staff_id, row.team_id = staff_id, team_id
    await uow.session.flush()
    return _view(row)


async def get(uow: UnitOfWork, canned_id: int) -> CannedView | None:
    row = await uow.session.get(CannedReply, canned_id)
    return _view(row) if row is not None else None


async def delete(uow: UnitOfWork, canned_id: int) -> bool:
    row = await uow.session.get(CannedReply, canned_id)
    if row is None:
        return False
    await uow.session.delete(row)
    return True
