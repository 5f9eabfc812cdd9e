"""Assembling the python-telegram-bot application and running it with long polling."""

from __future__ import annotations

import asyncio
import logging
import signal
from asyncio import FIRST_COMPLETED
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, Defaults

from bot import health
from bot.config import Settings
from bot.delivery.engine import DeliveryEngine
from bot.delivery.http import AiohttpRequest
from bot.delivery.sender import TelegramSender
from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.services import QorgauApplication, Services
from bot.shipped import prepare_shipped_content
from handlers import register
from handlers.context import CONTEXT_TYPES
from handlers.menus import publish_menus
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

logger = logging.getLogger(__name__)

DELIVERY_CONNECTIONS = 64
"""Connections of the delivery engine's own client: its ceiling of sends in flight."""

POLL_TIMEOUT = 30
"""Seconds a getUpdates call waits for news: long polling keeps an idle bot near zero CPU."""


def delivery_bot(settings: Settings) -> Bot:
    """A second client for bulk sends, with its own connection pool."""
    return Bot(
        settings.require_token(),
        base_url=settings.api_base_url,
        request=AiohttpRequest(connection_pool_size=DELIVERY_CONNECTIONS),
    )


def build_application(
    settings: Settings, db: Database, clock: Clock = SYSTEM_CLOCK
) -> QorgauApplication:
    """Wire settings, storage and every handler into an application (not yet started)."""
    persistence = SqlitePersistence(db)
    users = Users(db)
    outbox = Outbox(db, users)
    broadcasts = Broadcasts(db)
    application = (
        ApplicationBuilder()
        .application_class(QorgauApplication)
        .token(settings.require_token())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .context_types(CONTEXT_TYPES)
        .persistence(persistence)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                do_quote=False,
                tzinfo=settings.timezone,
            )
        )
        # Replies are paced per group by Telegram's rules and retried after a 429; bulk sends
        # are paced by the delivery engine, so no global cap slows down answers to users.
        .rate_limiter(AIORateLimiter(overall_max_rate=0, max_retries=2))
        .build()
    )
    assert isinstance(application, QorgauApplication)
    bulk_bot = delivery_bot(settings)
    application.services = Services(
        settings=settings,
        db=db,
        users=users,
        persistence=persistence,
        outbox=outbox,
        broadcasts=broadcasts,
        cases=Cases(db, clock),
        subscriptions=Subscriptions(db, clock),
        members=Members(db),
        declarations=Declarations(db),
        audit=AuditLog(db),
        nudges=Nudges(db, broadcasts),
        delivery=DeliveryEngine(outbox, TelegramSender(bulk_bot), rate=settings.broadcast_rate),
        delivery_bot=bulk_bot,
        clock=clock,
        reminders=Reminders(db),
    )
    register(application)
    return application


def _start_heartbeat(application: QorgauApplication, path: Path) -> None:
    """Touch the heartbeat file while the updater polls (read by ``python -m bot health``)."""

    async def heartbeat(_: object) -> None:
        if application.updater is not None and application.updater.running:
            health.beat(path)

    health.beat(path)
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        heartbeat, interval=health.HEARTBEAT_INTERVAL, name="heartbeat"
    )


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Open the database, poll Telegram until ``stop`` is set, then shut down cleanly."""
    async with await Database.open(settings.database) as db:
        application = build_application(settings, db, clock)
        services = application.services
        async with application, services.delivery_bot:
            await prepare_shipped_content(services.cases, services.declarations)
            unknown = await services.outbox.recover()
            if unknown:
                logger.warning("%d queued messages were in flight at a crash", unknown)
            await publish_menus(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
            )
            stop_delivery = asyncio.Event()
            delivery = asyncio.create_task(services.delivery.run(stop_delivery))
            _start_heartbeat(application, health.heartbeat_path(settings.database))
            logger.info("bot started")
            if on_started is not None:
                await on_started(application)
            await stop.wait()
            logger.info("bot stopping")
            await application.updater.stop()
            stop_delivery.set()
            await delivery
            await application.stop()


@asynccontextmanager
async def serving(
    settings: Settings, startup_timeout: float = 10.0, clock: Clock = SYSTEM_CLOCK
) -> AsyncIterator[QorgauApplication]:
    """Serve the bot in a task for the duration of the block, entered once the bot polls."""
    stop = asyncio.Event()
    started: asyncio.Future[QorgauApplication] = asyncio.get_running_loop().create_future()

    async def on_started(application: QorgauApplication) -> None:
        started.set_result(application)

    task = asyncio.create_task(serve(settings, stop, on_started=on_started, clock=clock))
    await asyncio.wait({task, started}, timeout=startup_timeout, return_when=FIRST_COMPLETED)
    if task.done():
        task.result()  # raises what made the bot fail to start
    if not started.done():
        task.cancel()
        raise TimeoutError(f"the bot did not start within {startup_timeout:.0f} s")
    try:
        yield started.result()
    finally:
        stop.set()
        await task


async def run(settings: Settings) -> None:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await serve(settings, stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
