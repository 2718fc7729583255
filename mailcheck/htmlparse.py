"""HTML → :class:`mailcheck.model.Document` in one lxml parse and one walk of the tree.

Speed matters (a batch can hold thousands of e-mails), so this uses lxml directly rather than
BeautifulSoup, and gathers everything (title, links, images, preheader, visible text) in a single
pass over the tree.

What counts as the **preheader**: the first element of the body that is hidden (``display:none``,
``visibility:hidden``, ``max-height:0``, ``max-width:0``, ``opacity:0``, ``mso-hide:all``,
``font-size:0``, ``height:0`` with ``overflow:hidden``, or the ``hidden`` attribute) or whose class
or id contains "preheader" / "preview", and that comes *before any visible text* of the body.
Images, spacers and empty cells may precede it; text may not — a hidden element further down is a
mobile-only block or a tracking trick, not what the inbox shows next to the subject. Its text,
without padding (see :func:`mailcheck.text.strip_padding`), is the preheader; when the first such
element has no text left, the next one (still before visible text) is tried. The preheader's
text is not part of the body's visible text; other hidden elements' text is (mobile-only content
is still read by someone).

Links in Outlook conditional comments (``<!--[if mso]>…<![endif]-->``) are real links for Outlook
readers: VML image sources and ``<v:roundrect href>`` buttons found there are reported too.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from mailcheck.model import Document, Image, Link, LinkKind
from mailcheck.text import collapse_ws, strip_padding

_PARSER = lxml_html.HTMLParser(huge_tree=True, remove_blank_text=False)
_BYTES_PARSER = lxml_html.HTMLParser(huge_tree=True, encoding="utf-8")

# Elements whose content is never shown as body text.
_NOT_TEXT = frozenset({"head", "script", "style", "title", "template", "xml", "noembed"})
# Elements that separate words: their boundaries become spaces in the visible text.
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "br", "caption", "center"),
        *("dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "img", "li", "main"),
        *("nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot"),
        *("th", "thead", "tr", "ul", "button"),
        # Inky (Foundation for Emails) components
        *("container", "row", "columns", "spacer", "wrapper", "callout", "menu", "item"),
    }
)
_BACKGROUND_TAGS = frozenset({"body", "table", "td", "th"})
_VML_IMAGE_TAGS = frozenset({"v:fill", "v:image", "v:imagedata"})

_ZERO = r"\s*:\s*0*(?:\.0*)?(?:px|pt|em|rem|%)?\s*(?:!\s*important\s*)?(?:;|$)"
_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all"
    rf"|max-height{_ZERO}|max-width{_ZERO}|opacity{_ZERO}|font-size{_ZERO}"
)
_ZERO_HEIGHT = re.compile(rf"(?<![-\w])height{_ZERO}")
_OVERFLOW_HIDDEN = re.compile(r"overflow\s*:\s*hidden")
_MARKER = re.compile(r"preheader|preview", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*?))\s*\)""", re.IGNORECASE)
# Inside conditional comments: VML image sources and bulletproof-button hrefs.
_COND_VML = re.compile(
    r"<v:(?:fill|image|imagedata)\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE
)
_COND_ROUNDRECT = re.compile(
    r"<v:(?:roundrect|rect|shape)\b[^>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE
)


