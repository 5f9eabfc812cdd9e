"""A tour of the bot in Russian and in Kazakh: a reader, a coordinator and a member of
parliament go through the common flows, so that the preview of each language
(artifacts/preview/, README.md, "Translating") holds the whole bot, and no English sentence
slips into what a reader of Russian or Kazakh sees."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.declarations import Declaration, RuleSettings, Status
from bot.domain.reminders import LEADS_EXAMPLES
from bot.domain.roles import Role
from sandbox.local_api import SimMessage, SimUser
from tests.e2e.conftest import RunningBot, message_starting
from tests.e2e.test_declarations import bound_member, member_named

CASE = "iskander-yerimbetov"
TEXTS = {
    "ru": ("Напишите в прокуратуру сегодня.", "Суд назначил заседание на 3 декабря."),
    "kk": ("Бүгін прокуратураға жазыңыз.", "Сот отырысты 3 желтоқсанға белгіледі."),
}
LEADS = {
    "ru": "Напоминания приходят за 7 дней, за 1 день и за 2 часа до каждого срока.",
    "kk": "Еске салулар әр мерзімнен 7 күн бұрын, 1 күн бұрын, 2 сағат бұрын келеді.",
}
REPORT = {"ru": "Обращение № 1: отчёт", "kk": "№ 1 үндеу: есеп"}
AUTHORITATIVE = "We call for the release of every political prisoner in Kazakhstan."
"""The English text of the tour's declaration, which a member may ask to read."""
ENGLISH = re.compile(r"\b(the|and|is|of|to|your?|this|that|with|for)\b", re.IGNORECASE)
"""English function words: none belongs in a Russian or Kazakh message..."""
DATA = re.compile(rf"/\w+|https?://\S+|Write to the court\.|{re.escape(AUTHORITATIVE)}")
"""...but in commands, links and what the tour itself writes in English."""


def data(message: SimMessage, prefix: str) -> str:
    """The callback data of the first button of ``message`` whose data starts so."""
    for row in message.buttons:
        for button in row:
            if button.get("callback_data", "").startswith(prefix):
                return str(button["callback_data"])
    raise LookupError(f"no button {prefix!r} in {message.button_texts}")


async def press(user: SimUser, message: SimMessage, prefix: str, replies: int = 1) -> None:
    """Press the button whose data starts with ``prefix`` and wait for ``replies`` messages."""
    await user.press(message, callback_data=data(message, prefix))
    await user.wait_for_replies(replies)


async def reader_tour(bot: RunningBot, language: str) -> SimUser:
    reader = bot.user(9100, language)
    for command in ("/start", "/help", "/cases", "/mycases", "/act", "/privacy"):
        await reader.ask(command)
    card = await reader.ask("Yerimbetov")
    for part in ("timeline", "sources", "account"):
        await press(reader, card, f"case:{CASE}:{part}")
    await reader.press(card, callback_data=f"case:{CASE}:follow")
    await reader.wait_for_edit(card)
    await reader.ask("/timezone Europe/Berlin")
    await reader.ask(f"/remindbefore {LEADS_EXAMPLES[language]}")
    settings = await reader.ask("/reminders")
    assert LEADS[language] in settings.text  # the leads as CLDR lists them
    await reader.ask("/remindbefore 5s")
    actions = await reader.ask("/act")
    await press(reader, actions, "act:")  # the first action's card
    return reader


async def coordinator_tour(bot: RunningBot, language: str) -> SimUser:
    coordinator = await bot.user_with_role(9101, Role.COORDINATOR, language)
    appeal, news = TEXTS[language]
    choose = await coordinator.ask("/newdeadline Yerimbetov")
    await press(coordinator, choose, f"deadline:case:{CASE}")
    await coordinator.ask("2099-03-30 10:00")
    await coordinator.ask("Апелляция\nНапишите в суд.")
    await coordinator.ask("Апелляция\nСотқа жазыңыз.")
    preview = await coordinator.ask("Appeal\nWrite to the court.")
    await press(coordinator, preview, "deadline:save")
    listing = await coordinator.ask("/editdeadlines")
    await press(coordinator, listing, "deadline:pick:")
    await press(coordinator, coordinator.chat.bot_messages[-1], "deadline:move")
    await coordinator.ask("2099-03-31 10:00")
    await coordinator.ask("/appeal")
    await coordinator.ask(appeal)
    await coordinator.ask(appeal)
    fallback = await coordinator.ask("/skip")
    await press(coordinator, fallback, "appeal:fallback:")
    audience = coordinator.chat.bot_messages[-1]
    await press(coordinator, audience, "appeal:to:all", replies=3)
    await press(coordinator, coordinator.chat.bot_messages[-1], "appeal:send")
    await message_starting(bot.api, coordinator, REPORT[language])
    await coordinator.ask("/appeals")
    await coordinator.ask("/coverage")
    choice = await coordinator.ask("/update Yerimbetov")
    await press(coordinator, choice, f"appeal:case:{CASE}")
    await coordinator.ask(news)
    await coordinator.ask("/skip")
    await coordinator.send("/skip")
    await coordinator.wait_for_replies(2)
    return coordinator


async def member_tour(bot: RunningBot, coordinator: SimUser, language: str) -> SimUser:
    services = bot.application.services
    declaration = Declaration(
        number=700,
        assembly="PACE",
        title={
            "en": "Free them",
            "ru": "Свободу политзаключённым",
            "kk": "Саяси тұтқындарға бостандық",
        },
        text={
            "en": AUTHORITATIVE,
            "ru": "Мы призываем освободить всех политзаключённых Казахстана.",
            "kk": "Біз Қазақстандағы барлық саяси тұтқынды босатуға шақырамыз.",
        },
        authoritative="en",
        tabler_id=(await member_named(bot, "Sutter")).id,
        rules=RuleSettings(min_signatures=2, min_delegations=2, min_groups=2),
    )
    assert await services.declarations.create(declaration)
    await coordinator.ask("/members van")
    await coordinator.ask("/opendeclaration 700 2099-12-31")
    await services.declarations.set_status(
        700, Status.OPEN, datetime.now(UTC) + timedelta(days=2, hours=5)
    )
    mp, (_, offer) = await bound_member(bot, coordinator, 9102, "Ven", language)
    await press(mp, offer, "sign:pick:700")
    await press(mp, mp.chat.bot_messages[-1], "sign:original:")
    await press(mp, mp.chat.bot_messages[-2], "sign:name:")
    confirm = mp.chat.bot_messages[-1]
    await mp.press(confirm, callback_data=data(confirm, "sign:confirm:"))
    await mp.wait_for_edit(confirm)
    await mp.ask("/progress 700")
    await coordinator.ask("/progress 700")
    await coordinator.ask("/signatories 700")
    await coordinator.ask("/closedeclaration 700")
    return mp


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_a_tour_of_the_bot(bot: RunningBot, language: str) -> None:
    reader = await reader_tour(bot, language)
    coordinator = await coordinator_tour(bot, language)
    member = await member_tour(bot, coordinator, language)
    await reader.ask("/deadlines")
    for user in (reader, coordinator, member):
        for message in user.chat.bot_messages:
            if (message.html or "").startswith("<pre>"):
                continue  # the signatory block, in the assembly's own (English) format
            labels = [label for row in message.button_texts for label in row]
            text = "\n".join([message.text or message.caption or "", *labels])
            english = ENGLISH.findall(re.sub(DATA, "", text))
            assert not english, f"English in a {language} message: {english}: {text!r}"
