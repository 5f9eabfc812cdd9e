"""The SQLite layer: pragmas, migrations, transactions and the users aggregate."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from bot.domain.roles import Role
from storage import Database
from storage.migrations import MIGRATIONS, migrate, schema_version
from storage.search_index import deletion_variants
from storage.users import Users

DAY = date(2026, 11, 22)


async def test_open_creates_folder_and_applies_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "bot.sqlite3"
    async with await Database.open(path) as db:
        assert path.exists()
        assert (await db.fetchone("PRAGMA user_version"))[0] == len(MIGRATIONS)
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
        assert (await db.fetchone("PRAGMA secure_delete"))[0] == 1
        assert (await db.fetchone("PRAGMA busy_timeout"))[0] == 5000
    async with await Database.open(path) as reopened:  # idempotent
        assert (await reopened.fetchone("PRAGMA user_version"))[0] == len(MIGRATIONS)


async def test_a_failing_migration_leaves_the_schema_as_it_was(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "m.sqlite3", isolation_level=None)
    try:
        steps = ("CREATE TABLE a (x INTEGER);", "CREATE TABLE b (y INTEGER); SELECT nope FROM a;")
        with pytest.raises(sqlite3.OperationalError):
            await migrate(connection, steps)
        assert await schema_version(connection) == 1
        async with connection.execute("SELECT name FROM sqlite_master ORDER BY name") as cursor:
            assert [row[0] for row in await cursor.fetchall()] == ["a"]
    finally:
        await connection.close()


async def test_a_migration_that_breaks_a_foreign_key_is_rolled_back(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "fk.sqlite3", isolation_level=None)
    try:
        await connection.execute("PRAGMA foreign_keys = ON")
        steps = (
            "CREATE TABLE a (x INTEGER PRIMARY KEY);"
            "CREATE TABLE b (y INTEGER REFERENCES a (x)); INSERT INTO a VALUES (1);"
            "INSERT INTO b VALUES (1);",
            "DELETE FROM a;",
        )
        with pytest.raises(RuntimeError, match="migration 2 breaks a foreign key"):
            await migrate(connection, steps)
        assert await schema_version(connection) == 1
        async with connection.execute("SELECT count(*) FROM a") as cursor:
            assert (await cursor.fetchone())[0] == 1
        async with connection.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1
    finally:
        await connection.close()


async def test_rebuilding_the_broadcasts_table_keeps_their_outbox_rows(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "b.sqlite3", isolation_level=None)
    try:
        await connection.execute("PRAGMA foreign_keys = ON")
        await migrate(connection, MIGRATIONS[:5])
        await connection.executescript(
            "INSERT INTO broadcasts (id, kind, created_at, details) VALUES (1, 'appeal', 0, '{}');"
            "INSERT INTO contents (id, html) VALUES (1, 'x');"
            "INSERT INTO outbox (broadcast_id, chat_id, content_id) VALUES (1, 5, 1);"
        )
        await migrate(connection)
        async with connection.execute("SELECT count(*) FROM outbox") as cursor:
            assert (await cursor.fetchone())[0] == 1
        await connection.execute(
            "INSERT INTO broadcasts (kind, created_at, details) VALUES ('reminder', 0, '{}')"
        )
    finally:
        await connection.close()


async def test_nudges_become_declaration_reminders_in_the_schema(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "n.sqlite3", isolation_level=None)
    try:
        await connection.execute("PRAGMA foreign_keys = ON")
        await migrate(connection, MIGRATIONS[:9])
        await connection.executescript(
            "INSERT INTO broadcasts (id, kind, created_at, details) VALUES (1, 'nudge', 0, '{}');"
            "INSERT INTO contents (id, html) VALUES (1, 'x');"
            "INSERT INTO outbox (broadcast_id, chat_id, content_id) VALUES (1, 5, 1);"
        )
        await migrate(connection)
        async with connection.execute("SELECT kind FROM broadcasts") as cursor:
            assert await cursor.fetchall() == [("declaration_reminder",)]
        async with connection.execute("SELECT count(*) FROM outbox") as cursor:
            assert (await cursor.fetchone())[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            await connection.execute(
                "INSERT INTO broadcasts (kind, created_at, details) VALUES ('nudge', 0, '{}')"
            )
        await connection.execute("SELECT * FROM declaration_reminders")
    finally:
        await connection.close()


async def test_a_case_stored_with_its_deadlines_by_news_loses_them(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "d.sqlite3", isolation_level=None)
    try:
        await migrate(connection, MIGRATIONS[:10])
        await connection.execute(
            "INSERT INTO cases (id, status, urgency, updated, data) "
            """VALUES ('a', 'detained', 1, '2026-01-01', '{"id": "a", "deadlines": []}')"""
        )
        await migrate(connection)
        async with connection.execute("SELECT data FROM cases") as cursor:
            assert await cursor.fetchall() == [('{"id":"a"}',)]
    finally:
        await connection.close()


async def test_signatures_keep_the_member_as_listed_and_stay_final(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "s.sqlite3", isolation_level=None)
    try:
        await migrate(connection, MIGRATIONS[:13])
        await connection.executescript(
            "INSERT INTO political_groups VALUES ('SOC', 'Socialists', 0);"
            "INSERT INTO members VALUES"
            " (1, 'Thiéry', 'Damien', '', 'Belgium', 'SOC', 'PACE', NULL);"
            "INSERT INTO declarations (number, assembly, authoritative, titles, texts, tabler_id,"
            " max_words, min_signatures, min_delegations, min_groups)"
            " VALUES (652, 'PACE', 'en', '{}', '{}', 1, 200, 20, 4, 2);"
            "INSERT INTO signatures VALUES (652, 1, 1, NULL, 'en', 'abc');"
        )
        await migrate(connection)
        await connection.execute("UPDATE members SET surname = 'Other' WHERE id = 1")
        async with connection.execute(
            "SELECT sequence, surname, given_name, particle, country, political_group "
            "FROM signatures"
        ) as cursor:
            assert await cursor.fetchall() == [(1, "Thiéry", "Damien", "", "Belgium", "SOC")]
        for statement in ("UPDATE signatures SET country = 'X'", "DELETE FROM signatures"):
            with pytest.raises(sqlite3.IntegrityError):
                await connection.execute(statement)
    finally:
        await connection.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "new.sqlite3", isolation_level=None)
    try:
        await connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
        with pytest.raises(RuntimeError, match="newer than this bot"):
            await migrate(connection)
    finally:
        await connection.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    users = Users(db)
    await users.touch(1, "en", DAY)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("UPDATE users SET locale = 'ru' WHERE user_id = 1")
            raise RuntimeError("boom")
    assert (await users.get(1)).locale == "en"


async def test_nested_transactions_join_the_outer_one(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as outer:
            await outer.execute(
                "INSERT INTO users (user_id, locale, first_seen, last_seen) "
                "VALUES (5, 'en', '2026-01-01', '2026-01-01')"
            )
            async with db.transaction() as inner:
                await inner.execute("UPDATE users SET locale = 'kk' WHERE user_id = 5")
            raise RuntimeError("the outer transaction fails after the inner one finished")
    assert await Users(db).get(5) is None


async def test_concurrent_transactions_do_not_interleave(db: Database) -> None:
    users = Users(db)
    await users.touch(1, "en", DAY)

    async def flip(locale: str) -> None:
        async with db.transaction() as conn:
            await conn.execute("UPDATE users SET locale = ? WHERE user_id = 1", (locale,))
            await asyncio.sleep(0.01)
            async with conn.execute("SELECT locale FROM users WHERE user_id = 1") as cursor:
                assert (await cursor.fetchone())[0] == locale

    await asyncio.gather(*(flip(code) for code in ("ru", "kk", "en") * 5))


async def test_reader_sees_only_committed_data(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (user_id, locale, first_seen, last_seen) "
            "VALUES (9, 'en', '2026-01-01', '2026-01-01')"
        )
        assert await db.fetchone("SELECT 1 FROM users WHERE user_id = 9") is None
    assert await db.fetchone("SELECT 1 FROM users WHERE user_id = 9") is not None


@pytest.mark.sqlite_only
async def test_reader_cannot_write(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.fetchone("DELETE FROM users")


@pytest.mark.postgresql_only
async def test_reader_cannot_write_on_postgresql(db: Database) -> None:
    with pytest.raises(asyncpg.ReadOnlySQLTransactionError, match="read-only transaction"):
        await db.fetchone("DELETE FROM users")


async def test_touch_records_days_and_follows_telegram_language(db: Database) -> None:
    users = Users(db)
    first = await users.touch(42, "ru", DAY)
    assert (first.locale, first.locale_chosen, first.role) == ("ru", False, Role.SUBSCRIBER)
    assert first.first_seen == first.last_seen == DAY
    later = await users.touch(42, "kk", date(2026, 12, 1))
    assert later.first_seen == DAY and later.last_seen == date(2026, 12, 1)
    assert later.locale == "kk"


async def test_a_chosen_locale_survives_telegram_language(db: Database) -> None:
    users = Users(db)
    await users.touch(42, "ru", DAY)
    await users.choose_locale(42, "kk")
    record = await users.touch(42, "en", DAY)
    assert (record.locale, record.locale_chosen) == ("kk", True)


async def test_roles_are_stored_for_known_users_only(db: Database) -> None:
    users = Users(db)
    assert not await users.set_role(7, Role.COORDINATOR)
    await users.touch(7, "en", DAY)
    await users.touch(3, "en", DAY)
    assert await users.set_role(7, Role.COORDINATOR)
    assert await users.set_role(3, Role.COORDINATOR)
    assert await users.ids_with_role(Role.COORDINATOR) == [3, 7]
    with pytest.raises(ValueError, match="BOT_ADMINS"):
        await users.set_role(7, Role.ADMIN)


async def test_the_schema_refuses_bad_values(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (user_id, locale, role, first_seen, last_seen) "
                "VALUES (1, 'de', 'subscriber', '2026-01-01', '2026-01-01')"
            )
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (user_id, locale, role, first_seen, last_seen) "
                "VALUES (1, 'en', 'admin', '2026-01-01', '2026-01-01')"
            )


async def test_users_table_holds_no_personal_fields(db: Database) -> None:
    if db.dialect.postgresql:
        query = "SELECT column_name AS name FROM information_schema.columns WHERE table_name = ?"
        columns = {row["name"] for row in await db.fetchall(query, ("users",))}
    else:
        columns = {row["name"] for row in await db.fetchall("PRAGMA table_info(users)")}
    assert columns == {
        "user_id",
        "locale",
        "locale_chosen",
        "role",
        "first_seen",
        "last_seen",
        "blocked",
    }


async def test_records_are_cached_until_forgotten(db: Database) -> None:
    users = Users(db)
    await users.touch(8, "en", DAY)
    async with db.transaction() as conn:  # a write elsewhere in storage
        await conn.execute("UPDATE users SET blocked = 1 WHERE user_id = 8")
    assert not (await users.get(8)).blocked  # still the cached record
    users.forget([8])
    assert (await users.get(8)).blocked
    await users.choose_locale(8, "kk")  # writes through this class refresh the record
    assert (await users.get(8)).locale == "kk"


async def test_the_typo_index_is_filled_for_a_database_indexed_before_it(tmp_path: Path) -> None:
    connection = await aiosqlite.connect(tmp_path / "v.sqlite3", isolation_level=None)
    try:
        await migrate(connection, MIGRATIONS[:6])
        await connection.execute(
            "INSERT INTO case_name_tokens (case_id, token) VALUES ('a', 'erimbetov'), ('a', 'ab')"
        )
        await migrate(connection, MIGRATIONS[:7])
        async with connection.execute("SELECT variant, token FROM case_name_variants") as cursor:
            stored = {tuple(row) for row in await cursor.fetchall()}
        assert stored == {(variant, "erimbetov") for variant in deletion_variants("erimbetov")}
    finally:
        await connection.close()


async def test_a_read_sees_what_was_committed_before_it_even_beside_other_reads(
    db: Database,
) -> None:
    """Concurrent updates read at once: an overlapping query must not pin an old snapshot."""
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")

    async def write_then_read(x: int) -> bool:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t VALUES (?)", (x,))
        await db.fetchall("SELECT * FROM t")  # other readers keep the reader busy meanwhile
        return await db.fetchone("SELECT x FROM t WHERE x = ?", (x,)) is not None

    assert all(await asyncio.gather(*(write_then_read(x) for x in range(200))))
