"""Members of parliament on the roster, and the invitations that bind their Telegram accounts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Member:
    """A parliamentarian of the roster, as listed under a declaration."""

    id: int
    surname: str
    given_name: str
    particle: str
    country: str
    political_group: str
    assembly: str
    seat: str | None = None
    """``representative`` or ``substitute``; ``None`` where the record does not say."""


INVITATION_PREFIX = "m_"
"""Deep-link payloads of invitations start with this; the token follows."""


class BindingRefused(StrEnum):
    """Why an invitation did not bind."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    ACCOUNT_TAKEN = "account_taken"
    """This Telegram account is bound to another member already."""


@dataclass(frozen=True, slots=True)
class Invitation:
    """A fresh invitation: the deep-link payload (shown once) and when it expires."""

    payload: str
    member_id: int
    expires_at: float
