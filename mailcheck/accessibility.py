"""What an e-mail's HTML tells about accessibility, read from the one parse of each document.

The A11Y rules (``checks/accessibility.py``) judge these facts; gathering them here keeps the
rules free of HTML. The figures that motivate them come from the Email Markup Consortium's 2026
report on 376,348 e-mails: no ``lang`` in 95.66 %, layout tables without
``role="presentation"`` in 83.78 %, images without alt text in 47.88 %.

Contrast is computed only where both colours are written inline (the text's ``color`` and the
``background-color``/``bgcolor`` of the element or an ancestor): what a stylesheet or the
client's dark mode does is not knowable from the HTML alone, and a guess is not a finding.
So text in an element whose colour a ``<style>`` rule may set (``.big{color:#fff}`` on the
``<span class="big">`` in a grey ``<div>``) is left out, and so is text over a background
image (``background="…"``, ``background-image``): it is not written for the colour around.
For the same reason text that its inline style hides is not judged: the usual hidden
preheader is written in the background's colour on purpose (the inbox shows it in its own),
and a block hidden until a media query shows it is the stylesheet's business.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import webcolors

from mailcheck.stylesheet import StyleColors, style_backgrounds, style_colors, style_texts

_COLOR = re.compile(r"(?:^|;)\s*color\s*:\s*([^;!]+)(!\s*important)?", re.I)
_BACKGROUND = re.compile(r"(?:^|;)\s*background(?:-color)?\s*:\s*([^;!]+)(!\s*important)?", re.I)
_BACKGROUND_IMAGE = re.compile(r"(?:^|;)\s*background-image\s*:\s*([^;!]+)(!\s*important)?", re.I)
# a picture in an inline style: background or background-image with a url()
_BACKGROUND_URL = re.compile(r"(?:^|;)\s*background(?:-image)?\s*:[^;]*url\(", re.I)
_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(px|pt)", re.I)
_BOLD = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)", re.I)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
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


@dataclass
class Accessibility:
    has_html_element: bool = False  # a whole document (not a snippet a layout wraps)
    lang: str | None = None
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


def read_accessibility(root: Any, html: str, is_hidden: Callable[[Any], bool]) -> Accessibility:
    """The facts of a parsed document (before its non-text elements are stripped).

    ``is_hidden`` tells whether an element's inline style hides it from every reader (the
    parser's own test, :func:`mailcheck.htmlparse.is_hidden`): such text is not judged."""
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
            hidden = is_hidden(heading) or any(map(is_hidden, heading.iterancestors()))
            facts.heading_texts.append((text, heading.sourceline or 0, hidden))
    # the elements the stylesheets give a background image, read once a link with no text needs
    backgrounds = functools.cache(
        lambda: frozenset().union(*(style_backgrounds(css, root) for css in style_texts(root)))
    )
    for anchor in root.iter("a"):
        if _unnamed_image_link(anchor):
            no_alt = all(img.get("alt") is None for img in anchor.iter("img"))
            facts.unnamed_image_links.append(
                ((anchor.get("href") or "").strip(), anchor.sourceline or 0, no_alt)
            )
        elif _unnamed_background_link(anchor, backgrounds):
            facts.unnamed_background_links.append(
                ((anchor.get("href") or "").strip(), anchor.sourceline or 0)
            )
    # the stylesheets are read once some text fails on its inline colours, if any does
    styled = functools.cache(lambda: style_colors(root))
    for el in root.xpath("//*[contains(@style, 'olor')]|//font[@color]"):
        found = _low_contrast(el, styled)
        # hidden text last: few elements fail, and the test walks up to the root
        if found and not (is_hidden(el) or any(map(is_hidden, el.iterancestors()))):
            facts.low_contrast.append(found)
    return facts


def heading_text(heading: Any) -> str:
    """A heading's whole text, its blanks one space: what BRF001 reads of it, in the facts
    (``heading_texts``) and in the hidden text (``TextApart.hidden_headings``) alike."""
    return " ".join(str(heading.xpath("string()")).split())


