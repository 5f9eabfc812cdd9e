"""The problems of a case document in the reader's language: the same checks as import
(:func:`bot.domain.content.check_case`), worded for the console from their codes, and the
names of the fields they concern."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel.support import LazyProxy

from bot.domain.files import FieldProblem
from bot.domain.letters import PLACEHOLDERS
from bot.text.i18n import gettext as _
from bot.text.i18n import language_in_current_locale, lazy_gettext, lazy_pgettext, pgettext

FIELD_NAMES: dict[str, LazyProxy] = {
    "id": lazy_pgettext("console: a field of a case", "Identifier"),
    "name": lazy_pgettext("console: a field of a case", "Name"),
    "aliases": lazy_gettext("Other spellings"),
    "status": lazy_pgettext("console: a field of a case", "Status"),
    "urgency": lazy_pgettext("console: a field of a case", "Urgency"),
    "detention": lazy_gettext("Held at"),
    "charges": lazy_pgettext("console: a field of a case", "Charges"),
    "sentence": lazy_pgettext("console: a field of a case", "Sentence"),
    "brief": lazy_gettext("In brief"),
    "account": lazy_gettext("Full account"),
    "tags": lazy_pgettext("console: a field of a case", "Tags"),
    "related": lazy_gettext("Related cases"),
    "timeline": lazy_pgettext("console: a field of a case", "Timeline"),
    "deadlines": lazy_pgettext("console: a field of a case", "Deadlines"),
    "actions": lazy_pgettext("console: a field of a case", "Actions"),
    "updated": lazy_pgettext("console: a field of a case", "Updated"),
    "news": lazy_gettext("News for the followers"),
}
"""The fields of the content format as the console names them."""


def _languages(params: dict[str, Any]) -> str:
    return ", ".join(language_in_current_locale(code) for code in params.get("languages", ()))


def _letter(params: dict[str, Any]) -> str:
    """A model letter's problem, at its line where it has one."""
    kind, line = params.get("kind"), params.get("line")
    if kind == "placeholder":
        return _(
            "Line %(line)s: unknown placeholder “%(name)s”. Allowed: %(allowed)s.",
            line=line,
            name=params.get("name", ""),
            allowed=", ".join(PLACEHOLDERS),
        )
    if kind in ("statement", "expression", "syntax"):
        return _(
            "Line %(line)s: write placeholders as %(example)s, with no filter, statement or "
            "expression.",
            line=line,
            example="{{ name }}",
        )
    if kind == "length":
        return _(
            "The letter has %(count)s characters; at most %(limit)s are allowed.",
            count=params.get("count", ""),
            limit=params.get("limit", ""),
        )
    if kind == "paragraphs":
        return _("The letter has more than %(limit)s paragraphs.", limit=params.get("limit", ""))
    return pgettext("console: a field's problem", "Required.")


_WORDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda _p: pgettext("console: a field's problem", "Required."),
    "translation": lambda p: _("Missing the text in: %(languages)s.", languages=_languages(p)),
    "texts": lambda _p: _("Write a text in each language."),
    "language": lambda p: _("Unknown language: %(languages)s.", languages=_languages(p)),
    "empty_entry": lambda _p: _("An entry is empty."),
    "choice": lambda _p: _("Not one of the allowed values."),
    "literal_error": lambda _p: _("Not one of the allowed values."),
    "slug": lambda _p: _(
        "Use lowercase Latin letters, digits and dashes between words, at most 40 characters."
    ),
    "source": lambda _p: _("Unknown source."),
    "case": lambda p: _("There is no case “%(case)s”.", case=p.get("value", "")),
    "partial_date": lambda _p: _("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."),
    "urgency": lambda _p: _("From 1 (most urgent) to 5."),
    "zone": lambda _p: _("Not a time zone: write a name such as Asia/Almaty or Europe/Berlin."),
    "link": lambda _p: _("Write an address that starts with https://."),
    "moment": lambda _p: _("Write the local time as YYYY-MM-DD HH:MM."),
    "skipped_time": lambda p: _(
        "This local time does not exist in %(zone)s: the clocks jump over it.",
        zone=p.get("zone", ""),
    ),
    "twice": lambda _p: _("This identifier is used twice."),
    "positive": lambda _p: _("Write a whole number above zero."),
    "date_type": lambda _p: _("Write the date as YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda _p: _("Write the date as YYYY-MM-DD."),
    "extra_forbidden": lambda _p: _("Unknown field."),
    "letter": _letter,
    "too_many": lambda p: _("At most %(limit)s.", limit=p.get("limit", "")),
    "point": lambda p: _("A point has at most %(limit)s characters.", limit=p.get("limit", "")),
    "no_target": lambda _p: _("Choose at least one addressee."),
    "target": lambda p: _("There is no addressee “%(target)s”.", target=p.get("value", "")),
    "until_unread": lambda _p: _("Correct the time zone first: the date is read in it."),
    "no_letter": lambda _p: _("An action of this kind needs a model letter."),
    "zone_alone": lambda _p: _("Give the date as well, or leave the time zone empty."),
    "until": lambda _p: _("Write the date as YYYY-MM-DD, or the local time as YYYY-MM-DD HH:MM."),
    "until_zone": lambda _p: _("Give the time zone of this date as well, e.g. Asia/Almaty."),
    "target_languages": lambda p: _(
        "%(target)s reads none of the languages of the letter.", target=p.get("target", "")
    ),
}


@dataclass(frozen=True, slots=True)
class ShownProblem:
    """A problem as the console shows it: at which field, in which words."""

    path: str
    """The location joined with dots, as the form's fields are named (``name.kk``)."""
    field: str
    """The name of the top-level field, for the summary."""
    message: str


def shown(problem: FieldProblem) -> list[ShownProblem]:
    """``problem`` in the current locale; a missing translation at each missing language's
    own field."""
    top = str(problem.location[0]) if problem.location else ""
    label = FIELD_NAMES.get(top)
    field = str(label) if label else top
    path = ".".join(str(part) for part in problem.location)
    if problem.code == "translation" and problem.params.get("languages"):
        return [
            ShownProblem(
                path if path.endswith(f".{code}") else f"{path}.{code}",
                field,
                _(
                    "Missing the text in: %(languages)s.",
                    languages=language_in_current_locale(code),
                ),
            )
            for code in problem.params["languages"]
        ]
    words = _WORDS.get(problem.code)
    message = words(problem.params) if words else _("This value is not valid.")
    return [ShownProblem(path, field, message)]
