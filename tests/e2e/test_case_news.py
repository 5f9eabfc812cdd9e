"""News of a case, end to end: a coordinator posts it with /update, or imports it with
``--notify``; it joins the case's timeline and reaches the case's followers in their language."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.application import serving
from bot.config import Settings
from bot.domain.content import Event, load_content, write_content
from bot.domain.roles import Role
from sandbox.local_api import LocalBotApi
from tests.e2e.conftest import RunningBot, message_starting
from tests.e2e.processes import environment, run_cli

CASE = "iskander-yerimbetov"


async def test_news_reaches_the_followers_in_their_language(bot: RunningBot) -> None:
    readers = await bot.readers(4)  # ru, kk, en, ru
    for reader in readers[:3]:
        await bot.application.services.subscriptions.follow(reader.id, CASE)
    coordinator = await bot.user_with_role(600, Role.COORDINATOR)
    choice = await coordinator.ask("/update Yerimbetov")
    assert choice.text == "Which case is the news about?"
    await coordinator.press(choice, "Iskander Yerimbetov")
    (prompt,) = await coordinator.wait_for_replies(1)
    assert prompt.text.startswith("Send the news of Iskander Yerimbetov in Russian")
    await coordinator.ask("Суд назначил заседание на 3 декабря.")
    await coordinator.ask("/skip")
    await coordinator.send("The court set a hearing for 3 December.")
    *previews, confirm = await coordinator.wait_for_replies(3)
    today = datetime.now(UTC).date()
    assert previews[0].text.startswith("Новости дела: Искандер Еримбетов")
    assert previews[1].text.endswith("The court set a hearing for 3 December.")
    assert "Recipients: 3" in confirm.text
    assert "It also joins the case's timeline." in confirm.text
    await coordinator.press(confirm, "Send to 3")
    report = await message_starting(bot.api, coordinator, "News #1: report")
    assert "Delivered: 3" in report.text
    ru, kk, en, bystander = readers
    assert ru.chat.bot_messages[-1].text.endswith("Суд назначил заседание на 3 декабря.")
    kazakh = kk.chat.bot_messages[-1].text
    assert kazakh.startswith("Іс жаңалығы: Іскандер Ерімбетов")
    assert "Суд назначил" in kazakh and "(аударылмаған; тілі: орыс тілі)" in kazakh
    assert en.chat.bot_messages[-1].text.endswith("The court set a hearing for 3 December.")
    assert not any("Суд назначил" in m.text for m in bystander.chat.bot_messages)
    case = await bot.application.services.cases.get(CASE)
    assert case is not None and case.updated == today
    assert case.timeline[-1].event == {
        "ru": "Суд назначил заседание на 3 декабря.",
        "en": "The court set a hearing for 3 December.",
    }
    card = await kk.ask("Ерімбетов")
    await kk.press(card, "Хронология")
    (timeline,) = await kk.wait_for_replies(1)
    assert "Суд назначил заседание на 3 декабря. (аударылмаған; тілі: орыс тілі)" in timeline.text
    hits = await bot.application.services.cases.index.search("заседание декабря")
    assert hits[0].case_id == CASE
    assert "followers of Iskander Yerimbetov" in (await coordinator.ask("/appeals")).text


async def test_choosing_the_case_by_name_and_bad_input(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(601, Role.COORDINATOR, language_code="ru")
    question = await coordinator.ask("/update")
    assert question.text == "О каком деле новость? Отправьте имя."
    nothing = await coordinator.ask("Zzyzx")
    assert nothing.text == "По запросу «Zzyzx» дел не найдено. Отправьте другое имя."
    choice = await coordinator.ask("Бокаев")
    await coordinator.press(choice, "Макс Бокаев")
    await coordinator.wait_for_replies(1)
    too_long = await coordinator.ask("слово " * 800)
    # The count takes its plural form and CLDR's grouping (a no-break space).
    assert too_long.text.startswith(
        "В этом тексте 4\u00a0844 символа, а Telegram допускает не больше 4\u00a0096."
    )
    assert (await coordinator.ask("   ")).text.startswith("Текст пуст.")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    await coordinator.send("/skip")
    again = await coordinator.wait_for_replies(2)
    assert again[0].text == "Нужен хотя бы один текст. Начнём заново."
    cancelled = await coordinator.ask("/cancel")
    assert cancelled.text == "Отменено."
    case = await bot.application.services.cases.get("max-bokayev")
    assert case is not None and all(e.source for e in case.timeline)  # nothing was added


async def test_only_coordinators_post_news(bot: RunningBot) -> None:
    reader = bot.user(602, "en")
    refused = await reader.ask("/update Yerimbetov")
    assert refused.text == "Sorry, this is not available to you."


async def test_imported_news_reaches_the_followers(bot: RunningBot, tmp_path: Path) -> None:
    readers = await bot.readers(2)
    for reader in readers:
        await bot.application.services.subscriptions.follow(reader.id, CASE)
    content = await bot.application.services.cases.content()
    case = content.cases[CASE]
    news = Event(
        date="2026-11-20",
        event={"en": "Moved to another colony.", "ru": "Переведён в другую колонию."},
        source="osce-pa-letter-2018-02-23",
    )
    changed = replace(
        content, cases=content.cases | {CASE: replace(case, timeline=(*case.timeline, news))}
    )
    write_content(changed, tmp_path / "content")
    assert load_content(tmp_path / "content").cases[CASE].timeline[-1] == news
    env = environment(bot.api, bot.settings.database)
    code, out, _err = await run_cli("import", str(tmp_path / "content"), "--notify", env=env)
    assert code == 0 and "queued 2 messages of news" in out
    bot.application.services.delivery.wake()
    ru, kk = readers
    await bot.api.wait_until(
        lambda: (
            any("Переведён" in m.text for m in ru.chat.bot_messages)
            and any(
                m.text.endswith("(аударылмаған; тілі: орыс тілі)") for m in kk.chat.bot_messages
            )
        ),
        timeout=15,
    )
    code, out, _err = await run_cli("import", str(tmp_path / "content"), "--notify", env=env)
    assert code == 0 and "queued 0 messages" in out  # the same entry is not news twice


async def test_imported_news_is_picked_up_at_once_and_can_be_stopped(
    api: LocalBotApi, settings: Settings, tmp_path: Path
) -> None:
    """Nobody wakes the engine for news another process queued: the bot finds it within a
    second or so. It holds up no appeal, and /appeals shows it with its progress and a Stop
    button (it has no author to report to)."""
    slow = replace(settings, broadcast_rate=2.0)
    async with serving(slow) as application:
        bot = RunningBot(api=api, application=application, settings=slow)
        readers = await bot.readers(12)
        for reader in readers:
            await application.services.subscriptions.follow(reader.id, CASE)
        content = await application.services.cases.content()
        case = content.cases[CASE]
        news = Event(date="2026-11-21", event={"en": "A new hearing.", "ru": "Новое заседание."})
        changed = replace(
            content, cases=content.cases | {CASE: replace(case, timeline=(*case.timeline, news))}
        )
        write_content(changed, tmp_path / "content")
        env = environment(api, slow.database)
        code, out, _err = await run_cli("import", str(tmp_path / "content"), "--notify", env=env)
        assert code == 0 and "queued 12 messages of news" in out

        def told() -> int:
            return sum(
                any("заседание" in m.text or "hearing" in m.text for m in r.chat.bot_messages)
                for r in readers
            )

        await api.wait_until(lambda: told() > 0, timeout=2.5)
        coordinator = await bot.user_with_role(610, Role.COORDINATOR)
        assert (await coordinator.ask("/appeal")).text.startswith("Send the text of the appeal")
        await coordinator.ask("/cancel")
        listing = await coordinator.ask("/appeals")
        assert "news imported from files" in listing.text
        assert "▓" in listing.text or "░" in listing.text
        (broadcast,) = await application.services.broadcasts.active()
        assert listing.button_texts == [[f"Stop #{broadcast.id}"]]
        stop = await coordinator.press(listing, f"Stop #{broadcast.id}")
        answer = await stop.wait_answer()
        assert answer.text is not None and answer.text.startswith("Stopped:")
        await asyncio.sleep(1.5)
        assert 0 < told() < len(readers)
