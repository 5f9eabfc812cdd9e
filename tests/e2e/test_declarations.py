"""Written declarations end to end: a coordinator invites a member of parliament, the member
binds their account by the deep link and co-signs in their language; refusals; concurrent
presses; progress, quorum and the signatory block."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent

from bot.application import serving
from bot.config import Settings
from bot.domain.clock import SettableClock
from bot.domain.declarations import Declaration, RuleSettings, Status
from bot.domain.members import Member
from bot.domain.roles import Role
from sandbox.local_api import LocalBotApi, SimMessage, SimUser
from tests.e2e.conftest import RunningBot
from tests.e2e.processes import traces
from tests.e2e.test_privacy import ERASED_ID
from tests.test_declarations import seed_block

TEXT = "We call for the release of every political prisoner in Kazakhstan."


async def member_named(bot: RunningBot, surname: str) -> Member:
    """A member of the shipped roster (the signatories of No. 652)."""
    (member,) = await bot.application.services.members.search(surname)
    return member


async def open_declaration(
    bot: RunningBot, number: int = 700, rules: RuleSettings | None = None, tabler: str = "Sutter"
) -> Declaration:
    """A declaration open for signatures for a week, tabled by ``tabler``."""
    services = bot.application.services
    declaration = Declaration(
        number=number,
        assembly="PACE",
        title={"en": "Free the political prisoners", "ru": "Свободу политзаключённым"},
        text={"en": TEXT, "ru": "Мы призываем освободить всех политзаключённых Казахстана."},
        authoritative="en",
        tabler_id=(await member_named(bot, tabler)).id,
        rules=rules or RuleSettings(),
    )
    assert await services.declarations.create(declaration)
    closes = datetime.now(UTC) + timedelta(days=7)
    await services.declarations.set_status(number, Status.OPEN, closes)
    stored = await services.declarations.get(number)
    assert stored is not None
    return stored


async def invitation_payload(coordinator: SimUser, member: Member) -> str:
    reply = await coordinator.ask(f"/invite {member.id}")
    match = re.search(r"https://t\.me/qorgau_test_bot\?start=(m_[A-Za-z0-9_-]+)", reply.text)
    assert match is not None, reply.text
    assert len(match[1]) <= 64
    return match[1]


async def bound_member(
    bot: RunningBot, coordinator: SimUser, user_id: int, surname: str, language: str = "en"
) -> tuple[SimUser, list[SimMessage]]:
    """A Telegram user bound to the member ``surname`` by an invitation; the bot's replies."""
    payload = await invitation_payload(coordinator, await member_named(bot, surname))
    mp = bot.user(user_id, language)
    await mp.send(f"/start {payload}")
    return mp, await mp.wait_for_replies(2)


