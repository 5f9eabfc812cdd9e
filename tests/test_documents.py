"""The documents the bot writes, read back as a person's tools read them: the seed letter and
Declaration No. 652 reproduced, their text extracted from the PDF (pdftotext) and the DOCX
(python-docx) and compared with the seeds; the Kazakh letters kept; a signer's markup kept as
text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.documents import render
from bot.domain.actions import Action
from bot.domain.content import load_content
from bot.domain.declaration_content import load_declarations
from bot.domain.documents import Layout, Signer, block, plain_text
from bot.shipped import SHIPPED_CONTENT, SHIPPED_DECLARATIONS
from bot.text.documents import declaration_document, letter_document, letter_html, letter_paragraphs
from storage import Database
from storage.declarations import Declarations
from storage.location import DatabaseLocation
from storage.members import Members
from tests.documents import (
    DECLARATION_SEED,
    LETTER_SEED,
    PAGE_BREAK,
    docx_paragraphs,
    pdf_pages,
    without_markdown,
    words,
)

LETTERHEAD = "Congreso de los Diputados"
SIGNER = Signer(
    name="Ignacio Sánchez Amor",
    title="Chair of the General Committee on Democracy, Human Rights and Humanitarian "
    "Questions of the Parliamentary Assembly of the OSCE",
    place="Vienna",
)
KAZAKH_LETTERS = "әғқңөұүһі"


def seed_pages(path: Path) -> list[str]:
    """A seed's pages as it writes them (pages are three blank lines apart)."""
    return [page.strip() for page in path.read_text(encoding="utf-8").split(PAGE_BREAK) if page]


def seed_letter_action() -> Action:
    """The seed letter's own content as a model letter: its body from the salutation to the
    closing, pages joined, the salutation a placeholder."""
    header = f"*{LETTERHEAD}*"
    body = "\n\n".join(page.removeprefix(header).strip() for page in seed_pages(LETTER_SEED))
    start = body.index("*Dear Mr. President,*")
    end = body.index("Yours sincerely,") + len("Yours sincerely,")
    template = body[start:end].replace("Dear Mr. President,", "{{ salutation }}")
    return Action(
        id="seed-letter",
        kind="letter",
        title={"en": "Letter to the President of Kazakhstan"},
        why={},
        points={},
        targets=("president-of-kazakhstan",),
        letter={"en": template},
    )


def seed_letter_layout():
    target = load_content(SHIPPED_CONTENT).targets["president-of-kazakhstan"]
    return letter_document(
        seed_letter_action(), target, "en", SIGNER, date(2018, 2, 23), letterhead=LETTERHEAD
    )


class TestTheSeedLetter:
    def test_the_pdf_reads_as_the_seed_page_by_page(self) -> None:
        pages = pdf_pages(render(seed_letter_layout(), "pdf"))
        expected = [without_markdown(page) for page in seed_pages(LETTER_SEED)]
        assert len(pages) == len(expected) == 2
        for page, seed_page in zip(pages, expected, strict=True):
            assert words(page) == words(seed_page)

    def test_the_docx_reads_as_the_seed(self) -> None:
        header, body = docx_paragraphs(render(seed_letter_layout(), "docx"))
        assert header == [LETTERHEAD]
        seed = [without_markdown(page) for page in seed_pages(LETTER_SEED)]
        expected = words(" ".join(page.removeprefix(LETTERHEAD) for page in seed))
        assert words(" ".join(body)) == expected
        assert body[0] == "Vienna, 23 February 2018"
        assert body[-1] == SIGNER.name + ",\n" + SIGNER.title

    def test_the_text_reads_as_the_seed_without_its_second_letterhead(self) -> None:
        text = plain_text(seed_letter_layout())
        seed = [without_markdown(page) for page in seed_pages(LETTER_SEED)]
        assert words(text) == words(seed[0] + " " + seed[1].removeprefix(LETTERHEAD))


