"""The users aggregate: a Telegram id, a locale, a role and the days first and last seen.

Nothing else about a person is stored: no names, usernames, phone numbers or message texts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from bot.roles import Role
from storage.database import Database

_COLUMNS = "user_id, locale, locale_chosen, role, first_seen, last_seen, blocked"


@dataclass(frozen=True, slots=True)
class UserRecord:
    """What the bot keeps about one user."""

    user_id: int
    locale: str
    locale_chosen: bool
    role: Role
    first_seen: date
    last_seen: date
    blocked: bool = False
    """The bot's last message to them was refused: they blocked it or left Telegram."""

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> UserRecord:
        return cls(
            user_id=row["user_id"],
            locale=row["locale"],
            locale_chosen=bool(row["locale_chosen"]),
            role=Role(row["role"]),
            first_seen=date.fromisoformat(row["first_seen"]),
            last_seen=date.fromisoformat(row["last_seen"]),
            blocked=bool(row["blocked"]),
        )


class Users:
    """Queries and commands on the ``users`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> UserRecord | None:
        """The stored user, or ``None`` for someone the bot has not met."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM users WHERE user_id = ?", (user_id,))
        return UserRecord.from_row(row) if row else None

    async def touch(self, user_id: int, locale: str, today: date) -> UserRecord:
        """Record that the user was seen today (and so can be written to again); follow
        Telegram's language unless they chose one."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"""
                INSERT INTO users (user_id, locale, first_seen, last_seen) VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    last_seen = excluded.last_seen,
                    blocked = 0,
                    locale = iif(users.locale_chosen, users.locale, excluded.locale)
                RETURNING {_COLUMNS}
                """,
                (user_id, locale, today.isoformat(), today.isoformat()),
            )
            row = await cursor.fetchone()
            await cursor.close()
        return UserRecord.from_row(row)

    async def choose_locale(self, user_id: int, locale: str) -> None:
        """Store the user's explicit choice of language."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE users SET locale = ?, locale_chosen = 1 WHERE user_id = ?",
                (locale, user_id),
            )

    async def set_role(self, user_id: int, role: Role) -> bool:
        """Give a known user a stored role; ``False`` when the bot has never met them."""
        if role is Role.ADMIN:
            raise ValueError("the admin role comes from BOT_ADMINS and is never stored")
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE users SET role = ? WHERE user_id = ?", (role.value, user_id)
            )
            changed = cursor.rowcount == 1
            await cursor.close()
        return changed

    async def ids_with_role(self, role: Role) -> list[int]:
        """The ids of every user holding a stored role, in ascending order."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM users WHERE role = ? ORDER BY user_id", (role.value,)
        )
        return [row["user_id"] for row in rows]
