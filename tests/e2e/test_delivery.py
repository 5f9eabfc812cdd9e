"""The delivery engine through the local Bot API server: Telegram's flood answers, blocked
recipients, stopping, priority of replies, bad appeal texts, and ``kill -9`` mid-broadcast."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.application import serving
from bot.config import Settings
from bot.delivery.engine import CLAIM_AHEAD, SETTLE_EVERY
from bot.domain.broadcasts import ALL_LOCALES, Kind, Progress
from bot.domain.roles import Role
from sandbox.local_api import FloodLimits, LocalBotApi, Outage, SimMessage, SimUser
from storage.broadcasts import insert_personal
from storage.location import DatabaseLocation
from tests.e2e.conftest import ADMIN_ID, RunningBot, message_starting
from tests.e2e.processes import bot_process
from tests.stored import rows

APPEAL = {"en": "Write to the prosecutor", "ru": "Напишите прокурору", "kk": "Прокурорға жазыңыз"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Faster than the default 25 per second, still paced."""
    return dataclasses.replace(settings, broadcast_rate=200.0)


async def _broadcast(bot: RunningBot, audience: str = ALL_LOCALES) -> tuple[int, int]:
    """Queue an appeal as the confirm button does, and wake the engine."""
    services = bot.application.services
    created = await services.broadcasts.create(
        kind="appeal", author_id=1, audience=audience, html_by_locale=APPEAL, details={}
    )
    services.delivery.wake()
    return created


async def _finished(bot: RunningBot, broadcast_id: int) -> Progress:
    """Wait until no message of the broadcast is queued or in flight."""
    outbox = bot.application.services.outbox
    for _ in range(1000):
        progress = await outbox.progress(broadcast_id)
        if progress.finished:
            return progress
        await asyncio.sleep(0.02)
    raise TimeoutError(f"broadcast {broadcast_id} did not finish: {progress}")


def _appeals_received(reader: SimUser) -> list[SimMessage]:
    return [m for m in reader.chat.bot_messages if m.text in APPEAL.values()]


async def test_a_429_storm_delays_but_loses_nothing(bot: RunningBot) -> None:
    readers = await bot.readers(60)
    bot.api.flood = FloodLimits(storm_fraction=0.1, retry_after=1, seed=7)
    broadcast_id, total = await _broadcast(bot)
    for reader in readers:
        await bot.api.wait_until(lambda r=reader: _appeals_received(r), timeout=20)
    storm = [r for r in bot.api.flood_control.refused if r.reason == "storm"]
    assert storm, "the storm must have hit"
    assert bot.api.flood_control.early_retries() == []  # nothing before its retry_after
    assert all(len(_appeals_received(reader)) == 1 for reader in readers)
    progress = await _finished(bot, broadcast_id)
    assert (progress.sent, progress.failed, progress.unknown) == (total, 0, 0)


async def test_blocked_recipients_are_marked_and_skipped(bot: RunningBot) -> None:
    readers = await bot.readers(9)
    for reader in readers[:3]:
        await reader.block()
    await readers[1].deactivate()
    broadcast_id, total = await _broadcast(bot)
    progress = await _finished(bot, broadcast_id)
    assert (progress.sent, progress.blocked) == (total - 3, 3)
    users = bot.application.services.users
    assert [(await users.get(r.id)).blocked for r in readers[:4]] == [True, True, True, False]
    # Nothing more goes to them: the next appeal's audience leaves them out.
    assert await bot.application.services.broadcasts.audience_size(ALL_LOCALES) == total - 3
    # Writing to the bot again makes a reader reachable again.
    await readers[0].unblock()
    await readers[0].ask("/help")
    assert not (await users.get(readers[0].id)).blocked


async def test_replies_keep_priority_during_a_broadcast(
    api: LocalBotApi, settings: Settings, tmp_path: Path
) -> None:
    slow = dataclasses.replace(settings, broadcast_rate=10.0)
    async with serving(slow) as application:
        bot = RunningBot(api=api, application=application, settings=slow)
        await bot.readers(40)
        broadcast_id, _ = await _broadcast(bot)
        asker = bot.user(999, "en")
        reply = await asker.ask("/help")
        assert "/start" in reply.text
        progress = await bot.application.services.outbox.progress(broadcast_id)
        assert progress.pending > 0, "the reply came while the broadcast was still going"


