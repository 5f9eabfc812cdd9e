"""/start, /help and /language through the local Bot API server, in all three languages."""

from __future__ import annotations

import pytest

from bot.domain.roles import Role
from sandbox.local_api import LocalBotApi
from tests.e2e.conftest import RunningBot

GREETING = {
    "en": "Qorgau helps the defenders of political prisoners",
    "ru": "Qorgau помогает защитникам политзаключённых",
    "kk": "Qorgau Қазақстандағы саяси тұтқындарды қорғаушыларға",
}


@pytest.mark.parametrize(
    ("language_code", "picker"),
    [("en", "Choose your language:"), ("ru", "Выберите язык:"), ("kk", "Тілді таңдаңыз:")],
)
async def test_replies_follow_telegram_language(
    bot: RunningBot, language_code: str, picker: str
) -> None:
    user = bot.user(100, language_code)
    greeting = await user.ask("/start")
    assert greeting.text.startswith(GREETING[language_code])
    assert greeting.parse_mode == "HTML" and "<b>Qorgau</b>" in greeting.html
    assert (await user.ask("/language")).text == picker


async def test_unknown_languages_fall_back_to_the_default(bot: RunningBot) -> None:
    reply = await bot.user(101, "de").ask("/start")
    assert reply.text.startswith(GREETING["en"])


async def test_help_lists_what_the_role_may_use(bot: RunningBot) -> None:
    reader = await bot.user_with_role(102, Role.SUBSCRIBER)
    admin = await bot.user_with_role(0, Role.ADMIN)
    reader_help = (await reader.ask("/help")).text
    admin_help = (await admin.ask("/help")).text
    for command in ("/start", "/help", "/language", "/privacy", "/forget", "/cancel"):
        assert command in reader_help and command in admin_help
    for command in ("/grant", "/revoke", "/coordinators"):
        assert command not in reader_help
        assert command in admin_help
    # Under headings; a heading with none of the role's commands is left out.
    assert reader_help.startswith("Commands\n\nGetting started\n/start — ")
    assert "\n\nCases\n/cases — " in reader_help
    assert "Coordinators" not in reader_help and "Appeals and news" not in reader_help
    assert "\n\nCoordinators\n/grant — " in admin_help
    kazakh = await bot.user_with_role(103, Role.SUBSCRIBER, language_code="kk")
    assert "\n\nМерзімдер мен еске салулар\n/deadlines — " in (await kazakh.ask("/help")).text


@pytest.mark.parametrize(
    ("role", "phrase"),
    [
        (Role.ADMIN, "You are an administrator"),
        (Role.COORDINATOR, "You are a coordinator"),
        (Role.MEMBER, "member of parliament"),
        (Role.SUBSCRIBER, "Here you follow the cases"),
    ],
)
async def test_start_speaks_to_the_role(bot: RunningBot, role: Role, phrase: str) -> None:
    user = await bot.user_with_role(103, role)
    assert phrase in (await user.ask("/start")).text


async def test_choosing_a_language_sticks_and_sets_the_chat_menu(bot: RunningBot) -> None:
    user = bot.user(104, "en")
    picker = await user.ask("/language")
    assert picker.button_texts == [["English"], ["Русский"], ["Қазақ тілі"]]
    press = await user.press(picker, "Қазақ тілі")
    await press.wait_answer()
    edited = await user.wait_for_edit(picker)
    assert edited.text == "Енді қазақ тілінде жауап беремін."  # no language name mid-sentence
    assert edited.buttons == []
    # Telegram still says "en", but the stored choice wins from now on.
    assert (await user.ask("/language")).text.startswith("Тілді таңдаңыз")
    record = await bot.application.services.users.get(104)
    assert record is not None and (record.locale, record.locale_chosen) == ("kk", True)
    menu = bot.api.commands(scope={"type": "chat", "chat_id": 104})
    assert {"command": "language", "description": "Тілді ауыстыру"} in menu


async def test_menus_and_descriptions_are_published_per_language(bot: RunningBot) -> None:
    api: LocalBotApi = bot.api
    english = api.commands(language_code="en")
    assert english == api.commands()  # the default locale also serves other languages
    names = [command["command"] for command in english]
    assert names == [
        "start",
        "help",
        "cases",
        "case",
        "mycases",
        "act",
        "deadlines",
        "reminders",
        "timezone",
        "remindbefore",
        "language",
        "privacy",
        "forget",
        "cancel",
    ]
    russian = {c["command"]: c["description"] for c in api.commands(language_code="ru")}
    kazakh = {c["command"]: c["description"] for c in api.commands(language_code="kk")}
    assert russian["language"] == "Сменить язык"
    assert kazakh["language"] == "Тілді ауыстыру"
    groups = api.commands(language_code="ru", scope={"type": "all_group_chats"})
    assert [command["command"] for command in groups] == ["start", "help", "cases", "case"]
    for code in ("en", "ru", "kk"):
        assert api.description(code) and api.short_description(code)
    assert api.description("ru") != api.description("en") != api.description("kk")


async def test_staff_get_their_own_menu(bot: RunningBot) -> None:
    admin = await bot.user_with_role(0, Role.ADMIN)
    assert (await admin.ask("/grant")).text.startswith("Send the Telegram user id")
    await admin.ask("/cancel")
    await bot.user(105, "ru").ask("/start")
    await admin.ask("/grant 105")
    menu = [c["command"] for c in bot.api.commands(scope={"type": "chat", "chat_id": 105})]
    assert "start" in menu and "grant" not in menu
