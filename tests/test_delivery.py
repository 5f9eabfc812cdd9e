"""The delivery engine's rules against a real outbox in SQLite, with a scripted sender
(the Telegram side is tested end to end in tests/e2e/test_delivery.py)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest

from bot.delivery.broadcasts import BroadcastMonitor
from bot.delivery.engine import DeliveryEngine, Outcome
from bot.domain.broadcasts import ALL_LOCALES, Fate, Progress, Settlement
from bot.domain.failures import Failure
from bot.domain.retries import RetryPolicy
from sandbox.local_api.flood import busiest
from storage import Database
from storage.broadcasts import Broadcasts
from storage.outbox import Outbox, shares
from storage.users import Users

TEXTS = {"en": "Hello", "ru": "Привет", "kk": "Сәлем"}


class ScriptedSender:
    """Answers each send with the outcome ``script`` gives for (chat, attempt number)."""

    def __init__(self, script: Callable[[int, int], Outcome]) -> None:
        self.script = script
        self.sends: list[tuple[int, str]] = []
        self.attempts: Counter[int] = Counter()
        self.sent_one = asyncio.Event()

    async def send(self, chat_id: int, html: str) -> Outcome:
        self.attempts[chat_id] += 1
        self.sends.append((chat_id, html))
        self.sent_one.set()
        await asyncio.sleep(0)
        return self.script(chat_id, self.attempts[chat_id])


BAD_GATEWAY = Outcome.transient(Failure.TELEGRAM_ERROR, "Bad Gateway")
TIMED_OUT = Outcome.unknown(Failure.TIMEOUT, "timed out")
BAD_MARKUP = Outcome.rejected(Failure.BAD_MARKUP, "can't parse entities")
BLOCKED = Outcome.gone(Failure.BLOCKED, "bot was blocked by the user")
"""What a sender reports, as Telegram's errors come to it."""


async def _queue(db: Database, recipients: dict[int, str]) -> int:
    users = Users(db)
    for user_id, locale in recipients.items():
        await users.touch(user_id, locale, date(2026, 11, 22))
    broadcast_id, total = await Broadcasts(db).create(
        kind="appeal", author_id=1, audience=ALL_LOCALES, html_by_locale=TEXTS, details={}
    )
    assert total == len(recipients)
    return broadcast_id


