"""The coordinator's appeal flow, end to end: write, choose, preview, confirm, watch, report."""

from __future__ import annotations

import pytest

from bot.domain.roles import Role
from tests.e2e.conftest import RunningBot, message_starting


async def test_an_appeal_reaches_everyone_in_their_language(bot: RunningBot) -> None:
    readers = await bot.readers(6)
    coordinator = await bot.user_with_role(500, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("<b>Срочно</b>: напишите в прокуратуру.")
    await coordinator.ask("<b>Шұғыл</b>: прокуратураға жазыңыз.")
    audience_question = await coordinator.ask("<b>Urgent</b>: write to the prosecutor.")
    assert audience_question.button_texts[0] == ["Everyone (7)"]
    await coordinator.press(audience_question, "Everyone (7)")
    *previews, confirm = await coordinator.wait_for_replies(4)
    assert [p.html for p in previews] == [
        "<b>Срочно</b>: напишите в прокуратуру.",
        "<b>Шұғыл</b>: прокуратураға жазыңыз.",
        "<b>Urgent</b>: write to the prosecutor.",
    ]
    assert "Recipients: 7" in confirm.text
    await coordinator.press(confirm, "Send to 7")
    # The coordinator is among the recipients: the appeal may arrive before its progress.
    await message_starting(bot.api, coordinator, "Appeal #1\n")
    expected = {"ru": "Срочно: напишите в прокуратуру.", "kk": "Шұғыл: прокуратураға жазыңыз."}
    for reader in readers:
        await bot.api.wait_until(lambda r=reader: len(r.chat.bot_messages) >= 2, timeout=10)
        received = reader.chat.bot_messages[-1]
        assert received.text == expected.get(
            reader.language_code, "Urgent: write to the prosecutor."
        )
    report = await message_starting(bot.api, coordinator, "Appeal #1: report")
    assert "Delivered: 7" in report.text
    assert "Blocked the bot or left Telegram: 0" in report.text
    listing = (await coordinator.ask("/appeals")).text
    assert "#1" in listing and "7 of 7 delivered" in listing


async def test_the_flow_speaks_the_coordinators_language(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(501, Role.COORDINATOR, language_code="kk")
    prompt = await coordinator.ask("/appeal")
    assert prompt.text.startswith("Үндеу мәтінін орыс тілінде жіберіңіз.")
    await coordinator.ask("Мәтін")
    await coordinator.ask("/skip")
    fallback = await coordinator.ask("Text")
    assert fallback.button_texts == [["Орыс тілі"], ["Ағылшын тілі"]]
    await coordinator.press(fallback, "Ағылшын тілі")
    audience = (await coordinator.wait_for_replies(1))[-1]
    assert [row[0].split(" (")[0] for row in audience.button_texts] == [
        "Барлығына",
        "Орыс тілінде оқитындар",  # the readers of a language, not the language
        "Қазақ тілінде оқитындар",
        "Ағылшын тілінде оқитындар",
    ]


async def test_an_appeal_to_the_followers_of_a_case(bot: RunningBot) -> None:
    readers = await bot.readers(4)
    subscriptions = bot.application.services.subscriptions
    for reader in readers[:2]:
        await subscriptions.follow(reader.id, "iskander-yerimbetov")
    coordinator = await bot.user_with_role(502, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("Write for Iskander")
    label = "Followers of Iskander Yerimbetov (2)"
    assert [label] in audience.button_texts
    await coordinator.press(audience, label)
    confirm = (await coordinator.wait_for_replies(2))[-1]
    assert "Recipients: 2" in confirm.text
    await coordinator.press(confirm, "Send to 2")
    report = await message_starting(bot.api, coordinator, "Appeal #1: report")
    assert "Delivered: 2" in report.text
    for reader in readers:
        got = any(m.text == "Write for Iskander" for m in reader.chat.bot_messages)
        assert got is (reader in readers[:2])
    assert "followers of Iskander Yerimbetov" in (await coordinator.ask("/appeals")).text


async def test_the_command_again_starts_the_flow_over(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(503, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("Первый текст")
    again = await coordinator.ask("/appeal")
    assert again.text.startswith("Send the text of the appeal in Russian")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("Only English")
    await coordinator.press(audience, callback_data="appeal:to:all")
    *previews, _confirm = await coordinator.wait_for_replies(2)
    assert [p.text for p in previews] == ["Only English"]  # the first draft is gone


@pytest.mark.parametrize(
    ("typed", "html"),
    [
        ("Amnesty & HRW call for his release", "Amnesty &amp; HRW call for his release"),
        ("5 < 7", "5 &lt; 7"),
        ("Free him <b>now</b> & here", "Free him <b>now</b> &amp; here"),
        ("&lt;b&gt; is how HTML writes it", "&lt;b&gt; is how HTML writes it"),
    ],
)
async def test_plain_text_is_sent_as_written(bot: RunningBot, typed: str, html: str) -> None:
    """Only what reads as markup is markup; a lone < or & is the character itself."""
    await bot.readers(1)
    coordinator = await bot.user_with_role(510, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask(typed)
    assert audience.text == "Who should receive the appeal?"
    await coordinator.press(audience, callback_data="appeal:to:all")
    preview, confirm = await coordinator.wait_for_replies(2)
    assert preview.html == html
    await coordinator.press(confirm, callback_data="appeal:send")
    reader = bot.user(20_000)
    await bot.api.wait_until(lambda: reader.chat.bot_messages[-1].html == html, timeout=10)


async def test_telegrams_own_formatting_is_kept_and_the_rest_escaped(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(511, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    text = "Urgent: 5 < 7 & <b> is not a tag here"
    bold = {"type": "bold", "offset": 0, "length": 6}
    link = {"type": "text_link", "offset": 8, "length": 5, "url": "https://example.org/"}
    await coordinator.send(text, entities=[bold, link])
    (audience,) = await coordinator.wait_for_replies(1)
    await coordinator.press(audience, callback_data="appeal:to:all")
    preview, _confirm = await coordinator.wait_for_replies(2)
    assert preview.text == text
    assert preview.html == (
        '<b>Urgent</b>: <a href="https://example.org/">5 &lt; 7</a> &amp; &lt;b&gt; is not a '
        "tag here"
    )
