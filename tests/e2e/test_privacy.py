"""/privacy explains what is stored; /forget erases it, down to the bytes of the database file."""

from __future__ import annotations

from pathlib import Path

from bot.domain.roles import Role
from tests.e2e.conftest import ADMIN_ID, RunningBot

ERASED_ID = 7_365_912_847
"""Large enough that its 6-byte big-endian form (how SQLite stores it) is distinctive."""


def _traces(database: Path, user_id: int) -> list[str]:
    """Where the id still appears, as text or as SQLite's big-endian integer, in the database,
    its WAL and its shared-memory index."""
    needles = {"text": str(user_id).encode(), "int48": user_id.to_bytes(6, "big")}
    found = []
    for path in database.parent.glob(database.name + "*"):
        content = path.read_bytes()
        found += [f"{path.name}: {kind}" for kind, needle in needles.items() if needle in content]
    return found


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
    await bot.application.services.subscriptions.follow(ERASED_ID, "mukhtar-dzhakishev")
    # An appeal the user wrote as a coordinator, and one queued for them.
    await bot.application.services.broadcasts.create(
        kind="appeal",
        author_id=ERASED_ID,
        audience="ru",
        html_by_locale={"ru": "x", "kk": "x", "en": "x"},
        details={},
    )
    assert _traces(database, ERASED_ID), "the test must see the id before erasure"

    question = await user.ask("/forget")
    await (await user.press(question, callback_data="forget:yes")).wait_answer()
    done = await user.wait_for_edit(question)
    assert done.text.startswith("Дайын")
    await bot.api.wait_until(bot.api.confirmed_all_updates)

    assert await bot.application.services.users.get(ERASED_ID) is None
    assert _traces(database, ERASED_ID) == []
    # Other people's data is untouched.
    assert await bot.application.services.users.get(ADMIN_ID) is not None
    conversations = await bot.application.services.db.fetchall("SELECT key FROM ptb_conversations")
    assert [row["key"] for row in conversations] == [f"[{ADMIN_ID},{ADMIN_ID}]"]
