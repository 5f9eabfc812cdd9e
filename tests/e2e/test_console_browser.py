"""The console in a real browser: Debian's Chromium, headless, driven by Playwright, against
the real bot (as a process, and in this test's loop for the screenshots).

A coordinator opens the console as Telegram opens it (signed launch data in the URL's
fragment, no telegram-web-app.js), creates a case in three languages, is shown the missing
language at its field, saves, and the case is then found with /case in the bot. Screenshots
of every page in Telegram's light and dark themes and in English, Russian and Kazakh are
written to ``artifacts/console/`` for a person to look at.

Playwright's own browser download does not work here: ``/usr/bin/chromium`` comes from
Debian (``apt-get install chromium``, done by ``.ci/run``). Without it these tests are
skipped, except in CI, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright

from bot.domain.declarations import Refusal, text_digest
from bot.domain.roles import Role
from sandbox.local_api import LocalBotApi
from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.e2e.console import DARK_THEME, LIGHT_THEME, console_link
from tests.e2e.processes import ROOT, bot_process, environment
from tests.e2e.test_declarations import member_named, open_declaration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "artifacts" / "console"
COORDINATOR = 6_200_001


def _no_chromium() -> bool:
    return not CHROMIUM.exists()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """A fresh headless Chromium with its own profile, offline but for loopback."""
    if _no_chromium():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 900},
            locale="en-US",
        )
        try:
            yield context
        finally:
            await context.close()


class Watched:
    """A page whose script errors, failed requests and requests elsewhere are kept."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.problems.append(f"console: {message.text}")
                if message.type == "error" and not _answered_4xx(message.text)
                else None
            ),
        )
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((origin, "data:"))
                else self.problems.append(f"request elsewhere: {request.url}")
            ),
        )


def _answered_4xx(text: str) -> bool:
    """Chromium logs every refused request (a 422 of a form with problems, on purpose)."""
    return "the server responded with a status of 4" in text


async def open_console(context: BrowserContext, link: str, origin: str) -> Watched:
    page = await context.new_page()
    watched = Watched(page, origin)
    await page.goto(link)
    await page.wait_for_selector("#nav button")
    return watched


