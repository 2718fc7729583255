"""What an e-mail's HTML tells about accessibility, read from the one parse of each document.

The A11Y rules (``checks/accessibility.py``) judge these facts; gathering them here keeps the
rules free of HTML. The figures that motivate them come from the Email Markup Consortium's 2026
report on 376,348 e-mails: no ``lang`` in 95.66 %, layout tables without
``role="presentation"`` in 83.78 %, images without alt text in 47.88 %.

Contrast is computed where the text's colour is written inline (``color``, ``<font color>``)
and its background is known: the nearest ``background-color``/``bgcolor`` of the element or
an ancestor, or a stylesheet rule's plain colour that applies there for every reader
(``.dark{background:#000}`` on the ``<td>`` around; over a ``bgcolor``, a hint any rule
beats): what the client's dark mode does is not knowable from the HTML alone, and a guess is
not a finding. So text in an element whose colour a ``<style>`` rule may set
(``.big{color:#fff}`` on the ``<span class="big">`` in a grey ``<div>``) is left out, and so
is text whose background a rule may set otherwise (an image, a gradient, rules that
disagree), and text over a background image alone
(``background="…"``, ``background-image``): it is not written for the colour around. Over
an image with a colour (``background="ribbon.gif" bgcolor="#fff"``) the colour is what shows
where images are off, and is judged as such (``LowContrast.fallback``). A translucent colour
(``rgba()``, ``#rrggbbaa``) is judged blended over the background behind it, when that is
known; ``transparent`` shows the one around. The text's size is
inherited (``<h1>`` is 2em and bold), and one a rule may make large is judged as large.
For the same reason text that its inline style or a stylesheet rule hides is not judged: the
usual hidden preheader is written in the background's colour on purpose (the inbox shows it
in its own), and a block hidden until a media query shows it is the stylesheet's business.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from mailcheck.stylesheet import (
    StyleColors,
    StyleReadings,
    font_shorthand,
    style_backgrounds,
)

_COLOR = re.compile(r"(?:^|;)\s*color\s*:\s*([^;!]+)(!\s*important)?", re.I)
_BACKGROUND = re.compile(r"(?:^|;)\s*background(?:-color)?\s*:\s*([^;!]+)(!\s*important)?", re.I)
_BACKGROUND_IMAGE = re.compile(r"(?:^|;)\s*background-image\s*:\s*([^;!]+)(!\s*important)?", re.I)
# a picture in an inline style: background or background-image with a url()
_BACKGROUND_URL = re.compile(r"(?:^|;)\s*background(?:-image)?\s*:[^;]*url\(", re.I)
_FONT_SIZE = re.compile(r"(?:^|;)\s*font-size\s*:\s*([^;!]+)(!\s*important)?", re.I)
_FONT = re.compile(r"(?:^|;)\s*font\s*:\s*([^;!]+)(!\s*important)?", re.I)
_FONT_WEIGHT = re.compile(r"(?:^|;)\s*font-weight\s*:\s*([^;!]+)(!\s*important)?", re.I)
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)", re.I)
# a letter or a digit: what str.isalnum() tells of a character (re's word characters are
# those and "_"), searched for in C rather than a character at a time
_ALNUM = re.compile(r"[^\W_]")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LENGTH = re.compile(r"(\d*\.?\d+)\s*(px|pt|em|rem|%)?")
# CSS's absolute size keywords in pixels (of the default 16 px), and the relative ones
_SIZE_KEYWORDS = {
    "xx-small": 9.0,
    "x-small": 10.0,
    "small": 13.0,
    "medium": 16.0,
    "large": 18.0,
    "x-large": 24.0,
    "xx-large": 32.0,
    "xxx-large": 48.0,
}
_SIZE_STEPS = {"smaller": 1 / 1.2, "larger": 1.2}
# The default size of the headings WCAG's large text counts (h1 2em, h2 1.5em: 32 and 24 px
# of the default 16), and the elements bold by default
_HEADING_SCALE = {"h1": 2.0, "h2": 1.5}
_BOLD_TAGS = frozenset({"b", "strong", "th", *HEADINGS})
HEADING_TEXT = 40  # characters of a heading's text kept (a layout's stand-in is shorter)
# Scripts written right to left: Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
# A phrase in a right-to-left script: its letters with the spaces, digits and punctuation
# between them. One of RTL_LETTERS letters or more is text written in such a language; a
# language switcher's «العربية | עברית» is two names of 7 and 5
_RTL_RANGE = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_RTL_PHRASE = re.compile(rf"[{_RTL_RANGE}](?:[\s\d.,:;!?%-]*[{_RTL_RANGE}])*")
RTL_LETTERS = 12
_HTML_TAG = re.compile(r"<html[\s>]", re.I)

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class LowContrast:
    line: int
    text: str
    foreground: str
    background: str
    ratio: float
    large: bool
    # the background is the colour an image is drawn over (``background="ribbon.gif"
    # bgcolor="#fff"``): what shows where images are off (Outlook blocks them)
    fallback: bool = False


@dataclass
class Accessibility:
    has_html_element: bool = False  # a whole document (not a snippet a layout wraps)
    lang: str | None = None
    html_line: int = 0  # the line <html> is written on (0: the parser implied it)
    rtl_text: bool = False  # the text has right-to-left script
    dir_rtl: bool = False  # some element says dir="rtl"
    layout_tables: list[int] = field(default_factory=list)  # lines of tables without a role
    headings: list[tuple[int, int]] = field(default_factory=list)  # (level, line)
    # (text, line, hidden by its own or an ancestor's style) of each heading whose whole text
    # is short (HEADING_TEXT characters at most): what BRF001 tells a layout's "Heading" by
    heading_texts: list[tuple[str, int, bool]] = field(default_factory=list)
    # (href, line, True when none of its images has an alt attribute at all: IMG001's images)
    unnamed_image_links: list[tuple[str, int, bool]] = field(default_factory=list)
    # (href, line) of each link whose only picture is a CSS background image and that has no
    # text (spaces and no-break spaces are none): a social icon's sprite behind "&#160;"
    unnamed_background_links: list[tuple[str, int]] = field(default_factory=list)
    low_contrast: list[LowContrast] = field(default_factory=list)


def read_accessibility(
    root: Any,
    html: str,
    is_hidden: Callable[[Any], bool],
    hidden_by_rules: Callable[[], Collection[Any]] = frozenset,
    sheets: list[str] | None = None,
) -> Accessibility:
    """The facts of a parsed document (before its non-text elements are stripped).

    ``is_hidden`` tells whether an element's inline style hides it from every reader (the
    parser's own test, :func:`mailcheck.htmlparse.is_hidden`), ``hidden_by_rules`` the
    elements a stylesheet rule hides from every reader (``.preheader{display:none}``, as the
    hidden text BRF001 reads: :func:`mailcheck.stylesheet.hidden_by_rules`, asked only when
    some text fails): such text is not judged. ``sheets``: the ``<style>`` texts of ``root``
    (:func:`mailcheck.stylesheet.style_texts`), when the caller has them already."""
    facts = Accessibility(has_html_element=bool(_HTML_TAG.search(html)))
    facts.lang = (root.get("lang") or "").strip() or None if root.tag == "html" else None
    # an ASCII document (most) holds no right-to-left letter: isascii() is free, the search not
    # a sentence of it, not a word: a language switcher's «العربية» is laid out by the
    # browser's bidi rules without dir="rtl"
    facts.rtl_text = not html.isascii() and any(
        len(_RTL.findall(phrase)) >= RTL_LETTERS for phrase in _RTL_PHRASE.findall(html)
    )
    if facts.rtl_text:
        facts.dir_rtl = bool(root.xpath("boolean(//*[translate(@dir,'RTL','rtl')='rtl'])"))
    # whether an element or a box around it is hidden, per element of the document, for each
    # of the two tests (its inline styles, the stylesheets' rules): see hidden_here
    inline_known: dict[Any, bool] = {}
    ruled_known: dict[Any, bool] = {}
    with_header = _tables_with_own_header(root)
    for table in root.iter("table"):
        role = (table.get("role") or "").strip().lower()
        if role in ("presentation", "none"):
            continue
        if table.find("caption") is None and table not in with_header:
            facts.layout_tables.append(table.sourceline or 0)
    for heading in root.iter(*HEADINGS):
        facts.headings.append((int(heading.tag[1]), heading.sourceline or 0))
        text = heading_text(heading)
        if text and len(text) <= HEADING_TEXT:
            hidden = hidden_here(heading, is_hidden, inline_known)
            facts.heading_texts.append((text, heading.sourceline or 0, hidden))
    # the stylesheets' readings, each made once some text needs it (the texts once for all)
    readings = StyleReadings(root, sheets)
    # the elements the stylesheets give a background image, read once a link with no text needs
    backgrounds = functools.cache(
        lambda: frozenset().union(*(style_backgrounds(css, root) for css in readings.sheets))
    )
    for anchor in root.iter("a"):
        # a link no reader sees is read by no screen reader either (display:none, …; Outlook's
        # mso-hide:all hides it from Outlook alone): asked last, of the few links with no name
        if _unnamed_image_link(anchor):
            if not hidden_here(anchor, is_hidden, inline_known):
                no_alt = all(img.get("alt") is None for img in anchor.iter("img"))
                facts.unnamed_image_links.append(
                    ((anchor.get("href") or "").strip(), anchor.sourceline or 0, no_alt)
                )
        elif _unnamed_background_link(anchor, backgrounds) and not hidden_here(
            anchor, is_hidden, inline_known
        ):
            facts.unnamed_background_links.append(
                ((anchor.get("href") or "").strip(), anchor.sourceline or 0)
            )
    # the stylesheets are read once some element has an inline text colour
    styled, plain = readings.colors, lambda: readings.plain_backgrounds
    ruled = functools.cache(lambda: frozenset(hidden_by_rules()))
    # each element's background, with the rules, once: coloured elements nest (a <td>'s
    # <p>s and <a>s) and each walked up through the same boxes
    known: _Known = {}
    shown_inline = functools.partial(_shown_inline, is_hidden=is_hidden, known=inline_known)
    for el in root.xpath("//*[contains(@style, 'olor')]|//font[@color]"):
        found = _low_contrast(el, styled, plain, known, shown_inline)
        # the stylesheets' hiding rules last: few elements fail, and the test walks up to
        # the root (they are read only when some text fails on everything else)
        if found and not hidden_here(el, ruled().__contains__, ruled_known):
            facts.low_contrast.append(found)
    return facts


def _shown_inline(el: Any, is_hidden: Callable[[Any], bool], known: dict[Any, bool]) -> bool:
    """Whether the element has text (a letter or digit) that the inline styles of it and its
    ancestors show (:func:`hidden_here`, ``known`` its answers so far)."""
    return bool(_ALNUM.search("".join(el.itertext()))) and not hidden_here(el, is_hidden, known)


def hidden_here(el: Any, is_hidden: Callable[[Any], bool], known: dict[Any, bool]) -> bool:
    """Whether ``is_hidden`` hides the element, by its own style or a box's around it.

    ``known``: the answers found for elements of the same document (with the same
    ``is_hidden``), and where to keep this one's: the elements asked about nest (a heading's
    links, a cell's coloured texts) and each walked up through the same boxes to the root,
    asking ``is_hidden`` of each again; the walk stops at the first known."""
    walked = []
    node, hidden = el, False
    while node is not None:
        if node in known:
            hidden = known[node]
            break
        walked.append(node)
        if is_hidden(node):
            hidden = True
            break
        node = node.getparent()
    known.update(dict.fromkeys(walked, hidden))
    return hidden


def heading_text(heading: Any) -> str:
    """A heading's whole text, its blanks one space: what BRF001 reads of it, in the facts
    (``heading_texts``) and in the hidden text (``TextApart.hidden_headings``) alike."""
    return " ".join(str(heading.xpath("string()")).split())


def _tables_with_own_header(root: Any) -> set[Any]:
    """The tables that have a <th> of their own (not one of a table nested in them) heading
    data: a table with a header cell used as a layout cell (:func:`_layout_cell`) is a layout
    table, its other <th> too (Foundation's column wraps its content in a <th> beside an
    "expander" one), and so is a table of one row of header cells and no data cell (<td>).

    Found from the headers up, in one pass: asking each table for its headers walks nested
    layout tables once per level.
    """
    headed: set[Any] = set()
    laid_out: set[Any] = set()
    for th in root.iter("th"):
        if (table := next(th.iterancestors("table"), None)) is not None:
            (laid_out if _layout_cell(th, table) else headed).add(table)
    # one row of header cells alone heads no data: a layout's cell written as <th> (the content
    # table of a Foundation column narrower than the row: <table><tr><th>…</th></tr></table>);
    # rows of them do (a comparison table of <th> cells, its corner empty)
    return {
        table
        for table in headed - laid_out
        if table.xpath(_OWN_DATA_CELL) or len(table.xpath(_OWN_ROWS)) > 1
    }


# a data cell of the table's own rows (not of a table nested in one of them), and those rows
_OWN_DATA_CELL = "boolean(./tr/td | ./thead/tr/td | ./tbody/tr/td | ./tfoot/tr/td)"
_OWN_ROWS = "./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"


# Foundation for Emails' grid: <table class="row"><tr><th class="columns"> (or "column"), the
# content in a <table><tr><th>…</th><th class="expander"></th></tr></table>
_GRID_CELLS = frozenset({"columns", "column"})
# a class that names a layout's column or row: "columns", "column-top" (sendwithus), "m--col"
# and "m--row" (an ESP's grid in mail-parser's mail_test_5), "col-6"; not "collapse", "rowspan"
_LAYOUT_CLASS = re.compile(r"(?<![^\W_])(?:col|columns?|row)(?![^\W_])", re.I)


def _layout_cell(th: Any, table: Any) -> bool:
    """Whether a <th> lays out rather than heads a column of data: a grid's column (a
    "columns"/"column" cell of a table of class "row", Foundation's), Foundation's "expander"
    cell, or a cell that holds a table of its own (a column of a layout built of <th>) when
    it or its table has a class naming a layout's column or row: a data table's header may
    hold a small table too (a sort arrow beside "Price")."""
    classes = set((th.get("class") or "").split())
    if "expander" in classes:
        return True
    if classes & _GRID_CELLS and "row" in (table.get("class") or "").split():
        return True
    named = f"{th.get('class') or ''} {table.get('class') or ''}"
    return bool(_LAYOUT_CLASS.search(named)) and next(th.iterdescendants("table"), None) is not None


def _named_by_attribute(anchor: Any) -> bool:
    """A link without an href is no link; one with an aria-label, aria-labelledby or title
    has a name whatever its content."""
    return anchor.get("href") is None or any(
        (anchor.get(name) or "").strip() for name in ("aria-label", "aria-labelledby", "title")
    )


def _unnamed_image_link(anchor: Any) -> bool:
    """A link whose only content is images without alt text: a screen reader reads the URL."""
    if _named_by_attribute(anchor):
        return False
    images = anchor.findall(".//img")
    if not images or "".join(anchor.itertext()).strip():
        return False
    return all(not (img.get("alt") or "").strip() for img in images)


def _unnamed_background_link(anchor: Any, styled: Callable[[], frozenset[Any]]) -> bool:
    """A link with no text (spaces and no-break spaces are none) and no image element whose
    picture is a CSS background (``background-image:url(…)`` or ``background="…"`` on the link
    or an element in it, inline or by a stylesheet rule: ``styled``): a screen reader reads the
    URL, and with images off nothing shows.

    The parser moves a table out of the ``<a>`` around it (a browser does not): a table right
    after the link, not a character between them, is read as the link's own content (a
    ``<td background="…">&#160;</td>`` in it, or the text of a button built as a table)."""
    if _named_by_attribute(anchor):
        return False
    parts = [anchor]
    after = anchor.getnext()
    if anchor.tail is None and after is not None and after.tag == "table":
        if after.find(".//a") is not None:
            return False  # links in a link: which one the cell belongs to is not known
        parts.append(after)
    elements = [el for part in parts for el in part.iter() if isinstance(el.tag, str)]
    if not any(  # first: most links have no background, and the test reads no text
        (el.get("background") or "").strip() or _BACKGROUND_URL.search(el.get("style") or "")
        for el in elements
    ):
        # a background a stylesheet rule sets (``.vk{background:url(vk.png)}``): the
        # stylesheets are read only for a link with no text, once per document
        if "".join(text for part in parts for text in part.itertext()).strip():
            return False
        if not any(el in styled() for el in elements):
            return False
    # an <img> makes it an image link (judged by its alt); <span role="img" aria-label="VK">
    # names the link; text (not spaces or U+00A0, which str.strip() takes) is its name
    if any(el.tag == "img" or (el.get("aria-label") or "").strip() for el in elements):
        return False
    return not "".join(text for part in parts for text in part.itertext()).strip()


