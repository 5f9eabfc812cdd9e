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
