"""A text in each language, asked for one language at a time: the step that ``/appeal``,
``/update`` and ``/newdeadline`` share. Each says how to ask, checks what it receives, and
decides what follows the last language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.domain.appeals import WRITING_ORDER
from bot.domain.roles import STAFF
from bot.text.i18n import gettext as _
from handlers.access import Callback, Handler, allow
from handlers.context import BotContext
from handlers.conversation import TEXT, Draft, State
from handlers.replies import PRIVATE_MESSAGE, answer

Ask = Callable[[Update, BotContext, str], Awaitable[None]]
"""Ask for the text in a language."""

Next = Callable[[Update, BotContext], Awaitable[State]]
"""Go on once every language has been asked for."""


@allow(*STAFF)
async def text_expected(update: Update, context: BotContext) -> None:
    """A photo, sticker or the like where a text was asked for."""
    await answer(update, _("Please send a text message, or /skip."))


class TextsByLanguage:
    """Asks for a text in each language of :data:`WRITING_ORDER` in turn, in one state of a
    conversation, and keeps them in the draft under ``texts``."""

    def __init__(self, draft: Draft, state: State, ask: Ask, written: Next) -> None:
        self.draft = draft
        self.state = state
        self.ask = ask
        self.written = written

    async def begin(self, update: Update, context: BotContext) -> State:
        """Ask for the first language's text."""
        self.draft.of(context).update(texts={}, next=0)
        await self.ask(update, context, WRITING_ORDER[0])
        return self.state

    def locale(self, context: BotContext) -> str:
        """The language whose text is asked for."""
        return WRITING_ORDER[self.draft.of(context)["next"]]

    async def keep(self, update: Update, context: BotContext, text: Any) -> State:
        """Keep the text received, then go on as :meth:`skip` does."""
        self.draft.of(context)["texts"][self.locale(context)] = text
        return await self.skip(update, context)

    async def skip(self, update: Update, context: BotContext) -> State:
        """Ask for the next language's text; after the last, go on, unless every language
        was skipped: then start again."""
        draft = self.draft.of(context)
        draft["next"] += 1
        if draft["next"] < len(WRITING_ORDER):
            await self.ask(update, context, self.locale(context))
            return self.state
        if not draft["texts"]:
            await answer(update, _("At least one text is needed. Let us start again."))
            return await self.begin(update, context)
        return await self.written(update, context)

    def handlers(
        self, received: Callback[State | None], skip: Callback[State] | None = None
    ) -> list[Handler]:
        """The state's handlers: ``received`` takes a text; where a language may be left out,
        ``skip`` takes ``/skip`` and any other message is asked to be a text."""
        handlers: list[Handler] = [MessageHandler(TEXT, received)]
        if skip is not None:
            handlers += [
                CommandHandler("skip", skip, PRIVATE_MESSAGE),
                MessageHandler(PRIVATE_MESSAGE & ~filters.COMMAND, text_expected),
            ]
        return handlers