def _declared(pattern: re.Pattern[str], style: str) -> str | None:
    """The value of a property that wins in an inline style: the last declaration, or the last
    ``!important`` one (CSS inliners repeat a property: ``color:#e30613;color:#ffffff``)."""
    found = pattern.findall(style)
    if not found:
        return None
    important = [value for value, flag in found if flag]
    return (important or [value for value, _ in found])[-1].strip()


def _own_color(el: Any) -> str:
    declared = _declared(_COLOR, el.get("style") or "")
    return declared if declared is not None else attribute_color(el.get("color") or "")


def _text_in_color(el: Any, styled: StyleColors, *, named: bool = False) -> str:
    """The element's text, without descendants that set a colour of their own (judged apart)
    or whose colour a stylesheet may set (not judged). ``named``: as a quote shows it, each
    PHP tag that prints a variable as "[name]" where it stands (:func:`_php_named`)."""
    pieces = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            if not _own_color(child) and not styled.sets(child):
                pieces.append(_text_in_color(child, styled, named=named))
        elif named:
            pieces.append(_php_named(child))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _php_named(node: Any) -> str:
    """What a quote shows for a comment node: a PHP tag (``<?= $user->getShortName() ?>``),
    which the parser reads as a comment (see mailcheck.htmlparse), as the dialect names what
    it prints ("[user.getShortName]"), never the gap its absence from the text leaves
    ("Здравствуйте, !" reads as a broken greeting); "" for any other comment."""
    text = node.text or ""
    if not text.startswith(("?=", "?php")):
        return ""
    from mailcheck.templating.dialects.php import echo_named  # only for a view in PHP

    # the parser read the tag with its ">" written "&gt;" (htmlparse._php_tags_whole)
    return echo_named("<" + text.replace("&gt;", ">") + ">")


