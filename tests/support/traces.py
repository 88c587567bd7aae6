"""Looking for a resident's words after erasure: in every row of every table (any backend), and
in the bytes of an SQLite database's files (main file, WAL, shared memory), base64 included."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from infra.db import make_engine


def _base64_runs(data: bytes) -> list[bytes]:
    """Decoded base64 runs (a document kept as base64 would hide the words); every alignment
    is tried, since a run may start with a stray byte of the record around it."""
    decoded = []
    for run in re.findall(rb"[A-Za-z0-9+/]{32,}={0,2}", data):
        for shift in range(4):
            body = run[shift:].rstrip(b"=")
            body = body[: len(body) - len(body) % 4]
            try:
                decoded.append(base64.b64decode(body))
            except (binascii.Error, ValueError):
                continue
    return decoded


def telltales(data: bytes, needles: Sequence[bytes]) -> list[bytes]:
    return [n for blob in (data, *_base64_runs(data)) for n in needles if n in blob]


async def traces_in_rows(database_url: str, needles: Sequence[bytes]) -> list[str]:
    """Rows (as text) of any table holding one of ``needles``."""
    if database_url.startswith("sqlite"):
        tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        row_sql = 'SELECT * FROM "{table}"'
    else:
        tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        row_sql = 'SELECT t::text FROM "{table}" t'
    engine = make_engine(database_url)
    found = []
    try:
        async with engine.connect() as conn:
            tables = [row[0] for row in (await conn.execute(text(tables_sql))).all()]
            for table in tables:
                for row in (await conn.execute(text(row_sql.format(table=table)))).all():
                    if telltales(str(tuple(row)).encode(), needles):
                        found.append(f"{table}: {tuple(row)}")
    finally:
        await engine.dispose()
    return found


def sqlite_files(database_url: str) -> list[Path]:
    db = Path(database_url.split(":///", 1)[1])
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def traces_in_files(paths: Sequence[Path], needles: Sequence[bytes]) -> list[str]:
    """Needles found in these files' bytes; the first file must exist."""
    assert paths[0].exists(), f"{paths[0]} is missing"
    return [
        f"{path.name}: {found!r}"
        for path in paths
        if path.exists()
        for found in telltales(path.read_bytes(), needles)
    ]