class TestDeclaration652:
    @pytest.fixture
    def layouts(self, new_database: Callable[..., DatabaseLocation]):
        async def build():
            async with await Database.open(new_database("db.sqlite3")) as db:
                declarations = Declarations(db)
                for item in load_declarations(SHIPPED_DECLARATIONS):
                    await declarations.import_file(item)
                declaration = await declarations.get(652)
                assert declaration is not None
                signers = await declarations.signers(652)
                groups = await Members(db).groups()
                return {
                    language: declaration_document(declaration, language, signers, groups)
                    for language in ("en", "ru", "kk")
                }

        return asyncio.run(build())

    def test_the_text_equals_the_seed_without_markdown(self, layouts) -> None:
        seed = DECLARATION_SEED.read_text(encoding="utf-8")
        assert plain_text(layouts["en"]) == without_markdown(seed) + "\n"

    def test_the_pdf_reads_as_the_seed_page_by_page(self, layouts) -> None:
        pages = pdf_pages(render(layouts["en"], "pdf"))
        expected = [without_markdown(page) for page in seed_pages(DECLARATION_SEED)]
        assert len(pages) == 2
        for page, seed_page in zip(pages, expected, strict=True):
            assert words(page) == words(seed_page)

    def test_the_docx_reads_as_the_seed(self, layouts) -> None:
        header, body = docx_paragraphs(render(layouts["en"], "docx"))
        assert header == []
        seed = without_markdown(DECLARATION_SEED.read_text(encoding="utf-8"))
        assert "\n\n".join(body) == seed.replace(PAGE_BREAK, "\n\n")

    @pytest.mark.parametrize(
        ("language", "number", "overleaf"),
        [
            ("ru", "Письменная декларация № 652", "Подписано (см. на обороте)"),
            ("kk", "№ 652 жазбаша декларация", "Қол қойылды (артқы бетін қараңыз)"),
        ],
    )
    def test_translations_have_the_same_layout_with_localised_headings(
        self, layouts, language: str, number: str, overleaf: str
    ) -> None:
        english, translated = layouts["en"].blocks, layouts[language].blocks
        assert len(translated) == len(english)
        text = "\n".join(pdf_pages(render(layouts[language], "pdf")))
        assert number in text and overleaf in text
        assert "Total = 24" in text and "SUTTER Petra, De, Belgium, SOC" in text
        assert "25 January 2018" not in text  # the date in the document's language


class TestLetters:
    def action(self) -> tuple[Action, object]:
        content = load_content(SHIPPED_CONTENT)
        action = content.cases["iskander-yerimbetov"].actions[0]
        return action, content.targets[action.targets[0]]

    def test_the_kazakh_letters_survive_the_pdf(self) -> None:
        action, target = self.action()
        signer = Signer("Әлия Ғаниқызы Шаһанова", "Өңірлік ұйымның үйлестірушісі", "Үржар")
        layout = letter_document(action, target, "kk", signer, date(2026, 3, 14))
        text = "\n".join(pdf_pages(render(layout, "pdf")))
        assert [letter for letter in KAZAKH_LETTERS if letter not in text] == []
        alphabet = Layout("Kazakh", "kk", (block(KAZAKH_LETTERS + " " + KAZAKH_LETTERS.upper()),))
        assert words(pdf_pages(render(alphabet, "pdf"))[0]) == alphabet.blocks[0].text
        assert "Әлия Ғаниқызы Шаһанова," in text
        assert "Құрметті Президент мырза!" in text
        assert "2026 ж. 14 наурыз" in text

    def test_a_signers_markup_stays_text(self) -> None:
        action, target = self.action()
        signer = Signer("<b>Bob</b> **Smith** {{ title }}", "", "")
        layout = letter_document(action, target, "en", signer, date(2026, 3, 14))
        _, body = docx_paragraphs(render(layout, "docx"))
        assert body[-1] == "<b>Bob</b> **Smith** {{ title }}"
        html = letter_html(letter_paragraphs(action, target, "en", signer, date(2026, 3, 14)))
        assert "<i>Dear Mr. President,</i>" in html
        assert "<b>Bob</b>" not in html

    def test_without_a_name_the_text_letter_asks_for_one(self) -> None:
        action, target = self.action()
        paragraphs = letter_paragraphs(action, target, "ru", Signer(), date(2026, 3, 14))
        assert paragraphs[0].text == "Уважаемый господин Президент!"
        assert paragraphs[-1].text == "С уважением,"