def _low_contrast(
    el: Any,
    styled: Callable[[str], StyleColors],
    plain: Callable[[], Callable[[Any], list[tuple[bool, str]]]],
    known: _Known,
    shown_inline: Callable[[Any], bool],
) -> LowContrast | None:
    """The element's text if it fails on its colours; ``known``: the backgrounds found so far
    in the document (:func:`_background_of`'s); ``shown_inline``
    whether it has text its inline styles show (:func:`_shown_inline`)."""
    foreground = _own_color(el)
    color = parse_rgba(foreground)
    if color is None or color[1] == 0:
        return None  # not a colour here (inherit, var()), or transparent: the text is unseen
    # the background by the inline styles and the stylesheets' rules together: a rule's plain
    # colour is the background where no inline one beats it (.dark{background:#000} on the
    # <td> around, or over a bgcolor), and one a rule may set otherwise is unknown
    background, bg, fallback = _background_of(el, styled("background"), plain(), known)
    if bg is None:
        return None  # unknown: an image, a rule's image or gradient, nothing said at all
    # a translucent text colour shows blended over the background
    fg = blend(color, bg) if color[1] < 1 else color[0]
    ratio = contrast_ratio(fg, bg)
    if ratio >= 4.5:
        return None
    # a hidden preheader is written in the background's colour on purpose, and a spacer or
    # a separator ("·", "|") has no text to read
    if not shown_inline(el):
        return None
    size, bold = _text_size(el)
    large = _is_large(size, bold)
    if large:
        # a heading's default size or weight gives way to a rule's (h2{font-size:14px})
        size, bold = _text_size(el, styled("size").sets, styled("weight").sets)
        large = _is_large(size, bold)
    if not large and size >= 18.66 and not bold and _all_bold(el):
        large = True  # <p style="font-size:19px"><b>…</b></p>: all of its text is bold
    if ratio >= (3.0 if large else 4.5):
        return None
    # the stylesheets and the text last: most coloured elements pass on their colours alone,
    # and reading an element's text walks all of its descendants
    sheets = styled("color")
    if sheets.overrides_inline(el):
        return None  # a stylesheet's !important colour beats the inline one
    if _declared(_COLOR, el.get("style") or "") is None and sheets.sets(el):
        return None  # <font color> is a hint that any stylesheet rule for the element beats
    if not large and ratio >= 3.0 and _large_by_rules(el, size, bold, styled):
        return None  # a stylesheet rule may make it large text, which passes at 3:1
    text = " ".join(_text_in_color(el, sheets).split())
    if not _ALNUM.search(text):
        return None  # nothing, or a separator ("·", "|"): decoration, not text to read
    # quoted with what a PHP view prints where it stands (the judged text leaves it out)
    if any(not isinstance(node.tag, str) for node in el.iter()):
        text = " ".join(_text_in_color(el, sheets, named=True).split())
    return LowContrast(
        el.sourceline or 0, text[:40], foreground, background, ratio, large, fallback
    )


