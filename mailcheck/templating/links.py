"""Where merge tags sit inside link attributes, and the template source of each rendered link.

Both work on the HTML source with regexes: the rendered documents are parsed once by the engine
(``parse_html``) and the unrendered one once (``campaign.static``); nothing here parses again.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

import regex

from mailcheck.model import Document, Link
from mailcheck.templating.dialect import Dialect

_LINK_ATTR = regex.compile(
    r"""\b(?:href|src|background|action|xlink:href)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
    regex.I,
)
# The URLs of a List-Unsubscribe header: each in angle brackets (RFC 2369)
_HEADER_URL = regex.compile(r"<([^<>]*)>")
_TAG_BODY = regex.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}|\*\|(.*?)\|\*", regex.S)
_IDENT = regex.compile(r"[@A-Za-z_][\w.:@-]*")
_ELEMENT = regex.compile(r"<\s*base\b", regex.I)


@dataclass(frozen=True)
class LinkSpan:
    """A link attribute value that holds template tags."""

    first_line: int
    last_line: int
    names: frozenset[str]  # every identifier written inside its tags
    mailto: bool = False  # a mailto: URL: what it holds goes to a mailbox, not a web server
    # the one name the value is, when the whole value is one tag of it (href="{{ reset_link }}",
    # src="*|LOGO|*"): a link the application or the ESP builds whole; "" otherwise
    whole: str = ""

    def holds(self, name: str, line: int) -> bool:
        if not self.first_line <= line <= self.last_line:
            return False
        return (
            name in self.names
            or name.split(".", 1)[0] in self.names
            or any(n.startswith(name + ".") or name.startswith(n + ".") for n in self.names)
        )


def _closed(value: str, tag: regex.Match[str]) -> str:
    """``tag`` as written to its last brace: Braze's ``{{${name}}}`` ends at its third "}",
    where the tag pattern stops at the first "}}"."""
    written, end = tag.group(0), tag.end()
    while written.count("{") > written.count("}") and value[end : end + 1] == "}":
        written, end = written + "}", end + 1
    return written


def link_spans(
    source: str, dialect: Dialect | None = None, *, header: bool = False
) -> list[LinkSpan]:
    """Every href/src (…) value of ``source`` that contains a merge tag (of ``dialect``'s too);
    with ``header``, every <URL> of a List-Unsubscribe header that does."""
    spans: list[LinkSpan] = []
    line, counted = 1, 0  # lines are counted on from the previous span, not from the top
    for m in (_HEADER_URL if header else _LINK_ATTR).finditer(source):
        value = m.group(1)
        names: set[str] = set()
        stripped = value.strip("\"' \t\r\n")
        whole = ""
        if "{{" in value or "{%" in value or "*|" in value:
            for tag in _TAG_BODY.finditer(value):
                body = next(g for g in tag.groups() if g is not None)
                idents = [i.lstrip("#/^@") for i in _IDENT.findall(body)]
                names.update(idents)
                if _closed(value, tag) == stripped and len(idents) == 1:
                    whole = idents[0]
        if dialect is not None:
            for _, tag in dialect.leftovers(value):
                idents = [i.lstrip("#/^@") for i in _IDENT.findall(tag)]
                names.update(idents)
                if tag == stripped and len(idents) == 1:
                    whole = idents[0]
            if not names and (url_tag := dialect.url_tag(stripped)) is not None:
                idents = _IDENT.findall(url_tag)  # href="[unsubscribe]" (Campaign Monitor)
                names.update(idents)
                whole = idents[0] if len(idents) == 1 else ""
        if not names:
            continue
        line += source.count("\n", counted, m.start(1))
        counted = m.start(1)
        mailto = value.strip("\"' \t\r\n").lower().startswith("mailto:")
        element = source.rfind("<", 0, m.start())
        if whole and element >= 0 and _ELEMENT.match(source, element):
            whole = ""  # <base href="{{ site }}">: the address others complete from, no link
        spans.append(LinkSpan(line, line + value.count("\n"), frozenset(names), mailto, whole))
    return spans


