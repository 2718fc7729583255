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
    says beside it ("Отписаться: https://…" is the unsubscribe link), else the URL itself."""
    links: list[Link] = []
    heading = ""  # the last line with words and no URL that ends in ":", until another has words
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _URL.finditer(line):
            url = _trimmed(match.group(0))
            # a URL alone on its line is named by the line that introduces it ("Отписаться:"
            # above it), as UNS001 reads the text: the unsubscribe link needs no UTMs
            label = _URL.sub(" ", line).strip(" \t:-–—>") or heading
            links.append(Link(url, "a", collapse_ws(label) or url, number, url))
        if line.strip():
            bare = line.strip(" \t-–—>")
            heading = bare.rstrip(":") if bare.endswith(":") and not _URL.search(line) else ""
    return Document(links=links, text=collapse_ws(text))


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
