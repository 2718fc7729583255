"""HTML → :class:`mailcheck.model.Document` in one lxml parse.

Speed matters (a batch can hold thousands of e-mails, and every rendered variant is parsed), so
this uses lxml directly rather than BeautifulSoup and lets libxml2 do the walking: a handful of
C-level passes (tag-filtered iteration, ``strip_elements``, XPath ``normalize-space``) instead of
one Python-level visit of every node, which measured twice as slow.

What counts as the **preheader**: the first element of the body that is hidden (``display:none``,
``visibility:hidden``, ``max-height:0``, ``max-width:0``, ``opacity:0``, ``mso-hide:all``,
``height:0`` with ``overflow:hidden``, the ``hidden`` attribute, or ``font-size:0`` on an element
that holds only text) or whose class or id contains "preheader" / "preview", and that comes
*before any visible text* of the body. ``font-size:0`` on a row of blocks, tables or images is
the usual fix for gaps between inline-block columns, not hiding; and ``visibility:hidden`` or
``font-size:0`` undone by a descendant's own style leaves that descendant visible: a container
with visible descendants is never the preheader nor dropped from the body text.
Images, spacers and empty cells may precede it; text may not — a hidden element further down is a
mobile-only block or a tracking trick, not what the inbox shows next to the subject. Its text,
without padding (see :func:`mailcheck.text.strip_padding`), is the preheader; when the first such
element has no text left, the next one (still before visible text) is tried. One found by its
class or id is hidden too when a ``<style>`` rule at the top level of a stylesheet hides it
(Postmark's ``.preheader {display: none !important}``). A hidden
preheader's text is not part of the body's visible text; a visible one's (Mailchimp's
"preheaderContent" row) is, and so is other hidden elements' text (mobile-only content is still
read by someone).

Links in Outlook conditional comments (``<!--[if mso]>…<![endif]-->``) are real links for Outlook
readers: VML image sources and ``<v:roundrect href>`` buttons found there are reported too. Their
text is Outlook's own (``Document.outlook_text``), kept apart from the visible text every client
shows.

What of the visible text is hidden (by an element's own style or a top-level ``<style>`` rule) or
shown as code is read again from the source when a rule asks (:func:`text_apart`): few do.

Suppression comments (``<!-- mailcheck: ignore LNK004 -->`` for the next element,
``<!-- mailcheck: ignore-file UNS001 -->`` for the campaign) are read in the same traversal.
"""

from __future__ import annotations

import copy
import functools
import itertools
import operator
import re
from collections.abc import Collection, Iterable
from dataclasses import replace
from html import unescape
from typing import Any

from lxml import etree

from mailcheck.accessibility import HEADINGS, heading_text, hidden_here, read_accessibility
from mailcheck.i18n import t
from mailcheck.model import (
    SHORT_BLOCK,
    Document,
    HiddenHow,
    HiddenPreview,
    Image,
    Link,
    StrippedElement,
    Suppression,
    TextApart,
    UnclosedComment,
)
from mailcheck.stylesheet import hidden_by_rules, hides, style_images, style_texts
from mailcheck.text import collapse_ws, strip_padding

# The plain etree parser: lxml.html's element classes cost a Python lookup per element.
_PARSER = etree.HTMLParser(huge_tree=True)
_BYTES_PARSER = etree.HTMLParser(huge_tree=True, encoding="utf-8")

# Elements whose content is never shown as body text.
_NOT_TEXT = ("head", "script", "style", "title", "template", "xml", "noembed")
# Elements that separate words: their boundaries become spaces in the visible text. Containers
# whose children separate anyway are left out (table, tr, ul …): the first and last cell's
# boundaries are the table's, and the tree walk is the cost of a parse.
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "caption", "center", "dd"),
        *("details", "div", "dt", "figcaption", "figure", "footer", "form", "h1", "h2"),
        *("h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "p", "pre"),
        *("section", "summary", "td", "th", "button"),
        # Inky (Foundation for Emails) components
        *("container", "row", "columns", "spacer", "wrapper", "callout", "menu", "item"),
    }
)
_BACKGROUND_TAGS = frozenset({"body", "table", "td", "th"})
# What a font-size:0 element holds when it is a layout row rather than hidden text.
_LAYOUT = _BLOCKS | {"table", "tbody", "tr", "img", "span"}
_VML_IMAGE_TAGS = frozenset({"v:fill", "v:image", "v:imagedata"})
_LINK_SET = frozenset({*_VML_IMAGE_TAGS, "a", "img", "area", "source", "video"})
# Elements mail clients remove before showing an e-mail (HTML002): read in the same walk
_STRIPPED_TAGS = frozenset({"script", "link", "iframe", "object", "embed"})
_VISITED = (*(_BLOCKS | _BACKGROUND_TAGS | _LINK_SET | _STRIPPED_TAGS), "title", "base")
_TEXT_OF = etree.XPath("normalize-space(.)")
# Elements that show code as it is written: "&nbsp;" there is what the author meant to show
# (read only from a text with an "&": what BRF003 asks them about), and so is a "${price}"
# (with a "${": PER003's)
_CODE = ("code", "pre", "kbd", "samp", "tt")