async def test_invite_bind_sign_and_receipt_in_english(bot: RunningBot) -> None:
    await open_declaration(bot)
    coordinator = await bot.user_with_role(3001, Role.COORDINATOR)
    mp, (welcome, offer) = await bound_member(bot, coordinator, 3101, "Thiéry")
    assert welcome.text.startswith("Welcome. This account is now registered for ")
    assert "THIÉRY Damien, Belgium, ALDE" in welcome.text
    assert offer.button_texts == [["No. 700: Free the political prisoners"]]
    menu = [c["command"] for c in bot.api.commands(scope={"type": "chat", "chat_id": mp.id})]
    assert "sign" in menu and "progress" in menu and "invite" not in menu
    await mp.press(offer, callback_data="sign:pick:700")
    (text,) = await mp.wait_for_replies(1)
    assert TEXT in text.text and text.button_texts == [["Continue"]]
    await mp.press(text, "Continue")
    (confirm,) = await mp.wait_for_replies(1)
    assert "THIÉRY Damien, Belgium, ALDE" in confirm.text
    assert "cannot be withdrawn" in confirm.text
    # A double tap: two presses reach the bot before it removes the button.
    await mp.press(confirm, "Sign declaration No. 700")
    second = await mp.press(confirm, "Sign declaration No. 700")
    receipt = await mp.wait_for_edit(confirm)  # the message that asked becomes the receipt
    assert receipt.buttons == []
    assert receipt.text.startswith("✅ You signed written declaration No. 700.")
    assert "Signature No. 1. Recorded: " in receipt.text
    assert hashlib.sha256(TEXT.encode()).hexdigest() in receipt.text
    answer = await second.wait_answer()
    assert answer.text == "You have already signed declaration No. 700: signature No. 1."
    assert len(await bot.application.services.declarations.signers(700)) == 1
    assert (await mp.ask("/sign")).text == "No declaration is open for your signature right now."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            {
                "welcome": "Добро пожаловать. Этот аккаунт теперь закреплён за депутатом ",
                "pick": "№ 700: Свободу политзаключённым",
                "text": "Мы призываем освободить всех политзаключённых Казахстана.",
                "original": "Подлинный текст (английский)",
                "continue": "Продолжить",
                "warning": "Подпись нельзя отозвать",
                "sign": "Подписать декларацию № 700",
                "receipt": "✅ Вы подписали письменную декларацию № 700.",
                "number": "Подпись № 1. Время записи: ",
            },
        ),
        (
            "kk",
            {
                "welcome": "Қош келдіңіз. Бұл аккаунт енді депутатқа тіркелді: ",
                "pick": "№ 700: Free the political prisoners",
                "text": TEXT,
                "original": None,
                "continue": "Жалғастыру",
                "warning": "Қолтаңбаны кері қайтарып алу мүмкін емес",
                "sign": "№ 700 декларацияға қол қою",
                "receipt": "✅ Сіз № 700 жазбаша декларацияға қол қойдыңыз.",
                "number": "№ 1 қолтаңба. Тіркелген уақыты: ",
            },
        ),
    ],
)
async def test_signing_in_russian_and_kazakh(
    bot: RunningBot, language: str, expected: dict[str, str | None]
) -> None:
    await open_declaration(bot)
    coordinator = await bot.user_with_role(3002, Role.COORDINATOR, language)
    mp, (welcome, offer) = await bound_member(bot, coordinator, 3102, "Ven", language)
    assert welcome.text.startswith(str(expected["welcome"]))
    assert "VEN Mart, van de, Netherlands, ALDE" in welcome.text
    assert offer.button_texts == [[expected["pick"]]]
    await mp.press(offer, callback_data="sign:pick:700")
    (text,) = await mp.wait_for_replies(1)
    assert str(expected["text"]) in text.text
    if expected["original"] is not None:  # a translation: the authoritative text on a tap
        assert "Это перевод; подлинный текст — на английском." in text.text
        await mp.press(text, str(expected["original"]))
        (original,) = await mp.wait_for_replies(1)
        assert TEXT in original.text
    else:  # no Kazakh text: the authoritative one, with no extra button
        assert text.button_texts == [[expected["continue"]]]
    await mp.press(text, str(expected["continue"]))
    (confirm,) = await mp.wait_for_replies(1)
    assert "VEN Mart, van de, Netherlands, ALDE" in confirm.text
    assert str(expected["warning"]) in confirm.text
    await mp.press(confirm, str(expected["sign"]))
    receipt = await mp.wait_for_edit(confirm)
    assert receipt.text.startswith(str(expected["receipt"]))
    assert str(expected["number"]) in receipt.text
    year = str(datetime.now(UTC).year)
    assert year in receipt.text  # the time, in CLDR's format for the locale


async def reach_confirmation(mp: SimUser, offer: SimMessage, go_on: str = "Continue") -> SimMessage:
    """Pick declaration No. 700 from ``offer``, read it, press ``go_on``: the message with
    "Sign"."""
    await mp.press(offer, callback_data="sign:pick:700")
    (text,) = await mp.wait_for_replies(1)
    await mp.press(text, go_on)
    (confirm,) = await mp.wait_for_replies(1)
    return confirm


async def test_cancel_and_a_message_that_cannot_be_edited(bot: RunningBot) -> None:
    services = bot.application.services
    await open_declaration(bot)
    coordinator = await bot.user_with_role(3010, Role.COORDINATOR)
    mp, (_, offer) = await bound_member(bot, coordinator, 3110, "Thiéry")
    confirm = await reach_confirmation(mp, offer)
    await mp.press(confirm, "Cancel")
    assert (await mp.wait_for_edit(confirm)).text == "Nothing was signed."
    assert confirm.buttons == []
    assert await services.declarations.signers(700) == []
    # The member deleted the message before the press reached the bot: the receipt comes anew.
    await mp.ask("/sign")
    confirm = await reach_confirmation(mp, mp.chat.bot_messages[-1])
    del mp.chat.history[confirm.message_id]
    await mp.press(confirm, "Sign declaration No. 700")
    (receipt,) = await mp.wait_for_replies(1)
    assert receipt.text.startswith("✅ You signed written declaration No. 700.")
    assert [member.surname for member in await services.declarations.signers(700)] == ["Thiéry"]


