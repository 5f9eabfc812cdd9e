"""News of a case: a new entry of its timeline, told to the case's followers in their language
through the delivery engine. Coordinators post news in the bot (``/update``, handlers/news.py)
or by importing content with ``--notify``."""

from __future__ import annotations

from datetime import date

from bot.domain.broadcasts import CASE_AUDIENCE, Kind
from bot.domain.content import Case, Content, Event
from bot.domain.languages import LOCALES, Texts, in_language
from bot.text.formatting import capitalized, partial_date
from bot.text.i18n import language_in_current_locale, use_locale
from bot.text.render import render
from storage.broadcasts import Broadcasts
from storage.cases import Cases
from storage.database import Database


def news_message(case: Case, event: Event, locale: str) -> str:
    """The message about ``event`` for readers of ``locale``, with a note where it is written
    in another language."""
    with use_locale(locale):
        text, language = in_language(event.event, locale)
        return render(
            "case_news.html",
            name=case.name[locale],
            when=capitalized(partial_date(event.date)),
            text=text,
            language=language_in_current_locale(language) if language else None,
        )


async def tell_followers(
    broadcasts: Broadcasts, case: Case, event: Event, author_id: int | None
) -> tuple[int, int]:
    """Queue ``event`` for every follower of ``case``; return the broadcast and its size."""
    audience = CASE_AUDIENCE + case.id
    return await broadcasts.create(
        kind=Kind.NEWS,
        author_id=author_id,
        audience=audience,
        html_by_locale={locale: news_message(case, event, locale) for locale in LOCALES},
        details={"case": case.id, "audience": audience, "date": event.date},
    )


async def post_news(
    db: Database,
    cases: Cases,
    broadcasts: Broadcasts,
    *,
    case_id: str,
    texts: Texts,
    author_id: int,
    day: date,
) -> tuple[int, int] | None:
    """Add the news to the case's timeline and queue it for its followers, in one transaction;
    ``None`` if the case is gone."""
    event = Event(date=day.isoformat(), event=texts)
    async with db.transaction():
        case = await cases.add_event(case_id, event, day)
        if case is None:
            return None
        return await tell_followers(broadcasts, case, event, author_id)


async def import_with_news(db: Database, content: Content) -> tuple[int, int, int]:
    """Store ``content`` and queue each of its new timeline entries for the followers of its
    case, all in one transaction; return the cases added and updated, and the messages
    queued."""
    cases, broadcasts = Cases(db), Broadcasts(db)
    async with db.transaction():
        fresh = new_events(await cases.content(), content)
        added, updated = await cases.upsert(content)
        queued = 0
        for case, event in fresh:
            queued += (await tell_followers(broadcasts, case, event, None))[1]
    return added, updated, queued


def new_events(stored: Content, imported: Content) -> list[tuple[Case, Event]]:
    """The timeline entries of ``imported`` that ``stored`` does not have yet."""
    found = []
    for case in imported.cases.values():
        known = stored.cases.get(case.id)
        old = set() if known is None else {_identity(event) for event in known.timeline}
        found.extend((case, event) for event in case.timeline if _identity(event) not in old)
    return found


def _identity(event: Event) -> tuple[str, tuple[tuple[str, str], ...]]:
    return event.date, tuple(sorted(event.event.items()))
