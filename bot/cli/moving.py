"""``migrate-to`` and ``backup``: moving an organisation's database, and copying it safely.

``migrate-to postgresql://…`` copies the SQLite database of ``BOT_DATABASE`` into an empty
PostgreSQL database: every table, the conversations included, the audit chain verified before
and after. Stop the bot first: a bot running on the file holds its lease, and the command
refuses. ``backup PATH`` writes a consistent copy into a new SQLite file while the bot runs:
SQLite's online backup API, or one repeatable-read snapshot of PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.database import unusable
from bot.config import Settings

if TYPE_CHECKING:
    from storage import Database


class Refused(Exception):
    """The command cannot go on; the message says why, in one line."""


async def _chain(db: Database, where: str) -> int:
    """The number of entries of the audit log, refusing a broken chain."""
    from storage.audit_log import AuditLog

    count, broken = await AuditLog(db).verify()
    if broken is not None:
        raise Refused(f"the audit log {where} is broken at entry {broken} (of {count})")
    return count


def _migrate_to(settings: Settings, arguments: argparse.Namespace) -> int:
    from storage import Database
    from storage.copying import TargetNotEmpty, copy_database, row_counts
    from storage.database import DatabaseUnavailable
    from storage.lease import lease_state
    from storage.location import BadLocation, PostgresUrl

    try:
        target_url = PostgresUrl.parse(arguments.url)
    except BadLocation as error:
        print(f"migrate-to needs a PostgreSQL URL: {error}", file=sys.stderr)
        return 2
    if not isinstance(settings.database, Path):
        print(
            f"migrate-to copies a SQLite database, and BOT_DATABASE is {settings.database}",
            file=sys.stderr,
        )
        return 2

    async def run() -> str:
        async with await Database.open(settings.database) as source:
            if (await lease_state(source)).live:
                raise Refused("a bot is running on this database: stop it first")
            before = await _chain(source, "of the SQLite database")
            counts = await row_counts(source)
            try:
                target = await Database.open(target_url)
            except DatabaseUnavailable as error:
                raise Refused(f"{target_url} cannot be used: {error}") from None
            async with target:
                async with source.snapshot() as snapshot:
                    copied = await copy_database(source, target, snapshot.execute_fetchall)
                after = await _chain(target, "copied to PostgreSQL")
                if after != before or await row_counts(target) != counts:
                    raise Refused("the copy differs from the original: nothing should use it")
        return (
            f"copied {copied} rows into {target_url}; the audit log's {after} entries are "
            "intact in both. Set BOT_DATABASE to the URL and start the bot."
        )

    try:
        print(asyncio.run(run()))
    except DatabaseUnavailable as error:
        raise unusable(settings, error) from None
    except (Refused, TargetNotEmpty) as error:
        print(f"nothing migrated: {error}", file=sys.stderr)
        return 2
    return 0


def _backup(settings: Settings, arguments: argparse.Namespace) -> int:
    from storage import Database
    from storage.copying import copy_database
    from storage.database import DatabaseUnavailable

    path: Path = arguments.path
    if path.exists():
        print(f"{path} exists: a backup goes into a new file", file=sys.stderr)
        return 2

    async def run() -> str:
        async with await Database.open(settings.database) as db:
            path.parent.mkdir(parents=True, exist_ok=True)
            if db.dialect.postgresql:
                async with await Database.open(path) as copy:
                    async with db.snapshot() as snapshot:
                        await copy_database(db, copy, snapshot.execute_fetchall)
                    entries = await _chain(copy, "of the backup")
            else:
                await db.driver.backup(path)
                async with await Database.open(path) as copy:
                    entries = await _chain(copy, "of the backup")
        return f"wrote a backup of {settings.database} to {path} ({entries} audit entries, intact)"

    try:
        print(asyncio.run(run()))
    except DatabaseUnavailable as error:
        raise unusable(settings, error) from None
    except Refused as error:
        path.unlink(missing_ok=True)
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    return 0


def add_subcommands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``migrate-to`` and ``backup``."""
    parser = commands.add_parser(
        "migrate-to",
        help="copy the SQLite database into an empty PostgreSQL database (stop the bot first)",
        description="Copy every table of the SQLite database of BOT_DATABASE into an empty "
        "PostgreSQL database, verifying the audit chain before and after.",
    )
    parser.add_argument("url", help="postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
    parser.set_defaults(handler=_migrate_to)

    parser = commands.add_parser(
        "backup",
        help="write a consistent copy of the database into a new SQLite file, while it runs",
        description="Write a consistent copy of BOT_DATABASE (SQLite or PostgreSQL) into a new "
        "SQLite file, while the bot runs.",
    )
    parser.add_argument("path", type=Path, help="the new file, e.g. backups/2026-11-30.sqlite3")
    parser.set_defaults(handler=_backup)
