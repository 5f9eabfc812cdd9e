"""Names of the project's fixed values in the reader's language: roles, case statuses, kinds
of action and the outcomes of acts."""

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


_KIND_NAMES = {
    "letter": lazy_gettext("a letter"),
    "email": lazy_gettext("an email"),
    "call": lazy_gettext("a telephone call"),
    "postcard": lazy_gettext("a postcard"),
    "share": lazy_gettext("sharing"),
    "other": lazy_gettext("another act"),
}


def action_kind_name(kind: str) -> str:
    """What an action asks for (``letter``, ``call``…) in the current locale."""
    return str(_KIND_NAMES[kind])


_KIND_COLUMNS = {
    "letter": lazy_gettext("letters"),
    "email": lazy_gettext("emails"),
    "call": lazy_gettext("calls"),
    "postcard": lazy_gettext("postcards"),
    "share": lazy_gettext("shares"),
    "other": lazy_gettext("other acts"),
}


def action_kind_plural(kind: str) -> str:
    """Acts of a kind, counted (``letters``, ``calls``…), in the current locale."""
    return str(_KIND_COLUMNS[kind])


_OUTCOME_NAMES = {
    "sent": lazy_gettext("Sent"),
    "reached": lazy_gettext("I got through"),
    "message": lazy_gettext("I left a message"),
    "unreachable": lazy_gettext("I could not get through"),
    "shared": lazy_gettext("Shared"),
    "done": lazy_gettext("Done"),
}


def outcome_name(outcome: str) -> str:
    """How an act went, as its button says it, in the current locale."""
    return str(_OUTCOME_NAMES[outcome])
