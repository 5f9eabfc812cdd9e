"""The error handler: log the traceback without personal data, apologise in the user's language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.text.i18n import gettext as _
from handlers.context import BotContext
from storage.errors import is_unavailable

logger = logging.getLogger(__name__)


def _update_kind(update: object) -> str:
    """What kind of update failed, e.g. "message" or "callback_query"; never its content."""
    if isinstance(update, Update):
        for kind in Update.ALL_TYPES:
            if getattr(update, kind, None) is not None:
                return kind
    return type(update).__name__


def _telegram_unavailable(error: BaseException | None) -> bool:
    """Telegram said 429 or failed (5xx, network, no answer in time), as opposed to refusing
    what the bot sent (a 400, which is the bot's fault)."""
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure, then tell the user something went wrong."""
    error = context.error
    if update is None and isinstance(error, NetworkError):
        logger.warning("network error while polling: %s", type(error).__name__)
        return
    if is_unavailable(error):
        # The database is away (PostgreSQL restarting, the network): one line a time; the
        # update stays in the inbox or with Telegram, and is handled once it is back.
        logger.warning(
            "database unavailable for a %s update: %s", _update_kind(update), type(error).__name__
        )
        return
    if _telegram_unavailable(error):
        # Telegram throttled or failed for longer than a reply waits (or the bot is stopping):
        # nothing is wrong with the bot, and an apology would meet the same fate.
        logger.warning(
            "could not answer a %s update: %s", _update_kind(update), type(error).__name__
        )
        return
    logger.error("error while handling a %s update", _update_kind(update), exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query:
            await update.callback_query.answer()
        await update.effective_chat.send_message(
            _("Sorry, something went wrong on my side. Please try again later.")
        )
    except TelegramError:
        logger.warning("could not tell the user about the error")
