"""The links of a plain-text part: all a recipient reads of an e-mail without HTML, and beside
an HTML part what text-only clients show.

A message of text alone is checked as an HTML one is (every link alive, tagged, no
placeholder), its URLs found the way mail clients make them clickable: ``http(s)://`` or
``www.`` up to the next space, without the punctuation that closes the sentence around it.
Beside an HTML part, the text's own URLs (those the HTML does not have) are checked too.
"""

from __future__ import annotations

import re
from dataclasses import replace

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


def own_links(text: str | None, html: Document | None, written: str | None = None) -> list[Link]:
    """The URLs of a plain-text part that the HTML part beside it does not have (a text
    written apart from the HTML keeps last month's sale); none when there is no HTML part.
    Those the HTML has are checked there: one URL, one finding.

    ``written``: the text's template source, when ``text`` is a rendering of it: only URLs
    written there as they are count (what a merge tag renders to in a URL is mailcheck's
    stand-in, "https://domain/…", and no text line pairs it with its source)."""
    if not text or html is None:
        return []
    present = {link.href for link in html.links}
    return [
        replace(link, in_text=True)
        for link in text_document(text).links
        if link.href not in present and (written is None or link.href in written)
    ]


def _trimmed(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url