_ZERO = r"\s*:\s*0*(?:\.0*)?(?:px|pt|em|rem|%)?\s*(?:!\s*important\s*)?(?:;|$)"
_HIDING = re.compile(rf"display\s*:\s*none|opacity{_ZERO}")
# Hiding that is not quite: Outlook alone hides mso-hide:all (the other clients show it), and
# text overflows a zero max-height or max-width unless overflow is hidden too; as preheader
# tricks they count, as what a reader of every client sees they do not.
_OUTLOOK_HIDING = re.compile(r"mso-hide\s*:\s*all")
_ZERO_MAX = re.compile(rf"max-height{_ZERO}|max-width{_ZERO}")
# Hiding that a descendant can undo: `font-size:0` on a row of inline-block columns (each column
# sets its own size) and `visibility:hidden` under `visibility:visible`.
_FONT_SIZE_ZERO = re.compile(rf"font-size{_ZERO}")
_VISIBILITY_HIDDEN = re.compile(r"visibility\s*:\s*hidden")
_FONT_SIZE_SHOWN = re.compile(
    r"font-size\s*:\s*(?:0*[1-9][\d.]*|0*\.\d*[1-9]\d*)\s*(?:px|pt|pc|rem|in|cm|mm|q|vw|vh)?"
    r"\s*(?:!\s*important\s*)?(?:;|$)"
    r"|font-size\s*:\s*(?:xx?-small|small|medium|large|xx?x?-large)"
)
_VISIBILITY_SHOWN = re.compile(r"visibility\s*:\s*visible")
_ZERO_HEIGHT = re.compile(rf"(?<![-\w])height{_ZERO}")
_OVERFLOW_HIDDEN = re.compile(r"overflow\s*:\s*hidden")
_MARKER = re.compile(r"preheader|preview", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*?))\s*\)""", re.IGNORECASE)
# Inside conditional comments: VML image sources and bulletproof-button hrefs.
_SUPPRESSION_START = re.compile(r"mailcheck\s*:", re.IGNORECASE)
_SUPPRESSION = re.compile(
    r"^\s*mailcheck\s*:\s*(ignore-file|ignore)\s+([A-Za-z0-9_,\s]+?)\s*$", re.IGNORECASE
)


def is_hidden(el: Any, *, from_everyone: bool = False) -> bool:
    """Whether an element is hidden by its inline style or ``hidden`` attribute.

    ``font-size:0`` and ``visibility:hidden`` hide an element only when no descendant undoes
    them: a container with visible descendants (a row of columns) is not hidden. With
    ``from_everyone``, ``mso-hide:all`` does not count (it hides only from Outlook: the HTML
    half of a bulletproof button that Outlook draws in VML), nor does a zero ``max-height`` or
    ``max-width`` without ``overflow:hidden`` (the text overflows it).
    """
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if not style:
        return False
    return _style_hides(el, style.lower(), from_everyone=from_everyone)


def _style_hides(el: Any, style: str, *, from_everyone: bool = False) -> bool:
    """Whether ``style`` (declarations in lower case: an inline style, or a stylesheet rule's
    for ``el``) hides ``el``, as :func:`is_hidden` tells."""
    hiding = _style_hiding(style, from_everyone)
    if hiding == "visibility":
        return not _descendant_style(el, _VISIBILITY_SHOWN)
    if hiding == "font-size":
        # the columns fix: a row of blocks, images or tables, each with its own font size
        layout = any(isinstance(d.tag, str) and d.tag in _LAYOUT for d in el.iterdescendants())
        return not layout and not _descendant_style(el, _FONT_SIZE_SHOWN)
    return hiding == "hides"


# A layout repeats its styles on many elements (the corpus: 14,489 readings of 1,322 distinct
# styles): what a style says alone is read once per run, bounded as the stylesheet caches
@functools.lru_cache(maxsize=4096)
def _style_hiding(style: str, from_everyone: bool) -> str:
    """What ``style`` alone says of :func:`_style_hides`: "hides", "no", or "visibility" /
    "font-size" when it hides unless a descendant undoes it (the element tells)."""
    if "none" not in style and "hid" not in style and "0" not in style:
        return "no"  # most styles of a layout hide nothing: skip the regexes
    if _HIDING.search(style):
        return "hides"
    if not from_everyone and (_OUTLOOK_HIDING.search(style) or _ZERO_MAX.search(style)):
        return "hides"
    if (_ZERO_HEIGHT.search(style) or _ZERO_MAX.search(style)) and _OVERFLOW_HIDDEN.search(style):
        return "hides"
    if _VISIBILITY_HIDDEN.search(style):
        return "visibility"
    if _FONT_SIZE_ZERO.search(style):
        return "font-size"
    return "no"


def _hidden_from_everyone(el: Any) -> bool:
    return is_hidden(el, from_everyone=True)


def _hidden_by_rules(root: Any, css_texts: list[str]) -> Collection[Any]:
    """The elements a top-level stylesheet rule hides from every client, as the hidden text
    BRF001 reads (:func:`text_apart`): ``.preheader{display:none}``. ``css_texts``: the
    document's ``<style>`` texts (:func:`style_texts`)."""
    if not css_texts:
        return ()
    return hidden_by_rules(
        root, css_texts, lambda el, style: _style_hides(el, style, from_everyone=True)
    ).keys()


def _descendant_style(el: Any, pattern: re.Pattern[str]) -> bool:
    return any(
        pattern.search(style.lower())
        for child in el.iterdescendants()
        if isinstance(child.tag, str) and (style := child.get("style"))
    )


def _is_candidate(el: Any) -> bool:
    if is_hidden(el):
        return True
    marker = el.get("class")
    if marker and _MARKER.search(marker):
        return True
    marker = el.get("id")
    return bool(marker and _MARKER.search(marker))


# A PHP tag (``<?= $user->getShortName() ?>``, ``<?php if ($a > 1): ?>``). HTML has no
# processing instructions: libxml2, like a browser, reads ``<?`` as a comment that ends at the
# first ">", so the ">" of ``->``, ``=>`` or a comparison ended it early and the rest of the
# code became body text ("Здравствуйте, getShortName(); ?>!" quoted by A11Y006). Bounded: a
# "<?=" never closed is not scanned to the end of the document once for each.
_PHP_TAG = re.compile(r"<\?(?:=|php\b).{0,5000}?\?>", re.DOTALL)


def _php_tags_whole(html: str) -> str:
    """``html`` with the ">" inside each PHP tag written ``&gt;``: the parser reads the tag
    whole, as it reads one without ">" (nothing of it is text), and in an attribute value
    (``href="<?= $user->getUrl() ?>"``) the reference reads back as the ">" it was. Line
    breaks are kept: the parse's line numbers are the source's."""
    if "<?" not in html:  # most e-mails: one scan
        return html
    return _PHP_TAG.sub(lambda m: "<?" + m.group()[2:-2].replace(">", "&gt;") + "?>", html)


# The end tag of the document. libxml2 (2.14) drops everything after it, where a browser, and
# so every webmail, reads on in the body (HTML5's "after after body" mode): a footer appended
# after </html> (Oracle's TechBlast puts its unsubscribe link there) went unseen.
_HTML_END = re.compile(r"</html\s*>", re.IGNORECASE)


def _content_after_end_kept(html: str) -> str:
    """``html`` with its </html> end tags blanked out when something follows the first one,
    so that the parser reads on as a browser does. Blanked with spaces: every offset and line
    stays the source's."""
    end = _HTML_END.search(html)
    if end is None or not html[end.end() :].strip():  # nothing after it: most e-mails
        return html
    return _HTML_END.sub(lambda m: " " * len(m.group()), html)


def _tree(html: str) -> tuple[Any, str]:
    """The parsed document root (None when there is nothing to parse), and why libxml2 stopped
    before the end ("" when it did not)."""
    if not html or html.isspace():
        return None, ""
    html = _content_after_end_kept(_php_tags_whole(html))
    try:
        root, cut = etree.fromstring(html, _PARSER), _cut_short(_PARSER)
    except ValueError:
        # lxml refuses str with an XML encoding declaration (or NUL bytes): parse UTF-8 bytes
        data = html.encode("utf-8", "surrogatepass").replace(b"\x00", b"")
        root, cut = etree.fromstring(data, _BYTES_PARSER), _cut_short(_BYTES_PARSER)
    if root is not None:
        _head_as_a_browser_ends_it(root)
    return root, cut


# What HTML's parser keeps in <head>. Anything else ends the head ("in head" insertion mode,
# "anything else") and goes, with all after it, into <body>; libxml2 keeps an element it does
# not know in the head instead: after a leading <style>, a fragment's <columns> or Campaign
# Monitor's <unsubscribe> took the whole text into <head>, which no rule reads (a QA probe).
_HEAD_CONTENT = frozenset(
    {"base", "basefont", "bgsound", "link", "meta", "title", "noscript", "noframes", "style",
     "script", "template"}
)  # fmt: skip


def _head_as_a_browser_ends_it(root: Any) -> None:
    head = root.find("head")
    if head is None:
        return
    stray = next(
        (el for el in head if isinstance(el.tag, str) and el.tag not in _HEAD_CONTENT), None
    )
    if stray is None:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    moved = [stray, *stray.itersiblings()]
    if body.text:  # the body's own first words come after what the head held
        moved[-1].tail = (moved[-1].tail or "") + body.text
        body.text = None
    for element in reversed(moved):
        body.insert(0, element)


