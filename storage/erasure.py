"""Erasing everything stored about one person, across every table that mentions them."""

from __future__ import annotations

from storage.database import Database


async def erase_user(db: Database, user_id: int) -> bool:
    """Delete the user's rows in one transaction, then truncate the WAL so no copy lingers;
    return whether that wipe is done (else it finishes as soon as no reader holds an older
    snapshot, or at the next start: see :meth:`Database.wipe`)."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
        await conn.execute("DELETE FROM reminder_settings WHERE user_id = ?", (user_id,))
        await conn.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
        # A member's signatures are public acts of the parliamentarian and stay; the link
        # between this Telegram account and the member goes.
        await conn.execute("DELETE FROM member_bindings WHERE user_id = ?", (user_id,))
        await conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        await conn.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))
        key_ids = conn.dialect.json_values("ptb_conversations.key")
        await conn.execute(
            "DELETE FROM ptb_conversations WHERE EXISTS "
            f"(SELECT 1 FROM ({key_ids}) AS element WHERE element.value = ?)",
            (user_id,),
        )
        await conn.execute("DELETE FROM outbox WHERE chat_id = ?", (user_id,))
        await conn.execute("UPDATE broadcasts SET author_id = NULL WHERE author_id = ?", (user_id,))
        # The audit log names them by a number of its own: the number stays, unlinked.
        await conn.execute("UPDATE audit_actors SET user_id = NULL WHERE user_id = ?", (user_id,))
    return await db.wipe()