async def test_a_coordinator_creates_a_case_that_the_bot_then_finds(
    browser: BrowserContext, api: LocalBotApi, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    origin = environment(api, database)["BOT_PUBLIC_URL"]
    async with bot_process(api, database):
        coordinator = api.user(COORDINATOR, language_code="en")
        await coordinator.ask("/start", timeout=15)
        admin = api.user(ADMIN_ID, language_code="en")
        await admin.ask(f"/grant {COORDINATOR}", timeout=15)
        running = RunningBot(api=api, application=_Origin(origin), settings=None)  # type: ignore[arg-type]
        watched = await open_console(browser, console_link(running, COORDINATOR), origin)
        page = watched.page
        await page.get_by_role("button", name="New case").click()
        await page.wait_for_selector("#case-id")
        await page.fill("#case-id", "saule-testova")
        await page.fill("[data-key='name.en']", "Saule Testova")
        await page.fill("[data-key='name.ru']", "Сауле Тестова")
        for key, texts in {
            "brief": ("Arrested in Almaty.", "Арестована в Алматы.", "Алматыда қамауға алынды."),
            "account": ("She was arrested.", "Её арестовали.", "Ол қамауға алынды."),
        }.items():
            for locale, text in zip(("en", "ru", "kk"), texts, strict=True):
                await page.fill(f"[data-key='{key}.{locale}']", text)
        await page.get_by_role("button", name="Create the case").first.click()
        error = page.locator("[data-key='name.kk'] ~ .field-error")
        await error.wait_for()
        assert await error.inner_text() == "Missing the text in: Kazakh."
        assert await page.locator("[data-key='name.kk']").get_attribute("class") == "has-error"
        await page.fill("[data-key='name.kk']", "Сәуле Тестова")
        await page.get_by_role("button", name="Preview").click()
        cards = page.locator(".card")
        await cards.first.wait_for()
        assert "Сәуле Тестова" in await cards.nth(2).inner_text()
        await page.get_by_role("button", name="Create the case").first.click()
        await page.get_by_text("Saved.").wait_for()
        reply = await api.user(6_200_002, language_code="kk").ask("/case Сәуле", timeout=15)
        assert reply.text.startswith("Сәуле Тестова")
        assert watched.problems == []


class _Origin:
    """Stands for the application of a bot process: only its web address is needed."""

    def __init__(self, origin: str) -> None:
        self.web_url = origin


PAGES: list[tuple[str, str]] = [
    ("cases", "/cases"),
    ("case-editor", "/cases/mukhtar-dzhakishev"),
    ("new-case-errors", "/cases/new"),
    ("coverage", "/coverage"),
    ("broadcasts", "/broadcasts"),
    ("broadcast-report", "/broadcasts/1"),
    ("declarations", "/declarations"),
    ("declaration", "/declarations/652"),
    ("declaration-open", "/declarations/700"),
    ("roles", "/roles"),
]


async def _show(page: Page, path: str) -> None:
    await page.evaluate(
        """(path) => { const b = document.createElement('button'); b.dataset.go = path;
        document.body.appendChild(b); b.click(); b.remove(); }""",
        path,
    )
    await page.wait_for_function("() => !document.getElementById('page').hasAttribute('aria-busy')")
    await page.wait_for_selector("#page h1")


async def _seed(bot: RunningBot) -> None:
    """A broadcast with a report and a coordinator, so that every page has something."""
    readers = await bot.readers(6, first_id=6_300_000)
    readers[0].person.blocked = True
    services = bot.application.services
    await services.broadcasts.create(
        kind="appeal",  # type: ignore[arg-type]
        author_id=None,
        audience="all",
        html_by_locale={locale: "<b>Write to the court</b>" for locale in ("en", "ru", "kk")},
        details={"audience": "all", "texts": {"en": "<b>Write to the court</b>"}},
    )
    services.delivery.wake()
    await bot.api.wait_until(lambda: sum(len(r.chat.bot_messages) for r in readers) >= 11)
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    declaration = await open_declaration(bot, 700)
    start = datetime.now(UTC)
    for hours, surname in enumerate(("Sutter", "Aeg", "Amon", "Bruyn", "Cepeda", "Corsini")):
        member = await member_named(bot, surname)
        moment = start + timedelta(hours=1 + 20 * hours)
        digest = text_digest(declaration.text["en"])
        signature = await services.declarations.sign(700, member.id, "en", digest, moment)
        assert not isinstance(signature, Refusal)


async def test_screenshots_of_every_page_in_each_theme_and_language(
    bot: RunningBot, browser: BrowserContext
) -> None:
    await _seed(bot)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    origin = bot.application.web_url
    assert origin is not None
    await bot.user_with_role(0, Role.ADMIN)
    for theme_name, theme in (("light", LIGHT_THEME), ("dark", DARK_THEME)):
        for language in ("en", "ru", "kk"):
            link = console_link(bot, ADMIN_ID, language, theme)
            watched = await open_console(browser, link, origin)
            page = watched.page
            for name, path in PAGES:
                await _show(page, path)
                if name == "new-case-errors":
                    await page.locator("button[type=submit]").last.click()
                    await page.wait_for_selector(".field-error")
                background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert background == _rgb(theme["secondary_bg_color"])
                shot = ARTIFACTS / f"{name}-{theme_name}-{language}.png"
                await page.screenshot(path=str(shot), full_page=True)
            if (theme_name, language) == ("light", "en"):  # a phone's width, once
                await page.set_viewport_size({"width": 390, "height": 844})
                for name, path in (("cases", "/cases"), ("case-editor", "/cases/max-bokayev")):
                    await _show(page, path)
                    shot = ARTIFACTS / f"{name}-phone-light-en.png"
                    await page.screenshot(path=str(shot))
            assert watched.problems == [], watched.problems
            await page.close()
    expected = {
        f"{n}-{t}-{lang}.png"
        for n, _p in PAGES
        for t in ("light", "dark")
        for lang in ("en", "ru", "kk")
    }
    assert expected <= {path.name for path in ARTIFACTS.glob("*.png")}


def _rgb(color: str) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


async def test_outside_telegram_the_page_says_where_to_open_it(
    bot: RunningBot, browser: BrowserContext
) -> None:
    page = await browser.new_page()
    watched = Watched(page, bot.application.web_url or "")
    await page.goto(f"{bot.application.web_url}/console/")
    alert = page.get_by_role("alert")
    await alert.wait_for()
    assert (await alert.inner_text()).startswith("Open this console from the bot in Telegram")
    assert watched.problems == []


async def test_two_coordinators_edit_one_case_and_the_second_sees_the_first(
    bot: RunningBot, browser: BrowserContext
) -> None:
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    await bot.user_with_role(0, Role.ADMIN)
    origin = bot.application.web_url
    assert origin is not None
    first = (await open_console(browser, console_link(bot, ADMIN_ID), origin)).page
    second_watched = await open_console(browser, console_link(bot, COORDINATOR, "ru"), origin)
    second = second_watched.page
    for page in (first, second):
        await _show(page, "/cases/talgat-ayan")
    await first.select_option("[data-key='status']", "released")
    await first.locator("button[type=submit]").first.click()
    await first.get_by_text("Saved.").wait_for()
    await second.fill("[data-key='brief.en']", "Edited by the second coordinator.")
    await second.locator("button[type=submit]").first.click()
    alert = second.locator(".notice-error")
    await alert.wait_for()
    assert "Пока вы редактировали это дело, его сохранил кто-то другой" in await alert.inner_text()
    theirs = second.locator("#case-status ~ .theirs")
    assert "на свободе" in await theirs.inner_text()  # the first one's status, shown
    assert await second.input_value("[data-key='brief.en']") == "Edited by the second coordinator."
    stored = await bot.application.services.cases.get("talgat-ayan")
    assert stored is not None and stored.status == "released"
    assert stored.brief["en"] != "Edited by the second coordinator."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await second.screenshot(path=str(ARTIFACTS / "case-conflict-light-ru.png"), full_page=True)
    await second.locator("button[type=submit]").first.click()  # saved knowingly
    await second.get_by_text("Сохранено.").wait_for()
    stored = await bot.application.services.cases.get("talgat-ayan")
    assert stored is not None and stored.brief["en"] == "Edited by the second coordinator."
    assert second_watched.problems == []
