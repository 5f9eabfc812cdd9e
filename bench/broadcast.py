"""``python -m bench.broadcast [--json PATH]``: the delivery engine against the local Bot API.

Four scenarios, each in a fresh engine process (``--child N``) talking over 127.0.0.1 to a
local Bot API server in a process of its own (:mod:`bench.broadcast_server`):

1. paced: 2,000 recipients at the default rate (25/s): achieved over configured rate, the most
   sends in any 1-s window, and how long a message answered 429 waits after its retry_after;
2. busy: the same while a CPU burner process keeps a core busy;
3. ceiling: 20,000 recipients with the limiter off: messages/s, CPU per message of both sides;
4. memory: 100,000 recipients with the limiter off: peak RSS against the 20,000 run.

The engine process opens a temporary database, creates the users and the broadcast with the
bot's own storage code, then runs the bot's :class:`DeliveryEngine` with its own delivery
client (``bot.application.delivery_bot``) until :meth:`Outbox.progress` says the broadcast is
finished. Rates come from the server's clock: accepted sends over the time from the first
accepted send to the last.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import platform
import resource
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any
from unittest import mock

from bench import databases
from bench.procstat import CLOCK_TICKS, cpu_seconds, own_cpu_seconds
from bot.config import DEFAULT_BROADCAST_RATE
from bot.delivery import engine as engine_module
from bot.delivery.engine import DeliveryEngine
from bot.delivery.http import DELIVERY_CONNECTIONS, bulk_client
from bot.delivery.sender import TelegramSender
from bot.domain.broadcasts import ALL_LOCALES
from bot.domain.pacing import Pacer
from sandbox.local_api.flood import busiest
from storage.broadcasts import Broadcasts
from storage.database import Database
from storage.outbox import Outbox
from storage.users import Users

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH"
LOCALES = ("ru", "kk", "en")
"""Locales of the users, round robin by id, as the server's language codes."""

PROGRESS_POLL = 0.1
"""Seconds between two looks at :meth:`Outbox.progress` while the engine works."""

SERVER_START_TIMEOUT = 120.0
MIN_CHILD_TIMEOUT = 60.0

PACED_TARGET = 0.97
BUSIEST_SECOND_TARGET = 1.0
"""The most sends in any 1-s window, over the rate: never above it."""
REFUSED_WAIT_TARGET_SLOTS = 50.0
"""How long a message answered 429 may wait after its retry_after, in slots of the paced rate
(50 at 25/s: 2 s); before the fix it waited for the rest of the broadcast."""
REFUSED_CHAT = 1
"""The recipient answered 429 once in the paced runs: the first in the queue."""
CEILING_TARGET = 1_000.0
PEAK_RSS_TARGET_MIB = 150.0
RSS_GROWTH_LIMIT_MIB = 10.0
"""Largest peak-RSS growth from 20,000 to 100,000 recipients still read as "does not grow":
anything kept per recipient (a dict entry, a row, a task) would cost well over 10 MiB."""

HTML_BY_LOCALE = {
    "ru": "<b>Призыв</b>: поддержите <i>политзаключённых</i> — приходите на заседание суда.",
    "kk": "<b>Үндеу</b>: <i>саяси тұтқындарды</i> қолдаңыз — сот отырысына келіңіз.",
    "en": "<b>Appeal</b>: support <i>political prisoners</i> — come to the court hearing.",
}


