"""PDF with fpdf2: A4, DejaVu Serif embedded (it covers the Kazakh letters ә ғ қ ң ө ұ ү һ і),
the running header on every page, headings kept with what follows them."""

from __future__ import annotations

import functools
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from bot.domain.documents import Block, Layout, Size

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSerif"
_STYLES = {"": "DejaVuSerif", "B": "DejaVuSerif-Bold", "I": "DejaVuSerif-Italic"}
_STYLES["BI"] = "DejaVuSerif-BoldItalic"

SIZES = {Size.NORMAL: 11.0, Size.LARGE: 14.0, Size.SMALL: 9.5}
"""Points per size of type."""
LEADING = 1.3
"""Line height as a multiple of the type size."""
MARGIN = 22.5
"""Millimetres around the text."""
PARAGRAPH_SPACE = 3.0
"""Millimetres between blocks."""
POINT = 25.4 / 72
KEPT_TOGETHER = 0.3
"""A paragraph shorter than this share of a page is never split across two."""


def _line_height(size: Size) -> float:
    return SIZES[size] * LEADING * POINT


def _style(bold: bool, italic: bool) -> str:
    return ("B" if bold else "") + ("I" if italic else "")


class _Document(FPDF):
    def __init__(self, layout: Layout) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._running_header = layout.running_header
        used = {_style(run.bold, run.italic) for item in layout.blocks for run in item.runs}
        used |= {"I"} if layout.running_header else set()
        for style in sorted(used):  # reading a font costs more than setting a page of text
            self.add_font(FAMILY, style, str(FONTS / f"{_STYLES[style]}.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_title(layout.title)
        self.set_lang(layout.language)
        self.set_creator("Qorgau")
        self.set_producer("Qorgau")

    def header(self) -> None:
        if self._running_header:
            self.set_font(FAMILY, "I", SIZES[Size.NORMAL])
            self.cell(0, _line_height(Size.NORMAL), self._running_header, align="C")
            self.ln(_line_height(Size.NORMAL) + 2 * PARAGRAPH_SPACE)

    def at_most(self, item: Block) -> float:
        """More room than ``item`` can take, found without breaking it into lines."""
        width = 0.0
        for run in item.runs:
            self.set_font(FAMILY, _style(run.bold, run.italic), SIZES[item.size])
            width += self.get_string_width(run.text)
        lines = width / (self.epw * 0.8) + 2 + item.text.count("\n")
        return lines * _line_height(item.size)

    def height_of(self, item: Block) -> float:
        """How much room ``item`` takes on a page."""
        if len(item.runs) != 1:
            return _line_height(item.size) * (1 + item.text.count("\n"))
        run = item.runs[0]
        self.set_font(FAMILY, _style(run.bold, run.italic), SIZES[item.size])
        height: float = self.multi_cell(
            0,
            _line_height(item.size),
            run.text,
            align="J" if item.justified else "L",
            dry_run=True,
            output=MethodReturnValue.HEIGHT,
        )
        return height

    def put(self, item: Block) -> None:
        """Set one block where the text stands, then the space after it."""
        height = _line_height(item.size)
        if len(item.runs) == 1:
            run = item.runs[0]
            self.set_font(FAMILY, _style(run.bold, run.italic), SIZES[item.size])
            self.multi_cell(
                0,
                height,
                run.text,
                align="J" if item.justified else "L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        else:
            for run in item.runs:
                self.set_font(FAMILY, _style(run.bold, run.italic), SIZES[item.size])
                self.write(height, run.text)
            self.ln(height)
        self.ln(PARAGRAPH_SPACE)


def render_pdf(layout: Layout) -> bytes:
    """The layout as a PDF file."""
    document = _Document(layout)
    document.add_page()
    blocks = layout.blocks
    for index, item in enumerate(blocks):
        if item.page_break_before and document.get_y() > document.t_margin + 1:
            document.add_page()
        following = blocks[index + 1] if item.keep_with_next and index + 1 < len(blocks) else None
        room = document.page_break_trigger - document.get_y()
        generous = document.at_most(item) + (document.at_most(following) if following else 0)
        if generous + PARAGRAPH_SPACE > room:  # near the foot of the page: measure exactly
            needed = document.height_of(item)
            if needed > KEPT_TOGETHER * (document.page_break_trigger - document.t_margin):
                needed = 2 * _line_height(item.size)  # a long paragraph may break: not 2 lines
            if following is not None:
                needed += PARAGRAPH_SPACE
                needed += min(document.height_of(following), 3 * _line_height(following.size))
            if needed > room:
                document.add_page()
        document.put(item)
    return bytes(document.output())


@functools.cache
def font_files() -> tuple[Path, ...]:
    """The font files a PDF embeds (the wheel must carry them)."""
    return tuple(FONTS / f"{name}.ttf" for name in _STYLES.values())
