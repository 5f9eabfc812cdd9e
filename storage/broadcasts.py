"""Broadcasts: an appeal sent to many users, its audience, its texts and its report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bot.domain.broadcasts import (
    ALL_LOCALES,
    AUTHORED,
    CASE_AUDIENCE,
    DECLARATION_AUDIENCE,
    Broadcast,
    Keyboard,
    Kind,
)
from storage.database import Connection, Database


def _audience_filter(audience: str) -> tuple[str, tuple[str, ...]]:
    """SQL over ``users`` for an audience: ``all``, one locale, or ``case:<id>``'s subscribers."""
    if audience == ALL_LOCALES:
        return "blocked = 0", ()
    if audience.startswith(DECLARATION_AUDIENCE):
        return (
            "blocked = 0 AND user_id IN (SELECT user_id FROM member_bindings WHERE member_id "
            "NOT IN (SELECT member_id FROM signatures WHERE declaration = ?))",
            (int(audience.removeprefix(DECLARATION_AUDIENCE)),),
        )
    if audience.startswith(CASE_AUDIENCE):
        return (
            "blocked = 0 AND user_id IN (SELECT user_id FROM subscriptions WHERE case_id = ?)",
            (audience.removeprefix(CASE_AUDIENCE),),
        )
    return "blocked = 0 AND locale = ?", (audience,)


