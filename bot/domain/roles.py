"""Who may do what: the roles a user can hold and the sets handlers declare."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role; ``ADMIN`` comes from ``BOT_ADMINS``, the others are stored.

    A stored role follows from two facts: an admin granted the coordinator role, or the
    account is bound to a member of parliament. A coordinator stays one whatever the binding;
    otherwise a bound account is a member and any other a subscriber. So a binding that moves
    to another account takes the member role with it, and a revoked coordinator who is bound
    is a member again.
    """

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