# libxml2 reads an element's attributes in quadratic time: 60,000 on one element took 33 s
# (20,000: 0.7 s). No e-mail has more than a few dozen; the largest of the shared corpus, all
# its elements together, 1,481 "=" signs.
MAX_ATTRIBUTES = 10_000


def _crowded_element(html: str) -> str:
    """Why the HTML is not parsed, when an element has more attributes than any e-mail."""
    if html.count("=") <= MAX_ATTRIBUTES:  # the common case: one fast count
        return ""
    for segment in html.split(">"):
        attributes = segment[segment.rfind("<") :].count("=")
        if attributes > MAX_ATTRIBUTES:
            return t(
                "an element has about {count} attributes, more than the HTML parser reads "
                "in reasonable time (at most {limit})",
                count=f"{attributes:,}",
                limit=f"{MAX_ATTRIBUTES:,}",
            )
    return ""


def _cut_short(parser: Any) -> str:
    """Past its nesting limit libxml2 drops everything that follows, and says so only in the
    parser's log (of the last document it parsed)."""
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            depth = re.search(r"\d+", entry.message or "")
            return t(
                "elements are nested more than {depth} deep, past what the HTML parser reads",
                depth=depth.group() if depth else "?",
            )
    return ""


def parse_html(html: str, *, accessibility: bool = False) -> Document:
    """Parse an HTML body (a whole document, a fragment, Inky markup, broken HTML). Never raises.

    ``accessibility``: also read the accessibility facts (once per campaign, from its source:
    rendering does not change tables, headings or colours).
    """
    crowded = _crowded_element(html)
    if crowded:
        return Document(unread=crowded)
    try:
        root, cut = _tree(html)
        if root is None:  # nothing but whitespace and comments
            return Document()
        has_css_urls = "url(" in html or "URL(" in html or "Url(" in html
        document = _extract(root, html, accessibility, has_css_urls)
    except Exception as exc:  # libxml2 gave up (or a bug here): nothing can be read from it
        return Document(unread=t("the parser gave up ({why})", why=repr(exc)))
    document.unread = cut
    document.unclosed_comment = _unclosed_comment(html, root)
    document.source = html
    return document


def text_apart(html: str, *, before: str | None = None) -> TextApart:
    """The text of ``html`` that is no copy a reader sees (:class:`TextApart`), parsed again
    as :func:`parse_html` parses it: asked of the few documents that need it (dummy text)
    rather than read in every parse. ``before``: a preheader the ESP puts in front of the
    body (campaign.toml's), which the preview reads first, as it does the body's own."""
    if not html or _crowded_element(html):
        return TextApart()
    try:
        root, _cut = _tree(html)
        if root is None:
            return TextApart()
        for el in root.iter(*_BLOCKS):
            _spaced(el)
        css_texts = style_texts(root)
        # each heading and its text as the accessibility facts read it (before the strip)
        titled = [(el, heading_text(el)) for el in root.iter(*HEADINGS)]
        etree.strip_elements(root, *_NOT_TEXT, with_tail=False)
        how: dict[Any, HiddenHow] = {}  # each element hidden from every client, and how
        starts = _TagStarts(html)
        for el in _STYLED(root):
            if _hidden_box(el):
                how[el] = HiddenHow("", starts.line(el), declaration=_hiding_said(el))
        if css_texts:  # a top-level rule's .mobile {display:none}
            by_rules = hidden_by_rules(
                root, css_texts, lambda el, style: _style_hides(el, style, from_everyone=True)
            )
            for el, rule in by_rules.items():
                how.setdefault(el, HiddenHow("", starts.line(el), rule=rule))
        found, preheader, *_rest = _preheader_taken(root, css_texts, late=False)
        # the preheader's whole text, its padding too (its "text as written" is trimmed)
        raw = "".join(found.itertext()) if found is not None else ""
        taken = found is not None and found.getparent() is None  # a hidden one: not the body's
        previewed: list[HiddenPreview] = []  # hidden, yet in the preview (and why)
        if before:  # the ESP's preheader, then the body's own (if any), as HTML reads it
            before = unescape(before)
            if taken and preheader and not _fills(strip_padding(before), before):
                # the body's own hidden preheader follows one too short to fill the preview
                said = HiddenHow(preheader, starts.line(found), _hiding_said(found))
                previewed.append(HiddenPreview(said, collapse_ws(strip_padding(before))))
            if taken and _fills(strip_padding(before), before):
                # the body's own preheader is hidden text after a preview already full
                how.setdefault(found, HiddenHow("", starts.line(found), _hiding_said(found)))
                taken = False
            raw = f"{before} {raw}"
            preheader = collapse_ws(f"{strip_padding(before)} {preheader or ''}")
        if taken:  # (its elements left the tree with it)
            how = {el: each for el, each in how.items() if not _inside(el, {found})}
        # the first text of a body without a preheader is the preview the inbox shows (PRE001
        # quotes it), however it is hidden: as a hidden preheader's is; so is the text right
        # after a preheader too short to fill the preview, with no padding to fill it
        fills = preheader is None or not _fills(preheader, raw)
        preview = _preview_box(root, set(how), padded=preheader is not None) if fills else None
        hidden = _outermost(el for el in how if el is not preview)
        boxes = set(hidden)
        headings = _headings_hidden(titled, boxes, how)
        code = [el for el in _outermost(root.iter(*_CODE)) if not _inside(el, boxes)]
        blocks = frozenset(
            text
            for el in root.iter(*_TEXT_BLOCKS)
            if (text := strip_padding(_TEXT_OF(el))) and len(text) <= SHORT_BLOCK
        )
        if preview is not None and (text := strip_padding(_TEXT_OF(preview))):
            # why the inbox shows it: the short preheader it follows, or none at all
            previewed.append(HiddenPreview(replace(how[preview], text=text), preheader))
    except Exception:  # as parse_html: nothing read, nothing apart
        return TextApart()
    # spaces as the visible text reads them (strip_padding): "Lorem&nbsp;ipsum" is "Lorem ipsum"
    hidden_how = tuple(  # in the order written
        sorted(
            (replace(how[el], text=text) for el in hidden if (text := strip_padding(_TEXT_OF(el)))),
            key=operator.attrgetter("line"),
        )
    )
    return TextApart(
        hidden=" ".join(each.text for each in hidden_how),
        hidden_how=hidden_how,
        code=" ".join(t for el in code if (t := strip_padding(_TEXT_OF(el)))),
        blocks=blocks,
        previewed=tuple(previewed),
        hidden_headings=headings,
    )


def _headings_hidden(
    titled: list[tuple[Any, str]], boxes: set[Any], how: dict[Any, HiddenHow]
) -> tuple[tuple[int, str, int, HiddenHow], ...]:
    """(line, text, how many headings of that line and text come before it, how it is
    hidden) of each heading of ``titled`` (with their texts, in document order) inside one of
    the hidden ``boxes``: :attr:`TextApart.hidden_headings`."""
    found: list[tuple[int, str, int, HiddenHow]] = []
    before: dict[tuple[int, str], int] = {}
    for heading, text in titled:
        line = heading.sourceline or 0
        index = before[line, text] = before.get((line, text), -1) + 1
        box = next((el for el in (heading, *heading.iterancestors()) if el in boxes), None)
        if box is not None:
            found.append((line, text, index, how[box]))
    return tuple(found)


