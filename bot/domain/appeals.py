"""The rules of an appeal, apart from Telegram: which texts are valid, who reads which text,
and how far a broadcast has come."""

from __future__ import annotations

import re

from bot.domain.languages import LOCALES
from bot.domain.telegram_html import MAX_MESSAGE_LENGTH, HtmlError, parse_html, utf16_len

WRITING_ORDER: tuple[str, ...] = ("ru", "kk", "en")
"""The order in which a coordinator is asked for the texts (every locale once)."""


class TextProblem(ValueError):
    """Why an appeal text cannot be sent as it is."""


class EmptyText(TextProblem):
    """Nothing would be shown."""


class TextTooLong(TextProblem):
    """Over Telegram's limit; ``length`` in UTF-16 units as Telegram counts."""

    def __init__(self, length: int) -> None:
        super().__init__(f"{length} > {MAX_MESSAGE_LENGTH}")
        self.length = length


class BadHtml(TextProblem):
    """Telegram would refuse the HTML; the message is Telegram's description."""


_MARKUP_OR_CHARACTER = re.compile(
    r"(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>)"
    r"|(?P<reference>&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});)"
    r"|(?P<character>[<&])"
)
_ESCAPED = {"<": "&lt;", "&": "&amp;"}


def typed_html(text: str) -> str:
    """The Telegram HTML of a text typed without Telegram's own formatting: what reads as
    markup (a tag such as ``<b>`` or ``</b>``, a reference such as ``&amp;``) is markup, and
    any other ``<`` or ``&`` is just that character, so "5 < 7" and "Amnesty & HRW" are sent
    as written. Markup that is malformed is left for :func:`check_text` to refuse."""
    return _MARKUP_OR_CHARACTER.sub(
        lambda match: _ESCAPED[match["character"]] if match["character"] else match[0], text
    )


def check_text(html: str) -> str:
    """Return the HTML if Telegram will show it; raise a :class:`TextProblem` otherwise."""
    try:
        parsed = parse_html(html)
    except HtmlError as error:
        raise BadHtml(str(error)) from None
    if not parsed.text.strip():
        raise EmptyText("empty")
    length = utf16_len(parsed.text)
    if length > MAX_MESSAGE_LENGTH:
        raise TextTooLong(length)
    return html


def texts_for_every_locale(texts: dict[str, str], fallback: str) -> dict[str, str]:
    """Each locale's own text, or the fallback locale's where the coordinator wrote none."""
    if fallback not in texts:
        raise ValueError(f"the fallback {fallback!r} has no text")
    return {locale: texts.get(locale, texts[fallback]) for locale in LOCALES}
