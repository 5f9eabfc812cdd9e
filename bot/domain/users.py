"""What the bot keeps about a person: a Telegram id, a language, a role, two days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.roles import Role


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
