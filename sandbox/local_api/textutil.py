"""Text helpers of the simulation: command entities."""

from __future__ import annotations

import re

from bot.domain.telegram_html import utf16_len

_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[dict[str, object]]:
    """bot_command entities for every /command (or /command@bot) in the text."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]
