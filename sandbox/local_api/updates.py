"""The queue of updates waiting for the bot, with getUpdates' confirmation rules."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import islice
from typing import Any

ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


class UpdateQueue:
    """Pending updates in id order; an update leaves when an offset past it is confirmed."""

    def __init__(self) -> None:
        self._pending: deque[dict[str, Any]] = deque()
        self.next_id = 1
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.poll_generation = 0

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Queue an update; return its id, or None if allowed_updates filters it out."""
        if kind not in self.allowed:
            return None
        update_id = self.next_id
        self.next_id += 1
        self._pending.append({"update_id": update_id, kind: payload})
        return update_id

    def set_allowed(self, kinds: Iterable[str]) -> None:
        """Apply an allowed_updates list (empty means Telegram's default set)."""
        self.allowed = frozenset(kinds) & ALL_UPDATE_TYPES or DEFAULT_UPDATE_TYPES

    def confirm(self, offset: int) -> None:
        """Forget updates below a positive offset, or all but the last -offset ones."""
        pending = self._pending
        if offset > 0:
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()

    def peek(self, limit: int) -> list[dict[str, Any]]:
        """The first pending updates, without confirming them."""
        return list(islice(self._pending, limit))

    def clear(self) -> None:
        """Drop every pending update."""
        self._pending.clear()
