"""How every multi-step flow of the bot is declared: in the private chat, persisted across
restarts, started over by its command, ended by ``/cancel``."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from telegram.ext import BaseHandler, CommandHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from handlers.commands import Command
from handlers.replies import PRIVATE_MESSAGE

Handler = BaseHandler[Any, Any, Any]


def _entry(entry: Command | Handler) -> Handler:
    """An entry point: a command of the table (in the private chat), or a handler as given."""
    if isinstance(entry, Command):
        return CommandHandler(entry.name, entry.callback, PRIVATE_MESSAGE)
    return entry


def private_conversation(
    name: str,
    entry_points: Sequence[Command | Handler],
    states: dict[object, list[Handler]],
    on_cancel: Callable[..., Any],
) -> ConversationHandler:  # type: ignore[type-arg]
    """A persisted conversation whose entry command, sent again, starts it over."""
    with warnings.catch_warnings():
        # Buttons are tracked per chat and user on purpose: only the current question's
        # buttons lead anywhere, and stale ones are answered by the catch-all.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[_entry(entry) for entry in entry_points],
            states=states,
            fallbacks=[CommandHandler("cancel", on_cancel, PRIVATE_MESSAGE)],
            name=name,
            persistent=True,
            allow_reentry=True,
        )
