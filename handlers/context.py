"""The per-update context: who is writing, in which role and language; and the application
that carries the services and the command menus."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, cast

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ContextTypes, ConversationHandler, ExtBot
from telegram.ext._utils.trackingdict import TrackingDict
from telegram.request import BaseRequest

from bot.domain.roles import Role, effective_role
from bot.services import Services
from bot.text import i18n


class Menus(Protocol):
    """The commands as ``/help`` lists them and the menus show them (:mod:`handlers.commands`)."""

    def help_sections(self, role: Role) -> list[tuple[str, list[tuple[str, str]]]]:
        """The headings of ``/help`` with the commands ``role`` may use, in the current locale."""
        ...

    async def publish_chat_menu(
        self, bot: ExtBot[None], user_id: int, role: Role, locale: str
    ) -> None:
        """Give one user's private chat the menu of their role in their language."""
        ...

    async def remove_chat_menu(self, bot: ExtBot[None], user_id: int) -> None:
        """Drop a private chat's own menu."""
        ...


class UpdateTaker(Protocol):
    """What hands the application its updates (bot/polling.py)."""

    def take(self, update: Update) -> None:
        """``update`` was just stored in the inbox by this instance's web server."""


class QorgauApplication(Application):  # type: ignore[type-arg]
    """An application that carries the services and the command menus, and writes persisted
    state after every update.

    python-telegram-bot flushes its persistence on a timer; writing right after each update
    (the persistence skips unchanged data) makes conversation states survive ``kill -9``.
    """

    services: Services
    menus: Menus
    poller: UpdateTaker | None = None
    """What takes updates while the application runs (bot/polling.py), or ``None``."""
    last_poll_answer: Callable[[], float | None] = staticmethod(lambda: None)
    """When the Bot API last answered ``getUpdates`` (monotonic), for ``/healthz``."""
    web_url: str | None = None
    """``http://host:port`` the bot's web server is bound to, once it is."""
    role: Callable[[], str] = staticmethod(lambda: "active")
    """``active`` while this instance holds the lease, else ``standby`` (bot/instance.py)."""
    requests: tuple[BaseRequest, ...] = ()
    """The bot's HTTP clients, closed here when the start fails (below)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._finished: set[int] = set()
        """Updates handled and not yet dropped from the inbox."""
        self._dropping = asyncio.Lock()

    async def initialize(self) -> None:
        """python-telegram-bot opens the bot's HTTP clients before ``getMe`` and closes them
        only once it has succeeded: when ``getMe`` fails (a refused token, an unreachable Bot
        API), close them here, so that the exit is the one line that says why."""
        try:
            await super().initialize()
        except Exception:
            for request in self.requests:
                await request.shutdown()
            raise

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        try:
            if not isinstance(update, Update):
                await super().process_update(update)
                await self.update_persistence()
                return
            try:
                await super().process_update(update)
            finally:
                await self._handled(update.update_id)
        finally:
            metrics = self.services.metrics
            metrics.updates.labels(update_kind(update)).inc()
            metrics.update_seconds.observe(time.perf_counter() - started)

    async def _handled(self, update_id: int) -> None:
        """Store the conversation states the update changed and drop it from the inbox, in one
        transaction: after a crash it is handled again unless its new state was stored. The
        updates handled while such a transaction runs are dropped together by the next one
        (under load, one commit serves many). If that fails (the database away, this instance
        no longer the active one), the next active instance handles them again."""
        self._finished.add(update_id)
        async with self._dropping:
            if update_id not in self._finished:
                return  # dropped along with others while this one waited
            finished, self._finished = self._finished, set()
            services = self.services
            try:
                async with services.db.transaction():
                    await self.update_persistence()
                    empty = await services.inbox.done(*finished)
                await services.inbox.wipe(empty)
            except Exception as error:
                logger.warning(
                    "%d updates stay in the inbox: %s", len(finished), type(error).__name__
                )

    async def reload_persistence(self) -> None:
        """Read the conversations and ``user_data`` anew from the database, before each term of
        this instance: another instance may have been active since they were last read, and
        what this one holds in memory may be stale. python-telegram-bot loads them only in
        ``initialize``; this repeats its loading (protected calls of python-telegram-bot 22,
        pinned below 23)."""
        self.services.persistence.forget_everything()
        self._user_data.clear()
        await self._initialize_persistence()
        for handler in itertools.chain.from_iterable(self.handlers.values()):
            if isinstance(handler, ConversationHandler) and handler.persistent and handler.name:
                handler._conversations = TrackingDict()
                await self._add_ch_to_persistence(handler)

    async def update_persistence(self) -> None:
        """Hand what changed to the persistence, then write it in one transaction."""
        await super().update_persistence()
        if self.persistence is not None:
            await self.persistence.flush()


class BotContext(CallbackContext[ExtBot[None], dict, dict, dict]):  # type: ignore[type-arg]
    """A callback context that knows the services, the user's role and their locale."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.role: Role = Role.SUBSCRIBER
        self.locale: str = i18n.LOCALES[0]

    @property
    def services(self) -> Services:
        """Settings and storage of this bot."""
        return cast(QorgauApplication, self.application).services

    @property
    def menus(self) -> Menus:
        """The command menus, to republish a chat's menu after a change of role or language."""
        return cast(QorgauApplication, self.application).menus


CONTEXT_TYPES = ContextTypes(context=BotContext)

logger = logging.getLogger(__name__)


def update_kind(update: object) -> str:
    """What an update carries (``message``, ``callback_query``…), for counting: never whose."""
    if isinstance(update, Update):
        for kind in Update.ALL_TYPES:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


def _is_interaction(update: Update) -> bool:
    """Whether the user addressed the bot, as opposed to chatting in a group it is in or
    typing an inline query (which leaves no trace: the user may never have started the bot)."""
    if update.callback_query:
        return True
    message = update.effective_message
    if message is None:
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    return bool(message.text and message.text.startswith("/"))


async def load_user(update: Update, context: BotContext) -> None:
    """Resolve the user's role and locale once per update; record the day they were seen."""
    settings = context.services.settings
    user = update.effective_user
    if user is None:
        context.locale = settings.default_locale
        i18n.set_locale(context.locale)
        return
    users = context.services.users
    record = await users.get(user.id)
    telegram_locale = i18n.resolve_locale(None, user.language_code, settings.default_locale)
    if _is_interaction(update):
        today = context.services.clock.now().date()
        stale = (
            record is None
            or record.last_seen != today
            or record.blocked
            or (not record.locale_chosen and record.locale != telegram_locale)
        )
        if stale:
            record = await users.touch(user.id, telegram_locale, today)
    context.role = effective_role(user.id, record.role if record else None, settings.admins)
    context.locale = record.locale if record and record.locale_chosen else telegram_locale
    i18n.set_locale(context.locale)