# The declarations of a style that hide, as :func:`_style_hides` finds them: what is said
# of an element hidden (the first found)
_HIDING_SAID = (
    _HIDING,
    _VISIBILITY_HIDDEN,
    _FONT_SIZE_ZERO,
    _ZERO_HEIGHT,
    _ZERO_MAX,
    _OUTLOOK_HIDING,
)


def _hiding_said(el: Any) -> str:
    """The declaration of ``el``'s own style that hides it, as written ("display:none",
    "height:0" of "height:0;overflow:hidden"); "hidden" for the attribute; what its author
    called it ("class=preheader") for a preheader a stylesheet hides."""
    if el.get("hidden") is not None:
        return "hidden"
    style = el.get("style") or ""
    for pattern in _HIDING_SAID:
        found = pattern.search(style.lower())
        if found:
            start, end = found.span()
            return " ".join(style[start:end].split()).rstrip(";").strip()
    return " ".join(style.split()) or _marker(el)


def _fills(preheader: str, raw: str) -> bool:
    """Whether a preheader (its text, and ``raw``: as written, padding too) fills the
    preview: long enough, or padded (``&zwnj;&nbsp;``, a run of ``&nbsp;``), the inbox
    shows nothing after it."""
    return (
        len(preheader) >= _SHORTEST_PREVIEW
        or strip_padding(raw) != collapse_ws(raw)  # &zwnj; or the like
        or "\xa0" * 3 in raw  # a run of &nbsp;
    )


# The blocks that hold text of their own (a line break or a rule holds none)
_TEXT_BLOCKS = tuple(_BLOCKS - {"br", "hr"})


# The fewest characters an inbox shows of the preview (Outlook's one line): a preheader
# shorter than this, unpadded, leaves room for the text after it
_SHORTEST_PREVIEW = 35


def _preview_box(root: Any, boxes: set[Any], *, padded: bool = False) -> Any:
    """The element of ``boxes`` whose text is the first of the body (none of the body's
    text comes before it, padding aside), else None; with ``padded``, padding before it
    fills the preview (after a preheader) and there is none."""
    if not boxes:
        return None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start" and el in boxes:
            return el
        piece = el.text if event == "start" else el.tail
        if piece and not piece.isspace() and (padded or strip_padding(piece)):
            return None
    return None


def _outermost(elements: Iterable[Any]) -> list[Any]:
    """``elements`` (in their order, once each) without those inside another of them, whose
    text it holds."""
    listed = list(dict.fromkeys(elements))
    chosen = set(listed)
    return [el for el in listed if not any(a in chosen for a in el.iterancestors())]


def _inside(el: Any, boxes: set[Any]) -> bool:
    return el in boxes or any(a in boxes for a in el.iterancestors())


def _spaced(el: Any) -> None:
    """A block's boundaries made word boundaries: <td>a</td><td>b</td> reads "a b"; indented
    HTML mostly has whitespace there already, and writing text nodes costs more."""
    tail = el.tail
    if not tail:
        el.tail = " "
    elif not tail[0].isspace():
        el.tail = " " + tail
    text = el.text
    if not text:
        if len(el):
            el.text = " "
    elif not text[0].isspace():
        el.text = " " + text


def _preheader_taken(
    root: Any, css_texts: list[str], *, late: bool = True
) -> tuple[Any, str | None, str | None, LatePreheader | None, bool]:
    """The preheader's element (None when there is none), its text, its text as written
    (trimmed), a late preheader (looked for with
    ``late``), and whether it was found by its name alone and no style hides it (see the
    module's docstring); a hidden preheader's element leaves the tree (its text is not the
    body's)."""
    preheader_el, preheader, preheader_raw, late_one = _find_preheader(root, late=late)
    by_name = preheader_el is not None and not is_hidden(preheader_el)
    if (
        by_name
        and css_texts
        and hides(preheader_el, css_texts, lambda style: _style_hides(preheader_el, style))
    ):
        by_name = False  # a <style> rule hides it (Postmark's .preheader): the preview copy
    if preheader_el is not None and not by_name:
        _remove_keeping_tail(preheader_el)  # a visible "preheader" row stays body text
    return preheader_el, preheader, preheader_raw, late_one, by_name


def _unclosed_comment(html: str, root: Any) -> UnclosedComment | None:
    """The comment that runs to the end of ``html`` because nothing closes it, when it hides
    something a reader would see. It opens at the first "<!--" after the last "-->" (or
    HTML's "--!>"): every comment before that one is closed. The parse must have read it as a
    comment too: inside a <style> or an attribute value, "<!--" is text."""
    closed = max(html.rfind("-->"), html.rfind("--!>"))
    start = html.find("<!--", closed + 3 if closed != -1 else 0)
    if start == -1:
        return None
    rest = html[start + 4 :]
    nodes = [*root.iter(etree.Comment), *root.itersiblings()]
    last = nodes[-1] if nodes and nodes[-1].tag is etree.Comment else None
    opening = collapse_ws(last.text or "")[:40] if last is not None else ""
    if not opening or not collapse_ws(rest).startswith(opening):
        return None  # the parse's last comment is another one: this "<!--" was text
    try:
        parsed = etree.fromstring(f"<div>{rest}</div>", _PARSER)
    except (ValueError, etree.ParserError):
        return None
    fragment = parsed.find(".//div") if parsed is not None else None
    if fragment is None:
        return None
    # its own words before any markup ("<!-- end of footer", "[if mso]>") are the comment's
    fragment.text = None
    etree.strip_elements(fragment, *_NOT_TEXT, etree.Comment, with_tail=False)
    hidden = collapse_ws(" ".join(fragment.itertext()))  # a quote of it: blocks apart
    links = len(fragment.xpath(".//a[@href] | .//img[@src] | .//area[@href]"))
    if not hidden and not links:
        return None  # "<!-- end" before </html>: nothing is lost
    outlook = rest.lstrip().lower().startswith("[if")
    line = html.count("\n", 0, start) + 1
    anchors = tuple(
        Link(_url(a.get("href")), "a", _TEXT_OF(a), line, _url(a.get("href")))
        for a in fragment.iter("a")
        if a.get("href") is not None
    )
    return UnclosedComment(line, outlook, hidden, links, anchors)


