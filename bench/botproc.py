"""A bot under test, run as a real subprocess against the local Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from bench import databases
from bench.procstat import cpu_seconds
from bot.polling import POLL_TIMEOUT
from sandbox.local_api import LocalBotApi
from sandbox.network import free_port
from storage.location import DatabaseLocation

PROJECT_ROOT = Path(__file__).resolve().parent.parent

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class BotKind:
    """A bot the harness can run: its name and ``python`` arguments."""

    name: str
    argv: tuple[str, ...]
    uses_database: bool
    webhook: bool = False
    """Takes updates by webhook (the server POSTs them) instead of long polling."""


FULL = BotKind("full", ("-m", "bot", "run"), uses_database=True)
WEBHOOK = BotKind("webhook", ("-m", "bot", "run"), uses_database=True, webhook=True)
ECHO = BotKind("echo", ("-m", "bench.echo_bot", "--timeout", str(POLL_TIMEOUT)), False)
AIOGRAM = BotKind("aiogram", ("-m", "bench.aiogram_echo", "--timeout", str(POLL_TIMEOUT)), False)
KINDS = {kind.name: kind for kind in (FULL, WEBHOOK, ECHO, AIOGRAM)}

WEBHOOK_SECRET = "bench-webhook-secret"


def bot_environment(
    api: LocalBotApi, database: DatabaseLocation | None, webhook: bool = False
) -> dict[str, str]:
    """This environment without any ``BOT_*`` setting, plus the server's token and URL, the
    bot's web server on a free port of loopback and, for a webhook bot, its secret."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("BOT_")}
    env["BOT_TOKEN"] = api.token
    env["BOT_API_BASE_URL"] = api.base_url
    port = free_port()
    env["BOT_LISTEN"] = f"127.0.0.1:{port}"
    if webhook:
        env["BOT_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        env["BOT_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    if database is not None:
        env["BOT_DATABASE"] = databases.bot_database(database)
    return env


class BotProcess:
    """A spawned bot: when it first polled, its CPU time, its log; stopped with SIGTERM."""

    def __init__(
        self, process: asyncio.subprocess.Process, log: Path, spawned: float, webhook: bool = False
    ) -> None:
        self.process = process
        self.log = log
        self._spawned = spawned
        self._webhook = webhook

    @classmethod
    async def spawn(
        cls,
        kind: BotKind,
        api: LocalBotApi,
        workdir: Path,
        tag: str,
        profile: Path | None = None,
        *,
        database: DatabaseLocation | None = None,
    ) -> Self:
        """Start ``kind`` in its own process; its stderr goes to ``workdir/<tag>.log``; on
        ``database``, or a new one of the backend in force (bench/databases.py).

        With ``profile``, the bot runs under cProfile and writes its statistics there on exit.
        """
        if database is None and kind.uses_database:
            database = databases.location(workdir, tag)
        profiler = ("-m", "cProfile", "-o", str(profile)) if profile is not None else ()
        log = workdir / f"{tag}.log"
        with log.open("wb") as stderr:
            spawned = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *profiler,
                *kind.argv,
                cwd=PROJECT_ROOT,
                env=bot_environment(api, database, kind.webhook),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        return cls(process, log, spawned, kind.webhook)

    @property
    def pid(self) -> int:
        """The bot's process id."""
        return self.process.pid

    def cpu_seconds(self) -> float:
        """CPU seconds the bot has used since it was spawned."""
        return cpu_seconds(self.pid)

    async def wait_first_poll(self, api: LocalBotApi) -> float:
        """Seconds from spawn until the bot's first getUpdates reached the server (for a
        webhook bot: until it set its webhook)."""
        updates = api.world.updates
        generation, webhooks = updates.poll_generation, api.webhooks_set
        if self._webhook:
            ready = lambda: api.webhooks_set != webhooks  # noqa: E731
        else:
            ready = lambda: updates.poll_generation != generation  # noqa: E731
        polled = asyncio.ensure_future(api.wait_until(ready, STARTUP_TIMEOUT))
        exited = asyncio.ensure_future(self.process.wait())
        done, _ = await asyncio.wait({polled, exited}, return_when=asyncio.FIRST_COMPLETED)
        elapsed = time.perf_counter() - self._spawned
        if polled in done:
            exited.cancel()
            polled.result()
            return elapsed
        polled.cancel()
        raise RuntimeError(f"the bot exited with {self.process.returncode}:\n{self.log_tail()}")

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within :data:`STOP_TIMEOUT`."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the bot wrote to stderr."""
        return "\n".join(self._log_lines()[-lines:])

    def log_errors(self) -> list[str]:
        """Lines of the bot's log that report an error, a warning or a traceback."""
        markers = (" ERROR ", " WARNING ", " CRITICAL ", "Traceback")
        return [line for line in self._log_lines() if any(mark in line for mark in markers)]

    def _log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()
