"""Taking action, end to end through the local Bot API server, in English, Russian and Kazakh:
from a case's card to the action card, the letter as text and as documents (their text read
back), "I did it" and the counts; the privacy of acts and of the name signed with; /act, the
deadlines and reminders of actions with an end; forged and expired cards; an appeal that asks
for an act and its report; /coverage and its CSV; /declarationdoc."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.application import serving
from bot.config import Settings
from bot.domain.clock import SettableClock
from bot.domain.content import load_content
from bot.domain.roles import Role
from bot.shipped import SHIPPED_CONTENT
from sandbox.local_api import LocalBotApi, SimMessage, SimUser
from storage.location import DatabaseLocation
from tests.documents import docx_paragraphs, pdf_pages, words
from tests.e2e.conftest import RunningBot, message_starting
from tests.e2e.processes import traces
from tests.stored import contains_text, rows

ACTIVIST_ID = 7_365_913_377
"""Large enough that its 6-byte big-endian form (how SQLite stores it) is distinctive."""

LABELS = {
    "en": {
        "take": "Take action (1)",
        "letter": "The letter",
        "language": "English",
        "document": "As a document (.docx and .pdf)",
        "did": "I did it",
        "salutation": "Dear Mr. President,",
        "addressee": "President of the Republic of Kazakhstan",
        "points": "Points to raise",
        "week": "Acts reported on this case in the last 7 days: 1.",
        "counted": "This act is already counted. Thank you!",
        "closing": "Yours sincerely,",
        "privacy": "Your acts: when you press “I did it”, the bot adds one to a count",
    },
    "ru": {
        "take": "Действовать (1)",
        "letter": "Письмо",
        "language": "Русский",
        "document": "Документом (.docx и .pdf)",
        "did": "Сделано",
        "salutation": "Уважаемый господин Президент!",
        "addressee": "Президент Республики Казахстан",
        "points": "О чём написать",
        "week": "Действий по этому делу за последние 7 дней: 1.",
        "counted": "Это действие уже учтено. Спасибо!",
        "closing": "С уважением,",
        "privacy": "Ваши действия: когда вы нажимаете «Сделано», бот прибавляет единицу",
    },
    "kk": {
        "take": "Әрекет ету (1)",
        "letter": "Хат",
        "language": "Қазақ тілі",
        "document": "Құжат ретінде (.docx және .pdf)",
        "did": "Орындадым",
        "salutation": "Құрметті Президент мырза!",
        "addressee": "Қазақстан Республикасының Президенті",
        "points": "Нені айту керек",
        "week": "Соңғы 7 күнде бұл іс бойынша хабарланған әрекеттер: 1.",
        "counted": "Бұл әрекет есепке алынған. Рахмет!",
        "closing": "Құрметпен,",
        "privacy": "Сіздің әрекеттеріңіз: «Орындадым» түймесін басқанда бот",
    },
}
SIGNERS = {
    "en": ("Jane Doe", "Member of the Bundestag", "Berlin"),
    "ru": ("Анна Петрова", "Депутат Европейского парламента", "Вильнюс"),
    "kk": ("Әлия Шаһанова", "Қоғамдық бірлестік үйлестірушісі", "Алматы"),
}


def act_rows(database: DatabaseLocation) -> list[tuple[object, ...]]:
    """Every row of the tables that hold acts, read by another connection."""
    return rows(database, "SELECT * FROM act_counts") + rows(database, "SELECT * FROM act_tokens")


async def replies_after(user: SimUser, count: int) -> list[SimMessage]:
    return (await user.wait_for_replies(count))[-count:]


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
async def test_from_a_case_card_to_a_letter_document_and_an_act(
    bot: RunningBot, locale: str
) -> None:
    labels, (name, title, place) = LABELS[locale], SIGNERS[locale]
    user = bot.user(ACTIVIST_ID, locale)
    await user.ask("/start")
    card = await user.ask("/case Dzhakishev")
    await user.press(card, labels["take"])
    (action,) = await replies_after(user, 1)
    assert labels["points"] in action.text and "apr@akorda.kz" in action.text
    assert action.button(text=None, callback_data=None)  # the card has buttons
    copy = [b for row in action.buttons for b in row if "copy_text" in b]
    assert copy[0]["copy_text"] == {"text": "apr@akorda.kz"}

    # The letter as text, in a language the President reads: the reader's own first.
    await user.press(action, labels["letter"])
    (languages,) = await replies_after(user, 1)
    assert languages.button_texts[0] == [labels["language"]]
    await user.press(languages, labels["language"])
    letter, offer = await replies_after(user, 2)
    assert letter.text.startswith(labels["salutation"])
    assert letter.text.endswith(labels["closing"])

    # As a document, signed with a name given for it alone.
    await user.press(offer, labels["document"])
    await replies_after(user, 1)
    await user.send(f"{name}\n{title}\n{place}")
    docx_message, pdf_message, _done = await replies_after(user, 3)
    files = user.world.files
    assert docx_message.document is not None and pdf_message.document is not None
    assert docx_message.document["file_name"].endswith(f"-{locale}.docx")
    pdf_text = words(" ".join(pdf_pages(files[pdf_message.document["file_id"]].data)))
    assert pdf_text.startswith(f"{place}, ")
    assert f"{labels['addressee']} " in pdf_text and labels["salutation"] in pdf_text
    assert pdf_text.endswith(f"{labels['closing']} {name}, {title}")
    _header, body = docx_paragraphs(files[docx_message.document["file_id"]].data)
    assert body[1] == labels["addressee"] and body[-1] == f"{name},\n{title}"
    await bot.settled()
    assert not contains_text(bot.settings.database, name)
    assert not contains_text(bot.settings.database, title)

    # "I did it": counted once, with no user id beside it.
    did = action.button(labels["did"])["callback_data"]
    await user.press(action, labels["did"])
    (thanks,) = await replies_after(user, 1)
    assert thanks.text.endswith(labels["week"])
    action.reply_markup = {"inline_keyboard": [[{"text": "again", "callback_data": did}]]}
    again = await (await user.press(action, callback_data=did)).wait_answer()
    assert again.text == labels["counted"]
    actions = bot.application.services.cases.actions
    assert await actions.acts_of_case("mukhtar-dzhakishev", datetime(2000, 1, 1).date()) == 1
    rows = act_rows(bot.settings.database)
    assert len(rows) == 2 and not any(str(ACTIVIST_ID) in repr(row) for row in rows)

    # Erased, the user leaves no trace; the count stays.
    question = await user.ask("/forget")
    await (await user.press(question, callback_data="forget:yes")).wait_answer()
    await user.wait_for_edit(question)
    await bot.settled()
    assert traces(bot.settings.database, ACTIVIST_ID) == []
    assert len(act_rows(bot.settings.database)) == 2


@pytest.mark.parametrize("locale", ["en", "ru", "kk"])
async def test_privacy_says_that_acts_are_counts(bot: RunningBot, locale: str) -> None:
    user = bot.user(612, locale)
    await user.ask("/start")
    assert LABELS[locale]["privacy"] in (await user.ask("/privacy")).text


async def test_act_lists_the_followed_cases_actions_else_all(bot: RunningBot) -> None:
    user = bot.user(601, "en")
    await user.ask("/start")
    everything = await user.ask("/act")
    assert everything.text.startswith("What you can do today, most urgent first")
    assert len(everything.buttons) == 2
    await bot.application.services.subscriptions.follow(601, "iskander-yerimbetov")
    followed = await user.ask("/act")
    assert followed.text.startswith("What you can do today for the cases you follow")
    assert followed.button_texts == [
        ["Iskander Yerimbetov: Write to the President of Kazakhstan about Iskander Yerimbetov"]
    ]
    await user.press(followed, followed.button_texts[0][0])
    (card,) = await replies_after(user, 1)
    assert card.text.startswith("Write to the President of Kazakhstan about Iskander")
    assert "Do not act after" not in card.text  # the seed gives no end


async def test_a_case_without_actions_has_no_take_action_button(bot: RunningBot) -> None:
    user = bot.user(602, "en")
    card = await user.ask("/case Atabek")
    assert not any(text.startswith("Take action") for row in card.button_texts for text in row)


async def test_forged_and_altered_cards_count_nothing(bot: RunningBot) -> None:
    user = bot.user(603, "ru")
    await user.ask("/start")
    listing = await user.ask("/act")
    await user.press(listing, listing.button_texts[0][0])
    (card,) = await replies_after(user, 1)
    did = card.button("Сделано")["callback_data"]
    prefix, key, origin, expires, token = did.split(":")
    forged = [
        f"{prefix}:{key}:{origin}:{expires}:{'A' * 22}",  # a token never issued
        f"{prefix}:{key}:99:{expires}:{token}",  # another origin
        f"{prefix}:{key}:{origin}:{int(expires) + 30}:{token}",  # a later expiry
        f"{prefix}:{key}:{origin}:{expires}:{token}:reached",  # an outcome a letter has not
    ]
    for data in forged:
        card.reply_markup = {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}
        refused = await (await user.press(card, callback_data=data)).wait_answer()
        assert refused.text == "Эта кнопка больше не действует. Пожалуйста, начните заново."
    assert act_rows(bot.settings.database) == []


def _content_with_a_call(folder: Path, until: datetime) -> Path:
    """The shipped content with a call to make for Max Bokayev, ending at ``until``."""
    shutil.copytree(SHIPPED_CONTENT, folder)
    path = folder / "cases" / "max-bokayev.yaml"
    text = path.read_text(encoding="utf-8")
    local = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    call = f"""actions:
  - id: call-the-prosecutor
    kind: call
    title: {{en: Call the prosecutor, ru: Позвоните прокурору, kk: Прокурорға қоңырау шалыңыз}}
    why: {{en: A hearing is near., ru: Скоро заседание., kk: Жақында отырыс болады.}}
    points:
      en: [Ask for his release.]
      ru: [Просите о его освобождении.]
      kk: [Оны босатуды сұраңыз.]
    targets: [prosecutor]
    zone: UTC
    until: {local}
