"""The SQLite driver: one file through aiosqlite, a writer connection and a read-only reader.

Writers are serialised by ``BEGIN IMMEDIATE`` (and, within the process, by the lock of
:class:`storage.database.Database`); the reader sees only committed data (WAL snapshots).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite

from storage.dialect import SQLITE
from storage.errors import DatabaseUnavailable, Fenced
from storage.migrations import SchemaTooNew, migrate
from storage.results import Rows, Statement

BUSY_TIMEOUT_MS = 5_000

_CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    # Erased rows are overwritten with zeros, not left behind in free pages.
    "PRAGMA secure_delete = ON",
    # WAL with NORMAL survives a crash of the process (kill -9); FULL adds an fsync per commit.
    "PRAGMA synchronous = NORMAL",
)


class SqliteConnection:
    """A connection as storage modules use it: aiosqlite's ``execute``, ``executemany`` and
    ``execute_fetchall``, and the :class:`~storage.dialect.Dialect`. Each statement runs and
    is fetched in one trip to the connection's thread (storage/results.py)."""

    dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Any = ()) -> Statement:
        """The statement's :class:`~storage.results.Rows`, to await or to enter with
        ``async with``."""
        return Statement(self.run(sql, parameters))

    async def run(self, sql: str, parameters: Any = ()) -> Rows:
        rows, rowcount = await _in_thread(self._connection, _fetch, sql, parameters)
        return Rows(rows, rowcount)

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> aiosqlite.Cursor:
        return await self._connection.executemany(sql, parameters)

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> Iterable[sqlite3.Row]:
        return await self._connection.execute_fetchall(sql, parameters)


T = TypeVar("T")


async def _in_thread(
    connection: aiosqlite.Connection,
    function: Callable[..., T],
    *args: Any,
) -> T:
    """``function(sqlite3_connection, *args)`` in the connection's own thread, in one trip.

    aiosqlite's public calls take a trip each (execute, fetch, close: three for one query),
    and a trip costs about 45 µs of CPU, more than most of the bot's queries. Its ``_execute``
    (aiosqlite is pinned below 0.23) runs any callable in that thread.
    """
    return await connection._execute(function, connection._conn, *args)


def _fetch(connection: sqlite3.Connection, sql: str, parameters: Any) -> tuple[list[Any], int]:
    cursor = connection.execute(sql, parameters)
    try:
        return cursor.fetchall(), cursor.rowcount
    finally:
        cursor.close()


def _begin(connection: sqlite3.Connection, fence: int | None) -> bool:
    """``BEGIN IMMEDIATE``, then, with a fence, whether its lease is still the live one (if
    not, the transaction is rolled back)."""
    connection.execute("BEGIN IMMEDIATE")
    if fence is None:
        return True
    try:
        live = connection.execute(FENCE_CHECK, (fence,)).fetchone() is not None
    except BaseException:
        connection.rollback()
        raise
    if not live:
        connection.rollback()
    return live


def _probe(path: Path) -> None:
    """Open and close the file once: aiosqlite reports a failed open from its worker thread,
    which can outlive the event loop and print a traceback as the process exits."""
    sqlite3.connect(path).close()


async def _connect(path: Path, *, read_only: bool) -> aiosqlite.Connection:
    await asyncio.to_thread(_probe, path)
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        for pragma in _CONNECTION_PRAGMAS:
            await connection.execute(pragma)
        if read_only:
            await connection.execute("PRAGMA query_only = ON")
    except BaseException:
        await connection.close()  # its thread would keep the process alive
        raise
    return connection


class SqliteDriver:
    """The file, migrated on open."""

    dialect = SQLITE

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._connection = SqliteConnection(writer)
        self._read_lock = asyncio.Lock()
        """One query on the reader at a time: SQLite keeps a connection's read snapshot while
        any of its statements is active, so a query that overlapped another (from a concurrent
        update) would not see what was committed since that one began."""

    @classmethod
    async def open(cls, path: Path) -> Self:
        """Create the file and its folder if needed, switch to WAL and apply pending
        migrations; raise :class:`DatabaseUnavailable` with the cause if any of it fails."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = await _connect(path, read_only=False)
        except (OSError, sqlite3.Error) as error:
            raise DatabaseUnavailable(_cause(error)) from error
        try:
            await writer.execute("PRAGMA journal_mode = WAL")
            await migrate(writer)
            return cls(path, writer, await _connect(path, read_only=True))
        except (OSError, sqlite3.Error, SchemaTooNew) as error:
            await writer.close()
            raise DatabaseUnavailable(_cause(error)) from error
        except BaseException:
            await writer.close()
            raise

    async def close(self) -> None:
        await self._reader.close()
        await self._writer.close()

    async def begin(self, fence: int | None = None) -> SqliteConnection:
        """Start a write transaction; with ``fence``, refuse (:class:`Fenced`) unless that
        lease token is the live one."""
        if not await _in_thread(self._writer, _begin, fence):
            raise Fenced(f"lease token {fence} is no longer the active one")
        return self._connection

    async def commit(self) -> None:
        await self._writer.commit()

    async def rollback(self) -> None:
        await self._writer.rollback()

    async def fetchone(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        async with self._read_lock:
            return await _in_thread(self._reader, _fetch_first, sql, params)

    async def fetchall(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        async with self._read_lock:
            rows, _ = await _in_thread(self._reader, _fetch, sql, params)
        return rows

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqliteConnection]:
        """The reader for several queries that must see one state of the file: they run in
        one read transaction, and other reads wait for its end (the read lock)."""
        async with self._read_lock:
            await self._reader.execute("BEGIN")
            try:
                yield SqliteConnection(self._reader)
            finally:
                await self._reader.execute("COMMIT")

    async def wipe(self) -> bool:
        """Copy the WAL into the main file and truncate it (the caller holds the write lock);
        never wait for a reader: return whether it is done."""
        await self._writer.execute("PRAGMA busy_timeout = 0")
        try:
            async with self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                busy, _, _ = await cursor.fetchone()
        finally:
            await self._writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return not busy

    async def backup(self, target: Path) -> None:
        """Write a consistent copy of the database into a new file ``target`` (SQLite's
        online backup API: the bot keeps running)."""

        def copy() -> None:
            source = sqlite3.connect(self.path)
            try:
                destination = sqlite3.connect(target)
                try:
                    source.backup(destination)
                finally:
                    destination.close()
            finally:
                source.close()

        await asyncio.to_thread(copy)


def _fetch_first(connection: sqlite3.Connection, sql: str, parameters: Any) -> Any:
    cursor = connection.execute(sql, parameters)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


FENCE_CHECK = (
    f"SELECT 1 FROM lease WHERE name = 'active' AND token = ? AND expires_at > {SQLITE.now}"
)


def _cause(error: BaseException) -> str:
    """Why the database cannot be used, in one line."""
    if isinstance(error, FileExistsError):  # from mkdir: a file stands where a folder should
        return f"{error.filename} is a file, not a folder"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error)
