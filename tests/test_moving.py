"""Moving an organisation over: ``migrate-to`` copies SQLite into PostgreSQL, ``backup`` writes a
consistent SQLite copy of either engine while the bot runs; both keep every table and the
audit chain."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.audit import AuditEntry
from bot.domain.broadcasts import ALL_LOCALES
from bot.domain.content import load_content
from bot.domain.declarations import RuleSettings, text_digest
from bot.shipped import SHIPPED_CONTENT
from sandbox.network import free_port
from storage import Database
from storage.audit_log import AuditLog
from storage.broadcasts import Broadcasts
from storage.cases import Cases
from storage.copying import DERIVED, NOT_COPIED, TABLES, row_counts
from storage.declarations import Declarations
from storage.lease import Holder, Lease
from storage.location import DatabaseLocation, PostgresUrl
from storage.members import Members
from storage.persistence import SqlitePersistence
from storage.subscriptions import Subscriptions
from storage.users import Users
from tests.commands import run_bot_command
from tests.test_declaration_storage import open_declaration, roster

CASE = "mukhtar-dzhakishev"


async def fill(db: Database) -> None:
    """A little of everything: people, follows, a declaration signed, a binding, a
    conversation in progress, an appeal being sent, the audit chain."""
    await Cases(db).upsert(load_content(SHIPPED_CONTENT))
    users = Users(db)
    for user_id, locale in ((101, "ru"), (102, "kk"), (103, "en")):
        await users.touch(user_id, locale, date(2026, 11, 22))
        await Subscriptions(db).follow(user_id, CASE)
    ids = await roster(db, 3)
    await open_declaration(db, ids[0], RuleSettings())
    for member in ids[1:]:
        await Declarations(db).sign(700, member, "en", text_digest("Free them."), datetime.now(UTC))
    invitation = await Members(db).invite(ids[2])
    await Members(db).bind(invitation.payload, 103)
    persistence = SqlitePersistence(db)
    await persistence.update_conversation("appeal", (103, 103), "WRITING")
    await persistence.update_user_data(103, {"draft": {"ru": "Текст"}})
    await Broadcasts(db).create(
        kind="appeal",
        author_id=103,
        audience=ALL_LOCALES,
        html_by_locale={"en": "Write", "ru": "Пишите", "kk": "Жазыңыз"},
        details={"case": CASE},
    )


async def contents(db: Database) -> tuple[dict[str, int], list[AuditEntry], object]:
    """What a copy must keep: the rows of each table, the audit chain, the conversations."""
    entries = await AuditLog(db).entries()
    conversations = await SqlitePersistence(db).get_conversations("appeal")
    return await row_counts(db), entries, conversations


async def test_every_table_is_copied_or_rebuilt(db: Database) -> None:
    if db.dialect.postgresql:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        internal = {"qorgau_schema"}
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        internal = {f"case_search_{part}" for part in ("config", "content", "data", "docsize")}
        internal |= {"case_search_idx", "sqlite_sequence"}
    tables = {row[0] for row in await db.fetchall(query)}
    assert tables == {*TABLES, *DERIVED, *NOT_COPIED, *internal}


@pytest.mark.postgresql_only
def test_migrate_to_copies_sqlite_into_an_empty_postgresql(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    source = tmp_path / "bot.sqlite3"
    target = new_database(migrated=False)
    assert isinstance(target, PostgresUrl)

    async def prepare() -> tuple[object, ...]:
        async with await Database.open(source) as db:
            await fill(db)
            return await contents(db)

    before = asyncio.run(prepare())
    done = run_bot_command("migrate-to", target.dsn, database=source)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"copied {sum(before[0].values())} rows into {target}; ")
    assert target.password and target.password not in done.stdout + done.stderr

    async def look() -> tuple[tuple[object, ...], list[str], int]:
        async with await Database.open(target) as db:
            after = await contents(db)
            found = [hit.case_id for hit in await Cases(db).index.search("Джакишев")]
            # Ids go on from the copied ones.
            broadcast, _ = await Broadcasts(db).create(
                kind="reminder", author_id=None, audience="ru", html_by_locale={}, details={}
            )
            return after, found, broadcast

    after, found, broadcast = asyncio.run(look())
    assert after == before
    assert found[0] == CASE  # the search index was rebuilt
    assert broadcast == 2
    again = run_bot_command("migrate-to", target.dsn, database=source)
    assert again.returncode == 2
    assert again.stderr.startswith("nothing migrated: the target already holds data")


@pytest.mark.postgresql_only
def test_migrate_to_refuses_a_running_bot_and_a_broken_chain(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    source, target = tmp_path / "bot.sqlite3", new_database(migrated=False)
    assert isinstance(target, PostgresUrl)

    async def take_lease() -> None:
        async with await Database.open(source) as db:
            await fill(db)
            assert await Lease(db, Holder("elsewhere", "b", "n", 1, "x"), 60).acquire()

    asyncio.run(take_lease())
    running = run_bot_command("migrate-to", target.dsn, database=source)
    assert (running.returncode, running.stderr.strip()) == (
        2,
        "nothing migrated: a bot is running on this database: stop it first",
    )
    execute_sqlite(source, "UPDATE lease SET expires_at = 0")
    execute_sqlite(source, "DROP TRIGGER audit_log_append_only_update")
    execute_sqlite(source, "UPDATE audit_log SET at = '2000-01-01T00:00:00Z' WHERE seq = 2")
    broken = run_bot_command("migrate-to", target.dsn, database=source)
    assert broken.returncode == 2
    assert broken.stderr.startswith("nothing migrated: the audit log of the SQLite database is")
    assert run_bot_command("migrate-to", "mysql://x/y", database=source).returncode == 2


def execute_sqlite(path: Path, sql: str) -> None:
    import sqlite3  # noqa: PLC0415

    with sqlite3.connect(path) as connection:
        connection.execute(sql)
    connection.close()


def test_backup_writes_a_consistent_sqlite_copy(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    database = new_database("bot.sqlite3")

    async def prepare() -> tuple[object, ...]:
        async with await Database.open(database) as db:
            await fill(db)
            return await contents(db)

    before = asyncio.run(prepare())
    copy = tmp_path / "backups" / "copy.sqlite3"
    done = run_bot_command("backup", str(copy), database=database)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"to {copy} (6 audit entries, intact)")

    async def look() -> tuple[object, ...]:
        async with await Database.open(copy) as db:
            return await contents(db)

    assert asyncio.run(look()) == before
    again = run_bot_command("backup", str(copy), database=database)
    assert (again.returncode, again.stderr.strip()) == (
        2,
        f"{copy} exists: a backup goes into a new file",
    )


@pytest.mark.postgresql_only
async def test_a_postgresql_snapshot_holds_while_others_write(db: Database) -> None:
    await fill(db)
    async with db.snapshot() as snapshot:
        before = (await snapshot.execute_fetchall("SELECT count(*) FROM users"))[0][0]
        await Users(db).touch(999, "en", date(2026, 11, 22))
        assert (await snapshot.execute_fetchall("SELECT count(*) FROM users"))[0][0] == before
    assert (await db.fetchone("SELECT count(*) FROM users"))[0] == before + 1


def test_migrate_to_an_unreachable_server_is_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    source = tmp_path / "bot.sqlite3"
    url = f"postgresql://qorgau:s3cretpw@127.0.0.1:{free_port()}/qorgau"
    done = run_bot_command("migrate-to", url, database=source)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("nothing migrated: postgresql://qorgau:***@127.0.0.1:")
    assert "s3cretpw" not in done.stdout + done.stderr
