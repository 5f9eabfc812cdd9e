"""Every background job and task of the bot, started and stopped in one place.

Repeating jobs run on python-telegram-bot's JobQueue (APScheduler); the delivery engine is a
task of its own, woken whenever something is queued.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot import health
from bot.declaration_reminders import queue_due_reminders as queue_due_declaration_reminders
from bot.reminders import queue_due_reminders
from handlers.broadcasts import refresh_progress
from handlers.context import BotContext, QorgauApplication

REMINDER_TICK = 1.0
"""Seconds between two looks for due reminders (one indexed query when none is due)."""

PROGRESS_INTERVAL = 3.0
"""Seconds between two edits of a broadcast's progress message."""

DECLARATION_REMINDER_INTERVAL = 600.0
"""Seconds between two looks for declaration reminders that are due."""

DECLARATION_REMINDER_FIRST = 2.0
"""Seconds after start-up of the first look, so a restart catches up at once."""

IMPORT_TICK = 1.0
"""Seconds between two looks for broadcasts queued by another process (one indexed query)."""

WIPE_RETRY = 5.0
"""Seconds between two tries to finish a pending wipe of erased data (see Database.wipe)."""


async def _queue_reminders(context: BotContext) -> None:
    await queue_due_reminders(context.services)


async def _queue_declaration_reminders(context: BotContext) -> None:
    await queue_due_declaration_reminders(context.services)


async def _pick_up_imports(context: BotContext) -> None:
    """Wake the delivery engine for broadcasts another process queued (``import --notify``):
    nothing else tells it about them."""
    assert context.job is not None
    seen: dict[str, int] = context.job.data  # type: ignore[assignment]
    latest = await context.services.broadcasts.latest_id()
    if latest > seen["latest"]:
        seen["latest"] = latest
        context.services.delivery.wake()


async def _finish_wipe(context: BotContext) -> None:
    """Wipe erased data from the WAL once the reader that held it back has left."""
    if context.services.db.wipe_pending:
        await context.services.db.wipe()


async def _beat(context: BotContext) -> None:
    """Touch the heartbeat file while the bot polls (``python -m bot health``)."""
    application = context.application
    if isinstance(application, QorgauApplication) and application.poller is not None:
        assert context.job is not None
        health.beat(context.job.data)  # type: ignore[arg-type]


@asynccontextmanager
async def running(application: QorgauApplication) -> AsyncIterator[None]:
    """Schedule the repeating jobs and run the delivery engine for the duration of the block;
    the engine finishes what is in flight when it ends."""
    services = application.services
    queue = application.job_queue
    assert queue is not None
    heartbeat = health.heartbeat_path(services.settings.database)
    health.beat(heartbeat)
    jobs = [
        queue.run_repeating(
            refresh_progress, interval=PROGRESS_INTERVAL, name="broadcast progress"
        ),
        queue.run_repeating(_queue_reminders, interval=REMINDER_TICK, name="reminders"),
        queue.run_repeating(
            _queue_declaration_reminders,
            interval=DECLARATION_REMINDER_INTERVAL,
            first=DECLARATION_REMINDER_FIRST,
            name="declaration reminders",
        ),
        queue.run_repeating(
            _pick_up_imports,
            interval=IMPORT_TICK,
            data={"latest": await services.broadcasts.latest_id()},
            name="imported broadcasts",
        ),
        queue.run_repeating(_finish_wipe, interval=WIPE_RETRY, name="wipe"),
        queue.run_repeating(
            _beat, interval=health.HEARTBEAT_INTERVAL, data=heartbeat, name="heartbeat"
        ),
    ]
    stop_delivery = asyncio.Event()
    delivery = asyncio.create_task(services.delivery.run(stop_delivery), name="delivery engine")
    try:
        yield
    finally:
        for job in jobs:
            job.schedule_removal()
        stop_delivery.set()
        await delivery
