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

import functools
import re
from collections.abc import Callable, Iterable, Iterator
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
# A cheap test before any parse: most stylesheets with a url() only import fonts. Of the text
# in lower case: a pattern that starts with plain letters lets re skip at once every place
# that does not start with one of their first letters, which re.IGNORECASE (or a look-ahead
# in front) prevents: 3.5 times as fast over the corpus's stylesheets.
_IMAGE_DECLARATION = re.compile(
    r"(?:background(?:-image)?|list-style(?:-image)?|border-image(?:-source)?|content)"
    r"\s*:[^;{}]*url\("
)
# Rules that hold rules: a dark-mode or responsive image is written inside @media
_GROUPING = frozenset({"media", "supports", "document", "-moz-document", "layer", "container"})
# States of an element a recipient brings about (pointing, focusing): the element exists anyway
_USER_STATE = re.compile(
    r":(?:hover|active|focus(?:-within|-visible)?|visited|link|target)\b", re.IGNORECASE
)


def _parsed(css: str) -> tuple[Any, ...]:
    """A ``<style>`` block's rules, parsed once for the rules that read it (images, colours,
    a hidden preheader): the parse is most of what reading a stylesheet costs."""
    return _sheet(css).rules


@functools.lru_cache(maxsize=16)
def _sheet(css: str) -> _Sheet:
    """The stylesheet's parse, kept for the next documents (the one cache of parses: what is
    read of it once for all of them is kept in it, not in a cache of its own)."""
    return _Sheet(css)


class _Sheet:
    """A stylesheet's rules, and what is read of them for every document that shares the
    stylesheet (a campaign's variants): kept with the parse, as long as it is kept."""

    def __init__(self, css: str) -> None:
        import tinycss2

        self.rules = tuple(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))

    @functools.cached_property
    def showing(self) -> tuple[tuple[Any, bool, tuple[Any, ...]], ...]:
        """(the rule, whether ``!important``, its selectors as :func:`_as_shown` reads them)
        of each rule at any level but print's (:func:`_on_screen`) that declares ``display``
        other than ``none`` or ``visibility: visible`` (:func:`_shows`): what may show an
        element another rule hides. The selectors are parsed here once: each of the
        documents that share a layout's stylesheet asked cssselect for them again."""
        import tinycss2

        found = []
        for rule in _style_rules(self.rules, screens=True):
            # a declaration's name is an identifier of the block's own: a rule without
            # "display" or "visibility" among them (most of a layout's) is not parsed
            if not any(
                token.type == "ident" and token.lower_value in _SHOWING_PROPERTIES
                for token in rule.content
            ):
                continue
            declarations = tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            showing = [declaration for declaration in declarations if _shows(declaration)]
            if showing:
                strong = any(declaration.important for declaration in showing)
                found.append((rule, strong, tuple(_as_shown(rule))))
        return tuple(found)


def style_images(css: str, root: Any) -> list[tuple[str, int]]:
    """(URL, line within ``css`` from 1) of every image ``css`` shows on an element of
    ``root`` (an lxml tree), in the order written."""
    if not _may_show_images(css):
        return []
    import tinycss2

    found: list[tuple[str, int]] = []
    elements = _Picker(root)
    for rule in _style_rules(_parsed(css)):
        urls = _rule_images(rule, _IMAGE_PROPERTIES)
        if urls and elements.styles_one(tinycss2.serialize(rule.prelude)):
            found.extend(urls)
    return found


def style_backgrounds(css: str, root: Any) -> frozenset[Any]:
    """The elements of ``root`` to which ``css`` gives a background image (a social icon's
    sprite set by its class), picked exactly: A11Y004 asks whether a link with no text has a
    picture. A selector that cannot be read picks none (the link is then not reported)."""
    if not _may_show_images(css):
        return frozenset()
    picked: set[Any] = set()
    for rule in _style_rules(_parsed(css), screens=True):
        if _rule_images(rule, _BACKGROUND_PROPERTIES):
            for found in _picked_by(root, rule):
                picked.update(found)
    return frozenset(picked)


_BACKGROUND_PROPERTIES = frozenset({"background", "background-image"})


def _may_show_images(css: str) -> bool:
    """The cheap test before a parse: no url() at all (most stylesheets), or only fonts'."""
    lower = css.lower()
    return "url(" in lower and _IMAGE_DECLARATION.search(lower) is not None


def _rule_images(rule: Any, properties: frozenset[str]) -> list[tuple[str, int]]:
    """(URL, line) of each image a style rule's declarations of ``properties`` show."""
    import tinycss2  # here: only a stylesheet with an image needs it

    return [
        url
        for declaration in tinycss2.parse_declaration_list(
            rule.content, skip_comments=True, skip_whitespace=True
        )
        if declaration.type == "declaration" and declaration.lower_name in properties
        for url in _urls(declaration.value)
    ]


def _style_rules(
    rules: Iterable[Any], everyone: bool = False, screens: bool = False
) -> Iterator[Any]:
    """The style rules, also those inside ``@media`` and the like; ``everyone``: only those
    every reader's screen applies, not those inside a condition that holds for some readers
    only (:func:`_for_everyone`); ``screens``: only those some screen may apply, not those
    for print alone (:func:`_on_screen`)."""
    import tinycss2

    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPING and rule.content:
            if everyone and not _for_everyone(rule):
                continue
            if screens and not _on_screen(rule):
                continue
            yield from _style_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                everyone,
                screens,
            )


# Media queries every screen matches: a type alone, no feature (``@media screen``)
_EVERY_SCREEN = frozenset({"", "all", "screen", "only all", "only screen", "not print"})


