"""The directory in the database: apply an import in one transaction, load it back, cache it.

An import is all or nothing (the caller's unit of work commits once), idempotent (an entry is
found again by its external id and updated in place) and keeps history: entries missing from
the new file are marked inactive, never deleted, so suggestions already made stay explained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from infra.uow import UnitOfWork
from knowledge.catalogue import Catalogue
from knowledge.importers import Batch
from knowledge.records import DirectoryImport, ResourceRow
from knowledge.resources import Resource, facts_of, with_facts
from knowledge.territory import Gazetteer


class ImportRefused(ValueError):
    """The file has errors; nothing was written. ``batch.problems`` says where."""

    def __init__(self, batch: Batch) -> None:
        super().__init__(f"{len(batch.problems.errors)} error(s) in {batch.source}")
        self.batch = batch


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    deactivated: int


def _row_values(resource: Resource) -> dict[str, object]:
    facts = facts_of(resource)
    if resource.extra:
        facts["extra"] = resource.extra
    return {
        "kind": resource.kind,
        "name": resource.name[:300],
        "description": resource.description,
        "organization": (resource.organization or None) and resource.organization[:300],
        "themes": list(resource.themes),
        "territories": list(resource.territories),
        "status": resource.status,
        "verified_on": resource.verified_on,
        "facts": facts,
    }


async def apply_import(uow: UnitOfWork, batch: Batch, now: datetime) -> ImportSummary:
    """Write a clean batch (the caller commits). Refuses a batch with errors."""
    if not batch.ok:
        raise ImportRefused(batch)
    session = uow.session
    rows = {row.external_id: row for row in (await session.scalars(select(ResourceRow))).all()}
    created = updated = unchanged = deactivated = 0
    seen: set[str] = set()
    for resource in batch.resources:
        seen.add(resource.external_id)
        values = _row_values(resource)
        row = rows.get(resource.external_id)
        if row is None:
            session.add(
                ResourceRow(
                    external_id=resource.external_id,
                    active=True,
                    source=batch.source,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
            created += 1
            continue
        changed = not row.active or any(getattr(row, k) != v for k, v in values.items())
        if changed:
            for key, value in values.items():
                setattr(row, key, value)
            row.active = True
            row.source = batch.source
            row.updated_at = now
            updated += 1
        else:
            unchanged += 1
    for external_id, row in rows.items():
        if external_id not in seen and row.active:
            row.active = False
            row.updated_at = now
            deactivated += 1
    session.add(
        DirectoryImport(
            source=batch.source[:300],
            format=batch.format,
            created=created,
            updated=updated,
            deactivated=deactivated,
            imported_at=now,
        )
    )
    await session.flush()
    return ImportSummary(created, updated, unchanged, deactivated)


def resource_of(row: ResourceRow) -> Resource:
    facts = dict(row.facts or {})
    extra = facts.pop("extra", {})
    base = Resource(
        external_id=row.external_id,
        name=row.name,
        kind=row.kind,
        description=row.description or "",
        organization=row.organization,
        themes=tuple(row.themes or ()),
        territories=tuple(row.territories or ()),
        status=row.status if row.active else "inactive",
        verified_on=row.verified_on,
        extra=extra,
    )
    return with_facts(base, facts)


async def load_resources(uow: UnitOfWork, *, include_inactive: bool = False) -> list[Resource]:
    query = select(ResourceRow).order_by(ResourceRow.id)
    if not include_inactive:
        query = query.where(ResourceRow.active.is_(True))
    return [resource_of(row) for row in (await uow.session.scalars(query)).all()]


# The directory's version: its last import's id (None before any). A column, so a caller may
# read it with its own statement (``CatalogueCache.get``'s ``directory``).
DIRECTORY_VERSION = select(func.max(DirectoryImport.id)).scalar_subquery()


async def directory_version(uow: UnitOfWork) -> int:
    return int(await uow.session.scalar(select(DIRECTORY_VERSION)) or 0)


class CatalogueCache:
    """One catalogue per process, rebuilt only when an import has changed the directory (or,
    without a given gazetteer, the city: it is then read from the database)."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        from knowledge.city import CityCache

        self._gazetteer = gazetteer
        self._cities = CityCache() if gazetteer is None else None
        self._version: tuple[int, int] | None = None
        self._catalogue: Catalogue | None = None

    async def get(self, uow: UnitOfWork, directory: int | None = None) -> Catalogue:
        """The catalogue as of now; ``directory``: its version (``DIRECTORY_VERSION``) when the
        caller has just read it with a statement of its own, in the same transaction."""
        from knowledge.city import city_version

        city = await city_version(uow) if self._cities is not None else 0
        if directory is None:
            directory = await directory_version(uow)
        version = (directory, city)
        if self._catalogue is None or version != self._version:
            gazetteer = self._gazetteer
            if self._cities is not None:
                gazetteer = await self._cities.get(uow)
            self._catalogue = Catalogue(await load_resources(uow), gazetteer)
            self._version = version
        return self._catalogue


async def import_batch(
    uow_factory: Callable[[], UnitOfWork], batch: Batch, now: datetime
) -> ImportSummary:
    """One transaction: all of the batch, or nothing."""
    from knowledge.city import learn_territories

    async with uow_factory() as uow:
        summary = await apply_import(uow, batch, now)
        if batch.territories:
            await learn_territories(uow, batch.territories, batch.source, now)
        await uow.commit()
    return summary
