"""Members of parliament on the roster, and the invitations that bind their Telegram accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

from bot.domain.files import problem
from bot.domain.files.fields import (
    ASSEMBLY,
    COUNTRY,
    GROUP_ABBREVIATION,
    MEMBER_NAME,
    PARTICLE,
    Line,
    RequiredLine,
    at_most,
)

SEATS = ("representative", "substitute")

LONGEST = {
    "surname": MEMBER_NAME,
    "given_name": MEMBER_NAME,
    "particle": PARTICLE,
    "country": COUNTRY,
    "political_group": GROUP_ABBREVIATION,
    "assembly": ASSEMBLY,
}
"""The most characters of each text of a member's record, as files and coordinators give it."""


def _seat(seat: str) -> str | None:
    if seat and seat not in SEATS:
        raise problem(f"{{field}} must be representative or substitute, not {seat!r}", code="seat")
    return seat or None


@dataclass(frozen=True, slots=True)
class Member:
    """A parliamentarian of the roster, as a roster or a declaration file names them and as
    listed under a declaration. The field types are what a file is checked against; the
    database gives the id."""

    surname: Annotated[RequiredLine, at_most(MEMBER_NAME)]
    given_name: Annotated[RequiredLine, at_most(MEMBER_NAME)]
    particle: Annotated[Line, at_most(PARTICLE)]
    """"De", "van de"; empty for most."""
    country: Annotated[RequiredLine, at_most(COUNTRY)]
    political_group: Annotated[RequiredLine, at_most(GROUP_ABBREVIATION)]
    """The abbreviation of the member's political group."""
    assembly: Annotated[RequiredLine, at_most(ASSEMBLY)]
    seat: Annotated[Line, AfterValidator(_seat)] | None = None
    """``representative`` or ``substitute``; ``None`` where the record does not say."""
    id: int | None = field(default=None, kw_only=True)
    """The member's number in the database; ``None`` for a member only read from a file."""

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What tells two members apart: assembly, surname, given name, country."""
        return (self.assembly, self.surname, self.given_name, self.country)


RECORD_FIELDS = (
    "surname",
    "given_name",
    "particle",
    "country",
    "political_group",
    "assembly",
    "seat",
)
"""The fields of a member's record, as the audit log names them."""


def corrections(before: Member, after: Member) -> tuple[dict[str, object], dict[str, object]]:
    """The fields of a member's record that differ, as they were and as they are: what the
    audit log keeps of a correction (both empty when nothing changed)."""
    changed = [name for name in RECORD_FIELDS if getattr(before, name) != getattr(after, name)]
    return (
        {name: getattr(before, name) for name in changed},
        {name: getattr(after, name) for name in changed},
    )


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
class Binding:
    """An invitation used: the member now bound, and the account bound to them before, if
    another (a new phone), which lost the binding."""

    member: Member
    replaced: int | None = None


@dataclass(frozen=True, slots=True)
class Invitation:
    """A fresh invitation: the deep-link payload (shown once) and when it expires."""

    payload: str
    member_id: int
    expires_at: float
