"""Documents as files: a :class:`~bot.domain.documents.Layout` rendered as PDF (fpdf2, with
the DejaVu Serif fonts embedded), as DOCX (python-docx) or as plain text. The renderers know
neither Telegram nor SQL; the layouts come from :mod:`bot.domain.documents`."""

from __future__ import annotations

from typing import Literal

from bot.domain.documents import Layout, plain_text

Format = Literal["pdf", "docx", "txt"]
FORMATS: tuple[Format, ...] = ("pdf", "docx", "txt")

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
}


def render(layout: Layout, file_format: Format) -> bytes:
    """The document in ``file_format``."""
    if file_format == "pdf":
        from bot.documents.pdf import render_pdf  # noqa: PLC0415 (fpdf2 loads only when used)

        return render_pdf(layout)
    if file_format == "docx":
        from bot.documents.docx import render_docx  # noqa: PLC0415 (python-docx: when used)

        return render_docx(layout)
    return plain_text(layout).encode("utf-8")


__all__ = ["FORMATS", "MEDIA_TYPES", "Format", "render"]
