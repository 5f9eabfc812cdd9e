"""A bare aiogram 3 echo bot: the framework people would pick instead of python-telegram-bot,
measured in the same harness as the full bot and PTB's echo bot.

``BOT_TOKEN=... BOT_API_BASE_URL=... python -m bench.aiogram_echo --timeout 30`` long-polls the
local Bot API server (``BOT_API_BASE_URL`` in python-telegram-bot's ``…/bot`` form) and answers
every text message with its text until SIGINT or SIGTERM. Needs ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

dispatcher = Dispatcher()


@dispatcher.message(F.text)
async def echo(message: Message) -> None:
    """Reply with the text received."""
    assert message.text is not None
    await message.answer(message.text)


async def poll(long_poll_seconds: int) -> None:
    """Poll the server named by the environment until a signal stops it."""
    server = TelegramAPIServer.from_base(os.environ["BOT_API_BASE_URL"].removesuffix("/bot"))
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=server))
    await dispatcher.start_polling(bot, polling_timeout=long_poll_seconds, handle_signals=True)


def main() -> None:
    """Parse the command line and poll."""
    parser = argparse.ArgumentParser(prog="python -m bench.aiogram_echo", description=__doc__)
    parser.add_argument("--timeout", type=int, default=30, help="getUpdates long-poll seconds")
    asyncio.run(poll(parser.parse_args().timeout))


if __name__ == "__main__":
    main()