def _for_everyone(rule: Any) -> bool:
    """Whether every reader's screen applies what a grouping rule holds: ``@layer``, and
    ``@media`` of a type alone (``screen``). A media feature holds for some readers only: a
    dark mode (``prefers-color-scheme: dark``), a phone's width (``max-width: 600px``), a
    desktop's (``min-width: 601px``), a WebKit client (``-webkit-min-device-pixel-ratio``);
    so does a client's support of a feature (``@supports``), a container's size
    (``@container``), a browser's own ``@document``; ``print`` is no screen."""
    if rule.lower_at_keyword == "layer":
        return True
    if rule.lower_at_keyword != "media":
        return False
    queries = _media_queries(rule)  # none: every screen, as "@media {…}" reads
    return not queries or any(" ".join(query) in _EVERY_SCREEN for query in queries)


def _on_screen(rule: Any) -> bool:
    """Whether some reader's screen may apply what a grouping rule holds: all but an
    ``@media`` whose every query is for print (``print``, ``only print``, ``print and
    (orientation: landscape)``); ``not print`` is every screen."""
    if rule.lower_at_keyword != "media":
        return True
    queries = _media_queries(rule)
    return not queries or any(
        (words[1:2] if words[:1] == ["only"] else words[:1]) != ["print"] for words in queries
    )


def _media_queries(rule: Any) -> list[list[str]]:
    """The queries of an ``@media`` rule's list, each as its words in lower case (split at the
    commas outside brackets, as a selector list is)."""
    return [query.lower().split() for query in _selectors(rule.prelude)]


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


# Each selector's XPath, made (cssselect) and compiled (lxml) once for every document that
# asks: None for one XPath cannot say (an unknown pseudo-class)
_XPATHS: dict[str, Any] = {}
_MOST_XPATHS = 4096  # then made again: a batch of endless distinct selectors stays bounded


def _picks(root: Any, tree: Any) -> frozenset[Any] | None:
    """The elements of ``root`` (an lxml tree) a selector that cssselect parsed (``tree``, its
    ``parsed_tree`` or a part of it; without a pseudo-element) picks, exactly: the one matcher
    of this module. None when XPath cannot say."""
    key = tree.canonical()
    if key not in _XPATHS:
        from cssselect.parser import Selector
        from cssselect.xpath import ExpressionError, HTMLTranslator
        from lxml import etree

        if len(_XPATHS) >= _MOST_XPATHS:
            _XPATHS.clear()
        try:
            _XPATHS[key] = etree.XPath(HTMLTranslator().selector_to_xpath(Selector(tree, None)))
        except ExpressionError:
            _XPATHS[key] = None
    xpath = _XPATHS[key]
    return None if xpath is None else frozenset(xpath(root))


# A stylesheet that sets a text colour: the cheap test before any parse (most set fonts,
# widths and the hidden preheader's display only in a few documents' rules)
_COLOR_DECLARATION = re.compile(r"(?<![\w-])color\s*:", re.IGNORECASE)
# Colours of Outlook.com's dark mode, which the light one (what inline colours say) does not
# show: ``[data-ogsc]``/``[data-ogsb]`` (other clients' dark mode is ``@media``'s, left out
# with the other rules some readers only get: :func:`_for_everyone`)
_OUTLOOK_DARK = re.compile(r"\[\s*data-ogs[cb]\b", re.IGNORECASE)
# A colour only while the reader points at or clicks the element: at rest it has another
_TRANSIENT = re.compile(r":(?:hover|active|focus(?:-within|-visible)?)\b", re.IGNORECASE)
# Values that set no colour of their own: the element keeps the one of the block around it
_INHERITED = frozenset({"inherit", "currentcolor", "unset"})


class StyleColors:
    """The elements whose text colour a document's ``<style>`` blocks may set: those a rule
    that declares ``color`` picks. A rule some readers only get is left out, as the others
    still see the inline colours: inside ``@media`` with a feature (a dark mode's
    ``prefers-color-scheme: dark``, a phone's ``max-width: 600px``) or ``@supports``, and
    Outlook.com's dark mode (``[data-ogsc]``); so are the colours of a pointed-at or clicked
    element (``:hover``, ``:active``, ``:focus``) and ``color: inherit``, which keeps the
    colour of the block around.

    Selectors are matched whole (``.footer a`` colours the footer's links only), without the
    outer parts that match nothing here: a client's own wrapper (Gmail's ``u + .body``). A
    rule's colour loses to the element's inline one unless it is ``!important``; either
    wins over the colour the element inherits, and over a ``<font color>`` (a hint below every
    rule). What cssselect or XPath cannot say is taken
    from the selector's tag, classes and ids: more elements than it may pick, never fewer.
    Pseudo-elements other than ``::first-line``/``::first-letter`` (``::selection``,
    ``::before``) colour no text of the element's own."""

    def __init__(self) -> None:
        self.picked: set[Any] = set()
        self.important: set[Any] = set()

    def sets(self, el: Any) -> bool:
        """Whether a stylesheet may set ``el``'s colour over an inherited one."""
        return el in self.picked

    def overrides_inline(self, el: Any) -> bool:
        """Whether a stylesheet may set ``el``'s colour over its inline one (``!important``)."""
        return el in self.important


def style_texts(root: Any) -> list[str]:
    """The text of each ``<style>`` element of ``root`` (an lxml tree), its ``media``
    attribute read as an ``@media`` rule around it reads: ``<style media="print">`` holds
    rules for paper (:func:`_on_screen`), ``media="(max-width: 600px)"`` rules for phones
    only (:func:`_for_everyone`); ``screen``, ``all`` or none, rules for every screen, as
    written. A media list with a brace in it is no query (HTML reads it as ``not all``)."""
    found = []
    for el in root.iter("style"):
        css = el.text
        if not css:
            continue
        media = " ".join((el.get("media") or "").split())
        queries = [" ".join(q.lower().split()) for q in media.split(",")] if media else []
        if queries and not any(query in _EVERY_SCREEN for query in queries):
            # on the same line as the text: a rule's line in it is the one written
            css = f"@media {media}{{{css}\n}}" if "{" not in media and "}" not in media else ""
        if css:
            found.append(css)
    return found