async def test_invitation_links_that_do_not_bind(bot: RunningBot) -> None:
    services = bot.application.services
    coordinator = await bot.user_with_role(3003, Role.COORDINATOR)
    aeg = await member_named(bot, "Aeg")
    payload = await invitation_payload(coordinator, aeg)
    first = bot.user(3103, "en")
    await first.send(f"/start {payload}")
    await first.wait_for_replies(2)
    replay = bot.user(3104, "ru")
    assert (await replay.ask(f"/start {payload}")).text.startswith(
        "Эта ссылка-приглашение уже использована."
    )
    wrong = bot.user(3105, "kk")
    assert (await wrong.ask("/start m_" + "A" * 43)).text == (
        "Бұл шақыру сілтемесі жарамсыз. Үйлестірушіден жаңасын сұраңыз."
    )
    expired = await services.members.invite((await member_named(bot, "Amon")).id, ttl=-1)
    assert (await wrong.ask(f"/start {expired.payload}")).text.startswith(
        "Бұл шақыру сілтемесінің мерзімі өтіп кеткен."
    )
    other = await services.members.invite((await member_named(bot, "Amon")).id)
    assert (await first.ask(f"/start {other.payload}")).text.startswith(
        "This Telegram account is already registered for another member of parliament."
    )
    garbage = await first.ask("/start m_not!valid")
    assert garbage.text == "This link is not valid or has expired."
    assert await services.members.user_of(aeg.id) == first.id
    assert await services.members.member_of(replay.id) is None


async def test_refusals_while_signing(bot: RunningBot) -> None:
    services = bot.application.services
    await open_declaration(bot)
    coordinator = await bot.user_with_role(3004, Role.COORDINATOR)
    reader = await bot.user_with_role(3106, Role.SUBSCRIBER, "ru")
    assert (await reader.ask("/sign")).text.startswith(
        "Подписывать декларации здесь могут только депутаты."
    )
    mp, (_, offer) = await bound_member(bot, coordinator, 3107, "Corsini")
    group = bot.api.group(-1003107)
    in_group = await mp.ask("/sign@qorgau_test_bot", chat=group)
    assert in_group.text == "Please use this command in a private chat with me: @qorgau_test_bot"
    offer.reply_markup["inline_keyboard"][0][0]["callback_data"] = "sign:pick:652"
    closed = await (await mp.press(offer, callback_data="sign:pick:652")).wait_answer()
    assert closed.text == "This declaration is not open for signatures now. Nothing was signed."
    offer.reply_markup["inline_keyboard"][0][0]["callback_data"] = "sign:pick:700"
    genuine = await (await mp.press(offer, callback_data="sign:pick:700")).wait_answer()
    assert genuine.text is None
    (text,) = await mp.wait_for_replies(1)
    await mp.press(text, "Continue")
    (confirm,) = await mp.wait_for_replies(1)
    # Forged data: another declaration, then a wrong digest of the text.
    for data in ("sign:confirm:652:0123456789abcdef", "sign:confirm:700:0123456789abcdef"):
        confirm.reply_markup["inline_keyboard"][0][0]["callback_data"] = data
        answer = await (await mp.press(confirm, callback_data=data)).wait_answer()
        if data.startswith("sign:confirm:652"):
            assert answer.show_alert and answer.text.startswith("This button is no longer valid")
        else:
            changed = await mp.wait_for_edit(confirm)
            assert changed.text.startswith("The text of this declaration has changed")
    assert await services.declarations.signers(700) == []
    # Outside the window: the declaration closes while the member reads it.
    assert (await mp.ask("/sign")).text == "Which declaration do you want to read and sign?"
    offer = mp.chat.bot_messages[-1]
    confirm = await reach_confirmation(mp, offer)
    assert (await coordinator.ask("/closedeclaration 700")).text.startswith(
        "Declaration No. 700 is closed"
    )
    await mp.press(confirm, "Sign declaration No. 700")
    refused = await mp.wait_for_edit(confirm)
    assert refused.text == "This declaration is not open for signatures now. Nothing was signed."
    assert await services.declarations.signers(700) == []
    assert (await mp.ask("/sign")).text == "No declaration is open for your signature right now."


