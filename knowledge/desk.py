"""The directory as staff keep it by hand: find entries, change their facts, mark them verified
or inactive. Each change writes a ``DirectoryImport`` row (source « console ») so cached
catalogues see a new version at once, as after a file import. The caller commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from infra.uow import UnitOfWork
from knowledge.records import DirectoryImport, ResourceRow
from knowledge.resources import THEMES, Resource
from knowledge.store import resource_of

STALE_AFTER = timedelta(days=365)  # « not verified for 12 months »


@dataclass(frozen=True)
class EntryPage:
    entries: list[tuple[Resource, bool]]  # the entry, and whether it is due for a check
    total: int


@dataclass(frozen=True)
class Facts:
    """What staff edit of an entry by hand (``update_facts``); themes and territories are kept
    once each, in the order given."""

    name: str
    organization: str
    description: str
    themes: Sequence[str]
    territories: Sequence[str]

    def valid(self, known_territories: Collection[str]) -> bool:
        """A name, themes of the vocabulary and territories of the city (``known_territories``)."""
        return (
            bool(self.name.strip())
            and set(self.themes) <= set(THEMES)
            and set(self.territories) <= set(known_territories)
        )


def stale(resource: Resource, today: date) -> bool:
    return resource.verified_on is None or resource.verified_on < today - STALE_AFTER


async def search(
    uow: UnitOfWork,
    today: date,
    *,
    text: str = "",
    only_stale: bool = False,
    include_inactive: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> EntryPage:
    """Entries by name, organisation, description or id; the ones to re-check first."""
    query = select(ResourceRow)
    words = text.strip().lower()[:80]
    if words:
        pattern = f"%{words}%"
        query = query.where(
            or_(
                func.lower(ResourceRow.name).like(pattern),
                func.lower(ResourceRow.organization).like(pattern),
                func.lower(ResourceRow.description).like(pattern),
                func.lower(ResourceRow.external_id).like(pattern),
            )
        )
    if not include_inactive:
        query = query.where(ResourceRow.active.is_(True))
    if only_stale:
        query = query.where(
            or_(
                ResourceRow.verified_on.is_(None),
                ResourceRow.verified_on < today - STALE_AFTER,
            )
        )
    total = int(await uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = (
        await uow.session.scalars(
            query.order_by(ResourceRow.active.desc(), ResourceRow.name, ResourceRow.id)
            .offset(offset)
            .limit(limit)
        )
    ).all()
    found = [resource_of(row) for row in rows]
    return EntryPage([(r, stale(r, today)) for r in found], total)


async def entry(uow: UnitOfWork, external_id: str) -> Resource | None:
    row = await _row(uow, external_id)
    return resource_of(row) if row is not None else None


async def _row(uow: UnitOfWork, external_id: str) -> ResourceRow | None:
    return await uow.session.scalar(
        select(ResourceRow).where(ResourceRow.external_id == external_id[:80])
    )


def _new_version(uow: UnitOfWork, now: datetime, what: str) -> None:
    uow.session.add(
        DirectoryImport(
            source=f"console:{what}"[:300],
            format="console",
            created=0,
            updated=1,
            deactivated=1 if what == "deactivated" else 0,
            imported_at=now,
        )
    )


async def update_facts(
    uow: UnitOfWork, external_id: str, now: datetime, facts: Facts
) -> Resource | None:
    row = await _row(uow, external_id)
    if row is None:
        return None
    row.name = facts.name.strip()[:300]
    row.organization = facts.organization.strip()[:300] or None
    row.description = facts.description.strip()
    row.themes = list(dict.fromkeys(facts.themes))
    row.territories = list(dict.fromkeys(facts.territories))
    row.updated_at = now
    _new_version(uow, now, "updated")
    await uow.session.flush()
    return resource_of(row)


async def mark_verified(uow: UnitOfWork, external_id: str, today: date, now: datetime) -> bool:
    row = await _row(uow, external_id)
    if row is None:
        return False
    row.verified_on, row.updated_at = today, now
    _new_version(uow, now, "verified")
    await uow.session.flush()
    return True


async def set_active(uow: UnitOfWork, external_id: str, active: bool, now: datetime) -> bool:
    row = await _row(uow, external_id)
    if row is None:
        return False
    row.active, row.updated_at = active, now
    _new_version(uow, now, "deactivated" if not active else "reactivated")
    await uow.session.flush()
    return True
