"""Text measured the way a reader sees it: grapheme clusters, without invisible padding.

Subject and preheader limits count *user-perceived characters*: "й" (precomposed or и + combining
breve), "😀", "🇷🇺" and a ZWJ family emoji are one character each. Preheaders are usually
followed by padding (``&zwnj;&nbsp;&#847;…``) that keeps mail clients from pulling body text into
the inbox preview; that padding is not part of the preheader's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex

from mailcheck.i18n import quoted_list, t

_GRAPHEME = regex.compile(r"\X")

# Invisible characters that are padding wherever they stand: every format character (Cf) except
# the ones that build emoji (ZWJ in 👨‍👩‍👧, tag characters in subdivision flags), the combining
# grapheme joiner (&#847;), Hangul fillers, Khmer inherent vowels, Mongolian variation selectors
# and the blank Braille pattern, all of which render as nothing (or a blank) and are used for
# preheader padding.
# (Spelled out for the stdlib ``re``, which is several times faster here than ``\p{Cf}``;
# tests/test_text.py checks the list against the running Python's Unicode database.)
FORMAT_CHARACTERS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c"
    "\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001"
)  # every Cf character but U+200D (ZWJ) and U+E0020..U+E007F (tags)
_ALWAYS_PADDING = re.compile(
    f"[{FORMAT_CHARACTERS}\u034f\u115f\u1160\u3164\uffa0\u17b4\u17b5\u180b-\u180f\u2800]+"
)
# Characters that are padding only when they do not belong to a visible cluster (an emoji).
_CONTEXTUAL = re.compile(r"[\u200D\uFE00-\uFE0F\U000E0020-\U000E007F\U000E0100-\U000E01EF]")
_INVISIBLE_CLUSTER = regex.compile(r"^[\s\p{Cf}\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}]+$")
# The two classes above name characters beyond the BMP, so ``re`` tests each character of a
# text against their ranges one by one (~100 instructions a character, the larger part of a
# parse's text reading). Their BMP characters alone make a table ``re`` looks up at once: a
# text with none of them and no character beyond the BMP has nothing either class can match.
_MAY_PAD_BMP = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c"
    "\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"  # FORMAT_CHARACTERS'
    "\u034f\u115f\u1160\u3164\uffa0\u17b4\u17b5\u180b-\u180f\u2800"  # the other padding
    "\u200d\ufe00-\ufe0f]"  # _CONTEXTUAL's
)
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def collapse_ws(s: str) -> str:
    """Runs of whitespace (including no-break and other Unicode spaces) become one space."""
    return " ".join(s.split())


def strip_padding(s: str) -> str:
    """``s`` without invisible preheader padding, whitespace collapsed.

    ``&nbsp;`` and other Unicode spaces count as whitespace (so "Только&nbsp;сегодня" keeps its
    space); invisible format characters are removed, except where they are part of an emoji.
    """
    if s.isascii():  # O(1) in CPython: nothing invisible can be in it
        return " ".join(s.split())
    if _MAY_PAD_BMP.search(s) is None and _BEYOND_BMP.search(s) is None:
        return collapse_ws(s)  # nothing for the two classes below to find
    s = _ALWAYS_PADDING.sub("", s)
    if _CONTEXTUAL.search(s):
        s = "".join(_visible_or_space(c) for c in _GRAPHEME.findall(s))
    return collapse_ws(s)


def _visible_or_space(cluster: str) -> str:
    if not _INVISIBLE_CLUSTER.match(cluster):
        return cluster
    return " " if any(c.isspace() for c in cluster) else ""


def grapheme_len(s: str) -> int:
    """The number of user-perceived characters (extended grapheme clusters) in ``s``."""
    if s.isascii() and "\r\n" not in s:
        return len(s)  # every ASCII character but CR LF is a cluster of its own
    # A long run of regional indicators (flags) makes \X quadratic (60,000 flags: 27 s). They
    # pair left to right within a run (UAX #29 GB12/13), so each pair counts as one symbol.
    return len(_GRAPHEME.findall(_FLAG.sub("\u2690", s)))


_FLAG = regex.compile(r"[\U0001F1E6-\U0001F1FF]{2}")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(s: str) -> str:
    """``s`` with each lone surrogate replaced by "�": what a file name's bytes that are not
    UTF-8 become in Python (a Cyrillic name unpacked from a Windows ZIP archive is CP866), and
    what no UTF-8 output (JSON, a database, a report) can hold."""
    return _LONE_SURROGATE.sub("\ufffd", s)


QUOTED_MAX = 300  # characters of a text a message quotes (a subject of 130,000 was seen)


def quoted(s: str, most: int = QUOTED_MAX) -> str:
    """``s`` for quoting in a message: its first ``most`` characters (grapheme clusters, so no
    emoji is cut in half) and "…" when it is longer."""
    if len(s) <= most:
        return s
    window = 4 * most + 64  # a cluster is rarely over 4 code points: no need to split it all
    clusters = _GRAPHEME.findall(s, 0, window)
    if len(clusters) <= most and len(s) > window:
        clusters = _GRAPHEME.findall(s)  # clusters that long are rare: read them all
    return "".join(clusters[:most]) + "…" if len(clusters) > most else s


def quoted_written(text: str) -> str:
    """``text`` as a message quotes what a template writes (“{{ campaign.subject }}”): its
    blanks one space, the first characters only, in the quotes of the reader's language
    («…» in Russian: a :class:`~mailcheck.i18n.Message`, as :func:`quoted_list`'s items);
    "" when it is blank."""
    written = " ".join(text.split())
    return t("“{text}”", text=quoted(written)) if written else ""


def quoted_names(names: Iterable[str]) -> str:
    """File or partial names as a message lists them: “header”, “footer”."""
    return quoted_list(quoted(name) for name in names)


# An HTML character reference as a reader would see it when it is not read as one: "&nbsp;",
# "&#8212;", "&#x2014;" (the names are HTML's own, so "R&D;" or "&co;" is no reference)
_REFERENCE = re.compile(r"&(?:#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def references_shown(text: str) -> list[str]:
    """The character references ``text`` shows as they are written, each once, in order."""
    if "&" not in text:
        return []
    from html.entities import html5  # here: only a text with an "&" needs the table

    found = (m.group(0) for m in _REFERENCE.finditer(text))
    return list(dict.fromkeys(r for r in found if r[1] == "#" or r[1:] in html5))


# A tag of an element HTML e-mails are made of, start or end ("<td align=center>", "</p>")
_ELEMENT_TAG = re.compile(
    r"</?(html|head|body|title|meta|style|table|tbody|tr|td|th|div|span|p|br|hr|a|img|font"
    r"|center|b|i|u|strong|em|h[1-6]|ul|ol|li)(?=[\s/>])[^<>]*>",
    re.I,
)
_MARKUP_TAGS = 10  # tags a plain text has only when it is HTML source


def html_source(text: str) -> tuple[int, list[str]] | None:
    """Where a plain text shows HTML source, when it does: the line its first tag is on and
    the first start tags written ("<html>", "<head>", …), each once; None when the text has
    fewer than ten tags of HTML's elements (a text that names a tag or two is a text)."""
    tags = list(_ELEMENT_TAG.finditer(text))
    if len(tags) < _MARKUP_TAGS:
        return None
    line = text.count("\n", 0, tags[0].start()) + 1
    names = dict.fromkeys(f"<{m.group(1).lower()}>" for m in tags if m.group(0)[1] != "/")
    return line, list(names)[:4]


def without_references_shown(text: str) -> str:
    """``text`` without the character references it shows as written (BRF003's: an HTML that
    escapes ``&zwnj;&nbsp;`` padding twice shows it, and that is one cause)."""
    for reference in references_shown(text):
        text = text.replace(reference, "")
    return text


# Template code a template engine replaces before any HTML is read ({% if a <b %}, {{ x }},
# {# note #}): its "<" begins no tag
_TEMPLATE_CLOSERS = {"{%": "%}", "{{": "}}", "{#": "#}"}
_TEMPLATE_OPENER = re.compile(r"\{[%{#]")
# Elements whose content a browser reads as text up to their end tag ("if (a<b)" in a script)
_RAW_TEXT = re.compile(r"<(script|style|title|textarea|xmp)\b", re.I)
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}[\s/>]", re.I)
    for name in ("script", "style", "title", "textarea", "xmp")
}