async def test_many_members_pressing_at_once_sign_once_each(bot: RunningBot) -> None:
    await open_declaration(bot)
    services = bot.application.services
    coordinator = await bot.user_with_role(3005, Role.COORDINATOR)
    surnames = ["Aeg", "Amon", "Bruyn", "Cepeda", "Creasy", "Jones", "Karlsson", "Mendes"]
    confirms = []
    for index, surname in enumerate(surnames):
        mp, (_, offer) = await bound_member(bot, coordinator, 3200 + index, surname)
        confirm = await reach_confirmation(mp, offer)
        confirms.append((mp, confirm))
    presses = [
        await mp.press(confirm, "Sign declaration No. 700")
        for _ in range(4)
        for mp, confirm in confirms
    ]
    answers = await asyncio.gather(*(press.wait_answer() for press in presses))
    already = [a for a in answers if a.text and a.text.startswith("You have already signed")]
    assert len(already) == 3 * len(surnames)
    signers = await services.declarations.signers(700)
    assert sorted(m.surname for m in signers) == sorted(surnames)
    for mp, _ in confirms:
        receipts = [m for m in mp.chat.bot_messages if m.text.startswith("✅ You signed")]
        assert len(receipts) == 1
    count, broken = await services.audit.verify()
    assert broken is None and count > len(surnames)


async def test_progress_quorum_notice_and_the_signatory_block(bot: RunningBot) -> None:
    rules = RuleSettings(min_signatures=2, min_delegations=2, min_groups=2)
    await open_declaration(bot, rules=rules, tabler="Schwabe")
    coordinator = await bot.user_with_role(3006, Role.COORDINATOR, "ru")
    tabler, _ = await bound_member(bot, coordinator, 3301, "Schwabe", "kk")
    progress = await coordinator.ask("/progress 700")
    assert "Подписей: 0 (нужно не меньше 2)" in progress.text
    assert progress.text.endswith(
        "Ещё не хватает:\n• ещё 2 подписи\n• ещё 2 национальные делегации\n"
        "• ещё 2 политические группы"
    )
    signers = [tabler, (await bound_member(bot, coordinator, 3302, "Omtzigt", "en"))[0]]
    for mp in signers:
        await mp.ask("/sign")
        await mp.press(mp.chat.bot_messages[-1], callback_data="sign:pick:700")
        (text,) = await mp.wait_for_replies(1)
        await mp.press(text, text.button_texts[-1][0])
        (confirm,) = await mp.wait_for_replies(1)
        await mp.press(confirm, callback_data=confirm.buttons[0][0]["callback_data"])
        await mp.wait_for_edit(confirm)
    notice = "Письменная декларация № 700 набрала кворум"
    await bot.api.wait_until(
        lambda: any(m.text.startswith(notice) for m in coordinator.chat.bot_messages), timeout=5
    )
    await bot.api.wait_until(
        lambda: any(
            m.text.startswith("№ 700 жазбаша декларация кворумға жетті")
            for m in tabler.chat.bot_messages
        ),
        timeout=5,
    )
    progress = await coordinator.ask("/progress 700")
    assert "✅ Кворум набран." in progress.text
    # The shipped declaration's block, as a message and as files.
    english = await bot.user_with_role(3007, Role.COORDINATOR)
    await english.send("/signatories 652")
    message, text_file, csv_file = await english.wait_for_replies(3)
    assert message.text == seed_block()
    assert text_file.document is not None and csv_file.document is not None
    files = english.world.files
    assert files[text_file.document["file_id"]].data.decode("utf-8") == seed_block() + "\n"
    csv_rows = files[csv_file.document["file_id"]].data.decode("utf-8").splitlines()
    assert csv_rows[1] == "1,SUTTER,Petra,De,Belgium,SOC" and len(csv_rows) == 25
    assert (await english.ask("/verifyaudit")).text.startswith("The audit log is intact: ")


