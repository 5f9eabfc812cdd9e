"""The console's API against the real bot: deny by default on every route, the bot's own
policies, cases created and edited as import checks them, another's change never
overwritten, every write audited, and text from the form escaped everywhere."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.domain.roles import STAFF, Role
from bot.domain.web_app import sign_init_data, user_fields
from bot.web.console.auth import API, ROLES_KEY
from bot.web.server import WebServer
from handlers.access import policy_of
from handlers.broadcasts import broadcast_action
from handlers.coverage import send_coverage_csv, show_coverage
from handlers.declarations import (
    close_declaration,
    declaration_document_command,
    open_declaration,
    progress,
)
from handlers.roles import grant, revoke
from tests.documents import docx_paragraphs, pdf_pages, words
from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.e2e.console import call, init_data

COORDINATOR = 6_100_001
SUBSCRIBER = 6_100_002
MEMBER = 6_100_003


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def api_routes(bot: RunningBot) -> list[tuple[str, str, frozenset[Role]]]:
    """Every route of the console's API, from the router itself, with a concrete path."""
    assert bot.application.web_url is not None
    app = WebServer(bot.application).app
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        template = info.get("formatter") or info.get("path") or ""
        if not template.startswith(API) or route.method == "HEAD":
            continue
        roles = getattr(route.handler, ROLES_KEY, None)
        assert roles, f"{route.method} {template} declares no roles"
        path = re.sub(r"\{[^}]+\}", "1", template).removeprefix(API)
        found.append((route.method, path, roles))
    return found


def a_case(case_id: str = "aigerim-test", **changes: object) -> dict[str, object]:
    case: dict[str, object] = {
        "id": case_id,
        "name": {"en": "Aigerim Testova", "ru": "Айгерим Тестова", "kk": "Әйгерім Тестова"},
        "status": "detained",
        "urgency": 2,
        "brief": {"en": "Arrested.", "ru": "Арестована.", "kk": "Қамауға алынды."},
        "account": {"en": "An account.", "ru": "Рассказ.", "kk": "Баян."},
        "updated": "2026-11-30",
    }
    return case | changes