_Background = tuple[str, RGB | None, bool]
_Known = dict[Any, _Background]


def _background_of(
    el: Any,
    backgrounds: StyleColors | None = None,
    plain: Callable[[Any], list[tuple[bool, str]]] = lambda node: [],
    known: _Known | None = None,
) -> _Background:
    """The nearest background colour of the element or an ancestor, and whether it is
    the colour an image there is drawn over (its fallback, which shows where images are off);
    a translucent one blended over the background behind it (unknown where that is);
    unknown (None) where the nearest background is an image alone, or, with ``backgrounds``
    (the elements a stylesheet rule gives a background: :func:`style_colors`), where a rule
    may set it: one for an element without an inline background (``bgcolor`` is a hint any
    rule beats), or an ``!important`` one. With ``plain`` (:func:`background_colors`), a
    rule's plain colour is the background where it applies and all that may agree.

    ``known``: the answers found for elements of the same document (with the same
    ``backgrounds`` and ``plain``), and where to keep this one's: an element without a
    background of its own has the one around it, so the walk stops at the first known."""
    walked = []
    node = el
    found: _Background = ("", None, False)
    while node is not None and isinstance(node.tag, str):
        if known is not None and node in known:
            found = known[node]
            break
        walked.append(node)
        own = _own_background(node, backgrounds, plain)
        if own is not None:
            shown, color, blocked = own
            if color is None:
                found = shown, None, blocked
            elif color[1] >= 1:
                found = shown, color[0], blocked
            else:
                # a translucent colour shows blended over the background around it, when
                # that is known (no image under it: :func:`_own_background`)
                _, behind, under = _background_of(node.getparent(), backgrounds, plain, known)
                found = (
                    (shown, None, False)
                    if behind is None
                    else (shown, blend(color, behind), blocked or under)
                )
            break
        node = node.getparent()
    if known is not None:
        known.update(dict.fromkeys(walked, found))
    return found


