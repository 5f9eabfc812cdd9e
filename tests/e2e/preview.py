"""Every user-facing text the end-to-end tests make the bot produce, gathered per language into
one file each (``artifacts/preview/preview.LANG.txt``, git-ignored): messages with their
buttons, answers to button presses and the command menus, each once, under the first test that
produced it. A reviewer reads the whole bot in one language in one sitting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.languages import LOCALES
from sandbox.local_api.model import SimMessage
from sandbox.local_api.state import World

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
FOLDER = Path(__file__).resolve().parents[2] / "artifacts" / "preview"


def language_of(text: str, locale: str | None) -> str:
    """The language a text is in: Kazakh by its own letters, Russian by Cyrillic (Kazakh when its
    reader reads Kazakh), English otherwise."""
    if any(letter in KAZAKH_LETTERS for letter in text):
        return "kk"
    if any("а" <= letter.lower() <= "я" or letter in "ёЁ" for letter in text):
        return "kk" if locale == "kk" else "ru"
    return "en"


def shown(message: SimMessage) -> str:
    """A message as its reader sees it: its text (or a document's caption) and its buttons."""
    lines = [message.text if message.text is not None else message.caption or ""]
    if message.document is not None:
        lines.insert(0, f"[document: {message.document.get('file_name', '')}]")
    lines += ["  " + "  ".join(f"[{label}]" for label in row) for row in message.button_texts]
    return "\n".join(line for line in lines if line)


@dataclass
class Preview:
    """The texts gathered so far, per language, in the order first seen."""

    texts: dict[str, dict[str, str]] = field(default_factory=lambda: {c: {} for c in LOCALES})

    def add(self, test: str, text: str, locale: str | None = None) -> None:
        if text.strip():
            self.texts[language_of(text, locale)].setdefault(text, test)

    def toured(self) -> bool:
        """Whether the tour of the bot (``test_tour.py``) ran in this session."""
        return any(
            "test_tour.py" in test for texts in self.texts.values() for test in texts.values()
        )

    def gather(self, test: str, world: World, locales: dict[int, str]) -> None:
        """What the bot showed in ``world`` during ``test``; ``locales``: each reader's."""
        for chat in world.chats.values():
            for message in chat.bot_messages:
                self.add(test, shown(message), locales.get(chat.id))
        for answer in world.callback_queries.values():
            if answer is not None and answer.text:
                self.add(test, f"(a button's answer) {answer.text}")
        for (scope, language), commands in world.settings.commands.items():
            heading = f"(the command menu, {scope}, {language or 'default'})"
            menu = "\n".join(f"/{c['command']} — {c['description']}" for c in commands)
            self.add(test, f"{heading}\n{menu}", language)

    def write(self, folder: Path = FOLDER) -> Iterable[Path]:
        """One file per language; the paths written."""
        folder.mkdir(parents=True, exist_ok=True)
        for locale, texts in self.texts.items():
            path = folder / f"preview.{locale}.txt"
            lines = [
                f"# Qorgau in {locale}: every text the end-to-end tests made the bot show, each "
                f"once, under the first test that showed it ({len(texts)} texts).",
                "# Made by: .venv/bin/python -m pytest tests/e2e",
            ]
            test = None
            for text, first in texts.items():
                if first != test:
                    lines += ["", f"==== {first}"]
                    test = first
                lines += ["", text]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            yield path
