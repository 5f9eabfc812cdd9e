"""How every multi-step flow of the bot is declared: in the private chat, persisted across
restarts, started over by its command, ended by a step or by ``/cancel``; its draft kept in
``user_data`` and dropped whenever the conversation ends.

A user has at most one flow open: starting one ends the others (a question left open would
take the answer meant for the next). A step the user's role no longer allows (a coordinator
revoked mid-appeal) ends its flow, and ``/forget`` ends them all."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from bot.text.i18n import gettext as _
from handlers.access import Callback, Handler, policy_of
from handlers.cancel import cancel_conversation
from handlers.commands import Command
from handlers.context import BotContext
from handlers.replies import PRIVATE_MESSAGE, answer, client

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
    await client(update).drop_buttons(query)


class Flow(ConversationHandler):  # type: ignore[type-arg]
    """A conversation that knows its drafts, so that it can be ended from outside."""

    __slots__ = ("drafts",)

    def __init__(self, drafts: Sequence[Draft], **conversation: Any) -> None:
        super().__init__(**conversation)
        self.drafts = tuple(drafts)

    def end_for(self, user_id: int, user_data: dict[Any, Any] | None) -> bool:
        """End this flow wherever ``user_id`` has it open and drop its drafts from
        ``user_data``; whether one was open.

        python-telegram-bot has no public call for this: the states live in
        ``_conversations``, and ``_update_state(END)`` is what a step returning END runs (the
        persistence then deletes the stored state).
        """
        keys = [key for key in self._conversations if key and key[-1] == user_id]
        for key in keys:
            self._update_state(END, key)
        if user_data is not None:
            for draft in self.drafts:
                user_data.pop(draft.key, None)
        return bool(keys)


def flows(application: Application) -> list[Flow]:  # type: ignore[type-arg]
    """Every flow registered in ``application``."""
    return [
        handler
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, Flow)
    ]


def end_flows(context: BotContext, user_id: int, keep: Flow | None = None) -> None:
    """End every flow ``user_id`` has open (but ``keep``), with their drafts."""
    user_data = context.application.user_data.get(user_id)
    for flow in flows(context.application):
        if flow is not keep:
            flow.end_for(user_id, user_data)


def _entry(entry: Command | Handler) -> Handler:
    """An entry point: a command of the table (in the private chat), or a handler as given."""
    if isinstance(entry, Command):
        return CommandHandler(entry.name, entry.callback, PRIVATE_MESSAGE)
    return entry


async def _no_longer_allowed(update: Update) -> None:
    """Tell the user that their role changed under a flow, which therefore ended."""
    text = _("This is no longer available to you, so the action was cancelled.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, text)


def _step(
    callback: Callback[Any], drafts: Sequence[Draft], flow: list[Flow], *, entry: bool
) -> Callback[Any]:
    """``callback`` as a step of ``flow[0]``: an entry the role allows ends the user's other
    flows first; a step the role no longer allows ends this one; the drafts are dropped
    whenever the flow ends."""
    allowed = policy_of(callback)

    @functools.wraps(callback)
    async def step(update: Update, context: BotContext) -> Any:
        permitted = allowed is None or context.role in allowed
        if entry and permitted and update.effective_user is not None:
            end_flows(context, update.effective_user.id, keep=flow[0])
        if permitted or entry:
            state = await callback(update, context)
        else:
            await _no_longer_allowed(update)
            state = END
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
) -> Flow:
    """A persisted conversation whose entry command, sent again, starts it over, and whose
    ``drafts`` are dropped whenever it ends: by a step returning :data:`END`, ``/cancel``,
    another flow started, a step the user's role no longer allows, or ``/forget``.

    Build the handlers anew for each conversation: their callbacks are wrapped in place.
    """
    entries = [_entry(entry) for entry in entry_points]
    fallbacks: list[Handler] = [CommandHandler("cancel", cancel_conversation, PRIVATE_MESSAGE)]
    built: list[Flow] = []  # the flow, once built: its steps need to know it
    for handler in entries:
        handler.callback = _step(handler.callback, drafts, built, entry=True)
    for handler in [*fallbacks, *(h for hs in states.values() for h in hs)]:
        handler.callback = _step(handler.callback, drafts, built, entry=False)
    with warnings.catch_warnings():
        # Buttons are tracked per chat and user on purpose: only the current question's
        # buttons lead anywhere, and stale ones are answered by the catch-all.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        built.append(
            Flow(
                drafts,
                entry_points=entries,
                states=states,
                fallbacks=fallbacks,
                name=name,
                persistent=True,
                allow_reentry=True,
            )
        )
    return built[0]
