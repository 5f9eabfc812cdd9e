"""/privacy explains what is stored; /forget erases it, down to the bytes of the database file."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.domain.roles import Role
from storage import Database
from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.e2e.processes import ROOT, eventually, traces

ERASED_ID = 7_365_912_847
"""Large enough that its 6-byte big-endian form (how SQLite stores it) is distinctive."""


async def test_privacy_says_what_is_stored(bot: RunningBot) -> None:
    user = bot.user(400, "ru")
    await user.ask("/start")
    text = (await user.ask("/privacy")).text
    assert "400" in text
    assert "читатель" in text
    assert "г." in text  # the first day, as a Russian long date


async def test_forget_can_be_cancelled(bot: RunningBot) -> None:
    user = bot.user(401)
    await user.ask("/start")
    question = await user.ask("/forget")
    await (await user.press(question, "Cancel")).wait_answer()
    assert (await user.wait_for_edit(question)).text == "Nothing was erased."
    assert await bot.application.services.users.get(401) is not None


async def test_forget_leaves_no_trace_in_the_database_files(bot: RunningBot) -> None:
    database = bot.settings.database
    user = bot.user(ERASED_ID, "kk")
    await user.ask("/start")
    await bot.application.services.users.choose_locale(ERASED_ID, "kk")
    await bot.application.services.users.set_role(ERASED_ID, Role.COORDINATOR)
    admin = await bot.user_with_role(0, Role.ADMIN)
    await admin.ask("/revoke")  # the admin's open question is stored, keyed by the admin only
    await bot.application.services.persistence.update_user_data(ERASED_ID, {"draft": "x"})
    await bot.application.services.persistence.update_conversation(
        "roles", (ERASED_ID, ERASED_ID), 1
    )
    await bot.application.services.persistence.flush()
    await bot.application.services.subscriptions.follow(ERASED_ID, "mukhtar-dzhakishev")
    # An appeal the user wrote as a coordinator, and one queued for them.
    await bot.application.services.broadcasts.create(
        kind="appeal",
        author_id=ERASED_ID,
        audience="ru",
        html_by_locale={"ru": "x", "kk": "x", "en": "x"},
        details={},
    )
    assert traces(database, ERASED_ID), "the test must see the id before erasure"

    question = await user.ask("/forget")
    await (await user.press(question, callback_data="forget:yes")).wait_answer()
    done = await user.wait_for_edit(question)
    assert done.text.startswith("Дайын")
    assert "\n\n" not in done.text  # wiped at once: nothing remains to be said
    await bot.settled()

    assert await bot.application.services.users.get(ERASED_ID) is None
    assert traces(database, ERASED_ID) == []
    # Other people's data is untouched.
    assert await bot.application.services.users.get(ADMIN_ID) is not None
    conversations = await bot.application.services.db.fetchall("SELECT key FROM ptb_conversations")
    assert [row["key"] for row in conversations] == [f"[{ADMIN_ID},{ADMIN_ID}]"]


@pytest.mark.sqlite_only  # SQLite's WAL
async def test_forget_beside_a_backup_stalls_nobody_and_wipes_when_it_ends(
    bot: RunningBot,
) -> None:
    database = bot.settings.database
    user, other = bot.user(ERASED_ID, "en"), bot.user(402, "en")
    await user.ask("/start")
    await bot.application.services.subscriptions.follow(ERASED_ID, "mukhtar-dzhakishev")
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as backup:
        backup.execute("BEGIN")
        backup.execute("SELECT count(*) FROM users").fetchone()  # holds its snapshot
        question = await user.ask("/forget")
        await (await user.press(question, callback_data="forget:yes")).wait_answer()
        done = await user.wait_for_edit(question)
        assert done.text.startswith("Done: everything the bot stored about you is erased.")
        assert "One step remains: a backup is reading the database right now" in done.text
        assert (await other.ask("/start", timeout=3)).text.startswith("Qorgau")
        assert await bot.application.services.users.get(ERASED_ID) is None
        assert bot.application.services.db.wipe_pending  # the old frames wait for the backup
        backup.execute("COMMIT")
    await eventually(lambda: not traces(database, ERASED_ID), timeout=15)


CRASH_BETWEEN_COMMIT_AND_WIPE = """
import asyncio, datetime, os, signal, sys
from pathlib import Path
from bot.shipped import prepare_shipped_content
from storage import Database
from storage.cases import Cases
from storage.declarations import Declarations
from storage.erasure import erase_user
from storage.subscriptions import Subscriptions
from storage.users import Users

async def main() -> None:
    db = await Database.open(Path(sys.argv[1]))
    await prepare_shipped_content(Cases(db), Declarations(db))
    await Users(db).touch(int(sys.argv[2]), "en", datetime.date.today())
    await Subscriptions(db).follow(int(sys.argv[2]), "mukhtar-dzhakishev")
    async def crash(self: Database) -> bool:
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9 right after the erasure committed
        return False
    Database.wipe = crash
    await erase_user(db, int(sys.argv[2]))

asyncio.run(main())
"""


@pytest.mark.sqlite_only  # SQLite's WAL
async def test_an_erasure_cut_short_by_kill_9_is_wiped_at_the_next_start(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CRASH_BETWEEN_COMMIT_AND_WIPE, str(database), str(ERASED_ID), cwd=ROOT
    )
    assert await process.wait() == -9
    assert traces(database, ERASED_ID), "the crash must leave the id in the WAL"
    async with await Database.open(database) as db:
        assert await db.fetchone("SELECT 1 FROM users") is None
        assert traces(database, ERASED_ID) == []
