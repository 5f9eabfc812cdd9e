"""``python -m bench.inbox [--updates N] [--backend …] [--json PATH]``: the inbox's cost per update.

Every update is stored before Telegram is told it arrived, and dropped once handled
(storage/inbox.py): two write transactions more per update. This measures them alone, on a
migrated database, as the bot does them:

- **polled one by one**: a batch of one update stored (with the next offset), then dropped in
  a transaction of its own, per update (a quiet bot: each getUpdates brings one);
- **polled in batches of 100**: one transaction stores the batch, one per update drops it (a
  busy bot);
- **webhook**: one update accepted (stored), then dropped;
- **empty transaction**: ``BEGIN``/``COMMIT`` with nothing in it, the floor of a write.

Figures are wall time per update, median of three passes, in microseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bench import databases
from storage import Database
from storage.inbox import Inbox

PASSES = 3


def _update(update_id: int) -> str:
    """An update as Telegram sends a /start, about 400 bytes."""
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "from": {"id": 1000 + update_id % 500, "is_bot": False, "first_name": "Bench"},
                "chat": {"id": 1000 + update_id % 500, "type": "private", "first_name": "Bench"},
                "date": 1_764_500_000,
                "text": "/start",
                "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
            },
        }
    )


async def _one_by_one(inbox: Inbox, ids: range) -> None:
    for update_id in ids:
        await inbox.store([(update_id, _update(update_id))])
        await inbox.done(update_id)


async def _batches(inbox: Inbox, ids: range) -> None:
    for start in range(ids.start, ids.stop, 100):
        batch = range(start, min(start + 100, ids.stop))
        await inbox.store([(update_id, _update(update_id)) for update_id in batch])
        for update_id in batch:
            await inbox.done(update_id)


async def _webhook(inbox: Inbox, ids: range) -> None:
    for update_id in ids:
        await inbox.accept(update_id, _update(update_id))
        await inbox.done(update_id)


async def measure(database: Any, updates: int) -> dict[str, float]:
    """Microseconds per update of each way, on ``database``."""
    async with await Database.open(database) as db:
        inbox = Inbox(db)

        async def empty(_: Inbox, ids: range) -> None:
            for _update_id in ids:
                async with db.transaction():
                    pass

        ways: dict[str, Callable[[Inbox, range], Awaitable[None]]] = {
            "polled_one_by_one_us": _one_by_one,
            "polled_in_batches_of_100_us": _batches,
            "webhook_us": _webhook,
            "empty_transaction_us": empty,
        }
        figures: dict[str, list[float]] = {name: [] for name in ways}
        next_id = 1
        for _ in range(PASSES):
            for name, way in ways.items():
                ids = range(next_id, next_id + updates)
                next_id += updates
                started = time.perf_counter()
                await way(inbox, ids)
                figures[name].append((time.perf_counter() - started) / updates * 1e6)
        assert await inbox.size() == 0
    return {name: round(statistics.median(values), 1) for name, values in figures.items()}


def run(arguments: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-inbox-") as folder:
        database = databases.location(Path(folder), "inbox")
        return asyncio.run(measure(database, arguments.updates))


def report(name: str, figures: dict[str, float]) -> str:
    lines = [f"## {databases.label(name)}: microseconds per update"]
    lines += [
        f"{way.removesuffix('_us').replace('_', ' ')}: {us:,.0f}" for way, us in figures.items()
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inbox", description=__doc__)
    parser.add_argument("--updates", type=int, default=2_000, help="updates per way and pass")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    databases.add_argument(parser)
    arguments = parser.parse_args(argv)
    documents = databases.each(arguments, lambda: run(arguments))
    for name, figures in documents.items():
        print(report(name, figures))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(documents, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