class Broadcasts:
    """Creating, stopping and listing broadcasts; their messages go through the outbox."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def audience_size(self, audience: str) -> int:
        """How many users an audience reaches now."""
        where, params = _audience_filter(audience)
        row = await self._db.fetchone(f"SELECT count(*) FROM users WHERE {where}", params)
        return int(row[0]) if row else 0

    async def create(
        self,
        *,
        kind: Kind,
        author_id: int | None,
        audience: str,
        html_by_locale: dict[str, str],
        details: dict[str, Any],
        buttons: Callable[[int], dict[str, Keyboard]] | None = None,
    ) -> tuple[int, int]:
        """Queue one message per user of ``audience``, in their locale's text; return the new
        broadcast's id and its number of messages. ``html_by_locale`` covers every locale;
        ``buttons``, given the new broadcast's id, gives each locale's buttons to put under
        the messages (an appeal's "Take action" knows its appeal)."""
        where, params = _audience_filter(audience)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO broadcasts (kind, author_id, created_at, details) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                (kind, author_id, time.time(), json.dumps(details, ensure_ascii=False)),
            )
            (broadcast_id,) = await cursor.fetchone()
            await cursor.close()
            content_ids: dict[str, int] = {}
            keyboards = buttons(broadcast_id) if buttons else {}
            for locale, html in html_by_locale.items():
                keyboard = keyboards.get(locale)
                cursor = await conn.execute(
                    "INSERT INTO contents (html, buttons) VALUES (?, ?) RETURNING id",
                    (html, json.dumps(keyboard, ensure_ascii=False) if keyboard else None),
                )
                (content_ids[locale],) = await cursor.fetchone()
                await cursor.close()
            # (locale, content id) pairs: VALUES names its columns column1, column2 in both
            # engines.
            pairs = (
                ", ".join(["(?, CAST(? AS BIGINT))"] * len(content_ids))
                or "(NULL, CAST(NULL AS BIGINT))"
            )
            cursor = await conn.execute(
                f"""
                INSERT INTO outbox (broadcast_id, chat_id, content_id)
                SELECT ?, user_id, content.column2
                FROM users JOIN (VALUES {pairs}) AS content ON content.column1 = users.locale
                WHERE {where} ORDER BY user_id
                """,
                (broadcast_id, *(v for pair in content_ids.items() for v in pair), *params),
            )
            total = cursor.rowcount
            await cursor.close()
            await conn.execute(
                "UPDATE broadcasts SET total = ?1, "
                "status = CASE WHEN ?2 = 0 THEN 'done' ELSE 'sending' END, "
                "finished_at = CASE WHEN ?2 = 0 THEN created_at END WHERE id = ?3",
                (total, total, broadcast_id),
            )
            if total == 0:  # done already: finish() will not come by
                await _drop_unused_contents(conn)
        return broadcast_id, total

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """One broadcast, or ``None``."""
        rows = await self._select("WHERE id = ?", (broadcast_id,))
        return rows[0] if rows else None

    async def active(self, kind: Kind | None = None) -> list[Broadcast]:
        """Broadcasts (of one kind, or all) being sent, or stopped but not yet reported; oldest
        first."""
        return await self._select(
            "WHERE status IN ('sending', 'stopped') AND kind = coalesce(?, kind) ORDER BY id",
            (kind,),
        )

    async def latest_id(self) -> int:
        """The id of the newest broadcast, queued by this process or another (an import); 0
        if there is none."""
        row = await self._db.fetchone("SELECT coalesce(max(id), 0) FROM broadcasts")
        return int(row[0]) if row else 0

    async def authored_active(self) -> list[Broadcast]:
        """The appeals and case news being sent (a coordinator sends one at a time)."""
        return [b for b in await self.active() if b.kind in AUTHORED]

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        """The latest appeals and case news, newest first."""
        return await self._select(
            f"WHERE kind IN ({self._db.dialect.json_values(sql_type='text')}) "
            "ORDER BY id DESC LIMIT ?",
            (json.dumps(AUTHORED), limit),
        )

    async def page(self, offset: int, limit: int) -> list[Broadcast]:
        """Broadcasts of every kind, newest first, a page at a time."""
        return await self._select("ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset))

    async def count(self) -> int:
        """How many broadcasts there are."""
        row = await self._db.fetchone("SELECT count(*) FROM broadcasts")
        return int(row[0]) if row else 0

    async def _select(self, clause: str, params: tuple[Any, ...]) -> list[Broadcast]:
        rows = await self._db.fetchall(
            "SELECT id, kind, author_id, created_at, details, status, progress_message_id "
            f"FROM broadcasts {clause}",
            params,
        )
        return [
            Broadcast(
                id=row["id"],
                kind=Kind(row["kind"]),
                author_id=row["author_id"],
                created_at=row["created_at"],
                details=json.loads(row["details"]),
                status=row["status"],
                progress_message_id=row["progress_message_id"],
            )
            for row in rows
        ]

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        """Remember the message in the author's chat that shows the progress."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?",
                (message_id, broadcast_id),
            )

    async def stop(self, broadcast_id: int) -> int:
        """Cancel every message not yet sent; return how many. Messages in flight finish."""
        async with self._db.transaction() as conn:
            cancelled = await _drop_rows(conn, broadcast_id, "pending", "cancelled")
            await conn.execute(
                "UPDATE broadcasts SET status = 'stopped' WHERE id = ? AND status = 'sending'",
                (broadcast_id,),
            )
        return cancelled

    async def finish(self, broadcast_id: int) -> bool:
        """Mark a broadcast whose messages are all settled as done; ``False`` if it was."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ? "
                "WHERE id = ? AND status IN ('sending', 'stopped')",
                (time.time(), broadcast_id),
            )
            changed = cursor.rowcount == 1
            await cursor.close()
            if changed:
                await _drop_unused_contents(conn)
        return changed

    async def resend(self, broadcast_id: int) -> int:
        """Queue again the messages that failed or whose fate is unknown; return how many. The
        failed ones leave the failed counters; nothing delivered is touched."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT reason, count(*) FROM outbox WHERE broadcast_id = ? AND state = 'failed' "
                "GROUP BY reason",
                (broadcast_id,),
            )
            failed = {reason: count for reason, count in await cursor.fetchall()}
            await cursor.close()
            await conn.executemany(
                "UPDATE broadcast_failures SET count = count - ? "
                "WHERE broadcast_id = ? AND reason = ?",
                [(count, broadcast_id, reason) for reason, count in failed.items()],
            )
            await conn.execute(
                "DELETE FROM broadcast_failures WHERE broadcast_id = ? AND count <= 0",
                (broadcast_id,),
            )
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'pending', not_before = 0, attempts = 0, "
                "failing_since = NULL, reason = NULL "
                "WHERE broadcast_id = ? AND state IN ('unknown', 'failed')",
                (broadcast_id,),
            )
            count = cursor.rowcount
            await cursor.close()
            if count:
                await conn.execute(
                    "UPDATE broadcasts SET status = 'sending', finished_at = NULL, "
                    "failed = failed - ? WHERE id = ?",
                    (sum(failed.values()), broadcast_id),
                )
        return count

    async def leave_unsent(self, broadcast_id: int) -> int:
        """Leave the messages that failed or whose fate is unknown unsent; return how many.
        The unknown ones are counted as left unsent; the failed ones stay counted as failed."""
        async with self._db.transaction() as conn:
            count = await _drop_rows(conn, broadcast_id, "unknown", "unknown")
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE broadcast_id = ? AND state = 'failed'", (broadcast_id,)
            )
            count += cursor.rowcount
            await cursor.close()
            await _drop_unused_contents(conn)
        return count


async def insert_personal(
    conn: Connection, kind: Kind, messages: list[tuple[int, str]], created_at: float
) -> int:
    """Queue a broadcast without an author whose recipients each get their own HTML, inside the
    caller's transaction; identical texts are stored once. Return the broadcast's id."""
    cursor = await conn.execute(
        "INSERT INTO broadcasts (kind, author_id, created_at, details, total) "
        "VALUES (?, NULL, ?, '{}', ?) RETURNING id",
        (kind, created_at, len(messages)),
    )
    (broadcast_id,) = await cursor.fetchone()
    await cursor.close()
    content_ids: dict[str, int] = {}
    for html in dict.fromkeys(html for _, html in messages):
        cursor = await conn.execute("INSERT INTO contents (html) VALUES (?) RETURNING id", (html,))
        (content_ids[html],) = await cursor.fetchone()
        await cursor.close()
    await conn.executemany(
        "INSERT INTO outbox (broadcast_id, chat_id, content_id) VALUES (?, ?, ?)",
        [(broadcast_id, chat_id, content_ids[html]) for chat_id, html in messages],
    )
    return int(broadcast_id)


async def _drop_rows(conn: Connection, broadcast_id: int, state: str, counter: str) -> int:
    """Delete a broadcast's outbox rows in ``state``, counting them in the ``counter`` column."""
    cursor = await conn.execute(
        "DELETE FROM outbox WHERE broadcast_id = ? AND state = ?", (broadcast_id, state)
    )
    count = cursor.rowcount
    await cursor.close()
    await conn.execute(
        f"UPDATE broadcasts SET {counter} = {counter} + ? WHERE id = ?", (count, broadcast_id)
    )
    return count


async def _drop_unused_contents(conn: Connection) -> None:
    """Delete the message texts no queued message uses any more: once a broadcast is done,
    the database keeps no copy of what went out (an appeal keeps its texts in its details)."""
    await conn.execute("DELETE FROM contents WHERE id NOT IN (SELECT content_id FROM outbox)")