async def _queue_many(db: Database, count: int) -> int:
    """An appeal to ``count`` readers of English, users 10, 11, …; its broadcast's id."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (user_id, locale, first_seen, last_seen) "
            "VALUES (?, 'en', '2026-11-22', '2026-11-22')",
            [(10 + i,) for i in range(count)],
        )
    broadcast_id, _ = await Broadcasts(db).create(
        kind="appeal", author_id=1, audience=ALL_LOCALES, html_by_locale=TEXTS, details={}
    )
    return broadcast_id


async def _run_until_settled(
    db: Database,
    engine: DeliveryEngine,
    broadcast_id: int,
    timeout: float = 5.0,  # noqa: ASYNC109
) -> Progress:
    stop = asyncio.Event()
    task = asyncio.create_task(engine.run(stop))
    outbox = Outbox(db, Users(db))
    try:
        for _ in range(round(timeout / 0.01)):
            progress = await outbox.progress(broadcast_id)
            if progress.finished:
                return progress
            await asyncio.sleep(0.01)
        raise AssertionError(f"not settled: {progress}")
    finally:
        stop.set()
        await task


async def test_everyone_gets_their_language_once(db: Database) -> None:
    recipients = {10 + i: ("en", "ru", "kk")[i % 3] for i in range(30)}
    broadcast_id = await _queue(db, recipients)
    sender = ScriptedSender(lambda chat, attempt: Outcome.delivered())
    progress = await _run_until_settled(
        db, DeliveryEngine(Outbox(db, Users(db)), sender, rate=None), broadcast_id
    )
    assert (progress.sent, progress.pending, progress.unknown) == (30, 0, 0)
    assert sorted(sender.sends) == sorted((chat, TEXTS[loc]) for chat, loc in recipients.items())
    assert await db.fetchall("SELECT * FROM outbox") == []  # no trace once delivered


async def test_no_message_text_is_kept_once_a_broadcast_is_done(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en", 11: "ru"})
    assert len(await db.fetchall("SELECT id FROM contents")) == 3  # one per locale
    sender = ScriptedSender(lambda chat, attempt: Outcome.delivered())
    await _run_until_settled(
        db, DeliveryEngine(Outbox(db, Users(db)), sender, rate=None), broadcast_id
    )
    broadcasts = Broadcasts(db)
    assert await broadcasts.finish(broadcast_id)
    assert await db.fetchall("SELECT id FROM contents") == []
    _, total = await broadcasts.create(
        kind="appeal", author_id=1, audience="case:nobody", html_by_locale=TEXTS, details={}
    )
    assert total == 0 and await db.fetchall("SELECT id FROM contents") == []


@pytest.mark.sqlite_only  # PostgreSQL never gives an id twice
async def test_a_reused_content_id_never_sends_an_old_text(db: Database) -> None:
    await Users(db).touch(10, "en", date(2026, 11, 22))
    broadcasts, outbox = Broadcasts(db), Outbox(db, Users(db))
    sender = ScriptedSender(lambda chat, attempt: Outcome.delivered())
    engine = DeliveryEngine(outbox, sender, rate=None)  # one engine, its text cache warm
    first_ids = []
    for text in ("First", "Second"):
        html = dict.fromkeys(TEXTS, text)
        broadcast_id, _ = await broadcasts.create(
            kind="reminder", author_id=None, audience=ALL_LOCALES, html_by_locale=html, details={}
        )
        first_ids.append((await db.fetchone("SELECT max(id) FROM contents"))[0])
        await _run_until_settled(db, engine, broadcast_id)
        assert await broadcasts.finish(broadcast_id)  # its texts are deleted: ids free again
    assert first_ids[0] == first_ids[1]  # SQLite gave the second text the same id
    assert [html for _, html in sender.sends] == ["First", "Second"]


async def test_transient_errors_are_retried_then_fail_with_the_reason(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en", 11: "en"})

    def script(chat: int, attempt: int) -> Outcome:
        if chat == 10 and attempt < 2:
            return BAD_GATEWAY
        return BAD_GATEWAY if chat == 11 else Outcome.delivered()

    sender = ScriptedSender(script)
    # Chat 11 fails at 0 s and, one message a second to a chat, at 1 s and 2 s: past the budget.
    retries = RetryPolicy(budget=1.8, backoff=0.01)
    engine = DeliveryEngine(Outbox(db, Users(db)), sender, rate=None, retries=retries)
    progress = await _run_until_settled(db, engine, broadcast_id)
    assert (progress.sent, progress.failed) == (1, 1)
    assert sender.attempts == {10: 2, 11: 3}
    assert await Outbox(db, Users(db)).failure_reasons(broadcast_id) == {Failure.TELEGRAM_ERROR: 1}


async def test_a_rejected_message_is_not_retried(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en"})
    sender = ScriptedSender(lambda chat, attempt: BAD_MARKUP)
    progress = await _run_until_settled(
        db, DeliveryEngine(Outbox(db, Users(db)), sender, rate=None), broadcast_id
    )
    assert (progress.failed, sender.attempts[10]) == (1, 1)


async def test_a_blocked_recipient_gets_nothing_more(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en", 11: "ru"})
    second = (
        await Broadcasts(db).create(
            kind="appeal", author_id=1, audience="en", html_by_locale=TEXTS, details={}
        )
    )[0]
    sender = ScriptedSender(lambda chat, attempt: BLOCKED if chat == 10 else Outcome.delivered())
    progress = await _run_until_settled(
        db, DeliveryEngine(Outbox(db, Users(db)), sender, rate=None), broadcast_id
    )
    assert (progress.sent, progress.blocked) == (1, 1)
    assert sender.attempts[10] == 1  # the second broadcast's message was dropped, not sent
    assert (await Outbox(db, Users(db)).progress(second)).blocked == 1
    assert (await Users(db).get(10)) is not None
    assert (await db.fetchone("SELECT blocked FROM users WHERE user_id = 10"))[0] == 1
    assert await Broadcasts(db).audience_size(ALL_LOCALES) == 1


async def test_retry_after_is_obeyed_without_spending_attempts(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en"})
    sender = ScriptedSender(
        lambda chat, attempt: Outcome.rate_limited(1.5) if attempt == 1 else Outcome.delivered()
    )
    retries = RetryPolicy(budget=0)  # any failure fails at once
    engine = DeliveryEngine(Outbox(db, Users(db)), sender, rate=None, retries=retries)
    loop = asyncio.get_running_loop()
    started = loop.time()
    progress = await _run_until_settled(db, engine, broadcast_id)
    assert progress.sent == 1 and sender.attempts[10] == 2  # a 429 spends no attempt
    assert loop.time() - started >= 1.5  # never before retry_after


async def test_a_timeout_leaves_the_fate_unknown(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en", 11: "en"})
    sender = ScriptedSender(lambda chat, attempt: TIMED_OUT if chat == 10 else Outcome.delivered())
    progress = await _run_until_settled(
        db, DeliveryEngine(Outbox(db, Users(db)), sender, rate=None), broadcast_id
    )
    assert (progress.sent, progress.unknown) == (1, 1)
    assert sender.attempts[10] == 1
    broadcasts = Broadcasts(db)
    assert await broadcasts.leave_unsent(broadcast_id) == 1
    after = await Outbox(db, Users(db)).progress(broadcast_id)
    assert (after.unknown, after.abandoned) == (0, 1)


async def test_rows_in_flight_at_a_crash_become_unknown(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en", 11: "en", 12: "en"})
    outbox = Outbox(db, Users(db))
    claimed = await outbox.claim(2, now=1e12)
    assert len(claimed) == 2
    # The process dies here; the next start recovers.
    assert await outbox.recover() == 2
    progress = await outbox.progress(broadcast_id)
    assert (progress.unknown, progress.pending, progress.in_flight) == (2, 1, 0)
    assert await Broadcasts(db).resend(broadcast_id) == 2
    assert (await outbox.progress(broadcast_id)).pending == 3


async def test_stopping_cancels_what_is_not_sent(db: Database) -> None:
    broadcast_id = await _queue(db, {10 + i: "en" for i in range(20)})
    assert await Broadcasts(db).stop(broadcast_id) == 20
    progress = await Outbox(db, Users(db)).progress(broadcast_id)
    assert (progress.cancelled, progress.pending, progress.finished) == (20, 0, True)


@pytest.mark.parametrize("rate", [50.0, None])
async def test_the_engine_stops_promptly_and_keeps_the_rest_queued(
    db: Database, rate: float | None
) -> None:
    broadcast_id = await _queue(db, {10 + i: "en" for i in range(200)})
    sender = ScriptedSender(lambda chat, attempt: Outcome.delivered())
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryEngine(Outbox(db, Users(db)), sender, rate=rate).run(stop))
    while len(sender.sends) < 10:
        sender.sent_one.clear()
        await sender.sent_one.wait()
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    progress = await Outbox(db, Users(db)).progress(broadcast_id)
    assert progress.in_flight == 0 and progress.unknown == 0
    assert progress.sent == len(sender.sends)
    assert progress.sent + progress.pending == 200


class WallClock:
    """A settable unix time."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_the_retry_budget_counts_from_the_first_failure_across_a_restart(
    db: Database,
) -> None:
    broadcast_id = await _queue(db, {10: "en"})
    sender = ScriptedSender(lambda chat, attempt: BAD_GATEWAY)
    retries = RetryPolicy(budget=60, backoff=10)
    wall = WallClock(1_000.0)
    outbox = Outbox(db, Users(db))
    stop = asyncio.Event()
    first = DeliveryEngine(outbox, sender, rate=None, retries=retries, wall_clock=wall)
    task = asyncio.create_task(first.run(stop))
    query = "SELECT attempts, not_before, failing_since, reason FROM outbox WHERE state = 'pending'"
    for _ in range(500):
        if (row := await db.fetchone(query)) is not None and row[0] == 1:
            break
        await asyncio.sleep(0.01)
    stop.set()  # the bot stops; it starts again a minute later
    await task
    assert tuple(row) == (1, 1_010.0, 1_000.0, "telegram_error")  # its class, not its words

    wall.now = 1_061.0
    second = DeliveryEngine(outbox, sender, rate=None, retries=retries, wall_clock=wall)
    progress = await _run_until_settled(db, second, broadcast_id)
    assert (progress.failed, progress.failed_kept, sender.attempts[10]) == (1, 1, 2)
    assert await outbox.failure_reasons(broadcast_id) == {Failure.TELEGRAM_ERROR: 1}


