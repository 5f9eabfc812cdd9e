"""Names of the project's fixed values in the reader's language: roles and case statuses."""

from __future__ import annotations

from bot.domain.roles import Role
from bot.text.i18n import lazy_gettext

_ROLE_NAMES = {
    Role.ADMIN: lazy_gettext("administrator"),
    Role.COORDINATOR: lazy_gettext("coordinator"),
    Role.MEMBER: lazy_gettext("member of parliament"),
    Role.SUBSCRIBER: lazy_gettext("reader"),
}


def role_name(role: Role) -> str:
    """The role's name in the current locale."""
    return str(_ROLE_NAMES[role])


_STATUS_NAMES = {
    "detained": lazy_gettext("detained"),
    "on_trial": lazy_gettext("on trial"),
    "convicted": lazy_gettext("convicted"),
    "released": lazy_gettext("released"),
    "in_exile": lazy_gettext("in exile"),
    "died_in_custody": lazy_gettext("died in custody"),
}


def status_name(status: str) -> str:
    """A case status (``detained``, ``released``…) in the current locale."""
    return str(_STATUS_NAMES[status])
