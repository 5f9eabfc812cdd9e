"""Text helpers shared by the server and the simulation: UTF-16 lengths, command entities."""

from __future__ import annotations

import re

_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts lengths and offsets in."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


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
