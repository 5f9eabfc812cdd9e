"""Admins grant and revoke the coordinator role, with the id given or asked for."""

from __future__ import annotations

import pytest

from bot.domain.roles import Role
from tests.e2e.conftest import ADMIN_ID, RunningBot


async def _role_of(bot: RunningBot, user_id: int) -> Role | None:
    record = await bot.application.services.users.get(user_id)
    return record.role if record else None


async def test_grant_and_revoke_with_the_id_given(bot: RunningBot) -> None:
    admin = await bot.user_with_role(0, Role.ADMIN)
    await bot.user(300).ask("/start")
    assert (await admin.ask("/grant 300")).text == "User 300 is now a coordinator."
    assert await _role_of(bot, 300) is Role.COORDINATOR
    listing = (await admin.ask("/coordinators")).text
    assert str(ADMIN_ID) in listing and "1 coordinator\n" in listing and "300" in listing
    assert (await admin.ask("/revoke 300")).text == "User 300 is no longer a coordinator."
    assert await _role_of(bot, 300) is Role.SUBSCRIBER
    assert (await admin.ask("/revoke 300")).text == "User 300 is not a coordinator."


async def test_grant_asks_for_the_id_and_explains_bad_ones(bot: RunningBot) -> None:
    admin = await bot.user_with_role(0, Role.ADMIN, language_code="ru")
    await bot.user(301).ask("/start")
    assert (await admin.ask("/grant")).text == "Отправьте ID пользователя в Telegram или /cancel."
    assert (await admin.ask("abc")).text.startswith("Это не ID пользователя Telegram")
    assert (await admin.ask("-5")).text.startswith("Это не ID пользователя Telegram")
    assert (await admin.ask("999999")).text.startswith("Бот ещё не знает этого пользователя")
    # Other commands still work while the question is open, and the question stays open.
    assert "/grant" in (await admin.ask("/help")).text
    assert (await admin.ask("301")).text == "Пользователь 301 назначен координатором."
    assert await _role_of(bot, 301) is Role.COORDINATOR
    # The question is over: a plain number is now a search.
    assert (await admin.ask("302")).text.startswith("По запросу «302» дел не найдено.")


async def test_a_question_can_be_cancelled(bot: RunningBot) -> None:
    admin = await bot.user_with_role(0, Role.ADMIN)
    await admin.ask("/revoke")
    assert (await admin.ask("/cancel")).text == "Cancelled."
    assert (await admin.ask("/cancel")).text == "There is nothing to cancel."


@pytest.mark.parametrize("argument", ["", "abc", "12 34", "0", "99999999999999999999", "²", "١٢٣"])
async def test_bad_ids_given_inline(bot: RunningBot, argument: str) -> None:
    admin = await bot.user_with_role(0, Role.ADMIN)
    reply = await admin.ask(f"/revoke {argument}".strip())
    expected = "Send the Telegram user id" if not argument else "That is not a Telegram user id"
    assert reply.text.startswith(expected)
    if not argument:
        await admin.ask("/cancel")


async def test_admins_roles_are_not_changed_in_the_bot(bot: RunningBot) -> None:
    admin = await bot.user_with_role(0, Role.ADMIN)
    reply = await admin.ask(f"/revoke {ADMIN_ID}")
    assert reply.text == "This user is an administrator; BOT_ADMINS decides that role."