"""
    path.write_text(text.replace("\nupdated:", "\n" + call + "updated:", 1), encoding="utf-8")
    targets = folder / "targets.yaml"
    targets.write_text(
        targets.read_text(encoding="utf-8")
        + """prosecutor:
  name: {en: The Prosecutor, ru: Прокурор, kk: Прокурор}
  title: {en: Prosecutor General, ru: Генеральный прокурор, kk: Бас прокурор}
  salutation: {en: "Dear Prosecutor,", ru: Уважаемый прокурор!, kk: Құрметті прокурор!}
  languages: [ru, kk]
  phone: +7 7172 00 00 00
""",
        encoding="utf-8",
    )
    return folder


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def timed(api: LocalBotApi, settings: Settings, tmp_path: Path):
    clock = SettableClock(START)
    async with serving(settings, clock=clock) as application:
        folder = _content_with_a_call(tmp_path / "content", START + timedelta(days=3))
        await application.services.cases.upsert(load_content(folder))
        yield RunningBot(api=api, application=application, settings=settings), clock


async def test_a_call_with_an_end_in_act_deadlines_and_outcomes(timed) -> None:
    bot, clock = timed
    user = bot.user(604, "kk")
    await user.ask("/start")
    await bot.application.services.subscriptions.follow(604, "max-bokayev")
    listing = await user.ask("/act")
    assert listing.button_texts[0] == ["Макс Боқаев: Прокурорға қоңырау шалыңыз"]
    deadlines = await user.ask("/deadlines")
    assert "Прокурорға қоңырау шалыңыз" in deadlines.text
    assert await bot.application.services.reminders.pending_count(604) > 0
    await user.press(listing, listing.button_texts[0][0])
    (card,) = await replies_after(user, 1)
    assert "Соңғы мерзімі:" in card.text and "<code>+7 7172 00 00 00</code>" in card.html
    assert not any(text == "Хат" for row in card.button_texts for text in row)
    await user.press(card, "Орындадым")
    edited = await user.wait_for_edit(card)
    assert edited.button_texts == [["Хабарластым"], ["Хабар қалдырдым"], ["Хабарласа алмадым"]]
    await user.press(edited, "Хабар қалдырдым")
    (thanks,) = await replies_after(user, 1)
    assert thanks.text.startswith("Рахмет!")
    # The rows as another program reads them.
    assert rows(bot.settings.database, "SELECT kind, outcome, count FROM act_counts") == [
        ("call", "message", 1)
    ]
    # After its end the action leaves the lists, and its cards count nothing.
    other = bot.user(605, "en")
    await other.ask("/start")
    old_listing = await other.ask("/act")
    await other.press(old_listing, old_listing.button_texts[0][0])
    (old_card,) = await replies_after(other, 1)
    clock.advance(timedelta(days=4))
    later = await other.ask("/act")
    assert not any("Call the prosecutor" in text for row in later.button_texts for text in row)
    assert "Call the prosecutor" not in (await other.ask("/deadlines")).text
    closed = await (await other.press(old_card, "I did it")).wait_answer()
    assert closed.text == "This card has expired: open the action again with /act."


async def test_an_appeal_asks_for_an_act_and_reports_the_acts(bot: RunningBot) -> None:
    readers = await bot.readers(3)
    for reader in readers:
        await bot.application.services.subscriptions.follow(reader.id, "iskander-yerimbetov")
    coordinator = await bot.user_with_role(606, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("Write to the President for Iskander today.")
    await coordinator.press(audience, "Followers of Iskander Yerimbetov (3)")
    _preview, confirm = await replies_after(coordinator, 2)
    await coordinator.press(confirm, "Ask recipients to act…")
    (choice,) = await replies_after(coordinator, 1)
    label = "Iskander Yerimbetov: Write to the President of Kazakhstan about Iskander Yerimbetov"
    assert choice.button_texts == [[label], ["No action"]]
    await coordinator.press(choice, label)
    preview, confirm = await replies_after(coordinator, 2)
    assert preview.button_texts == [["Take action"]]
    await coordinator.press(confirm, "Send to 3")
    await message_starting(bot.api, coordinator, "Appeal #1: report")
    # Recipients see "Take action" under the appeal, in their language; two of them act.
    for reader, take in zip(readers[:2], ("Действовать", "Әрекет ету"), strict=True):
        await bot.api.wait_until(lambda r=reader: len(r.chat.bot_messages) >= 2, timeout=10)
        appeal = reader.chat.bot_messages[-1]
        assert appeal.button_texts == [[take]]
        await reader.press(appeal, take)
        (card,) = await replies_after(reader, 1)
        did = card.buttons[-1][0]
        await reader.press(card, did["text"])
        await replies_after(reader, 1)
    listing = (await coordinator.ask("/appeals")).text
    assert "Acts reported through “Take action”: 2" in listing
    assert await bot.application.services.cases.actions.acts_through(1)


async def test_coverage_and_its_csv(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(607, Role.COORDINATOR, language_code="ru")
    reader = bot.user(608, "en")
    await reader.ask("/start")
    await bot.application.services.subscriptions.follow(608, "mukhtar-dzhakishev")
    listing = await reader.ask("/act")
    await reader.press(listing, listing.button_texts[0][0])
    (card,) = await replies_after(reader, 1)
    await reader.press(card, "I did it")
    await replies_after(reader, 1)
    coverage = await coordinator.ask("/coverage")
    assert coverage.text.startswith("Охват: сначала дела")
    names = [line for line in coverage.text.splitlines() if " · срочность: " in line]
    assert len(names) == 6
    # The followed and acted-on case has the most attention: it comes last; flags mark cases
    # with no open action and no update for 30 days (the seeds are from 2018).
    assert names[-1] == "Мухтар Джакишев · срочность: 1"
    assert sum(name.startswith("⚑ ") for name in names) == 4
    await coordinator.press(coverage, "То же в CSV")
    (document,) = await replies_after(coordinator, 1)
    assert document.document is not None
    data = coordinator.world.files[document.document["file_id"]].data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [row["case"] for row in rows][-1] == "mukhtar-dzhakishev"
    dzhakishev = rows[-1]
    assert dzhakishev["acts_7d_letter"] == "1" and dzhakishev["followers"] == "1"


async def test_declarationdoc_sends_the_declaration_as_pdf_and_docx(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(609, Role.COORDINATOR, language_code="kk")
    await coordinator.send("/declarationdoc 652")
    pdf_message, docx_message = await replies_after(coordinator, 2)
    files = coordinator.world.files
    assert pdf_message.document is not None and docx_message.document is not None
    pdf_text = words(" ".join(pdf_pages(files[pdf_message.document["file_id"]].data)))
    assert pdf_text.startswith("Doc. 14493 2018 ж. 25 қаңтар")
    assert "№ 652 жазбаша декларация" in pdf_text and "Total = 24" in pdf_text
    _header, body = docx_paragraphs(files[docx_message.document["file_id"]].data)
    assert body[3] == "№ 652 жазбаша декларация"
    reader = bot.user(610, "en")
    refused = await reader.ask("/declarationdoc 652")
    assert refused.text == "Sorry, this is not available to you."


async def test_the_name_to_sign_with_is_checked_and_may_be_skipped(bot: RunningBot) -> None:
    user = bot.user(611, "en")
    await user.ask("/start")
    listing = await user.ask("/act")
    await user.press(listing, listing.button_texts[0][0])
    (card,) = await replies_after(user, 1)
    await user.press(card, "The letter")
    (languages,) = await replies_after(user, 1)
    await user.press(languages, "English")
    _letter, offer = await replies_after(user, 2)
    await user.press(offer, "As a document (.docx and .pdf)")
    (question,) = await replies_after(user, 1)
    assert "neither stores nor logs them" in question.text
    too_long = await user.ask("N" * 121)
    assert too_long.text.startswith("That is too long to sign with: a name of at most 120")
    four_lines = await user.ask("Name\nTitle\nTown\nMore")
    assert four_lines.text.startswith("That is too long to sign with")
    await user.send("/skip")
    docx_message, pdf_message, _done = await replies_after(user, 3)
    files = user.world.files
    assert docx_message.document is not None and pdf_message.document is not None
    _header, body = docx_paragraphs(files[docx_message.document["file_id"]].data)
    assert body[-1] == "Yours sincerely,"  # no signature: signed by hand
    # The question is gone: plain text is a search again.
    assert (await user.ask("Atabek")).text.startswith("Aron Atabek")
