"""How every multi-step flow of the bot is declared: in the private chat, persisted across
restarts, started over by its command, ended by a step or by ``/cancel``; its draft kept in
``user_data`` and dropped whenever the conversation ends."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from handlers.access import Callback, Handler
from handlers.cancel import cancel_conversation
from handlers.commands import Command
from handlers.context import BotContext
from handlers.replies import PRIVATE_MESSAGE

State = int | str
"""A state of a conversation, as persisted."""

END = ConversationHandler.END
"""What a step returns to end its conversation; the conversation's drafts go with it."""

TEXT = PRIVATE_MESSAGE & filters.TEXT & ~filters.COMMAND
"""A text message in the private chat, not a command: an answer to the question asked."""


class Draft:
    """A flow's draft in ``user_data``, under a key of its own: started by the flow, dropped
    when its conversation ends."""

    def __init__(self, key: str) -> None:
        self.key = key

    def start(self, context: BotContext, **fields: Any) -> dict[str, Any]:
        """A fresh draft holding ``fields``, in place of any earlier one."""
        assert context.user_data is not None
        draft = context.user_data[self.key] = dict(fields)
        return draft

    def of(self, context: BotContext) -> dict[str, Any]:
        """The draft; empty if the flow has not started one (or the user erased their data)."""
        assert context.user_data is not None
        draft: dict[str, Any] = context.user_data.setdefault(self.key, {})
        return draft

    def drop(self, context: BotContext) -> None:
        """Forget the draft."""
        assert context.user_data is not None
        context.user_data.pop(self.key, None)


async def close_keyboard(update: Update, notice: str | None = None) -> None:
    """Answer a button press (with ``notice``, if any) and take the buttons off its message, so
    that a step is not taken twice."""
    query = update.callback_query
    assert query is not None
    await query.answer(notice)
    await query.edit_message_reply_markup(None)


def _entry(entry: Command | Handler) -> Handler:
    """An entry point: a command of the table (in the private chat), or a handler as given."""
    if isinstance(entry, Command):
        return CommandHandler(entry.name, entry.callback, PRIVATE_MESSAGE)
    return entry


def _dropping(callback: Callback[Any], drafts: Sequence[Draft]) -> Callback[Any]:
    """``callback``, after which the drafts are dropped if it ended the conversation."""

    @functools.wraps(callback)
    async def step(update: Update, context: BotContext) -> Any:
        state = await callback(update, context)
        if state == END:
            for draft in drafts:
                draft.drop(context)
        return state

    return step


def private_conversation(
    name: str,
    entry_points: Sequence[Command | Handler],
    states: dict[State, list[Handler]],
    drafts: Sequence[Draft] = (),
) -> ConversationHandler:  # type: ignore[type-arg]
    """A persisted conversation whose entry command, sent again, starts it over, and whose
    ``drafts`` are dropped whenever it ends: by a step returning :data:`END`, or ``/cancel``.

    Build the handlers anew for each conversation: their callbacks are wrapped in place.
    """
    entries = [_entry(entry) for entry in entry_points]
    fallbacks = [CommandHandler("cancel", cancel_conversation, PRIVATE_MESSAGE)]
    for handler in [*entries, *fallbacks, *(h for hs in states.values() for h in hs)]:
        handler.callback = _dropping(handler.callback, drafts)
    with warnings.catch_warnings():
        # Buttons are tracked per chat and user on purpose: only the current question's
        # buttons lead anywhere, and stale ones are answered by the catch-all.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=entries,
            states=states,
            fallbacks=fallbacks,
            name=name,
            persistent=True,
            allow_reentry=True,
        )
