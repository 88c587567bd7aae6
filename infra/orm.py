"""Declarative base shared by every records module, with stable constraint names for Alembic."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Insert,
    MetaData,
    Table,
    TableValuedAlias,
    TypeDecorator,
    Update,
    bindparam,
    column,
    func,
    insert,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.util import identity_key

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware instants on both SQLite (which forgets offsets) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused; use the clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, ``process_bind_param`` and the dialect's DATETIME text in one function
        (``utc_text``); elsewhere, or for a DATETIME stored another way, SQLAlchemy's two."""
        impl: Any = self.impl
        plain = getattr(impl, "_storage_format", None) == SQLITE_DATETIME._storage_format
        if dialect.name != "sqlite" or not plain or getattr(impl, "_reg", None) is not None:
            return super().bind_processor(dialect)
        return utc_text


_last_text: tuple[datetime | None, str | None] = (None, None)  # ``utc_text``'s last instant


def utc_text(value: datetime | None) -> str | None:
    """An aware instant as SQLite's DATETIME stores it, in UTC: ``%04d-%02d-%02d
    %02d:%02d:%02d.%06d`` (``isoformat``'s first 26 characters), about 1.5 µs instead of 3.5-6
    through ``astimezone``, a dictionary and ``%`` formatting (issue 18: several a turn).
    The very object converted last gives its text again without the conversion: a turn's
    ``now`` is most of its instants (a submission's rows: about 36 instants; session 14)."""
    global _last_text
    if value is None:
        return None
    last, text = _last_text
    if value is last:
        return text
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused; use the clock")
        converted = value.astimezone(UTC)
    else:
        converted = value
    text = converted.isoformat(" ", "microseconds")[:26]
    _last_text = (value, text)
    return text


Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: Json,
        list[Any]: Json,
    }
    if TYPE_CHECKING:
        # Every model here maps one plain Table; SQLAlchemy types it as any FromClause, which
        # insert() and update() refuse.
        __table__: ClassVar[Table]


# A one-row source: a statement that LEFT JOINs its tables to it returns a row even when they
# have none, so values read beside them (a version, an id) always come back.
ONE_ROW = select(literal(1).label("one")).subquery("one")


def update_by_parameters(
    key: Column[Any], key_parameter: str, names: Iterable[str], prefix: str
) -> Update:
    """``UPDATE`` of ``key``'s table for the row where ``key`` is the parameter ``key_parameter``,
    each column of ``names`` set from the parameter ``prefix`` + its name.

    The names are explicit, and prefixed, for PostgreSQL statements that make several writes in
    one round trip (the UPDATEs as data-modifying CTEs): without them, an UPDATE would SET
    every column whose name one of the statement's parameters happens to have.
    """
    values: dict[str, Any] = {name: bindparam(f"{prefix}{name}") for name in names}
    return update(key.table).where(key == bindparam(key_parameter)).values(values)


def insert_by_parameters(table: Table, names: Iterable[str], prefix: str) -> Insert:
    """``INSERT`` into ``table``, each column of ``names`` from the parameter ``prefix`` + its
    name: ``update_by_parameters``' twin, for an INSERT carried as a data-modifying CTE beside
    other writes whose parameters must not be taken for its columns."""
    return insert(table).values({name: bindparam(f"{prefix}{name}") for name in names})


def json_recordset(
    table: Table, parameter: str, names: Sequence[str], alias: str
) -> TableValuedAlias:
    """PostgreSQL: the rows given as one JSONB array in the parameter ``parameter`` (objects with
    ``names``, typed as ``table``'s columns of those names), as a table named ``alias``
    (``jsonb_to_recordset``): one parameter whatever the number of rows, for an ``INSERT …
    SELECT`` that a statement can carry as a data-modifying CTE. Instants go in as ISO strings."""
    return (
        func.jsonb_to_recordset(bindparam(parameter, type_=JSONB))
        .table_valued(*(column(name, table.c[name].type) for name in names))
        .render_derived(name=alias, with_types=True)
    )


@cache
def many_rows(
    table: Table,
    names: tuple[str, ...],
    count: int,
    more: Callable[[int], dict[str, Any]] | None = None,
) -> Insert:
    """One ``INSERT`` of ``count`` rows (a ``VALUES`` list), row i's column ``name`` from the
    parameter ``name_i`` (``numbered``), typed as the column, and ``more(i)``'s columns (an
    expression of row i's own parameters): the rows SQLAlchemy's executemany writes, as one
    statement with one set of parameters, which the driver can run (``infra.driver.rows``).
    Built once per count."""
    rows = []
    for i in range(count):
        row = {name: bindparam(f"{name}_{i}", type_=table.c[name].type) for name in names}
        rows.append(row | (more(i) if more is not None else {}))
    return insert(table).values(rows)


def numbered(rows: Sequence[Mapping[str, Any]], names: Iterable[str]) -> dict[str, Any]:
    """``many_rows``' parameters for ``rows``: row i's ``name`` as ``name_i``."""
    return {f"{name}_{i}": row[name] for i, row in enumerate(rows) for name in names}


_Row = TypeVar("_Row", bound=Base)


async def loaded_or_get(session: AsyncSession, model: type[_Row], ident: int) -> _Row | None:
    """``session.get(model, ident)``, without going through the session's greenlet when the object
    is in the session already, loaded and not expired: then ``get`` returns it as it is, yet its
    call costs about 50 µs of CPU in a turn (a submission asked four times for objects it held)."""
    found = session.identity_map.get(identity_key(model, ident))
    if isinstance(found, model) and not inspect(found).expired:
        return found
    return await session.get(model, ident)


async def flush_pending(session: AsyncSession) -> None:
    """``session.flush()`` when the session has something to write (objects new, changed or
    deleted); a flush with nothing to write does nothing, but its call costs about 25 µs."""
    if session.new or session.dirty or session.deleted:
        await session.flush()


@cache
def column_keys(model: type[Base]) -> tuple[str, ...]:
    """``model``'s attribute names, in the order of its table's columns (``select(*table.c)``);
    the mappers configured first, as the ORM's first statement does (``stored`` makes objects
    without one)."""
    configure_mappers()
    mapper = inspect(model)
    return tuple(mapper.get_property_by_column(c).key for c in model.__table__.c)


def stored(session: AsyncSession, model: type[_Row], values: Sequence[Any]) -> _Row:
    """The object of ``model`` for a row a Core statement read (``values``: every column of its
    table, in order), persistent in ``session`` as an ORM load leaves it: every attribute
    loaded, nothing to flush, in the identity map; an object the session already holds for
    that row is returned as it is, as a load would leave it.

    For the row a turn reads first: through the ORM, the statement's execution and the rows'
    loading cost about twice what they cost as Core rows attached this way (issue 18)."""
    keys = column_keys(model)
    row: _Row = model.__mapper__.class_manager.new_instance()
    attributes = row.__dict__
    for key, value in zip(keys, values, strict=True):
        attributes[key] = value
    make_transient_to_detached(row)  # its identity, every attribute as stored
    identity = instance_state(row).key
    held = session.identity_map.get(identity) if identity is not None else None
    if isinstance(held, model):
        return held
    session.add(row)  # persistent
    return row
