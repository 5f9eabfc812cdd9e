"""Names of the project's fixed values in the reader's language: roles, case statuses, kinds
of action, the outcomes of acts, why messages failed, and languages as adverbials."""

from __future__ import annotations

from bot.domain.failures import Failure
from bot.domain.roles import Role
from bot.text.i18n import lazy_pgettext, pgettext

_ROLE_NAMES = {
    # TRANSLATORS: a role, in "/privacy" ("Your role (coordinator)").
    Role.ADMIN: lazy_pgettext("role", "administrator"),
    Role.COORDINATOR: lazy_pgettext("role", "coordinator"),
    Role.MEMBER: lazy_pgettext("role", "member of parliament"),
    Role.SUBSCRIBER: lazy_pgettext("role", "reader"),
}


def role_name(role: Role) -> str:
    """The role's name in the current locale."""
    return str(_ROLE_NAMES[role])


_STATUS_NAMES = {
    # TRANSLATORS: a case's status, after the name on its card ("Iskander Yerimbetov · detained").
    "detained": lazy_pgettext("case status", "detained"),
    "on_trial": lazy_pgettext("case status", "on trial"),
    "convicted": lazy_pgettext("case status", "convicted"),
    "released": lazy_pgettext("case status", "released"),
    "in_exile": lazy_pgettext("case status", "in exile"),
    "died_in_custody": lazy_pgettext("case status", "died in custody"),
}


def status_name(status: str) -> str:
    """A case status (``detained``, ``released``…) in the current locale."""
    return str(_STATUS_NAMES[status])


_KIND_NAMES = {
    # TRANSLATORS: what an action asks the reader to do, after the case's name on an action card
    # ("Iskander Yerimbetov · a letter").
    "letter": lazy_pgettext("what an action asks for", "a letter"),
    "email": lazy_pgettext("what an action asks for", "an email"),
    "call": lazy_pgettext("what an action asks for", "a telephone call"),
    "postcard": lazy_pgettext("what an action asks for", "a postcard"),
    "share": lazy_pgettext("what an action asks for", "sharing"),
    "other": lazy_pgettext("what an action asks for", "another act"),
}


def action_kind_name(kind: str) -> str:
    """What an action asks for (``letter``, ``call``…) in the current locale."""
    return str(_KIND_NAMES[kind])


_KIND_COLUMNS = {
    # TRANSLATORS: acts of a kind, followed by their count in /coverage ("letters 3, calls 2").
    "letter": lazy_pgettext("acts of a kind, counted", "letters"),
    "email": lazy_pgettext("acts of a kind, counted", "emails"),
    "call": lazy_pgettext("acts of a kind, counted", "calls"),
    "postcard": lazy_pgettext("acts of a kind, counted", "postcards"),
    "share": lazy_pgettext("acts of a kind, counted", "shares"),
    "other": lazy_pgettext("acts of a kind, counted", "other acts"),
}


def action_kind_plural(kind: str) -> str:
    """Acts of a kind, counted (``letters``, ``calls``…), in the current locale."""
    return str(_KIND_COLUMNS[kind])


_OUTCOME_NAMES = {
    # TRANSLATORS: how an act went, on the buttons after "I did it" and in reports ("Sent: 12").
    "sent": lazy_pgettext("how an act went", "Sent"),
    "reached": lazy_pgettext("how an act went", "I got through"),
    "message": lazy_pgettext("how an act went", "I left a message"),
    "unreachable": lazy_pgettext("how an act went", "I could not get through"),
    "shared": lazy_pgettext("how an act went", "Shared"),
    "done": lazy_pgettext("how an act went", "Done"),
}


def outcome_name(outcome: str) -> str:
    """How an act went, as its button says it, in the current locale."""
    return str(_OUTCOME_NAMES[outcome])


_IN_LANGUAGE = {
    # TRANSLATORS: "in a language" as it ends a request or a statement: "Send the deadline in
    # Kazakh", "the text in English is authoritative". Russian "на казахском", Kazakh
    # "қазақ тілінде".
    "en": lazy_pgettext("in a language", "in English"),
    "ru": lazy_pgettext("in a language", "in Russian"),
    "kk": lazy_pgettext("in a language", "in Kazakh"),
}


def in_language(locale: str) -> str:
    """ "In English", "на русском", "қазақ тілінде": a language as a sentence's adverbial."""
    return str(_IN_LANGUAGE[locale])


def readers_of(locale: str) -> str:
    """The readers of one language, as an appeal's audience: "readers in Russian"."""
    # TRANSLATORS: the people who read the bot in one language, an appeal's audience:
    # "readers in Russian", Russian "читатели на русском", Kazakh "орыс тілінде оқитындар".
    return pgettext("audience", "readers %(in_language)s", in_language=in_language(locale))


_FAILURE_NAMES = {
    # TRANSLATORS: why messages of a broadcast failed, a line of its report followed by a count
    # ("Chat not found: 3").
    Failure.BLOCKED: lazy_pgettext("why a message failed", "Blocked the bot"),
    Failure.DEACTIVATED: lazy_pgettext("why a message failed", "Deleted their Telegram account"),
    Failure.CHAT_NOT_FOUND: lazy_pgettext("why a message failed", "Chat not found"),
    Failure.TOO_LONG: lazy_pgettext("why a message failed", "Message too long"),
    Failure.BAD_MARKUP: lazy_pgettext("why a message failed", "Formatting Telegram rejects"),
    Failure.TELEGRAM_ERROR: lazy_pgettext("why a message failed", "An error on Telegram's side"),
    Failure.NETWORK: lazy_pgettext("why a message failed", "Telegram could not be reached"),
    Failure.TIMEOUT: lazy_pgettext("why a message failed", "No answer from Telegram in time"),
    Failure.INTERNAL: lazy_pgettext("why a message failed", "An error in the bot"),
}


def failure_name(failure: Failure) -> str:
    """Why messages failed, as a broadcast's report lists it, in the current locale."""
    return str(_FAILURE_NAMES[failure])