def _own_background(
    node: Any,
    backgrounds: StyleColors | None,
    plain: Callable[[Any], list[tuple[bool, str]]],
) -> tuple[str, tuple[RGB, float] | None, bool] | None:
    """The background of :func:`_background_of` the element itself gives, its colour with its
    alpha (translucent: drawn over the one around), or None where the one around it shows."""
    style = node.get("style") or ""
    declared = _declared(_BACKGROUND, style)
    if (
        backgrounds is not None
        and backgrounds.sets(node)
        and (declared is None or backgrounds.overrides_inline(node))
    ):
        return "", None, False
    value = declared if declared is not None else attribute_color(node.get("bgcolor") or "")
    # a rule's plain colour beats bgcolor, and an inline one when !important: judged
    # when every such rule gives the same colour (td{background-color:#ffffff})
    ruled = [c for important, c in plain(node) if important or declared is None]
    if ruled:
        if len({parse_rgba(color) for color in ruled}) != 1 or parse_rgba(ruled[-1]) is None:
            return "", None, False
        value, declared = ruled[-1], None
    # an image (background="ribbon.gif", background-image:url(…), background:#fff url(…))
    image = _declared(_BACKGROUND_IMAGE, style)
    pictured = bool(
        (node.get("background") or "").strip()
        or (image and image.lower() != "none")
        or _BACKGROUND_URL.search(style)
    )
    if value:
        # the shorthand's first word: its colour ("#222 url(bg.jpg) center / cover"), the
        # one shown where images are off; an image or gradient first is unknown, not white
        shown = _first_value(value) if declared is not None else value
        # a gradient is drawn, not a picture images-off blocks: no fallback to say
        blocked = bool(
            (node.get("background") or "").strip()
            or "url(" in (image or "").lower()
            or _BACKGROUND_URL.search(style)
        )
        color = parse_rgba(shown)
        if color is not None and color[1] < 1:
            if pictured:
                return "", None, False  # a translucent colour over a picture: unknown
            if color[1] == 0:
                return None  # transparent: the background around shows, as it is
        return shown, color, blocked
    # an image alone (background="dark.gif", background-image:url(…)): the text is
    # written for the picture, not for the colour further out
    if pictured:
        return "", None, False
    return None


