"""The users aggregate: a Telegram id, a locale, a role and the days first and last seen.

Nothing else about a person is stored: no names, usernames, phone numbers or message texts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from datetime import date

from bot.domain.roles import Role
from bot.domain.users import UserRecord
from storage.database import Connection, Database, Row

_COLUMNS = "user_id, locale, locale_chosen, role, first_seen, last_seen, blocked"


def _record(row: Row) -> UserRecord:
    return UserRecord(
        user_id=row["user_id"],
        locale=row["locale"],
        locale_chosen=bool(row["locale_chosen"]),
        role=Role(row["role"]),
        first_seen=date.fromisoformat(row["first_seen"]),
        last_seen=date.fromisoformat(row["last_seen"]),
        blocked=bool(row["blocked"]),
    )


RECOMPUTE_ROLE = """
UPDATE users SET role = CASE
    WHEN role = 'coordinator' AND :revoke = 0 THEN 'coordinator'
    WHEN EXISTS (SELECT 1 FROM member_bindings WHERE member_bindings.user_id = users.user_id)
        THEN 'member'
    ELSE 'subscriber'
END
WHERE user_id = :user_id
"""
"""The stored role as the bindings and grants say (see :class:`Role`); ``:revoke`` takes the
coordinator role away first."""


async def recompute_roles(conn: Connection, user_ids: Iterable[int]) -> None:
    """Bring the stored roles of ``user_ids`` in line with their bindings, in the caller's
    transaction (callers then drop the cached records: :meth:`Users.forget`)."""
    await conn.executemany(
        RECOMPUTE_ROLE, [{"user_id": user_id, "revoke": 0} for user_id in user_ids]
    )


class Users:
    """Queries and commands on the ``users`` table.

    Records are kept in memory once read (the bot reads one per update): this process is the
    only writer, every write here refreshes its record, and :meth:`forget` drops records that
    another part of storage changed (a recipient found blocked, an erasure).
    """

    def __init__(self, db: Database, cache_size: int = 20_000) -> None:
        self._db = db
        self._cache: OrderedDict[int, UserRecord] = OrderedDict()
        self._cache_size = cache_size

    async def get(self, user_id: int) -> UserRecord | None:
        """The stored user, or ``None`` for someone the bot has not met."""
        record = self._cache.get(user_id)
        if record is not None:
            self._cache.move_to_end(user_id)
            return record
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM users WHERE user_id = ?", (user_id,))
        return self._remember(row)

    def forget(self, user_ids: Iterable[int]) -> None:
        """Drop cached records whose rows were changed elsewhere."""
        for user_id in user_ids:
            self._cache.pop(user_id, None)

    def _remember(self, row: Row | None) -> UserRecord | None:
        if row is None:
            return None
        record = _record(row)
        self._cache[record.user_id] = record
        self._cache.move_to_end(record.user_id)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return record

    async def _write(
        self, sql: str, params: tuple[object, ...] | dict[str, object]
    ) -> UserRecord | None:
        """Run one statement that ends in ``RETURNING`` the columns; cache its row."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(sql, params)
            row = await cursor.fetchone()
            await cursor.close()
        return self._remember(row)

    async def touch(self, user_id: int, locale: str, today: date) -> UserRecord:
        """Record that the user was seen today (and so can be written to again); follow
        Telegram's language unless they chose one."""
        record = await self._write(
            f"""
            INSERT INTO users (user_id, locale, first_seen, last_seen) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                last_seen = excluded.last_seen,
                blocked = 0,
                locale = CASE WHEN users.locale_chosen = 1 THEN users.locale
                              ELSE excluded.locale END
            RETURNING {_COLUMNS}
            """,
            (user_id, locale, today.isoformat(), today.isoformat()),
        )
        assert record is not None
        return record

    async def choose_locale(self, user_id: int, locale: str) -> None:
        """Store the user's explicit choice of language."""
        await self._write(
            "UPDATE users SET locale = ?, locale_chosen = 1 WHERE user_id = ? "
            f"RETURNING {_COLUMNS}",
            (locale, user_id),
        )

    async def set_role(self, user_id: int, role: Role) -> bool:
        """Give a known user a stored role; ``False`` when the bot has never met them."""
        if role is Role.ADMIN:
            raise ValueError("the admin role comes from BOT_ADMINS and is never stored")
        record = await self._write(
            f"UPDATE users SET role = ? WHERE user_id = ? RETURNING {_COLUMNS}",
            (role.value, user_id),
        )
        return record is not None

    async def revoke_coordinator(self, user_id: int) -> Role | None:
        """Take the coordinator role from a user; the role they hold now (member if bound to
        a member of parliament), or ``None`` if the bot has never met them."""
        record = await self._write(
            f"{RECOMPUTE_ROLE} RETURNING {_COLUMNS}", {"user_id": user_id, "revoke": 1}
        )
        return record.role if record else None

    async def ids_with_role(self, role: Role) -> list[int]:
        """The ids of every user holding a stored role, in ascending order."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM users WHERE role = ? ORDER BY user_id", (role.value,)
        )
        return [row["user_id"] for row in rows]