@dataclass(frozen=True, slots=True)
class RunResult:
    """One engine run, as measured by the engine process and the server."""

    recipients: int
    rate: float | None
    accepted: int
    refused: int
    sent: int
    failed: int
    unknown: int
    send_span_s: float
    wall_s: float
    setup_s: float
    achieved_rate: float
    engine_cpu_s: float
    server_cpu_s: float
    other_cpu_s: float
    """CPU used meanwhile by every other process of the machine: high values mean the figures
    were measured on a busy machine."""
    rss_before_run_mib: float
    peak_rss_mib: float
    server_internal_errors: int
    per_second: list[int]
    """Sends the server accepted in each second from the first on."""
    busiest_second: int
    """The most send slots the engine's pacer handed out in any half-open 1-s window."""
    busiest_arrivals: int
    """The most sends the server accepted in any half-open 1-s window: the slots as they
    arrive, where a send late by a few milliseconds may meet one on time."""
    refused_wait_s: float | None
    """How long the message answered 429 came after its retry_after had passed."""
    early_retries: int
    """Sends to a chat before its retry_after had passed: must be 0."""
    burner: bool
    """Whether a CPU burner process ran meanwhile."""

    @property
    def rate_ratio(self) -> float | None:
        """Achieved over configured rate (None with the limiter off)."""
        return None if self.rate is None else self.achieved_rate / self.rate

    @property
    def busiest_second_ratio(self) -> float | None:
        """The most sends in any 1-s window over the configured rate (None with it off)."""
        return None if self.rate is None else self.busiest_second / self.rate

    @property
    def refused_wait_slots(self) -> float | None:
        """The 429'd message's wait after its retry_after, in slots of the configured rate."""
        if self.rate is None or self.refused_wait_s is None:
            return None
        return self.refused_wait_s * self.rate

    def figures(self) -> dict[str, Any]:
        """The fields plus derived figures, for the JSON document."""
        accepted = max(1, self.accepted)
        return asdict(self) | {
            "rate_ratio": self.rate_ratio,
            "busiest_second_ratio": self.busiest_second_ratio,
            "refused_wait_slots": self.refused_wait_slots,
            "interval_rate": (self.accepted - 1) / self.send_span_s if self.send_span_s else 0.0,
            "engine_cpu_ms_per_message": 1_000 * self.engine_cpu_s / accepted,
            "engine_cpu_percent": 100 * self.engine_cpu_s / self.wall_s,
            "server_cpu_ms_per_message": 1_000 * self.server_cpu_s / accepted,
            "server_cpu_percent": 100 * self.server_cpu_s / self.wall_s,
            "other_cpu_percent": 100 * self.other_cpu_s / self.wall_s,
        }


class ServerProcess:
    """The local Bot API server in its own process, driven over stdin and stdout."""

    def __init__(self, process: subprocess.Popen[str], base_url: str) -> None:
        self.process = process
        self.base_url = base_url

    @classmethod
    def start(cls, users: int, refuse: int | None) -> ServerProcess:
        """Spawn the server with ``users`` simulated users (answering 429 once to ``refuse``)
        and wait until it listens."""
        command = [sys.executable, "-m", "bench.broadcast_server", "--users", str(users)]
        if refuse is not None:
            command += ["--refuse", str(refuse)]
        process = subprocess.Popen(
            [*command, "--token", TOKEN],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            hello = json.loads(_readline(process, SERVER_START_TIMEOUT))
        except BaseException:
            process.kill()
            process.wait()
            raise
        return cls(process, hello["base_url"])

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    def stats(self) -> dict[str, Any]:
        """The server's counts of accepted and refused sends and their first and last times."""
        assert self.process.stdin is not None
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        return json.loads(_readline(self.process, 30.0))

    def stop(self) -> None:
        """Ask the server to quit; kill it if it does not."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
                self.process.wait(10.0)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def _readline(process: subprocess.Popen[str], timeout: float) -> str:
    """One line of a child's stdout, or an error if it exits or stays silent too long."""
    stdout: IO[str] | None = process.stdout
    assert stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stdout], [], [], 0.5)
        if ready:
            line = stdout.readline()
            if not line:
                break
            return line
        if process.poll() is not None:
            break
    raise RuntimeError(f"server gave no answer (exit code {process.poll()})")


def machine_cpu_seconds() -> float:
    """Busy CPU seconds of the whole machine since boot, every core (``/proc/stat``)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def _rss_mib() -> float:
    """Current resident set size of this process, MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_rss_mib() -> float:
    """Peak resident set size of this process so far (kilobytes on Linux), MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _user_rows(count: int, today: str) -> Iterator[tuple[int, str, str, str]]:
    """Rows of ``users`` for ids 1..count, seen first and last today."""
    for user_id in range(1, count + 1):
        yield user_id, LOCALES[user_id % len(LOCALES)], today, today


async def create_users(db: Database, count: int) -> None:
    """Users 1..count as ``Users.touch`` stores them, in one transaction (rows streamed, not
    built as a list, so the setup does not inflate the peak RSS)."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (user_id, locale, first_seen, last_seen) VALUES (?, ?, ?, ?)",
            _user_rows(count, date.today().isoformat()),
        )


