"""The rules of an appeal, apart from Telegram: which texts are valid, who reads which text,
and how far a broadcast has come."""

from __future__ import annotations

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