# a shorthand's first value: a function whole (``rgba(0, 0, 0, 0.5)``), or a word
_FIRST_VALUE = re.compile(r"\s*([\w-]+\([^()]*\)|\S+)")


def _first_value(value: str) -> str:
    found = _FIRST_VALUE.match(value)
    return found.group(1) if found else ""


def _no_rule(node: Any) -> bool:
    return False


def _all_bold(el: Any) -> bool:
    """Whether all of the element's own text is in bold children (``<b>``, ``<strong>``, an
    inline bold weight): ``<p><b>Sale</b></p>``; a child without text counts for nothing."""
    if (el.text or "").strip():
        return False
    some = False
    for child in el:
        if (child.tail or "").strip():
            return False
        if not isinstance(child.tag, str) or not "".join(child.itertext()).strip():
            continue
        if not _text_size(child)[1]:
            return False
        some = True
    return some


def _text_size(
    el: Any,
    size_ruled: Callable[[Any], bool] = _no_rule,
    weight_ruled: Callable[[Any], bool] = _no_rule,
) -> tuple[float, bool]:
    """The text's font size in pixels and whether it is bold, as the inline styles of the
    element and its ancestors give them (the nearest that says: inherited), of the default
    16 px; ``h1`` is 2em and ``h2`` 1.5em, headings, ``<b>``, ``<strong>`` and ``<th>`` bold.
    A size not understood (``calc()``, ``var()``) is passed over. Where ``size_ruled`` or
    ``weight_ruled`` tells that a stylesheet rule may set an element's size or weight (and
    its inline style does not), the walk stops there with the tag's default left out: the
    rule's size is taken as the default 16 px and its weight as normal (whether it makes the
    text large is :func:`_large_by_rules`' question)."""
    scale = 1.0  # what relative sizes below the node (em, %, h1) make of its size
    size: float | None = None
    bold: bool | None = None
    node = el
    while node is not None and isinstance(node.tag, str) and (size is None or bold is None):
        style = node.get("style") or ""
        short = _declared(_FONT, style)
        short_size, short_weight = font_shorthand(short.lower()) if short else ("", "")
        if bold is None:
            weight = (_declared(_FONT_WEIGHT, style) or short_weight or "").lower()
            if short and not short_weight and _declared(_FONT_WEIGHT, style) is None:
                weight = "normal"  # the shorthand sets the weight it leaves out to normal
            if weight in ("inherit", "unset"):
                pass  # the weight around, not the tag's own
            elif weight in ("bold", "bolder") or weight in ("600", "700", "800", "900"):
                bold = True
            elif weight in ("normal", "lighter") or weight[:1].isdigit() or weight_ruled(node):
                bold = False
            elif node.tag in _BOLD_TAGS:
                bold = True
        if size is None:
            declared = (_declared(_FONT_SIZE, style) or short_size).lower()
            length = _LENGTH.fullmatch(declared)
            if length and length.group(2) in ("em", "%"):
                scale *= float(length.group(1)) / (100 if length.group(2) == "%" else 1)
            elif length:
                unit = {"pt": 4 / 3, "rem": 16.0}.get(length.group(2) or "px", 1.0)
                size = float(length.group(1)) * unit * scale
            elif declared in _SIZE_KEYWORDS:
                size = _SIZE_KEYWORDS[declared] * scale
            elif declared in _SIZE_STEPS:
                scale *= _SIZE_STEPS[declared]
            elif not declared and size_ruled(node):
                size = 16.0 * scale
            elif not declared and node.tag in _HEADING_SCALE:
                scale *= _HEADING_SCALE[node.tag]
        node = node.getparent()
    return (16.0 * scale if size is None else size), bool(bold)