async def run_engine(
    recipients: int, rate: float | None, workdir: Path, profile: Path | None, burner: bool
) -> RunResult:
    """Queue one broadcast to ``recipients`` users and deliver it through the local server;
    a paced run has one recipient answered 429 once."""
    setup_started = time.perf_counter()
    server = ServerProcess.start(recipients, REFUSED_CHAT if rate is not None else None)
    try:
        async with await Database.open(databases.location(workdir, "bench")) as db:
            await create_users(db, recipients)
            broadcast_id, total = await Broadcasts(db).create(
                kind="appeal",
                author_id=1,
                audience=ALL_LOCALES,
                html_by_locale=HTML_BY_LOCALE,
                details={"bench": True},
            )
            assert total == recipients, (total, recipients)
            outbox = Outbox(db, Users(db))
            bot = bulk_client(TOKEN, server.base_url)
            async with bot:
                setup_s = time.perf_counter() - setup_started
                rss_before = _rss_mib()
                slots: list[float] = []
                with mock.patch.object(engine_module, "Pacer", _slot_log(slots if rate else None)):
                    engine = DeliveryEngine(outbox, TelegramSender(bot), rate=rate)
                stop = asyncio.Event()
                profiler = cProfile.Profile() if profile is not None else None
                cpu_before, server_before = own_cpu_seconds(), cpu_seconds(server.pid)
                machine_before = machine_cpu_seconds()
                started = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                task = asyncio.create_task(engine.run(stop))
                deadline = started + max(MIN_CHILD_TIMEOUT, 5 * recipients / (rate or 500))
                while not (progress := await outbox.progress(broadcast_id)).finished:
                    if task.done() or time.perf_counter() > deadline:
                        stop.set()
                        await task
                        raise RuntimeError(f"the broadcast did not finish: {progress}")
                    await asyncio.sleep(PROGRESS_POLL)
                wall_s = time.perf_counter() - started
                stop.set()
                await task
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(profile)
                engine_cpu = own_cpu_seconds() - cpu_before
                server_cpu = cpu_seconds(server.pid) - server_before
                machine_cpu = machine_cpu_seconds() - machine_before
        stats = server.stats()
    finally:
        server.stop()
    span = (stats["last_at"] - stats["first_at"]) if stats["accepted"] > 1 else 0.0
    return RunResult(
        recipients=recipients,
        rate=rate,
        accepted=stats["accepted"],
        refused=stats["refused"],
        sent=progress.sent,
        failed=progress.failed + progress.blocked,
        unknown=progress.unknown,
        send_span_s=span,
        wall_s=wall_s,
        setup_s=setup_s,
        achieved_rate=stats["accepted"] / span if span else 0.0,
        engine_cpu_s=engine_cpu,
        server_cpu_s=server_cpu,
        other_cpu_s=max(0.0, machine_cpu - engine_cpu - server_cpu),
        rss_before_run_mib=rss_before,
        peak_rss_mib=_peak_rss_mib(),
        server_internal_errors=stats["internal_errors"],
        per_second=stats["per_second"],
        busiest_second=busiest(slots),
        busiest_arrivals=stats["busiest_second"],
        refused_wait_s=stats["refused_wait"],
        early_retries=stats["early_retries"],
        burner=burner,
    )


def _slot_log(slots: list[float] | None) -> type[Pacer]:
    """The engine's pacer, keeping each slot it hands out in ``slots`` (with the limiter off,
    none: 100,000 of them would weigh on the memory figures)."""

    class SlotLog(Pacer):
        def reserve(self, chat_id: int) -> float:
            slot = super().reserve(chat_id)
            if slots is not None:
                slots.append(slot)
            return slot

    return SlotLog


def child(recipients: int, rate: float | None, profile: Path | None, burner: bool) -> int:
    """``--child N``: one run in this process; its result as one JSON line on stdout."""
    with tempfile.TemporaryDirectory(prefix="qorgau-broadcast-") as folder:
        result = asyncio.run(run_engine(recipients, rate, Path(folder), profile, burner))
    print(json.dumps(asdict(result)), flush=True)
    return 0


BURNER = "while True: pass"
"""A process that keeps one core busy."""


class Child:
    """One scenario in a fresh process, so that no run's memory pollutes the next; with
    ``burner``, a CPU burner process keeps a core busy while it runs."""

    def __init__(
        self,
        name: str,
        recipients: int,
        rate: float | None,
        profile: Path | None,
        *,
        burner: bool = False,
    ):
        self.name = name
        command = [sys.executable, "-m", "bench.broadcast", "--child", str(recipients)]
        command += ["--rate", "0" if rate is None else str(rate)]
        if burner:
            command.append("--burner")
        if profile is not None:
            command += ["--profile", str(profile / f"engine-{name}.prof")]
        busy = ", a core kept busy" if burner else ""
        print(f"{name}: {recipients:,} recipients, limit {rate or 'off'}{busy}", file=sys.stderr)
        self._burner = subprocess.Popen([sys.executable, "-c", BURNER]) if burner else None
        self._process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
        )

    def result(self) -> RunResult:
        """Wait for the child and parse the JSON line it printed."""
        try:
            out, _ = self._process.communicate()
        finally:
            if self._burner is not None:
                self._burner.kill()
                self._burner.wait()
        if self._process.returncode != 0:
            raise RuntimeError(f"{self.name} failed with exit code {self._process.returncode}")
        result = RunResult(**json.loads(out.strip().splitlines()[-1]))
        print(
            f"{self.name}: {result.achieved_rate:.1f} msg/s over {result.send_span_s:.1f} s, "
            f"peak RSS {result.peak_rss_mib:.1f} MiB",
            file=sys.stderr,
            flush=True,
        )
        return result


