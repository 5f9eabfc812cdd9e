"""Inline mode: ``@bot QUERY`` in any chat offers matching cases as cards to post there, in the
querying user's language; an empty query offers the most urgent cases."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.ext import InlineQueryHandler

from bot.domain.content import Case
from bot.domain.roles import EVERYONE
from bot.domain.search import query_tokens
from bot.text.i18n import current_locale
from bot.text.i18n import gettext as _
from bot.text.names import status_name
from handlers.access import allow
from handlers.cases import LINK_PREFIX, card_text
from handlers.commands import Feature
from handlers.context import BotContext

PAGE_SIZE = InlineQueryLimit.RESULTS
"""Results per answer: Telegram's maximum; the next ones come with ``next_offset``."""
CACHE_SECONDS = 60
"""How long Telegram may reuse an answer: short, since case content changes."""
DESCRIPTION_LENGTH = 120


def _offset(raw: str) -> int:
    """The offset Telegram echoes back; anything else starts from the beginning."""
    return int(raw) if raw.isdigit() and len(raw) <= 6 else 0


def _article(case: Case, bot_username: str) -> InlineQueryResultArticle:
    locale = current_locale()
    brief = case.brief[locale]
    description = f"{status_name(case.status)} · {brief}"
    if len(description) > DESCRIPTION_LENGTH:
        description = description[: DESCRIPTION_LENGTH - 1].rstrip() + "…"
    link = f"https://t.me/{bot_username}?start={LINK_PREFIX}{case.id}"
    return InlineQueryResultArticle(
        id=case.id,
        title=case.name[locale],
        description=description,
        input_message_content=InputTextMessageContent(card_text(case), parse_mode=ParseMode.HTML),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(_("Open in the bot"), url=link)]]),
    )


async def _page(context: BotContext, text: str, offset: int) -> tuple[list[Case], bool]:
    """One page of cases for ``text`` from ``offset``, and whether more follow."""
    cases = context.services.cases
    if not query_tokens(text):
        page = await cases.most_urgent(offset, PAGE_SIZE + 1)
    else:
        hits = await cases.index.search(text, limit=offset + PAGE_SIZE + 1)
        page = await cases.get_many([hit.case_id for hit in hits[offset:]])
    return page[:PAGE_SIZE], len(page) > PAGE_SIZE


@allow(*EVERYONE)
async def inline_search(update: Update, context: BotContext) -> None:
    """Answer an inline query with a page of case cards."""
    query = update.inline_query
    assert query is not None
    offset = _offset(query.offset)
    page, more = await _page(context, query.query, offset)
    username = context.bot.username
    await query.answer(
        [_article(case, username) for case in page],
        # None, not "", for the last page: PTB 22's Defaults turn an empty string into "[]"
        # (they take it for an empty list of poll options), which clients would page with.
        next_offset=str(offset + PAGE_SIZE) if more else None,
        cache_time=CACHE_SECONDS,
        is_personal=True,
    )


FEATURE = Feature(handlers=(InlineQueryHandler(inline_search),))
