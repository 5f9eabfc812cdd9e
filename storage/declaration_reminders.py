"""Reminders before a declaration closes: recorded per (declaration, days before), in the same
transaction as the broadcast that carries them, so each is queued once, even across restarts."""

from __future__ import annotations

from typing import Any

from bot.domain.broadcasts import DECLARATION_AUDIENCE, Kind
from storage.broadcasts import Broadcasts
from storage.database import Database


class DeclarationReminders:
    """Which reminders were queued, and queuing one."""

    def __init__(self, db: Database, broadcasts: Broadcasts) -> None:
        self._db = db
        self._broadcasts = broadcasts

    async def sent(self, number: int) -> set[int]:
        """The offsets (days before closing) already queued for a declaration."""
        rows = await self._db.fetchall(
            "SELECT days_before FROM declaration_reminders WHERE declaration = ?", (number,)
        )
        return {row[0] for row in rows}

    async def queue(
        self, number: int, days_before: list[int], html_by_locale: dict[str, str]
    ) -> tuple[int, int] | None:
        """Queue one reminder to the declaration's unsigned members for these offsets; the
        broadcast's id and size, or ``None`` if another run queued it first."""
        async with self._db.transaction() as conn:
            claimed = False
            for days in days_before:
                cursor = await conn.execute(
                    "INSERT INTO declaration_reminders (declaration, days_before) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (number, days),
                )
                claimed = claimed or cursor.rowcount > 0
                await cursor.close()
            if not claimed:
                return None
            details: dict[str, Any] = {"declaration": number, "days_before": days_before}
            broadcast_id, total = await self._broadcasts.create(
                kind=Kind.DECLARATION_REMINDER,
                author_id=None,
                audience=f"{DECLARATION_AUDIENCE}{number}",
                html_by_locale=html_by_locale,
                details=details,
            )
            await conn.executemany(
                "UPDATE declaration_reminders SET broadcast_id = ? "
                "WHERE declaration = ? AND days_before = ?",
                [(broadcast_id, number, days) for days in days_before],
            )
        return broadcast_id, total
