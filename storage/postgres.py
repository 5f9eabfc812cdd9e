"""The PostgreSQL driver: asyncpg, speaking the SQL of ``storage/`` as it is written.

Why asyncpg: it is the fastest PostgreSQL driver for Python (binary protocol, prepared
statements cached per connection), well kept (MagicStack, releases for every Python), and its
rows answer ``row["name"]``, ``row[0]`` and unpacking as ``sqlite3.Row`` does, so the storage
modules read rows the same way from both engines. Its ``$1`` parameters are SQLite's ``?1``;
:func:`translate` turns ``?`` and ``:name`` into them once per distinct query.

Connections: one writer (a write transaction at a time, like SQLite's), a pool of read-only
readers that see only committed data, and one connection for the lease of the active instance
(storage/lease.py), so that a long write (an import) never delays its renewal. Every write
transaction of any process first takes one transaction-level advisory lock: writers run one
at a time, as on SQLite, and each read-then-write of the storage modules means the same on
both engines. A broken connection is opened again at its next use.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Self

import asyncpg

from storage.dialect import POSTGRESQL
from storage.errors import DatabaseUnavailable, Fenced, PostgresIntegrityError
from storage.location import PostgresUrl
from storage.postgres_migrations import migrate
from storage.results import Rows, Statement

logger = logging.getLogger(__name__)

WRITE_LOCK = 0x716F_7267_0001
"""The advisory lock every write transaction holds: one writer at a time, in any process."""

READERS = 8
"""Read-only connections: queries of different updates run at once."""

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the server before the database is declared unavailable."""

STATEMENT_CACHE = 1024
"""Prepared statements kept per connection: the bot speaks a few hundred distinct queries."""

_BEGIN = f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"

_TOKEN = re.compile(
    r"""
    '(?:[^']|'')*'           # a string
    | "(?:[^"]|"")*"         # a quoted name
    | --[^\n]*               # a comment
    | \$\$.*?\$\$            # a function body
    | ::                     # a cast, not a parameter
    | \?(?P<number>\d+)?     # ? or ?NNN
    | (?<![\w:]):(?P<name>[A-Za-z_]\w*)  # :name
    """,
    re.VERBOSE | re.DOTALL,
)
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES|SHOW|TABLE|EXPLAIN)\b|\bRETURNING\b", re.I)


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None, bool]:
    """SQLite-style parameters as PostgreSQL's: ``?`` numbered in order, ``?NNN`` as
    ``$NNN``, each ``:name`` as one number. Return the query, the names in the order of their
    numbers (``None`` for positional parameters) and whether the query returns rows."""
    names: dict[str, int] = {}
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        text = match.group(0)
        if match.group("name"):
            number = names.setdefault(match.group("name"), len(names) + 1)
            return f"${number}"
        if text.startswith("?"):
            if match.group("number"):
                return f"${match.group('number')}"
            count += 1
            return f"${count}"
        return text

    translated = _TOKEN.sub(replace, sql)
    if names and count:
        raise ValueError("a query mixes ? and :name parameters")
    return translated, (tuple(names) if names else None), bool(_RETURNS_ROWS.search(sql))


def _arguments(names: tuple[str, ...] | None, params: Any) -> Sequence[Any]:
    if names is None:
        return tuple(params)
    return [params[name] for name in names]


def _status_count(status: str) -> int:
    """The number of rows a command changed, from its status (``UPDATE 3``, ``INSERT 0 1``)."""
    last = status.rpartition(" ")[2]
    return int(last) if last.isdigit() else -1


class PgConnection:
    """A connection in a write transaction, as the storage modules use SQLite's."""

    dialect = POSTGRESQL

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.raw = connection
        self._lock = asyncio.Lock()
        """One statement at a time: tasks that joined the transaction share the connection."""

    def execute(self, sql: str, parameters: Any = ()) -> Statement:
        return Statement(self.run(sql, parameters))

    async def run(self, sql: str, params: Any) -> Rows:
        query, names, returns_rows = translate(sql)
        arguments = _arguments(names, params)
        try:
            async with self._lock:
                if returns_rows:
                    rows = await self.raw.fetch(query, *arguments)
                    return Rows(rows, len(rows))
                status = await self.raw.execute(query, *arguments)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise PostgresIntegrityError(str(error)) from error
        return Rows([], _status_count(status))

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> None:
        """Run one statement for each set of parameters, pipelined (no row count)."""
        query, names, _ = translate(sql)
        batch = [_arguments(names, params) for params in parameters]
        if not batch:
            return
        try:
            async with self._lock:
                await self.raw.executemany(query, batch)
        except asyncpg.IntegrityConstraintViolationError as error:
            raise PostgresIntegrityError(str(error)) from error

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> list[asyncpg.Record]:
        return await (await self.run(sql, parameters)).fetchall()


async def _no_reset(connection: asyncpg.Connection) -> None:
    """Readers run single queries outside transactions: nothing to reset between uses."""


