"""Imports are one transaction, idempotent, and keep entries that disappeared (inactive)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from knowledge.demo import demo_batch, demo_city, load_demo_directory
from knowledge.importers import Batch
from knowledge.store import (
    CatalogueCache,
    ImportRefused,
    apply_import,
    import_batch,
    load_resources,
)

DEMO_CITY = demo_city()

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_demo_loads_once_and_reimport_updates_in_place(uow_factory) -> None:  # type: ignore[no-untyped-def]
    summary = await load_demo_directory(uow_factory, NOW)
    assert summary is not None and summary.created == len(demo_batch().resources)
    assert await load_demo_directory(uow_factory, NOW) is None

    batch = demo_batch()
    first, *rest = batch.resources
    changed = Batch(batch.source, batch.format, [replace(first, name="Nouveau nom"), *rest[1:]])
    summary = await import_batch(uow_factory, changed, NOW)
    assert (summary.created, summary.updated, summary.deactivated) == (0, 1, 1)

    async with uow_factory() as uow:
        active = await load_resources(uow)
        everything = await load_resources(uow, include_inactive=True)
    assert len(everything) == len(batch.resources)
    assert len(active) == len(batch.resources) - 1  # the one that disappeared
    gone = next(r for r in everything if r.external_id == rest[0].external_id)
    assert gone.status == "inactive"
    assert next(r for r in active if r.external_id == first.external_id).name == "Nouveau nom"
    again = await import_batch(uow_factory, batch, NOW)
    assert (again.created, again.updated, again.deactivated) == (0, 2, 0)


async def test_a_batch_with_errors_writes_nothing(uow_factory) -> None:  # type: ignore[no-untyped-def]
    batch = demo_batch()
    batch.problems.error("x.yaml:3", "missing_field", field="name")
    async with uow_factory() as uow:
        with pytest.raises(ImportRefused):
            await apply_import(uow, batch, NOW)
    async with uow_factory() as uow:
        assert await load_resources(uow, include_inactive=True) == []


async def test_the_catalogue_cache_follows_imports(uow_factory) -> None:  # type: ignore[no-untyped-def]
    cache = CatalogueCache(DEMO_CITY)
    async with uow_factory() as uow:
        assert len(await cache.get(uow)) == 0
    await load_demo_directory(uow_factory, NOW)
    async with uow_factory() as uow:
        catalogue = await cache.get(uow)
        assert len(catalogue) == len(demo_batch().resources)
        assert await cache.get(uow) is catalogue


async def test_a_bot_builds_the_catalogue_before_its_first_turn(
    migrated_url: str,
    uow_factory,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """``declic.runtime.prime`` (the bot's commands, before serving): the first submission
    finds the directory's catalogue built, instead of building it with every turn waiting."""
    from declic.runtime import build_core, prime
    from infra.settings import load_settings
    from knowledge import store

    await load_demo_directory(uow_factory, NOW)
    core = await build_core(load_settings(database_url=migrated_url))
    try:
        await prime(core)

        async def no_rebuild(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the catalogue was built again at the first turn")

        monkeypatch.setattr(store, "load_resources", no_rebuild)
        cache = core.service.catalogues
        assert cache is not None
        async with core.uow_factory() as uow:
            assert len(await cache.get(uow)) == len(demo_batch().resources)
    finally:
        await core.close()


async def test_a_bot_reads_its_first_message_with_the_understanding_loaded(
    migrated_url: str,
) -> None:
    """``prime`` also reads a few made-up messages, so the understanding's patterns and word
    lists (loaded at first use) are built before serving, not in the first residents' turns."""
    from declic.runtime import build_core, prime
    from infra.settings import load_settings
    from routing.understanding import dates, rules, titles

    lazy = (rules._command_patterns, titles._patterns, dates._pattern)
    for loader in lazy:
        loader.cache_clear()
    core = await build_core(load_settings(database_url=migrated_url))
    try:
        await prime(core)
        assert [loader.cache_info().currsize for loader in lazy] == [1, 1, 1]
    finally:
        await core.close()
