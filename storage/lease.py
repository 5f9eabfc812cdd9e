"""The lease of the active instance: one row, a holder, a token and an expiry.

Any number of bots may run on one database; the one holding a live lease is active (it takes
updates, sends, reminds), the others stand by and try to take the lease when it expires. The
expiry is read and written by the database's clock, so instances whose clocks disagree still
agree on who is active. Each takeover adds one to the token; the active instance's writes check
it (:attr:`storage.database.Database.fence`), so an instance that slept through its expiry
(paused, cut off) cannot write once another took over.

Statements of the lease run on their own (:meth:`Database.standalone`): on PostgreSQL on a
connection of their own, so that a long write never delays a renewal.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from storage.database import Database


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lease: enough to tell, on the same machine, whether it still runs."""

    host: str
    boot: str
    pid_namespace: str
    pid: int
    nonce: str

    def __str__(self) -> str:
        return "|".join((self.host, self.boot, self.pid_namespace, str(self.pid), self.nonce))

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        parts = text.split("|")
        if len(parts) != 5 or not parts[3].isdigit():
            return None
        return cls(parts[0], parts[1], parts[2], int(parts[3]), parts[4])

    @classmethod
    def this_process(cls) -> Holder:
        return cls(
            socket.gethostname(),
            _read("/proc/sys/kernel/random/boot_id"),
            _pid_namespace(),
            os.getpid(),
            secrets.token_hex(4),
        )

    def is_gone(self, me: Holder) -> bool:
        """Whether this holder certainly no longer runs: it ran on this machine, in this
        process namespace, and its process is gone (or is this very process, started anew)."""
        here = (self.host, self.boot, self.pid_namespace) == (me.host, me.boot, me.pid_namespace)
        if not here or not self.boot or not self.pid_namespace:
            return False
        if self.pid == me.pid:
            return self.nonce != me.nonce
        return not _running(self.pid)


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return ""


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = _read(f"/proc/{pid}/stat")
    state = stat.rpartition(")")[2].split()[:1]
    return state != ["Z"]  # a killed process its parent has not reaped yet is gone


@dataclass(frozen=True, slots=True)
class LeaseState:
    holder: str
    token: int
    remaining: float
    """Seconds until the lease expires, by the database's clock (negative: expired)."""

    @property
    def live(self) -> bool:
        return self.remaining > 0


async def lease_state(db: Database) -> LeaseState:
    """Who holds the lease, and for how long yet."""
    row = await db.fetchone(
        f"SELECT holder, token, expires_at - {db.dialect.now} FROM lease WHERE name = 'active'"
    )
    assert row is not None, "migration 15 creates the lease"
    return LeaseState(str(row[0]), int(row[1]), float(row[2]))


async def database_time(db: Database) -> float:
    """The database server's clock, in seconds since 1970: the time every instance keeps."""
    row = await db.fetchone(f"SELECT {db.dialect.now}")
    assert row is not None
    return float(row[0])


class Lease:
    """Taking, renewing and giving up the lease, as one holder."""

    def __init__(self, db: Database, holder: Holder, ttl: float) -> None:
        self._db = db
        self.holder = holder
        self.ttl = ttl
        now = db.dialect.now
        self._acquire = (
            f"UPDATE lease SET holder = ?, token = token + 1, expires_at = {now} + ? "
            f"WHERE name = 'active' AND (expires_at <= {now} OR token = ?) RETURNING token"
        )
        self._renew = (
            f"UPDATE lease SET expires_at = {now} + ? "
            "WHERE name = 'active' AND token = ? AND holder = ? RETURNING token"
        )

    async def state(self) -> LeaseState:
        return await lease_state(self._db)

    async def acquire(self) -> int | None:
        """Take the lease if it expired, or if its holder is certainly gone (it ran here);
        the new token, or ``None`` if another instance holds it."""
        state = await self.state()
        gone = -1
        if state.live:
            holder = Holder.parse(state.holder)
            if holder is None or not holder.is_gone(self.holder):
                return None
            gone = state.token
        row = await self._db.standalone(self._acquire, (str(self.holder), self.ttl, gone))
        return None if row is None else int(row[0])

    async def renew(self, token: int) -> bool:
        """Extend the lease held under ``token``; ``False`` if another instance took it."""
        row = await self._db.standalone(self._renew, (self.ttl, token, str(self.holder)))
        return row is not None

    async def release(self, token: int) -> None:
        """Give the lease up (a clean stop): a standing-by instance takes over at once."""
        await self._db.standalone(
            "UPDATE lease SET expires_at = 0 WHERE name = 'active' AND token = ? AND holder = ? "
            "RETURNING token",
            (token, str(self.holder)),
        )
