"""Several real ``python -m bot run`` processes on one database, as on several machines.

Each instance runs in a folder of its own (its heartbeat, ``var/qorgau.alive``, says its
role), with its web server on a port of its own, and, when the tests run as root, in a PID
namespace of its own (``unshare``): to the lease it then looks like a process of another
machine, whose death only the lease's expiry tells, not the same-machine check of
storage/lease.py. Logs go to a file, never to a pipe nobody reads.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.health import POSTGRES_HEARTBEAT, role_of
from sandbox.local_api import LocalBotApi
from sandbox.network import free_port
from storage.location import DatabaseLocation
from tests.e2e.processes import ROOT, environment

UNSHARE = shutil.which("unshare") if os.geteuid() == 0 else None


@dataclass
class RunningInstance:
    """One instance: its process, its folder, its role."""

    name: str
    process: asyncio.subprocess.Process
    folder: Path

    @property
    def role(self) -> str | None:
        """``active`` or ``standby`` as its heartbeat says (``None`` before the first)."""
        return role_of(self.folder / POSTGRES_HEARTBEAT)

    @property
    def log(self) -> str:
        return (self.folder / "log").read_text(errors="replace")

    def bot_pid(self) -> int:
        """The bot's own process (under ``unshare``, its child)."""
        if not UNSHARE:
            return self.process.pid
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for _ in range(200):
            found = children.read_text().split() if children.exists() else []
            if found:
                return int(found[0])
            os.sched_yield()
        raise RuntimeError(f"instance {self.name} has no bot process")

    def signal(self, signum: signal.Signals) -> None:
        os.kill(self.bot_pid(), signum)

    async def kill(self) -> None:
        """``kill -9``: no chance to give the lease up or to flush anything."""
        self.signal(signal.SIGKILL)
        await self.process.wait()


@asynccontextmanager
async def instance(
    api: LocalBotApi,
    database: DatabaseLocation,
    folder: Path,
    name: str,
    broadcast_rate: float | None = None,
) -> AsyncIterator[RunningInstance]:
    """Start ``python -m bot run`` in ``folder``; stop it (SIGTERM) at the end if it runs."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bot", "run"]
    if UNSHARE:
        command = [UNSHARE, "--pid", "--fork", "--kill-child", "--", *command]
    env = {
        **environment(api, database, broadcast_rate),
        "PYTHONPATH": str(ROOT),
        # Each instance's web server on a port of its own, as on machines of their own.
        "BOT_LISTEN": f"127.0.0.1:{free_port()}",
    }
    with (folder / "log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=folder, env=env, stdout=log, stderr=log
        )
    running = RunningInstance(name, process, folder)
    try:
        yield running
    finally:
        if process.returncode is None:
            try:
                running.signal(signal.SIGCONT)
                running.signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 20)
            except (ProcessLookupError, RuntimeError, TimeoutError):
                process.kill()
                await process.wait()
