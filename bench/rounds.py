"""One measured round: a fresh server and a fresh bot process, start-up, idle, warm-up, run."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.botproc import BotKind, BotProcess
from bench.procstat import machine_busy_seconds, own_cpu_seconds
from bench.traffic import feed, make_users, messages
from sandbox.local_api import LocalBotApi

DERIVED_FIELDS = (
    "updates_per_s",
    "bot_cpu_ms_per_update",
    "bot_cpu_percent",
    "server_cpu_ms_per_update",
    "server_cpu_percent",
    "other_cpu_percent",
    "idle_cpu_percent",
)
"""Figures a round computes from its measurements."""

SETTLE_SECONDS = 1.0
"""Pause after the first getUpdates before idle CPU is measured (start-up jobs finish)."""


@dataclass(frozen=True, slots=True)
class RoundSettings:
    """What every round does."""

    updates: int
    users: int
    warmup: int
    backlog: int
    idle_seconds: float
    seed: int
    profile_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class RoundResult:
    """The raw figures of one round of one bot."""

    bot: str
    startup_s: float
    idle_cpu_s: float | None
    idle_wall_s: float | None
    updates: int
    wall_s: float
    bot_cpu_s: float
    server_cpu_s: float
    other_cpu_s: float

    @property
    def updates_per_s(self) -> float:
        """Throughput, first update queued to last reply received."""
        return self.updates / self.wall_s

    @property
    def bot_cpu_ms_per_update(self) -> float:
        """Bot process CPU per update."""
        return 1000 * self.bot_cpu_s / self.updates

    @property
    def bot_cpu_percent(self) -> float:
        """Bot process CPU as a share of one core during the run."""
        return 100 * self.bot_cpu_s / self.wall_s

    @property
    def server_cpu_ms_per_update(self) -> float:
        """Benchmark process CPU (server and traffic) per update."""
        return 1000 * self.server_cpu_s / self.updates

    @property
    def server_cpu_percent(self) -> float:
        """Benchmark process CPU as a share of one core during the run."""
        return 100 * self.server_cpu_s / self.wall_s

    @property
    def other_cpu_percent(self) -> float:
        """CPU of every other process on the machine (and steal) as a share of one core: more
        than a few percent means something else competed with the run and skewed it."""
        return 100 * self.other_cpu_s / self.wall_s

    @property
    def idle_cpu_percent(self) -> float | None:
        """Bot CPU as a share of one core while nothing happened."""
        if self.idle_cpu_s is None or not self.idle_wall_s:
            return None
        return 100 * self.idle_cpu_s / self.idle_wall_s

    def figures(self) -> dict[str, Any]:
        """Raw and derived figures, for the JSON report."""
        return asdict(self) | {name: getattr(self, name) for name in DERIVED_FIELDS}


@dataclass(frozen=True, slots=True)
class _CpuSnapshot:
    """CPU seconds so far of the bot, of this process (server) and of the whole machine."""

    bot: float
    server: float
    machine: float

    @classmethod
    def take(cls, bot: BotProcess) -> _CpuSnapshot:
        return cls(bot.cpu_seconds(), own_cpu_seconds(), machine_busy_seconds())

    def __sub__(self, earlier: _CpuSnapshot) -> _CpuSnapshot:
        return _CpuSnapshot(
            self.bot - earlier.bot, self.server - earlier.server, self.machine - earlier.machine
        )


async def _idle_cpu(bot: BotProcess, seconds: float) -> tuple[float, float]:
    """The bot's CPU seconds over ``seconds`` of wall time with no traffic."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(SETTLE_SECONDS)
    cpu, started = bot.cpu_seconds(), loop.time()
    await asyncio.sleep(seconds)
    return bot.cpu_seconds() - cpu, loop.time() - started


async def run_round(kind: BotKind, settings: RoundSettings, workdir: Path, tag: str) -> RoundResult:
    """Start ``kind`` against a fresh server, measure it, stop it; fail on errors it logged."""
    async with LocalBotApi(record_calls=False) as api:
        stream = messages(make_users(api, settings.users), settings.seed)
        profile = settings.profile_dir / f"{tag}.prof" if settings.profile_dir else None
        bot = await BotProcess.spawn(kind, api, workdir, tag, profile)
        try:
            startup = await bot.wait_first_poll(api)
            idle_cpu = idle_wall = None
            if settings.idle_seconds > 0:
                idle_cpu, idle_wall = await _idle_cpu(bot, settings.idle_seconds)
            await feed(api, stream, settings.warmup, settings.backlog)
            before = _CpuSnapshot.take(bot)
            wall = await feed(api, stream, settings.updates, settings.backlog)
            used = _CpuSnapshot.take(bot) - before
        finally:
            await bot.stop()
        errors = bot.log_errors()
        if errors or api.internal_errors:
            raise RuntimeError(
                f"{kind.name} bot or server reported errors (log {bot.log}):\n"
                + "\n".join(errors[:10])
                + "".join(f"\nserver: {error!r}" for error in api.internal_errors[:5])
            )
    return RoundResult(
        bot=kind.name,
        startup_s=startup,
        idle_cpu_s=idle_cpu,
        idle_wall_s=idle_wall,
        updates=settings.updates,
        wall_s=wall,
        bot_cpu_s=used.bot,
        server_cpu_s=used.server,
        other_cpu_s=max(0.0, used.machine - used.bot - used.server),
    )
