"""Deny by default: every privileged command tried as every role, and no handler without a
declared policy."""

from __future__ import annotations

import inspect
import logging
import re
from collections import defaultdict

import pytest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.roles import EVERYONE, Role
from bot.text.i18n import gettext, use_locale
from handlers import COMMANDS
from handlers.access import all_handlers, policy_of, undeclared_callbacks
from tests.e2e.conftest import RunningBot

PRIVILEGED = [command for command in COMMANDS if command.roles != EVERYONE]
REFUSAL = "Sorry, this is not available to you."


def test_there_are_privileged_commands_to_try() -> None:
    assert {command.name for command in PRIVILEGED} >= {"grant", "revoke", "coordinators"}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("command", PRIVILEGED, ids=lambda command: command.name)
async def test_privileged_commands_as_every_role(bot: RunningBot, command, role: Role) -> None:
    user = await bot.user_with_role(200, role, language_code="ru")
    reply = await user.ask(f"/{command.name}")
    with use_locale("ru"):
        refusal = gettext(REFUSAL)
    if role in command.roles:
        assert reply.text != refusal
    else:
        assert reply.text == refusal == "Извините, это вам недоступно."


async def test_every_registered_callback_declares_a_policy(bot: RunningBot) -> None:
    handlers = list(all_handlers(bot.application.handlers))
    assert len(handlers) > len(COMMANDS)
    assert undeclared_callbacks(bot.application.handlers) == []
    for handler in handlers:
        assert policy_of(handler.callback), handler.callback


async def test_every_button_pattern_ends_at_the_end_of_the_data(bot: RunningBot) -> None:
    """Patterns are declared once (handlers/buttons.py) and end with ``\\Z``: ``$`` would
    match before a trailing newline."""
    patterns = [
        handler.pattern
        for handler in all_handlers(bot.application.handlers)
        if isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern)
    ]
    assert len(patterns) > 10
    for pattern in patterns:
        assert pattern.pattern.endswith(r"\Z"), pattern


async def test_every_callback_has_a_name_of_its_own(bot: RunningBot) -> None:
    """The access log names the callback it refused: a name must tell which one."""
    callbacks = defaultdict(set)
    for handler in all_handlers(bot.application.handlers):
        callback = inspect.unwrap(handler.callback)
        callbacks[callback.__name__].add(f"{callback.__module__}.{callback.__qualname__}")
    shared = {name: sorted(found) for name, found in callbacks.items() if len(found) > 1}
    assert shared == {}
    assert len(callbacks) > len(COMMANDS)


def test_a_handler_without_policy_is_found() -> None:
    async def forgotten(update: object, context: object) -> None:
        """A callback someone forgot to decorate."""

    groups = {0: [CommandHandler("oops", forgotten)]}
    assert undeclared_callbacks(groups) == [forgotten.__qualname__]


async def test_a_refusal_is_logged_without_personal_data(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = await bot.user_with_role(202, Role.SUBSCRIBER)
    caplog.set_level(logging.INFO)
    await user.ask("/grant 12345")
    refusals = [record.getMessage() for record in caplog.records if "refused" in record.msg]
    assert refusals == ["refused grant to role subscriber"]
    assert not any("202" in record.getMessage() for record in caplog.records)
