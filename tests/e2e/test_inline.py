"""Inline mode: ``@bot QUERY`` in any chat offers case cards in the querying user's language,
fifty at a time; the card's Share button and the link under a posted card."""

from __future__ import annotations

import pytest

from bench.generated_content import generated_content
from bot.domain.telegram_html import parse_html
from sandbox.local_api import InlineAnswer
from tests.e2e.conftest import RunningBot


def titles(answer: InlineAnswer) -> list[str]:
    return [result["title"] for result in answer.results]


async def test_an_empty_query_offers_the_most_urgent_cases(bot: RunningBot) -> None:
    reader = bot.user(900, "kk")
    answer = await (await reader.inline_query("")).wait_answer()
    urgent = await bot.application.services.cases.most_urgent(0, 50)
    assert [r["id"] for r in answer.results] == [case.id for case in urgent]
    assert "Іскандер Ерімбетов" in titles(answer)
    assert answer.next_offset is None and answer.is_personal


@pytest.mark.parametrize(
    ("language_code", "query", "title", "card"),
    [
        ("en", "Еримбетов", "Iskander Yerimbetov", "Iskander Yerimbetov · detained"),
        ("ru", "Jakishev", "Мухтар Джакишев", "Мухтар Джакишев · отбывает наказание"),
        ("kk", "жардемали", "Ботагөз Жардемали", "Ботагөз Жардемали"),
    ],
)
async def test_a_query_returns_cards_in_the_users_language(
    bot: RunningBot, language_code: str, query: str, title: str, card: str
) -> None:
    answer = await (await bot.user(901, language_code).inline_query(query)).wait_answer()
    first = answer.results[0]
    assert first["title"] == title
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert parse_html(content["message_text"]).text.startswith(card)  # valid Telegram HTML
    (button,) = first["reply_markup"]["inline_keyboard"][0]
    assert button["url"] == f"https://t.me/qorgau_test_bot?start=case-{first['id']}"


async def test_many_results_come_fifty_at_a_time(bot: RunningBot) -> None:
    await bot.application.services.cases.upsert(generated_content(120))
    reader = bot.user(902, "en")
    first = await (await reader.inline_query("")).wait_answer()
    assert len(first.results) == 50 and first.next_offset == "50"
    second = await (await reader.inline_query("", offset="50")).wait_answer()
    third = await (await reader.inline_query("", offset="100")).wait_answer()
    assert len(second.results) == 50 and len(third.results) == 126 - 100
    assert third.next_offset is None
    ids = [r["id"] for page in (first, second, third) for r in page.results]
    assert len(set(ids)) == 126
    court = await (await reader.inline_query("court", offset="50")).wait_answer()
    assert len(court.results) == 50 and court.next_offset == "100"


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(a b)", "*", "-Yerimbetov", "(((", "🙂", "Y", "x" * 256, "Ерimbetov AND"],
)
async def test_odd_queries_are_answered(bot: RunningBot, query: str) -> None:
    answer = await (await bot.user(903, "ru").inline_query(query)).wait_answer()
    assert len(answer.results) <= 50
    assert all(result["type"] == "article" for result in answer.results)


async def test_a_forged_offset_starts_from_the_beginning(bot: RunningBot) -> None:
    reader = bot.user(904, "en")
    forged = await (await reader.inline_query("", offset="-5")).wait_answer()
    first = await (await reader.inline_query("")).wait_answer()
    assert titles(forged) == titles(first)


async def test_inline_queries_leave_no_trace(bot: RunningBot) -> None:
    await (await bot.user(905, "en").inline_query("Bokayev")).wait_answer()
    assert await bot.application.services.users.get(905) is None


async def test_the_card_shares_and_the_posted_link_opens_it(bot: RunningBot) -> None:
    reader = bot.user(906, "ru")
    card = await reader.ask("Бокаев")
    share = card.button("Поделиться")
    assert share["switch_inline_query"] == "Макс Бокаев"
    answer = await (await reader.inline_query(share["switch_inline_query"])).wait_answer()
    assert answer.results[0]["id"] == "max-bokayev"
    friend = bot.user(907, "en")
    opened = await friend.ask("/start case-max-bokayev")
    assert opened.text.startswith("Max Bokayev")
    assert opened.button_texts[-1] == ["Follow", "Share"]
    refused = await friend.ask("/start case-nobody-at-all")
    assert refused.text == "This link is not valid or has expired."
