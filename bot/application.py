"""Assembling the python-telegram-bot application and running it.

A running bot is an instance (bot/instance.py): it opens the database and its web server, then
stands by until it holds the lease of the active instance. While it does (a term), it takes
updates through the inbox (bot/polling.py: long polling, or what the webhook stored), sends, and
runs the reminders and the declaration reminders; its writes are fenced by the lease's token.
When the term ends (a stop, or another instance took over), everything stops in order and,
unless stopped, the instance stands by again. One bot alone on its database holds the lease
from the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from asyncio import FIRST_COMPLETED
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, Defaults

from bot import health, jobs
from bot.config import Settings
from bot.delivery.client import QorgauBot
from bot.delivery.http import AiohttpRequest
from bot.domain.clock import SYSTEM_CLOCK, Clock, CorrectedClock
from bot.instance import Instance, Term
from bot.polling import InboxPoller, InboxPump
from bot.services import Services
from bot.shipped import prepare_shipped_content
from bot.text.formatting import load_cldr_data
from bot.text.i18n import LOCALES
from bot.text.render import compile_templates
from bot.update_order import PerChatOrder
from bot.web import webhook
from bot.web.server import WebServer
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
    polling = AiohttpRequest(connection_pool_size=1)
    replies = AiohttpRequest(connection_pool_size=REPLY_CONNECTIONS)
    bot = QorgauBot(
        settings.require_token(),
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            do_quote=False,
            tzinfo=settings.timezone,
        ),
        # Replies paced and retried per chat (bulk sends are paced by the delivery engine,
        # with its own client).
        rate_limiter=services.reply_limiter,
        # aiohttp costs half the CPU of PTB's default httpx per request (bench/README.md).
        request=replies,
        get_updates_request=polling,
    )
    application = (
        ApplicationBuilder()
        .application_class(QorgauApplication)
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .persistence(services.persistence)
        # Different chats at once, each chat in order.
        .concurrent_updates(PerChatOrder())
        # Updates come through the inbox (bot/polling.py), not python-telegram-bot's updater.
        .updater(None)
        .build()
    )
    assert isinstance(application, QorgauApplication)
    application.services = services
    application.requests = (replies, polling)
    application.last_poll_answer = lambda: polling.last_answer
    register(application)
    return application


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Open the database and the web server and run as an instance until ``stop`` is set: stand
    by, and serve each term this instance holds the lease (``on_started`` once the first one
    takes updates). The web server runs throughout: a standing-by instance answers
    ``/healthz`` and, in webhook mode, stores the updates it is sent for the active one. Whatever
    fails after the start, updates stop coming first, then the jobs and the delivery engine
    stop, then the web server, and the database closes last."""
    # The machine's clock, kept on the database's (several instances keep one time); a test's
    # settable clock stays as it is set.
    corrected = CorrectedClock() if clock is SYSTEM_CLOCK else None
    async with await Database.open(settings.database, instance=True) as db:
        application = build_application(settings, db, corrected or clock)
        instance = Instance(db, health.heartbeat_path(settings.database), clock=corrected)
        application.role = lambda: instance.role
        async with application, application.services.delivery_bot:
            server = WebServer(application)
            await server.start()
            application.web_url = server.url
            try:
                if settings.webhook_mode:
                    server.accept_updates("webhook")  # stored, for whichever is active
                async with instance.running():
                    while (term := await instance.activation(stop)) is not None:
                        db.fence = term.token
                        try:
                            # What the conversations were when this instance started is stale
                            # once another instance was active meanwhile.
                            await application.reload_persistence()
                            await _serve_term(application, server, term, stop, on_started)
                        except Fenced:
                            # A write was refused: another instance holds the lease (this one
                            # was paused or cut off past its expiry). What it did not record is
                            # the new active instance's to settle, as after a crash.
                            logger.warning("this instance's writes are refused: it stands by")
                        except Exception as error:
                            if stop.is_set() or not term.lost.is_set():
                                raise
                            # The lease was lost (the database away): whatever failed while
                            # stopping is the next active instance's to settle.
                            logger.warning(
                                "the term ended with %s: it stands by", type(error).__name__
                            )
                        finally:
                            db.fence = None
                            await instance.step_down()
                        on_started = None  # said once
            finally:
                server.refuse_updates()
                await server.stop()


async def _serve_term(
    application: QorgauApplication,
    server: WebServer,
    term: Term,
    stop: asyncio.Event,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None,
) -> None:
    """Serve while this instance is the active one: as a bot alone on its database does from
    start to stop, and as one that starts after a crash (nothing confirmed is resent)."""
    services = application.services
    services.reply_limiter.resume()
    await prepare_shipped_content(services.cases, services.declarations)
    unknown = await services.outbox.recover()
    if unknown:
        logger.warning("%d queued messages were in flight at a crash", unknown)
    await COMMANDS.publish(application)
    await application.start()
    try:
        await _receive_until(application, server, stop, term, on_started)
    finally:
        await _stop(application)


async def _receive_until(
    application: QorgauApplication,
    server: WebServer,
    stop: asyncio.Event,
    term: Term,
    on_started: Callable[[QorgauApplication], Awaitable[None]] | None,
) -> None:
    settings = application.services.settings
    inbox = application.services.inbox
    taker: InboxPoller | InboxPump
    if settings.webhook_mode:
        assert settings.public_url is not None
        taker = InboxPump(application, inbox)
        application.poller = taker
        server.accept_updates("webhook")
        await application.bot.set_webhook(
            webhook.url(settings.public_url),
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        taker = InboxPoller(application, inbox)
        application.poller = taker
        server.accept_updates("polling")
    # What start-up made (modules, catalogs, handlers) lives as long as the process: the
    # garbage collector need not walk it again at every full collection.
    gc.freeze()
    taking = asyncio.create_task(taker.run(), name="updates")
    preparing = asyncio.create_task(_prepare_texts(taker.listening), name="texts")
    try:
        async with jobs.running(application):
            logger.info("bot started (updates by %s)", server.receiving.mode)
            if on_started is not None:
                await on_started(application)
            waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(term.lost.wait())}
            try:
                await asyncio.wait({taking, *waiters}, return_when=FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
            logger.info("bot stopping" if stop.is_set() else "bot standing by")
            if stop.is_set():
                server.refuse_updates()
            application.services.reply_limiter.stop_waiting()
            taking.cancel()
            with contextlib.suppress(asyncio.CancelledError, Fenced):
                await taking  # what made it end: a refused write is another's takeover
    finally:
        preparing.cancel()
        taking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await preparing
        with contextlib.suppress(asyncio.CancelledError, Fenced):
            await taking
        application.poller = None


async def _prepare_texts(listening: asyncio.Event) -> None:
    """Once updates are awaited, compile the templates and read the CLDR data that a reader's
    first message of a kind would otherwise wait for (some 100 ms of CPU in all), in steps
    between the first updates; then freeze them with the rest of start-up."""
    await listening.wait()
    await compile_templates()
    await load_cldr_data(LOCALES)
    gc.freeze()


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
