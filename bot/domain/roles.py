"""Who may do what: the roles a user can hold and the sets handlers declare."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role; ``ADMIN`` comes from ``BOT_ADMINS``, the others are stored."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    MEMBER = "member"
    SUBSCRIBER = "subscriber"


EVERYONE: frozenset[Role] = frozenset(Role)
STAFF: frozenset[Role] = frozenset({Role.ADMIN, Role.COORDINATOR})
ADMINS: frozenset[Role] = frozenset({Role.ADMIN})


def effective_role(user_id: int, stored: Role | None, admins: frozenset[int]) -> Role:
    """``ADMIN`` for the ids in ``BOT_ADMINS``, else the stored role, else ``SUBSCRIBER``."""
    if user_id in admins:
        return Role.ADMIN
    return stored or Role.SUBSCRIBER
