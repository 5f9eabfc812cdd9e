"""The problems of a case document in the reader's language: the same checks as import
(:func:`bot.domain.content.check_case`), worded for the console from their codes, and the
names of the fields they concern."""

from __future__ import annotations

from dataclasses import dataclass

from babel.support import LazyProxy

from bot.domain.files import FieldProblem
from bot.text.i18n import gettext as _
from bot.text.i18n import language_in_current_locale, lazy_gettext, lazy_pgettext
from bot.text.problems import describe

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
    message = describe(problem.code, problem.params) or _("This value is not valid.")
    return [ShownProblem(path, field, message)]
