"""Assembling the python-telegram-bot application and running it with long polling.

A running bot is an instance (bot/instance.py): it opens the database, then stands by until it
holds the lease of the active instance; while it does (a term), it takes updates through the
inbox (bot/polling.py), sends, reminds and nudges, and its writes are fenced by the lease's
token. When the term ends (a stop, or another instance took over), everything stops in order
and, unless stopped, the instance stands by again. One bot alone on its database holds the
lease from the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from asyncio import FIRST_COMPLETED
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, Defaults

from bot import health, jobs
from bot.config import Settings
from bot.delivery.http import AiohttpRequest
from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.instance import Instance, Term
from bot.polling import InboxPoller
from bot.services import Services
from bot.shipped import prepare_shipped_content
from bot.update_order import PerChatOrder
from handlers import COMMANDS, register
from handlers.context import CONTEXT_TYPES, QorgauApplication
from storage import Database
from storage.errors import Fenced

logger = logging.getLogger(__name__)

REPLY_CONNECTIONS = 32
"""Connections of the client that answers people: replies to that many chats at once."""


def build_application(
    settings: Settings, db: Database, clock: Clock = SYSTEM_CLOCK
) -> QorgauApplication:
    """Wire settings, storage and every handler into an application (not yet started)."""
    services = Services.create(settings, db, clock)
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
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        # Updates come through the inbox (bot/polling.py), not python-telegram-bot's updater.
        .updater(None)
        .build()
    )
    assert isinstance(application, QorgauApplication)
    application.services = services
    register(application)
    return application


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Open the database and run as an instance until ``stop`` is set: stand by, and serve
    each term this instance holds the lease (``on_started`` once the first one polls). Whatever
    fails after the start, the updates, the jobs and the delivery engine stop before the
    database closes."""
    async with await Database.open(settings.database, instance=True) as db:
        instance = Instance(db, health.heartbeat_path(settings.database))
        async with instance.running():
            while (term := await instance.activation(stop)) is not None:
                db.fence = term.token
                try:
                    await _serve_term(
                        settings, db, term=term, stop=stop, on_started=on_started, clock=clock
                    )
                except Fenced:
                    # A write was refused: another instance holds the lease (this one was
                    # paused or cut off past its expiry). What it did not record is the new
                    # active instance's to settle, as after a crash.
                    logger.warning("this instance's writes are refused: it stands by")
                finally:
                    db.fence = None
                    await instance.step_down()
                on_started = None  # said once


async def _serve_term(
    settings: Settings,
    db: Database,
    *,
    term: Term,
    stop: asyncio.Event,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None,
    clock: Clock,
) -> None:
    """Serve while this instance is the active one: as a bot alone on its database does from
    start to stop, and as one that starts after a crash (nothing confirmed is resent)."""
    application = build_application(settings, db, clock)
    services = application.services
    async with application, services.delivery_bot:
        await prepare_shipped_content(services.cases, services.declarations)
        unknown = await services.outbox.recover()
        if unknown:
            logger.warning("%d queued messages were in flight at a crash", unknown)
        await COMMANDS.publish(application)
        await application.start()
        try:
            await _poll_until(application, stop, term, on_started)
        finally:
            await _stop(application)


async def _poll_until(
    application: QorgauApplication,
    stop: asyncio.Event,
    term: Term,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None,
) -> None:
    poller = InboxPoller(application, application.services.inbox)
    application.poller = poller
    polling = asyncio.create_task(poller.run(), name="polling")
    try:
        async with jobs.running(application):
            logger.info("bot started")
            if on_started is not None:
                await on_started(application)
            waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(term.lost.wait())}
            try:
                await asyncio.wait({polling, *waiters}, return_when=FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
            logger.info("bot stopping" if stop.is_set() else "bot standing by")
            application.services.reply_limiter.stop_waiting()
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Fenced):
                await polling  # what made it end: a refused write is another's takeover
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError, Fenced):
            await polling
        application.poller = None


async def _stop(application: QorgauApplication) -> None:
    """Stop the application, so it can shut down."""
    if application.running:
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
