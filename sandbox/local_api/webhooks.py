"""Delivering updates to the bot's webhook, as Telegram does once ``setWebhook`` is called.

Only to this machine: a webhook whose host is not on loopback (127.0.0.0/8, ::1,
``localhost``) is never contacted; its updates wait, and getWebhookInfo says why.

Each pending update is POSTed as JSON to the webhook's URL, in update order, one at a time
(so the updates of a chat arrive in order), with the ``X-Telegram-Bot-Api-Secret-Token``
header when a secret was set. A 2xx answer delivers it; anything else (a refusal, an error,
no server) is recorded for ``getWebhookInfo`` and the update is sent again after a pause
that grows, as Telegram retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import time
from collections import deque
from urllib.parse import urlsplit

import aiohttp

from .state import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY = 0.05
MAX_RETRY = 1.0
"""Seconds between tries of an undelivered update: short, for tests (Telegram waits longer)."""
REQUEST_TIMEOUT = 10.0


class WebhookPusher:
    """Posts the world's pending updates to its webhook while one is set."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.delivered = 0
        self.refused: deque[int] = deque(maxlen=1000)
        """HTTP statuses of the latest refused deliveries, in order (0: no answer)."""
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        """Begin watching for a webhook and updates."""
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=1),
        )
        self._task = asyncio.create_task(self._run(), name="local Bot API webhook")

    async def stop(self) -> None:
        """Stop delivering (an update in flight is sent again by the next server)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ready(self) -> bool:
        return bool(self.world.closing or (self.world.settings.webhook and self.world.updates))

    async def _run(self) -> None:
        retry = FIRST_RETRY
        while True:
            await self.world.changed.wait_for(self._ready, 3600)
            webhook = self.world.settings.webhook
            if self.world.closing:
                return
            if webhook is None or not self.world.updates:
                continue
            (update,) = self.world.updates.peek(1)
            status = await self._post(webhook.url, webhook.secret_token, update)
            if 200 <= status < 300:
                if self.world.settings.webhook is webhook:
                    self.world.updates.confirm(update["update_id"] + 1)
                self.delivered += 1
                webhook.last_error = None
                retry = FIRST_RETRY
                self.world.touch()
                continue
            self.refused.append(status)
            if webhook.last_error is None or webhook.last_error[1] != _describe(status):
                webhook.last_error = (int(time.time()), _describe(status))
                self.world.touch()
            await asyncio.sleep(retry)
            retry = min(2 * retry, MAX_RETRY)

    async def _post(self, url: str, secret: str | None, update: dict[str, object]) -> int:
        assert self._session is not None
        if not on_loopback(url):
            return NOT_HERE
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        try:
            async with self._session.post(url, data=json.dumps(update), headers=headers) as answer:
                await answer.read()
                return answer.status
        except (aiohttp.ClientError, TimeoutError):
            return 0


NOT_HERE = -1
"""The status of a delivery not tried: the webhook is not on this machine."""


def on_loopback(url: str) -> bool:
    """Whether ``url``'s host is this machine."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _describe(status: int) -> str:
    """``last_error_message`` as Telegram words it."""
    if status == NOT_HERE:
        return "Not delivered: the local Bot API posts to 127.0.0.1 only"
    if status == 0:
        return "Connection refused"
    return f"Wrong response from the webhook: {status}"
