"""Assembling the python-telegram-bot application and running it with long polling."""

from __future__ import annotations

import asyncio
import logging
import signal
from asyncio import FIRST_COMPLETED
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, Defaults

from bot import jobs
from bot.config import Settings
from bot.delivery.http import AiohttpRequest
from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.services import Services
from bot.shipped import prepare_shipped_content
from bot.update_order import PerChatOrder
from bot.web import webhook
from bot.web.server import WebServer
from handlers import COMMANDS, register
from handlers.context import CONTEXT_TYPES, QorgauApplication
from storage import Database

logger = logging.getLogger(__name__)

REPLY_CONNECTIONS = 32
"""Connections of the client that answers people: replies to that many chats at once."""

POLL_TIMEOUT = 30
"""Seconds a getUpdates call waits for news: long polling keeps an idle bot near zero CPU."""


def build_application(
    settings: Settings, db: Database, clock: Clock = SYSTEM_CLOCK
) -> QorgauApplication:
    """Wire settings, storage and every handler into an application (not yet started)."""
    services = Services.create(settings, db, clock)
    polling = AiohttpRequest(connection_pool_size=1)
    application = (
        ApplicationBuilder()
        .application_class(QorgauApplication)
        .token(settings.require_token())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .context_types(CONTEXT_TYPES)
        .persistence(services.persistence)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                do_quote=False,
                tzinfo=settings.timezone,
            )
        )
        # Different chats at once, each chat in order; replies paced and retried per chat
        # (bulk sends are paced by the delivery engine, with its own client).
        .concurrent_updates(PerChatOrder())
        .rate_limiter(services.reply_limiter)
        # aiohttp costs half the CPU of PTB's default httpx per request (bench/README.md).
        .request(AiohttpRequest(connection_pool_size=REPLY_CONNECTIONS))
        .get_updates_request(polling)
        .build()
    )
    assert isinstance(application, QorgauApplication)
    application.services = services
    application.last_poll_answer = lambda: polling.last_answer
    register(application)
    return application


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Open the database and the web server, take updates (long polling, or the webhook when
    ``BOT_WEBHOOK_SECRET`` is set) until ``stop`` is set, then shut down cleanly: whatever
    fails after the start, updates stop coming first, then the jobs and the delivery engine
    stop, then the web server, and the database closes last."""
    async with await Database.open(settings.database) as db:
        application = build_application(settings, db, clock)
        services = application.services
        async with application, services.delivery_bot:
            await prepare_shipped_content(services.cases, services.declarations)
            unknown = await services.outbox.recover()
            if unknown:
                logger.warning("%d queued messages were in flight at a crash", unknown)
            await COMMANDS.publish(application)
            server = WebServer(application)
            await server.start()
            application.web_url = server.url
            try:
                await application.start()
                try:
                    await _receive_until(application, server, stop, on_started)
                finally:
                    server.refuse_updates()
                    await _stop(application)
            finally:
                await server.stop()


async def _receive_until(
    application: QorgauApplication,
    server: WebServer,
    stop: asyncio.Event,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None,
) -> None:
    settings = application.services.settings
    if settings.webhook_mode:
        assert settings.public_url is not None
        server.accept_updates("webhook")
        await application.bot.set_webhook(
            webhook.url(settings.public_url),
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES, error_callback=_polling_failed
        )
        server.accept_updates("polling")
    async with jobs.running(application):
        logger.info("bot started (updates by %s)", server.receiving.mode)
        if on_started is not None:
            await on_started(application)
        await stop.wait()
        logger.info("bot stopping")
        server.refuse_updates()
        application.services.reply_limiter.stop_waiting()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()


async def _stop(application: QorgauApplication) -> None:
    """Stop polling (if it still runs) and the application, so it can shut down."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()


def _polling_failed(error: TelegramError) -> None:
    """A failed getUpdates: python-telegram-bot retries; say why, without a traceback."""
    logger.warning("polling failed, retrying: %s: %s", type(error).__name__, error.message)


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
