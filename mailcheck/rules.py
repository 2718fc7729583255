"""The rule API: what a check module declares and what the engine calls.

A rule is small and declarative (code, name, default severity, whether it needs the network)
around a pure function that reads an already-parsed campaign and the batch's network facts and
yields :class:`Problem` s. It never parses HTML or opens a socket: the engine has done that.

    from mailcheck.rules import Context, Problem, rule
    from mailcheck.model import Severity

    @rule("ACME001", "subject-has-brand", Severity.WARNING)
    def subject_has_brand(ctx: Context) -> Iterator[Problem]:
        '''## What it does
        ...'''
        if ctx.main and "ACME" not in (ctx.main.subject or ""):
            yield Problem("subject does not name the brand", location="subject")
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from html.entities import html5
from typing import TYPE_CHECKING, TypeVar, cast

from mailcheck.i18n import Message, t
from mailcheck.model import (
    LINES_APART,
    Campaign,
    Document,
    Finding,
    Link,
    Rendered,
    Severity,
    TextApart,
    UnclosedComment,
)
from mailcheck.text import quoted_names

if TYPE_CHECKING:
    from mailcheck.config import Config
    from mailcheck.facts import Facts, LinkResult
    from mailcheck.linkinfo import UnsubscribeLinks

_T = TypeVar("_T")

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,7}[0-9]{3}$")  # a family (SPF, A11Y) and 3 digits
# The places a finding about a pattern repeated all over a file lists at most (its message
# counts them all): 28,000 "ссылка" links listed each line, 630 KB of output for one finding.
PLACES_LISTED = 25
# A Problem's ``cause`` when it exists only because DNS gave no answer: a run in which DNS
# answered nothing reports all such problems of a campaign as one NET001 (mailcheck.rootcause).
NO_DNS = "no-dns"
# ... when a part was not found in a template that pulls in files mailcheck does not read
# (partials, layouts): it may be in them; PER009 (or PER007) reports it (mailcheck.rootcause)
UNREAD_PARTS = "unread-parts"
# ... when a host proved unreachable (refused, no such name, a certificate refused): its
# links, images and unsubscribe link are one finding, the first rule's (mailcheck.rootcause)
HOST_DOWN = "host-down:"
# ... when a host answered this machine nothing (a timeout, a reset), not proven down for
# everyone: the documents fetched from it are one "could not verify" (mailcheck.rootcause)
HOST_UNREACHED = "host-unreached:"
# ... when a host turned the checker away for what it is, not for the page (a bot wall, a rate
# limit that never cleared, a legal block: facts.HostRefusal): its links, images and
# unsubscribe link turned away alike are one "could not verify" (mailcheck.rootcause)
HOST_TURNED_AWAY = "host-turned-away:"
# ... when a host was not requested because its name resolves to a non-public address here
# (this machine's DNS may be split-horizon, or a VPN's fake IPs): the links, images and
# unsubscribe links of every such host are one "could not verify" (mailcheck.rootcause)
NON_PUBLIC = "non-public"
# ... when a link was not answered before the run's links deadline (``links.deadline``) ran
# out: one cause for the whole run, so the links, images and unsubscribe links it left
# unverified are one "could not verify" for the campaign (mailcheck.rootcause)
LINKS_DEADLINE = "links-deadline"
# ... when a link is unnamed only because its images have no alt attribute at all: IMG001
# reports those images, and says that they are links (mailcheck.rootcause)
ALT_MISSING = "alt-missing"
# ... when what is missing is hidden by an HTML comment left open (the unsubscribe link after
# "<!-- footer"): HTML001 names the comment and reports it (mailcheck.rootcause)
IN_UNCLOSED_COMMENT = "in-unclosed-comment"
# ... when the preheader over the limit is placeholder copy ("Use this area to offer a short
# teaser…"), which the final preheader replaces: BRF001 reports the placeholder, and says the
# length with it (mailcheck.rootcause)
PLACEHOLDER_PREHEADER = "placeholder-preheader"
# ... when there is no preheader because the HTML body has no text at all (<DIV>&nbsp;</DIV>):
# the preview is blank; beside a text part that is empty or missing (TXT001), the message is,
# one cause that TXT001 says (mailcheck.rootcause)
EMPTY_HTML = "empty-html"
# ... when what a check looks for (the unsubscribe link, the preheader) is not in a fragment of
# a page or an application's view, and the layout it is sent in, which mailcheck has not seen,
# may hold it: the checks are one "could not verify" (mailcheck.rootcause). After the colon,
# the view's language; nothing for a fragment of a page (:func:`outside_layout`)
OUTSIDE_LAYOUT = "outside-layout:"


def outside_layout(view: str = "") -> str:
    """The ``cause`` of a "could not verify" about what is missing from a fragment of a page
    (``view`` "") or from a view in an application's language (``view``: its name, "php")."""
    return OUTSIDE_LAYOUT + view


