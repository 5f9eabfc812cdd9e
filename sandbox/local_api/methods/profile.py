"""Bot profile methods: commands, descriptions, names and the menu button."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import bad_request
from ..params import Params
from ..state import World

MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
MAX_NAME = 64
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"(?:[a-z]{2})?")


def scope_key(scope: Any) -> str:
    """A BotCommandScope normalised to a stable key (None means the default scope)."""
    scope = scope or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    normalised = dict(scope)
    for field in ("chat_id", "user_id"):
        if field in normalised:
            try:
                normalised[field] = int(normalised[field])
            except (TypeError, ValueError):
                raise bad_request("chat not found") from None
    return json.dumps(normalised, sort_keys=True)


def _language(params: Params) -> str:
    language = params.string("language_code") or ""
    if not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    return language


def _commands_key(params: Params) -> tuple[str, str]:
    return scope_key(params.obj("scope")), _language(params)


def set_my_commands(world: World, params: Params) -> bool:
    """setMyCommands (an empty list deletes)."""
    commands = params.obj("commands")
    if not isinstance(commands, list) or not all(isinstance(item, dict) for item in commands):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    cleaned = []
    for item in commands:
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command, "description": description})
    key = _commands_key(params)
    if cleaned:
        world.settings.commands[key] = cleaned
    else:
        world.settings.commands.pop(key, None)
    world.touch()
    return True


def get_my_commands(world: World, params: Params) -> list[dict[str, str]]:
    """getMyCommands: exactly the list set for this scope and language."""
    return world.settings.commands.get(_commands_key(params), [])


def delete_my_commands(world: World, params: Params) -> bool:
    """deleteMyCommands."""
    world.settings.commands.pop(_commands_key(params), None)
    world.touch()
    return True


def _set_text(store: dict[str, str], params: Params, name: str, limit: int) -> None:
    """Store (or with an empty value remove) a per-language profile text."""
    language = _language(params)
    value = params.string(name) or ""
    if len(value) > limit:
        raise bad_request(f"{name} is too long")
    if value:
        store[language] = value
    else:
        store.pop(language, None)


def set_my_description(world: World, params: Params) -> bool:
    """setMyDescription."""
    _set_text(world.settings.descriptions, params, "description", MAX_DESCRIPTION)
    world.touch()
    return True


def get_my_description(world: World, params: Params) -> dict[str, str]:
    """getMyDescription."""
    return {"description": world.settings.descriptions.get(_language(params), "")}


def set_my_short_description(world: World, params: Params) -> bool:
    """setMyShortDescription."""
    store = world.settings.short_descriptions
    _set_text(store, params, "short_description", MAX_SHORT_DESCRIPTION)
    world.touch()
    return True


def get_my_short_description(world: World, params: Params) -> dict[str, str]:
    """getMyShortDescription."""
    return {"short_description": world.settings.short_descriptions.get(_language(params), "")}


def set_my_name(world: World, params: Params) -> bool:
    """setMyName."""
    _set_text(world.settings.names, params, "name", MAX_NAME)
    world.touch()
    return True


def get_my_name(world: World, params: Params) -> dict[str, str]:
    """getMyName (falls back to the bot's first name)."""
    return {"name": world.settings.names.get(_language(params), world.bot.first_name)}


def set_chat_menu_button(world: World, params: Params) -> bool:
    """setChatMenuButton for one chat or, without chat_id, the default."""
    button = params.obj("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or "type" not in button:
        raise bad_request("can't parse menu button JSON object")
    world.settings.menu_buttons[params.integer("chat_id")] = button
    world.touch()
    return True


def get_chat_menu_button(world: World, params: Params) -> dict[str, Any]:
    """getChatMenuButton."""
    buttons = world.settings.menu_buttons
    chat_id = params.integer("chat_id")
    return buttons.get(chat_id) or buttons.get(None) or {"type": "commands"}


HANDLERS = {
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": set_my_description,
    "getMyDescription": get_my_description,
    "setMyShortDescription": set_my_short_description,
    "getMyShortDescription": get_my_short_description,
    "setMyName": set_my_name,
    "getMyName": get_my_name,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
}
