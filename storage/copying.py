"""Copying every table of one database into another, of either engine.

``python -m bot migrate-to`` copies a SQLite file into an empty PostgreSQL database, and
``python -m bot backup`` a PostgreSQL database into a new SQLite file (SQLite's own backups use
its online backup API). Both sides are first migrated to the same schema. The search index is
not copied but rebuilt from the cases (it is derived data); the lease stays each database's
own. Everything is written in one transaction: a failed copy leaves the target as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from storage.cases import Cases
from storage.database import Database

TABLES = (
    "users",
    "ptb_user_data",
    "ptb_conversations",
    "broadcasts",
    "broadcast_failures",
    "broadcast_minutes",
    "contents",
    "outbox",
    "sources",
    "cases",
    "subscriptions",
    "deadlines",
    "reminder_settings",
    "reminders",
    "political_groups",
    "members",
    "member_invitations",
    "member_bindings",
    "declarations",
    "signatures",
    "declaration_reminders",
    "audit_log",
    "audit_actors",
    "targets",
    "actions",
    "act_counts",
    "act_tokens",
    "secrets",
    "inbox",
    "inbox_offset",
)
"""Every table copied, each after those its foreign keys point to."""

DERIVED = ("case_search", "case_name_tokens", "case_name_variants")
"""Rebuilt from the cases once they are copied."""

SEEDED = ("secrets", "inbox_offset")
"""Tables whose rows the migrations write: the copied rows replace them."""

NOT_COPIED = ("lease",)
"""Each database's own: who is active on one says nothing about the other."""

BATCH = 2_000

IDENTITIES = (
    "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND is_identity = 'YES'"
)
"""PostgreSQL's columns numbered by the database (SQLite's ``INTEGER PRIMARY KEY``)."""

Reader = Callable[[str], Awaitable[Any]]
"""Runs a query on the source: a snapshot's ``execute_fetchall``, so that every table is read
as it was at one moment."""


class TargetNotEmpty(RuntimeError):
    """The target database already holds data; nothing was copied."""


async def copy_database(source: Database, target: Database, read: Reader | None = None) -> int:
    """Copy every row of ``source`` into the empty ``target``, rebuild its search index and
    return the number of rows copied. ``read``: how to query the source (default: its
    readers)."""
    read = read or source.fetchall
    for table in TABLES:
        if table in SEEDED:
            continue
        row = await target.fetchone(f"SELECT count(*) FROM {table}")
        if row is not None and row[0]:
            raise TargetNotEmpty(f"the target already holds data (table {table})")
    copied = 0
    async with target.transaction() as conn:
        for table in TABLES:
            rows = await read(f"SELECT * FROM {table}")
            if table in SEEDED:
                await conn.execute(f"DELETE FROM {table}")
            if not rows:
                continue
            columns = list(rows[0].keys())
            statement = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            for start in range(0, len(rows), BATCH):
                await conn.executemany(
                    statement, [tuple(row) for row in rows[start : start + BATCH]]
                )
            copied += len(rows)
        if target.dialect.postgresql:
            # Rows came with their ids: the next id of each table follows the largest copied.
            for table, column in await target.fetchall(IDENTITIES):
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
                )
    await Cases(target).reindex()
    return copied


async def row_counts(db: Database, read: Reader | None = None) -> dict[str, int]:
    """The number of rows of each copied table."""
    read = read or db.fetchall
    counts = {}
    for table in TABLES:
        rows = await read(f"SELECT count(*) FROM {table}")
        counts[table] = int(rows[0][0])
    return counts
