"""Simulated users and the feeder that keeps a bounded backlog of updates in front of the bot."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

from sandbox.local_api import LocalBotApi, SimUser

LANGUAGES = ("en", "ru", "kk")
"""Telegram language codes of the simulated users, in turn."""

TEXTS = ("/start", "/help")
"""What the users send; each gets exactly one reply from either bot."""

FIRST_USER_ID = 700_000_001

STALL_TIMEOUT = 30.0
"""Seconds without enough replies after which a run is declared stuck."""


def make_users(api: LocalBotApi, count: int) -> list[SimUser]:
    """``count`` users with private chats, their languages cycling through :data:`LANGUAGES`."""
    return [
        api.user(
            FIRST_USER_ID + index, f"User {index}", language_code=LANGUAGES[index % len(LANGUAGES)]
        )
        for index in range(count)
    ]


def messages(users: list[SimUser], seed: int) -> Iterator[tuple[SimUser, str]]:
    """An endless, reproducible stream of (sender, text): random users, random commands."""
    rng = random.Random(seed)
    while True:
        yield rng.choice(users), rng.choice(TEXTS)


async def feed(
    api: LocalBotApi,
    stream: Iterator[tuple[SimUser, str]],
    count: int,
    backlog: int,
) -> float:
    """Queue ``count`` updates, never more than ``backlog`` unanswered; wait for every reply.

    The backlog is topped up in batches whenever half of it has been answered, so the bot
    always finds work on its next getUpdates. Returns the wall seconds from the first update
    queued to the last reply received.
    """
    base = api.sent_count
    low_water = backlog // 2
    queued = 0
    started = time.perf_counter()
    while True:
        answered = api.sent_count - base
        for _ in range(min(backlog - (queued - answered), count - queued)):
            user, text = next(stream)
            await user.send(text)
            queued += 1
        await wait_for_replies(api, base, count if queued == count else queued - low_water)
        if queued == count:
            return time.perf_counter() - started


async def wait_for_replies(api: LocalBotApi, base: int, replies: int) -> None:
    """Wait until the bot has sent ``replies`` messages since the count was ``base``."""
    await api.wait_until(lambda: api.sent_count - base >= replies, STALL_TIMEOUT)