def stops_inside_tag(html: str) -> int | None:
    """Where (the index of its "<") the tag an HTML stops inside begins, when it stops inside
    one: cut off, as no HTML ends ("<p><", '<a href="https://ex', '<img alt="a > b" src="ht').
    Read as a browser's tokenizer reads it: a "<" begins a tag before a Latin letter ("<b",
    "</p", "<!DOCTYPE"; a lone "<" at the very end too), not before a space, another letter
    («<ВАШ ГОРОД») or "?" (PHP); a ">" in a quoted attribute value ends no tag; comments, the
    text of a script, style or title, and template code ({% if a <b %}) hold no tag (what
    Outlook's "<!--[if mso]>" holds is HTML to it). None
    when it ends with text, a whole tag or inside a comment (an HTML without </html> is legal,
    and complete), or the tag begins after a real </html> (a stray "<" after the whole
    document; one inside a comment ends nothing)."""
    text = _template_blanked(html.rstrip())
    ended = False  # a </html> read
    # what the loop reads up to the first </html> or unfinished token, read at once
    whole = _WHOLE_TOKENS.match(text)
    at = whole.end() if whole else 0
    while (start := text.find("<", at)) >= 0:
        rest = text[start + 1 : start + 4]
        if text.startswith("<!--[if", start):  # Outlook reads what it holds as HTML
            close = text.find(">", start)
            if close < 0:
                return start
            at = close + 1
            continue
        if rest.startswith("!--"):
            close = text.find("-->", start + 2)
            if close < 0:
                return None  # ends inside a comment: no tag
            at = close + 3
            continue
        if (
            not rest
            or (rest[0].isascii() and rest[0].isalpha())
            or (rest[0] in "/!" and (len(rest) < 2 or (rest[1].isascii() and rest[1].isalpha())))
        ):
            end = _tag_end(text, start)
            if end is None:
                return None if ended else start
            tag = text[start:end].lower()
            ended = ended or tag.startswith("</html")
            raw = _RAW_TEXT.match(text, start)
            if raw and not tag.endswith("/>"):
                found = _RAW_TEXT_END[raw.group(1).lower()].search(text, end)
                if found is None:
                    return None  # ends in a script's or a title's text: no tag
                end = found.start()
            at = end
            continue
        if rest[0] in "!?/":  # a bogus comment ("<?php", "<!x", "</ "), to the next ">"
            close = text.find(">", start)
            if close < 0:
                return None
            at = close + 1
            continue
        at = start + 1  # a "<" of text ("3 < 5")
    return None


