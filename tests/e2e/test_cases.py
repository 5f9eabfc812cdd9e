"""/cases: the shipped cases, most urgent first, their cards, accounts, timelines and sources
in the reader's language."""

from __future__ import annotations

import pytest

from bot.domain.telegram_html import MAX_MESSAGE_LENGTH, split_paragraphs, utf16_len
from tests.e2e.conftest import RunningBot


async def test_the_list_pages_through_the_cases_most_urgent_first(bot: RunningBot) -> None:
    reader = bot.user(800, "ru")
    first = await reader.ask("/cases")
    assert first.text == "Дела, самые срочные первыми: страница 1 из 2."
    names = [row[0] for row in first.button_texts[:-1]]
    assert len(names) == 5 and "Искандер Еримбетов" in names
    assert "Ботагоз Джардемали" not in " ".join(names)  # urgency 3 comes last
    await reader.press(first, "›")
    second = await reader.wait_for_edit(first)
    assert second.text.endswith("страница 2 из 2.")
    assert any("Джардемали" in row[0] for row in second.button_texts)


async def test_a_card_and_its_parts_in_kazakh(bot: RunningBot) -> None:
    reader = bot.user(801, "kk")
    listing = await reader.ask("/cases")
    await reader.press(listing, callback_data="case:mukhtar-dzhakishev")
    (card,) = await reader.wait_for_replies(1)
    assert card.text.startswith("Мұхтар Жәкішев · сотталған")
    assert "Үкім:" in card.text and "Жаңартылды: 2018\u202fж. 23 ақпан" in card.text
    assert card.button_texts == [
        ["Әрекет ету (1)"],
        ["Толығырақ"],
        ["Хронология", "Дереккөздер"],
        ["Жазылу", "Бөлісу"],  # corrected: «Бақылау» reads as surveillance
    ]
    await reader.press(card, "Хронология")
    (timeline,) = await reader.wait_for_replies(1)
    assert "2017\u202fж. желтоқсан" in timeline.text  # a month, as precise as the source
    await reader.press(card, "Дереккөздер")
    (sources,) = await reader.wait_for_replies(1)
    assert "2018\u202fж. 23 ақпан" in sources.text and "2018\u202fж. 25 қаңтар" in sources.text
    await reader.press(card, "Толығырақ")
    account = await reader.wait_for_replies(1)
    assert "2304/2013" in account[0].text


async def test_a_forged_case_button(bot: RunningBot) -> None:
    reader = bot.user(802, "en")
    listing = await reader.ask("/cases")
    listing.reply_markup["inline_keyboard"][0][0]["callback_data"] = "case:nobody"
    answer = await (await reader.press(listing, callback_data="case:nobody")).wait_answer()
    assert answer.show_alert and answer.text.startswith("This button is no longer valid")


@pytest.mark.parametrize("size", [10, 5000, 9000])
def test_long_accounts_split_between_paragraphs(size: int) -> None:
    paragraphs = [f"{index} " + "слово " * (size // 6) for index in range(3)]
    messages = split_paragraphs(paragraphs)
    assert all(utf16_len(message) <= MAX_MESSAGE_LENGTH for message in messages)
    assert " ".join(" ".join(m.split()) for m in messages) == " ".join(
        " ".join(p.split()) for p in paragraphs
    )
    if size == 10:
        assert messages == ["\n\n".join(paragraphs)]


@pytest.mark.parametrize(
    ("language_code", "query", "card"),
    [
        ("en", "Erimbetov", "Iskander Yerimbetov · detained"),
        ("ru", "Ерімбетов", "Искандер Еримбетов · под стражей"),
        ("kk", "Djakishev", "Мұхтар Жәкішев · сотталған"),
        ("en", "Jardemalei", "Botagoz Jardemalie"),  # one typo
        ("ru", "амнистии", "Мухтар Джакишев"),  # a word of the account
    ],
)
async def test_plain_text_finds_a_case_in_any_script(
    bot: RunningBot, language_code: str, query: str, card: str
) -> None:
    reply = await bot.user(803, language_code).ask(query)
    assert reply.text.startswith(card)


async def test_the_case_command_and_several_results(bot: RunningBot) -> None:
    reader = bot.user(804, "en")
    several = await reader.ask("/case Mukhtar")
    if several.text.endswith("found:"):
        assert any("Dzhakishev" in row[0] for row in several.button_texts)
    else:
        assert several.text.startswith("Mukhtar Dzhakishev")
    group = bot.api.group(-100804)
    await reader.send("/case@qorgau_test_bot Bokayev", chat=group)
    (card,) = await reader.wait_for_replies(1, chat=group)
    assert card.text.startswith("Max Bokayev")


async def test_no_match_offers_suggestions(bot: RunningBot) -> None:
    reply = await bot.user(805, "en").ask("Zzyzx Qwerty")
    assert reply.text == "No case matches “Zzyzx Qwerty”. Perhaps one of these?"
    assert 1 <= len(reply.button_texts) <= 3


async def test_following_a_case(bot: RunningBot) -> None:
    reader = bot.user(806, "ru")
    assert (await reader.ask("/mycases")).text.startswith("Вы пока не следите ни за одним делом.")
    card = await reader.ask("Еримбетов")
    answer = await (await reader.press(card, "Следить")).wait_answer()
    assert answer.text == (
        "Теперь вы следите за этим делом: его новости будут приходить сюда. Напоминания "
        "приходят за 7 дней, за 1 день и за 2 часа до каждого срока."
    )
    following = (await reader.wait_for_edit(card)).button_texts[-1]
    assert following == ["Перестать следить", "Поделиться"]
    listing = await reader.ask("/mycases")
    assert listing.text == "Вы следите за 1 делом:"
    assert listing.button_texts == [["Искандер Еримбетов"]]
    await (await reader.press(card, "Перестать следить")).wait_answer()
    assert (await reader.ask("/mycases")).text.startswith("Вы пока не следите")
