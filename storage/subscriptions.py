"""Subscriptions: who follows which case."""

from __future__ import annotations

from bot.domain.clock import SYSTEM_CLOCK, Clock
from storage import reminders
from storage.database import Database


class Subscriptions:
    """Following and unfollowing cases."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock

    async def follow(self, user_id: int, case_id: str) -> int:
        """Subscribe a known user to a case (again is harmless), with the reminders of its
        deadlines still ahead, and one at once for a deadline too near for any of them;
        return how many come at once."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO subscriptions (user_id, case_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (user_id, case_id),
            )
            new = cursor.rowcount > 0
            await cursor.close()
            await reminders.plan(conn, now, user_id=user_id, case_id=case_id)
            if not new:
                return 0
            return await reminders.remind_at_once_if_late(
                conn, now, user_id=user_id, case_id=case_id
            )

    async def unfollow(self, user_id: int, case_id: str) -> None:
        """End a subscription (none is harmless); its pending reminders go with it."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM subscriptions WHERE user_id = ? AND case_id = ?", (user_id, case_id)
            )

    async def follows(self, user_id: int, case_id: str) -> bool:
        """Whether the user follows the case."""
        row = await self._db.fetchone(
            "SELECT 1 FROM subscriptions WHERE user_id = ? AND case_id = ?", (user_id, case_id)
        )
        return row is not None

    async def cases_of(self, user_id: int) -> list[str]:
        """The ids of the cases a user follows, most urgent first."""
        rows = await self._db.fetchall(
            "SELECT case_id FROM subscriptions JOIN cases ON cases.id = case_id "
            "WHERE user_id = ? ORDER BY urgency, updated DESC, case_id",
            (user_id,),
        )
        return [row["case_id"] for row in rows]

    async def followed_cases(self, limit: int = 10) -> list[str]:
        """The ids of the cases someone reachable follows, most urgent first."""
        rows = await self._db.fetchall(
            "SELECT cases.id AS case_id FROM subscriptions "
            "JOIN cases ON cases.id = case_id JOIN users USING (user_id) "
            "WHERE users.blocked = 0 GROUP BY cases.id "
            "ORDER BY cases.urgency, cases.updated DESC, cases.id LIMIT ?",
            (limit,),
        )
        return [row["case_id"] for row in rows]
