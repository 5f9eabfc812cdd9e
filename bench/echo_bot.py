"""A bare python-telegram-bot echo bot: the baseline the full bot is compared with.

``BOT_TOKEN=... BOT_API_BASE_URL=... python -m bench.echo_bot --timeout 30`` long-polls with
PTB's default connection pools, no rate limiter and no persistence, and answers every text
message with its text until SIGINT or SIGTERM. It imports nothing of the bot, so its start-up
is PTB's own.
"""

from __future__ import annotations

import argparse
import os

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the text received."""
    message = update.message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def build_echo(token: str, base_url: str) -> Application:  # type: ignore[type-arg]
    """The echo application: one handler, everything else PTB's defaults."""
    application = ApplicationBuilder().token(token).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


def main() -> None:
    """Poll until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot", description=__doc__)
    parser.add_argument("--timeout", type=int, default=30, help="getUpdates long-poll seconds")
    args = parser.parse_args()
    application = build_echo(os.environ["BOT_TOKEN"], os.environ["BOT_API_BASE_URL"])
    application.run_polling(timeout=args.timeout, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