def _tables_with_own_header(root: Any) -> set[Any]:
    """The tables that have a <th> of their own (not one of a table nested in them).

    Found from the headers up, in one pass: asking each table for its headers walks nested
    layout tables once per level.
    """
    return {
        table
        for th in root.iter("th")
        if (table := next(th.iterancestors("table"), None)) is not None
    }


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
    return declared if declared is not None else (el.get("color") or "").strip()


def _text_in_color(el: Any, styled: StyleColors) -> str:
    """The element's text, without descendants that set a colour of their own (judged apart)
    or whose colour a stylesheet may set (not judged)."""
    pieces = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and not _own_color(child) and not styled.sets(child):
            pieces.append(_text_in_color(child, styled))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _low_contrast(el: Any, styled: Callable[[], StyleColors]) -> LowContrast | None:
    foreground = _own_color(el)
    fg = parse_color(foreground)
    if fg is None:
        return None
    background, bg = _background_of(el)
    if bg is None:
        return None
    ratio = contrast_ratio(fg, bg)
    large = _is_large(el.get("style") or "")
    if ratio >= (3.0 if large else 4.5):
        return None
    # the stylesheets and the text last: most coloured elements pass on their colours alone,
    # and reading an element's text walks all of its descendants
    sheets = styled()
    if sheets.overrides_inline(el):
        return None  # a stylesheet's !important colour beats the inline one
    if _declared(_COLOR, el.get("style") or "") is None and sheets.sets(el):
        return None  # <font color> is a hint that any stylesheet rule for the element beats
    text = " ".join(_text_in_color(el, sheets).split())
    if not any(c.isalnum() for c in text):
        return None  # nothing, or a separator ("·", "|"): decoration, not text to read
    return LowContrast(el.sourceline or 0, text[:40], foreground, background, ratio, large)


def _background_of(el: Any) -> tuple[str, RGB | None]:
    """The nearest inline background colour of the element or an ancestor; unknown (None)
    where the nearest background is an image."""
    node = el
    while node is not None and isinstance(node.tag, str):
        style = node.get("style") or ""
        declared = _declared(_BACKGROUND, style)
        value = declared if declared is not None else (node.get("bgcolor") or "").strip()
        if value:
            # the shorthand's first word: its colour ("#222 url(bg.jpg) center / cover"), the
            # one shown where images are off; an image or gradient first is unknown, not white
            shown = value.split()[0] if declared is not None else value
            return shown, parse_color(shown)
        # an image alone (background="dark.gif", background-image:url(…)): the text is
        # written for the picture, not for the colour further out
        image = _declared(_BACKGROUND_IMAGE, style)
        if (node.get("background") or "").strip() or (image and image.lower() != "none"):
            return "", None
        node = node.getparent()
    return "", None


def _is_large(style: str) -> bool:
    """WCAG's large text: 18 pt (24 px), or 14 pt (18.66 px) bold."""
    match = _FONT_SIZE.search(style)
    if not match:
        return False
    size = float(match.group(1)) * (4 / 3 if match.group(2).lower() == "pt" else 1)
    return size >= 24 or (size >= 18.66 and bool(_BOLD.search(style)))


# A campaign repeats a few colours on thousands of elements: each is parsed and compared once
# (bounded: a document of endless distinct colours cannot grow the cache without end).
@functools.lru_cache(maxsize=4096)
def parse_color(value: str) -> RGB | None:
    """An opaque CSS colour (#rgb, #rrggbb, rgb(), a CSS name), or None when not one."""
    value = value.strip().lower()
    try:
        if value.startswith("#") and len(value) in (4, 7):
            return tuple(webcolors.hex_to_rgb(value))
        match = _RGB.fullmatch(value)
        if match:
            if match.group(4) is not None and float(match.group(4)) < 1:
                return None  # translucent: depends on what is behind
            red, green, blue = (min(int(g), 255) for g in match.groups()[:3])
            return red, green, blue
        return tuple(webcolors.name_to_rgb(value))
    except ValueError:
        return None


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
