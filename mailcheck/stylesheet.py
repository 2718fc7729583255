"""The images a ``<style>`` block shows: the url()s of its image properties, in the rules that
style an element of the e-mail.

An inline style's url() is its element's own; a stylesheet's rule styles what its selector
picks, and a rule for an element the e-mail does not have shows nothing to anyone. Which
element a rule is for is its selector's last part: ``[data-ogsc] .logo`` is Outlook.com's dark
mode for ``.logo`` (the attribute is Outlook's own), ``u + .body .x`` Gmail's for ``.x``, and
``.logo:hover`` styles ``.logo`` when pointed at. Fonts (``@font-face``) and imported
stylesheets (``@import``) are no pictures: when they fail the text shows in another font.

tinycss2 reads the CSS as browsers tokenise it (comments, quoted and unquoted URLs, nested
``@media``); cssselect turns a selector into the XPath lxml asks the parsed tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

# The properties whose url() is a picture on the element (background, bullets, borders, the
# ::before/::after content): what a broken URL leaves as an empty box or a missing logo.
_IMAGE_PROPERTIES = frozenset(
    {
        "background",
        "background-image",
        "list-style",
        "list-style-image",
        "border-image",
        "border-image-source",
        "content",
    }
)
# A cheap test before any parse: most stylesheets with a url() only import fonts (the
# look-ahead at the first letters passes over most places at once: 40% of the scan's time)
_IMAGE_DECLARATION = re.compile(
    r"(?=[blc])(?:background(?:-image)?|list-style(?:-image)?|border-image(?:-source)?|content)"
    r"\s*:[^;{}]*url\(",
    re.IGNORECASE,
)
# Rules that hold rules: a dark-mode or responsive image is written inside @media
_GROUPING = frozenset({"media", "supports", "document", "-moz-document", "layer", "container"})
# States of an element a recipient brings about (pointing, focusing): the element exists anyway
_USER_STATE = re.compile(
    r":(?:hover|active|focus(?:-within|-visible)?|visited|link|target)\b", re.IGNORECASE
)


def style_images(css: str, root: Any) -> list[tuple[str, int]]:
    """(URL, line within ``css`` from 1) of every image ``css`` shows on an element of
    ``root`` (an lxml tree), in the order written."""
    # no url() at all (most stylesheets): no scan for an image property
    if "url(" not in css.lower() or not _IMAGE_DECLARATION.search(css):
        return []
    import tinycss2  # here: only a stylesheet with an image needs it

    found: list[tuple[str, int]] = []
    elements = _Elements(root)
    sheet = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for rule in _style_rules(sheet):
        urls = [
            url
            for declaration in tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            if declaration.type == "declaration" and declaration.lower_name in _IMAGE_PROPERTIES
            for url in _urls(declaration.value)
        ]
        if urls and elements.styled_by(tinycss2.serialize(rule.prelude)):
            found.extend(urls)
    return found


def _style_rules(rules: Iterable[Any]) -> Iterator[Any]:
    import tinycss2

    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPING and rule.content:
            yield from _style_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            )


def _urls(tokens: Iterable[Any]) -> Iterator[tuple[str, int]]:
    """Every url() among ``tokens``, also inside functions (``image-set(url(a.png) 1x)``)."""
    for token in tokens:
        if token.type == "url":
            yield token.value, token.source_line
        elif token.type == "function":
            if token.lower_name == "url":
                strings = [a for a in token.arguments if a.type == "string"]
                if strings:
                    yield strings[0].value, token.source_line
            else:
                yield from _urls(token.arguments)


# XPath queries one stylesheet may ask: each reads the whole tree, so a stylesheet of
# thousands of image rules would cost their product; past this, a rule counts as styling one
_MOST_QUERIES = 200


class _Elements:
    """What a document's elements are, for telling whether a selector styles one of them.

    Most selectors' last parts are tags, classes and ids (``td.hero``, ``#logo``): a document
    that has each of them counts as having such an element (one pass over the tree tells it
    for every rule; a ``td`` and a ``.hero`` apart are taken for a ``td.hero``, whose image is
    then checked rather than passed over). Others (attributes, ``:first-child``) are asked of
    lxml as XPath, each a walk of the whole tree: a few hundred at most.
    """

    def __init__(self, root: Any) -> None:
        self.root = root
        self.tags: set[str] = set()
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        for el in root.iter():
            if isinstance(el.tag, str):
                self.tags.add(el.tag)
                self.classes.update((el.get("class") or "").split())
                self.ids.add(el.get("id") or "")
        self.queries = 0

    def styled_by(self, prelude: str) -> bool:
        """Whether a selector list styles an element here (each selector's last part). A
        selector cssselect does not read counts as styling one: its images are checked."""
        from cssselect import SelectorError, parse
        from cssselect.parser import CombinedSelector

        try:
            selectors = parse(_USER_STATE.sub("", prelude))
        except SelectorError:
            return True
        for selector in selectors:
            subject = selector.parsed_tree
            while isinstance(subject, CombinedSelector):
                subject = subject.subselector
            if self._has(subject):
                return True
        return False

    def _has(self, subject: Any) -> bool:
        from cssselect.parser import Class, Element, Hash, Selector
        from cssselect.xpath import ExpressionError, HTMLTranslator

        tags, classes, ids = set(), set(), set()
        part = subject
        while isinstance(part, (Class, Hash)):
            if isinstance(part, Class):
                classes.add(part.class_name)
            else:
                ids.add(part.id)
            part = part.selector
        if isinstance(part, Element):  # only tags, classes and ids: the sets tell
            if part.element not in (None, "*"):
                tags.add(part.element.lower())
            return tags <= self.tags and classes <= self.classes and ids <= self.ids
        if self.queries >= _MOST_QUERIES:
            return True
        self.queries += 1
        try:
            xpath = HTMLTranslator().selector_to_xpath(Selector(subject, None))
        except ExpressionError:
            return True
        return bool(self.root.xpath(xpath))
