"""A statement's result in hand: what both drivers return for a statement of a transaction.

The storage modules read results as aiosqlite's cursors (``await cursor.fetchone()``,
``rowcount``, ``async with conn.execute(...) as cursor``). Both drivers run a statement and
fetch its rows in one step: on SQLite that is one trip to the connection's thread instead of
three (execute, fetch, close), on PostgreSQL one round trip to the server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Generator, Sequence
from typing import Any


class Rows:
    """The rows of one statement, fetched, read like an aiosqlite cursor."""

    def __init__(self, rows: Sequence[Any], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        """Rows the statement changed (SQLite: -1 for a query; PostgreSQL: rows returned)."""

    async def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows[self._next :])
        self._next = len(self._rows)
        return rows

    async def close(self) -> None:
        """Nothing to release: the rows are in hand."""


class Statement:
    """A statement on its way: await it, or enter it with ``async with``, for its :class:`Rows`."""

    def __init__(self, run: Awaitable[Rows]) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, Rows]:
        return self._run.__await__()

    async def __aenter__(self) -> Rows:
        return await self._run

    async def __aexit__(self, *exc_info: object) -> None:
        return None
