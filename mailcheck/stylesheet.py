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
# A cheap test before any parse: most stylesheets with a url() only import fonts
_IMAGE_DECLARATION = re.compile(
    r"(?:background(?:-image)?|list-style(?:-image)?|border-image(?:-source)?|content)"
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
    if not _IMAGE_DECLARATION.search(css):
        return []
    import tinycss2  # here: only a stylesheet with an image needs it

    found: list[tuple[str, int]] = []
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
        if urls and _styles_an_element(tinycss2.serialize(rule.prelude), root):
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


def _styles_an_element(prelude: str, root: Any) -> bool:
    """Whether the element a selector list is for (each selector's last part) is in ``root``.
    A selector cssselect does not read counts as styling one: its images are checked."""
    from cssselect import HTMLTranslator, SelectorError, parse
    from cssselect.parser import CombinedSelector, Selector
    from cssselect.xpath import ExpressionError

    try:
        selectors = parse(_USER_STATE.sub("", prelude))
    except SelectorError:
        return True
    translator = HTMLTranslator()
    for selector in selectors:
        subject = selector.parsed_tree
        while isinstance(subject, CombinedSelector):
            subject = subject.subselector
        try:
            xpath = translator.selector_to_xpath(Selector(subject, None))
        except ExpressionError:
            return True
        if root.xpath(xpath):
            return True
    return False
