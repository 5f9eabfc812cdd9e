"""Deny by default: every handler callback declares the roles that may use it.

``@allow(...)`` wraps a callback so that anyone outside its roles gets a polite refusal in
their language, and the refusal is logged with the callback's name and the role only.
:func:`undeclared_callbacks` finds callbacks registered without a policy; the application
refuses to start with any.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler

from bot.domain.roles import Role
from bot.text.i18n import gettext as _
from handlers.context import BotContext

logger = logging.getLogger(__name__)

R = TypeVar("R")
Callback = Callable[[Update, BotContext], Awaitable[R]]
Handler = BaseHandler[Any, Any, Any]

POLICY_ATTRIBUTE = "allowed_roles"


def allow(*roles: Role) -> Callable[[Callback[R]], Callback[R | None]]:
    """Let only ``roles`` run the decorated callback; refuse everyone else."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("a policy must allow at least one role")

    def decorate(callback: Callback[R]) -> Callback[R | None]:
        @functools.wraps(callback)
        async def guarded(update: Update, context: BotContext) -> R | None:
            if context.role in allowed:
                return await callback(update, context)
            logger.info("refused %s to role %s", callback.__name__, context.role.value)
            await refuse(update)
            return None

        setattr(guarded, POLICY_ATTRIBUTE, allowed)
        return guarded

    return decorate


def internal(callback: Callback[R]) -> Callback[R]:
    """Mark a callback that serves every update and shows nothing by itself (e.g. preprocessing)."""
    setattr(callback, POLICY_ATTRIBUTE, frozenset(Role))
    return callback


def policy_of(callback: Callable[..., Any]) -> frozenset[Role] | None:
    """The roles a callback allows, or ``None`` when it declares no policy."""
    return getattr(callback, POLICY_ATTRIBUTE, None)


async def refuse(update: Update) -> None:
    """Tell the user, in their language, that this is not for their role."""
    text = _("Sorry, this is not available to you.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)


def _walk(handler: Handler) -> Iterator[Handler]:
    if isinstance(handler, ConversationHandler):
        children = [*handler.entry_points, *handler.fallbacks]
        for state_handlers in handler.states.values():
            children.extend(state_handlers)
        for child in children:
            yield from _walk(child)
    else:
        yield handler


def all_handlers(
    groups: dict[int, list[Handler]],
) -> Iterator[Handler]:
    """Every handler of an application, conversations unfolded."""
    for handlers in groups.values():
        for handler in handlers:
            yield from _walk(handler)


def undeclared_callbacks(groups: dict[int, list[Handler]]) -> list[str]:
    """Names of the registered callbacks that declare no policy."""
    return [
        handler.callback.__qualname__
        for handler in all_handlers(groups)
        if policy_of(handler.callback) is None
    ]
