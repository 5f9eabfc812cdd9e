"""Commands, descriptions, names and menu buttons per scope and language."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    MenuButtonCommands,
)
from telegram.error import BadRequest

from sandbox.local_api import LocalBotApi


async def test_commands_are_kept_per_scope_and_language(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("start", "Бастау")], language_code="kk")
    await bot.set_my_commands(
        [BotCommand("help", "Help")], scope=BotCommandScopeAllGroupChats(), language_code="en"
    )
    await bot.set_my_commands([BotCommand("me", "Me")], scope=BotCommandScopeChat(1001))

    assert await bot.get_my_commands(language_code="kk") == (BotCommand("start", "Бастау"),)
    assert await bot.get_my_commands(language_code="ru") == ()
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == ()
    assert api.commands() == [{"command": "start", "description": "Start"}]
    assert api.commands("en", scope={"type": "all_group_chats"})[0]["command"] == "help"
    assert api.commands(scope={"type": "chat", "chat_id": "1001"})[0]["command"] == "me"

    await bot.delete_my_commands(language_code="kk")
    await bot.set_my_commands([])

    assert api.commands("kk") == []
    assert api.commands() == []


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (BotCommand("Start", "x"), "BOT_COMMAND_INVALID"),
        (BotCommand("a" * 33, "x"), "BOT_COMMAND_INVALID"),
        (BotCommand("start", ""), "BOT_COMMAND_DESCRIPTION_INVALID"),
    ],
)
async def test_invalid_commands(bot: Bot, command: BotCommand, error: str) -> None:
    with pytest.raises(BadRequest, match=rf"(?i){error}"):
        await bot.set_my_commands([command])


async def test_descriptions_and_names_per_language(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_my_description("Guards your chats")
    await bot.set_my_description("Чаттарыңызды қорғайды", language_code="kk")
    await bot.set_my_short_description("Guard", language_code="en")
    await bot.set_my_name("Қорғау", language_code="kk")

    assert (await bot.get_my_description("kk")).description == "Чаттарыңызды қорғайды"
    assert (await bot.get_my_description("ru")).description == ""
    assert (await bot.get_my_short_description("en")).short_description == "Guard"
    assert (await bot.get_my_name("kk")).name == "Қорғау"
    assert (await bot.get_my_name()).name == "Qorgau"
    assert api.description() == "Guards your chats"
    assert api.description("kk") == "Чаттарыңызды қорғайды"
    assert api.short_description("en") == "Guard"
    assert api.name("kk") == "Қорғау"
    with pytest.raises(BadRequest, match=r"(?i)description is too long"):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest, match=r"(?i)invalid language code"):
        await bot.set_my_description("x", language_code="english")


async def test_menu_button_close_and_log_out(api: LocalBotApi, bot: Bot) -> None:
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands()) is True
    assert api.menu_button() == {"type": "commands"}
    assert await bot.get_chat_menu_button() == MenuButtonCommands()
    assert await bot.close() is True
    assert await bot.log_out() is True
