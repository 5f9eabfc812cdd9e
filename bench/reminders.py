"""``python -m bench.reminders [--reminders N] [--json PATH]``: reminders at scale.

A database with ``N`` (100,000) pending reminders is built with the bot's own storage code:
N/3 readers, each following one of N/30 cases, each case with one deadline (a minute apart,
30 days ahead), three default lead times each. Then:

1. **start-up**: ``python -m bot run`` as a real process on that database, from spawn to its
   first getUpdates at the local Bot API server, against the same on a fresh database;
2. **tick**: the scheduler's job itself (:func:`bot.reminders.queue_due_reminders`) run
   in this process with a settable clock: with nothing due (1,000 ticks), and, after one
   unmeasured tick that warms the templates up, with 10, 100 and 500 rows due; the nothing-due
   tick is also measured on a database ten times smaller,
   to show that its cost follows the due rows, not all rows;
3. **delay**: the bot serving in this process against the local Bot API server, on the same
   database, with a settable clock and the default ``BOT_BROADCAST_RATE``: the clock jumps to
   the due time of the next group of reminders (10 readers of one case) and the wall time
   from the jump to each message's arrival at the server is taken, over 20 groups.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import databases
from bench.botproc import FULL, BotProcess
from bot.application import serving
from bot.config import Settings
from bot.domain.clock import SettableClock
from bot.domain.content import Case, Content, Deadline
from bot.domain.reminders import DEFAULT_LEADS
from bot.reminders import queue_due_reminders
from bot.services import Services
from sandbox.local_api import LocalBotApi
from storage import Database
from storage.cases import Cases
from storage.reminders import Reminders

TOKEN = "123456:BENCH"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
READERS_PER_CASE = 10
IDLE_TICKS = 1_000
DUE_SIZES = (10, 100, 500)
"""Rows due at a tick (a case's 10 readers share a due time, so counts are multiples of 10)."""
DELAY_GROUPS = 20
STARTUP_ROUNDS = 3
LOCALES = ("ru", "kk", "en")

IDLE_TICK_TARGET_MS = 5.0
DELAY_TARGET_S = 2.0


def _case(index: int) -> Case:
    texts = {locale: f"Case {index}" for locale in LOCALES}
    return Case(
        id=f"case-{index}",
        name=texts,
        status="detained",
        urgency=1 + index % 5,
        brief=texts,
        account=texts,
        updated=date(2026, 1, 1),
    )


def _deadline(index: int) -> Deadline:
    texts = {locale: f"Hearing {index}" for locale in LOCALES}
    return Deadline(
        id="hearing",
        title=texts,
        moment=START + timedelta(days=30, minutes=index),
        zone="Europe/Berlin",
        action=texts,
    )


async def build(path: Path, reminders: int) -> dict[str, float]:
    """A database with ``reminders`` pending reminders; how long its parts took."""
    clock = SettableClock(START)
    case_count = max(1, math.ceil(reminders / (READERS_PER_CASE * len(DEFAULT_LEADS))))
    cases = [_case(index) for index in range(case_count)]
    async with await Database.open(path) as db:
        store = Cases(db, clock)
        began = time.perf_counter()
        await store.upsert(Content({}, {case.id: case for case in cases}))
        cases_s = time.perf_counter() - began
        readers = [
            (case_index * READERS_PER_CASE + offset + 1, case_index)
            for case_index in range(case_count)
            for offset in range(READERS_PER_CASE)
        ]
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO users (user_id, locale, first_seen, last_seen) "
                "VALUES (?, ?, '2026-03-01', '2026-03-01')",
                [(user_id, LOCALES[user_id % 3]) for user_id, _ in readers],
            )
            await conn.executemany(
                "INSERT INTO subscriptions (user_id, case_id) VALUES (?, ?)",
                [(user_id, f"case-{case_index}") for user_id, case_index in readers],
            )
        began = time.perf_counter()
        await store.upsert(
            Content(
                {},
                {
                    case.id: dataclasses.replace(case, deadlines=(_deadline(index),))
                    for index, case in enumerate(cases)
                },
            )
        )
        plan_s = time.perf_counter() - began
        pending = await Reminders(db).pending_count()
    return {"cases_s": cases_s, "plan_s": plan_s, "pending": pending}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def startup(workdir: Path, prepared: Path) -> dict[str, float]:
    """Spawn to first getUpdates of ``python -m bot run``: on ``prepared``, and on a fresh file."""
    results: dict[str, list[float]] = {"with_reminders_s": [], "fresh_s": []}
    for round_index in range(STARTUP_ROUNDS):
        for name, source in (("with_reminders_s", prepared), ("fresh_s", None)):
            tag = f"{name}-{round_index}"
            database = None if source is None else databases.copy(source, workdir, tag)
            async with LocalBotApi(token=TOKEN, record_calls=False) as api:
                bot = await BotProcess.spawn(FULL, api, workdir, tag, database=database)
                try:
                    results[name].append(await bot.wait_first_poll(api))
                finally:
                    await bot.stop()
    return {name: statistics.median(values) for name, values in results.items()}


