"""``python -m bench.updates``: updates/s, CPU per update, start-up and idle CPU of the full bot
against a bare PTB echo bot and a bare aiogram echo bot, all polling the local Bot API server
in this process, and of the full bot taking the same updates by webhook (the server POSTs them
to it)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import databases, pools
from bench.botproc import KINDS
from bench.report import medians, table, targets
from bench.rounds import RoundResult, RoundSettings, run_round

Results = dict[str, list[RoundResult]]


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.updates", description=__doc__)
    parser.add_argument("--updates", type=int, default=5_000, help="measured updates per round")
    parser.add_argument("--users", type=int, default=500, help="distinct simulated users")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured updates first")
    parser.add_argument("--backlog", type=int, default=100, help="most unanswered updates")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per bot; medians reported")
    parser.add_argument(
        "--idle-seconds", type=float, default=10.0, help="idle CPU window of the full bot (0: off)"
    )
    parser.add_argument(
        "--bots",
        default="full,webhook,echo,aiogram",
        type=lambda value: [name.strip() for name in value.split(",") if name.strip()],
        help="comma-separated bots to run: full, webhook, echo (PTB), aiogram (default all "
        "four; aiogram needs the bench extra)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    databases.add_argument(parser)
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="run the bots under cProfile, writing DIR/<bot>-<round>.prof (slows them down)",
    )
    return parser


def environment() -> dict[str, Any]:
    """What the figures depend on besides the code."""
    versions = {
        name: importlib.metadata.version(name)
        for name in ("python-telegram-bot", "httpx", "httpcore", "aiohttp", "aiosqlite")
    }
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sniffio_installed": importlib.util.find_spec("sniffio") is not None,
        **versions,
    }


def _round_settings(arguments: argparse.Namespace, bot: str, index: int) -> RoundSettings:
    return RoundSettings(
        updates=arguments.updates,
        users=arguments.users,
        warmup=arguments.warmup,
        backlog=arguments.backlog,
        idle_seconds=arguments.idle_seconds if bot == "full" else 0.0,
        seed=index,
        profile_dir=arguments.profile,
    )


async def run_rounds(arguments: argparse.Namespace) -> Results:
    """Every round of every bot, interleaved so that drifts of the machine hit both alike."""
    results: Results = {bot: [] for bot in arguments.bots}
    if arguments.profile is not None:
        arguments.profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-") as folder:
        for index in range(arguments.rounds):
            for bot in arguments.bots:
                settings = _round_settings(arguments, bot, index)
                result = await run_round(KINDS[bot], settings, Path(folder), f"{bot}-{index}")
                results[bot].append(result)
                print(
                    f"round {index + 1}/{arguments.rounds} {bot}: "
                    f"{result.updates_per_s:.0f} updates/s, "
                    f"{result.bot_cpu_ms_per_update:.2f} ms CPU/update, "
                    f"start-up {result.startup_s:.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
    return results


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    """Run every round, then summarise: medians, targets, raw rounds, settings, environment."""
    started = time.perf_counter()
    results = await run_rounds(arguments)
    full, echo, aiogram = (results.get(bot, []) for bot in ("full", "echo", "aiogram"))
    return {
        "environment": environment(),
        "settings": {
            name: getattr(arguments, name)
            for name in ("bots", "updates", "users", "warmup", "backlog", "rounds", "idle_seconds")
        }
        | {"profiled": arguments.profile is not None},
        "http": await pools.compare(),
        "summary": {bot: medians(rounds) for bot, rounds in results.items()},
        "targets": targets(full, echo, aiogram),
        "rounds": {bot: [r.figures() for r in rounds] for bot, rounds in results.items()},
        "total_seconds": time.perf_counter() - started,
    }


def footer(document: dict[str, Any]) -> str:
    """The line under the table: each bot's HTTP client, and whether sniffio is installed."""
    http = document["http"]

    def client(bot: str) -> str:
        requests = http[bot]["requests"]
        return f"{requests['class']} ({requests.get('connection_pool_size')} connections)"

    return "HTTP: full bot {}, PTB echo bot {}; sniffio: {}".format(
        client("full"),
        client("echo"),
        "installed" if document["environment"]["sniffio_installed"] else "not installed",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the table, write the JSON if asked."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    unknown = set(arguments.bots) - set(KINDS)
    if unknown or not arguments.bots:
        parser.error(f"--bots takes full, webhook, echo, aiogram, got {','.join(arguments.bots)!r}")
    documents = databases.each(arguments, lambda: asyncio.run(run(arguments)))
    for name, document in documents.items():
        print(f"## {databases.label(name)}")
        print(table(document["summary"], document["targets"]))
        print(footer(document))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(documents, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