def targets(runs: dict[str, RunResult]) -> dict[str, Any]:
    """Each target with its measured value and whether it is met."""
    paced, ceiling, large = runs["paced"], runs["ceiling"], runs["large"]
    growth = large.peak_rss_mib - ceiling.peak_rss_mib
    checks: dict[str, tuple[float | None, str, float]] = {
        "paced_rate_ratio": (paced.rate_ratio, ">=", PACED_TARGET),
    }
    if "busy" in runs:
        checks["busy_rate_ratio"] = (runs["busy"].rate_ratio, ">=", PACED_TARGET)
    for name in ("paced", "busy"):
        if name in runs:
            run = runs[name]
            checks[f"{name}_busiest_second_ratio"] = (
                run.busiest_second_ratio,
                "<=",
                BUSIEST_SECOND_TARGET,
            )
            checks[f"{name}_refused_wait_slots"] = (
                run.refused_wait_slots,
                "<=",
                REFUSED_WAIT_TARGET_SLOTS,
            )
    checks |= {
        "ceiling_messages_per_s": (ceiling.achieved_rate, ">=", CEILING_TARGET),
        "peak_rss_mib_large": (large.peak_rss_mib, "<=", PEAK_RSS_TARGET_MIB),
        "peak_rss_growth_mib": (growth, "<=", RSS_GROWTH_LIMIT_MIB),
    }
    return {
        name: {
            "value": value,
            "target": f"{operator} {limit:g}",
            "met": value is not None and (value >= limit if operator == ">=" else value <= limit),
        }
        for name, (value, operator, limit) in checks.items()
    }


COLUMNS = (
    ("scenario", "{}"),
    ("recipients", "{:,}"),
    ("limit/s", "{}"),
    ("sent", "{:,}"),
    ("msg/s", "{:.1f}"),
    ("ratio", "{}"),
    ("span s", "{:.1f}"),
    ("eng ms/msg", "{:.3f}"),
    ("eng CPU%", "{:.0f}"),
    ("srv ms/msg", "{:.3f}"),
    ("srv CPU%", "{:.0f}"),
    ("other CPU%", "{:.0f}"),
    ("busiest 1 s", "{}"),
    ("arrivals", "{}"),
    ("429 wait s", "{}"),
    ("RSS start MiB", "{:.1f}"),
    ("peak RSS MiB", "{:.1f}"),
)


def labels(runs: dict[str, RunResult]) -> dict[str, str]:
    """What each target measures, with the run sizes."""
    ceiling, large = runs["ceiling"].recipients, runs["large"].recipients
    return {
        "paced_rate_ratio": "paced: achieved / configured rate",
        "busy_rate_ratio": "busy (a CPU burner meanwhile): achieved / configured rate",
        "paced_busiest_second_ratio": "paced: most send slots in any 1-s window / rate",
        "busy_busiest_second_ratio": "busy: most send slots in any 1-s window / rate",
        "paced_refused_wait_slots": "paced: wait of a message answered 429 after its "
        "retry_after, in slots of the rate",
        "busy_refused_wait_slots": "busy: wait of a message answered 429 after its "
        "retry_after, in slots of the rate",
        "ceiling_messages_per_s": "ceiling: messages/s with the limiter off",
        "peak_rss_mib_large": f"peak RSS of the engine at {large:,} recipients, MiB",
        "peak_rss_growth_mib": f"peak RSS growth from {ceiling:,} to {large:,} recipients, MiB",
    }