async def test_resending_takes_failed_and_unknown_messages_off_their_counts(db: Database) -> None:
    broadcast_id = await _queue(db, {10 + i: "en" for i in range(5)})
    reasons = {10: Failure.TELEGRAM_ERROR, 11: Failure.TELEGRAM_ERROR, 12: Failure.NETWORK}

    def script(chat: int, attempt: int) -> Outcome:
        if chat in reasons:
            return Outcome.transient(reasons[chat])
        return TIMED_OUT if chat == 13 else Outcome.delivered()

    sender = ScriptedSender(script)
    engine = DeliveryEngine(Outbox(db, Users(db)), sender, rate=None, retries=RetryPolicy(budget=0))
    outbox, broadcasts = Outbox(db, Users(db)), Broadcasts(db)
    progress = await _run_until_settled(db, engine, broadcast_id)
    assert (progress.sent, progress.failed, progress.failed_kept, progress.unknown) == (1, 3, 3, 1)
    assert await outbox.failure_reasons(broadcast_id) == {
        Failure.TELEGRAM_ERROR: 2,
        Failure.NETWORK: 1,
    }
    assert await broadcasts.finish(broadcast_id)

    assert await broadcasts.resend(broadcast_id) == 4
    again = await outbox.progress(broadcast_id)
    assert (again.sent, again.failed, again.failed_kept, again.unknown, again.pending) == (
        1,
        0,
        0,
        0,
        4,
    )
    assert await outbox.failure_reasons(broadcast_id) == {}
    assert (await broadcasts.get(broadcast_id)).status == "sending"  # type: ignore[union-attr]
    assert await broadcasts.resend(broadcast_id) == 0  # a second press changes nothing

    sender.script = lambda chat, attempt: BAD_GATEWAY if chat == 10 else Outcome.delivered()
    final = await _run_until_settled(db, engine, broadcast_id)
    assert (final.sent, final.failed, final.failed_kept, final.total) == (4, 1, 1, 5)
    assert await outbox.failure_reasons(broadcast_id) == {Failure.TELEGRAM_ERROR: 1}
    assert sender.attempts == {10: 2, 11: 2, 12: 2, 13: 2, 14: 1}  # nothing delivered twice


