"""Methods that send, edit and delete messages, and read chats and files."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request
from ..params import Params, UploadedFile
from ..state import World
from .common import (
    caption,
    editable_message,
    message_text,
    reply_markup,
    reply_target,
    writable_chat,
)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def send_message(world: World, params: Params) -> dict[str, Any]:
    """sendMessage; ``allow_paid_broadcast`` is kept on the message and exempts it from the
    overall flood limit, as a paid broadcast is."""
    chat = writable_chat(world, params)
    text = message_text(params)
    markup = reply_markup(params)
    reply_to = reply_target(chat, params)
    paid = params.boolean("allow_paid_broadcast")
    world.flood.admit(chat.id, "sendMessage", paid=paid)
    message = world.post(
        chat,
        world.bot,
        text=text.text,
        entities=text.entities,
        html=text.html,
        reply_markup=markup,
        reply_to=reply_to,
        paid_broadcast=paid,
    )
    return message.to_dict()


def edit_message_text(world: World, params: Params) -> dict[str, Any] | bool:
    """editMessageText (inline messages are only validated)."""
    if params.has("inline_message_id"):
        message_text(params)
        reply_markup(params)
        return True
    chat = writable_chat(world, params)
    message = editable_message(chat, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text = message_text(params)
    markup = reply_markup(params)
    if (text.text, text.entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    world.flood.admit(chat.id, "editMessageText")
    world.edit(message, text=text.text, entities=text.entities, html=text.html, reply_markup=markup)
    return message.to_dict()


def edit_message_reply_markup(world: World, params: Params) -> dict[str, Any] | bool:
    """editMessageReplyMarkup (inline messages are only validated)."""
    markup = reply_markup(params)
    if params.has("inline_message_id"):
        return True
    chat = writable_chat(world, params)
    message = editable_message(chat, params)
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    world.flood.admit(chat.id, "editMessageReplyMarkup")
    world.edit(message, reply_markup=markup)
    return message.to_dict()


def delete_message(world: World, params: Params) -> bool:
    """deleteMessage (the bot may delete any message it can see)."""
    chat = world.chat(params.chat_id())
    message = chat.history.get(params.require_int("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    world.delete(message)
    return True


def send_document(world: World, params: Params) -> dict[str, Any]:
    """sendDocument with an uploaded file or a known file_id."""
    chat = writable_chat(world, params)
    document = params.file("document")
    if isinstance(document, UploadedFile):
        if not document.data:
            raise bad_request("file must be non-empty")
        stored = world.store_file(document.data, document.filename, document.content_type)
    elif document and document in world.files:
        stored = world.files[document]
    elif document and document.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    elif document:
        raise bad_request("wrong file identifier/HTTP URL specified")
    else:
        raise bad_request("there is no document in the request")
    text = caption(params)
    markup = reply_markup(params)
    reply_to = reply_target(chat, params)
    world.flood.admit(chat.id, "sendDocument")
    message = world.post(
        chat,
        world.bot,
        caption=text.text if text else None,
        entities=text.entities if text else [],
        html=text.html if text else None,
        document=stored.to_dict(),
        reply_markup=markup,
        reply_to=reply_to,
    )
    return message.to_dict()


def send_chat_action(world: World, params: Params) -> bool:
    """sendChatAction; actions are kept in SimChat.actions."""
    chat = writable_chat(world, params)
    action = params.string("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(action)
    world.touch()
    return True


def get_chat(world: World, params: Params) -> dict[str, Any]:
    """getChat: a ChatFullInfo for a chat the world knows."""
    chat = world.chat(params.chat_id())
    return chat.to_dict() | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def get_file(world: World, params: Params) -> dict[str, Any]:
    """getFile: where to download a stored file."""
    stored = world.files.get(params.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


HANDLERS = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendDocument": send_document,
    "sendChatAction": send_chat_action,
    "getChat": get_chat,
    "getFile": get_file,
}
