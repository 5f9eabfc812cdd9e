"""Updates by webhook: Telegram POSTs each update to ``BOT_PUBLIC_URL`` + :data:`PATH` with the
secret given to ``setWebhook`` in a header.

The update is decoded and stored in the inbox (storage/inbox.py), as Telegram sent it, before
the answer goes back, so that no update Telegram was told arrived can be lost; every instance,
active or standing by, stores what it is sent. The active one's pump (bot/polling.py) hands
what its own server stored to the application as decoded here, and reads the inbox for what
the others stored, to be handled like a polled one (in order per chat, see
:mod:`bot.update_order`). An update stored twice (Telegram retried) is stored once; one
retried after it was handled is handled again, as after a crash. While the database cannot
store it, 503 makes Telegram send it again. A request without the secret is 401 (compared in
constant time); a body that is not an update is 400; one over the size bound is 413; while
the bot is stopping, 503 makes Telegram send it again later.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update

from bot.web.keys import BOT, RECEIVING
from handlers.context import QorgauApplication

logger = logging.getLogger(__name__)

PATH = "/telegram/webhook"
"""Where Telegram posts updates, below ``BOT_PUBLIC_URL``."""

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

RETRY_AFTER = "5"
"""Seconds after which Telegram may send again an update refused with 503."""


def url(public_url: str) -> str:
    """The webhook's address, as ``setWebhook`` is given it."""
    return public_url + PATH


def _authorised(request: web.Request, secret: str) -> bool:
    given = request.headers.get(SECRET_HEADER, "")
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode())


async def receive(request: web.Request) -> web.Response:
    """Take one update, or say why not."""
    application = request.app[BOT]
    metrics = application.services.metrics
    secret = application.services.settings.webhook_secret
    assert secret is not None
    if not _authorised(request, secret):
        metrics.webhook_requests.labels("unauthorized").inc()
        logger.warning("a webhook request without the secret was refused")
        raise web.HTTPUnauthorized
    if not request.app[RECEIVING].accepting:
        metrics.webhook_requests.labels("unavailable").inc()
        raise web.HTTPServiceUnavailable(headers={"Retry-After": RETRY_AFTER})
    try:
        text = (await request.read()).decode()
        data = json.loads(text)
    except web.HTTPRequestEntityTooLarge:
        metrics.webhook_requests.labels("too_large").inc()
        raise
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        text, data = "", None
    update = _update(data, application)
    if update is None:
        metrics.webhook_requests.labels("bad").inc()
        logger.warning("a webhook request that is not an update was refused")
        raise web.HTTPBadRequest
    try:
        fresh = await application.services.inbox.accept(update.update_id, text)
    except Exception as error:  # the database away, or this instance just lost the lease
        metrics.webhook_requests.labels("unavailable").inc()
        logger.warning("a webhook update could not be stored: %s", type(error).__name__)
        raise web.HTTPServiceUnavailable(headers={"Retry-After": RETRY_AFTER}) from None
    if fresh and application.poller is not None:
        application.poller.take(update)
    metrics.webhook_requests.labels("accepted").inc()
    return web.Response(status=200)


def _update(data: object, application: QorgauApplication) -> Update | None:
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return None
    try:
        return Update.de_json(data, application.bot)
    except Exception:  # python-telegram-bot's decoding of a malformed update: not one
        return None


def setup(app: web.Application) -> None:
    """Add the webhook's route."""
    app.router.add_post(PATH, receive, name="webhook")