# A tag that closes a block (``{{/name}}``, ``{% endif %}``, ``*|END:IF|*``): no use of a name
_CLOSING = regex.compile(r"^(?:\{\{~?\s*/|\{%-?\s*end|\*\|END)", regex.I)


def tags_in_links(text: str, name: str, dialect: Dialect) -> list[bool]:
    """For each tag of ``dialect`` on ``text`` (one line of a template) that names ``name``,
    in order, whether it stands inside a link attribute's value (``href="{{ action_url }}"``)
    rather than in the text beside it (``<p>{{ action_url }}</p>``). Uses carry their line
    only: this tells the uses of one line apart, so that a layout that writes the link and
    the copy on one line reads as one that writes them on two."""
    values = [m.span(1) for m in _LINK_ATTR.finditer(text)]
    found: list[bool] = []
    for at, tag in dialect.leftovers(text):
        if _CLOSING.match(tag):
            continue
        idents = {i.lstrip("#/^@") for i in _IDENT.findall(tag)}
        if name in idents or name.split(".", 1)[0] in idents:
            found.append(any(start <= at < end for start, end in values))
    return found


# A word of a plain-text part, and the brackets and punctuation around a URL written in one
# ("( {{ action_url }} )", "<https://…>", "…: {{ reset_link }}.")
_TEXT_WORD = regex.compile(r"\S+")
_AROUND_URL = "()<>[]\"'«».,;:!?"
_URL_START = regex.compile(r"(?:https?://|www\.|mailto:)", regex.I)


def text_link_spans(source: str, dialect: Dialect | None = None) -> list[LinkSpan]:
    """The URLs of a plain-text part that hold merge tags, as :func:`link_spans` finds them in
    an HTML's links: a text part's link is its URL written out, so a tag there is a link's, not
    copy a reader reads ("Do this Next ( {{ action_url }} )", Postmark's text parts, is the
    HTML's ``<a href="{{action_url}}">``). A word is such a URL when it starts as one
    (``https://…/{{ id }}``, ``mailto:{{ support_email }}``), when a tag starts it and a path
    follows (``{{ base_url }}/sale``), or when it is one tag alone that names a URL
    (``{{ reset_link }}``: the application builds it); "Hello {{ name }}" is none."""
    from mailcheck.templating.system import link_name

    spans: list[LinkSpan] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if "{{" not in line and "{%" not in line and "*|" not in line and dialect is None:
            continue
        # a tag's own spaces ("{{ action_url }}") do not end the word it stands in
        held = [(m.start(), m.end()) for m in _TAG_BODY.finditer(line)]
        if dialect is not None:
            held += [(at, at + len(tag)) for at, tag in dialect.leftovers(line)]
        if not held:
            continue
        masked = list(line)
        for start, end in held:
            masked[start:end] = [c if not c.isspace() else "x" for c in masked[start:end]]
        for word in _TEXT_WORD.finditer("".join(masked)):
            value = line[word.start() : word.end()].strip(_AROUND_URL)
            tags: list[tuple[int, str]] = [
                (tag.start(), _closed(value, tag)) for tag in _TAG_BODY.finditer(value)
            ]
            if dialect is not None:
                tags += [item for item in dialect.leftovers(value) if item not in tags]
            if not tags:
                continue
            names = {i.lstrip("#/^@") for _, tag in tags for i in _IDENT.findall(tag)}
            first = min(at for at, _ in tags)
            alone = len(names) == 1 and any(tag == value for _, tag in tags)
            whole = next(iter(names)) if alone else ""
            starts_url = bool(_URL_START.match(value))
            opens_path = first == 0 and not alone and "/" in value
            if not (starts_url or opens_path or (whole and link_name(whole))):
                continue
            mailto = value.lower().startswith("mailto:")
            spans.append(LinkSpan(number, number, frozenset(names), mailto, whole))
    return spans