async def test_leaving_failed_messages_unsent_keeps_them_counted_as_failed(db: Database) -> None:
    broadcast_id = await _queue(db, {10: "en", 11: "en"})
    sender = ScriptedSender(lambda chat, attempt: BAD_GATEWAY if chat == 10 else TIMED_OUT)
    engine = DeliveryEngine(Outbox(db, Users(db)), sender, rate=None, retries=RetryPolicy(budget=0))
    await _run_until_settled(db, engine, broadcast_id)
    broadcasts = Broadcasts(db)
    assert await broadcasts.finish(broadcast_id)
    assert await broadcasts.leave_unsent(broadcast_id) == 2
    progress = await Outbox(db, Users(db)).progress(broadcast_id)
    assert (progress.failed, progress.failed_kept, progress.abandoned, progress.unknown) == (
        1,
        0,
        1,
        0,
    )
    assert await db.fetchall("SELECT * FROM outbox") == []
    assert await db.fetchall("SELECT * FROM contents") == []  # no copy of the text is kept


async def test_a_message_answered_429_goes_out_when_its_retry_after_passes(db: Database) -> None:
    """Not after the rest of the broadcast: that is an hour at 100,000 recipients."""
    broadcast_id = await _queue_many(db, 1000)
    loop = asyncio.get_running_loop()
    times: list[tuple[int, float]] = []

    def script(chat: int, attempt: int) -> Outcome:
        times.append((chat, loop.time()))
        return Outcome.rate_limited(1.0) if (chat, attempt) == (10, 1) else Outcome.delivered()

    sender = ScriptedSender(script)
    engine = DeliveryEngine(Outbox(db, Users(db)), sender, rate=200)
    progress = await _run_until_settled(db, engine, broadcast_id, timeout=30)
    assert progress.sent == 1000
    (_, refused), (second, resent) = [(i, t) for i, (c, t) in enumerate(times) if c == 10]
    assert 1.0 <= resent - refused <= 1.0 + 2.0
    assert second < 600, f"sent after {second} others"


