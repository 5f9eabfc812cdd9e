"""Updates of one chat or user in order, of different chats at once (bot/update_order.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.update_order import PerChatOrder, order_keys


def message_update(update_id: int, user_id: int, chat_id: int | None = None) -> Update:
    chat = Chat(chat_id or user_id, Chat.PRIVATE if chat_id is None else Chat.GROUP)
    user = User(user_id, "Test", is_bot=False)
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text="hi")
    return Update(update_id, message=message)


class Journal:
    """Records when each update's handling began and ended."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    async def handle(self, update_id: int, pause: float) -> None:
        self.events.append(("begin", update_id))
        await asyncio.sleep(pause)
        self.events.append(("end", update_id))


async def run_all(processor: PerChatOrder, work: list[tuple[Update, float]], journal: Journal):
    async with processor:
        await asyncio.gather(
            *(
                processor.process_update(update, journal.handle(update.update_id, pause))
                for update, pause in work
            )
        )


def test_an_update_joins_the_queues_of_its_chat_and_its_user() -> None:
    assert order_keys(message_update(1, 7)) == ("chat:7", "user:7")
    assert order_keys(message_update(2, 7, chat_id=-100)) == ("chat:-100", "user:7")
    assert order_keys(object()) == ()


async def test_one_chat_in_order_even_when_the_first_is_slow() -> None:
    journal = Journal()
    work = [(message_update(1, 7), 0.05), (message_update(2, 7), 0.0), (message_update(3, 7), 0.0)]
    await run_all(PerChatOrder(), work, journal)
    assert journal.events == [
        ("begin", 1), ("end", 1), ("begin", 2), ("end", 2), ("begin", 3), ("end", 3),
    ]  # fmt: skip


async def test_other_chats_do_not_wait_for_a_slow_one() -> None:
    journal = Journal()
    work = [(message_update(1, 7), 0.2), (message_update(2, 8), 0.0), (message_update(3, 9), 0.0)]
    await run_all(PerChatOrder(), work, journal)
    assert journal.events.index(("end", 2)) < journal.events.index(("end", 1))
    assert journal.events.index(("end", 3)) < journal.events.index(("end", 1))


async def test_a_user_in_a_group_and_in_private_keeps_their_order() -> None:
    journal = Journal()
    in_group = message_update(1, 7, chat_id=-100)
    other_in_group = message_update(2, 8, chat_id=-100)
    in_private = message_update(3, 7)
    await run_all(
        PerChatOrder(), [(in_group, 0.1), (other_in_group, 0.0), (in_private, 0.0)], journal
    )
    assert journal.events.index(("end", 1)) < journal.events.index(("begin", 2))
    assert journal.events.index(("end", 1)) < journal.events.index(("begin", 3))


async def test_a_failed_update_lets_the_next_one_run() -> None:
    processor = PerChatOrder()
    ran: list[int] = []

    async def fail() -> None:
        raise RuntimeError("handler failed")

    async def succeed() -> None:
        ran.append(2)

    async with processor:
        first = asyncio.ensure_future(processor.process_update(message_update(1, 7), fail()))
        second = asyncio.ensure_future(processor.process_update(message_update(2, 7), succeed()))
        results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and ran == [2]
