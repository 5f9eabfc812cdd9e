"""Errors of the storage layer that do not depend on the engine."""

from __future__ import annotations

import sqlite3


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened, created or written; the message says why."""


class Fenced(RuntimeError):
    """A write of an instance that is no longer the active one: another instance holds the
    lease (or it expired), so the write is refused and nothing of it is stored."""


class PostgresIntegrityError(sqlite3.IntegrityError):
    """A constraint, a foreign key or an append-only trigger refused a write on PostgreSQL.

    A subclass of :class:`sqlite3.IntegrityError`, so that the one ``except`` of the storage
    modules (and of the tests) serves both engines; the message is PostgreSQL's.
    """


IntegrityError = sqlite3.IntegrityError
"""What a refused write raises, whichever the engine."""


def is_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot be reached now (refused, reset, shutting
    down, a connection lost), as opposed to a fault of the bot: worth a line, not a
    traceback, while PostgreSQL is away."""
    if isinstance(error, OSError | TimeoutError | DatabaseUnavailable | Fenced):
        return True
    if error is None or not type(error).__module__.startswith("asyncpg"):
        return False
    import asyncpg  # noqa: PLC0415 (loaded already: the error is asyncpg's)

    return isinstance(
        error,
        asyncpg.PostgresConnectionError
        | asyncpg.InterfaceError
        | asyncpg.exceptions.OperatorInterventionError,
    )
