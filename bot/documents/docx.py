"""DOCX with python-docx: an editable document in the same layout as the PDF. A DOCX names
its fonts rather than embedding them: Times New Roman, which Word and LibreOffice have and
which covers the Kazakh letters."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bot.domain.documents import Layout, Size

FONT = "Times New Roman"
SIZES = {Size.NORMAL: 12.0, Size.LARGE: 15.0, Size.SMALL: 10.0}
MARGIN_MM = 25


def render_docx(layout: Layout) -> bytes:
    """The layout as a DOCX file."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZES[Size.NORMAL])
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(8)
    core = document.core_properties
    core.title, core.language, core.author = layout.title, layout.language, ""
    if layout.running_header:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.add_run(layout.running_header).italic = True
    for item in layout.blocks:
        paragraph = document.add_paragraph()
        paragraph_format = paragraph.paragraph_format
        paragraph_format.keep_with_next = item.keep_with_next or None
        paragraph_format.page_break_before = item.page_break_before or None
        if item.justified:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for run_item in item.runs:
            lines = run_item.text.split("\n")
            for index, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.bold = run_item.bold or None
                run.italic = run_item.italic or None
                run.font.size = Pt(SIZES[item.size])
                if index + 1 < len(lines):
                    run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