def _tag_end(text: str, start: int) -> int | None:
    """The index after the ">" that ends the tag begun at ``start``, as a browser reads it (a
    ">" inside a quoted attribute value is the value's); None when the text ends first."""
    at = start + 1
    while True:
        found = _TAG_STOP.search(text, at)
        if found is None:
            return None
        if found.group() == ">":
            return found.end()
        quote = found.group()[-1]
        close = text.find(quote, found.end())
        if close < 0:
            return None
        at = close + 1


# In a tag: its end, or an attribute value's opening quote (after "=")
_TAG_STOP = re.compile(r">|=[ \t\n\r\f]*[\"']")

# The tokens stops_inside_tag reads one by one, read as it reads them, whole ones only: no
# </html> (its reading goes on from there, which is rarely before the end) and no raw-text
# element that ends with "/>". Text; Outlook's "<!--[if …]>"; a comment ("<!-->" ends one);
# a script's, style's or title's start tag and its text (the end tag comes next); a tag (a
# ">" in a quoted attribute value is the value's); a bogus comment ("<?php …>", "<!x>",
# "</ >"); a "<" of text ("3 < 5").
_IN_TAG = (
    r"""[^>=]*(?:(?:=[ \t\n\r\f]*"[^"]*"|=[ \t\n\r\f]*'[^']*'|=(?![ \t\n\r\f]*["']))[^>=]*)*>"""
)
_RAW_NAMES = ("script", "style", "title", "textarea", "xmp")
_WHOLE_TOKENS = re.compile(
    "(?:"
    + "|".join(
        [
            r"[^<]+",
            r"<!--\[if[^>]*>",
            r"<!(?=--)[^-]*(?:-(?!->)[^-]*)*-->",
            *(
                rf"<(?ai:{name})\b{_IN_TAG}(?<!/>)"
                rf"[^<]*(?:<(?!/(?i:{name})[\s/>])[^<]*)*(?=</(?i:{name})[\s/>])"
                for name in _RAW_NAMES
            ),
            rf"<(?=[A-Za-z]|[/!][A-Za-z])(?!/(?i:html))(?!(?i:{'|'.join(_RAW_NAMES)})\b){_IN_TAG}",
            r"<(?=[!?/])(?![/!][A-Za-z]|[/!]\Z|!--)[^>]*>",
            r"<(?![A-Za-z!?/]|\Z)",
        ]
    )
    + ")*"
)


def _template_blanked(text: str) -> str:
    """``text`` with each whole construct of template code ({% … %}, {{ … }}, {# … #})
    blanked to spaces (lines kept): in one pass, an opener with no closer after it ends the
    search for its kind."""
    spans: list[tuple[int, int]] = []
    at, done = 0, set()
    while found := _TEMPLATE_OPENER.search(text, at):
        opener = found.group()
        if opener in done:
            at = found.start() + 1
            continue
        close = text.find(_TEMPLATE_CLOSERS[opener], found.end())
        if close < 0:
            done.add(opener)
            at = found.start() + 1
            continue
        spans.append((found.start(), close + 2))
        at = close + 2
    if not spans:
        return text
    parts, last = [], 0
    for begin, end in spans:
        parts += [text[last:begin], re.sub(r"[^\n]", " ", text[begin:end])]
        last = end
    return "".join([*parts, text[last:]])


# Where a sentence ends: its full stop, "!", "?" or "…" before a space
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def last_sentence(words: str) -> str:
    """The last sentence of ``words`` that has words: the one that leads into what follows
    ("…unsubscribe at the bottom. Meanwhile, shop our sale at" → "Meanwhile, shop our sale
    at"), or the last one whole when it ends right before ("To unsubscribe, click below.")."""
    sentences = [each for each in SENTENCE_END.split(words) if each.strip()]
    return sentences[-1] if sentences else ""
