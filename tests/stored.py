"""Looking at a database from outside the bot, as another program would, on either engine."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from storage.location import DatabaseLocation, PostgresUrl


def location_text(location: DatabaseLocation) -> str:
    """``BOT_DATABASE`` for ``location`` (a PostgreSQL URL with its password, if any)."""
    return location.dsn if isinstance(location, PostgresUrl) else str(location)


async def _pg_rows(url: PostgresUrl, sql: str) -> list[tuple[Any, ...]]:
    import asyncpg  # noqa: PLC0415 (only PostgreSQL runs need it)

    connection = await asyncpg.connect(url.dsn)
    try:
        return [tuple(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


async def _pg_execute(url: PostgresUrl, sql: str) -> None:
    import asyncpg  # noqa: PLC0415 (only PostgreSQL runs need it)

    connection = await asyncpg.connect(url.dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def execute(location: PostgresUrl, sql: str) -> None:
    """Run ``sql`` (statements without parameters) on PostgreSQL, as its owner would."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _pg_execute(location, sql)).result()


def rows(location: DatabaseLocation, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql``, read by a connection of its own (also from inside an async test:
    PostgreSQL is asked from a thread)."""
    if isinstance(location, PostgresUrl):
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, _pg_rows(location, sql)).result()
    with contextlib.closing(sqlite3.connect(location)) as connection:
        return connection.execute(sql).fetchall()


def scalar(location: DatabaseLocation, sql: str) -> int:
    """The first column of the first row of ``sql`` as a number (0 for NULL)."""
    return int(rows(location, sql)[0][0] or 0)


def has_row(location: DatabaseLocation, sql: str) -> Callable[[], bool]:
    """A check, for :func:`tests.e2e.processes.eventually`, that ``sql`` returns a row."""
    return lambda: bool(rows(location, sql))


def traces(location: DatabaseLocation, user_id: int) -> list[str]:
    """Where the id still appears. SQLite: as text or as a big-endian integer, anywhere in the
    database file, its WAL and its shared-memory index (deleted rows included). PostgreSQL: in
    any row of any table, as a number or within text (what PostgreSQL keeps of deleted rows
    until its vacuum is beyond a query's reach: see README, "Privacy")."""
    if isinstance(location, PostgresUrl):
        tables = rows(
            location,
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        )
        pattern = rf"\m{user_id}\M"
        found = []
        for (table,) in tables:
            query = (
                f"SELECT count(*) FROM {table} AS t "
                f"WHERE CAST(row_to_json(t) AS text) ~ '{pattern}'"
            )
            if scalar(location, query):
                found.append(f"{table}: row")
        return found
    needles = {"text": str(user_id).encode(), "int48": user_id.to_bytes(6, "big")}
    found = []
    assert isinstance(location, Path)
    for path in location.parent.glob(location.name + "*"):
        content = path.read_bytes()
        found += [f"{path.name}: {kind}" for kind, needle in needles.items() if needle in content]
    return found


def contains_text(location: DatabaseLocation, text: str) -> bool:
    """Whether ``text`` is anywhere in the database: SQLite's files, or PostgreSQL's rows."""
    if isinstance(location, PostgresUrl):
        tables = rows(location, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        literal = "'%" + re.sub(r"([%_\\])", r"\\\1", text).replace("'", "''") + "%'"
        return any(
            scalar(
                location,
                f"SELECT count(*) FROM {table} AS t WHERE CAST(row_to_json(t) AS text) "
                f"LIKE {literal}",
            )
            for (table,) in tables
        )
    assert isinstance(location, Path)
    stored = b"".join(path.read_bytes() for path in location.parent.glob(location.name + "*"))
    return text.encode() in stored