async def test_every_route_is_guarded_and_refuses_the_unsigned_the_forged_and_the_old(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(SUBSCRIBER, Role.SUBSCRIBER)
    routes = api_routes(bot)
    assert len(routes) >= 15
    good = init_data(bot, ADMIN_ID)
    forged = good[:-1] + ("0" if good[-1] != "0" else "1")  # one digit of the hash changed
    other_token = sign_init_data("654321:OTHER-BOT", user_fields(ADMIN_ID, "en", int(time.time())))
    expired = init_data(bot, ADMIN_ID, age=3601)
    for method, path, _roles in routes:
        for authorization in (
            None,
            "",
            "Bearer " + good,
            "tma",
            "tma " + forged,
            "tma " + other_token,
            "tma " + expired,
            "tma garbage",
        ):
            status, text = await call(http, bot, method, path, authorization=authorization)
            assert status == 401, (method, path, authorization, text)
            assert json.loads(text)["error"] == 401
        status, text = await call(http, bot, method, path, user_id=SUBSCRIBER, language="ru")
        assert status == 403, (method, path, text)
        assert json.loads(text)["message"] == "Извините, это вам недоступно."


async def test_a_member_reaches_only_the_declarations(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(MEMBER, Role.MEMBER)
    for method, path, roles in api_routes(bot):
        status, _text = await call(http, bot, method, path, user_id=MEMBER)
        if Role.MEMBER in roles:
            assert path == "/me" or path.startswith("/declarations"), path
            assert status != 403
        else:
            assert status == 403, (method, path)


def test_the_console_applies_the_bots_own_policies(bot: RunningBot) -> None:
    roles = {(method, path): allowed for method, path, allowed in api_routes(bot)}
    assert roles["POST", "/broadcasts/1/stop"] == policy_of(broadcast_action)
    assert roles["POST", "/broadcasts/1/resend"] == policy_of(broadcast_action)
    assert roles["POST", "/roles/grant"] == policy_of(grant) == {Role.ADMIN}
    assert roles["POST", "/roles/revoke"] == policy_of(revoke)
    assert roles["POST", "/declarations/1/open"] == policy_of(open_declaration)
    assert roles["POST", "/declarations/1/close"] == policy_of(close_declaration)
    assert roles["GET", "/declarations/1"] == policy_of(progress)
    assert roles["PUT", "/cases/1"] == roles["POST", "/cases"] == STAFF
    assert roles["GET", "/coverage"] == policy_of(show_coverage)
    assert roles["GET", "/coverage.csv"] == policy_of(send_coverage_csv)
    assert roles["GET", "/declarations/1/declaration.1"] == policy_of(declaration_document_command)


async def test_a_case_created_in_the_console_is_found_in_the_bot(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    missing = a_case(name={"en": "Aigerim Testova", "ru": "Айгерим Тестова"})
    status, page = await call(
        http, bot, "POST", "/cases", user_id=COORDINATOR, body={"case": missing, "version": None}
    )
    assert status == 422
    assert "Missing the text in: Kazakh." in page
    assert await bot.application.services.cases.get("aigerim-test") is None
    status, page = await call(
        http, bot, "POST", "/cases", user_id=COORDINATOR, body={"case": a_case(), "version": None}
    )
    assert status == 200, page
    assert "Saved." in page
    reply = await bot.user(6_100_010, "kk").ask("/case Тестова")
    assert reply.text.startswith("Әйгерім Тестова")
    (entry,) = await bot.application.services.audit.of_case("aigerim-test")
    assert entry.action == "case_created" and "name" in entry.data["fields"]
    assert await bot.application.services.audit.actor_user(entry.data["actor"]) == COORDINATOR


async def test_a_second_editor_is_told_and_nothing_is_overwritten(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    status, _page = await call(
        http, bot, "POST", "/cases", user_id=COORDINATOR, body={"case": a_case(), "version": None}
    )
    assert status == 200
    status, editor = await call(http, bot, "GET", "/cases/aigerim-test", user_id=COORDINATOR)
    version = re.search(r'data-version="([0-9a-f]+)"', editor)
    assert status == 200 and version is not None
    first = a_case(status="released")
    second = a_case(urgency=5, brief={"en": "Mine.", "ru": "Моё.", "kk": "Менікі."})
    status, _page = await call(
        http,
        bot,
        "PUT",
        "/cases/aigerim-test",
        user_id=ADMIN_ID,
        body={"case": first, "version": version[1]},
    )
    assert status == 200
    status, page = await call(
        http,
        bot,
        "PUT",
        "/cases/aigerim-test",
        user_id=COORDINATOR,
        body={"case": second, "version": version[1]},
    )
    assert status == 409
    assert "Someone else saved this case while you were editing it" in page
    assert "released" in page  # the other's change is shown
    stored = await bot.application.services.cases.get("aigerim-test")
    assert stored is not None and (stored.status, stored.urgency) == ("released", 2)
    newer = re.search(r'data-version="([0-9a-f]+)"', page)
    assert newer is not None and newer[1] != version[1]
    status, _page = await call(
        http,
        bot,
        "PUT",
        "/cases/aigerim-test",
        user_id=COORDINATOR,
        body={"case": second, "version": newer[1]},
    )
    assert status == 200  # saved knowingly, over what was shown
    entries = await bot.application.services.audit.of_case("aigerim-test")
    assert [e.action for e in entries] == ["case_edited", "case_edited", "case_created"]


async def test_html_and_script_are_text_in_the_console_and_in_telegram(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    evil = '<script>alert(1)</script><b onclick="x()">'
    case = a_case(
        name={"en": "Evil " + evil, "ru": "Злой " + evil, "kk": "Зұлым " + evil},
        brief={"en": evil, "ru": evil, "kk": evil},
    )
    status, page = await call(
        http, bot, "POST", "/cases/preview", user_id=COORDINATOR, body={"case": case}
    )
    assert status == 200
    assert "<script>" not in page and "&lt;script&gt;" in page
    status, page = await call(
        http, bot, "POST", "/cases", user_id=COORDINATOR, body={"case": case, "version": None}
    )
    assert status == 200 and "<script>" not in page and 'onclick="x()"' not in page
    reply = await bot.user(6_100_011).ask("/case Evil")
    assert reply.text.startswith("Evil <script>alert(1)</script>")  # shown as text


async def test_a_status_change_goes_to_the_followers_as_news(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    await call(
        http, bot, "POST", "/cases", user_id=COORDINATOR, body={"case": a_case(), "version": None}
    )
    follower = bot.user(6_100_012, "ru")
    card = await follower.ask("/case Тестова")
    # Following is done once the press is answered: the news must find the follower.
    await (await follower.press(card, "Следить")).wait_answer()
    _status, editor = await call(http, bot, "GET", "/cases/aigerim-test", user_id=COORDINATOR)
    version = re.search(r'data-version="([0-9a-f]+)"', editor)
    assert version is not None
    news = {"notify": True, "texts": {"ru": "Освобождена!", "en": "Released!", "kk": ""}}
    status, page = await call(
        http,
        bot,
        "PUT",
        "/cases/aigerim-test",
        user_id=COORDINATOR,
        body={
            "case": a_case(status="released"),
            "version": version[1],
            "original_status": "detained",
            "news": news,
        },
    )
    assert status == 200, page
    (message,) = await follower.wait_for_replies(1, timeout=20)
    assert "Освобождена!" in message.text
    stored = await bot.application.services.cases.get("aigerim-test")
    assert stored is not None and stored.status == "released"
    assert stored.timeline[-1].event == {"ru": "Освобождена!", "en": "Released!"}


async def test_oversized_and_malformed_bodies_are_refused(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    url = bot.application.web_url + API + "/cases"  # type: ignore[operator]
    headers = {
        "Authorization": "tma " + init_data(bot, COORDINATOR),
        "Content-Type": "application/json",
    }
    huge = io.BytesIO(json.dumps({"case": {"id": "x" * 2_000_000}}).encode())
    async with http.post(url, data=huge, headers=headers) as response:
        assert response.status == 413
    async with http.post(url, data=b"{not json", headers=headers) as response:
        assert response.status == 400
    async with http.post(url, data=b"[1]", headers=headers) as response:
        assert response.status == 400


async def test_roles_are_granted_and_revoked_with_an_audit_entry(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(0, Role.ADMIN)
    await bot.user_with_role(SUBSCRIBER, Role.SUBSCRIBER)
    status, page = await call(
        http, bot, "POST", "/roles/grant", user_id=ADMIN_ID, body={"user_id": "abc"}
    )
    assert status == 422 and "That is not a Telegram user id" in page
    status, page = await call(
        http, bot, "POST", "/roles/grant", user_id=ADMIN_ID, body={"user_id": str(SUBSCRIBER)}
    )
    assert status == 200 and f"User {SUBSCRIBER} is now a coordinator." in page
    record = await bot.application.services.users.get(SUBSCRIBER)
    assert record is not None and record.role is Role.COORDINATOR
    button = bot.api.menu_button(SUBSCRIBER)
    assert button is not None and button["type"] == "web_app"
    assert button["web_app"]["url"] == bot.settings.public_url + "/console/"
    status, page = await call(
        http, bot, "POST", "/roles/revoke", user_id=ADMIN_ID, body={"user_id": str(SUBSCRIBER)}
    )
    assert status == 200
    assert bot.api.menu_button(SUBSCRIBER) == {"type": "default"}
    entries = await bot.application.services.audit.entries()
    assert [e.action for e in entries[-2:]] == ["role_granted", "role_revoked"]
    assert str(SUBSCRIBER) not in json.dumps([e.data for e in entries])


async def test_the_console_command_opens_it_for_staff_only(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    reply = await coordinator.ask("/console")
    (row,) = reply.buttons
    assert row[0]["web_app"]["url"] == bot.settings.public_url + "/console/"
    refused = await bot.user(SUBSCRIBER).ask("/console")
    assert refused.text == "Sorry, this is not available to you."


async def test_the_page_itself_speaks_the_browsers_language_and_loads_only_its_own_files(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    url = bot.application.web_url + "/console/"  # type: ignore[operator]
    async with http.get(url, headers={"Accept-Language": "kk-KZ,kk;q=0.9,ru;q=0.8"}) as response:
        assert response.status == 200
        page = await response.text()
    assert "Бұл консольді Telegram-дағы боттан ашыңыз" in page
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == [
        "data:,",
        re.search(r'href="(/console/static/console\.css\?v=[^"]+)"', page)[1],  # type: ignore[index]
        re.search(r'src="(/console/static/console\.js\?v=[^"]+)"', page)[1],  # type: ignore[index]
    ]
    for asset in re.findall(r'"(/console/static/[^"]+)"', page):
        async with http.get(bot.application.web_url + asset) as response:  # type: ignore[operator]
            assert response.status == 200
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_coverage_ranks_as_the_bot_does_and_downloads_the_same_csv(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    coordinator = await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    reader_id = 7_365_913_399
    reader = bot.user(reader_id, "en")
    await reader.ask("/start")
    await bot.application.services.subscriptions.follow(reader_id, "mukhtar-dzhakishev")
    listing = await reader.ask("/act")
    await reader.press(listing, listing.button_texts[0][0])
    (card,) = (await reader.wait_for_replies(1))[-1:]
    await reader.press(card, "I did it")
    await reader.wait_for_replies(1)
    status, page = await call(http, bot, "GET", "/coverage", user_id=COORDINATOR, language="ru")
    assert status == 200, page
    names = re.findall(r"<td>(?:<span class=\"flag\"[^>]*>⚑</span> )?([^<]+)</td>", page)
    assert len(names) == 6 and names[-1] == "Мухтар Джакишев"  # the most attention: last
    assert page.count('class="flagged"') == 4  # the seeds' cases without an action, from 2018
    assert "письма 1" in page  # the act, by kind
    assert '<svg class="chart"' in page and "Все дела" in page
    assert str(reader_id) not in page
    status, text = await call(http, bot, "GET", "/coverage.csv", user_id=COORDINATOR)
    assert status == 200
    shown = await coordinator.ask("/coverage")
    await coordinator.press(shown, "The same as CSV")
    (document,) = (await coordinator.wait_for_replies(1))[-1:]
    assert document.document is not None
    sent = coordinator.world.files[document.document["file_id"]].data.decode("utf-8")
    assert text == sent  # the bot's own file, row for row
    rows = text.splitlines()
    assert rows[-1].startswith("mukhtar-dzhakishev,") and str(reader_id) not in text


async def test_the_declaration_downloads_as_the_documents_of_declarationdoc(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    url = bot.application.web_url + API + "/declarations/652/declaration"  # type: ignore[operator]
    headers = {"Authorization": "tma " + init_data(bot, COORDINATOR, "kk")}
    async with http.get(url + ".pdf", headers=headers) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert 'filename="declaration-652-kk.pdf"' in response.headers["Content-Disposition"]
        pdf_text = words(" ".join(pdf_pages(await response.read())))
    assert pdf_text.startswith("Doc. 14493 2018 ж. 25 қаңтар")
    assert "№ 652 жазбаша декларация" in pdf_text and "Total = 24" in pdf_text
    async with http.get(url + ".docx", headers=headers) as response:
        assert response.status == 200
        _header, body = docx_paragraphs(await response.read())
    assert body[3] == "№ 652 жазбаша декларация"
    async with http.get(url + ".exe", headers=headers) as response:
        assert response.status == 404
    _status, page = await call(http, bot, "GET", "/declarations/652", user_id=COORDINATOR)
    assert 'data-download="/declarations/652/declaration.pdf"' in page


def an_action(**changes: object) -> dict[str, object]:
    action: dict[str, object] = {
        "id": "write-to-the-president",
        "kind": "letter",
        "title": {"en": "Write to the President", "ru": "Напишите Президенту", "kk": "Жазыңыз"},
        "why": {"en": "Held.", "ru": "Под стражей.", "kk": "Қамауда."},
        "points": {"en": ["Free her."], "ru": ["Освободите её."], "kk": ["Босатыңыз."]},
        "targets": ["president-of-kazakhstan"],
        "letter": {"ru": "*{{ salutation }}*\n\nОсвободите Айгерим Тестову.\n\nС уважением,"},
    }
    return action | changes


async def test_an_actions_problems_are_shown_at_its_fields_in_the_readers_language(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    letter = {"ru": "*{{ salutation }}*\n\nУважаемый {{ judge }}!\n\nС уважением,"}
    actions = [an_action(letter=letter), an_action(id="call", kind="call", targets=[])]
    body = {"case": a_case(actions=actions), "version": None}
    status, page = await call(
        http, bot, "POST", "/cases", user_id=COORDINATOR, language="ru", body=body
    )
    assert status == 422
    field = re.search(
        r'data-key="letter\.ru"[^>]*class="[^"]*has-error[^"]*">[^<]*</textarea>\s*'
        r'<div class="field-error" role="alert">([^<]+)</div>',
        page,
    )
    assert field is not None, page
    assert field[1] == (
        "Строка 3: неизвестная подстановка «judge». Можно: name, title, place, date, "
        "salutation, target_name, target_title."
    )
    assert "Выберите хотя бы одного адресата." in page  # the call's empty targets
    assert await bot.application.services.cases.get("aigerim-test") is None
    # Saved right, the action is in the editor again, its addressee chosen.
    body = {"case": a_case(actions=[an_action()]), "version": None}
    status, page = await call(http, bot, "POST", "/cases", user_id=COORDINATOR, body=body)
    assert status == 200, page
    assert 'value="president-of-kazakhstan" checked' in page
    assert 'data-key="letter.ru" data-type' not in page  # a letter is text, not lines
    assert 'data-key="points.en" data-type="lines"' in page
    now = bot.application.services.clock.now()
    (item,) = await bot.application.services.cases.actions.of_case("aigerim-test", now)
    assert item.action.targets == ("president-of-kazakhstan",)