async def ticks(path: Path) -> dict[str, Any]:
    """The job's wall time per tick: nothing due, then a few due counts."""
    clock = SettableClock(START)
    settings = Settings(token=TOKEN, database=path)
    async with await Database.open(path) as db:
        services = Services.create(settings, db, clock)
        reminders = services.reminders
        idle = []
        for _ in range(IDLE_TICKS):
            began = time.perf_counter()
            await queue_due_reminders(services)
            idle.append((time.perf_counter() - began) * 1_000)
        due_runs = []
        for size in (READERS_PER_CASE, *DUE_SIZES):
            row = await db.fetchone(
                "SELECT due_at FROM reminders ORDER BY due_at LIMIT 1 OFFSET ?", (size - 1,)
            )
            clock.set(datetime.fromtimestamp(row[0], UTC))
            before = await reminders.pending_count()
            began = time.perf_counter()
            await queue_due_reminders(services)
            elapsed = (time.perf_counter() - began) * 1_000
            handled = before - await reminders.pending_count()
            due_runs.append({"due": handled, "ms": elapsed, "ms_per_row": elapsed / handled})
        del due_runs[0]  # the warm-up
    return {
        "idle_median_ms": statistics.median(idle),
        "idle_p99_ms": _percentile(idle, 0.99),
        "due": due_runs,
    }


async def delays(path: Path) -> dict[str, Any]:
    """Seconds from a group's due time to the arrival of its messages at the server."""
    clock = SettableClock(START)
    first: list[float] = []
    last: list[float] = []
    async with LocalBotApi(token=TOKEN, record_calls=False) as api:
        settings = Settings(token=TOKEN, api_base_url=api.base_url, database=path)
        async with serving(settings, clock=clock) as application:
            db = application.services.db
            for _ in range(DELAY_GROUPS):
                (due_at,) = await db.fetchone("SELECT min(due_at) FROM reminders")
                rows = await db.fetchall(
                    "SELECT user_id FROM reminders WHERE due_at = ?", (due_at,)
                )
                readers = [api.user(row[0], "Reader") for row in rows]
                began = time.perf_counter()
                clock.set(datetime.fromtimestamp(due_at, UTC))
                await api.wait_until(
                    lambda readers=readers: any(r.chat.bot_messages for r in readers), timeout=30
                )
                first.append(time.perf_counter() - began)
                await api.wait_until(
                    lambda readers=readers: all(r.chat.bot_messages for r in readers), timeout=30
                )
                last.append(time.perf_counter() - began)
    return {
        "groups": DELAY_GROUPS,
        "group_size": READERS_PER_CASE,
        "first_median_s": statistics.median(first),
        "first_max_s": max(first),
        "last_median_s": statistics.median(last),
        "last_max_s": max(last),
    }


async def run(reminders: int) -> dict[str, Any]:
    """Every measurement, on fresh databases in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as folder:
        workdir = Path(folder)
        full = databases.location(workdir, "full")
        small = databases.location(workdir, "small")
        built = await build(full, reminders)
        await build(small, reminders // 10)
        prepared = databases.copy(full, workdir, "prepared")
        return {
            "reminders": built["pending"],
            "build": built,
            "startup": await startup(workdir, prepared),
            "tick": await ticks(full),
            "tick_small": await ticks(small),
            "delay": await delays(prepared),
        }


def report(results: dict[str, Any]) -> str:
    """The figures as a short table, with the targets."""
    tick, small, delay = results["tick"], results["tick_small"], results["delay"]
    lines = [
        f"pending reminders: {results['reminders']:,} "
        f"(planned in {results['build']['plan_s']:.2f} s)",
        f"start-up, spawn to first getUpdates: {results['startup']['with_reminders_s']:.2f} s "
        f"(fresh database: {results['startup']['fresh_s']:.2f} s)",
        f"tick, nothing due: median {tick['idle_median_ms']:.3f} ms, "
        f"p99 {tick['idle_p99_ms']:.3f} ms (target <= {IDLE_TICK_TARGET_MS:.0f} ms); "
        f"with 1/10 of the rows: median {small['idle_median_ms']:.3f} ms",
    ]
    lines += [
        f"tick, {run['due']} due: {run['ms']:.1f} ms ({run['ms_per_row']:.2f} ms per row)"
        for run in tick["due"]
    ]
    lines.append(
        f"delay, due time to arrival ({delay['groups']} groups of {delay['group_size']}): "
        f"first message median {delay['first_median_s']:.2f} s, max {delay['first_max_s']:.2f} s; "
        f"last median {delay['last_median_s']:.2f} s, max {delay['last_max_s']:.2f} s "
        f"(target <= {DELAY_TARGET_S:.0f} s)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the figures, optionally write them as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    databases.add_argument(parser)
    arguments = parser.parse_args(argv)
    documents = databases.each(arguments, lambda: asyncio.run(run(arguments.reminders)))
    for name, results in documents.items():
        print(f"## {databases.label(name)}")
        print(report(results))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(documents, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
