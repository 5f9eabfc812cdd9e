"""python-telegram-bot persistence in the database: conversations and user_data survive a
reopen."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storage import Database
from storage.location import DatabaseLocation
from storage.persistence import SqlitePersistence


async def test_conversations_and_user_data_survive_reopening(
    new_database: Callable[..., DatabaseLocation],
) -> None:
    path = new_database("p.sqlite3")
    async with await Database.open(path) as db:
        persistence = SqlitePersistence(db)
        assert await persistence.get_conversations("appeal") == {}
        await persistence.update_conversation("appeal", (10, 20), 3)
        await persistence.update_conversation("appeal", (11, 21), "WRITING")
        await persistence.update_user_data(20, {"draft": {"ru": "Текст"}})
        await persistence.flush()
    async with await Database.open(path) as db:
        persistence = SqlitePersistence(db)
        assert await persistence.get_conversations("appeal") == {(10, 20): 3, (11, 21): "WRITING"}
        assert await persistence.get_user_data() == {20: {"draft": {"ru": "Текст"}}}


async def test_ending_a_conversation_and_emptying_user_data_delete_rows(db: Database) -> None:
    persistence = SqlitePersistence(db)
    await persistence.update_conversation("appeal", (1, 1), 2)
    await persistence.update_user_data(1, {"k": 1})
    await persistence.flush()
    assert await db.fetchall("SELECT * FROM ptb_conversations") != []
    await persistence.update_conversation("appeal", (1, 1), None)
    await persistence.update_user_data(1, {})
    await persistence.flush()
    assert await db.fetchall("SELECT * FROM ptb_conversations") == []
    assert await db.fetchall("SELECT * FROM ptb_user_data") == []


@pytest.mark.sqlite_only
async def test_unchanged_data_is_not_written_again(db: Database) -> None:
    persistence = SqlitePersistence(db)
    await persistence.update_user_data(1, {"k": 1})
    await persistence.flush()
    async with db.transaction() as conn, conn.execute("SELECT total_changes()") as cursor:
        before = (await cursor.fetchone())[0]
    await persistence.update_user_data(1, {"k": 1})
    await persistence.update_user_data(2, {})
    await persistence.flush()
    async with db.transaction() as conn, conn.execute("SELECT total_changes()") as cursor:
        assert (await cursor.fetchone())[0] == before


@pytest.mark.postgresql_only
async def test_unchanged_data_is_not_written_again_on_postgresql(db: Database) -> None:
    persistence = SqlitePersistence(db)
    await persistence.update_user_data(1, {"k": 1})
    version = "SELECT CAST(xmin AS text) FROM ptb_user_data WHERE user_id = 1"
    before = await db.fetchone(version)
    await persistence.update_user_data(1, {"k": 1})
    await persistence.update_user_data(2, {})
    assert await db.fetchone(version) == before  # the row was not written again
    assert await db.fetchall("SELECT * FROM ptb_user_data WHERE user_id = 2") == []


async def test_dropping_user_data(db: Database) -> None:
    persistence = SqlitePersistence(db)
    await persistence.update_user_data(5, {"k": 1})
    await persistence.flush()
    await persistence.drop_user_data(5)
    assert await persistence.get_user_data() == {}


async def test_what_one_update_changed_is_written_in_one_transaction(db: Database) -> None:
    persistence = SqlitePersistence(db)
    await persistence.update_conversation("sign", (7, 7), 2)
    await persistence.update_user_data(7, {"signing": {"number": 700}})
    assert await db.fetchall("SELECT * FROM ptb_user_data") == []  # not yet
    transactions = 0
    begin = db.transaction

    def counted():
        nonlocal transactions
        transactions += 1
        return begin()

    db.transaction = counted  # type: ignore[method-assign]
    await persistence.flush()
    await persistence.flush()  # nothing changed since: nothing written
    assert transactions == 1
    assert len(await db.fetchall("SELECT * FROM ptb_conversations")) == 1
    assert len(await db.fetchall("SELECT * FROM ptb_user_data")) == 1
