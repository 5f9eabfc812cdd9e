"""The services handlers and jobs use, opened once per process."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot

from bot.config import Settings
from bot.delivery.broadcasts import BroadcastMonitor
from bot.delivery.engine import DeliveryEngine
from bot.delivery.http import bulk_client
from bot.delivery.replies import ReplyLimiter
from bot.delivery.sender import TelegramSender
from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.pacing import needs_paid_broadcast
from bot.domain.retries import RetryPolicy
from bot.metrics import Metrics
from storage import Database
from storage.audit_log import AuditLog
from storage.broadcasts import Broadcasts
from storage.cases import Cases
from storage.declaration_reminders import DeclarationReminders
from storage.declarations import Declarations
from storage.inbox import Inbox
from storage.members import Members
from storage.outbox import Outbox
from storage.persistence import SqlitePersistence
from storage.reminders import Reminders
from storage.subscriptions import Subscriptions
from storage.users import Users


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers and jobs need besides Telegram: settings, storage and delivery."""

    settings: Settings
    db: Database
    clock: Clock
    """The time the bot goes by: the system's, or a test's."""
    users: Users
    persistence: SqlitePersistence
    cases: Cases
    subscriptions: Subscriptions
    reminders: Reminders
    members: Members
    declarations: Declarations
    declaration_reminders: DeclarationReminders
    audit: AuditLog
    outbox: Outbox
    inbox: Inbox
    """Updates stored and not handled yet (bot/polling.py)."""
    broadcasts: Broadcasts
    broadcast_monitor: BroadcastMonitor
    delivery: DeliveryEngine
    delivery_bot: Bot
    """The delivery engine's own client (its own connection pool), opened by ``serve``."""
    reply_limiter: ReplyLimiter
    """The pace and retries of the replies (the bot that answers people)."""
    metrics: Metrics
    """What ``GET /metrics`` reports."""

    @classmethod
    def create(cls, settings: Settings, db: Database, clock: Clock = SYSTEM_CLOCK) -> Services:
        """Wire storage and the delivery engine over an open database."""
        users = Users(db)
        outbox = Outbox(db, users)
        broadcasts = Broadcasts(db)
        delivery_bot = bulk_client(settings.require_token(), settings.api_base_url)
        metrics = Metrics()
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            users=users,
            persistence=SqlitePersistence(db),
            cases=Cases(db, clock),
            subscriptions=Subscriptions(db, clock),
            reminders=Reminders(db),
            members=Members(db, clock),
            declarations=Declarations(db, clock),
            declaration_reminders=DeclarationReminders(db, broadcasts),
            audit=AuditLog(db),
            outbox=outbox,
            inbox=Inbox(db),
            broadcasts=broadcasts,
            broadcast_monitor=BroadcastMonitor(broadcasts, outbox),
            delivery=DeliveryEngine(
                outbox,
                TelegramSender(delivery_bot, paid=needs_paid_broadcast(settings.broadcast_rate)),
                rate=settings.broadcast_rate,
                retries=RetryPolicy(budget=settings.broadcast_retry_budget),
                metrics=metrics,
            ),
            delivery_bot=delivery_bot,
            reply_limiter=ReplyLimiter(metrics=metrics),
            metrics=metrics,
        )