async def test_stop_cancels_the_rest_and_reports(bot: RunningBot) -> None:
    await bot.readers(30)
    coordinator = await bot.user_with_role(700, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("Write to the prosecutor")
    await coordinator.press(audience, callback_data="appeal:to:all")
    confirm = (await coordinator.wait_for_replies(2))[-1]
    bot.api.flood = FloodLimits(global_per_second=5)  # Telegram slows the broadcast down
    await coordinator.press(confirm, callback_data="appeal:send")
    # The coordinator is among the recipients: the appeal may arrive before its progress.
    progress_message = await message_starting(bot.api, coordinator, "Appeal #1\n")
    assert progress_message.button_texts == [["Stop"]]
    stop = await coordinator.press(progress_message, "Stop")
    answer = await stop.wait_answer()
    assert answer.text and answer.text.startswith("Stopped:")
    report = await message_starting(bot.api, coordinator, "Appeal #1: report")
    cancelled = _count(report, "Stopped before sending:")
    delivered = _count(report, "Delivered:")
    assert cancelled > 0
    assert delivered + cancelled == 31


def _count(report: SimMessage, label: str) -> int:
    """The number after ``label`` in a report."""
    return int(report.text.split(label, 1)[1].split()[0])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("<b> </b>", "This text is empty."),
        ("<foo>hi</foo>", "Telegram cannot show this text: Unsupported start tag"),
        ("<b>bold", "Telegram cannot show this text: Can't find end tag"),
        ("x &nbsp; y", "Telegram cannot show this text: Unsupported character entity"),
        ("я" * 4097, "This text is 4,097 characters long; Telegram allows 4,096."),
    ],
)
async def test_bad_texts_are_explained_before_anything_is_sent(
    bot: RunningBot, text: str, says: str
) -> None:
    coordinator = await bot.user_with_role(701, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    reply = await coordinator.ask(text)
    assert reply.text.startswith(says), reply.text
    # The question stays open: a good text is taken.
    assert (await coordinator.ask("Хорошо")).text.startswith("Send the text of the appeal in")


async def test_a_photo_instead_of_a_text(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(702, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.send_photo()
    (reply,) = await coordinator.wait_for_replies(1)
    assert reply.text == "Please send a text message, or /skip."


async def test_no_second_appeal_while_one_is_sent(bot: RunningBot) -> None:
    await bot.readers(3)
    coordinator = await bot.user_with_role(703, Role.COORDINATOR)
    services = bot.application.services
    async with services.db.transaction():  # queued and all on the wire: it cannot finish now
        await _broadcast(bot)
        await services.outbox.claim(100, now=1e12)
    reply = await coordinator.ask("/appeal")
    assert reply.text.startswith("An appeal is being sent right now.")
    assert "It should end within a minute." in reply.text


async def test_a_refused_send_keeps_the_draft_and_says_when(bot: RunningBot) -> None:
    await bot.readers(3)
    coordinator = await bot.user_with_role(706, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("Mine")
    await coordinator.press(audience, callback_data="appeal:to:all")
    confirm = (await coordinator.wait_for_replies(2))[-1]
    services = bot.application.services
    async with services.db.transaction():  # another appeal, all on the wire
        other, _ = await _broadcast(bot)
        await services.outbox.claim(100, now=1e12)
    await coordinator.press(confirm, callback_data="appeal:send")
    (refused,) = await coordinator.wait_for_replies(1)
    assert refused.text.startswith("Another appeal is being sent right now, so yours was not sent.")
    assert "press Send again once that one has ended" in refused.text
    assert "It should end within a minute." in refused.text
    assert bot.application.user_data[706]["appeal"]["texts"] == {"en": "Mine"}
    # Still there to press again.
    assert confirm.button_texts == [["Send to 4"], ["Ask recipients to act…"], ["Cancel"]]
    await services.outbox.recover()  # the other one ends: its rows' fate is unknown
    for _ in range(100):
        if not await services.broadcasts.authored_active():
            break
        await asyncio.sleep(0.1)
    await coordinator.press(confirm, callback_data="appeal:send")
    await message_starting(bot.api, coordinator, f"Appeal #{other + 1}\n")
    # The coordinator is a recipient too: the appeal may come before the step ends.
    await bot.api.wait_until(lambda: "appeal" not in bot.application.user_data[706], timeout=5)


async def test_an_appeal_with_only_one_language_goes_to_all(bot: RunningBot) -> None:
    readers = await bot.readers(3)
    coordinator = await bot.user_with_role(704, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("Только по-русски")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("/skip")
    assert audience.text == "Who should receive the appeal?"
    await coordinator.press(audience, callback_data="appeal:to:kk")
    confirm = (await coordinator.wait_for_replies(2))[-1]
    assert "Recipients: 1" in confirm.text
    await coordinator.press(confirm, callback_data="appeal:send")
    kazakh = readers[1]
    await bot.api.wait_until(
        lambda: any(m.text == "Только по-русски" for m in kazakh.chat.bot_messages), timeout=10
    )
    assert not any(m.text == "Только по-русски" for m in readers[0].chat.bot_messages)


async def test_a_broadcast_survives_kill_9(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation]
) -> None:
    """Kill the bot mid-broadcast; on restart it resumes by itself. Nothing confirmed as sent
    is sent again, nobody is skipped silently, and the unknown ones are the coordinator's call."""
    database = new_database("bot.sqlite3")
    readers = [api.user(30_000 + i, language_code="en") for i in range(80)]
    coordinator = api.user(ADMIN_ID, language_code="en")
    async with bot_process(api, database, broadcast_rate=40) as process:
        for reader in readers:
            await reader.ask("/start", timeout=10)
        await coordinator.ask("/appeal", timeout=10)
        await coordinator.ask("/skip")
        await coordinator.ask("/skip")
        audience = await coordinator.ask("Write to the prosecutor")
        await coordinator.press(audience, callback_data="appeal:to:all")
        confirm = (await coordinator.wait_for_replies(2))[-1]
        await coordinator.press(confirm, callback_data="appeal:send")
        await api.wait_until(
            lambda: sum(bool(_appeals_received(r)) for r in readers) >= 25, timeout=20
        )
        process.kill()
        await process.wait()
    before_restart = sum(bool(_appeals_received(r)) for r in readers)
    async with bot_process(api, database, broadcast_rate=40):
        report = await message_starting(api, coordinator, "Appeal #1: report")
        counts = Counter(len(_appeals_received(r)) for r in readers)
        assert set(counts) <= {0, 1}, "nobody gets the appeal twice"
        unknown = _count(report, "Fate unknown (in flight when the bot stopped abruptly):")
        # At most what was claimed ahead, sent but not yet recorded, or on the wire.
        assert unknown <= math.ceil(40 * (CLAIM_AHEAD + SETTLE_EVERY)) + 2
        unknown_chats = {
            chat for (chat,) in rows(database, "SELECT chat_id FROM outbox WHERE state = 'unknown'")
        }
        assert len(unknown_chats) == unknown
        missed = {r.id for r in readers if not _appeals_received(r)}
        assert missed <= unknown_chats, "whoever got nothing is reported as unknown"
        recipients = len(readers) + 1  # the coordinator is a reader too
        assert _count(report, "Delivered:") + unknown == recipients
        assert counts[1] > before_restart, "the broadcast resumed by itself"
        if unknown:
            await coordinator.press(report, callback_data="appeal:leave:1")
            (reply,) = await coordinator.wait_for_replies(1)
            assert reply.text.endswith("stays unsent.") or reply.text.endswith("stay unsent.")


async def test_unknown_fates_can_be_resent(bot: RunningBot) -> None:
    readers = await bot.readers(4)
    coordinator = await bot.user_with_role(705, Role.COORDINATOR)
    services = bot.application.services
    async with services.db.transaction():  # one transaction: the engine cannot claim first
        broadcast_id, _ = await services.broadcasts.create(
            kind="appeal",
            author_id=coordinator.id,
            audience="ru",
            html_by_locale=APPEAL,
            details={},
        )
        # As if the bot had died with these two on the wire: claimed, then recovered at start.
        in_flight = await services.outbox.claim(2, now=1e12)
    assert await services.outbox.recover() == 2
    report = await message_starting(bot.api, coordinator, f"Appeal #{broadcast_id}: report")
    assert _count(report, "Fate unknown (in flight when the bot stopped abruptly):") == 2
    await coordinator.press(report, "Resend 2")
    (reply, progress) = await coordinator.wait_for_replies(2)
    assert reply.text == "Resending 2 messages."
    assert progress.text.startswith(f"Appeal #{broadcast_id}")
    resent = {delivery.chat_id for delivery in in_flight}
    for reader in readers:
        if reader.id in resent:
            await bot.api.wait_until(lambda r=reader: _appeals_received(r), timeout=10)
    assert (await _finished(bot, broadcast_id)).unknown == 0


async def test_failed_messages_can_be_resent_from_the_report(
    api: LocalBotApi, settings: Settings
) -> None:
    impatient = dataclasses.replace(settings, broadcast_retry_budget=0.5)
    async with serving(impatient) as application:
        bot = RunningBot(api=api, application=application, settings=impatient)
        readers = await bot.readers(3)
        coordinator = await bot.user_with_role(706, Role.COORDINATOR)
        api.outage = Outage(status=502, chats=frozenset(reader.id for reader in readers))
        broadcast_id, total = await application.services.broadcasts.create(
            kind="appeal",
            author_id=coordinator.id,
            audience=ALL_LOCALES,
            html_by_locale=APPEAL,
            details={},
        )
        application.services.delivery.wake()
        report = await message_starting(api, coordinator, f"Appeal #{broadcast_id}: report")
        assert (_count(report, "Delivered:"), _count(report, "Failed:")) == (total - 3, 3)
        assert "• An error on Telegram's side: 3" in report.text  # not Telegram's English
        assert report.text.endswith(
            "The failed messages were not delivered. Resend them, or leave them unsent?"
        )
        assert report.button_texts == [["Resend 3"], ["Leave them unsent"]]

        api.outage = None  # Telegram is back
        await coordinator.press(report, "Resend 3")
        (reply, _progress) = await coordinator.wait_for_replies(2)
        assert reply.text == "Resending 3 messages."
        for reader in readers:
            await api.wait_until(lambda r=reader: _appeals_received(r), timeout=10)
        await api.wait_until(lambda: len(_reports(coordinator, broadcast_id)) == 2, timeout=10)
        again = _reports(coordinator, broadcast_id)[-1]
        assert (_count(again, "Delivered:"), _count(again, "Failed:")) == (total, 0)
        assert again.button_texts == []
        assert [len(_appeals_received(reader)) for reader in readers] == [1, 1, 1]
        assert len(_appeals_received(coordinator)) == 1


def _reports(author: SimUser, broadcast_id: int) -> list[SimMessage]:
    """The reports of a broadcast in its author's chat."""
    heading = f"Appeal #{broadcast_id}: report"
    return [m for m in author.chat.bot_messages if m.text.startswith(heading)]


async def test_above_30_per_second_appeals_go_as_paid_broadcasts(
    api: LocalBotApi, settings: Settings
) -> None:
    for rate, paid in ((200.0, True), (25.0, False)):
        paced = dataclasses.replace(settings, broadcast_rate=rate)
        async with serving(paced) as application:
            bot = RunningBot(api=api, application=application, settings=paced)
            readers = await bot.readers(3, first_id=21_000 if paid else 22_000)
            broadcast_id, _ = await _broadcast(bot)
            await _finished(bot, broadcast_id)
        appeals = [message for reader in readers for message in _appeals_received(reader)]
        assert [message.paid_broadcast for message in appeals] == [paid] * 3
        replies = [m for reader in readers for m in reader.chat.bot_messages if m not in appeals]
        assert replies and not any(message.paid_broadcast for message in replies)


async def test_only_its_author_or_an_admin_stops_a_broadcast_or_resends(
    api: LocalBotApi, settings: Settings
) -> None:
    slow = dataclasses.replace(settings, broadcast_rate=3.0)  # the appeal takes a while
    async with serving(slow) as application:
        bot = RunningBot(api=api, application=application, settings=slow)
        await bot.readers(30)
        author = await bot.user_with_role(720, Role.COORDINATOR)
        other = await bot.user_with_role(721, Role.COORDINATOR)
        admin = await bot.user_with_role(0, Role.ADMIN)
        services = application.services
        broadcast_id, _ = await services.broadcasts.create(
            kind="appeal",
            author_id=author.id,
            audience=ALL_LOCALES,
            html_by_locale=APPEAL,
            details={},
        )
        services.delivery.wake()
        for user, buttons in ((author, [[f"Stop #{broadcast_id}"]]), (other, [])):
            await user.send("/appeals")
            listing = await message_starting(api, user, "Recent appeals")
            assert listing.button_texts == buttons
        await other.send("/language")  # a message of the bot in their own chat to forge on
        picker = await message_starting(api, other, "Choose your language")
        for action in ("stop", "resend", "leave"):
            data = f"appeal:{action}:{broadcast_id}"
            picker.reply_markup["inline_keyboard"][0][0]["callback_data"] = data
            answer = await (await other.press(picker, callback_data=data)).wait_answer()
            assert answer.show_alert
            assert answer.text == (
                "Only the coordinator who sent it, or an administrator, can do this."
            )
        broadcast = await services.broadcasts.get(broadcast_id)
        assert broadcast is not None and broadcast.status == "sending"
        await admin.send("/appeals")
        listing = await message_starting(api, admin, "Recent appeals")
        stop = await admin.press(listing, f"Stop #{broadcast_id}")
        answer = await stop.wait_answer()
        assert answer.text is not None and answer.text.startswith("Stopped:")


async def test_reminders_are_nobodys_to_stop(bot: RunningBot) -> None:
    services = bot.application.services
    coordinator = await bot.user_with_role(722, Role.COORDINATOR)
    async with services.db.transaction() as conn:
        reminder = await insert_personal(conn, Kind.REMINDER, [(coordinator.id, "Soon.")], 0.0)
    await coordinator.send("/language")
    picker = await message_starting(bot.api, coordinator, "Choose your language")
    data = f"appeal:stop:{reminder}"
    picker.reply_markup["inline_keyboard"][0][0]["callback_data"] = data
    answer = await (await coordinator.press(picker, callback_data=data)).wait_answer()
    assert answer.text == "This button is no longer valid. Please start again."
    broadcast = await services.broadcasts.get(reminder)
    assert broadcast is not None and broadcast.status != "stopped"
