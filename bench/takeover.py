"""``python -m bench.takeover [--rounds N] [--json PATH]``: how long the bot is deaf after the
active instance dies.

Two ``python -m bot run`` instances on one PostgreSQL database (a throwaway cluster on
loopback) and the local Bot API server. Each round kills the active instance with ``kill -9``
and times, from the kill, until the standing-by one's first ``getUpdates`` reaches the server:
the time nobody takes updates. The killed one is then started again, as the next standby.

Two cases, ``--rounds`` each (10 by default; median and max reported):

- **another machine**: each instance in a PID namespace of its own (``unshare``, as root), so
  that nothing tells the standby its peer died but the lease's expiry (5 s) and its own next
  look (every second);
- **same machine**: the standby sees the holder's process is gone (same boot, same PID
  namespace) and takes the lease at its next look.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import databases
from bench.botproc import PROJECT_ROOT, bot_environment
from bot.health import POSTGRES_HEARTBEAT, role_of
from sandbox.local_api import LocalBotApi
from storage import Database
from storage.location import DatabaseLocation

TOKEN = "123456:TAKEOVER"
START_TIMEOUT = 30.0
TAKEOVER_TIMEOUT = 30.0


def _clear(folder: Path) -> None:
    """The instance's folder, without the heartbeat of a previous process."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / POSTGRES_HEARTBEAT).unlink(missing_ok=True)


class Instance:
    """One bot process in a folder of its own (its heartbeat says its role)."""

    def __init__(self, folder: Path, process: asyncio.subprocess.Process, isolated: bool):
        self.folder = folder
        self.process = process
        self.isolated = isolated

    @classmethod
    async def start(
        cls, api: LocalBotApi, database: DatabaseLocation, folder: Path, isolated: bool
    ) -> Instance:
        await asyncio.to_thread(_clear, folder)
        command = [sys.executable, "-m", "bot", "run"]
        if isolated:
            command = ["unshare", "--pid", "--fork", "--kill-child", "--", *command]
        env = {**bot_environment(api, database), "PYTHONPATH": str(PROJECT_ROOT)}
        with (folder / "log").open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                *command, cwd=folder, env=env, stdout=log, stderr=log
            )
        return cls(folder, process, isolated)

    @property
    def role(self) -> str | None:
        return role_of(self.folder / POSTGRES_HEARTBEAT)

    def _bot_pid(self) -> int:
        if not self.isolated:
            return self.process.pid
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = children.read_text().split() if children.exists() else []
        return int(found[0]) if found else self.process.pid

    async def kill(self) -> None:
        os.kill(self._bot_pid(), signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def _until(predicate: Any, timeout: float) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the instances did not settle")
        await asyncio.sleep(0.01)


async def rounds(
    database: DatabaseLocation, workdir: Path, count: int, isolated: bool
) -> list[float]:
    """Seconds from each ``kill -9`` of the active instance to the next getUpdates."""
    took: list[float] = []
    async with LocalBotApi(token=TOKEN, record_calls=False) as api:
        folders = [workdir / f"{'isolated' if isolated else 'local'}-{n}" for n in range(2)]
        first = await Instance.start(api, database, folders[0], isolated)
        await _until(lambda: first.role == "active" and api.polls_received > 0, START_TIMEOUT)
        second = await Instance.start(api, database, folders[1], isolated)
        instances = [first, second]
        try:
            await _until(lambda: second.role == "standby", START_TIMEOUT)
            for _ in range(count):
                active = next(i for i in instances if i.role == "active")
                standby = next(i for i in instances if i is not active)
                await asyncio.sleep(1.0)  # the standby's look falls anywhere in its second
                polls = api.polls_received
                killed = time.monotonic()
                await active.kill()
                await _until(lambda: api.polls_received > polls, TAKEOVER_TIMEOUT)  # noqa: B023
                took.append(time.monotonic() - killed)
                assert standby.role == "active"
                replacement = await Instance.start(api, database, active.folder, isolated)
                instances[instances.index(active)] = replacement
                await _until(lambda: replacement.role == "standby", START_TIMEOUT)  # noqa: B023
        finally:
            for instance in instances:
                await instance.stop()
    return took


def _figures(took: list[float]) -> dict[str, Any]:
    return {
        "rounds": len(took),
        "median_s": round(statistics.median(took), 2),
        "max_s": round(max(took), 2),
        "each_s": [round(value, 2) for value in took],
    }


async def measure(count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-takeover-") as folder:
        workdir = Path(folder)
        results = {}
        cases = [("same_machine", False)]
        if os.geteuid() == 0 and shutil.which("unshare"):
            cases.insert(0, ("another_machine", True))
        for name, isolated in cases:
            database = databases.location(workdir, name)
            await (await Database.open(database)).close()  # migrated before the instances race
            results[name] = _figures(await rounds(database, workdir, count, isolated))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.takeover", description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="kills per case (10)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    arguments = parser.parse_args(argv)
    with databases.backend("postgresql"):
        results = asyncio.run(measure(arguments.rounds))
    for name, figures in results.items():
        print(
            f"{name.replace('_', ' ')}: median {figures['median_s']:.1f} s, "
            f"max {figures['max_s']:.1f} s over {figures['rounds']} kills "
            f"({', '.join(f'{value:.1f}' for value in figures['each_s'])})"
        )
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
