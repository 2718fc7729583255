"""Grapheme counting and preheader padding removal."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from mailcheck.text import (
    QUOTED_MAX,
    collapse_ws,
    grapheme_len,
    quoted,
    stops_inside_tag,
    strip_padding,
)


@pytest.mark.parametrize(
    "s",
    [
        "й",  # precomposed
        "и\u0306",  # и + combining breve
        "😀",
        "🇷🇺",
        "👨\u200d👩\u200d👧",  # family emoji joined by ZWJ
        "❤️",  # with variation selector 16
        "👍🏽",  # with skin-tone modifier
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    ],
)
def test_one_perceived_character(s: str) -> None:
    assert grapheme_len(s) == 1
    assert len(s) >= 1


def test_grapheme_len_of_words() -> None:
    assert grapheme_len("") == 0
    assert grapheme_len("Hello") == 5
    assert grapheme_len("Привет, мир") == 11
    assert grapheme_len("Скидка 🇷🇺 −30%") == 13
    assert grapheme_len("ёжик") == grapheme_len("е\u0308жик") == 4
    assert grapheme_len("a\r\nb") == 3  # CR LF is one cluster


def test_collapse_ws() -> None:
    assert collapse_ws("  a \n\t b\u00a0\u00a0c  ") == "a b c"
    assert collapse_ws("") == ""


def test_strip_padding_removes_the_usual_runs() -> None:
    padding = "\u200c\u00a0" * 30 + "\u034f " * 20 + "\u00ad\u200b\u200d\u2060\ufeff\u180e"
    assert strip_padding("Только до воскресенья" + padding) == "Только до воскресенья"
    assert strip_padding("Only this weekend " + padding + " ") == "Only this weekend"


def test_strip_padding_keeps_meaningful_spaces_and_emoji() -> None:
    assert strip_padding("Только\u00a0сегодня") == "Только сегодня"
    family = "👨\u200d👩\u200d👧"
    assert strip_padding(f"Для всей семьи {family}\u200c\u200c") == f"Для всей семьи {family}"
    assert strip_padding("Love ❤️ \u200d \ufe0f") == "Love ❤️"


def test_strip_padding_removes_other_format_characters() -> None:
    # U+2061 (function application) and U+200E (LRM) are Cf: invisible
    assert strip_padding("\u2061\u200ea\u200e") == "a"
    assert strip_padding("\u200c\u00a0\u034f") == ""


def test_every_format_character_is_padding() -> None:
    """The spelled-out Cf list in mailcheck.text matches the running Python's Unicode data."""
    emoji_parts = {0x200D, *range(0xE0020, 0xE0080)}
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)) == "Cf" and cp not in emoji_parts:
            assert strip_padding(f"a{chr(cp)}b") == "ab", hex(cp)


def test_every_padding_character_is_removed_whatever_text_stands_around_it() -> None:
    """strip_padding tests a text for the padding's BMP characters, and for any character
    beyond the BMP, before it scans the slow classes: every character they remove is removed
    still, beside Cyrillic (one byte beyond Latin-1) as beside an emoji (beyond the BMP)."""
    from mailcheck.text import _ALWAYS_PADDING

    removed = [chr(cp) for cp in range(sys.maxunicode + 1) if _ALWAYS_PADDING.fullmatch(chr(cp))]
    assert len(removed) > 80
    for c in removed:
        assert strip_padding(f"да{c}нет") == "данет", hex(ord(c))
        assert strip_padding(f"😀{c}😀") == "😀😀", hex(ord(c))


def test_quoted_keeps_short_texts_and_cuts_long_ones_between_characters() -> None:
    assert quoted("Скидки до −30% 🇷🇺") == "Скидки до −30% 🇷🇺"
    assert quoted("x" * QUOTED_MAX) == "x" * QUOTED_MAX
    assert quoted("й" * 5 + "🇷🇺" * 5, most=7) == "й" * 5 + "🇷🇺" * 2 + "…"  # flags whole
    assert quoted("👨‍👩‍👧" * 400, most=3) == "👨‍👩‍👧" * 3 + "…"
    zalgo = "a" + "\u0301" * 20  # one character of 21 code points
    assert quoted(zalgo * 100, most=10) == zalgo * 10 + "…"


# Where an HTML stops inside a tag (INP001's "cut off"), as the read of whole tokens at once
# and the token-by-token read after it agree: each case crosses what the first one reads
CUT_OFF_CASES = [
    ('<p>a</p><a href="https://ex', 8),
    ('<p title="a > b">a</p><img alt="a > b" src="ht', 22),
    ("<p>3 < 5</p><", 12),
    ("<p>a</p><!-- a <b -->", None),  # a "<" in a comment begins no tag
    ("<p>a</p><!--> <b", 14),  # "<!-->" is a whole comment
    ("<p>a</p><!-- not closed <b", None),  # ends inside a comment
    ("<!--[if mso]><table><tr><td", 24),  # what Outlook's comment holds is HTML
    ("<script>if (a<b) x()</script><p", 29),
    ("<script>if (a<b) x()", None),  # ends in a script's text
    ("<script/><p", 9),  # a script that ends with "/>" has no text
    ("<style>p{}</STYLE ><p", 19),
    ("<title>a <b</title>", None),
    ("<html><body></body></html><p", None),  # after the whole document
    ("<html><!-- </html> --><p", 22),  # a </html> in a comment ends nothing
    ('<p a="</html>">x</p><p', 20),  # nor in an attribute value
    ("{% if a <b %}<p>", None),  # template code holds no tag
    ("<?php echo 1; ?><p", 16),
    ("«<ВАШ ГОРОД»", None),
    ("<p>a</p>", None),
]


@pytest.mark.parametrize(("html", "at"), CUT_OFF_CASES)
def test_stops_inside_tag(html: str, at: int | None) -> None:
    assert stops_inside_tag(html) == at


def test_stops_inside_tag_reads_a_whole_document_at_once() -> None:
    """The whole tokens up to </html> are read by one compiled expression, not one by one in
    Python (the offline pass reads every HTML so: the speed issue's item 4)."""
    from mailcheck.text import _WHOLE_TOKENS

    head = "<!DOCTYPE html><html><head><title>a<b</title><style>p>a{}</style></head><body>"
    body = '<!--[if mso]><table><![endif]--><p class="x" title="a > b">3 < 5 <?x?></p></body>'
    html = head + body + "</html>"
    whole = _WHOLE_TOKENS.match(html)
    assert whole is not None and html[whole.end() :] == "</html>"