def _extract(root: Any, html: str, accessibility: bool, has_css_urls: bool) -> Document:
    """The document's facts from its tree and source; its accessibility facts on request."""
    starts = _TagStarts(html)
    links: list[Link] = []
    images: list[Image] = []
    anchors: list[tuple[int, Any]] = []  # <a> elements: their text is read once blocks are split
    srcset: list[Link] = []
    # comments before <html> (the first line of a file is where ignore-file is written) and
    # after it are the root's siblings, outside the traversal below
    suppressions = _outside_suppressions(reversed(list(root.itersiblings(preceding=True))), starts)
    after = _outside_suppressions(root.itersiblings(), starts)
    title: str | None = None
    base: str | None = None
    stylesheets: list[tuple[str, int]] = []  # <style> texts that may name images, and lines
    stripped: list[StrippedElement] = []  # what mail clients remove (scripts …)
    outlook: list[str] = []  # the text Outlook's conditional comments show it
    unsure: list[tuple[str, str]] = []  # ... and what they may not show anyone, and why
    # One traversal for links, images, the title and word boundaries; every element only when
    # some style attribute may hold a url(), else just the tags that matter (much faster).
    nodes = root.iter() if has_css_urls else root.iter(etree.Comment, *_VISITED)
    for el in nodes:
        tag = el.tag
        if not isinstance(tag, str):
            if tag is etree.Comment and el.text:
                text = el.text.lstrip()
                # Outlook reads "<!--[if" as written, in either case ("<!--[IF MSO]>"):
                # "<!-- [if" is a comment no one reads
                if el.text[:3].lower() == "[if":
                    first = len(links)
                    _conditional(el, links, anchors, outlook, unsure)
                    links[first:] = [replace(link, outlook_only=True) for link in links[first:]]
                elif _SUPPRESSION_START.match(text):
                    suppressions.append(_suppression(el, starts))
            continue
        if tag in _BLOCKS:
            _spaced(el)
        if tag in _BACKGROUND_TAGS:
            background = el.get("background")
            if background is not None:
                background = _url(background)
                line = starts.line(el)
                links.append(Link(background, "background", "", line, background))
        elif tag in _LINK_SET:
            _element_links(el, tag, starts.line(el), links, images, anchors, srcset)
        elif tag in _STRIPPED_TAGS:
            found = _stripped(el, tag)
            if found is not None:
                kind, url = found
                stripped.append(StrippedElement(starts.line(el), kind, url))
        elif tag == "title" and title is None:
            title = collapse_ws("".join(el.itertext()))
        elif tag == "base" and base is None and el.get("href"):
            base = el.get("href").strip()  # the first <base href> counts (HTML's rule)
        if has_css_urls:
            if tag == "style" and el.text:
                stylesheets.append((el.text, starts.line(el)))
            style = el.get("style")
            if style and "url(" in style.lower():
                line = starts.line(el)
                for match in _CSS_URL.finditer(style):
                    url = _url(next(g for g in match.groups() if g is not None))
                    links.append(Link(url, "css", "", line, url))
    stylesheet = [  # read before the <style> elements leave the tree below
        Link(url, "css", "", line + at - 1, url)
        for css, line in stylesheets
        for url, at in style_images(css, root)
    ]
    # the <style> blocks, for the accessibility facts' readings and the preview element a
    # class or id names (read before they go): once for all of them
    css_texts = style_texts(root)
    facts = (
        read_accessibility(
            root,
            html,
            _hidden_from_everyone,
            lambda: _hidden_by_rules(root, css_texts),
            css_texts,
        )
        if accessibility
        else None
    )
    if facts is not None and root.tag == "html":
        # where <html> is written, for A11Y001's place (0: the parser implied it)
        facts.html_line = starts.written_at(root)
    etree.strip_elements(root, *_NOT_TEXT, with_tail=False)
    judged: dict[Any, bool] = {}  # boxes around links, hidden or not
    for index, el in anchors:
        link = links[index]
        # an image link's text is what its image says (a screen reader reads the alt)
        text = _TEXT_OF(el) or collapse_ws(" ".join(img.get("alt") or "" for img in el.iter("img")))
        # a short text ("click here", «нажмите здесь») is understood from its sentence
        context = _sentence_around(el, text) if 0 < len(text.split()) <= 4 else ""
        links[index] = Link(
            link.href,
            "a",
            text,
            link.line,
            link.raw,
            context=context,
            marker=_link_marker(el, text),
            hidden=_unseen(el, judged),
            outlook_only=link.outlook_only,
        )

    _found, preheader, preheader_raw, late, by_name = _preheader_taken(root, css_texts)
    # string-value of the tree: text nodes only (comment tails yes, comments no); hidden
    # padding blocks are not text either
    text = strip_padding(_TEXT_OF(root))
    return Document(
        title=title or None,
        title_copy_line=_title_copy_line(root, title, text, starts, judged),
        preheader=preheader,
        preheader_raw=preheader_raw,
        links=links,
        images=images,
        text=text,
        outlook_text=" ".join(t for t in outlook if t),
        outlook_unsure=" ".join(t for t, _how in unsure if t),
        outlook_unsure_how=tuple((t, how) for t, how in unsure if t),
        code=(
            " ".join(_TEXT_OF(el) for el in root.iter(*_CODE))
            if "&" in text or "${" in text
            else ""
        ),
        accessibility=facts,
        suppressions=suppressions + after,
        srcset=srcset,
        stylesheet=stylesheet,
        preheader_by_name=by_name,
        late_preheader=late,
        base=base,
        anchor_names=_anchor_names(root, links),
        stripped=stripped,
    )


def _title_copy_line(
    root: Any, title: str | None, text: str, starts: _TagStarts, judged: dict[Any, bool]
) -> int:
    """The line of the first visible ``<p>`` whose whole text is ``title`` (0: none). A title
    that is a paragraph of the copy word for word was pasted from it: the page's lead, not
    the subject an ESP sends (ru-runetid-1026's 201-character title)."""
    # (the paragraphs are walked only when the text holds the title at all: most never do)
    if not title or title not in text:
        return 0
    for el in root.iter("p"):
        if collapse_ws(_TEXT_OF(el)) == title and not _unseen(el, judged):
            return starts.line(el)
    return 0


# A <script type> that runs (HTML's JavaScript MIME types, "module"); any other type is a data
# block no client runs: the JSON-LD (application/ld+json) of Gmail's schema.org markup
_SCRIPT_TYPES = re.compile(r"^(?:|module|(?:text|application)/(?:x-)?(?:java|ecma|j|live)script)$")


def _stripped(el: Any, tag: str) -> tuple[Any, str] | None:
    """What kind of element mail clients remove ``el`` is, with the URL it loads; None when
    it is none: a data block, an empty script, a <link> that is no stylesheet or a web font's
    (the font-family's next font shows)."""
    if tag == "script":
        kind = (el.get("type") or "").split(";")[0].strip().lower()
        src = _url(el.get("src") or "")
        if not _SCRIPT_TYPES.match(kind) or not (src or _code(el.text or "")):
            return None
        return "script", src
    if tag == "link":
        rel = (el.get("rel") or "").lower().split()
        href = _url(el.get("href") or "")
        if "stylesheet" not in rel or not href or _web_font(href):
            return None
        return "stylesheet", href
    return tag, _url(el.get("src") or el.get("data") or "")


# What a script's text holds besides code: JavaScript's comments, the /* … */ kind and the
# line kinds ("//", and the "<!--" and a line's leading "-->" that hid a script from
# browsers without one)
_SCRIPT_COMMENTS = re.compile(r"/\*.*?(?:\*/|\Z)|(?://|<!--)[^\n]*|^[ \t]*-->[^\n]*", re.S | re.M)


def _code(text: str) -> str:
    """A script's text without its comments and blanks: "" for an empty script (only
    ``<!-- -->``, ``// …``)."""
    return _SCRIPT_COMMENTS.sub("", text).strip()


def _web_font(url: str) -> bool:
    """Whether ``url`` is a web-font service's stylesheet (``data/web_font_hosts.toml``)."""
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").rstrip(".")
    except ValueError:
        return False
    return any(host == h or host.endswith("." + h) for h in _web_font_hosts())