def style_colors(
    root: Any, reading: str = "color", shared: StyleReadings | None = None
) -> StyleColors:
    """Which elements of ``root`` (an lxml tree, ``<style>`` elements still in it) the
    colour rules of its stylesheets pick; with ``reading``, the rules of another property
    read the same way (:data:`_READINGS`): ``"background"`` those that may set a
    background (a colour or an image: ``.btn{background-color:#1a1a1a}``), ``"large"``
    those whose font size may make text large (``.big{font-size:30px}``), ``"bold"`` those
    that make it bold. ``shared``: the document's texts and index, made once for its readings."""
    found = StyleColors()
    declaration = _READINGS[reading][0]
    # the cheap test once per stylesheet (it was made again in the loop below)
    sheets = [
        css
        for css in (style_texts(root) if shared is None else shared.sheets)
        if declaration.search(css)
    ]
    if not sheets:
        return found
    # a client's own wrapper is taken for granted for text colours alone: a background or a
    # size that only the client with that wrapper applies leaves the others the inline ones
    picker = _Picker(root, reading == "color", None if shared is None else shared.index)
    added: dict[tuple[int, bool], frozenset[Any]] = {}
    for css in sheets:
        for important, selectors in _color_rules(css, reading):
            for picked in picker.picked(selectors):
                # a set read off the index is the same object each time it is asked for:
                # thousands of rules for one tag's elements add them once
                if (id(picked), important) in added:
                    continue
                added[id(picked), important] = picked  # kept: its id is not given again
                found.picked |= picked
                if important:
                    found.important |= picked
    return found


def _color_rules(css: str, reading: str = "color") -> tuple[tuple[bool, tuple[str, ...]], ...]:
    """(whether ``!important``, the selectors) of each rule of a stylesheet that sets a text
    colour for every reader (:class:`StyleColors`), or what ``reading`` reads
    (:func:`style_colors`), in the order written (:func:`_rule_readings`)."""
    return _rule_readings(css)[0][reading]


_Selectors = tuple[str, ...]


@functools.lru_cache(maxsize=64)
def _rule_readings(
    css: str,
) -> tuple[
    dict[str, tuple[tuple[bool, _Selectors], ...]], tuple[tuple[bool, str, _Selectors], ...]
]:
    """Every reading of :data:`_READINGS` of a stylesheet's rules for every reader (as
    :func:`_color_rules` gives them), and its plain background colours (as
    :func:`_background_color_rules` gives them), in one pass over its rules: each rule's
    declarations are parsed once for all of them (a reading each parsed them again), read
    once for the documents of a campaign that share the stylesheet."""
    import tinycss2

    readings: dict[str, list[tuple[bool, _Selectors]]] = {reading: [] for reading in _READINGS}
    plains: list[tuple[bool, str, _Selectors]] = []
    for rule in _style_rules(_parsed(css), everyone=True):
        # a declaration's name is an identifier of the block's own: a rule without one that a
        # reading reads (most of a layout's: widths, paddings) is not parsed, nor are the
        # values of the declarations no reading reads
        if not any(
            token.type == "ident" and token.lower_value in _READ_PROPERTIES
            for token in rule.content
        ):
            continue
        declarations = [
            (declaration, tinycss2.serialize(declaration.value))
            for declaration in tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            if declaration.type == "declaration" and declaration.lower_name in _READ_PROPERTIES
        ]
        counted = {
            reading: [
                declaration.important
                for declaration, value in declarations
                if counts(declaration.lower_name, value.strip().lower())
            ]
            for reading, (_pattern, counts) in _READINGS.items()
        }
        plain = [
            (declaration.important, color)
            for declaration, value in declarations
            if (color := _plain_background(declaration.lower_name, value))
        ]
        if not plain and not any(counted.values()):
            continue  # nothing A11Y006 reads: its selectors are not read either
        selectors = tuple(
            selector
            for selector in _selectors(rule.prelude)
            if not _OUTLOOK_DARK.search(selector) and not _TRANSIENT.search(selector)
        )
        if not selectors:
            continue
        for reading, flags in counted.items():
            if flags:
                readings[reading].append((any(flags), selectors))
        if plain:  # the last declaration wins, or the last !important one
            important = [color for is_important, color in plain if is_important]
            plains.append((bool(important), (important or [plain[-1][1]])[-1], selectors))
    return {reading: tuple(found) for reading, found in readings.items()}, tuple(plains)


