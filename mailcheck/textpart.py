"""The links of a plain-text part: all a recipient reads of an e-mail without HTML, and beside
an HTML part what text-only clients show.

A message of text alone is checked as an HTML one is (every link alive, tagged, no
placeholder), its URLs found the way mail clients make them clickable: ``http(s)://`` or
``www.`` up to the next space, without the punctuation that closes the sentence around it.
Beside an HTML part, the text's own URLs (those the HTML does not have) are checked too, and
the findings of those both parts have list the text's lines beside the HTML's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from mailcheck.model import Document, Link, WrappedUrl
from mailcheck.text import SENTENCE_END, collapse_ws, last_sentence

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»]+", re.IGNORECASE)
# Sentence punctuation after a URL is the sentence's; a bracket closes the URL's own only
# when the URL opened one (https://ru.wikipedia.org/wiki/Пушкин_(город))
_TRAILING = ".,;:!?…'\"»"


def text_document(text: str) -> Document:
    """A Document of a plain-text body: its URLs as links. A link's text is what its line
    says beside it ("Отписаться: https://…" is the unsubscribe link), else the URL itself.

    A link's context is the words that lead up to it, ending with the URL as written: those
    of its paragraph since the URL before it, else (a URL that opens its paragraph, under
    "To unsubscribe, follow this link:") the previous paragraph's after its last URL when they
    end with a colon, which leads into the URL (else its own line's alone). It is
    what the sentence around an HTML link is, read as UNS001 reads a text alone (the words
    of a paragraph, or of the one before, name its URL). A URL hard-wrapped at the end of a
    long line is read whole (:func:`_wrapped_on`)."""
    return _read(text)[0]


def _read(text: str) -> tuple[Document, list[WrappedUrl]]:
    """:func:`text_document`, and the URLs in it that a line break cuts."""
    links: list[Link] = []
    wrapped: list[WrappedUrl] = []
    heading = ""  # the last line with words and no URL that ends in ":", until another has words
    lines = text.splitlines()
    leading = ""  # the paragraph's words since its last URL
    previous = ""  # the previous paragraph's words after its last URL, when they end with ":"
    taken: dict[int, int] = {}  # characters of a line that a URL wrapped from above has taken
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            # the paragraph's words name a URL that opens the next only when they lead straight
            # into it ("To unsubscribe, follow this link:"), not "To unsubscribe click below."
            if leading.strip():
                previous = leading if leading.rstrip().endswith((":", "：")) else ""
            leading = ""
            continue
        start = taken.pop(number, 0)
        for match in _URL.finditer(line, start):
            url = _trimmed(match.group(0))
            if url == match.group(0) and match.end() == len(line):
                tail = _wrapped_on(line, lines[number:])
                if tail:
                    url = _trimmed(url + "".join(tail))
                    wrapped.append(WrappedUrl(url, number, (match.group(0), *tail)))
                    for below, piece in enumerate(tail, start=number + 1):
                        taken[below] = len(piece)
            # a URL alone on its line is named by the line that introduces it ("Отписаться:"
            # above it), as UNS001 reads the text: the unsubscribe link needs no UTMs
            label = _own_sentence(line, match.start(), match.end()) or heading
            words = collapse_ws(leading + " " + line[start : match.start()]) or previous
            context = f"{words[-_CONTEXT_CHARS:]} {url}".strip()
            links.append(Link(url, "a", collapse_ws(label) or url, number, url, context=context))
            leading = previous = ""
            start = match.end()
        leading += " " + line[start:]
        if line.strip():
            bare = line.strip(" \t-–—>")
            heading = bare.rstrip(":") if bare.endswith(":") and not _URL.search(line) else ""
    return Document(links=links, text=collapse_ws(text)), wrapped


def _own_sentence(line: str, start: int, end: int) -> str:
    """A URL's own words on its line: the sentence leading into it and the rest of that
    sentence after it ("Unsubscribe: https://…", "https://… — отписаться"), not another
    sentence of the line ("You can unsubscribe at the bottom. Meanwhile, shop our sale at
    https://…" is a shop's link)."""
    before = last_sentence(_URL.sub(" ", line[:start]))
    after = SENTENCE_END.split(_URL.sub(" ", line[end:]), maxsplit=1)[0]
    return f"{before} {after}".strip(" \t:-–—>")


_CONTEXT_CHARS = 300  # of the words before a URL: a sentence or two, not the whole text
# A line that a mail program wrapped: at least this long (they wrap at 72 to 78 columns)
_WRAP_MIN = 60
# What goes on a URL cut at a line's end: the whole next line (a ">" or ")" closing it allowed)
# when it is one run of URL characters, no space in it, and cannot be a line of prose of its own
# (:func:`_continues`)
_URL_TAIL = re.compile(r"[\w\-.~/?=&%#+:;@!$,*()]+")
# A URL's own marks: a query ("?", "=", "&"), an escape ("%"), "_" inside it, or a dot before a
# letter ("ancellazione_i.asp?arg=meteo"); a "/" only at the piece's start or end or beside a
# slug ("d-what-comes-next/", "12/a-very-long-article-name/part"), not between words of prose
# ("B2B/wholesale", "Terms/Privacy" alone on a line)
_URL_MARKS = re.compile(r"[?=&%]|\w_|\.[^\W\d_]|^/|/$|/.*\w+-\w+-\w|\w+-\w+-\w.*/")
_CONTINUATION_MIN = 8  # characters: "50%", "24/7", "Q&A", "#1", "e.g.", "~30" are shorter
# A host at the start of a line ("shop.example/stores"): a link of its own, not a URL's rest
_HOST = re.compile(r"(?:[a-z0-9\-]+\.)+[a-z]{2,}(?:[/:]|$)", re.IGNORECASE)
# A line of its own that looks like a URL's rest: an e-mail address, a word in emphasis
# ("_Sunday_", "*Limited*"), a hashtag ("#SpringSale")
_NOT_A_TAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+$|[_*#~]")
_RULE = re.compile(r"([^\w\s])\1\1")


def _continues(line: str) -> str | None:
    """The rest of a URL that ``line`` is, whole: None unless the line (stripped, a closing ">"
    or ")" after it allowed) is one run of URL characters, at least eight of them, with letters
    and a URL's own mark, that is neither a URL, a host, an e-mail address, a word in emphasis or
    a hashtag, nor a rule drawn under the URL."""
    bare = line.rstrip()
    if not bare[:1].strip():
        return None
    tail = _URL_TAIL.match(bare)
    if not tail or tail.end() < len(bare) - (bare[-1] == ">"):
        return None
    piece = tail.group(0)
    if (
        len(piece) < _CONTINUATION_MIN
        or not any(c.isalpha() for c in piece)
        or not _URL_MARKS.search(piece)
        or _RULE.search(piece)
        or _URL.match(piece)
        or _HOST.match(piece)
        or _NOT_A_TAIL.match(piece)
    ):
        return None
    return piece


def _wrapped_on(line: str, rest: list[str]) -> list[str]:
    """What the next lines add to a URL that ends ``line``, when a mail program hard-wrapped it
    (Outlook's text part: «…/centrofunzionale/meteo/c» then «ancellazione_i.asp?arg=meteo»),
    a piece a line: ``line`` is as long as wrapped lines are and the next line is, whole, the
    rest of a URL (:func:`_continues`). None otherwise: a sentence after a URL ("…/spring" then
    "24/7 customer support"), a URL of its own, a short line (ended on purpose)."""
    tail: list[str] = []
    while rest and len(line) >= _WRAP_MIN:
        piece = _continues(rest[0])
        if piece is None:
            break
        tail.append(piece)
        line, rest = rest[0], rest[1:]
    return tail


class TextPartLinks(NamedTuple):
    """The URLs of a plain-text part beside an HTML part, and those a line break cuts."""

    # those the HTML part does not have (a text written apart from the HTML keeps last month's
    # sale): links of their own, Link.in_text
    own: list[Link]
    # the text's lines of each URL the HTML part has too: checked there, one URL one finding,
    # and that finding lists these lines beside the HTML's
    shared: dict[str, tuple[int, ...]]
    # the text's URLs that a hard line break cuts (:func:`_wrapped_on`), with or without an
    # HTML part: a text-only reader gets the first line's part
    wrapped: tuple[WrappedUrl, ...] = ()


def text_part_links(
    text: str | None, html: Document | None, written: str | None = None
) -> TextPartLinks:
    """The URLs of a plain-text part, as its own links and as lines of the HTML's; none when
    there is no HTML part (a text alone is the campaign's document: :func:`text_document`).
    Its URLs that a line break cuts, with or without an HTML part.

    ``written``: the text's template source, when ``text`` is a rendering of it: only URLs
    written there as they are count (what a merge tag renders to in a URL is mailcheck's
    stand-in, "https://domain/…", and no text line pairs it with its source); a URL cut by a
    line break is written there as it is when its pieces are, on the lines they are on."""
    if not text:
        return TextPartLinks([], {})
    document, wrapped = _read(text)
    # a URL the text cuts stands in the source as the text has it: with the line break
    as_written = {(w.line, w.url): "\n".join(w.pieces) for w in wrapped}
    source = written.replace("\r\n", "\n") if written is not None else None

    def kept(href: str, line: int) -> bool:
        return source is None or as_written.get((line, href), href) in source

    wrapped = [w for w in wrapped if kept(w.url, w.line)]
    if html is None:
        return TextPartLinks([], {}, tuple(wrapped))
    present = {link.href for link in html.links}
    own: list[Link] = []
    shared: dict[str, list[int]] = {}
    for link in document.links:
        if not kept(link.href, link.line):
            continue
        if link.href in present:
            shared.setdefault(link.href, []).append(link.line)
        else:
            own.append(replace(link, in_text=True))
    lines = {href: tuple(numbers) for href, numbers in shared.items()}
    return TextPartLinks(own, lines, tuple(wrapped))


def _trimmed(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url