def is_hidden(el: Any) -> bool:
    """Whether an element is hidden by its inline style or ``hidden`` attribute."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if not style:
        return False
    style = style.lower()
    if _HIDING.search(style):
        return True
    return bool(_ZERO_HEIGHT.search(style) and _OVERFLOW_HIDDEN.search(style))


def _is_preheader_candidate(el: Any) -> bool:
    if is_hidden(el):
        return True
    marker = (el.get("class") or "") + " " + (el.get("id") or "")
    return bool(_MARKER.search(marker))


def _tree(html: str) -> Any:
    """The parsed document root, or None when there is nothing to parse."""
    if not html or not html.strip():
        return None
    try:
        return lxml_html.document_fromstring(html, parser=_PARSER)
    except ValueError:
        # lxml refuses str with an XML encoding declaration (or NUL bytes): parse UTF-8 bytes
        data = html.encode("utf-8", "surrogatepass").replace(b"\x00", b"")
        try:
            return lxml_html.document_fromstring(data, parser=_BYTES_PARSER)
        except (etree.ParserError, ValueError):
            return None
    except etree.ParserError:  # "Document is empty": only comments or nothing
        return None


def parse_html(html: str) -> Document:
    """Parse an HTML body (a whole document, a fragment, Inky markup, broken HTML). Never raises."""
    try:
        root = _tree(html)
    except Exception:  # libxml2 gave up: nothing can be read from it
        return Document()
    if root is None:
        return Document()
    return _Walker().walk(root)


class _Walker:
    """The single pass: state for visible text, open links and the preheader search."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.text: list[str] = []
        self.anchors: list[tuple[int, list[str]]] = []  # open <a>: index in links, its text
        self.preheader: str | None = None
        self.looking = True  # still searching for the preheader
        self.candidate: Any = None  # the element whose text is being read as the preheader
        self.candidate_text: list[str] = []
        self.hidden_text = 0  # depth inside head/script/style/title

    def walk(self, root: Any) -> Document:
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            el, closing = stack.pop()
            tag = el.tag
            if closing:
                if isinstance(tag, str):
                    self.end(el, tag)
                if el.tail:
                    self.emit(el.tail)
                continue
            stack.append((el, True))
            if isinstance(tag, str):
                self.start(el, tag)
                if el.text:
                    self.emit(el.text)
            elif tag is etree.Comment:
                self.comment(el)
            children = list(el)
            if children:
                children.reverse()
                stack.extend((child, False) for child in children)
        text = strip_padding("".join(self.text))  # hidden padding blocks are not text
        return Document(
            title=self.title,
            preheader=self.preheader,
            links=self.links,
            images=self.images,
            text=text,
        )

    def emit(self, s: str) -> None:
        if self.hidden_text:
            return
        for _, pieces in self.anchors:
            pieces.append(s)
        if self.candidate is not None:
            self.candidate_text.append(s)
            return
        self.text.append(s)
        if self.looking and not s.isspace() and strip_padding(s):
            self.looking = False  # visible text came first: no preheader from here on

    def start(self, el: Any, tag: str) -> None:
        line = el.sourceline or 0
        if tag in _NOT_TEXT:
            self.hidden_text += 1
            if tag == "title" and self.title is None:
                self.title = collapse_ws(el.text_content()) or None
        elif tag in _BLOCKS:
            self.emit(" ")
        if tag == "a":
            href = el.get("href")
            if href is not None:
                self.links.append(Link(href.strip(), "a", "", line, href.strip()))
                self.anchors.append((len(self.links) - 1, []))
        elif tag == "area":
            href = el.get("href")
            if href is not None:
                text = collapse_ws(el.get("alt") or "")  # an image map region shows no text
                self.links.append(Link(href.strip(), "area", text, line, href.strip()))
        elif tag == "img":
            src = el.get("src")
            alt = el.get("alt")
            if src is not None:
                src = src.strip()
                self.links.append(Link(src, "img", alt or "", line, src))
            self.images.append(Image(src or "", alt, line))
        elif tag in _VML_IMAGE_TAGS:
            src = el.get("src")
            if src is not None:
                self.links.append(Link(src.strip(), "vml", "", line, src.strip()))
        if tag in _BACKGROUND_TAGS:
            background = el.get("background")
            if background is not None:
                background = background.strip()
                self.links.append(Link(background, "background", "", line, background))
        style = el.get("style")
        if style and "url(" in style.lower():
            for match in _CSS_URL.finditer(style):
                url = next(g for g in match.groups() if g is not None).strip()
                self.links.append(Link(url, "css", "", line, url))
        if (
            self.looking
            and self.candidate is None
            and not self.hidden_text
            and tag not in ("html", "body")
            and _is_preheader_candidate(el)
        ):
            self.candidate = el
            self.candidate_text = []

    def end(self, el: Any, tag: str) -> None:
        if tag in _NOT_TEXT:
            self.hidden_text -= 1
        elif tag in _BLOCKS:
            self.emit(" ")
        if tag == "a" and self.anchors and el.get("href") is not None:
            index, pieces = self.anchors.pop()
            link = self.links[index]
            self.links[index] = Link(link.href, link.kind, collapse_ws("".join(pieces)),
                                     link.line, link.raw)
        if el is self.candidate:
            self.candidate = None
            found = strip_padding("".join(self.candidate_text))
            if found:
                self.preheader = found
                self.looking = False

    def comment(self, el: Any) -> None:
        body = el.text or ""
        if not body.lstrip().startswith("[if"):
            return
        # libxml2 records a comment's line when the comment ends: count back from there
        end_line = el.sourceline or 0
        for pattern, kind in ((_COND_VML, "vml"), (_COND_ROUNDRECT, "a")):
            for match in pattern.finditer(body):
                url = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
                line = max(1, end_line - body.count("\n", match.start())) if end_line else 0
                link_kind: LinkKind = "vml" if kind == "vml" else "a"
                self.links.append(Link(url, link_kind, "", line, url))
