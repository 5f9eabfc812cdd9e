"""The delivery engine's link to Telegram: one send, its errors turned into outcomes."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.engine import Outcome
from bot.domain.broadcasts import Keyboard
from bot.domain.failures import GONE, Failure, classify


class TelegramSender:
    """Sends through the delivery engine's own :class:`~telegram.Bot` (see
    :func:`bot.delivery.http.bulk_client`); ``paid``: as paid broadcasts, which Telegram lets
    go faster than 30 per second for Stars (see :func:`bot.domain.pacing.needs_paid_broadcast`).
    """

    def __init__(self, bot: Bot, *, paid: bool = False) -> None:
        self._bot = bot
        self._paid = paid

    async def send(  # noqa: PLR0911 (one outcome per error)
        self, chat_id: int, html: str, buttons: Keyboard = ()
    ) -> Outcome:
        """Send one message, with its buttons; report what happened instead of raising."""
        markup = None
        if buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in buttons
                ]
            )
        try:
            await self._bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_paid_broadcast=self._paid or None,
                reply_markup=markup,
            )
        except RetryAfter as error:
            return Outcome.rate_limited(error.retry_after.total_seconds())  # type: ignore[union-attr]
        except Forbidden as error:
            failure = classify(error.message)
            return Outcome.gone(failure if failure in GONE else Failure.BLOCKED, error.message)
        except BadRequest as error:
            failure = classify(error.message)
            if failure in GONE:
                return Outcome.gone(failure, error.message)
            return Outcome.rejected(failure, error.message)
        except TimedOut as error:
            return Outcome.unknown(Failure.TIMEOUT, error.message)
        except NetworkError as error:
            # A connection that failed carries its cause; an error status from Telegram's
            # servers (5xx) does not.
            failure = Failure.NETWORK if error.__cause__ is not None else Failure.TELEGRAM_ERROR
            return Outcome.transient(failure, error.message)
        return Outcome.delivered()