def _is_large(size: float, bold: bool) -> bool:
    """WCAG's large text: 18 pt (24 px), or 14 pt (18.66 px) bold."""
    return size >= 24 or (size >= 18.66 and bold)


def _large_by_rules(el: Any, size: float, bold: bool, styled: Callable[[str], StyleColors]) -> bool:
    """Whether a stylesheet rule may make the text large: one that may give it a size of
    24 px or more (``.big{font-size:30px}``) on the element or an ancestor, up to the nearest
    inline size (which beats a rule unless the rule's is ``!important``); or, where the text
    is bold or a rule may make it bold, one of 18.66 px or more (or its size is that already)
    (:func:`mailcheck.stylesheet.style_colors`' readings)."""

    def ruled(reading: str, own: re.Pattern[str]) -> bool:
        rules = styled(reading)
        node = el
        while node is not None and isinstance(node.tag, str):
            style = node.get("style") or ""
            inline = _declared(own, style) is not None or _declared(_FONT, style) is not None
            if rules.overrides_inline(node) or (rules.sets(node) and not inline):
                return True
            if inline:
                break
            node = node.getparent()
        return False

    if ruled("large", _FONT_SIZE):
        return True
    if not (bold or ruled("bold", _FONT_WEIGHT)):
        return False
    return size >= 18.66 or ruled("large-bold", _FONT_SIZE)