def table(runs: dict[str, RunResult], checks: dict[str, Any]) -> str:
    """A fixed-width table of the runs followed by the targets."""
    rows = [[title for title, _ in COLUMNS]]
    for name, run in runs.items():
        figures = run.figures()
        values = (
            name,
            run.recipients,
            "off" if run.rate is None else f"{run.rate:g}",
            run.sent,
            run.achieved_rate,
            "-" if run.rate_ratio is None else f"{run.rate_ratio:.4f}",
            run.send_span_s,
            figures["engine_cpu_ms_per_message"],
            figures["engine_cpu_percent"],
            figures["server_cpu_ms_per_message"],
            figures["server_cpu_percent"],
            figures["other_cpu_percent"],
            run.busiest_second if run.rate is not None else "-",
            run.busiest_arrivals if run.rate is not None else "-",
            "-" if run.refused_wait_s is None else f"{run.refused_wait_s:.3f}",
            run.rss_before_run_mib,
            run.peak_rss_mib,
        )
        rows.append([spec.format(value) for (_, spec), value in zip(COLUMNS, values, strict=True)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    for name, check in checks.items():
        verdict = "met" if check["met"] else "MISSED"
        value = "-" if check["value"] is None else f"{check['value']:.4g}"
        lines.append(f"{labels(runs)[name]}: {value} (target {check['target']}): {verdict}")
    return "\n".join(lines)


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    """Every scenario in its own process; the document with results, targets, settings."""
    started = time.perf_counter()
    if arguments.profile is not None:
        arguments.profile.mkdir(parents=True, exist_ok=True)
    runs: dict[str, RunResult] = {}
    # The ceiling runs alone: its throughput and CPU figures need the machine to itself.
    runs["ceiling"] = Child("ceiling", arguments.ceiling, None, arguments.profile).result()
    # The paced run needs about 5 % of a core and measures pacing against the server's clock,
    # the large run measures memory: neither figure depends on a free core, so by default they
    # share the time (the large run's msg/s is then a little low; --sequential avoids it).
    large = Child("large", arguments.large, None, arguments.profile)
    if arguments.sequential:
        runs["large"] = large.result()
    paced_rate = arguments.rate or DEFAULT_BROADCAST_RATE
    paced = Child("paced", arguments.paced, paced_rate, arguments.profile)
    runs["paced"] = paced.result()
    if not arguments.sequential:
        runs["large"] = large.result()
    # Last and alone, but for the burner that keeps one of the cores busy.
    if arguments.busy:
        busy = Child("busy", arguments.busy, paced_rate, arguments.profile, burner=True)
        runs["busy"] = busy.result()
    ordered = {name: runs[name] for name in ("paced", "busy", "ceiling", "large") if name in runs}
    return {
        "environment": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "paced": arguments.paced,
            "busy": arguments.busy,
            "rate": paced_rate,
            "ceiling": arguments.ceiling,
            "large": arguments.large,
            "delivery_connections": DELIVERY_CONNECTIONS,
            "profiled": arguments.profile is not None,
            "paced_alongside_large": not arguments.sequential,
        },
        "runs": {name: result.figures() for name, result in ordered.items()},
        "targets": targets(runs),
        "total_seconds": time.perf_counter() - started,
    }


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    databases.add_argument(parser)
    parser.add_argument("--paced", type=int, default=2_000, help="recipients of the paced run")
    parser.add_argument(
        "--busy",
        type=int,
        default=2_000,
        help="recipients of the paced run beside a CPU burner (0 skips it)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        help=f"limit/s of the paced run (default {DEFAULT_BROADCAST_RATE:g}); with --child, "
        "the run's limit (default 0: off)",
    )
    parser.add_argument("--ceiling", type=int, default=20_000, help="recipients, limiter off")
    parser.add_argument("--large", type=int, default=100_000, help="recipients of the RSS run")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="PATH",
        help="cProfile the engine: with --child the .prof file, else a folder for all runs",
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="run the paced scenario after the large one, not alongside (about 80 s longer)",
    )
    parser.add_argument(
        "--child", type=int, metavar="N", help="internal: one run with N recipients, JSON out"
    )
    parser.add_argument(
        "--burner", action="store_true", help="internal: with --child, a burner runs meanwhile"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the scenarios (or one child run), print the table, write the JSON if asked."""
    arguments = build_parser().parse_args(argv)
    if arguments.child is not None:
        return child(arguments.child, arguments.rate or None, arguments.profile, arguments.burner)
    documents = databases.each(arguments, lambda: run(arguments))
    for name, document in documents.items():
        runs = {name: RunResult(**_fields(figures)) for name, figures in document["runs"].items()}
        print(f"## {databases.label(name)}")
        print(table(runs, document["targets"]))
        print(f"total {document['total_seconds']:.0f} s")
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(documents, indent=2) + "\n")
    return 0


def _fields(figures: dict[str, Any]) -> dict[str, Any]:
    """The measured fields of a run's figures (without the derived ones)."""
    names = RunResult.__dataclass_fields__
    return {name: value for name, value in figures.items() if name in names}


if __name__ == "__main__":
    raise SystemExit(main())
