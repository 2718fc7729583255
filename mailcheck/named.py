"""Quotes of rendered text with what no value fills shown as "[name]" where it stands.

A variable that no sample gives and no fallback fills renders empty here, and a quote of that
render glues the words around it («Здравствуйте, !», "Click here,"): it reads as a defect of
the e-mail, which mailcheck does not claim. The engine renders the main variant once more
with each such field written "[name]" (``Rendered.unseen_document``); a rule quotes a text of
the main render as that render shows it, the way PRE001's first text does. The judgement is
still the render's own: only the quote changes. (PER001's evidence, "with name = "" the text
reads “Hi ,”", quotes the gap on purpose: there the gap is the point.)
"""

from __future__ import annotations

import re

from mailcheck.model import Link, Rendered
from mailcheck.unsubscribe import link_name

_NAME = re.compile(r"\[[^\[\]\s]+\]")


def fits(text: str, named: str) -> bool:
    """Whether ``named`` is ``text`` with only "[name]"s added where the render left gaps (the
    spaces aside): the same words, so the quote shows no other render's text."""
    if named == text or "[" not in named:
        return False
    return "".join(_NAME.sub("", named).split()) == "".join(text.split())


def named_within(text: str, named: str | None) -> str:
    """``text``, a piece of a rendered text, as the same piece of ``named`` (that text
    rendered with the unseen fields written "[name]") shows it: the same words, with the
    "[name]"s that stand among them, and one that stands right before a piece starting with
    a comma, a semicolon or a colon (", this is preheader text": the field left a gap before
    it). ``text`` itself when ``named`` holds no such piece or adds no name to it."""
    if not named or "[" not in named or not text.strip():
        return text
    # each non-blank character of ``named`` outside a "[name]" (the words the render shares),
    # with where it stands; a "[name]" is remembered by where the next such character is
    kept: list[int] = []
    names_before: set[int] = set()  # indexes of ``kept`` that a "[name]" stands before
    at = 0
    for found in [*_NAME.finditer(named), None]:
        end = found.start() if found else len(named)
        kept += [i for i in range(at, end) if not named[i].isspace()]
        if found:
            names_before.add(len(kept))
            at = found.end()
    words = "".join(named[i] for i in kept)
    piece = "".join(text.split())
    first = words.find(piece)
    if first < 0:
        return text
    last = first + len(piece) - 1
    start = kept[first]
    if first in names_before and piece[0] in ",;:":
        start = named.rfind("[", 0, start)  # the "[name]" that left the gap before it
    shown = named[start : kept[last] + 1]
    return shown if shown != text and _NAME.search(shown) else text


def named_link_text(main: Rendered | None, link: Link) -> str:
    """``link.text`` as a quote shows it: as the render with the unseen fields written
    "[name]" has it ("Click here, [first_name]"), when ``link`` is the main render's and that
    render has the same link there with the same words; else the text itself."""
    named = main.unseen_document if main is not None else None
    document = main.document if main is not None else None
    if named is None or document is None or not any(link is own for own in document.links):
        return link.text
    index = _index_on_line(document.links, link)
    same = [other for other in named.links if other.kind == link.kind and other.line == link.line]
    if index < len(same) and fits(link.text, same[index].text):
        return same[index].text
    return link.text


def named_link_name(main: Rendered | None, link: Link) -> str:
    """What a message calls ``link`` (:func:`~mailcheck.unsubscribe.link_name`: its text, else
    its title or URL), its text as :func:`named_link_text` quotes it."""
    return named_link_text(main, link) if link.text else link_name(link)


def _index_on_line(links: list[Link], link: Link) -> int:
    """Which of the links of ``link``'s kind on its line it is (0 for the first)."""
    same = [other for other in links if other.kind == link.kind and other.line == link.line]
    return next(i for i, other in enumerate(same) if other is link)
