"""A failing handler: the user hears an apology in their language; the log keeps the traceback
but no personal data and no token."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.roles import EVERYONE
from bot.logs import silence_noisy_loggers
from handlers.access import allow
from handlers.context import BotContext
from tests.e2e.conftest import RunningBot

SECRET_NAME = "Aigerim-Secretname"
SECRET_TEXT = "meet-at-the-courthouse"


@allow(*EVERYONE)
async def explode(update: Update, context: BotContext) -> None:
    """A feature with a bug."""
    raise RuntimeError("a bug in a feature")


async def test_errors_are_apologised_for_and_logged_without_personal_data(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    silence_noisy_loggers()  # as `python -m bot run` does
    caplog.set_level(logging.INFO)
    # Group 1 runs after the features group (where /boom is an unknown command).
    bot.application.add_handler(CommandHandler("boom", explode), group=1)
    user = bot.api.user(600, first_name=SECRET_NAME, username="secret_user", language_code="kk")
    await user.send(f"/boom {SECRET_TEXT}")
    replies = await user.wait_for_replies(2)
    assert (
        replies[-1].text == "Кешіріңіз, менің тарапымда бір ақау шықты. Кейінірек қайталап көріңіз."
    )
    assert "Traceback" not in replies[-1].text
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors and errors[0].exc_info is not None
    assert errors[0].getMessage() == "error while handling a message update"
    logged = caplog.text
    assert "a bug in a feature" in logged  # the traceback is there
    for secret in (SECRET_NAME, "secret_user", SECRET_TEXT, "600", bot.api.token):
        assert secret not in logged
