"""Every handler of the bot, registered in the order that decides who answers an update."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.services import QorgauApplication
from handlers import (
    appeals,
    broadcasts,
    cases,
    deadline_editor,
    fallbacks,
    inline,
    language,
    members,
    privacy,
    reminders,
    roles,
    signing,
)
from handlers.access import internal, undeclared_callbacks
from handlers.commands import COMMANDS
from handlers.context import load_user
from handlers.errors import on_error
from handlers.replies import PRIVATE_MESSAGE

PREPROCESS = -1
"""Group of the handlers that run for every update before any feature."""

FEATURES = 0
"""Group of the features; within it the first matching handler wins, so order matters."""


def _command_handlers(
    conversations: list[ConversationHandler],  # type: ignore[type-arg]
) -> list[BaseHandler[Any, Any, Any]]:
    """A handler per command of the table, except those a conversation starts; in groups,
    private commands get a pointer to the private chat instead."""
    started = {
        name
        for conversation in conversations
        for entry in conversation.entry_points
        if isinstance(entry, CommandHandler)
        for name in entry.commands
    }
    handlers: list[BaseHandler[Any, Any, Any]] = []
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
    """Add every handler; refuse to start if one declares no policy."""
    application.add_handler(TypeHandler(Update, internal(load_user)), group=PREPROCESS)

    conversations = [
        roles.role_conversation(),
        appeals.appeal_conversation(),
        deadline_editor.deadline_conversation(),
        signing.signing_conversation(),
    ]
    application.add_handlers(
        [
            *conversations,
            # Deep links before the plain commands they start with.
            CommandHandler(
                "start", cases.open_from_link, PRIVATE_MESSAGE & filters.Regex(cases.LINK_PATTERN)
            ),
            *_command_handlers(conversations),
            InlineQueryHandler(inline.inline_search),
            # python-telegram-bot passes a press without data through any pattern: only this
            # handler, whose pattern refuses all data, may take such a press.
            CallbackQueryHandler(fallbacks.stale_button, pattern=lambda _: False),
            CallbackQueryHandler(language.language_chosen, pattern=language.CALLBACK_PATTERN),
            CallbackQueryHandler(cases.show_case, pattern=cases.CASE_PATTERN),
            CallbackQueryHandler(cases.turn_page, pattern=cases.PAGE_PATTERN),
            CallbackQueryHandler(privacy.forget_confirmed, pattern=privacy.FORGET_PATTERN),
            CallbackQueryHandler(signing.late_press, pattern=r"^sign:"),
            CallbackQueryHandler(
                reminders.send_calendar, pattern=f"^{reminders.CALENDAR_CALLBACK}$"
            ),
            CallbackQueryHandler(reminders.toggle_mute, pattern=reminders.MUTE_PATTERN),
            CallbackQueryHandler(broadcasts.broadcast_action, pattern=broadcasts.ACTION_PATTERN),
            MessageHandler(
                PRIVATE_MESSAGE & members.ROSTER_FILE & members.ROSTER_CAPTION,
                members.import_roster_file,
            ),
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
