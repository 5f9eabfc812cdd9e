"""The bot's database, SQLite or PostgreSQL: a writer for transactions, readers for queries.

``BOT_DATABASE`` chooses the engine: a path is a SQLite file (storage/sqlite.py), a
``postgresql://`` URL a PostgreSQL database (storage/postgres.py). Both speak the same SQL,
but for the fragments of :mod:`storage.dialect`, through the same two calls:

- every write goes through :meth:`Database.transaction`, which serialises writers (a lock in
  the process; ``BEGIN IMMEDIATE`` or an advisory lock between processes), so two coroutines
  never interleave statements in one transaction;
- reads (:meth:`Database.fetchone`, :meth:`Database.fetchall`) use other, read-only
  connections and so see only committed data.

An instance that holds the lease of the active instance (storage/lease.py) sets
:attr:`Database.fence`: from then on every write transaction first checks that this lease is
still the live one, and is refused (:class:`~storage.errors.Fenced`) once another instance
took over, even if this process slept through the takeover.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Self

from storage.dialect import Dialect
from storage.errors import DatabaseUnavailable, Fenced, IntegrityError
from storage.location import DatabaseLocation, PostgresUrl

__all__ = ["Connection", "Database", "DatabaseUnavailable", "Fenced", "IntegrityError", "Row"]

Params = Iterable[Any] | dict[str, Any]


class Row(Protocol):
    """A row of a result: by column name or position, and unpacked like a tuple."""

    def __getitem__(self, key: int | str) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    rowcount: int

    async def fetchone(self) -> Any: ...

    async def fetchall(self) -> Any: ...

    async def close(self) -> None: ...


class Connection(Protocol):
    """The connection of a write transaction, as the storage modules use it (aiosqlite's calls
    on both engines, with the engine's :class:`~storage.dialect.Dialect`)."""

    dialect: Dialect

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        """A :class:`Cursor`, to await or to enter with ``async with``."""
        ...

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Any: ...

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> Iterable[Any]: ...


@dataclass
class _Transaction:
    database: Database
    connection: Connection
    open: bool = True


_current: ContextVar[_Transaction | None] = ContextVar("qorgau_transaction", default=None)
"""The write transaction of this task (and of the tasks it starts while in it)."""


class Database:
    """The bot's database: migrated on open, closed explicitly."""

    def __init__(self, location: DatabaseLocation, driver: Any) -> None:
        self.location = location
        self.driver = driver
        self.dialect: Dialect = driver.dialect
        self._write_lock = asyncio.Lock()
        self.fence: int | None = None
        """The lease token this process acts under, once it is the active instance: every
        write transaction checks it first."""
        self.wipe_pending = False
        """Deleted data may still be in SQLite's WAL: a reader (a backup, an export) held an
        older snapshot when :meth:`wipe` ran. The next :meth:`wipe`, or the next start,
        finishes."""

    @classmethod
    async def open(cls, location: DatabaseLocation, *, instance: bool = False) -> Self:
        """Open the SQLite file (creating it and its folder if needed) or connect to the
        PostgreSQL database, apply pending migrations and wipe what a crash may have left in
        SQLite's WAL; raise :class:`DatabaseUnavailable` with the cause if any of it fails.
        ``instance``: opened by a running bot (``run``), whose paused writes must not hold
        PostgreSQL's locks for long."""
        # Each driver is imported when chosen: a SQLite bot never loads asyncpg.
        if isinstance(location, PostgresUrl):
            from storage.postgres import PostgresDriver  # noqa: PLC0415

            driver: Any = await PostgresDriver.open(
                location, idle_in_transaction=INSTANCE_IDLE_IN_TRANSACTION if instance else None
            )
        else:
            from storage.sqlite import SqliteDriver  # noqa: PLC0415

            driver = await SqliteDriver.open(Path(location))
        database = cls(location, driver)
        await database.wipe()
        return database

    @property
    def path(self) -> Path:
        """The SQLite file (a PostgreSQL database has none)."""
        if isinstance(self.location, PostgresUrl):
            raise TypeError("a PostgreSQL database is not a file")
        return self.location

    async def close(self) -> None:
        """Close every connection; safe to call twice."""
        await self.driver.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write transaction. Nested use joins the outer transaction: inside one task, and
        in the tasks it starts while in it (python-telegram-bot writes its persisted state
        with ``asyncio.gather``, inside the transaction that also drops the update from the
        inbox)."""
        outer = _current.get()
        if outer is not None and outer.database is self and outer.open:
            yield outer.connection
            return
        async with self._write_lock:
            connection = await self.driver.begin(self.fence)
            state = _Transaction(self, connection)
            token = _current.set(state)
            try:
                try:
                    yield connection
                except BaseException:
                    await self.driver.rollback()
                    raise
                await self.driver.commit()
            finally:
                state.open = False
                _current.reset(token)

    async def standalone(self, sql: str, params: Params = ()) -> Any:
        """Run one write statement in a transaction of its own, outside the fence, and return
        its first row: the lease's statements (storage/lease.py). On PostgreSQL it runs on a
        connection of its own, without the write lock, so it never waits for other writes."""
        if self.dialect.postgresql:
            return await self.driver.lease_fetchone(sql, params)
        async with self._write_lock:
            connection = await self.driver.begin()
            try:
                async with connection.execute(sql, params) as cursor:
                    row = await cursor.fetchone()
            except BaseException:
                await self.driver.rollback()
                raise
            await self.driver.commit()
            return row

    def snapshot(self) -> Any:
        """``async with db.snapshot() as conn``: a read-only :class:`Connection` whose queries
        all see the database as it was at one moment (a case with its deadlines and actions;
        a backup while the bot writes)."""
        return self.driver.snapshot()

    async def fetchone(self, sql: str, params: Params = ()) -> Any:
        """Run a query on a reader and return its first row (or ``None``)."""
        return await self.driver.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Run a query on a reader and return all its rows."""
        return await self.driver.fetchall(sql, params)

    async def wipe(self) -> bool:
        """SQLite: copy the WAL into the main file and truncate it, so deleted data leaves no
        copy in old frames (freed pages are zeroed by ``secure_delete``). Never waits for a
        reader: if one holds an older snapshot, the wipe stays pending; return whether it is
        done. PostgreSQL: nothing to do (see README, "Privacy")."""
        async with self._write_lock:
            done = await self.driver.wipe()
        self.wipe_pending = not done
        return done


INSTANCE_IDLE_IN_TRANSACTION = 5.0
"""Seconds PostgreSQL lets a running bot's session sit in a transaction without a word (a
process paused with SIGSTOP) before it ends the session and releases its locks."""
