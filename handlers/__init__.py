"""Every handler of the bot, registered in the order that decides who answers an update."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    actions,
    appeals,
    broadcasts,
    cancel,
    cases,
    console,
    coverage,
    deadlines,
    declarations,
    fallbacks,
    inline,
    language,
    members,
    news,
    privacy,
    reminders,
    roles,
    signing,
    start,
)
from handlers.access import Handler, internal, undeclared_callbacks
from handlers.commands import CommandTable, Feature
from handlers.context import QorgauApplication, load_user
from handlers.errors import on_error
from handlers.replies import PRIVATE_MESSAGE

PREPROCESS = -1
"""Group of the handlers that run for every update before any feature."""

FEATURES = 0
"""Group of the features; within it the first matching handler wins, so order matters."""

REGISTERED: tuple[Feature, ...] = (
    start.FEATURE,
    console.FEATURE,
    cases.FEATURE,
    actions.FEATURE,
    inline.FEATURE,
    deadlines.FEATURE,
    reminders.FEATURE,
    appeals.FEATURE,
    news.FEATURE,
    broadcasts.FEATURE,
    signing.FEATURE,
    declarations.FEATURE,
    members.FEATURE,
    roles.FEATURE,
    coverage.FEATURE,
    language.FEATURE,
    privacy.FEATURE,
    cancel.FEATURE,
)
"""The features; within a heading of /help, their commands follow this order."""

COMMANDS = CommandTable(REGISTERED)
"""The table of commands: /help, the menus, and the command handlers."""


def _command_handlers(
    conversations: list[ConversationHandler],  # type: ignore[type-arg]
) -> list[Handler]:
    """A handler per command of the table, except those a conversation starts; in groups,
    private commands get a pointer to the private chat instead."""
    started = {
        name
        for conversation in conversations
        for entry in conversation.entry_points
        if isinstance(entry, CommandHandler)
        for name in entry.commands
    }
    handlers: list[Handler] = []
    for command in COMMANDS:
        chats = PRIVATE_MESSAGE if command.private_only else filters.UpdateType.MESSAGE
        if command.name not in started:
            handlers.append(CommandHandler(command.name, command.callback, chats))
        if command.private_only:
            handlers.append(
                CommandHandler(
                    command.name,
                    fallbacks.private_only,
                    filters.UpdateType.MESSAGE & ~filters.ChatType.PRIVATE,
                )
            )
    return handlers


def register(application: QorgauApplication) -> None:
    """Add every handler and the table of commands; refuse to start if a handler declares no
    policy."""
    application.menus = COMMANDS
    COMMANDS.console_url = console.console_url(application.services.settings)
    COMMANDS.console_roles = console.CONSOLE.roles
    application.add_handler(TypeHandler(Update, internal(load_user)), group=PREPROCESS)
    conversations = [
        feature.conversation() for feature in REGISTERED if feature.conversation is not None
    ]
    application.add_handlers(
        [
            # python-telegram-bot passes a press without data through any pattern: only this
            # handler, whose pattern refuses all data, may take such a press, before any
            # conversation whose buttons would otherwise take it.
            CallbackQueryHandler(fallbacks.stale_button, pattern=lambda _: False),
            *conversations,
            # Buttons, deep links (before the plain commands they start with), files.
            *(handler for feature in REGISTERED for handler in feature.handlers),
            *_command_handlers(conversations),
            # Last resorts: unknown commands, other text and messages, edits, stale buttons.
            MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, fallbacks.unknown_command),
            MessageHandler(PRIVATE_MESSAGE & filters.TEXT, cases.find_case_from_text),
            MessageHandler(PRIVATE_MESSAGE, fallbacks.unsupported_message),
            MessageHandler(
                filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE,
                fallbacks.edited_message,
            ),
            CallbackQueryHandler(fallbacks.stale_button),
        ],
        group=FEATURES,
    )
    application.add_error_handler(on_error)

    undeclared = undeclared_callbacks(application.handlers)
    if undeclared:
        raise RuntimeError(f"handlers without a declared policy: {', '.join(undeclared)}")
