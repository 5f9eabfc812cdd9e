"""Updates through the inbox: no update is confirmed to Telegram before it is stored.

Long polling (:class:`InboxPoller`) or the webhook (:class:`InboxPump`, fed by any instance's
web server, bot/web/webhook.py), the active instance hands the application what the inbox
holds, in order.

python-telegram-bot's own updater asks for the next batch as soon as it has one, which tells
Telegram to forget the previous one, handled or not: a ``kill -9`` then loses what a user just
sent. :class:`InboxPoller` stores each batch and the next offset in one transaction
(storage/inbox.py) before it asks again, and hands the new updates to the application, which
drops each from the inbox once handled (:class:`handlers.context.QorgauApplication`). When it
starts, the updates a previous run stored but did not finish are handled first.

While the database cannot be written, the batch in hand waits and nothing more is asked:
Telegram keeps the updates. An instance that lost the lease stops polling at its first refused
write (:class:`~storage.errors.Fenced`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import cast

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.delivery.client import QorgauBot
from handlers.context import QorgauApplication
from storage.errors import Fenced
from storage.inbox import Inbox

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 30
"""Seconds a getUpdates call waits for news: long polling keeps an idle bot near zero CPU."""

PUMP_INTERVAL = 0.5
"""Seconds between two looks at the inbox in webhook mode, for updates another instance
stored."""

FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
"""Seconds between two tries after a failure, doubling from the first up to this."""


class InboxPoller:
    """Polls Telegram for the application, through the inbox, until cancelled."""

    def __init__(self, application: QorgauApplication, inbox: Inbox) -> None:
        self._application = application
        self._inbox = inbox
        self.listening = asyncio.Event()
        """Set when the first getUpdates is sent: start-up is over."""

    async def run(self) -> None:
        """Hand over what the inbox holds, then poll: store each batch, then hand it over."""
        bot = cast(QorgauBot, self._application.bot)
        await self._retrying("deleteWebhook", bot.delete_webhook)
        offset = await self._inbox.next_offset()
        replay = await self._inbox.pending()
        if replay:
            logger.info("handling %d updates stored before this start", len(replay))
        for _, data in replay:
            await self._hand_over(Update.de_json(json.loads(data), bot))
        backoff = FIRST_BACKOFF
        while True:
            self.listening.set()
            try:
                received = await bot.get_update_data(offset, POLL_TIMEOUT)
            except InvalidToken:
                raise
            except TelegramError as error:
                logger.warning("polling failed, retrying: %s: %s", type(error).__name__, error)
                await asyncio.sleep(backoff)
                backoff = min(2 * backoff, MAX_BACKOFF)
                continue
            backoff = FIRST_BACKOFF
            if not received:
                continue
            updates = [Update.de_json(data, bot) for data in received]
            batch = [(data["update_id"], json.dumps(data)) for data in received]
            fresh = set(await self._retrying("storing updates", self._inbox.store, batch))
            offset = max(update.update_id for update in updates) + 1
            for update in updates:
                if update.update_id in fresh:
                    await self._hand_over(update)

    async def _hand_over(self, update: Update) -> None:
        await self._application.update_queue.put(update)

    def take(self, update: Update) -> None:
        """Nothing to do: polling fetches its updates itself."""

    async def _retrying(self, what: str, call, *args):  # type: ignore[no-untyped-def]
        """``call(*args)``, tried again while it fails (the database or Telegram away), except
        when this instance may no longer act."""
        backoff = FIRST_BACKOFF
        while True:
            try:
                return await call(*args)
            except (Fenced, InvalidToken, asyncio.CancelledError):
                raise
            except Exception as error:
                logger.warning("%s failed, retrying: %s", what, type(error).__name__)
                await asyncio.sleep(backoff)
                backoff = min(2 * backoff, MAX_BACKOFF)


class InboxPump:
    """Webhook mode: hands the application the updates stored in the inbox, by this instance's
    web server or by any other's (a standing-by instance stores what it is sent), each once per
    term. What this instance's web server stores is handed on as it comes, already decoded, in
    the order of its ids; the inbox is read every :data:`PUMP_INTERVAL` seconds for what other
    instances stored; when a term begins, whatever a previous active instance stored and did
    not finish comes first."""

    def __init__(self, application: QorgauApplication, inbox: Inbox) -> None:
        self._application = application
        self._inbox = inbox
        self._woken = asyncio.Event()
        self._taken: list[Update] = []
        """Stored by this instance since the last hand-over."""
        self._handed: set[int] = set()
        """Updates on the queue or being handled: still in the inbox, not to be queued again."""
        self.listening = asyncio.Event()
        """Set when the pump starts (the webhook is set): start-up is over."""

    def take(self, update: Update) -> None:
        """``update`` was just stored here: hand it on without reading it back."""
        self._taken.append(update)
        self._woken.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = FIRST_BACKOFF
        next_read = loop.time()
        self.listening.set()
        while True:
            self._woken.clear()
            if loop.time() >= next_read:
                try:
                    await self._read_inbox()
                except Fenced:
                    raise
                except Exception as error:
                    logger.warning("reading the inbox failed, retrying: %s", type(error).__name__)
                    await asyncio.sleep(backoff)
                    backoff = min(2 * backoff, MAX_BACKOFF)
                    continue
                backoff = FIRST_BACKOFF
                next_read = loop.time() + PUMP_INTERVAL
            taken, self._taken = self._taken, []
            for update in sorted(taken, key=lambda update: update.update_id):
                await self._hand_over(update)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), max(0.0, next_read - loop.time()))

    async def _read_inbox(self) -> None:
        """Hand on what the inbox holds that was not handed yet, oldest first."""
        bot = self._application.bot
        waiting = await self._inbox.pending()
        # What was handed stays in the inbox until handled: the rest were handled. (What is
        # taken while the inbox is read is handed after this.)
        self._handed &= {update_id for update_id, _ in waiting}
        for update_id, data in waiting:
            if update_id not in self._handed:
                await self._hand_over(Update.de_json(json.loads(data), bot))

    async def _hand_over(self, update: Update) -> None:
        """Queue ``update`` for the application, unless it was queued this term."""
        if update.update_id not in self._handed:
            self._handed.add(update.update_id)
            await self._application.update_queue.put(update)
