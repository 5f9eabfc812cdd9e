"""One SQLite database opened through aiosqlite: a writer for transactions, a reader for queries.

Every write goes through :meth:`Database.transaction`, which serialises writers with a lock and
``BEGIN IMMEDIATE`` so that two coroutines never interleave statements in one transaction.
Reads use a separate, read-only connection and so see only committed data (WAL snapshots).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from storage.migrations import SchemaTooNew, migrate

BUSY_TIMEOUT_MS = 5_000

_CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    # Erased rows are overwritten with zeros, not left behind in free pages.
    "PRAGMA secure_delete = ON",
    # WAL with NORMAL survives a crash of the process (kill -9); FULL adds an fsync per commit.
    "PRAGMA synchronous = NORMAL",
)

Params = Iterable[Any] | dict[str, Any]


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened, created or written; the message says why."""


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


class Database:
    """The bot's SQLite file: migrated on open, closed explicitly."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()
        """One query on the reader at a time: SQLite keeps a connection's read snapshot while
        any of its statements is active, so a query that overlapped another (from a concurrent
        update) would not see what was committed since that one began."""
        self._transaction_owner: asyncio.Task[Any] | None = None
        self.wipe_pending = False
        """Deleted data may still be in the WAL: a reader (a backup, an export) held an older
        snapshot when :meth:`wipe` ran. The next :meth:`wipe`, or the next start, finishes."""

    @classmethod
    async def open(cls, path: Path) -> Self:
        """Create the file and its folder if needed, switch to WAL, apply pending migrations and
        wipe what a crash may have left in the WAL (an erased user's rows, say); raise
        :class:`DatabaseUnavailable` with the cause if any of it fails."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = await _connect(path, read_only=False)
        except (OSError, sqlite3.Error) as error:
            raise DatabaseUnavailable(_cause(error)) from error
        try:
            await writer.execute("PRAGMA journal_mode = WAL")
            await migrate(writer)
            database = cls(path, writer, await _connect(path, read_only=True))
        except (OSError, sqlite3.Error, SchemaTooNew) as error:
            await writer.close()
            raise DatabaseUnavailable(_cause(error)) from error
        except BaseException:
            await writer.close()
            raise
        await database.wipe()
        return database

    async def close(self) -> None:
        """Close both connections; safe to call twice."""
        await self._reader.close()
        await self._writer.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction; nested use inside one task joins the outer transaction."""
        task = asyncio.current_task()
        if task is not None and task is self._transaction_owner:
            yield self._writer
            return
        async with self._write_lock:
            self._transaction_owner = task
            try:
                await self._writer.execute("BEGIN IMMEDIATE")
                try:
                    yield self._writer
                except BaseException:
                    await self._writer.rollback()
                    raise
                await self._writer.commit()
            finally:
                self._transaction_owner = None

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[aiosqlite.Connection]:
        """The reader for several queries that must see one state of the file (a case with
        its deadlines and actions): they run in one read transaction."""
        async with self._read_lock:
            await self._reader.execute("BEGIN")
            try:
                yield self._reader
            finally:
                await self._reader.execute("COMMIT")

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a query on the reader and return its first row."""
        async with self._read_lock, self._reader.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a query on the reader and return all its rows."""
        async with self._read_lock, self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def wipe(self) -> bool:
        """Copy the WAL into the main file and truncate it, so deleted data leaves no copy in
        old frames (freed pages are zeroed by ``secure_delete``). Never waits for a reader: if
        one holds an older snapshot, the wipe stays pending; return whether it is done."""
        async with self._write_lock:
            await self._writer.execute("PRAGMA busy_timeout = 0")
            try:
                async with self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                    busy, _, _ = await cursor.fetchone()
            finally:
                await self._writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.wipe_pending = bool(busy)
        return not busy


def _cause(error: BaseException) -> str:
    """Why the database cannot be used, in one line."""
    if isinstance(error, FileExistsError):  # from mkdir: a file stands where a folder should
        return f"{error.filename} is a file, not a folder"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error)
