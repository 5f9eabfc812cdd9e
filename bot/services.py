"""The services handlers use, and the application that carries them."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot
from telegram.ext import Application

from bot.config import Settings
from bot.delivery.engine import DeliveryEngine
from bot.domain.clock import Clock
from storage import Database
from storage.audit_log import AuditLog
from storage.broadcasts import Broadcasts
from storage.cases import Cases
from storage.declaration_reminders import Nudges
from storage.declarations import Declarations
from storage.members import Members
from storage.outbox import Outbox
from storage.persistence import SqlitePersistence
from storage.reminders import Reminders
from storage.subscriptions import Subscriptions
from storage.users import Users


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers need besides Telegram: settings, storage and the delivery engine."""

    settings: Settings
    db: Database
    users: Users
    persistence: SqlitePersistence
    outbox: Outbox
    broadcasts: Broadcasts
    cases: Cases
    subscriptions: Subscriptions
    members: Members
    declarations: Declarations
    audit: AuditLog
    nudges: Nudges
    delivery: DeliveryEngine
    delivery_bot: Bot
    """The delivery engine's own client (its own connection pool), opened by ``serve``."""
    clock: Clock
    """The time reminders and deadlines go by: the system's, or a test's."""
    reminders: Reminders


class QorgauApplication(Application):  # type: ignore[type-arg]
    """An application that carries the services and writes persisted state after every update.

    python-telegram-bot flushes its persistence on a timer; writing right after each update
    (the persistence skips unchanged data) makes conversation states survive ``kill -9``.
    """

    services: Services

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        await self.update_persistence()