@functools.cache
def _web_font_hosts() -> frozenset[str]:
    import tomllib
    from importlib import resources

    text = resources.files("mailcheck.data").joinpath("web_font_hosts.toml").read_text("utf-8")
    return frozenset(tomllib.loads(text)["hosts"])


def _anchor_names(root: Any, links: list[Link]) -> frozenset[str]:
    """Every id and <a name> of the document, when an in-page link ("#prices") needs them."""
    if not any(link.href.startswith("#") and len(link.href) > 1 for link in links):
        return frozenset()
    return frozenset(str(name) for name in root.xpath("//@id | //a/@name"))


# What a style that hides from every client says (display:none, visibility:hidden, opacity:0,
# a zero height with overflow:hidden): a style without any of it ("border:none") is passed
# over at once
_MAY_HIDE = re.compile(r"display\s*:\s*none|hidden|opacity", re.IGNORECASE)


def _unseen(el: Any, known: dict[Any, bool]) -> bool:
    """Whether no recipient sees the element: it or a box around it is hidden by its own
    style from every client (Outlook's mso-hide alone hides nothing from the others).
    ``known``: the boxes already judged (a document's links share most of theirs)."""
    return hidden_here(el, _hidden_by_own_style, known)


def _hidden_by_own_style(node: Any) -> bool:
    style = node.get("style")
    return node.get("hidden") is not None or bool(
        style and _MAY_HIDE.search(style) and _hidden_from_everyone(node)
    )


# The elements a style or the hidden attribute may hide (one XPath pass in C)
_STYLED = etree.XPath("//*[@style or @hidden]")


def _hidden_box(el: Any) -> bool:
    """Whether the element's own style (or ``hidden``) hides it from every client."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _MAY_HIDE.search(style) and _hidden_from_everyone(el))


def _marker(el: Any) -> str:
    """The element's own role, data-*, class and id attributes: what its author called it."""
    found = [
        f"{name}={value}"
        for name, value in el.items()
        if name in ("role", "class", "id") or name.startswith("data-")
    ]
    return " ".join(found)


def _link_marker(el: Any, text: str) -> str:
    """A link's :func:`_marker`, with the ``title`` of the link and of its images when it has
    no ``text`` (visible, or its images' alt): what its author called an icon link whose
    picture has no alt (``<a title="Отписаться"><img alt="" …></a>``, a tooltip and a screen
    reader's name for it). A link with text is what its text says: ``<a title="Unsubscribe">
    Contact</a>`` is a contact link (a QA probe: its title made it the way out)."""
    if text:
        return _marker(el)
    titles = [
        f"title={title}"
        for node in (el, *el.iter("img"))
        if (title := collapse_ws(node.get("title") or ""))
    ]
    return " ".join([_marker(el), *titles]).strip()


# Where a sentence ends: its punctuation, then a space or the end of the text.
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")
_CONTEXT_CHARS = 300  # of the link's block on either side: a sentence, not the whole layout


def _sentence_around(anchor: Any, text: str) -> str:
    """The sentence a link stands in, within its block; the one before when the link opens it.

    "Don't want these e-mails? <a>Click here</a>." reads as one request to unsubscribe, so a
    link at the start of its sentence takes the previous sentence along.
    """
    block = anchor.getparent()
    while block is not None and block.tag not in _BLOCKS and block.tag not in _CONTAINERS:
        block = block.getparent()
    # whitespace kept at the ends: "письма, " + "нажмите здесь" + "." reads as written
    before = _text_before(anchor, block)[-_CONTEXT_CHARS:]
    after = _text_after(anchor, block)[:_CONTEXT_CHARS]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    if ends and not before[ends[-1] :].strip():  # the link opens its sentence
        ends.pop()
    start = ends[-1] if ends else 0
    first_end = _SENTENCE_END.search(after)
    if first_end:
        after = after[: first_end.end()]
    return collapse_ws(before[start:] + text + after)


_CONTAINERS = frozenset({"body", "html", "table", "tbody", "thead", "tfoot", "tr"})


def _text_before(anchor: Any, block: Any) -> str:
    pieces: list[str] = []  # in reverse order
    size = 0
    node = anchor
    while node is not None and node is not block and size < _CONTEXT_CHARS:
        sibling = node.getprevious()
        while sibling is not None and size < _CONTEXT_CHARS:
            for piece in (sibling.tail, _own_text(sibling)):
                if piece:
                    pieces.append(piece)
                    size += len(piece)
            sibling = sibling.getprevious()
        node = node.getparent()
        if node is not None and node.text:
            pieces.append(node.text)
            size += len(node.text)
    return "".join(reversed(pieces))


def _text_after(anchor: Any, block: Any) -> str:
    pieces: list[str] = []
    size = 0
    node = anchor
    while node is not None and node is not block and size < _CONTEXT_CHARS:
        if node.tail:
            pieces.append(node.tail)
            size += len(node.tail)
        sibling = node.getnext()
        while sibling is not None and size < _CONTEXT_CHARS:
            for piece in (_own_text(sibling), sibling.tail):
                if piece:
                    pieces.append(piece)
                    size += len(piece)
            sibling = sibling.getnext()
        node = node.getparent()
    return "".join(pieces)


def _own_text(el: Any) -> str:
    """An element's text as written (not a comment's)."""
    return "".join(el.itertext(with_tail=False)) if isinstance(el.tag, str) else ""


def suppressions_in(html: str, file: str) -> list[Suppression]:
    """The suppression comments written in ``html``, one of the campaign's partials as written
    (``file``: how findings name it, "partials/footer.html"), at that file's own lines: a
    comment before an element of the partial applies to that element there. Never raises."""
    if "mailcheck" not in html.lower():
        return []
    try:
        root, _cut = _tree(html)
    except Exception:  # libxml2 gave up: the comments of a file it cannot read are unknown
        return []
    if root is None:
        return []
    starts = _TagStarts(html)
    found = _outside_suppressions(reversed(list(root.itersiblings(preceding=True))), starts)
    found += [
        _suppression(el, starts)
        for el in root.iter(etree.Comment)
        # (an Outlook conditional comment is read for its content, never as a suppression)
        if el.text and el.text[:3].lower() != "[if" and _SUPPRESSION_START.match(el.text.lstrip())
    ]
    found += _outside_suppressions(root.itersiblings(), starts)
    return [replace(s, file=file) for s in found]


def _outside_suppressions(siblings: Iterable[Any], starts: _TagStarts) -> list[Suppression]:
    return [
        _suppression(node, starts)
        for node in siblings
        if node.tag is etree.Comment and node.text and _SUPPRESSION_START.match(node.text.lstrip())
    ]


