"""A case's actions edited in the console, in headless Chromium (as test_console_browser.py
opens it): an action's texts, points and addressees changed, a new action added whose model
letter names an unknown placeholder (shown at that letter, at its line), corrected, saved;
the bot then shows the edited action in its card, with the new addressee. And coverage and a
declaration's document as a person downloads them, by their buttons."""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import BrowserContext, Download, Locator, Page

from bot.domain.actions import Target
from bot.domain.coverage import least_attention_first
from bot.domain.roles import Role
from storage.actions import coverage, store_targets
from tests.documents import pdf_pages, words
from tests.e2e.conftest import RunningBot
from tests.e2e.console import console_link
from tests.e2e.test_console_browser import ARTIFACTS, COORDINATOR, _show, browser, open_console

__all__ = ["browser"]  # the fixture, used by name

PROSECUTOR = Target(
    id="prosecutor-general",
    name={"en": "Prosecutor General", "ru": "Генеральный прокурор", "kk": "Бас прокурор"},
    title={
        "en": "Prosecutor General of Kazakhstan",
        "ru": "Генеральный прокурор Казахстана",
        "kk": "Қазақстанның Бас прокуроры",
    },
    salutation={
        "en": "Dear Prosecutor General,",
        "ru": "Уважаемый Генеральный прокурор!",
        "kk": "Құрметті Бас прокурор!",
    },
    languages=("ru", "kk"),
    email="appeals@prosecutor.example",
)
NEW_TEXTS = {
    "title": (
        "Write to the Prosecutor General",
        "Напишите Генеральному прокурору",
        "Бас прокурорға жазыңыз",
    ),
    "why": ("He is ill.", "Он болен.", "Ол науқас."),
    "points": ("Release him.\nLet him be treated.", "Освободите его.", "Оны босатыңыз."),
}


async def fill_texts(row: Locator, texts: dict[str, tuple[str, str, str]]) -> None:
    for key, values in texts.items():
        for locale, value in zip(("en", "ru", "kk"), values, strict=True):
            await row.locator(f"[data-key='{key}.{locale}']").fill(value)


TITLE = "Write to the President about the health of Mukhtar Dzhakishev"
BAD_LETTER = "{{ salutation }}\n\nПрошу освободить {{ prisoner }}.\n\nС уважением,"
GOOD_LETTER = "{{ salutation }}\n\nПрошу освободить Мухтара Джакишева.\n\nС уважением,"


async def edit_the_first_action(page: Page) -> None:
    """Its English title and first point changed, a second addressee ticked."""
    rows = page.locator("[data-group='actions'] > [data-row]")
    assert await rows.count() == 1
    edited = rows.nth(0)
    assert await edited.locator("[data-key='id']").input_value() == "write-to-the-president"
    await edited.locator("[data-key='title.en']").fill(TITLE)
    points = edited.locator("[data-key='points.en']")
    await points.fill("He needs treatment abroad now.\n" + await points.input_value())
    await edited.locator("input[data-key='targets'][value='prosecutor-general']").check()


async def add_an_action(page: Page, letter: str) -> None:
    await page.get_by_role("button", name="Add an action").click()
    added = page.locator("[data-group='actions'] > [data-row]").nth(1)
    await added.locator("[data-key='id']").fill("write-to-the-prosecutor")
    await fill_texts(added, NEW_TEXTS)
    await added.locator("input[data-key='targets'][value='prosecutor-general']").check()
    await added.locator("[data-key='letter.ru']").fill(letter)
    await added.locator("[data-key='until']").fill("2027-06-30")
    await added.locator("[data-key='zone']").fill("Asia/Almaty")


async def check_stored(bot: RunningBot) -> None:
    """Both actions stored as edited, the edit audited."""
    services = bot.application.services
    stored = await services.cases.whole("mukhtar-dzhakishev")
    assert stored is not None
    first, second = stored.actions
    assert first.title["en"] == TITLE
    assert first.targets == ("president-of-kazakhstan", "prosecutor-general")
    assert first.points["en"][0] == "He needs treatment abroad now."
    assert second.id == "write-to-the-prosecutor" and second.kind == "letter"
    assert second.points["en"] == ("Release him.", "Let him be treated.")
    assert second.letter == {"ru": GOOD_LETTER}
    assert second.until is not None and second.zone == "Asia/Almaty"
    (entry, *_older) = await services.audit.of_case("mukhtar-dzhakishev")
    assert entry.data["fields"] == ["updated", "actions"]  # the tags' order is kept
    assert entry.data["actions"] == {
        "added": ["write-to-the-prosecutor"],
        "changed": ["write-to-the-president"],
        "removed": [],
    }


