"""Bounded input: what files and coordinators give the bot fits every message it builds from
it; a list too long for one message comes in several; text from files is shown as text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.content import Deadline, Event
from bot.domain.members import Member
from bot.domain.roles import Role
from bot.domain.telegram_html import MAX_MESSAGE_LENGTH, utf16_len
from tests.e2e.conftest import RunningBot

CASE = "aron-atabek"


async def test_a_long_timeline_comes_in_several_messages(bot: RunningBot) -> None:
    cases = bot.application.services.cases
    for day in range(1, 6):
        entry = f"Entry {day}. " + "word " * 370  # some 1,860 characters each
        event = Event(date=f"2026-01-0{day}", event={"en": entry})
        await cases.add_event(CASE, event, datetime.now(UTC).date())
    reader = bot.user(1100, "en")
    card = await reader.ask("/case Atabek")
    await reader.press(card, "Timeline")
    parts = await reader.wait_for_replies(3)
    assert all(utf16_len(part.text) <= MAX_MESSAGE_LENGTH for part in parts)
    shown = "\n".join(part.text for part in parts)
    assert all(f"Entry {day}." in shown for day in range(1, 6))


async def test_a_long_roster_listing_comes_in_several_messages(bot: RunningBot) -> None:
    members = bot.application.services.members
    long = [
        Member("S" * 60 + str(i), "G" * 60, "p" * 30, "C" * 60, "SOC", "PACE") for i in range(30)
    ]
    await members.import_roster(long)
    coordinator = await bot.user_with_role(1101, Role.COORDINATOR)
    await coordinator.send("/members SSSS")
    parts = await coordinator.wait_for_replies(2)
    assert all(utf16_len(part.text) <= MAX_MESSAGE_LENGTH for part in parts)
    assert sum(part.text.count("G" * 60) for part in parts) == 30


async def test_a_deadline_title_with_markup_characters_is_shown_as_written(
    bot: RunningBot,
) -> None:
    title = "Hearing <moved> & more"
    deadline = Deadline(
        id="odd-title",
        title={"en": title, "ru": title, "kk": title},
        moment=datetime.now(UTC) + timedelta(days=3),
        zone="Asia/Almaty",
        action={"en": "Write.", "ru": "Пишите.", "kk": "Жазыңыз."},
    )
    await bot.application.services.cases.deadlines.add(CASE, deadline)
    coordinator = await bot.user_with_role(1102, Role.COORDINATOR)
    listing = await coordinator.ask("/editdeadlines")
    await coordinator.press(listing, callback_data=listing.buttons[0][0]["callback_data"])
    (choice,) = await coordinator.wait_for_replies(1)
    assert choice.text == f"“{title}”: move it, or cancel it?"


async def test_coordinators_texts_keep_the_files_limits(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(1103, Role.COORDINATOR)
    services = bot.application.services
    (sutter,) = await services.members.search("Sutter")
    too_long = await coordinator.ask(f"/editmember {sutter.id} surname {'X' * 61}")
    assert too_long.text == "This is too long: at most 60 characters."
    assert (await services.members.get(sutter.id)) == sutter
    title = "T" * 301
    refused = await coordinator.ask(f"/newdeclaration 720 {sutter.id}\n{title}\nFree them.")
    assert refused.text == "The title is too long: at most 300 characters."
    assert await services.declarations.get(720) is None
    choice = await coordinator.ask("/update Atabek")
    await coordinator.press(choice, callback_data=f"appeal:case:{CASE}")
    await coordinator.wait_for_replies(1)
    news = await coordinator.ask("слово " * 400)  # 2,400 characters: a message, not an entry
    assert news.text == (
        "This news is 2,399 characters long; an entry of a case's timeline may have at most "
        "2,000. Shorten it and send it again."
    )


async def test_a_case_card_always_fits(bot: RunningBot) -> None:
    """The longest card the limits allow goes out whole."""
    cases = bot.application.services.cases
    content = await cases.content()
    case = content.cases[CASE]
    longest = replace(
        case,
        name={locale: "N" * 120 for locale in ("en", "ru", "kk")},
        detention={locale: "д" * 500 for locale in ("en", "ru", "kk")},
        charges={locale: "c" * 500 for locale in ("en", "ru", "kk")},
        sentence={locale: "s" * 500 for locale in ("en", "ru", "kk")},
        brief={locale: "b" * 1_000 for locale in ("en", "ru", "kk")},
    )
    await cases.upsert(replace(content, cases={CASE: longest}))
    reader = bot.user(1104, "ru")
    await reader.send("/start case-aron-atabek")
    (card,) = await reader.wait_for_replies(1)
    assert card.text.startswith("N" * 120) and utf16_len(card.text) <= MAX_MESSAGE_LENGTH