def attach_raw(
    document: Document, static: Document | None, predict: Callable[[str], str | None] | None = None
) -> None:
    """Give each link of a rendered document the template source of its URL.

    The unrendered parse lists the same links in the same order unless a conditional block
    added or removed some. ``predict`` renders one raw URL with the document's values; a
    rendered link is paired with the next unrendered link of its kind whose URL renders to
    it, so links inside conditionals do not shift the others. Links that cannot be paired
    keep their rendered URL as their source.
    """
    raw_links = static.links if static is not None else []
    links = document.links
    if not raw_links:
        raw_is_href(document)
        return
    predicted = [predict(link.href) if predict else link.href for link in raw_links]
    by_line: dict[int, list[Link]] = {}
    for written in raw_links:
        by_line.setdefault(written.line, []).append(written)
    used = [False] * len(raw_links)
    start = 0
    out: list[Link] = []
    for link in links:
        match = None
        # lazily: the next link usually matches at once (a list here made the pairing O(n²))
        for i in itertools.chain(range(start, len(raw_links)), range(start)):
            if used[i] or raw_links[i].kind != link.kind:
                continue
            if predicted[i] is not None and predicted[i] == link.href:
                if match is None:
                    match = i
                # several sources render to the same URL (every tag without a value renders
                # empty): the one with this link's text is it, not the first one, which may
                # stand in a block that rendered nothing
                if raw_links[i].text == link.text:
                    match = i
                    break
        if match is None and len(raw_links) == len(links):
            i = len(out)
            if raw_links[i].kind == link.kind and not used[i]:
                match = i
        if match is None and link.line:
            # a copy a loop rendered of a link written once: its written link is the one of
            # its kind at its written line whose URL, tags read as any text, it is
            copied = _looped_copy_of(link, raw_links, by_line)
            raw = link.href if copied is None else copied.href
        else:
            raw = link.href if match is None else raw_links[match].href
        if match is not None:
            used[match] = True
            start = match + 1
        # the rendered document's lines drift when a block renders nothing: a paired link
        # stands where its source stands
        line = raw_links[match].line if match is not None and raw_links[match].line else link.line
        # the parse gave each link its own URL as source: most need no copy (a tagless URL)
        if link.raw == raw and link.line == line:
            out.append(link)
        else:
            out.append(replace(link, raw=raw, line=line))
    document.links = out


def _looped_copy_of(
    link: Link, raw_links: list[Link], by_line: dict[int, list[Link]]
) -> Link | None:
    """The written link ``link`` (rendered, at its written line) is a copy of when no written
    link renders to it with the document's values: a loop's body renders it once per item
    (``{% for %}``, ``{{#each}}``), each with the item's values. The one link of its kind
    written at its line whose URL matches it, the tags read as any text — or the first of
    several written with one URL (a product's picture and its name, both linked to
    ``{{ item.url }}``: which of them it is, its source is that URL); None when none or
    several other URLs do (it keeps its rendered URL as its source, a place of its own)."""
    found = [
        written
        for written in by_line.get(link.line, ())
        if written.kind == link.kind and _written_shape(written.href).fullmatch(link.href)
    ]
    return found[0] if found and all(w.href == found[0].href for w in found) else None


@functools.lru_cache(maxsize=4096)
def _written_shape(raw: str) -> regex.Pattern[str]:
    """A URL as written, as a pattern its renders match: each tag any text, the rest itself."""
    parts: list[str] = []
    at = 0
    for tag in _TAG_BODY.finditer(raw):
        if tag.start() < at:
            continue  # (inside the braces of one closed before)
        parts += [regex.escape(raw[at : tag.start()]), ".*?"]
        at = tag.start() + len(_closed(raw, tag))
    parts.append(regex.escape(raw[at:]))
    return regex.compile("".join(parts), regex.S)


def raw_is_href(document: Document) -> None:
    """An unrendered document: each link's source is its URL."""
    if any(not link.raw for link in document.links):
        document.links = [
            link if link.raw else replace(link, raw=link.href) for link in document.links
        ]
