"""Reading documents back as a person's tools would: the text of a PDF in reading order
(pdftotext, from poppler-utils), the paragraphs of a DOCX (python-docx), and the seeds'
Markdown without its marks."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
LETTER_SEED = SEEDS / "000_22a48653ae69e02c.txt"
DECLARATION_SEED = SEEDS / "001_a4f2ce3bcb53d0dd.txt"
PAGE_BREAK = "\n\n\n\n"

PDFTOTEXT = shutil.which("pdftotext")


def without_markdown(text: str) -> str:
    """The seed's text without Markdown's marks: emphasis (``*``, ``**``), links
    (``[text](target)`` is its text), backslash escapes and hard line breaks."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\\([()\[\]*_\\])", r"\1", text)
    text = text.replace("**", "").replace("*", "")
    return re.sub(r" +\n", "\n", text).strip()


def words(text: str) -> str:
    """Text with every run of white space made one space: line breaks are the layout's."""
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, in reading order."""
    assert PDFTOTEXT, "pdftotext is missing: apt-get install poppler-utils"
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return [page for page in pages if page.strip()]


def docx_paragraphs(data: bytes) -> tuple[list[str], list[str]]:
    """The header's paragraphs and the body's, as text (line breaks as ``\\n``)."""
    document = docx.Document(io.BytesIO(data))
    header = [p.text for p in document.sections[0].header.paragraphs if p.text]
    return header, [p.text for p in document.paragraphs]