class PostgresDriver:
    """A PostgreSQL database, migrated on open."""

    dialect = POSTGRESQL

    def __init__(self, url: PostgresUrl, readers: asyncpg.Pool, settings: dict[str, str]):
        self.url = url
        self._readers = readers
        self._settings = settings
        self._writer: asyncpg.Connection | None = None
        self._in_transaction: asyncpg.Connection | None = None
        self._lease: asyncpg.Connection | None = None
        self._lease_lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: PostgresUrl, *, idle_in_transaction: float | None = None) -> Self:
        """Connect, apply pending migrations and open the readers; raise
        :class:`DatabaseUnavailable` with the cause (never the password) if any fails.
        ``idle_in_transaction``: seconds after which the server ends a session that keeps a
        transaction open without a word (a paused process), releasing its locks."""
        # Custom plans always: after five runs of a prepared statement PostgreSQL may switch to
        # a generic plan, which for the search's `document @@ $1` scans every document (10 ms
        # at 2,000 cases instead of 0.1: bench.cases); planning anew costs a fraction of that.
        settings = {"application_name": "qorgau", "plan_cache_mode": "force_custom_plan"}
        if idle_in_transaction is not None:
            settings["idle_in_transaction_session_timeout"] = f"{int(idle_in_transaction * 1000)}"
        try:
            connection = await _connect(url, settings)
            try:
                await migrate(connection)
            finally:
                await connection.close()
            readers = await asyncpg.create_pool(
                url.dsn,
                # No floor: a pool that keeps one would log a traceback per second of its
                # attempts to restore it while the server is away.
                min_size=0,
                max_size=READERS,
                reset=_no_reset,
                timeout=CONNECT_TIMEOUT,
                statement_cache_size=STATEMENT_CACHE,
                server_settings={**settings, "default_transaction_read_only": "on"},
            )
        except DatabaseUnavailable:
            raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            raise DatabaseUnavailable(cause(error, url)) from None
        return cls(url, readers, settings)

    async def close(self) -> None:
        for connection in (self._writer, self._lease):
            if connection is not None and not connection.is_closed():
                await connection.close()
        self._writer = self._lease = None
        await self._readers.close()

    async def _writer_connection(self) -> asyncpg.Connection:
        if self._writer is None or self._writer.is_closed():
            self._writer = await _connect(self.url, self._settings)
        return self._writer

    async def begin(self, fence: int | None = None) -> PgConnection:
        """Start a write transaction once no other writer of any process has one; with
        ``fence``, refuse (:class:`Fenced`) unless that lease token is the live one, and hold
        the lease row so that no takeover can commit before this transaction ends."""
        connection = await self._writer_connection()
        try:
            await connection.execute(_BEGIN)
            if fence is not None:
                live = await connection.fetchval(FENCE_CHECK, fence)
                if not live:
                    raise Fenced(f"lease token {fence} is no longer the active one")
        except BaseException:
            await self._abandon(connection)
            raise
        self._in_transaction = connection
        return PgConnection(connection)

    async def commit(self) -> None:
        connection, self._in_transaction = self._in_transaction, None
        assert connection is not None
        try:
            await connection.execute("COMMIT")
        except BaseException:
            await self._abandon(connection)
            raise

    async def rollback(self) -> None:
        connection, self._in_transaction = self._in_transaction, None
        if connection is not None:
            await self._abandon(connection)

    async def _abandon(self, connection: asyncpg.Connection) -> None:
        """Roll back; a connection that cannot even do that is closed, to be opened again."""
        if connection.is_closed():
            return
        try:
            if connection.is_in_transaction():
                await connection.execute("ROLLBACK")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            connection.terminate()

    async def fetchone(self, sql: str, params: Any = ()) -> asyncpg.Record | None:
        query, names, _ = translate(sql)
        return await self._readers.fetchrow(query, *_arguments(names, params))

    async def fetchall(self, sql: str, params: Any = ()) -> list[asyncpg.Record]:
        query, names, _ = translate(sql)
        return await self._readers.fetch(query, *_arguments(names, params))

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[PgConnection]:
        """A reader whose queries all see the database as it was at one moment (one
        repeatable-read transaction), while others go on writing."""
        async with (
            self._readers.acquire() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield PgConnection(connection)

    async def lease_fetchone(self, sql: str, params: Any = ()) -> asyncpg.Record | None:
        """Run one statement of the lease on its own connection, in its own transaction."""
        query, names, _ = translate(sql)
        async with self._lease_lock:
            if self._lease is None or self._lease.is_closed():
                self._lease = await _connect(self.url, self._settings)
            try:
                return await self._lease.fetchrow(query, *_arguments(names, params))
            except BaseException:
                if not self._lease.is_closed():
                    self._lease.terminate()
                raise

    async def wipe(self) -> bool:
        """Nothing to wipe by hand: PostgreSQL's (auto)vacuum reclaims deleted rows."""
        return True


FENCE_CHECK = (
    "SELECT true FROM lease WHERE name = 'active' AND token = $1 "
    f"AND expires_at > {POSTGRESQL.now} FOR SHARE"
)


async def _connect(url: PostgresUrl, settings: dict[str, str]) -> asyncpg.Connection:
    return await asyncpg.connect(
        url.dsn,
        timeout=CONNECT_TIMEOUT,
        statement_cache_size=STATEMENT_CACHE,
        server_settings=settings,
    )


def cause(error: BaseException, url: PostgresUrl) -> str:
    """Why the database cannot be used, in one line and without the password."""
    if isinstance(error, TimeoutError):
        text = f"no answer from the server within {CONNECT_TIMEOUT:.0f} s"
    elif isinstance(error, ConnectionRefusedError):
        text = "connection refused (is PostgreSQL running there, on that port?)"
    elif isinstance(error, OSError) and error.strerror:
        text = error.strerror
    else:
        text = " ".join(str(error).split()) or type(error).__name__
    password = url.password
    if password:
        text = text.replace(password, "***")
    return text.replace(url.dsn, str(url))