# A campaign repeats a few colours on thousands of elements: each is parsed and compared once
# (bounded: a document of endless distinct colours cannot grow the cache without end).
@functools.lru_cache(maxsize=4096)
def parse_rgba(value: str) -> tuple[RGB, float] | None:
    """A CSS colour and its alpha (0 to 1), as tinycss2's CSS Color 4 parser reads it:
    ``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``, ``rgb()``/``rgba()``, ``hsl()``/
    ``hsla()``, ``hwb()``, a CSS name, ``transparent`` (alpha 0). None for anything else:
    ``currentcolor``, ``inherit``, ``var()``, a colour space sRGB cannot be told from here
    (``lab()``, ``oklch()``: converting it is not this parser's)."""
    import tinycss2.color4

    try:
        color = tinycss2.color4.parse_color(value.strip())
        if color is None or isinstance(color, str):
            return None
        srgb = color.to("srgb").coordinates
    except (NotImplementedError, ValueError, TypeError, ZeroDivisionError):
        return None
    if any(c != c for c in (*srgb, color.alpha)):  # a "none" channel: NaN
        return None
    red, green, blue = (round(min(max(c, 0.0), 1.0) * 255) for c in srgb)
    return (red, green, blue), min(max(float(color.alpha), 0.0), 1.0)


@functools.lru_cache(maxsize=4096)
def parse_color(value: str) -> RGB | None:
    """An opaque CSS colour (:func:`parse_rgba` with alpha 1), or None when not one: a
    translucent colour depends on what is behind it (:func:`blend`)."""
    found = parse_rgba(value)
    return found[0] if found is not None and found[1] >= 1 else None


def blend(color: tuple[RGB, float], behind: RGB) -> RGB:
    """A translucent colour as it shows drawn over an opaque one (source-over compositing)."""
    (rgb, alpha) = color
    red, green, blue = (
        round(alpha * c + (1 - alpha) * b) for c, b in zip(rgb, behind, strict=True)
    )
    return red, green, blue


# HTML's legacy colour attributes (bgcolor, <font color>) read six hex digits without "#" as
# #rrggbb in every browser (the "rules for parsing a legacy colour value" split the digits in
# three). Other hashless values are left to the CSS parser: "fff" is #0f0f0f by those rules,
# not white, and what other engines (Outlook's Word) make of it is not known.
_HASHLESS_HEX = re.compile(r"[0-9a-f]{6}", re.I)


def attribute_color(value: str) -> str:
    """A legacy colour attribute's value (``bgcolor``, ``<font color>``) as CSS reads the colour
    browsers show: ``FFFFFF`` is ``#ffffff``; any other value as written, stripped."""
    value = value.strip()
    return f"#{value.lower()}" if _HASHLESS_HEX.fullmatch(value) else value


@functools.lru_cache(maxsize=4096)
def contrast_ratio(first: RGB, second: RGB) -> float:
    """WCAG 2.x contrast ratio of two sRGB colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
