"""``python -m bench.latency``: how long a quiet user waits for the bot's answer while another
chat floods it, and while another chat is throttled by Telegram (429).

The full bot runs as its own process (``python -m bot run``) against the local Bot API server
in this process. Quiet users send ``/start`` one after another, each waiting for the answer;
the time from the message queued at the server to the answer received is their latency.
Three scenarios in one run, so that they are compared on the same machine state:

- **calm**: only the quiet users;
- **flood**: one chat sends ``--flood`` messages at once (without any 429);
- **throttled**: the server answers one chat's first reply 429 with ``retry_after`` of
  ``--retry-after`` seconds (and holds that chat as Telegram would) while it asks for more.

The goal (issue 11): p95 ≤ 0.3 s for the quiet users in both disturbed scenarios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.botproc import FULL, BotProcess
from sandbox.local_api import LocalBotApi, SimUser

TOKEN = "123456:LATENCY"
QUIET_FIRST_ID = 800_000_001
LOUD_ID = 800_900_001
TARGET_P95_S = 0.3


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95 and the maximum, in seconds."""
    ordered = sorted(samples)
    return {
        "p50_s": statistics.median(ordered),
        "p95_s": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max_s": ordered[-1],
        "samples": len(ordered),
    }


async def quiet_latencies(api: LocalBotApi, users: list[SimUser], rounds: int) -> list[float]:
    """Each quiet user in turn sends /start and waits for the answer; their waits."""
    waits = []
    for _ in range(rounds):
        for user in users:
            started = time.perf_counter()
            await user.ask("/start", timeout=30)
            waits.append(time.perf_counter() - started)
    return waits


async def scenario(
    api: LocalBotApi, quiet: list[SimUser], rounds: int, disturbance: str, arguments: Any
) -> dict[str, Any]:
    """The quiet users' latencies while ``disturbance`` goes on."""
    loud = api.user(LOUD_ID, "Loud", language_code="en")
    if disturbance == "flood":
        for index in range(arguments.flood):
            await loud.send(f"/help {index}")
    elif disturbance == "throttled":
        api.flood_control.refuse_next(loud.id, arguments.retry_after)
        for _ in range(3):
            await loud.send("/help")
    waits = await quiet_latencies(api, quiet, rounds)
    return percentiles(waits) | {"disturbance": disturbance}


async def run_scenario(folder: Path, disturbance: str, arguments: Any) -> dict[str, Any]:
    """A fresh server and bot process: warm up every quiet user, then measure."""
    async with LocalBotApi(TOKEN, bot_username="qorgau_latency_bot", record_calls=False) as api:
        bot = await BotProcess.spawn(FULL, api, folder, disturbance)
        try:
            await bot.wait_first_poll(api)
            quiet = [
                api.user(QUIET_FIRST_ID + index, f"Quiet {index}", language_code="ru")
                for index in range(arguments.quiet_users)
            ]
            await quiet_latencies(api, quiet, 1)  # warm-up: every quiet user is known
            return await scenario(api, quiet, arguments.rounds, disturbance, arguments)
        finally:
            await bot.stop()


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    """The three scenarios, each with its own bot process."""
    with tempfile.TemporaryDirectory(prefix="qorgau-latency-") as folder:
        results = [
            await run_scenario(Path(folder), name, arguments)
            for name in ("calm", "flood", "throttled")
        ]
    return {
        "settings": {
            name: getattr(arguments, name)
            for name in ("quiet_users", "rounds", "flood", "retry_after")
        },
        "scenarios": results,
        "target_p95_s": TARGET_P95_S,
        "met": all(r["p95_s"] <= TARGET_P95_S for r in results if r["disturbance"] != "calm"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print the table; write the JSON if asked."""
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__)
    parser.add_argument("--quiet-users", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="/start per quiet user")
    parser.add_argument("--flood", type=int, default=500, help="messages of the flooding chat")
    parser.add_argument("--retry-after", type=int, default=10, help="the throttled chat's 429")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    arguments = parser.parse_args(argv)
    document = asyncio.run(run(arguments))
    for result in document["scenarios"]:
        print(
            "{disturbance:>10}: p50 {p50_s:.3f} s, p95 {p95_s:.3f} s, max {max_s:.3f} s "
            "({samples} answers)".format(**result)
        )
    verdict = "met" if document["met"] else "MISSED"
    print(f"target p95 <= {TARGET_P95_S} s while disturbed: {verdict}", file=sys.stderr)
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
