"""The audit log table: entries appended inside the transaction of the act they record."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.domain.audit import GENESIS, AuditEntry, chain_hash, first_broken
from storage.database import Connection, Database


async def record(conn: Connection, action: str, data: dict[str, Any]) -> AuditEntry:
    """Append an entry, chained to the last one, in the caller's write transaction."""
    async with conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1") as cursor:
        last = await cursor.fetchone()
    seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    body = {"seq": seq, "at": at, "action": action, "data": data}
    entry = AuditEntry(seq=seq, at=at, action=action, data=data, hash=chain_hash(previous, body))
    await conn.execute(
        "INSERT INTO audit_log (seq, at, action, data, hash) VALUES (?, ?, ?, ?, ?)",
        (seq, at, action, json.dumps(data, ensure_ascii=False, sort_keys=True), entry.hash),
    )
    return entry


async def actor(conn: Connection, user_id: int) -> int:
    """The audit log's own number for the person with Telegram id ``user_id`` (given on
    first use, in the caller's write transaction): entries name it, never the account."""
    await conn.execute(
        "INSERT INTO audit_actors (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING",
        (user_id,),
    )
    async with conn.execute("SELECT id FROM audit_actors WHERE user_id = ?", (user_id,)) as cursor:
        (number,) = await cursor.fetchone()
    return int(number)


class AuditLog:
    """Reading and verifying the chain."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def entries(self) -> list[AuditEntry]:
        """Every entry in order."""
        rows = await self._db.fetchall(
            "SELECT seq, at, action, data, hash FROM audit_log ORDER BY seq"
        )
        return [
            AuditEntry(row["seq"], row["at"], row["action"], json.loads(row["data"]), row["hash"])
            for row in rows
        ]

    async def of_case(self, case_id: str, limit: int = 20) -> list[AuditEntry]:
        """The latest entries about one case, newest first."""
        rows = await self._db.fetchall(
            "SELECT seq, at, action, data, hash FROM audit_log "
            f"WHERE action LIKE 'case_%' AND {self._db.dialect.json('data')} ->> 'case' = ? "
            "ORDER BY seq DESC LIMIT ?",
            (case_id, limit),
        )
        return [
            AuditEntry(row["seq"], row["at"], row["action"], json.loads(row["data"]), row["hash"])
            for row in rows
        ]

    async def actor_user(self, number: int) -> int | None:
        """The Telegram id behind an actor's number, while the person has not erased
        themselves."""
        row = await self._db.fetchone("SELECT user_id FROM audit_actors WHERE id = ?", (number,))
        return None if row is None else row[0]

    async def verify(self) -> tuple[int, int | None]:
        """The number of entries and the first broken one (``None`` when the chain holds)."""
        entries = await self.entries()
        return len(entries), first_broken(entries)