async def test_coordinators_write_open_and_unbind(bot: RunningBot) -> None:
    services = bot.application.services
    coordinator = await bot.user_with_role(3008, Role.COORDINATOR)
    sutter = await member_named(bot, "Sutter")
    listing = await coordinator.ask("/members sutter")
    assert f"\n{sutter.id}. SUTTER Petra, De, Belgium, SOC\n" in listing.text
    assert "VEN Mart, van de" in (await coordinator.ask("/members van de")).text
    extra = [Member(f"Zed{i}", "Z", "", "Malta", "SOC", "PACE") for i in range(10)]
    await services.members.import_roster(extra)
    everyone = await coordinator.ask("/members")  # 34 members, 30 shown
    assert "\n…and 4 more: add part of a name, e.g. /members van.\n" in everyone.text
    too_long = await coordinator.ask(f"/newdeclaration 701 {sutter.id}\nTitle\n" + "word " * 201)
    assert too_long.text == (
        "This text has 201 words; the rules allow 200. Shorten it and send the command again."
    )
    usage = await coordinator.ask("/newdeclaration 701")
    assert usage.text.startswith("Write the command, the declaration's number")
    created = await coordinator.ask(f"/newdeclaration 701 {sutter.id}\nA title\n{TEXT}")
    assert created.text.startswith("Declaration No. 701 is saved as a draft.")
    for bad in ("2001-01-01", "9999-12-31", "31.12.2099", ""):
        assert (await coordinator.ask(f"/opendeclaration 701 {bad}")).text.startswith(
            "Send the last day of signing, in the future"
        )
    assert (await coordinator.ask("/progress ²")).text == (
        "Send the declaration's number, e.g. /progress 652."
    )
    assert (await coordinator.ask("/invite ²")).text.startswith("Send the member's number")
    opened = await coordinator.ask("/opendeclaration 701 2099-12-31")
    # The last day as the coordinator typed it, in their zone (the bot's: it is named).
    assert opened.text == (
        "Declaration No. 701 is open for signatures.\n"
        "Last day to sign: December 31, 2099 (Asia/Almaty)"
    )
    assert (await coordinator.ask("/opendeclaration 652 2099-12-31")).text == (
        "Declaration No. 652 is closed for good."
    )
    mp, (_, offer) = await bound_member(bot, coordinator, 3401, "Sutter")
    assert offer.button_texts == [["No. 701: A title"]]
    assert (await coordinator.ask(f"/unbind {sutter.id}")).text == (
        "SUTTER Petra, De, Belgium, SOC is no longer registered to a Telegram account."
    )
    assert await services.members.member_of(mp.id) is None
    assert (await mp.ask("/sign")).text.startswith("Only members of parliament can sign")
    reader = await bot.user_with_role(3402, Role.SUBSCRIBER)
    assert (await reader.ask(f"/invite {sutter.id}")).text == "Sorry, this is not available to you."


async def test_forget_erases_the_binding_and_keeps_the_signature(bot: RunningBot) -> None:
    services = bot.application.services
    await open_declaration(bot)
    coordinator = await bot.user_with_role(3009, Role.COORDINATOR)
    mp, (_, offer) = await bound_member(bot, coordinator, ERASED_ID, "Sharma", "ru")
    confirm = await reach_confirmation(mp, offer, "Продолжить")
    await mp.press(confirm, "Подписать декларацию № 700")
    await mp.wait_for_edit(confirm)
    assert traces(bot.settings.database, ERASED_ID)
    privacy = await mp.ask("/privacy")
    assert "закреплён за депутатом SHARMA Virendra, United Kingdom, SOC" in privacy.text
    question = await mp.ask("/forget")
    assert "Ваша регистрация как депутата тоже будет удалена." in question.text
    await (await mp.press(question, callback_data="forget:yes")).wait_answer()
    await mp.wait_for_edit(question)
    await bot.settled()
    assert traces(bot.settings.database, ERASED_ID) == []
    assert [m.surname for m in await services.declarations.signers(700)] == ["Sharma"]
    assert (await services.audit.verify())[1] is None


