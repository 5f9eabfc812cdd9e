"""python-telegram-bot persistence in the bot's own SQLite file.

Only what multi-step flows need survives a restart: conversation states and ``user_data``.
``chat_data``, ``bot_data`` and callback data are not persisted; domain data lives in its own
tables. Values are stored as JSON, never pickled. A write is skipped when nothing changed, and
what did change in one update is written in one transaction by :meth:`SqlitePersistence.flush`
(called after every update, see ``handlers.context.QorgauApplication``), so it costs little.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.database import Database

UserData = dict[Any, Any]
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CallbackData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


def _encode(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class SqlitePersistence(BasePersistence[UserData, dict[Any, Any], dict[Any, Any]]):
    """Conversation states and ``user_data`` kept in SQLite tables."""

    def __init__(self, db: Database, update_interval: float = 60) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._db = db
        self._stored_user_data: dict[int, str] = {}
        self._stored_states: dict[tuple[str, str], str] = {}
        self._pending_user_data: dict[int, str] = {}
        """Changed ``user_data`` to write at the next flush ("{}": delete the row)."""
        self._pending_states: dict[tuple[str, str], str | None] = {}
        """Changed conversation states to write at the next flush (``None``: delete)."""

    async def get_user_data(self) -> dict[int, UserData]:
        rows = await self._db.fetchall("SELECT user_id, data FROM ptb_user_data")
        self._stored_user_data = {row["user_id"]: row["data"] for row in rows}
        return {user_id: json.loads(data) for user_id, data in self._stored_user_data.items()}

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        encoded = _encode(data)
        if self._stored_user_data.get(user_id, "{}") == encoded:
            self._pending_user_data.pop(user_id, None)
            return
        self._pending_user_data[user_id] = encoded

    async def drop_user_data(self, user_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))
        self._stored_user_data.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """Nothing to refresh: this process is the only writer."""

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self._db.fetchall(
            "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,)
        )
        conversations: ConversationDict = {}
        for row in rows:
            self._stored_states[(name, row["key"])] = row["state"]
            conversations[tuple(json.loads(row["key"]))] = json.loads(row["state"])
        return conversations

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded_key = _encode(list(key))
        encoded_state = None if new_state is None else _encode(new_state)
        if self._stored_states.get((name, encoded_key)) == encoded_state:
            self._pending_states.pop((name, encoded_key), None)
            return
        self._pending_states[(name, encoded_key)] = encoded_state

    def forget_everything(self) -> None:
        """Drop every cached and pending entry: the next reads load what is stored (another
        instance may have written since)."""
        self._stored_user_data.clear()
        self._stored_states.clear()
        self._pending_user_data.clear()
        self._pending_states.clear()

    def forget_user(self, user_id: int) -> None:
        """Drop cached and pending entries of an erased user so that nothing skips their next
        write, and nothing writes their old data back."""
        self._stored_user_data.pop(user_id, None)
        self._pending_user_data.pop(user_id, None)
        for states in (self._stored_states, self._pending_states):
            for name, key in list(states):
                if user_id in json.loads(key):
                    del states[(name, key)]

    async def flush(self) -> None:
        """Write what changed since the last flush, in one transaction."""
        users, self._pending_user_data = self._pending_user_data, {}
        states, self._pending_states = self._pending_states, {}
        if not users and not states:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO ptb_user_data (user_id, data) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
                [(user_id, data) for user_id, data in users.items() if data != "{}"],
            )
            await conn.executemany(
                "DELETE FROM ptb_user_data WHERE user_id = ?",
                [(user_id,) for user_id, data in users.items() if data == "{}"],
            )
            await conn.executemany(
                "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?) "
                "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                [(name, key, state) for (name, key), state in states.items() if state],
            )
            await conn.executemany(
                "DELETE FROM ptb_conversations WHERE name = ? AND key = ?",
                [(name, key) for (name, key), state in states.items() if state is None],
            )
        self._stored_user_data.update(users)
        for where, state in states.items():
            if state is None:
                self._stored_states.pop(where, None)
            else:
                self._stored_states[where] = state

    # Not persisted: chat_data, bot_data and callback data.

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not persisted."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def get_callback_data(self) -> CallbackData | None:
        return None

    async def update_callback_data(self, data: CallbackData) -> None:
        """Not persisted."""