async def test_an_appeal_queued_after_a_long_broadcast_takes_turns_with_it(db: Database) -> None:
    """An urgent appeal does not wait for 1,000 reminders queued before it: they take turns."""
    long_one = await _queue_many(db, 1000)
    appeal, _ = await Broadcasts(db).create(
        kind="appeal", author_id=1, audience=ALL_LOCALES, html_by_locale=TEXTS, details={}
    )
    outbox = Outbox(db, Users(db))
    taken: list[int] = []
    for _ in range(30):
        taken += [delivery.broadcast_id for delivery in await outbox.claim(1, time.time())]
    assert taken.count(appeal) == taken.count(long_one) == 15  # one claim each, in turn


def test_claims_share_their_slots_among_the_broadcasts() -> None:
    assert shares([7, 8, 9], turn=0, slots=2) == [(7, 1), (8, 1)]
    assert shares([7, 8, 9], turn=1, slots=2) == [(8, 1), (9, 1)]
    assert shares([7, 8], turn=5, slots=5) == [(8, 3), (7, 2)]
    assert shares([], turn=0, slots=4) == []
    assert shares([7], turn=3, slots=0) == []


async def test_slots_lost_to_a_busy_cpu_are_made_up_and_no_second_holds_more(
    db: Database,
) -> None:
    broadcast_id = await _queue_many(db, 200)
    loop = asyncio.get_running_loop()
    times: list[float] = []

    def busy(chat: int, attempt: int) -> Outcome:
        times.append(loop.time())
        if len(times) % 5 == 0:
            time.sleep(0.05)  # the CPU is busy elsewhere: the engine wakes up late
        return Outcome.delivered()

    engine = DeliveryEngine(Outbox(db, Users(db)), ScriptedSender(busy), rate=50)
    progress = await _run_until_settled(db, engine, broadcast_id, timeout=30)
    assert progress.sent == 200
    assert (len(times) - 1) / (times[-1] - times[0]) >= 0.95 * 50
    # Seen from the sender, a send starts after its slot by as much as a stall (50 ms).
    assert busiest(times, window=0.95) <= 50


async def test_the_final_rate_is_the_average_while_sending_not_the_last_look(
    db: Database,
) -> None:
    broadcast_id = await _queue_many(db, 175)
    outbox = Outbox(db, Users(db))
    clock = WallClock(0.0)
    monitor = BroadcastMonitor(Broadcasts(db), outbox, clock)
    rates = []
    # 25 per second; the last 25 went out within a second after the look at 6 s.
    for moment, count in ((0, 0), (3, 75), (6, 75), (9, 25)):
        clock.now = moment
        claimed = await outbox.claim(count, now=1e12)
        await outbox.settle([Settlement(delivery, Fate.SENT) for delivery in claimed])
        (snapshot,) = await monitor.look()
        rates.append(snapshot.rate)
    assert snapshot.finished and snapshot.broadcast.id == broadcast_id
    assert rates == [None, 25.0, 25.0, 25.0]  # the last look alone saw 25 in 3 s
