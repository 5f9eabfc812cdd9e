"""Answers to callback queries and inline queries, recorded for the test side."""

from __future__ import annotations

from typing import Any

from ..errors import QUERY_TOO_OLD, bad_request
from ..markup import validate_reply_markup
from ..model import CallbackAnswer, InlineAnswer
from ..params import Params
from ..state import World
from .common import checked_text, format_text

MAX_CALLBACK_TEXT = 200
MAX_INLINE_RESULTS = 50
MAX_ID_BYTES = 64


def answer_callback_query(world: World, params: Params) -> bool:
    """answerCallbackQuery: each query can be answered once."""
    query_id = params.string("callback_query_id") or ""
    if query_id not in world.callback_queries or world.callback_queries[query_id] is not None:
        raise bad_request(QUERY_TOO_OLD)
    text = params.string("text")
    if text is not None and len(text) > MAX_CALLBACK_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    world.callback_queries[query_id] = CallbackAnswer(
        text=text,
        show_alert=params.boolean("show_alert"),
        url=params.string("url"),
        cache_time=params.integer("cache_time"),
    )
    world.touch()
    return True


def answer_inline_query(world: World, params: Params) -> bool:
    """answerInlineQuery: results are validated like Telegram does, then recorded."""
    query_id = params.string("inline_query_id") or ""
    if query_id not in world.inline_queries or world.inline_queries[query_id] is not None:
        raise bad_request(QUERY_TOO_OLD)
    results = params.obj("results")
    if not isinstance(results, list) or not all(isinstance(result, dict) for result in results):
        raise bad_request("can't parse results JSON object")
    if len(results) > MAX_INLINE_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _validate_result(result, seen)
    next_offset = params.string("next_offset")
    if next_offset is not None and len(next_offset.encode()) > MAX_ID_BYTES:
        raise bad_request("NEXT_OFFSET_INVALID")
    world.inline_queries[query_id] = InlineAnswer(
        results=results,
        next_offset=next_offset,
        cache_time=params.integer("cache_time"),
        is_personal=params.boolean("is_personal"),
        button=params.obj("button"),
    )
    world.touch()
    return True


def _validate_result(result: dict[str, Any], seen: set[str]) -> None:
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    content = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        source = content["message_text"]
        if not isinstance(source, str):
            raise bad_request("message text is empty")
        checked_text(format_text(source, content.get("parse_mode"), content.get("entities")))
    if "reply_markup" in result:
        validate_reply_markup(result["reply_markup"])


HANDLERS = {
    "answerCallbackQuery": answer_callback_query,
    "answerInlineQuery": answer_inline_query,
}
