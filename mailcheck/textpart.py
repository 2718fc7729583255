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

from mailcheck.model import Document, Link
from mailcheck.text import collapse_ws

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»]+", re.IGNORECASE)
# Sentence punctuation after a URL is the sentence's; a bracket closes the URL's own only
# when the URL opened one (https://ru.wikipedia.org/wiki/Пушкин_(город))
_TRAILING = ".,;:!?…'\"»"


def text_document(text: str) -> Document:
    """A Document of a plain-text body: its URLs as links. A link's text is what its line
    says beside it ("Отписаться: https://…" is the unsubscribe link), else the URL itself.

    A link's context is the words that lead up to it, ending with the URL as written: those
    of its paragraph since the URL before it, else (a URL that opens its paragraph, under
    "To unsubscribe, follow this link:") the previous paragraph's after its last URL. It is
    what the sentence around an HTML link is, read as UNS001 reads a text alone (the words
    of a paragraph, or of the one before, name its URL). A URL hard-wrapped at the end of a
    long line is read whole (:func:`_wrapped_on`)."""
    links: list[Link] = []
    heading = ""  # the last line with words and no URL that ends in ":", until another has words
    lines = text.splitlines()
    leading = ""  # the paragraph's words since its last URL
    previous = ""  # the previous paragraph's words after its last URL
    taken = 0  # characters of this line a URL wrapped from the line before has taken
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if leading.strip():
                previous = leading
            leading = ""
            taken = 0
            continue
        start = taken
        taken = 0
        for match in _URL.finditer(line, start):
            url = _trimmed(match.group(0))
            if url == match.group(0) and match.end() == len(line):
                tail = _wrapped_on(line, lines[number:])
                if tail:
                    url = _trimmed(url + tail)
                    taken = len(tail)
            # a URL alone on its line is named by the line that introduces it ("Отписаться:"
            # above it), as UNS001 reads the text: the unsubscribe link needs no UTMs
            label = _URL.sub(" ", line).strip(" \t:-–—>") or heading
            words = collapse_ws(leading + " " + line[start : match.start()]) or previous
            context = f"{words[-_CONTEXT_CHARS:]} {url}".strip()
            links.append(Link(url, "a", collapse_ws(label) or url, number, url, context=context))
            leading = previous = ""
            start = match.end()
        leading += " " + line[start:]
        if line.strip():
            bare = line.strip(" \t-–—>")
            heading = bare.rstrip(":") if bare.endswith(":") and not _URL.search(line) else ""
    return Document(links=links, text=collapse_ws(text))


_CONTEXT_CHARS = 300  # of the words before a URL: a sentence or two, not the whole text
# A line that a mail program wrapped: at least this long (they wrap at 72 to 78 columns)
_WRAP_MIN = 60
# What goes on a URL cut at a line's end: the next line's first word, made of URL characters,
# with a URL's own marks in it (a "/", "?", "=", "&", "_", "%", "#", "~", or a dot before a
# letter: "ancellazione_i.asp?arg=meteo"), letters or digits, no URL of its own, and no rule
# drawn under the URL ("~~~~~~", "=====")
_URL_TAIL = re.compile(r"[\w\-.~/?=&%#+:;@!$,*()]+")
_URL_MARKS = re.compile(r"[/?=&_%#~]|\.\w")
_RULE = re.compile(r"([^\w\s])\1\1")


def _wrapped_on(line: str, rest: list[str]) -> str:
    """What the next lines add to a URL that ends ``line``, when a mail program hard-wrapped it
    (Outlook's text part: «…/centrofunzionale/meteo/c» then «ancellazione_i.asp?arg=meteo»):
    ``line`` is as long as wrapped lines are and the next line begins, with no space, with a
    word that can only be the rest of a URL. "" otherwise: a sentence after a URL ("…/sale" then
    "Next week"), a URL of its own, a short line (which was ended on purpose)."""
    tail = ""
    while rest and len(line) >= _WRAP_MIN and rest[0][:1].strip():
        word = _URL_TAIL.match(rest[0])
        if (
            not word
            or not _URL_MARKS.search(word.group(0))
            or not any(c.isalnum() for c in word.group(0))
            or _RULE.search(word.group(0))
            or _URL.match(rest[0])
        ):
            break
        tail += word.group(0)
        if word.end() < len(rest[0]):
            break  # the URL ends on this line
        line, rest = rest[0], rest[1:]
    return tail


class TextPartLinks(NamedTuple):
    """The URLs of a plain-text part beside an HTML part."""

    # those the HTML part does not have (a text written apart from the HTML keeps last month's
    # sale): links of their own, Link.in_text
    own: list[Link]
    # the text's lines of each URL the HTML part has too: checked there, one URL one finding,
    # and that finding lists these lines beside the HTML's
    shared: dict[str, tuple[int, ...]]


def text_part_links(
    text: str | None, html: Document | None, written: str | None = None
) -> TextPartLinks:
    """The URLs of a plain-text part, as its own links and as lines of the HTML's; none when
    there is no HTML part (a text alone is the campaign's document: :func:`text_document`).

    ``written``: the text's template source, when ``text`` is a rendering of it: only URLs
    written there as they are count (what a merge tag renders to in a URL is mailcheck's
    stand-in, "https://domain/…", and no text line pairs it with its source)."""
    if not text or html is None:
        return TextPartLinks([], {})
    present = {link.href for link in html.links}
    own: list[Link] = []
    shared: dict[str, list[int]] = {}
    for link in text_document(text).links:
        if written is not None and link.href not in written:
            continue
        if link.href in present:
            shared.setdefault(link.href, []).append(link.line)
        else:
            own.append(replace(link, in_text=True))
    return TextPartLinks(own, {href: tuple(lines) for href, lines in shared.items()})


def _trimmed(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url