LINES_LISTED = 8  # lines a message names; the rest are counted


def listed_lines(lines: Sequence[int | str]) -> str:
    """Lines for a message, each once and the first ``LINES_LISTED`` of them: three "click
    here" links on one line are "line 1653"; more are "1, 2, … and 4 more"."""
    unique = list(dict.fromkeys(lines))
    shown = ", ".join(str(n) for n in unique[:LINES_LISTED])
    if len(unique) > LINES_LISTED:
        return t("{shown} and {n} more", shown=shown, n=len(unique) - LINES_LISTED)
    return shown


def host_down(host: str) -> str:
    """The ``cause`` of a problem that exists because ``host`` (name and port) is down."""
    return HOST_DOWN + host


def host_unreached(host: str) -> str:
    """The ``cause`` of a "could not verify" that exists because ``host`` (name and port)
    answered this machine nothing, without proof that it is down for everyone."""
    return HOST_UNREACHED + host


def host_turned_away(host: str, refusal: str) -> str:
    """The ``cause`` of a "could not verify" that exists because ``host`` (name and port)
    turned the checker away for ``refusal`` (:data:`mailcheck.facts.HostRefusal`)."""
    return f"{HOST_TURNED_AWAY}{refusal}:{host}"


@dataclass(frozen=True)
class Problem:
    """What a rule reports; the engine turns it into a :class:`Finding`."""

    message: str
    location: str = ""
    url: str | None = None
    severity: Severity | None = None  # None: the rule's default severity
    locations: tuple[str, ...] = ()  # every place of this one root cause (location: the first)
    cause: str = ""  # a cause outside the campaign it exists for (NO_DNS), if any
    urls: tuple[str, ...] = ()  # every URL of a problem about several (``url``: None)
    # the message names the line of every place ("… (line 12, 40)"): the text output names
    # the file once instead of listing the lines a second time
    lines_said: bool = False
    # the problem says the rule could not tell ("could not verify", "not understood", "not
    # checked"), not a defect it is sure of. A warning of a rule whose default is an error is
    # so whatever it says: only a rule whose default is a warning marks its own
    unverified: bool = False

    @property
    def places(self) -> tuple[str, ...]:
        return self.locations or ((self.location,) if self.location else ())


# How the words of a visible text may be apart in the HTML as written: blanks and line
# breaks, no-break spaces written as references
# (a space written as a character reference too: "Lorem&#32;ipsum", "&#x20;", a tab's "&#9;")
_BETWEEN_WORDS = r"(?:\s|&nbsp;|&#0*(?:160|32|9|10|13);|&#[xX]0*(?:a0|A0|20|9|a|A|d|D);)+"
# What only a whole page has. Not <title>: a view cut from an exported page keeps its <title>
# and <style>, and loses the tags its layout supplies (realworld ru-runetid-1073, whose
# MANIFEST says the layout adds the footer)
_WHOLE_PAGE = re.compile(r"<(?:!doctype|html|head|body)[\s>/]", re.IGNORECASE)
# Where no text a reader sees is: scripts, stylesheets, the <title>, comments (not Outlook's
# conditional ones, whose content Outlook shows). "<!-->" and "<!--->" are whole (empty)
# comments, as HTML reads them: the "<!-->" that ends "<!--[if !mso]><!-->" opens none (what
# follows it, which every client but Outlook shows, was blanked up to the next comment's end)
_UNSHOWN = re.compile(
    r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<title\b.*?</title\s*>"
    r"|<!--(?!\[if\b|-?>).*?-->",
    re.S | re.I,
)


# An element that shows code as written: <pre>, <code>, <kbd>, <samp>, <tt>
_CODE_ELEMENT = re.compile(r"<(pre|code|kbd|samp|tt)(?=[\s/>]).*?</\1\s*>", re.S | re.I)


