"""The Telegram HTML validator: what it accepts, what it sees, what it rejects."""

from __future__ import annotations

import pytest

from sandbox.local_api import HtmlError, parse_html

ACCEPTED = [
    ("plain text", "plain text"),
    ("<b>bold</b> <strong>strong</strong>", "bold strong"),
    ("<i>i</i><em>em</em><u>u</u><ins>ins</ins>", "iemuins"),
    ("<s>s</s><strike>strike</strike><del>del</del>", "sstrikedel"),
    ('<span class="tg-spoiler">secret</span> <tg-spoiler>hidden</tg-spoiler>', "secret hidden"),
    ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link"),
    ("<code>x = 1</code>", "x = 1"),
    ('<pre><code class="language-python">print(1)</code></pre>', "print(1)"),
    ("<blockquote>quote</blockquote>", "quote"),
    ("<blockquote expandable>long quote</blockquote>", "long quote"),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
    ("&lt;tag&gt; &amp; &quot;q&quot;", '<tag> & "q"'),
    ("&#65;&#x42;&#X43;", "ABC"),
    ("<B>upper</B>", "upper"),
    ("<b>bold <i>both</i></b>", "bold both"),
    ("a > b", "a > b"),
    ("<b>closed by short tag</>", "closed by short tag"),
]

REJECTED = [
    ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
    ("hello <br/>", 'Unsupported start tag "br/" at byte offset 6'),
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("Ünï <x>", 'Unsupported start tag "x" at byte offset 6'),
    ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
    ("text</b>", "Unexpected end tag at byte offset 4"),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ('<span class="other">x</span>', 'Tag "span" must have class "tg-spoiler"'),
    ("AT&T", "Character entity expected at byte offset 2"),
    ("&nbsp;", 'Unsupported character entity "&nbsp;"'),
    ("&#0;", "Invalid character entity at byte offset 0"),
    ("<b", "Unclosed start tag at byte offset 0"),
    ('<a href="x>y', 'Unclosed start tag "a" at byte offset 0'),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
    ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
    ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
]


@pytest.mark.parametrize(("source", "text"), ACCEPTED)
def test_accepted_html_yields_visible_text(source: str, text: str) -> None:
    assert parse_html(source).text == text


@pytest.mark.parametrize(("source", "error"), REJECTED)
def test_rejected_html_explains_like_telegram(source: str, error: str) -> None:
    with pytest.raises(HtmlError) as raised:
        parse_html(source)
    assert str(raised.value).startswith(error)


def test_entities_use_utf16_offsets() -> None:
    parsed = parse_html("😀 <b>bold</b> <a href='https://t.me'>link</a>")

    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://t.me"},
    ]


def test_pre_with_language_and_expandable_quote() -> None:
    parsed = parse_html(
        '<pre><code class="language-py">x</code></pre><blockquote expandable>q</blockquote>'
    )

    assert parsed.entities == [
        {"type": "pre", "offset": 0, "length": 1, "language": "py"},
        {"type": "expandable_blockquote", "offset": 1, "length": 1},
    ]


def test_nested_entities_sort_outer_first() -> None:
    parsed = parse_html("<b>a<i>b</i></b>")

    assert [entity["type"] for entity in parsed.entities] == ["bold", "italic"]
