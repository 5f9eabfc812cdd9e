"""News of a case apart from Telegram: which timeline entries are new, the message in every
language, and posting news in one transaction with its broadcast."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.domain.content import Event, load_content
from bot.news import import_with_news, new_events, news_message, post_news
from bot.shipped import SHIPPED_CONTENT
from storage import Database
from storage.broadcasts import Broadcasts
from storage.cases import Cases
from storage.subscriptions import Subscriptions
from storage.users import Users

CASE = "talgat-ayan"
DAY = date(2026, 11, 22)


def test_only_entries_not_stored_yet_are_news() -> None:
    stored = load_content(SHIPPED_CONTENT)
    case = stored.cases[CASE]
    news = Event("2026-11-21", {"en": "Released."})
    imported = replace(stored, cases={CASE: replace(case, timeline=(*case.timeline, news))})
    assert new_events(stored, imported) == [(imported.cases[CASE], news)]
    assert new_events(imported, imported) == []


def test_the_message_notes_a_missing_translation() -> None:
    case = load_content(SHIPPED_CONTENT).cases[CASE]
    event = Event("2026-11-21", {"ru": "Освобождён.", "en": "Released."})
    assert news_message(case, event, "en").startswith("<b>News of the case: Talgat Ayan</b>")
    kazakh = news_message(case, event, "kk")
    assert "Освобождён." in kazakh and "(аударылмаған; тілі: орыс тілі)" in kazakh
    assert "аударылмаған" not in news_message(case, event, "ru")


async def test_posting_news_stores_it_and_queues_it_for_followers(db: Database) -> None:
    cases = Cases(db)
    await cases.upsert(load_content(SHIPPED_CONTENT))
    for user_id, locale in ((1, "ru"), (2, "kk"), (3, "en")):
        await Users(db).touch(user_id, locale, DAY)
    await Subscriptions(db).follow(1, CASE)
    await Subscriptions(db).follow(2, CASE)
    posted = await post_news(
        db, cases, Broadcasts(db), case_id=CASE, texts={"en": "Acquitted."}, author_id=3, day=DAY
    )
    assert posted is not None and posted[1] == 2
    case = await cases.get(CASE)
    assert case is not None and case.updated == DAY
    assert case.timeline[-1] == Event("2026-11-22", {"en": "Acquitted."})
    assert (await cases.index.search("acquitted"))[0].case_id == CASE
    stored = await db.fetchone(
        f"SELECT {db.dialect.json('data')} -> 'deadlines' FROM cases WHERE id = ?", (CASE,)
    )
    assert stored is not None and stored[0] is None  # deadlines live in their own table only
    missing = await post_news(
        db, cases, Broadcasts(db), case_id="nobody", texts={"en": "x"}, author_id=3, day=DAY
    )
    assert missing is None


async def test_import_with_news_is_one_transaction(db: Database) -> None:
    content = load_content(SHIPPED_CONTENT)
    assert await import_with_news(db, content) == (6, 0, 0)  # a first import tells no one
    await Users(db).touch(1, "ru", DAY)
    await Subscriptions(db).follow(1, CASE)
    case = content.cases[CASE]
    news = Event("2026-11-21", {"ru": "Освобождён."})
    changed = replace(content, cases={CASE: replace(case, timeline=(*case.timeline, news))})
    assert await import_with_news(db, changed) == (0, 1, 1)
    assert await import_with_news(db, changed) == (0, 1, 0)
