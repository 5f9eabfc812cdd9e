"""Gettext catalogs for every supported locale and the locale of the update being handled.

Catalogs are compiled in memory from the ``.po`` files in ``locales/`` the first time they are
needed; a missing or unreadable catalog fails loudly instead of falling back to English.
The current locale lives in a :class:`~contextvars.ContextVar`, set once per update, so
concurrent updates never see each other's language.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, Translations

from bot import data_path
from bot.domain.languages import LOCALES

DOMAIN = "messages"
LOCALE_DIR = data_path("locales")

_current_locale: ContextVar[str] = ContextVar("locale", default=LOCALES[0])


class CatalogError(RuntimeError):
    """A catalog is missing or cannot be read."""


def catalog_path(locale: str, directory: Path = LOCALE_DIR) -> Path:
    """Where the ``.po`` file of ``locale`` lives."""
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(locale: str, directory: Path = LOCALE_DIR) -> Translations:
    """Read ``locale``'s ``.po`` file and compile it to translations in memory."""
    path = catalog_path(locale, directory)
    try:
        with path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    except OSError as error:
        raise CatalogError(f"catalog for {locale!r} cannot be read: {path}") from error
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def catalogs() -> dict[str, Translations]:
    """Every supported locale's translations, compiled once per process."""
    return {locale: compile_catalog(locale) for locale in LOCALES}


def current_locale() -> str:
    """The locale of the update being handled."""
    return _current_locale.get()


def set_locale(locale: str) -> None:
    """Make ``locale`` current for the rest of this task (one update)."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    _current_locale.set(locale)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Make ``locale`` current inside the block, e.g. when rendering for another user."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    token = _current_locale.set(locale)
    try:
        yield
    finally:
        _current_locale.reset(token)


@functools.cache
def language_name(locale: str) -> str:
    """A language's own name for itself, from CLDR: "English", "Русский", "Қазақ тілі"."""
    name = Locale.parse(locale).get_display_name(locale)
    return name[:1].upper() + name[1:]


def language_in_current_locale(locale: str, *, capitalized: bool = False) -> str:
    """A language's name as the current locale says it: "Russian", "русский", "орыс тілі"."""
    name = Locale.parse(locale).get_display_name(current_locale())
    return name[:1].upper() + name[1:] if capitalized else name


def _fill(text: str, values: dict[str, object]) -> str:
    """Put ``values`` into the ``%(name)s`` placeholders of ``text``; none given, none filled
    (so that a lone "%" needs no doubling in a message without placeholders)."""
    return text % values if values else text


def gettext(message: str, /, **values: object) -> str:
    """Translate ``message`` into the current locale and fill its ``%(name)s`` placeholders."""
    return _fill(catalogs()[_current_locale.get()].gettext(message), values)


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """Translate a message with a count, choosing the CLDR plural form of the current locale
    for ``n``, and fill its placeholders (the count among them, formatted by the caller)."""
    return _fill(catalogs()[_current_locale.get()].ngettext(singular, plural, n), values)


def pgettext(context: str, message: str, /, **values: object) -> str:
    """Translate ``message`` as meant in ``context`` (``msgctxt``): the same English word may
    need different words in Russian or Kazakh ("Cancel" a draft, "Cancel" a deadline)."""
    return _fill(catalogs()[_current_locale.get()].pgettext(context, message), values)


def npgettext(context: str, singular: str, plural: str, n: int, /, **values: object) -> str:
    """:func:`ngettext` with a ``msgctxt``."""
    return _fill(catalogs()[_current_locale.get()].npgettext(context, singular, plural, n), values)


def lazy_gettext(message: str) -> LazyProxy:
    """Translate ``message`` when it is used, not when defined: for module-level constants."""
    return LazyProxy(gettext, message, enable_cache=False)


def lazy_pgettext(context: str, message: str) -> LazyProxy:
    """:func:`lazy_gettext` with a ``msgctxt``."""
    return LazyProxy(pgettext, context, message, enable_cache=False)


_ = gettext


def resolve_locale(chosen: str | None, language_code: str | None, default: str) -> str:
    """The user's stored choice, else Telegram's ``language_code``, else ``default``."""
    if chosen in LOCALES:
        return chosen
    if language_code:
        primary = language_code.replace("_", "-").split("-", 1)[0].lower()
        if primary in LOCALES:
            return primary
    return default
