"""Strict validation of Telegram HTML (parse_mode "HTML"), shared by the bot and the local server.

Follows the tokenizer of Telegram's server (tdlib's ``parse_html``) and its error wording,
but is stricter about ``&``: a bare ampersand or an unknown named entity is an error here
(Telegram's documentation demands escaping; its server happens to tolerate it).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_CHAR_REF = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]{0,31}));")
_NAME_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + ".-")
_SPACES = frozenset(" \t\n\r\f\v\0")
_TOKEN_END = _SPACES | {">"}


MAX_MESSAGE_LENGTH = 4096
"""Telegram's limit on a message's text, in UTF-16 code units after parsing."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts lengths and offsets in."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; the message uses Telegram's wording."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What the user sees: plain text plus Bot API entities (offsets in UTF-16 units)."""

    text: str
    entities: list[dict[str, object]] = field(default_factory=list)


@dataclass(slots=True)
class _OpenTag:
    tag: str
    start: int
    argument: str
    expandable: bool


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities; raise HtmlError when Telegram would."""
    if "<" not in source and "&" not in source:
        return ParsedText(source)
    return _Parser(source).run()


class _Parser:
    """One pass over the source, tracking open tags and the UTF-16 length produced so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, object]] = []

    def run(self) -> ParsedText:
        source = self.source
        while (match := _SPECIAL.search(source, self.pos)) is not None:
            self._emit(source[self.pos : match.start()])
            self.pos = match.start()
            if source[self.pos] == "&":
                char, self.pos = self._char_ref(self.pos)
                self._emit(char)
            elif source.startswith("</", self.pos):
                self._end_tag()
            else:
                self._start_tag()
        self._emit(source[self.pos :])
        if self.stack:
            raise HtmlError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText("".join(self.out), self.entities)

    def _emit(self, text: str) -> None:
        if text:
            self.out.append(text)
            self.length += utf16_len(text)

    def _offset(self, pos: int) -> int:
        """Byte offset of a position, as Telegram reports it."""
        return len(self.source[:pos].encode())

    def _char_ref(self, pos: int) -> tuple[str, int]:
        match = _CHAR_REF.match(self.source, pos)
        if match is None:
            raise HtmlError(f"Character entity expected at byte offset {self._offset(pos)}")
        decimal, hexadecimal, name = match.groups()
        if name is not None:
            char = _NAMED_ENTITIES.get(name)
            if char is None:
                raise HtmlError(
                    f'Unsupported character entity "{match.group()}" '
                    f"at byte offset {self._offset(pos)}"
                )
            return char, match.end()
        code = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise HtmlError(f"Invalid character entity at byte offset {self._offset(pos)}")
        return chr(code), match.end()

    def _decode_value(self, start: int, end: int) -> str:
        """Decode character references inside a quoted attribute value."""
        parts: list[str] = []
        pos = start
        while (amp := self.source.find("&", pos, end)) != -1:
            parts.append(self.source[pos:amp])
            char, pos = self._char_ref(amp)
            parts.append(char)
        parts.append(self.source[pos:end])
        return "".join(parts)

    def _skip_spaces(self, pos: int) -> int:
        source = self.source
        while pos < len(source) and source[pos] in _SPACES:
            pos += 1
        return pos

    def _start_tag(self) -> None:
        source, begin = self.source, self.pos
        pos = begin + 1
        while pos < len(source) and source[pos] not in _SPACES and source[pos] != ">":
            pos += 1
        if pos >= len(source):
            raise HtmlError(f"Unclosed start tag at byte offset {self._offset(begin)}")
        tag = source[begin + 1 : pos].lower()
        if tag not in _ENTITY_TYPES:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {self._offset(begin)}')
        attributes: dict[str, str] = {}
        while True:
            pos = self._skip_spaces(pos)
            if pos >= len(source):
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {self._offset(begin)}')
            if source[pos] == ">":
                break
            pos = self._attribute(tag, begin, pos, attributes)
        self.pos = pos + 1
        self.stack.append(self._open_tag(tag, begin, attributes))

    def _attribute(self, tag: str, begin: int, pos: int, attributes: dict[str, str]) -> int:
        """Read one attribute starting at pos into attributes; return the position after it."""
        source = self.source
        name_start = pos
        while pos < len(source) and source[pos] not in _SPACES and source[pos] not in "=>":
            pos += 1
        name = source[name_start:pos].lower()
        if not name:
            raise HtmlError(
                f'Empty attribute name in the tag "{tag}" at byte offset {self._offset(begin)}'
            )
        pos = self._skip_spaces(pos)
        if pos >= len(source) or source[pos] != "=":
            if tag == "blockquote" and name == "expandable":
                attributes[name] = ""
                return pos
            raise HtmlError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {self._offset(begin)}"
            )
        pos = self._skip_spaces(pos + 1)
        if pos >= len(source):
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {self._offset(begin)}')
        if source[pos] in "\"'":
            end = source.find(source[pos], pos + 1)
            if end == -1:
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {self._offset(begin)}')
            attributes[name] = self._decode_value(pos + 1, end)
            return end + 1
        end = pos
        while end < len(source) and source[end] in _NAME_TOKEN_CHARS:
            end += 1
        if end >= len(source) or source[end] not in _TOKEN_END:
            raise HtmlError(f"Unexpected end of name token at byte offset {self._offset(pos)}")
        attributes[name] = source[pos:end].lower()
        return end

    def _open_tag(self, tag: str, begin: int, attributes: dict[str, str]) -> _OpenTag:
        argument = ""
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._offset(begin)}'
            )
        if tag == "a":
            argument = attributes.get("href", "")
        elif tag == "code":
            css_class = attributes.get("class", "")
            argument = css_class[9:] if css_class.startswith("language-") else ""
        elif tag == "tg-emoji":
            argument = attributes.get("emoji-id", "")
            if not argument.isdigit():
                raise HtmlError("Invalid custom emoji identifier specified")
        return _OpenTag(tag, self.length, argument, "expandable" in attributes)

    def _end_tag(self) -> None:
        source, begin = self.source, self.pos
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {self._offset(begin)}")
        pos = begin + 2
        while pos < len(source) and source[pos] not in _SPACES and source[pos] != ">":
            pos += 1
        name = source[begin + 2 : pos].lower()
        pos = self._skip_spaces(pos)
        if pos >= len(source) or source[pos] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {self._offset(begin)}")
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise HtmlError(
                f"Unmatched end tag at byte offset {self._offset(begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        self.pos = pos + 1
        self._close(opened)

    def _close(self, opened: _OpenTag) -> None:
        """Turn a closed tag into an entity (pre > code with a language sets the pre's)."""
        parent = self.stack[-1] if self.stack else None
        if opened.tag == "code" and parent is not None and parent.tag == "pre":
            parent.argument = parent.argument or opened.argument
            return
        length = self.length - opened.start
        if length == 0 or (opened.tag == "a" and not opened.argument):
            return
        entity: dict[str, object] = {
            "type": _ENTITY_TYPES[opened.tag],
            "offset": opened.start,
            "length": length,
        }
        if opened.tag == "a":
            entity["url"] = opened.argument
        elif opened.tag == "pre" and opened.argument:
            entity["language"] = opened.argument
        elif opened.tag == "tg-emoji":
            entity["custom_emoji_id"] = opened.argument
        elif opened.tag == "blockquote" and opened.expandable:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def split_paragraphs(paragraphs: list[str], limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Join plain-text paragraphs into as few messages as fit ``limit`` (UTF-16 units), breaking
    only between paragraphs, or at a space inside a paragraph too long for one message."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        rest = paragraph
        while utf16_len(rest) > limit:
            cut = rest.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            while utf16_len(rest[:cut]) > limit:
                cut -= 1
            pieces.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
        pieces.append(rest)
    messages: list[str] = []
    for piece in pieces:
        if messages and utf16_len(messages[-1]) + 2 + utf16_len(piece) <= limit:
            messages[-1] += "\n\n" + piece
        else:
            messages.append(piece)
    return messages


def split_message(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """A message (HTML whose tags never span lines) as several if it is too long for one:
    whole paragraphs where they fit, a paragraph too long for a message (a long list) line by
    line, and a line too long for a message at its spaces."""
    if utf16_len(text) <= limit:
        return [text]
    messages: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        whole = utf16_len(paragraph) <= limit
        pieces = [paragraph] if whole else paragraph.split("\n")
        glue = "\n\n"
        for line in pieces:
            for piece in [line] if whole else split_paragraphs([line], limit):
                if current and utf16_len(current) + len(glue) + utf16_len(piece) <= limit:
                    current += glue + piece
                else:
                    if current:
                        messages.append(current)
                    current = piece
                glue = "\n"
    messages.append(current)
    return messages