def _suppression(comment: Any, starts: _TagStarts) -> Suppression:
    """The suppression a ``mailcheck:`` comment declares (codes are checked by the engine;
    a comment not understood is kept as ``invalid``, to be reported, never ignored). The
    element it applies to starts where its start tag begins (``starts``: a tag written over
    several lines is placed, as findings place it, at its first line, not at its ``>``)."""
    match = _SUPPRESSION.match(comment.text)
    if match is None:
        return Suppression((comment.text.strip(),), "invalid", comment.sourceline or 0)
    codes = tuple(c.strip().upper() for c in re.split(r"[,\s]+", match.group(2)) if c.strip())
    line = comment.sourceline or 0
    if match.group(1).lower() == "ignore-file":
        return Suppression(codes, "file", line)
    target = comment.getnext()
    while target is not None and not isinstance(target.tag, str):  # comments, PIs
        target = target.getnext()
    if target is None:  # nothing follows: the next element is the parent's next sibling
        parent = comment.getparent()
        target = parent.getnext() if parent is not None else None
    # a fragment's <html>, <head> or <body> that is not written (a partial, "<p>…"): the next
    # element is the first written inside it, not the whole file
    while target is not None and target.tag in _IMPLIED and not starts.written(target.tag):
        target = next((e for e in target if isinstance(e.tag, str)), None)
    if target is None:
        return Suppression(codes, "element", line)
    first = starts.line(target) or target.sourceline or line
    return Suppression(codes, "element", line, first, max(first, _last_line(target)))


def _last_line(el: Any) -> int:
    """The last line of an element's content: its text and its children's, with the line
    breaks they hold (a "{{ city }}" on the line below "<p>" is the <p>'s), up to its end tag."""
    line = 0
    for event, node in etree.iterwalk(el, events=("start", "end", "comment", "pi")):
        if event == "end":  # its end tag: what follows it up to the next start is its tail
            if node is not el:
                line += (node.tail or "").count("\n")
            continue
        line = max(line, node.sourceline or 0) + (node.text or "").count("\n")
        if event != "start":  # a comment or a processing instruction: no end event
            line += (node.tail or "").count("\n")
    return line


LatePreheader = tuple[str, int, str]  # its text, its line, the visible text before it


# How far past the first visible text a hidden preheader is still looked for (elements):
# written after a "View in browser" line, it is near the top, not in the footer
_LATE_PREHEADER_WINDOW = 300


def _late_preheader(walk: Any, before: str) -> LatePreheader | None:
    """A hidden preview element after visible text (which inboxes show instead): its text, its
    line and the visible text before it."""
    for seen, (event, el) in enumerate(walk):
        if seen > _LATE_PREHEADER_WINDOW:
            return None
        if event == "start" and el.tag not in ("html", "body") and _hidden_from_everyone(el):
            text = strip_padding(collapse_ws("".join(el.itertext())))
            if text:
                return text, el.sourceline or 0, before
    return None


def _find_preheader(
    root: Any, *, late: bool = True
) -> tuple[Any, str | None, str | None, LatePreheader | None]:
    """The preheader element, its text and its text as written (padding and invisible
    controls kept: PRE004 reads the bidi controls the text loses): see the module's docstring
    for the rule; when visible text comes first, a hidden preview element a little later (else
    None)."""
    candidate: Any = None
    pieces: list[str] = []
    walk = etree.iterwalk(root, events=("start", "end"))
    for event, el in walk:
        if event == "start":
            if candidate is None and el.tag not in ("html", "body") and _is_candidate(el):
                candidate = el
                pieces = []
            piece = el.text
        else:
            if el is candidate:
                raw = "".join(pieces)
                found = strip_padding(raw)
                if found:
                    return candidate, found, collapse_ws(raw), None
                candidate = None
            piece = el.tail
        if not piece:
            continue
        if candidate is not None:
            pieces.append(piece)
        elif not piece.isspace() and strip_padding(piece):
            # visible text came first: no preheader, but one hidden a little later is named
            later = _late_preheader(walk, collapse_ws(piece)) if late else None
            return None, None, None, later
    return None, None, None, None


def _remove_keeping_tail(el: Any) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


class _TagStarts:
    """The line a start tag begins on. libxml2 gives an element the line its start tag ends
    on: a link written over several lines (``<a⏎ class="btn"⏎ href="#"⏎>``) was placed at its
    closing ``>``, lines below the href a reader looks for."""

    def __init__(self, html: str) -> None:
        self._html = html
        self._line_starts: list[int] | None = None  # built the first time a tag is placed
        self._written: dict[str, bool] = {}

    def written(self, tag: str) -> bool:
        """Whether a ``tag`` start tag is written at all (a parser adds <html> and <body>)."""
        if tag not in self._written:
            found = re.search(rf"<{tag}[\s/>]", self._html, re.IGNORECASE)
            self._written[tag] = found is not None
        return self._written[tag]

    def _starts(self) -> list[int]:
        """Where each line of the source starts, built the first time a tag is placed."""
        if self._line_starts is None:
            # each line's length and its "\n", summed: in C, not a Python step per line
            lengths = map(operator.add, map(len, self._html.split("\n")), itertools.repeat(1))
            self._line_starts = list(itertools.accumulate(lengths, initial=0))
        return self._line_starts

    def written_at(self, el: Any) -> int:
        """The line ``el``'s start tag begins on, in any case (``<HTML⏎ xmlns=…>``); 0 when
        it is not written there: the parser added <html> or <body> and gave it the line of
        the first element written."""
        end_line = el.sourceline or 0
        if end_line <= 0 or not self.written(el.tag):
            return 0
        starts = self._starts()
        if end_line > len(starts):
            return 0
        end = starts[end_line] if end_line < len(starts) else len(self._html)
        begin = max(0, starts[end_line - 1] - _TAG_LOOKBACK)
        # the last one before the tag's end is its start
        found = [m.start() for m in re.finditer(rf"<{el.tag}[\s/>]", self._html[begin:end], re.I)]
        if not found:
            return 0
        at = begin + found[-1]
        comment = self._html.rfind("<!--", 0, at)
        if comment != -1 and self._html.find("-->", comment, at) == -1:
            return 0  # "<!-- <html> -->": a comment, the parser implied the element
        return end_line - self._html.count("\n", at, end - 1)

    def line(self, el: Any) -> int:
        end_line = el.sourceline or 0
        if end_line <= 0:
            return 0
        starts = self._starts()
        if end_line > len(starts):
            return end_line
        begin = starts[end_line - 1]
        end = starts[end_line] if end_line < len(starts) else len(self._html)
        opener = "<" + el.tag
        if self._html.find(opener, begin, end) != -1:
            return end_line  # the tag starts on that line (nearly always)
        opened = self._html.rfind(opener, max(0, begin - _TAG_LOOKBACK), begin)
        if opened == -1:
            return end_line
        return end_line - self._html.count("\n", opened, begin)


_IMPLIED = frozenset({"html", "head", "body"})  # tags the parser adds where none is written
_TAG_LOOKBACK = 4_000  # characters a start tag may span: its attributes, one per line


# A browser (and so a webmail) removes every tab and line break from a URL before it reads it
# (WHATWG URL Standard, basic URL parser): an href broken over two lines still works
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def _url(value: str) -> str:
    """A link or image attribute's URL as a mail client's browser reads it."""
    return value.strip().translate(_TAB_OR_NEWLINE)


