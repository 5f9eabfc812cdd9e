"""``GET /healthz`` and ``GET /metrics``: whether the bot works, and how much it does.

``/healthz`` answers 200 when the database answers, updates flow (polling: the Bot API answered a
``getUpdates`` lately; webhook: the webhook is set and taken), and the delivery engine goes round;
else 503. It says the instance's ``role``: ``active``, or ``standby`` (another instance on the same
database is active; this one is healthy if its database answers and, in webhook mode, it stores the
updates it is sent). One answer serves as liveness and readiness: a bot that cannot take updates or
deliver is of no use behind a load balancer either. ``python -m bot health`` and the image's
HEALTHCHECK ask it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.web.keys import BOT, RECEIVING

PATH = "/healthz"

DATABASE_TIMEOUT = 2.0
"""Seconds the database has to answer ``SELECT 1``."""

POLL_SILENCE = 90.0
"""Seconds without an answer to ``getUpdates`` after which polling counts as stuck (a long
poll lasts 30)."""

ENGINE_SILENCE = 60.0
"""Seconds after which a delivery loop that did not go round counts as stuck (it looks at the
outbox at least every 10)."""


async def _database(request: web.Request) -> dict[str, Any]:
    db = request.app[BOT].services.db
    try:
        row = await asyncio.wait_for(db.fetchone("SELECT 1"), DATABASE_TIMEOUT)
    except Exception as error:  # any failure to answer is the answer
        return {"ok": False, "error": type(error).__name__}
    return {"ok": row is not None and row[0] == 1}


def _updates(request: web.Request) -> dict[str, Any]:
    application = request.app[BOT]
    receiving = request.app[RECEIVING]
    now = time.monotonic()
    check: dict[str, Any] = {"mode": receiving.mode, "queued": application.update_queue.qsize()}
    if application.role() == "standby":
        # Another instance takes the updates; a webhook sent here is stored for it.
        return check | {"ok": receiving.accepting or receiving.mode == "polling"}
    if not application.running or not receiving.since:
        return check | {"ok": False}
    if receiving.mode == "webhook":
        return check | {"ok": receiving.accepting}
    answered = application.last_poll_answer()
    last = max(receiving.since, answered or 0.0)
    polling = application.poller is not None
    return check | {"ok": polling and now - last < POLL_SILENCE, "seconds_since": round(now - last)}


def _delivery(request: web.Request) -> dict[str, Any]:
    if request.app[BOT].role() == "standby":
        return {"ok": True, "standby": True}  # the active instance delivers
    engine = request.app[BOT].services.delivery
    silence = time.monotonic() - engine.last_round
    return {"ok": engine.running and silence < ENGINE_SILENCE, "seconds_since": round(silence)}


async def healthz(request: web.Request) -> web.Response:
    """Every check and the verdict, as JSON; 200 if all pass, else 503."""
    checks = {
        "database": await _database(request),
        "updates": _updates(request),
        "delivery": _delivery(request),
    }
    healthy = all(check["ok"] for check in checks.values())
    return web.json_response(
        {
            "status": "ok" if healthy else "failing",
            "role": request.app[BOT].role(),
            "checks": checks,
        },
        status=200 if healthy else 503,
    )


async def _refresh_gauges(request: web.Request) -> None:
    """Read what the database counts into the gauges, just before they are reported."""
    services = request.app[BOT].services
    metrics, db = services.metrics, services.db
    states = {"pending": 0, "sending": 0, "unknown": 0}
    for row in await db.fetchall("SELECT state, count(*) FROM outbox GROUP BY state"):
        states[row[0]] = row[1]
    for state, count in states.items():
        metrics.outbox.labels(state).set(count)
    now = services.clock.now().timestamp()
    due = await db.fetchone("SELECT count(*) FROM reminders WHERE due_at <= ?", (now,))
    pending = await db.fetchone("SELECT count(*) FROM reminders")
    signatures = await db.fetchone("SELECT count(*) FROM signatures")
    metrics.reminders_due.set(due[0] if due else 0)
    metrics.reminders_pending.set(pending[0] if pending else 0)
    metrics.signatures_stored.set(signatures[0] if signatures else 0)


async def metrics(request: web.Request) -> web.Response:
    """Prometheus' text format."""
    await _refresh_gauges(request)
    body = request.app[BOT].services.metrics.exposition()
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def setup(app: web.Application) -> None:
    """Add ``/healthz`` and ``/metrics``."""
    app.router.add_get(PATH, healthz, name="healthz")
    app.router.add_get("/metrics", metrics, name="metrics")