async def check_the_bots_card(bot: RunningBot) -> None:
    """The bot's action card shows the edit, and the new addressee with their channel."""
    reader = bot.user(6_200_077, "en")
    await reader.ask("/start")
    card = await reader.ask("/case Dzhakishev")
    await reader.press(card, "Take action (2)")
    (listing,) = (await reader.wait_for_replies(1))[-1:]
    edited = next(text for row in listing.button_texts for text in row if "health" in text)
    await reader.press(listing, edited)
    (action,) = (await reader.wait_for_replies(1))[-1:]
    assert action.text.startswith(TITLE)
    assert "• He needs treatment abroad now." in action.text
    assert "Prosecutor General of Kazakhstan, Prosecutor General" in action.text
    assert "appeals@prosecutor.example" in action.text


async def test_an_action_edited_in_the_browser_is_stored_and_shown_in_the_bots_card(
    bot: RunningBot, browser: BrowserContext
) -> None:
    services = bot.application.services
    async with services.db.transaction() as conn:
        await store_targets(conn, {PROSECUTOR.id: PROSECUTOR})
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    origin = bot.application.web_url
    assert origin is not None
    watched = await open_console(browser, console_link(bot, COORDINATOR), origin)
    page = watched.page
    await _show(page, "/cases/mukhtar-dzhakishev")
    await edit_the_first_action(page)
    await add_an_action(page, BAD_LETTER)
    await page.locator("button[type=submit]").first.click()

    # The unknown placeholder, on the letter's third line, is shown at that letter.
    added = page.locator("[data-group='actions'] > [data-row]").nth(1)
    letter = added.locator("[data-key='letter.ru']")
    error = added.locator("[data-key='letter.ru'] ~ .field-error")
    await error.wait_for()
    assert await error.inner_text() == (
        "Line 3: unknown placeholder “prisoner”. Allowed: name, title, place, date, "
        "salutation, target_name, target_title."
    )
    assert "has-error" in (await letter.get_attribute("class") or "")
    stored = await services.cases.whole("mukhtar-dzhakishev")
    assert stored is not None and len(stored.actions) == 1  # nothing saved
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "case-action-error-light-en.png"), full_page=True)

    await letter.fill(GOOD_LETTER)
    await page.locator("button[type=submit]").first.click()
    await page.get_by_text("Saved.").wait_for()
    await check_stored(bot)
    assert watched.problems == [], watched.problems
    await check_the_bots_card(bot)


async def downloaded(download: Download) -> bytes:
    """What the browser saved."""
    return await asyncio.to_thread(Path(await download.path()).read_bytes)


async def test_coverage_and_the_declarations_document_in_the_browser(
    bot: RunningBot, browser: BrowserContext
) -> None:
    """The coverage table and its weekly grid, its CSV, and the declaration as a PDF, each
    downloaded by its button as a person would (the PDF's text read back with pdftotext)."""
    await bot.user_with_role(COORDINATOR, Role.COORDINATOR)
    origin = bot.application.web_url
    assert origin is not None
    watched = await open_console(browser, console_link(bot, COORDINATOR, "kk"), origin)
    page = watched.page
    await _show(page, "/coverage")
    services = bot.application.services
    ranked = least_attention_first(await coverage(services.db, services.clock.now(), "kk"))
    rows = page.locator("table.coverage tbody tr td:first-child")
    shown = [name.removeprefix("⚑").strip() for name in await rows.all_inner_texts()]
    assert shown == [case.name for case in ranked] and len(shown) == 6  # the bot's order
    assert await page.locator("svg.chart rect").count() == 7 * 12  # 6 cases and all, 12 weeks
    async with page.expect_download() as csv_download:
        await page.get_by_role("button", name="CSV түрінде жүктеу").click()
    csv_text = (await downloaded(await csv_download.value)).decode("utf-8")
    assert csv_text.splitlines()[-1].startswith(ranked[-1].case_id + ",")
    await _show(page, "/declarations/652")
    async with page.expect_download() as pdf_download:
        await page.get_by_role("button", name="PDF түрінде жүктеу").click()
    download = await pdf_download.value
    assert download.suggested_filename == "declaration-652-kk.pdf"
    text = words(" ".join(pdf_pages(await downloaded(download))))
    assert "№ 652 жазбаша декларация" in text and "Total = 24" in text
    assert watched.problems == [], watched.problems