def _element_links(
    el: Any,
    tag: str,
    line: int,
    links: list[Link],
    images: list[Image],
    anchors: list[tuple[int, Any]],
    srcset: list[Link],
) -> None:
    if tag == "a":
        href = el.get("href")
        if href is not None:
            href = _url(href)
            anchors.append((len(links), el))
            links.append(Link(href, "a", "", line, href))
    elif tag == "img":
        src = el.get("src")
        alt = el.get("alt")
        if src is not None:
            src = _url(src)
            links.append(Link(src, "img", alt or "", line, src))
        images.append(
            Image(src or "", alt, line, _tiny(el.get("width")) and _tiny(el.get("height")))
        )
        _srcset_links(el, alt or "", line, srcset)
    elif tag == "source":
        _srcset_links(el, "", line, srcset)
    elif tag == "area":
        href = el.get("href")
        if href is not None:
            href = _url(href)
            text = collapse_ws(el.get("alt") or "")  # an image map region shows no text
            links.append(Link(href, "area", text, line, href))
    elif tag in _VML_IMAGE_TAGS:
        src = el.get("src")
        if src is not None:
            src = _url(src)
            links.append(Link(src, "vml", "", line, src))
    elif tag == "video":
        # the picture Apple Mail and Outlook for Mac show before the video plays (the clients
        # that play no video show the fallback inside it)
        poster = el.get("poster")
        if poster is not None:
            poster = _url(poster)
            links.append(Link(poster, "img", "", line, poster))


def _srcset_links(el: Any, text: str, line: int, found: list[Link]) -> None:
    """The images an element's srcset names, as links of kind "img"."""
    srcset = el.get("srcset")
    for candidate in srcset_urls(srcset) if srcset else ():
        url = _url(candidate)
        found.append(Link(url, "img", text, line, url))


_SRCSET_SPACE = " \t\n\r\f"


def srcset_urls(value: str) -> list[str]:
    """The image URLs of a srcset, as HTML's "parse a srcset attribute" reads them: a URL runs
    to the next white space, and ends its candidate when commas close it; else descriptors
    ("2x", "600w") follow, up to a comma outside parentheses. A comma inside a URL is part of
    it ("…/w_200,h_100/a.png 1x": image CDNs write them)."""
    urls: list[str] = []
    at, end = 0, len(value)
    while at < end:
        while at < end and (value[at] in _SRCSET_SPACE or value[at] == ","):
            at += 1
        start = at
        while at < end and value[at] not in _SRCSET_SPACE:
            at += 1
        url = value[start:at]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # its descriptors
            depth = 0
            while at < end and (value[at] != "," or depth):
                if value[at] == "(":
                    depth += 1
                elif value[at] == ")" and depth:
                    depth -= 1
                at += 1
        if url:
            urls.append(url)
    return urls


_SIZE = re.compile(r"\s*(\d+)\s*(?:px)?\s*$", re.I)


def _tiny(size: str | None) -> bool:
    """A width or height attribute of 0 or 1 pixels."""
    match = _SIZE.match(size or "")
    return match is not None and int(match.group(1)) <= 1


_VML_BUTTONS = frozenset({"v:roundrect", "v:rect", "v:shape"})


# A condition Outlook meets: "mso", "gte mso 9", "(mso)|(IE)" (not "!mso")
_FOR_OUTLOOK = re.compile(r"(?:^|[\s(|&])(?:(?:gte?|lte?)\s+)?mso\b", re.IGNORECASE)
# One no client meets: "!mso" (the other clients read the comment as a comment)
_NOT_OUTLOOK = re.compile(r"^\s*!\s*mso\s*$", re.IGNORECASE)
# What in a conditional comment is no text: its stylesheets, Office's settings, tags
_NO_TEXT = re.compile(r"<(style|xml|script)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)


def _conditional(
    comment: Any,
    links: list[Link],
    anchors: list[tuple[int, Any]],
    outlook: list[str],
    unsure: list[tuple[str, str]],
) -> None:
    """What a conditional comment (``<!--[if mso]>…<![endif]-->``) gives: its links, and the
    text Outlook shows (into ``outlook``) or may not (``unsure``, with how: hidden there by a
    style, its hiding declaration; or
    for a client not told: ``[if IE]``); a ``[if !mso]`` comment's text no client shows.
    Parsed only when it may hold links or text: most wrap a table in another."""
    body = comment.text
    has_links = "href" in body or "src" in body
    opened = body.find("]>")
    content = body[opened + 2 :] if opened != -1 else body
    ended = content.lower().rfind("<![endif]")
    content = content[:ended] if ended != -1 else content
    condition = body[body.lower().find("[if") + 3 : opened] if opened != -1 else ""
    has_text = (
        opened != -1
        and not _NOT_OUTLOOK.match(condition)
        and bool(_NO_TEXT.sub(" ", content).strip())
    )
    if not (has_links or has_text) or not content.strip():
        return
    try:
        fragment = etree.fromstring(content, _PARSER)
    except (ValueError, etree.ParserError):
        return
    if fragment is None:
        return
    if has_text:  # (a copy: the links' texts are read from the fragment as it is)
        shown = _FOR_OUTLOOK.search(condition) is not None
        text = _conditional_text(copy.deepcopy(fragment) if has_links else fragment, unsure)
        if shown:
            outlook.append(text)
        else:
            unsure.append((text, f"[if {condition.strip()}]"))
    if has_links:
        _conditional_links(comment, opened, fragment, links, anchors)


def _conditional_text(fragment: Any, hidden: list[tuple[str, str]]) -> str:
    """The text of a conditional comment's parsed content, without its code elements and
    the elements its styles hide (their text goes into ``hidden``, with the declaration
    that hides each: ``mso-hide:all``)."""
    etree.strip_elements(fragment, *_NOT_TEXT, etree.Comment, with_tail=False)
    for el in fragment.iter(*_BLOCKS):
        _spaced(el)
    hiding = _outermost(el for el in fragment.iter() if isinstance(el.tag, str) and is_hidden(el))
    # spaces as the visible text reads them (strip_padding): "Lorem&nbsp;ipsum" is "Lorem ipsum"
    hidden.extend((t, _hiding_said(el)) for el in hiding if (t := strip_padding(_TEXT_OF(el))))
    boxes = set(hiding)
    code = [el for el in _outermost(fragment.iter(*_CODE)) if not _inside(el, boxes)]
    for el in (*hiding, *code):
        _remove_keeping_tail(el)
    return strip_padding(_TEXT_OF(fragment))


def _conditional_links(
    comment: Any, opened: int, fragment: Any, links: list[Link], anchors: list[tuple[int, Any]]
) -> None:
    """The links of an Outlook conditional comment (``<!--[if mso]>…<![endif]-->``): HTML that
    Outlook's readers get (a VML button, its background, the table around it, an Outlook-only
    link or image), parsed as HTML is, so that ``&amp;`` in an href reads as ``&``."""
    body = comment.text
    content = (body[opened + 2 :] if opened != -1 else body).rsplit("<![endif]", 1)[0]
    # libxml2 records a comment's line when the comment ends: count back to its content's
    end_line = comment.sourceline or 0
    head = body[: opened + 2] if opened != -1 else ""
    shift = end_line - body.count("\n") + head.count("\n") - 1 if end_line else 0
    starts = _TagStarts(content)  # a VML button's tag is often written over several lines
    for el in fragment.iter(*_LINK_SET, *_VML_BUTTONS):
        line = starts.line(el) + shift if end_line else 0
        if el.tag in _VML_BUTTONS:
            href = el.get("href")
            if href is not None:
                anchors.append((len(links), el))  # its text is the button's label
                href = _url(href)
                links.append(Link(href, "a", "", line, href))
            continue
        # images there are Outlook's copies of the body's: their links alone are checked
        _element_links(el, el.tag, line, links, [], anchors, [])  # (Outlook reads no srcset)