def _blanked(text: str) -> str:
    """``text`` with each character but a line break a space (a line at a time: not one
    replacement per character)."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _written(word: str) -> str:
    """A word of visible text as the HTML may write it: a letter beyond ASCII ("©", "�",
    "ё") also as a character reference (``&copy;``, ``&#65533;``, ``&#x451;``) — its own,
    not another's (a "�" is not the "&mdash;" of the line above it)."""
    return "".join(
        re.escape(ch)
        if ch.isascii()
        else f"(?:{re.escape(ch)}|&#0*{ord(ch)};|&#[xX]0*{ord(ch):x};{_named(ch)})"
        for ch in word
    )


def _whole(text: str, pattern: str) -> str:
    """``pattern`` (``text`` as written) where ``text`` stands as a whole token: no letter or
    digit just before it when it begins with one, nor just after it when it ends with one —
    a "XXXXXX" is not in a masked card's "XXXXXXXXXXXX1111", a "01.01.2019" not in
    "201.01.20199"; "…" or "{{name}}" has no edge to keep."""
    words = text.split()
    if not words:
        return pattern
    before = r"(?<![^\W_])" if words[0][0].isalnum() else ""
    after = r"(?![^\W_])" if words[-1][-1].isalnum() else ""
    return f"{before}(?:{pattern}){after}" if before or after else pattern


def _found(words: str, written: str, source: str, flags: int) -> Iterator[re.Match[str]]:
    """``re.finditer(words, source, flags)``, where ``words`` is ``written`` as it is or between
    :func:`_whole`'s look-arounds: each match of ``words`` starts where ``written`` does, so
    ``written`` is searched and ``words`` tried only there. (A pattern that starts with a
    look-behind is tried at every character of the source; ``written`` starts with the text's
    first letter, which the engine jumps to: 0.26 s of the corpus's run, not 0.02.)"""
    if words == written:
        yield from re.finditer(words, source, flags)
        return
    anchored, first = re.compile(words, flags), re.compile(written, flags)
    pos = 0
    while (hit := first.search(source, pos)) is not None:
        match = anchored.match(source, hit.start())
        if match is None:
            pos = hit.start() + 1
            continue
        yield match
        pos = max(match.end(), match.start() + 1)


@cache
def _named(ch: str) -> str:
    """The alternatives of a pattern for the named character references of ``ch``
    (``|&copy;|&COPY;`` for "©"), HTML's own list; "" when it has none ("�")."""
    names = sorted({name.rstrip(";") for name, value in html5.items() if value == ch})
    return "".join(f"|&{re.escape(name)};" for name in names)


def _age(seconds: float) -> Message:
    """A cached answer's age as a reader takes it in: "40 s", "12 min", "3 h"."""
    if seconds < 60:
        return t("{n} s", n=int(seconds))
    if seconds < 3600:
        return t("{n} min", n=int(seconds // 60))
    return t("{n} h", n=int(seconds // 3600))


def _bracketed_urls(headers: dict[str, str] | None) -> list[str]:
    """The addresses of a List-Unsubscribe header, each in angle brackets (RFC 2369), as
    written: a template's may hold spaces (“<https://shop.ru/u/{{ uid }}>”)."""
    value = next((v for k, v in (headers or {}).items() if k.lower() == "list-unsubscribe"), "")
    return [url.strip() for url in _BRACKETED.findall(value)]


_BRACKETED = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class Judged:
    """What the other rules made of one campaign, for a rule that judges their findings (a
    rule declared ``after=True``: SUP001)."""

    findings: tuple[Finding, ...]  # every finding, before suppression comments hid any
    judged: frozenset[str]  # codes of the rules that ran and could judge this campaign
    network: frozenset[str]  # codes of the rules run that needed the network
    codes: frozenset[str]  # every rule code known (a comment's prefix names some of them)


@dataclass(frozen=True)
class Context:
    """Everything a rule may read about one campaign."""

    campaign: Campaign
    config: Config
    facts: Facts
    judged: Judged | None = None  # only for a rule declared ``after=True``

    @property
    def main(self) -> Rendered | None:
        return self.campaign.main

    @property
    def document(self) -> Document | None:
        """What a recipient reads: the main variant's document, else the source's."""
        main = self.campaign.main
        return main.document if main and main.document else self.campaign.static

    @cached_property
    def text_apart(self) -> TextApart:
        """What of :attr:`document`'s visible text no reader sees as copy (hidden, or code), as
        the body is sent: after campaign.toml's preheader, which the ESP puts in front of it
        (the preview reads that first, as it does a preheader the HTML writes)."""
        document = self.document
        if document is None:
            return TextApart()
        if not self.campaign.preheader_explicit:
            return document.text_apart
        main = self.campaign.main
        return document.text_apart_after(main.preheader if main else self.campaign.preheader)

    def is_pixel(self, link: Link) -> bool:
        """Whether every place of an image link is a 1×1 (or 0×0) image: an open-tracking
        pixel or a spacer, which nobody sees."""
        lines = link.lines or (link.line,)
        return link.is_image and all((link.href, n) in self._pixels for n in lines)

    @cached_property
    def _pixels(self) -> frozenset[tuple[str, int]]:
        document = self.document
        images = document.images if document else []
        return frozenset((image.src, image.line) for image in images if image.pixel)

    @property
    def unclosed_comment(self) -> UnclosedComment | None:
        """The HTML comment the campaign's source leaves open (with the source's lines), when
        it hides anything and the rendered e-mail leaves it open too (a template's own
        comment tag may hold the "<!--"). One a partial opens is the rendered e-mail's, at
        the partial's line: it hides what follows in the e-mail, not in the partial alone."""
        rendered = self.document
        source = self.campaign.static or rendered
        if source is None or rendered is None or rendered.unclosed_comment is None:
            return None
        if source.unclosed_comment is None and rendered.unclosed_comment.line >= LINES_APART:
            return rendered.unclosed_comment
        return source.unclosed_comment

    @property
    def is_fragment(self) -> bool:
        """Whether the campaign's HTML is a fragment of a page (no doctype, <html>, <head> or
        <body>: a content block, a PHP view) that a layout mailcheck has not seen wraps when it
        is sent; a test send is what recipients get, never one."""
        if self.campaign.kind == "eml" or self.campaign.html is None:
            return False
        return not _WHOLE_PAGE.search(self.campaign.html)

    @property
    def application_view_language(self) -> str | None:
        """The dialect (its name) when the campaign's HTML is a view in an application's
        server-side language (``application_views``: PHP), detected or declared: the
        application renders it inside a layout of its own that the view does not name, whole
        page or not; else None. A test send is what recipients get, never one."""
        campaign = self.campaign
        if campaign.kind == "eml" or campaign.html is None or campaign.dialect == "none":
            return None
        from mailcheck.templating.catalogue import load_catalogue

        dialect = load_catalogue().dialects.get(campaign.dialect)
        return dialect.name if dialect is not None and dialect.application_views else None

    def html_at(self, line: int) -> str:
        """A finding location for a line of the campaign's HTML (an element's line: one
        written in a partial is at that file's line, :meth:`Campaign.html_place`)."""
        return self.campaign.html_place(line)

    def lines_in_file(self, lines: Iterable[int], label: str | None = None) -> list[int]:
        """``lines`` of the HTML (or of the part ``label``) as a message says them: in a saved
        message whose file keeps the part's lines, the file's (its findings' places name
        them: :meth:`Campaign.in_file`); an element's line in a partial, that file's."""
        label = label or self.campaign.html_label
        return [self.campaign.file_line(label, self.campaign.written_at(n)[1]) for n in lines]

    def said_lines(self, lines: Iterable[int]) -> str:
        """:func:`listed_lines` of elements' ``lines`` as a message says them
        (:meth:`lines_in_file`); lines of the HTML and of its partials together, each
        partial's with its file ("3, partials/footer.html:3"): "line 3" twice would say two
        places are one."""
        lines = list(lines)
        at = [self.campaign.written_at(n) for n in lines]
        if len({label for label, _ in at}) <= 1:
            return listed_lines(self.lines_in_file(lines))
        html = self.campaign.html_label or "html"
        return listed_lines([n if label == html else f"{label}:{n}" for label, n in at])

    def text_places(self, *texts: str, every: bool = False, code: bool = True) -> tuple[str, ...]:
        """The line of the HTML as written where each visible text first stands as a whole
        token (:func:`_whole`: a "Lorem ipsum", a stale date, a "�"), in order — with
        ``every``, each line it stands on; the HTML's label alone when none is written so
        (rendered from a variable, split by markup): the reader still knows the part. A text
        the HTML does not write is looked for in the campaign's partials as written, at their
        lines ("partials/footer.html:4"). Scripts, styles and comments are no text a reader
        sees: never searched. Without ``code``, a text is looked for outside ``<pre>``,
        ``<code>``, ``<kbd>``, ``<samp>`` and ``<tt>`` first (a rule that lets what they show
        as written pass: the copy is elsewhere)."""
        lines: set[int] = set()
        for text in texts if self._shown_source else ():
            written = _BETWEEN_WORDS.join(_written(word) for word in text.split())
            for offset, shown, copy in self._written_files:
                sources = (shown,) if code else (copy, shown)
                found = self._written_at(text, written, sources, every)
                lines.update(offset + n for n in found)
                if found and not every:
                    break
        return tuple(self.html_at(n) for n in sorted(lines)) or (self.html_at(0),)

    def _written_at(
        self, text: str, written: str, sources: tuple[str, ...], every: bool
    ) -> set[int]:
        """The lines of one file (``sources``: its text as shown, and without its code
        elements) :meth:`text_places` finds ``text`` on."""
        lines: set[int] = set()
        for words in self._ways(text, written, lambda: self._html_read):
            # as written first: "xxx" is on the line of "Цена: xxx руб", not of a heading's
            # "XXX Международная" above it; else in any case
            for source, flags in itertools.product(sources, (0, re.IGNORECASE)):
                for found in _found(words, written, source, flags):
                    lines.add(source.count("\n", 0, found.start()) + 1)
                    if not every:
                        break
                if lines:
                    return lines
        return lines

    @cached_property
    def _written_files(self) -> list[tuple[int, str, str]]:
        """The HTML, then each of the campaign's partials, as :meth:`text_places` searches
        them: the number its lines start after (model.LINES_APART), its text as shown, and
        that without its code elements."""
        files = [(0, self._shown_source, self._copy_source)]
        for number, label in enumerate(self.campaign.partial_labels, 1):
            text = self.campaign.partial_texts.get(label)
            if text is not None and label != self.campaign.html_label:
                shown = _UNSHOWN.sub(lambda m: _blanked(m.group(0)), text)
                copy = _CODE_ELEMENT.sub(lambda m: _blanked(m.group(0)), shown)
                files.append((number * LINES_APART, shown, copy))
        return files

    def text_part_places(self, *texts: str) -> tuple[str, ...]:
        """Each line of the text part as written that each text stands on as a whole token
        (:func:`_whole`; its words apart by any blanks and line breaks), in order, as its
        links' and variables' lines are named ("email.txt:3"); the part's label alone when
        none is written so (rendered from a variable): the reader still knows the part."""
        source = self.campaign.text or ""
        label = self.campaign.text_label
        main = self.campaign.main
        read = main.text if main is not None and main.text else source
        lines: set[int] = set()
        for text in texts if source else ():
            written = r"\s+".join(re.escape(word) for word in text.split())
            for words in self._ways(text, written, lambda: read):
                found: list[int] = []
                for flags in (0, re.IGNORECASE):  # as written first, else in any case
                    found = (
                        [m.start() for m in _found(words, written, source, flags)] if words else []
                    )
                    lines.update(source.count("\n", 0, start) + 1 for start in found)
                    if found:
                        break
                if found:
                    break
        return tuple(f"{label}:{n}" for n in sorted(lines)) or (label,)

    @staticmethod
    def _ways(text: str, written: str, read: Callable[[], str]) -> Iterator[str]:
        """The patterns to look for ``text`` by (``written``: as the part writes it), in turn:
        where it stands as a whole token (:func:`_whole`); then, when what the part's reader
        reads (``read``) has it only inside longer words (a rule quoted part of a word:
        "ааааааа" of "Урааааааа!"), inside them. A text the reader reads whole that the part
        does not write whole (rendered from a variable, split by markup) is not placed at a
        longer word's line ("XXXXXX" at a masked card's "XXXXXXXXXXXX1111")."""
        whole = _whole(text, written)
        yield whole
        plain = _whole(text, r"\s+".join(re.escape(word) for word in text.split()))
        if whole != written and not re.search(plain, read(), re.IGNORECASE):
            yield written

    @cached_property
    def _html_read(self) -> str:
        """The HTML's text its readers read, shown or hidden, in Outlook or elsewhere (what
        the rules quote), for :meth:`_ways`."""
        document = self.document
        if document is None:
            return ""
        apart = document.text_apart
        return "\n".join(
            (
                document.text,
                document.outlook_text,
                document.outlook_unsure,
                apart.hidden,
                apart.code,
            )
        )

    @cached_property
    def _copy_source(self) -> str:
        """:attr:`_shown_source` with the code elements' content blanked out too."""
        return _CODE_ELEMENT.sub(lambda m: _blanked(m.group(0)), self._shown_source)

    @cached_property
    def _shown_source(self) -> str:
        """The HTML as written, with what no reader sees (scripts, styles, comments, the
        <title>: the subject's place when it is one) blanked out: every other character, and
        every line, where it was."""
        source = self.campaign.html or ""
        return _UNSHOWN.sub(lambda m: _blanked(m.group(0)), source)

    def link_places(self, *links: Link, with_text: bool = True) -> tuple[str, ...]:
        """Every line the given links sit on, in order: the HTML's, then the text part's —
        with ``with_text``, the text's lines that write an HTML link's URL too (the URL's
        fault shows there as well; not what an HTML element does: its text, its hiding)."""
        html = sorted({n for link in links if not link.in_text for n in link.lines or (link.line,)})
        text = {n for link in links if link.in_text for n in link.lines or (link.line,)}
        if with_text:
            text.update(
                n for link in links if not link.in_text for n in self._text_lines.get(link.href, ())
            )
        label = self.campaign.text_label
        return (*(self.html_at(n) for n in html), *(f"{label}:{n}" for n in sorted(text)))

    # What several rules read of one campaign is worked out once, on the first rule's asking:
    # a Context lives for one campaign's judging, and the campaign no longer changes then.

    def all_links(self) -> tuple[Link, ...]:
        """:meth:`Campaign.all_links`: every distinct link of every rendered variant."""
        return self._all_links

    @cached_property
    def from_domain(self) -> str | None:
        """:attr:`Campaign.from_domain`: the From address parsed once for every rule (a parse
        costs ~20 µs, and the UTM rules asked for it ten times a campaign)."""
        return self.campaign.from_domain

    @cached_property
    def html_pasted_encoded(self) -> tuple[int, list[str], str] | None:
        """A text part that is an HTML part's source pasted as the message's source writes it,
        in quoted-printable (SpamAssassin's spam/004), under a label that says it is not: the
        line its HTML starts on, its first tags, and the label ("" for none).

        One cause: the codes ("=3D", HDR003's) are all in the pasted HTML, whose tags and
        entities a reader sees as written (BRF003's); labelled quoted-printable, it would
        still be HTML source in the text part. BRF003 says it, HDR003 does not."""
        from mailcheck.text import html_source, references_shown

        campaign = self.campaign
        name = campaign.text_label
        text = campaign.text or ""
        encoded_from = campaign.encoded_from.get(name)
        source = html_source(text) if encoded_from and references_shown(text) else None
        if encoded_from is None or source is None:
            return None
        if encoded_from < source[0]:
            return None  # codes before the HTML: the part's own encoding, a cause of its own
        label = next((label for part, label in campaign.mislabelled_parts if part == name), "")
        return source[0], source[1], label

    def shown_url(self, url: str | None) -> str | None:
        """A finding's URL as the template writes it, when rendering put a system value in it
        (Bitrix's ``https://#SERVER_NAME#/order/?ID=#ORDER_ID#`` renders with mailcheck's own
        stand-ins, ``esp-server-name``, which no one can find in the file)."""
        return self._urls_as_written.get(url, url) if url else url

    @cached_property
    def _urls_as_written(self) -> dict[str, str]:
        from mailcheck.templating.system import holds_stand_in

        return {
            link.href: link.raw
            for link in self.link_occurrences()
            if link.raw and link.raw != link.href and holds_stand_in(link.href)
        }

    def link_occurrences(self) -> tuple[Link, ...]:
        """:meth:`Campaign.link_occurrences`: every link where it stands, once."""
        return self._link_occurrences

    def link_sites(self) -> list[list[Link]]:
        """The campaign's links by their place in the template: each entry holds every
        rendering of one template link (a URL with a recipient's name in it renders once per
        sample recipient), so that a rule reports such a link once."""
        return [list(site) for site in self._link_sites]

    @staticmethod
    def one_per_written(links: Iterable[Link]) -> list[Link]:
        """The first of ``links`` for each URL as written (:attr:`Link.raw`, its rendered URL
        when it has none): what a finding counts. A link a loop renders once per item is
        written once, at one place ("1 plain http:// URL", not 3); where its written place is
        not known, each rendered copy is its own (its source is its rendered URL)."""
        seen: dict[str, Link] = {}
        for link in links:
            seen.setdefault(link.raw or link.href, link)
        return list(seen.values())

    def one_per_place(self, links: Iterable[Link]) -> list[Link]:
        """``links`` (each where it stands) as many times as the template writes them: a
        loop's copies of one written link once, three "#" links written on one footer line
        three times (the template as written has as many links of that URL, kind and line).
        Where the written place is not known (no line, no such link as written), each
        rendered link is its own."""
        written = self._written_links
        kept: list[Link] = []
        counted: dict[tuple[str, str, int], int] = {}
        for link in links:
            key = (link.raw or link.href, link.kind, link.line)
            cap = written.get(key, 0) if link.line else 0
            counted[key] = counted.get(key, 0) + 1
            if not cap or counted[key] <= cap:
                kept.append(link)
        return kept

    @cached_property
    def _written_links(self) -> dict[tuple[str, str, int], int]:
        """How many links of each URL, kind and line the HTML template writes (its parse as
        written); empty for a campaign without a template."""
        static = self.campaign.static
        if static is None or not self.campaign.renders:
            return {}
        return dict(Counter((link.href, link.kind, link.line) for link in static.links))

    def answer_noted(self, message: str, result: LinkResult) -> str:
        """``message``, saying so when the link answer it judges came from the link cache: a
        user who fixed the page since must know that the finding is that old, and how to ask
        again."""
        if not result.from_cache:
            return message
        gathered = self.facts.gathered_at
        note = (
            t(
                "answer cached {age} ago; --no-cache asks again",
                age=_age(max(0.0, gathered - result.checked_at)),
            )
            if gathered and result.checked_at
            else t("answer cached; --no-cache asks again")
        )
        return t("{message} ({note})", message=message, note=note)

    def missing(self, message: str, location: str) -> Problem:
        """A part the e-mail must have and this one lacks: an error, or "could not verify" when
        the template pulls in partials mailcheck does not read (it may be in them: PER009
        then lists it, :mod:`mailcheck.rootcause`)."""
        outside = self.campaign.outside_parts
        if not outside:
            return Problem(message, location=location)
        message = t(
            "could not verify: {message}, and the template pulls in {files}, which mailcheck "
            "does not read",
            message=message,
            files=quoted_names(outside),
        )
        return Problem(message, location=location, severity=Severity.WARNING, cause=UNREAD_PARTS)

    def placeholder(self, link: Link) -> str | None:
        """Why ``link`` cannot be a real destination (LNK003's, or UNS001's for an unsubscribe
        link), or None: :func:`mailcheck.linkinfo.placeholder_reason` with what the campaign
        and the configuration say (its in-page targets, whether internal hosts are meant)."""
        from mailcheck.linkinfo import placeholder_reason

        return placeholder_reason(
            link, self._anchor_names, private_ok=self.config.links.allow_private
        )

    def header_place(self, name: str) -> str:
        """Where the header ``name`` is written: its line in a message (``headers:8``, the
        last if written twice: the one read), or its entry under ``[headers]`` in
        campaign.toml (``header:List-Unsubscribe``, as PER001 names it)."""
        campaign = self.campaign
        if campaign.kind == "eml":
            lines = campaign.header_lines.get(name.lower())
            return f"headers:{lines[-1]}" if lines else "headers"
        written = next((k for k in campaign.headers or {} if k.lower() == name.lower()), name)
        return f"header:{written}"

    @cached_property
    def list_unsubscribe_stand_ins(self) -> tuple[tuple[str, str], ...]:
        """The List-Unsubscribe header's URLs (judged as rendered, given as written) that are a
        stand-in where the real address belongs, each with why (:meth:`placeholder`): a
        placeholder host or address (example.com, localhost, unsub@example.com), a loopback or
        private address, a mailto: with nothing or “#” in it. Not what UNS003 says of the
        header's other URLs (none is https, none can be opened), nor a merge tag left in one
        (PER003's)."""
        from mailcheck.linkinfo import scheme, url_problem
        from mailcheck.templating import leftover_tags

        main = self.campaign.main
        urls = _bracketed_urls(main.headers if main and main.headers else self.campaign.headers)
        # each as written (a system variable renders to mailcheck's own stand-in, “esp-uid”),
        # where rendering kept them one for one
        written = _bracketed_urls(self.campaign.headers)
        if len(written) != len(urls):
            written = urls
        found: list[tuple[str, str]] = []
        for url, as_written in zip(urls, written, strict=True):
            kind = scheme(url)
            if kind not in ("http", "https", "mailto") or leftover_tags(url):
                continue
            if kind != "mailto" and url_problem(url):
                continue  # an address no browser opens: UNS003 says so
            reason = self.placeholder(Link(href=url, kind="a"))
            if reason:
                found.append((as_written, reason))
        return tuple(found)

    def unsubscribe(self) -> UnsubscribeLinks:
        """The campaign's unsubscribe links, working or placeholders, as the main variant's
        headers name them (:func:`mailcheck.linkinfo.unsubscribe_links`)."""
        return self._unsubscribe

    @cached_property
    def _text_lines(self) -> dict[str, set[int]]:
        """The text part's lines of each URL the HTML part has too, over every variant."""
        lines: dict[str, set[int]] = {}
        for rendered in self.campaign.renders:
            for href, numbers in rendered.text_lines.items():
                lines.setdefault(href, set()).update(numbers)
        return lines

    @cached_property
    def _all_links(self) -> tuple[Link, ...]:
        return tuple(self.campaign.all_links())

    @cached_property
    def _link_occurrences(self) -> tuple[Link, ...]:
        return tuple(self.campaign.link_occurrences())

    @cached_property
    def _link_sites(self) -> tuple[tuple[Link, ...], ...]:
        sites: dict[tuple[str, str], list[Link]] = {}
        for link in self._all_links:
            sites.setdefault((link.raw or link.href, link.kind), []).append(link)
        return tuple(tuple(site) for site in sites.values())

    @cached_property
    def _unsubscribe(self) -> UnsubscribeLinks:
        from mailcheck.linkinfo import unsubscribe_links

        headers = self.main.headers if self.main else None
        return unsubscribe_links(self.campaign, self.placeholder, headers)

    @cached_property
    def _anchor_names(self) -> frozenset[str]:
        return self.campaign.anchor_names()

    @cached_property
    def _per_campaign(self) -> dict[Callable[[Context], object], object]:
        """What :func:`per_campaign` functions worked out for this campaign, by function."""
        return {}


def per_campaign(compute: Callable[[Context], _T]) -> Callable[[Context], _T]:
    """``compute`` worked out once per campaign however many rules ask: a value several rules
    of a module read (the UTM rules' links, judged link by link) is computed by the first that
    asks, as :class:`Context`'s own are. It lives as long as the Context (one campaign's
    judging): callers read it and never change it."""

    @functools.wraps(compute)
    def once(ctx: Context) -> _T:
        memo = ctx._per_campaign
        if compute not in memo:
            memo[compute] = compute(ctx)
        return cast(_T, memo[compute])

    return once


CheckFn = Callable[[Context], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: CheckFn = field(compare=False)
    network: bool = False
    doc: str = ""
    origin: str = ""  # the plugin (entry point) it came from
    short: str = ""  # a one-line summary for `mailcheck rules` (else the first sentence)
    # Whether the rule can judge this campaign at all (the headers it reads are known, the
    # profile it is for is set); None: always. A rule that cannot says nothing, and that is no
    # verdict: a suppression comment naming it is not reported as hiding nothing (SUP001).
    applies: Callable[[Context], bool] | None = field(default=None, compare=False)
    after: bool = False  # judges the other rules' findings (``Context.judged``): run last

    @property
    def summary(self) -> str:
        """The first sentence of 'What it does' (the rule's title in the report)."""
        return summary_of(self.doc)

    @property
    def how_to_fix(self) -> str:
        return how_to_fix_of(self.doc)

    def how_to_fix_for(self, languages: Iterable[str]) -> list[str]:
        """The 'How to fix' a campaign written in ``languages`` (its dialect, its platform)
        needs: the text for every campaign, then the subsections for those languages (each a
        msgid); a rule with no subsections, its whole section."""
        common, subsections = fix_parts(self.doc)
        wanted = {name.lower() for name in languages if name}
        own = [text for names, text in subsections if wanted & set(names)]
        return [text for text in (common, *own) if text]

    @property
    def oneliner(self) -> str:
        """What the rule finds, in one line: ``short``, or the first sentence of its doc."""
        return self.short or self.summary

    def run(self, ctx: Context) -> list[Finding]:
        """The rule's findings, one per root cause: problems it reports in the same words
        (message, URL, severity) at several places are one finding listing every place."""
        merged: dict[
            tuple[str, str | None, Severity | None, str, tuple[str, ...], bool, bool], list[str]
        ] = {}
        for p in self.check(ctx):
            key = (p.message, p.url, p.severity, p.cause, p.urls, p.lines_said, p.unverified)
            places = merged.setdefault(key, [])
            places += [place for place in p.places if place not in places]
        return [
            Finding(
                code=self.code,
                rule=self.name,
                severity=severity or self.severity,
                message=message,
                location=places[0] if places else "",
                url=ctx.shown_url(url),
                locations=tuple(places),
                cause=cause,
                urls=tuple(shown for each in urls if (shown := ctx.shown_url(each))),
                lines_said=lines_said,
                # an error rule says a warning only when it could not tell (its certainty)
                unverified=unverified
                or (severity is Severity.WARNING and self.severity is Severity.ERROR),
            )
            for (message, url, severity, cause, urls, lines_said, unverified), places in (
                merged.items()
            )
        ]


def _section(doc: str, title: str) -> str:
    match = re.search(rf"^##\s*{re.escape(title)}\s*$(.*?)(?=^##\s|\Z)", doc, re.M | re.S)
    return match.group(1).strip() if match else ""


def summary_of(doc: str) -> str:
    """A docstring's first sentence of 'What it does' (also its msgid in the catalogues)."""
    body = _section(doc, "What it does") or doc
    first = " ".join(body.strip().split())
    return first.split(". ")[0].rstrip(".")


def how_to_fix_of(doc: str) -> str:
    """A docstring's 'How to fix' section, whole (what `mailcheck rule` shows)."""
    return _section(doc, "How to fix")


# A "How to fix" may end with subsections for one template language each ("### jinja",
# "### esputnik": the dialects and platforms as campaign.toml names them, comma-separated):
# the client's report shows a campaign the fix in its own language, not fifteen others
_LANGUAGE_HEADING = re.compile(r"^###[ \t]*(\S[^\n]*?)[ \t]*$", re.M)


def fix_parts(doc: str) -> tuple[str, list[tuple[tuple[str, ...], str]]]:
    """A docstring's 'How to fix' as the text for every campaign and each subsection's
    languages and text: each text is a msgid in the catalogues."""
    pieces = _LANGUAGE_HEADING.split(how_to_fix_of(doc))
    subsections = [
        (tuple(name.strip().lower() for name in heading.split(",")), text.strip())
        for heading, text in zip(pieces[1::2], pieces[2::2], strict=True)
    ]
    return pieces[0].strip(), subsections


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    network: bool = False,
    short: str = "",
    applies: Callable[[Context], bool] | None = None,
    after: bool = False,
) -> Callable[[CheckFn], Rule]:
    """Declare a rule; the function's docstring is its documentation page, ``short`` the
    one line `mailcheck rules` shows (default: the first sentence of "What it does").
    ``applies`` says whether the rule can judge a campaign at all (see :class:`Rule`);
    ``after`` runs it once the other rules have, with their findings in ``ctx.judged``."""
    if not CODE_RE.match(code):
        raise ValueError(f"rule code {code!r} must be a family of 1-8 capitals/digits and 3 digits")

    def declare(fn: CheckFn) -> Rule:
        import inspect

        return Rule(
            code=code,
            name=name,
            severity=severity,
            check=fn,
            network=network,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            short=short,
            applies=applies,
            after=after,
        )

    return declare
