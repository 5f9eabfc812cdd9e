"""Problems found in what people write (a case in the console, a file sent to the bot) in
the reader's language, worded from their codes (:class:`bot.domain.files.FieldProblem`,
:class:`bot.domain.files.FileError`) rather than from the English of the checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.files import FileError
from bot.domain.letters import PLACEHOLDERS
from bot.text.formatting import number
from bot.text.i18n import gettext as _
from bot.text.i18n import language_in_current_locale, pgettext


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
    "too_long": lambda p: _(
        "At most %(limit)s characters, not %(count)s.",
        limit=number(p.get("limit", 0)),
        count=number(p.get("count", 0)),
    ),
    "seat": lambda _p: _("Write representative or substitute."),
    "unknown_group": lambda p: _(
        "There is no political group “%(group)s”: define it in the file or import it first.",
        group=p.get("group", ""),
    ),
    "same_member": lambda p: _("The same member as on line %(line)s.", line=p.get("line", "")),
    "encoding": lambda _p: _("The file is not UTF-8 text: save it as UTF-8."),
    "empty_file": lambda _p: _("The file is empty."),
    "too_large": lambda p: _(
        "The file is too large: at most %(limit)s bytes are read.",
        limit=number(p.get("limit", 0)),
    ),
    "yaml": lambda _p: _("This is not valid YAML."),
    "csv": lambda _p: _("This is not valid CSV."),
    "csv_missing_column": lambda p: _(
        "The header lacks the column “%(column)s”.", column=p.get("column", "")
    ),
    "csv_unknown_column": lambda p: _(
        "The header has an unknown column “%(column)s”.", column=p.get("column", "")
    ),
    "csv_values": lambda _p: _("This row has more values than the header has columns."),
    "roster_kind": lambda _p: _("A roster is a .csv or a .yaml file."),
    "roster_empty": lambda _p: _("The roster names no member."),
}


def describe(code: str, params: dict[str, Any]) -> str | None:
    """The problem of ``code`` with ``params`` in the current locale, or ``None`` for a code
    that has no wording of its own."""
    words = _WORDS.get(code)
    return words(params) if words else None


def file_problem(error: FileError) -> str:
    """A file's problem for its author in the current locale: the field as the file names it,
    then what is wrong (the checks' English where a problem has no wording of its own)."""
    words = describe(error.code, error.params)
    if words is None:
        return error.problem
    return f"{error.field_name}: {words}" if error.field_name else words
