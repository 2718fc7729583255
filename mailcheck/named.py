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

_NAME = re.compile(r"\[[^\[\]\s]+\]")


def fits(text: str, named: str) -> bool:
    """Whether ``named`` is ``text`` with only "[name]"s added where the render left gaps (the
    spaces aside): the same words, so the quote shows no other render's text."""
    if named == text or "[" not in named:
        return False
    return "".join(_NAME.sub("", named).split()) == "".join(text.split())


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


def _index_on_line(links: list[Link], link: Link) -> int:
    """Which of the links of ``link``'s kind on its line it is (0 for the first)."""
    same = [other for other in links if other.kind == link.kind and other.line == link.line]
    return next(i for i, other in enumerate(same) if other is link)