# WCAG's large text: 24 px, or 18.66 px bold. A rule's size that may reach it (relative sizes
# taken of the default 16 px; one not understood may)
_LARGE_PX = 24.0
_LARGE_BOLD_PX = 18.66
_SIZE = re.compile(r"(\d*\.?\d+)(px|pt|em|rem|%)?")  # (no unit: pixels, as a quirk reads it)
_SIZE_PX = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0}
_SIZE_PX |= {"x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0, "smaller": 13.3}
_BOLD_VALUE = re.compile(r"(?<![\w-])(?:bold|bolder|[6-9]00)(?![\w-])")
_FONT_STYLE_WORDS = frozenset(
    {"normal", "italic", "oblique", "small-caps", "lighter", "bold", "bolder", "condensed"}
)


def font_shorthand(value: str) -> tuple[str, str]:
    """The size and the weight (``""`` where left out: ``normal``) of a ``font`` shorthand's
    value: ``normal 14px/22px Arial`` is 14px (22px is its line height), ``bold 30px Arial``
    bold. The words before the size are its style, variant, weight and stretch."""
    weight = ""
    for word in value.lower().split():
        size = word.split("/")[0]
        length = _SIZE.fullmatch(size)
        if length and not length.group(2) and "/" not in word:
            weight = size  # a number without a unit is no size here: 700 is a weight
        elif size in _SIZE_PX or size == "larger" or (length and length.group(2)):
            return size, weight
        elif word in ("bold", "bolder"):
            weight = word
    return "", weight


def _size_px(size: str) -> float | None:
    """A ``font-size`` in pixels, relative sizes of the default 16 px; None: not known."""
    if size in _SIZE_PX:
        return _SIZE_PX[size]
    length = _SIZE.fullmatch(size)
    if not length:
        return None
    unit = {"pt": 4 / 3, "em": 16.0, "rem": 16.0, "%": 0.16}.get(length.group(2) or "px", 1.0)
    return float(length.group(1)) * unit


def _may_be_large(name: str, value: str, least: float) -> bool:
    """Whether a ``font-size`` (or the size in a ``font`` shorthand) may reach ``least``
    pixels: a size not understood (``larger``, ``calc()``, ``var()``) may."""
    if value in _INHERITED or value == "initial":
        return False
    size = font_shorthand(value)[0] if name == "font" else value
    if not size:
        return False
    px = _size_px(size)
    return px is None or px >= least


def _is_bold(name: str, value: str) -> bool:
    weight = font_shorthand(value)[1] if name == "font" else value
    return bool(_BOLD_VALUE.fullmatch(weight.strip()))


# What each reading of :func:`style_colors` reads: the cheap test of a stylesheet before any
# parse, and which declarations (lower-case name and value) count
_READINGS: dict[str, tuple[re.Pattern[str], Callable[[str, str], bool]]] = {
    "color": (_COLOR_DECLARATION, lambda name, value: name == "color" and value not in _INHERITED),
    "background": (
        re.compile(r"(?<![\w-])background(?:-color|-image)?\s*:", re.IGNORECASE),
        lambda name, value: (
            name in ("background", "background-color", "background-image")
            and bool(value)
            and not (name == "background-image" and value == "none")
            and _plain_background(name, value) is None
        ),  # (an empty value is no declaration: "table { background: }"; an image of none
        # sets no colour; a plain colour is read by :func:`background_colors`)
    ),
    "large": (
        re.compile(r"(?<![\w-])font(?:-size)?\s*:", re.IGNORECASE),
        lambda name, value: name in ("font", "font-size") and _may_be_large(name, value, _LARGE_PX),
    ),
    # a size large where the text is bold (18.66 px)
    "large-bold": (
        re.compile(r"(?<![\w-])font(?:-size)?\s*:", re.IGNORECASE),
        lambda name, value: (
            name in ("font", "font-size") and _may_be_large(name, value, _LARGE_BOLD_PX)
        ),
    ),
    "bold": (
        re.compile(r"(?<![\w-])font(?:-weight)?\s*:", re.IGNORECASE),
        lambda name, value: name in ("font", "font-weight") and _is_bold(name, value),
    ),
    # any size or weight (a heading's default 2em or bold gives way to it: h2{font-size:14px})
    "size": (
        re.compile(r"(?<![\w-])font(?:-size)?\s*:", re.IGNORECASE),
        lambda name, value: name in ("font", "font-size") and value not in _INHERITED,
    ),
    "weight": (
        re.compile(r"(?<![\w-])font(?:-weight)?\s*:", re.IGNORECASE),
        lambda name, value: name in ("font", "font-weight") and value not in _INHERITED,
    ),
}


# The properties some reading of :data:`_READINGS` reads (and :func:`_plain_background`)
_READ_PROPERTIES = frozenset(
    {"color", "background", "background-color", "background-image"}
    | {"font", "font-size", "font-weight"}
)

_PLAIN_COLOR = re.compile(r"#[0-9a-f]{3,8}|(?:rgba?|hsla?)\([^()]*\)|[a-z]+")
_NOT_PLAIN = frozenset({"none", "transparent", "initial", "currentcolor", *_INHERITED})


def _plain_background(name: str, value: str) -> str | None:
    """The colour of a ``background``/``background-color`` declaration that is a colour and
    nothing else (``#ffffff``, ``white``, ``rgb(…)``), lower case; None for anything else (an
    image, a gradient, ``var()``, ``transparent``)."""
    if name not in ("background", "background-color"):
        return None
    value = value.strip().lower()
    if value in _NOT_PLAIN or not _PLAIN_COLOR.fullmatch(value):
        return None
    return value


def _background_color_rules(css: str) -> tuple[tuple[bool, str, tuple[str, ...]], ...]:
    """(whether ``!important``, the colour, the selectors) of each rule of a stylesheet that
    sets a plain background colour for every reader, as :func:`_color_rules` reads them."""
    return _rule_readings(css)[1]


def background_colors(
    root: Any, shared: StyleReadings | None = None
) -> Callable[[Any], list[tuple[bool, str]]]:
    """The plain background colours (``td{background-color:#ffffff}``, ``*{background:#fff}``)
    a stylesheet rule may give an element of ``root``, each with whether it is
    ``!important``, in the order written: rules for every reader, picked as
    :func:`style_colors` picks backgrounds (a client's wrapper applies in that client only).
    Rules that set anything else (an image, a gradient) are ``style_colors(root,
    "background")``'s. Asked of a few elements (those around a failing text). ``shared``: as
    :func:`style_colors`'."""
    found: list[tuple[frozenset[Any], bool, str]] = []
    texts = style_texts(root) if shared is None else shared.sheets
    sheets = [css for css in texts if _READINGS["background"][0].search(css)]
    if sheets:
        picker = _Picker(root, False, None if shared is None else shared.index)
        seen: set[tuple[int, bool, str]] = set()
        for css in sheets:
            for important, color, selectors in _background_color_rules(css):
                for picked in picker.picked(selectors):
                    if (id(picked), important, color) not in seen:
                        seen.add((id(picked), important, color))
                        found.append((picked, important, color))
    return lambda el: [(important, color) for picked, important, color in found if el in picked]


class StyleReadings:
    """The readings of one document's stylesheets that A11Y006 asks for, each made when first
    asked (:meth:`colors`, :attr:`plain_backgrounds`); the ``<style>`` texts and the index of
    the elements (:class:`_TreeIndex`) are made once for all of them: each reading made its
    own, and the index was most of what reading the rules cost a document."""

    def __init__(self, root: Any, sheets: list[str] | None = None) -> None:
        self.root = root
        self.made: dict[str, StyleColors] = {}
        if sheets is not None:  # the caller's style_texts(root)
            self.sheets = sheets

    @functools.cached_property
    def sheets(self) -> list[str]:
        return style_texts(self.root)

    @functools.cached_property
    def index(self) -> _TreeIndex:
        return _TreeIndex(self.root)

    def colors(self, reading: str) -> StyleColors:
        """:func:`style_colors`' ``reading`` of the document."""
        if reading not in self.made:
            self.made[reading] = style_colors(self.root, reading, self)
        return self.made[reading]

    @functools.cached_property
    def plain_backgrounds(self) -> Callable[[Any], list[tuple[bool, str]]]:
        """:func:`background_colors` of the document."""
        return background_colors(self.root, self)


def _selectors(prelude: list[Any]) -> list[str]:
    """The selectors of a rule's selector list, each as written (split at the commas outside
    brackets and functions: ``:not(.a, .b)`` is one)."""
    import tinycss2

    selectors: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [text for tokens in selectors if (text := tinycss2.serialize(tokens).strip())]


# XPath queries one stylesheet may ask: each reads the whole tree, so a stylesheet of
# thousands of rules would cost their product; past this, a selector picks what its tag,
# classes and ids do (a colour), or counts as styling an element (an image)
_MOST_QUERIES = 200


class _TreeIndex:
    """A tree's elements by tag, class and id, made in one pass, and the sets of those with a
    tag, classes and ids (:meth:`_Picker._indexed`) made from it: shared by the pickers of
    one document's readings (:class:`StyleReadings`)."""

    def __init__(self, root: Any) -> None:
        self.elements: list[Any] = []
        self.by_tag: dict[str, list[Any]] = {}
        self.by_class: dict[str, list[Any]] = {}
        self.by_id: dict[str, list[Any]] = {}
        from lxml import etree

        for el in root.iter(etree.Element):  # (lxml leaves out comments and the like)
            self.elements.append(el)
            self.by_tag.setdefault(el.tag, []).append(el)
            # most elements have no class and no id (a selector's id is never empty)
            if names := el.get("class"):
                for name in set(names.split()):
                    self.by_class.setdefault(name, []).append(el)
            if name := el.get("id"):
                self.by_id.setdefault(name, []).append(el)
        self.made: dict[tuple[str | None, frozenset[str], frozenset[str]], frozenset[Any]] = {}


class _Picker:
    """The elements a selector picks, widened where it is cheaper or cannot be said: picking
    too many only keeps an image checked or a colour unjudged. A compound of tags, classes and
    ids is read off an index of the tree made in one pass; anything else (``.a .b``,
    attributes, ``:first-child``) is asked of the exact matcher (:func:`_picks`), a few hundred
    queries at most (each walks the whole tree)."""

    def __init__(self, root: Any, wrappers: bool = True, index: _TreeIndex | None = None) -> None:
        self.root = root
        self.wrappers = wrappers  # outer compounds no element matches are a client's wrapper
        index = _TreeIndex(root) if index is None else index
        self.elements = index.elements
        self.by_tag, self.by_class, self.by_id = index.by_tag, index.by_class, index.by_id
        self.made = index.made
        self.queries = 0

    def styles_one(self, prelude: str) -> bool:
        """Whether a selector list styles an element here (an image on it): each selector's
        last part. Tags, classes and ids are each looked for alone (a ``td`` and a ``.hero``
        apart are taken for a ``td.hero``); a selector cssselect does not read, or past
        ``_MOST_QUERIES``, counts as styling one."""
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
            if not _tags_classes_ids(subject):
                found = self._xpath(subject)
                if found is None or found:
                    return True
                continue
            tag, classes, ids = self._core(subject)
            if (
                {tag} - {None} <= self.by_tag.keys()
                and classes <= self.by_class.keys()
                and ids <= self.by_id.keys()
            ):
                return True
        return False

    def picked(self, selectors: Iterable[str]) -> list[frozenset[Any]]:
        """The elements each selector picks (each as written). One cssselect does not read
        picks what its last part's tag, classes and ids do: more than it may, never fewer."""
        picked: list[frozenset[Any]] = []
        for text in selectors:
            read = _compounds(text)
            if read is None:
                continue  # ::selection, ::before, ::placeholder: not the element's own text
            parts, core = read
            picked.append(self._combined(list(parts)) if parts else self._indexed(*core))
        return picked

    def _combined(self, parts: list[tuple[str, Any]]) -> frozenset[Any]:
        """The elements a selector picks, from its compounds. Outer compounds no element of the
        e-mail matches are a client's own wrappers (Gmail's ``u + .body``, Samsung's
        ``#MessageViewBody``, Yahoo's ``.yshortcuts``): in that client the rule applies to
        what the rest picks (unless ``wrappers`` is off: then it picks nothing here). Past
        ``_MOST_QUERIES``: what their last part picks."""
        from cssselect.parser import CombinedSelector

        while self.wrappers and len(parts) > 1 and not self._matching(parts[0][1]):
            parts = parts[1:]
        if len(parts) == 1:
            return self._matching(parts[0][1])
        tree = parts[0][1]
        for combinator, compound in parts[1:]:
            tree = CombinedSelector(tree, combinator, compound)
        found = self._xpath(tree)
        return self._matching(parts[-1][1]) if found is None else found

    def _matching(self, compound: Any) -> frozenset[Any]:
        """The elements one compound (``td.hero:first-child``) picks."""
        if not _tags_classes_ids(compound):  # attributes, pseudo-classes: lxml tells
            found = self._xpath(compound)
            if found is not None:
                return found
        return self._indexed(*self._core(compound))

    @staticmethod
    def _core(compound: Any) -> tuple[str | None, frozenset[str], frozenset[str]]:
        """The tag, classes and ids a compound requires, whatever else it tests."""
        from cssselect.parser import Class, Element, Hash

        classes: set[str] = set()
        ids: set[str] = set()
        part = compound
        while not isinstance(part, Element) and hasattr(part, "selector"):
            if isinstance(part, Class):
                classes.add(part.class_name)
            elif isinstance(part, Hash):
                ids.add(part.id)
            part = part.selector
        element = getattr(part, "element", None)
        tag = None if element in (None, "*") else element.lower()
        return tag, frozenset(classes), frozenset(ids)

    def _indexed(
        self, tag: str | None, classes: frozenset[str], ids: frozenset[str]
    ) -> frozenset[Any]:
        """The elements with the tag, classes and ids, from the index (each set made once)."""
        key = (tag, classes, ids)
        if key not in self.made:
            # the fewest candidates first: an id's element, a class's, a tag's, or all
            if ids:
                candidates = self.by_id.get(next(iter(ids)), []) if len(ids) == 1 else []
            elif classes:
                candidates = self.by_class.get(next(iter(classes)), [])
            elif tag is not None:
                candidates = self.by_tag.get(tag, [])
            else:
                candidates = self.elements
            self.made[key] = frozenset(
                el
                for el in candidates
                if (tag is None or el.tag == tag)
                and classes <= set((el.get("class") or "").split())
            )
        return self.made[key]

    def _xpath(self, tree: Any) -> frozenset[Any] | None:
        """What the exact matcher finds for a parsed selector; None past ``_MOST_QUERIES``
        queries or for a selector XPath cannot say (``:hover`` left in a compound)."""
        if self.queries >= _MOST_QUERIES:
            return None
        self.queries += 1
        return _picks(self.root, tree)


_Core = tuple[str | None, frozenset[str], frozenset[str]]


@functools.lru_cache(maxsize=4096)
def _compounds(text: str) -> tuple[tuple[tuple[str, Any], ...], _Core] | None:
    """A selector's compounds as :meth:`_Picker.picked` reads them, each with the combinator
    before it, outermost first; for one cssselect does not read, none and the tag, classes
    and ids of its last part; None for a pseudo-element that is not the element's own text.
    Read once for the documents and readings that ask (150 distinct selectors were read
    1,909 times over the corpus)."""
    from cssselect import SelectorError, parse
    from cssselect.parser import CombinedSelector

    try:
        [selector] = parse(_USER_STATE.sub("", text))
    except (SelectorError, ValueError):
        last = re.split(r"[\s>+~]+", text.strip())[-1]
        tag = re.match(r"[a-zA-Z][\w-]*", last)
        core = (
            tag.group(0).lower() if tag else None,
            frozenset(re.findall(r"\.([\w-]+)", last)),
            frozenset(re.findall(r"#([\w-]+)", last)),
        )
        return (), core
    if selector.pseudo_element not in (None, "first-line", "first-letter"):
        return None
    parts: list[tuple[str, Any]] = []
    tree = selector.parsed_tree
    while isinstance(tree, CombinedSelector):
        parts.insert(0, (tree.combinator, tree.subselector))
        tree = tree.selector
    parts.insert(0, ("", tree))
    return tuple(parts), (None, frozenset(), frozenset())


def _tags_classes_ids(compound: Any) -> bool:
    """Whether a compound tests only a tag, classes and ids (``td.hero#top``)."""
    from cssselect.parser import Class, Element, Hash

    while isinstance(compound, (Class, Hash)):
        compound = compound.selector
    return isinstance(compound, Element)


def hides(el: Any, css_texts: Iterable[str], hiding: Callable[[str], bool]) -> bool:
    """Whether a rule of a stylesheet (``css_texts``, the ``<style>`` blocks) hides ``el``: a
    rule at the top level of a stylesheet, not inside ``@media`` (which hides it on some
    screens only), whose selector picks ``el`` (``.preheader``, ``#preview``, ``body
    span.preheader``) and whose declarations ``hiding`` finds hide it (``display:none``), as
    it would an inline style. A pseudo-element (``::before``) or a user's state (``:hover``)
    is not the element as it shows.

    Only a stylesheet that names one of ``el``'s classes or its id is parsed (a parse of
    every layout's stylesheet cost a tenth of the offline pass): a rule that picks it by its
    tag or place alone is not read, and the preheader stays "could not verify". Nor is one
    that writes no hiding declaration anywhere (:data:`_PREHEADER_HIDING`): Mailchimp's
    layouts style their ``#templatePreheader`` with colours and paddings only, and their
    parse was half of all the stylesheets' tokenising."""
    names = [name.lower() for name in (el.get("class") or "").split()]
    if el.get("id"):
        names.append(el.get("id").lower())
    lowered = [(css, css.lower()) for css in css_texts]
    css_texts = [
        css
        for css, lower in lowered
        if any(name in lower for name in names) and _PREHEADER_HIDING.search(lower)
    ]
    root = el.getroottree()
    return any(el in picked for picked, _style, _rule in _top_level_rules(root, css_texts, hiding))


# What declarations that hide from every client write (display:none, visibility:hidden,
# opacity:0, a zero height with overflow:hidden, font-size:0): a rule without any of it
# hides nothing, and its selector is not read (of the text in lower case: plain letters first,
# as :data:`_IMAGE_DECLARATION`'s, 4.5 times as fast as behind a look-ahead)
_HIDES_EVERY_CLIENT = (
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*[0.]"
    r"|font-size\s*:\s*[0.]|overflow\s*:\s*hidden"
)
_HIDING_DECLARATION = re.compile(f"(?:{_HIDES_EVERY_CLIENT})")
# What a rule that hides a preheader writes: that, and the preheader tricks for some clients
# (Outlook's mso-hide:all, a zero max-height or max-width). The cheap test before a parse: a
# stylesheet without any of it (of its text in lower case) has no rule that hides anything.
_PREHEADER_HIDING = re.compile(
    rf"(?:{_HIDES_EVERY_CLIENT}|mso-hide\s*:\s*all|max-(?:height|width)\s*:\s*[0.])"
)


def hidden_by_rules(
    root: Any, css_texts: Iterable[str], hiding: Callable[[Any, str], bool]
) -> dict[Any, str]:
    """The elements of ``root`` a top-level rule of a stylesheet hides, in the order of the
    rules, each with the first rule that hides it as written (``.mob{display:none}``,
    whitespace collapsed), as :func:`hides` tells it of one element: the rules whose
    declarations may hide
    from every client, then ``hiding(element, declarations)`` for each element one picks
    (``visibility:hidden`` hides one only when no descendant shows). A stylesheet that writes
    no hiding declaration is not parsed.

    No cascade is worked out: an element counts as hidden only when nothing else may show
    it, its own inline style declaring no ``display`` or ``visibility`` (inline wins), and no
    other rule that picks it, at any level (a phone's ``@media`` too, not ``@media print``:
    paper is no screen), declaring a ``display`` or ``visibility`` that shows it (a later
    ``.mob {display: block}``, an ``!important`` one, a more specific one): any of them may
    win, and the text may show. What an ``!important`` declaration hides, only another
    ``!important`` one (a rule's or the inline style's) may show: it wins over all the rest."""
    found: dict[Any, set[int]] = {}  # each element hidden, and the rules that hide it
    first: dict[Any, Any] = {}  # ... the first of them
    important: set[Any] = set()  # those a rule's !important declarations alone hide
    tree = root.getroottree()
    css_texts = list(css_texts)
    sheets = [css for css in css_texts if _HIDING_DECLARATION.search(css.lower())]
    may_hide = _HIDING_DECLARATION.search
    for picked, style, rule in _top_level_rules(tree, sheets, lambda style: bool(may_hide(style))):
        for el in picked:
            if el in found:
                found[el].add(id(rule))
            elif hiding(el, style):
                found[el] = {id(rule)}
                first[el] = rule
            else:
                continue
            if el not in important and "!" in style and hiding(el, _important_part(rule)):
                important.add(el)
    for el in list(found):  # its own inline style wins over a rule: an !important one
        inline = _IMPORTANT_SHOWING_PROPERTY if el in important else _SHOWING_PROPERTY
        if inline.search(el.get("style") or ""):
            del found[el]
    if found:
        for el in _shown_by_other_rules(tree, css_texts, found, important):
            del found[el]
    return {el: _as_written(first[el]) for el in found}


def _as_written(rule: Any) -> str:
    """A style rule as written, whitespace collapsed: ``.mob{display:none}``."""
    import tinycss2

    selectors = ", ".join(_selectors(rule.prelude))
    declarations = " ".join(tinycss2.serialize(rule.content).split()).strip(" ;")
    return f"{selectors}{{{declarations}}}"


# A declaration of display or visibility (in an inline style: one there wins over any rule,
# and an !important one over an !important rule too)
_SHOWING_PROPERTY = re.compile(r"(?<![\w-])(?:display|visibility)\s*:", re.IGNORECASE)
_IMPORTANT_SHOWING_PROPERTY = re.compile(
    r"(?<![\w-])(?:display|visibility)\s*:[^;]*!\s*important", re.IGNORECASE
)


def _important_part(rule: Any) -> str:
    """A rule's ``!important`` declarations, in lower case, as written in an inline style."""
    import tinycss2

    return "".join(
        f"{declaration.lower_name}:{tinycss2.serialize(declaration.value).strip()} !important;"
        for declaration in tinycss2.parse_declaration_list(
            rule.content, skip_comments=True, skip_whitespace=True
        )
        if declaration.type == "declaration" and declaration.important
    ).lower()


def _shown_by_other_rules(
    root: Any, css_texts: list[str], hidden: dict[Any, set[int]], important: set[Any]
) -> set[Any]:
    """The elements of ``hidden`` (each with the ids of the rules that hide it) that another
    rule of ``css_texts`` picks and shows (:attr:`_Sheet.showing`), ``!important`` for
    the elements of ``important`` (hidden by an ``!important`` declaration, which wins over
    any other). Only stylesheets that write such a declaration are parsed; selectors are
    read as :func:`_picked_by` reads them, and only one that may pick a hidden element
    (:func:`_may_pick`) is asked of the tree, whose every XPath query walks all of it."""
    shown: set[Any] = set()
    for css in css_texts:
        if not _SHOWING_DECLARATION.search(css):
            continue
        for rule, strong, selectors in _sheet(css).showing:
            for selector in selectors:
                if not _may_pick(selector.parsed_tree, hidden):
                    continue
                for el in _picks(root, selector.parsed_tree) or ():
                    if (
                        el in hidden
                        and id(rule) not in hidden[el]
                        and (strong or el not in important)
                    ):
                        shown.add(el)
    return shown


def _picked_by(root: Any, rule: Any) -> Iterator[frozenset[Any]]:
    """The elements of ``root`` each selector of a style rule picks, exactly (:func:`_picks`),
    as they show (:func:`_as_shown`)."""
    for selector in _as_shown(rule):
        yield _picks(root, selector.parsed_tree) or frozenset()


def _as_shown(rule: Any) -> list[Any]:
    """The selectors of a style rule, parsed by cssselect, that pick elements as they show: a
    pseudo-element (``::before``) or a user's state (``:hover``) is not the element as it
    shows, and a selector list cssselect does not read picks nothing."""
    import tinycss2
    from cssselect import SelectorError, parse

    prelude = tinycss2.serialize(rule.prelude)
    if _USER_STATE.search(prelude):
        return []
    try:
        selectors = parse(prelude)
    except SelectorError:
        return []
    return [selector for selector in selectors if selector.pseudo_element is None]


def _may_pick(tree: Any, elements: Iterable[Any]) -> bool:
    """Whether a parsed selector may pick one of ``elements``: one has the tag, the ids and
    (in its class attribute's text) the classes its last compound requires, all of which
    the XPath of :func:`_picks` tests as written (a tag in lower case). A namespace's tag
    (``svg|rect``) is left to XPath."""
    from cssselect.parser import CombinedSelector, Element

    subject = tree
    while isinstance(subject, CombinedSelector):
        subject = subject.subselector
    tag, classes, ids = _Picker._core(subject)
    part = subject
    while not isinstance(part, Element) and hasattr(part, "selector"):
        part = part.selector
    if getattr(part, "namespace", None) is not None:
        return True
    return any(
        (tag is None or el.tag == tag)
        and all(el.get("id") == name for name in ids)
        and all(name in (el.get("class") or "") for name in classes)
        for el in elements
    )


# The properties that may show what a rule hides (:func:`_shows`)
_SHOWING_PROPERTIES = frozenset({"display", "visibility"})
# A stylesheet that may show what a rule hides: the cheap test before any parse
_SHOWING_DECLARATION = re.compile(
    r"(?<![\w-])(?:display\s*:\s*(?!none\b)[a-z-]|visibility\s*:\s*visible)", re.IGNORECASE
)


def _shows(declaration: Any) -> bool:
    """Whether a declaration shows an element: ``display`` other than ``none``,
    ``visibility: visible``."""
    if declaration.type != "declaration":
        return False
    import tinycss2

    value = tinycss2.serialize(declaration.value).strip().lower()
    if declaration.lower_name == "display":
        return bool(value) and value != "none"
    return declaration.lower_name == "visibility" and value == "visible"


def _top_level_rules(
    root: Any, css_texts: Iterable[str], hiding: Callable[[str], bool]
) -> Iterator[tuple[frozenset[Any], str, Any]]:
    """(elements picked, declarations in lower case, the rule) of each selector of each
    top-level style rule of ``css_texts`` whose declarations ``hiding`` accepts, exactly
    (:func:`_picks`), as the element shows (no pseudo-element, no user's state). ``hiding``
    is not asked of a rule that names no :data:`_HIDING_WORD` (:func:`_top_rules`)."""
    css_texts = list(css_texts)
    if not css_texts:
        return
    for css in css_texts:
        for declarations, rule in _top_rules(css):
            if hiding(declarations):
                for picked in _picked_by(root, rule):
                    if picked:
                        yield picked, declarations, rule


@functools.lru_cache(maxsize=16)
def _top_rules(css: str) -> tuple[tuple[str, Any], ...]:
    """(its declarations as written, in lower case; the rule) of each style rule at the top
    level of a stylesheet that may hide (:func:`_may_hide`): written out once for the
    documents of a campaign that share it."""
    import tinycss2

    return tuple(
        (tinycss2.serialize(rule.content).lower(), rule)
        for rule in _parsed(css)
        if rule.type == "qualified-rule" and _may_hide(rule.content)
    )


# The words each hiding declaration starts with, as both readers of the top-level rules test
# them (:data:`_PREHEADER_HIDING`, :func:`mailcheck.htmlparse._style_hides`: a zero height
# hides only with overflow:hidden)
_HIDING_WORD = re.compile(r"display|visibility|opacity|font-size|overflow|mso-hide|max-")
# Tokens whose text holds no letter, or only a number's
_WORDLESS_TOKENS = frozenset({"whitespace", "literal", "number", "percentage"})


def _may_hide(content: list[Any]) -> bool:
    """Whether a rule's declarations may name one of :data:`_HIDING_WORD`, read from their
    tokens rather than written out (most rules of a layout name sizes, colours and fonts
    only). Only plain names, numbers
    and punctuation are read so: a comment, string, function or block is written out and
    tested whole, as before (a ``/* display:none */`` still counts)."""
    words = []
    for token in content:
        kind = token.type
        if kind in _WORDLESS_TOKENS:
            continue
        if kind == "ident":
            words.append(token.value)
        elif kind == "dimension":
            words.append(token.unit)
        elif kind == "hash":
            words.append(token.value)
        else:
            return True
    return bool(_HIDING_WORD.search(" ".join(words).lower()))