async def run_job_now(bot: RunningBot, name: str) -> None:
    """Have the scheduler run the repeating job ``name`` now, and wait until it ran."""
    job_queue = bot.application.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name(name)
    ran = asyncio.Event()

    def executed(event: JobExecutionEvent) -> None:
        if event.job_id == job.job.id:
            ran.set()

    job_queue.scheduler.add_listener(executed, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        job.job.modify(next_run_time=datetime.now(UTC))
        await asyncio.wait_for(ran.wait(), timeout=5)
    finally:
        job_queue.scheduler.remove_listener(executed)


async def test_unsigned_members_are_reminded_before_the_window_closes(bot: RunningBot) -> None:
    services = bot.application.services
    await open_declaration(bot)
    coordinator = await bot.user_with_role(3010, Role.COORDINATOR)
    signer, (_, offer) = await bound_member(bot, coordinator, 3501, "Karlsson", "en")
    confirm = await reach_confirmation(signer, offer)
    await signer.press(confirm, "Sign declaration No. 700")
    await signer.wait_for_edit(confirm)
    late, _ = await bound_member(bot, coordinator, 3502, "Ohlsson", "kk")
    # Two days before the window closes: the three-day reminder is due, the one-day one not.
    await services.declarations.set_status(700, Status.OPEN, datetime.now(UTC) + timedelta(days=2))
    for _run in range(2):  # the reminder is queued once however often the job runs
        await run_job_now(bot, "declaration reminders")
    await bot.api.wait_until(lambda: any("⏳" in m.text for m in late.chat.bot_messages))
    reminder = next(m for m in late.chat.bot_messages if "⏳" in m.text)
    assert reminder.text.startswith("⏳ № 700 «Free the political prisoners» жазбаша")
    assert await services.declaration_reminders.sent(700) == {3}
    queued = await services.db.fetchall(
        "SELECT count(*) FROM broadcasts WHERE kind = 'declaration_reminder'"
    )
    assert queued[0][0] == 1
    assert not any("⏳" in m.text for m in signer.chat.bot_messages)
    # Reminders are not appeals: /appeals does not list them.
    assert (await coordinator.ask("/appeals")).text.endswith(
        "No appeals yet. Write one with /appeal."
    )


async def test_the_signing_conversation_survives_a_restart(
    api: LocalBotApi, settings: Settings
) -> None:
    async with serving(settings) as application:
        bot = RunningBot(api=api, application=application, settings=settings)
        await open_declaration(bot)
        coordinator = await bot.user_with_role(3011, Role.COORDINATOR)
        mp, (_, offer) = await bound_member(bot, coordinator, 3601, "Schennach", "ru")
        await mp.press(offer, callback_data="sign:pick:700")
        (text,) = await mp.wait_for_replies(1)
    async with serving(settings) as application:
        await mp.press(text, "Продолжить")
        (confirm,) = await mp.wait_for_replies(1)
        await mp.press(confirm, "Подписать декларацию № 700")
        receipt = await mp.wait_for_edit(confirm)
        assert receipt.text.startswith("✅ Вы подписали письменную декларацию № 700.")
        signers = await application.services.declarations.signers(700)
        assert [member.surname for member in signers] == ["Schennach"]


async def test_coordinators_correct_members_and_add_translations(bot: RunningBot) -> None:
    services = bot.application.services
    coordinator = await bot.user_with_role(3012, Role.COORDINATOR, "ru")
    aeg = await member_named(bot, "Aeg")
    assert (await coordinator.ask(f"/editmember {aeg.id} seat substitute")).text == (
        "Обновлено: AEG Raivo, Estonia, EPP/CD"
    )
    assert (await services.members.get(aeg.id)) == Member(
        "Aeg", "Raivo", "", "Estonia", "EPP/CD", "PACE", "substitute", id=aeg.id
    )
    refused = {
        f"/editmember {aeg.id} seat senator": "Мандат (seat) — это representative",
        f"/editmember {aeg.id} country": "Это поле не может быть пустым.",
        f"/editmember {aeg.id} political_group XYZ": "Политической группы XYZ нет. Есть группы: ",
        f"/editmember {aeg.id} surname Amon": None,  # Werner Amon is from Austria
        f"/editmember {aeg.id} given_name Werner": None,
        f"/editmember {aeg.id} country Austria": "В списке уже есть другой депутат",
        "/editmember 99999 country Austria": "Депутата под номером 99999 нет.",
        "/editmember nobody": "Укажите номер депутата, поле и его новое значение",
        f"/editmember {aeg.id} political_group <b>": "Политической группы <b> нет.",
        f"/editmember {aeg.id} particle <&>": "Обновлено: AMON Werner, <&>, Estonia, EPP/CD",
    }
    for command, expected in refused.items():
        reply = await coordinator.ask(command)
        if expected is not None:
            assert reply.text.startswith(expected), (command, reply.text)
    await open_declaration(bot, number=702)
    assert (await coordinator.ask("/translatedeclaration 702 kk\nАтауы\nМәтіні.")).text == (
        "Теперь у декларации № 702 есть текст на казахском."
    )
    declaration = await services.declarations.get(702)
    assert declaration is not None and declaration.text["kk"] == "Мәтіні."
    assert (await coordinator.ask("/translatedeclaration 702 en\nT\nNew.")).text == (
        "Подлинный текст можно изменить, только пока декларация остаётся черновиком."
    )
    assert (await coordinator.ask("/translatedeclaration 652 kk\nT\nX")).text == (
        "Декларация № 652 закрыта окончательно."
    )
    assert (await coordinator.ask("/translatedeclaration 702 de\nT\nX")).text.startswith(
        "Напишите в первой строке команду, номер декларации и язык"
    )
    actions = [entry.action for entry in await services.audit.entries()]
    assert "member_updated" in actions and "declaration_text" in actions
    # Aeg, now "AMON Werner, <&>", signed No. 652 as AEG Raivo: its block stays the seed's.
    await coordinator.send("/signatories 652")
    message, text_file, _csv = await coordinator.wait_for_replies(3)
    assert message.text == seed_block()
    assert text_file.document is not None
    stored = coordinator.world.files[text_file.document["file_id"]].data.decode("utf-8")
    assert stored == seed_block() + "\n"


async def test_a_member_of_another_assembly_is_not_offered_the_declaration(
    bot: RunningBot,
) -> None:
    services = bot.application.services
    await open_declaration(bot)
    await services.members.import_roster(
        [Member("Elsewhere", "Ann", "", "Malta", "SOC", "OSCE PA")]
    )
    coordinator = await bot.user_with_role(3013, Role.COORDINATOR)
    payload = await invitation_payload(coordinator, await member_named(bot, "Elsewhere"))
    outsider = bot.user(3701, "en")
    await outsider.send(f"/start {payload}")
    _, offer = await outsider.wait_for_replies(2)
    assert offer.text == "No declaration is open for your signature right now."


async def test_coordinators_import_a_roster_file_all_or_nothing(bot: RunningBot) -> None:
    services = bot.application.services
    coordinator = await bot.user_with_role(3014, Role.COORDINATOR, "kk")
    header = "surname,given_name,particle,country,political_group,assembly,seat\n"
    good = "Nurlan,Aidos,,Kazakhstan,SOC,PACE,substitute\n"
    bad = "Smith,,,Malta,SOC,PACE,representative\n"
    await coordinator.send_document(
        (header + good + bad).encode(), file_name="roster.csv", caption="/importmembers"
    )
    (refused,) = await coordinator.wait_for_replies(1)
    assert refused.text == (
        "Ештеңе импортталған жоқ: roster.csv файлының 3-жолында қате бар:\n"
        "given_name: Міндетті өріс.\n\nФайлды түзетіп, қайта жіберіңіз."
    )
    assert await services.members.search("Nurlan") == []
    await coordinator.send_document(
        (header + good).encode(), file_name="roster.csv", caption="/importmembers"
    )
    (done,) = await coordinator.wait_for_replies(1)
    assert done.text == "Тізім импортталды. Жаңа депутаттар: 1; жаңартылғаны: 0."
    (nurlan,) = await services.members.search("Nurlan")
    assert nurlan.seat == "substitute"
    await coordinator.send_document(b"\xff\xfe", file_name="roster.yaml", caption="/importmembers")
    (garbled,) = await coordinator.wait_for_replies(1)
    assert "Файл UTF-8 кодтауында емес: оны UTF-8 түрінде сақтаңыз." in garbled.text
    explained = await coordinator.ask("/importmembers")
    assert explained.text.startswith("Тізімді .csv немесе .yaml файлы ретінде")
    reader = await bot.user_with_role(3015, Role.SUBSCRIBER)
    await reader.send_document(
        (header + good).encode(), file_name="roster.csv", caption="/importmembers"
    )
    (denied,) = await reader.wait_for_replies(1)
    assert denied.text == "Sorry, this is not available to you."


async def test_a_long_declaration_is_sent_in_several_messages(bot: RunningBot) -> None:
    services = bot.application.services
    paragraph = " ".join(["solidarity"] * 150)
    long_text = "\n\n".join([paragraph] * 6)  # 900 words, under its own rules
    declaration = Declaration(
        number=703,
        assembly="PACE",
        title={"en": "A long one"},
        text={"en": long_text},
        authoritative="en",
        tabler_id=(await member_named(bot, "Sutter")).id,
        rules=RuleSettings(max_words=1000),
    )
    assert await services.declarations.create(declaration)
    await services.declarations.set_status(703, Status.OPEN, datetime.now(UTC) + timedelta(days=1))
    coordinator = await bot.user_with_role(3016, Role.COORDINATOR)
    mp, (_, offer) = await bound_member(bot, coordinator, 3801, "Creasy")
    await mp.press(offer, callback_data="sign:pick:703")
    parts = await mp.wait_for_replies(2)
    await bot.api.wait_until(lambda: mp.chat.bot_messages[-1].button_texts == [["Continue"]])
    shown = [m for m in mp.chat.bot_messages if "solidarity" in m.text]
    assert len(shown) >= 2 and all(len(m.text) <= 4096 for m in shown)
    assert sum(m.text.count("solidarity") for m in shown) == 900
    assert parts[0].text.startswith("Written declaration No. 703")


async def test_signing_and_its_window_go_by_the_bots_clock(
    api: LocalBotApi, settings: Settings
) -> None:
    """The window, the offer and the receipt read the clock reminders read, not the system's."""
    later = datetime.now(UTC) + timedelta(days=400)
    clock = SettableClock(later)
    async with serving(settings, clock=clock) as application:
        bot = RunningBot(api=api, application=application, settings=settings)
        await open_declaration(bot)  # open for a week of the system's time: past by the clock
        coordinator = await bot.user_with_role(3701, Role.COORDINATOR)
        _mp, (_, offer) = await bound_member(bot, coordinator, 3702, "Sutter")
        assert offer.text == "No declaration is open for your signature right now."
        system_next_month = (datetime.now(UTC) + timedelta(days=30)).date()
        refused = await coordinator.ask(f"/opendeclaration 700 {system_next_month}")
        assert refused.text.startswith("Send the last day of signing, in the future")
        opened = await coordinator.ask(f"/opendeclaration 700 {(later + timedelta(3)).date()}")
        assert opened.text.startswith(
            "Declaration No. 700 is open for signatures.\nLast day to sign: "
        )
        stored = await application.services.declarations.get(700)
        assert stored is not None and stored.opens_at == later
        mp = bot.user(3702)
        offer = await mp.ask("/sign")
        confirm = await reach_confirmation(mp, offer)
        await mp.press(confirm, "Sign declaration No. 700")
        receipt = await mp.wait_for_edit(confirm)
        assert receipt.text.startswith("✅ You signed written declaration No. 700.")
        assert str(later.astimezone(settings.timezone).year) in receipt.text
        signature = await application.services.declarations.signature(700, stored.tabler_id)
        assert signature is not None and signature.signed_at == later


async def test_roles_follow_the_binding_and_the_grant(bot: RunningBot) -> None:
    """A binding that moves takes the member role with it; a revoked coordinator who is bound
    to a member of parliament is a member again, not a reader."""
    users = bot.application.services.users
    coordinator = await bot.user_with_role(3801, Role.COORDINATOR)
    admin = await bot.user_with_role(0, Role.ADMIN)
    old_phone, _ = await bound_member(bot, coordinator, 3802, "Sutter")
    assert (await users.get(old_phone.id)).role is Role.MEMBER  # type: ignore[union-attr]
    new_phone, _ = await bound_member(bot, coordinator, 3803, "Sutter")
    assert (await users.get(new_phone.id)).role is Role.MEMBER  # type: ignore[union-attr]
    assert (await users.get(old_phone.id)).role is Role.SUBSCRIBER  # type: ignore[union-attr]
    menu = [c["command"] for c in bot.api.commands(scope={"type": "chat", "chat_id": 3802})]
    assert "progress" not in menu
    assert (await old_phone.ask("/progress 652")).text == "Sorry, this is not available to you."
    assert (await admin.ask("/grant 3803")).text == "User 3803 is now a coordinator."
    assert (await admin.ask("/revoke 3803")).text == "User 3803 is no longer a coordinator."
    assert (await users.get(new_phone.id)).role is Role.MEMBER  # type: ignore[union-attr]
    menu = [c["command"] for c in bot.api.commands(scope={"type": "chat", "chat_id": 3803})]
    assert "sign" in menu and "appeal" not in menu
    assert (await new_phone.ask("/progress 652")).text.startswith("Written declaration No. 652")
