"""The campaign model: what loaders produce, what the engine gathers, and what rules judge.

Everything here is plain data. Loaders fill a :class:`Campaign` from a file once; the HTML of
each rendered variant is parsed once into a :class:`Document`; network facts for the whole batch
live in :class:`mailcheck.facts.Facts`. Rules only read these objects.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mailcheck.config import Config

from mailcheck.accessibility import Accessibility
from mailcheck.domains import ascii_host


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


SourceKind = Literal["toml", "eml", "html"]

# An element written in one of the campaign's partials is at a line of that file
# ("partials/footer.html:12"), yet its place is one number (Link.line …), as the HTML's lines
# are: line n of the partial numbered k (1, 2 … as Campaign.partial_labels lists them) is
# numbered k × LINES_APART + n (mailcheck.templating.written). No HTML read has that many
# lines: a longer partial or template is not marked so.
LINES_APART = 10_000_000
# A domain as DNS can be asked about it (IDNs in their ASCII form)
# what a template prints for no value (Jinja's None, JavaScript's undefined, Ruby's nil …)
_NO_VALUE_WORD = re.compile(r"(?<![\w-])(?:None|null|undefined|nil|NaN)(?![\w-])")
_DNS_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
# A template dialect's name: "none" or one of the mailcheck.dialects catalogue ("jinja" …).
Dialect = str
LinkKind = Literal["a", "area", "img", "background", "vml", "css"]


@dataclass(frozen=True)
class Link:
    """A URL found in the HTML (or the plain-text part).

    ``href`` is the URL as it appears after rendering; ``raw`` is the template source before
    rendering (equal to ``href`` when the campaign has no template).
    """

    href: str
    kind: LinkKind
    text: str = ""  # the visible text of an <a>, alt of an <img>
    line: int = 0  # 1-based line in the source HTML, 0 when unknown
    raw: str = ""
    # every line the same URL of the same kind sits on (Campaign.all_links fills it)
    lines: tuple[int, ...] = ()
    # the sentence the link stands in, for a short link text ("click here"): what it is for
    context: str = ""
    # the link's own role, data-*, class and id attributes, e.g. 'role=unsubscribe'
    marker: str = ""
    hidden: bool = False  # an <a> no recipient sees: it or a box around it is display:none …
    # a URL of the plain-text part that the HTML part beside it does not have: the text's own
    # link (its line is the text's); the link rules that read words around a link skip it
    in_text: bool = False
    # found only inside an Outlook conditional comment (<!--[if mso]>…<![endif]-->): every other
    # mail client reads it as a comment and shows nothing of it
    outlook_only: bool = False

    @property
    def is_image(self) -> bool:
        return self.kind in ("img", "background", "vml", "css")


@dataclass(frozen=True)
class WrappedUrl:
    """A URL of a plain-text part that a hard line break cuts: it ends a long line and goes on
    at the start of the next (Outlook's wrapped text part). Mail clients do not join it again:
    a text-only reader gets ``pieces[0]`` as the link."""

    url: str  # the URL read whole
    line: int  # the line it starts on
    pieces: tuple[str, ...]  # the URL as each line it stands on writes it

    @property
    def cut(self) -> str:
        """What a text-only reader's client makes the link: the first line's part."""
        return self.pieces[0]


@dataclass(frozen=True)
class Image:
    src: str
    alt: str | None  # None: no alt attribute at all; "" is a decorative image
    line: int = 0
    pixel: bool = False  # width and height of 1 or 0: an open-tracking pixel nobody sees


@dataclass(frozen=True)
class Suppression:
    """An inline suppression comment: ``<!-- mailcheck: ignore CODE[,CODE] -->`` hides those
    codes' findings on the next element (lines ``first``–``last``); ``ignore-file`` hides
    them for the whole campaign. Codes may be prefixes, as in ``ignore``."""

    codes: tuple[str, ...]
    scope: Literal["element", "file", "invalid"]  # invalid: codes holds the comment's text
    line: int  # where the comment is
    first: int = 0
    last: int = 0
    # the file it is written in: "" for the campaign's HTML, else how findings name one of its
    # partials ("partials/footer.html"), whose lines ``line``, ``first`` and ``last`` are
    file: str = ""

    def covers(self, code: str, lines: list[int], file: str = "") -> bool:
        """Whether a finding of ``code`` at ``lines`` of ``file`` (none: the campaign as a
        whole; ``file`` "" the HTML, else a partial's name) is hidden: an element suppression
        hides it only when every line it names is inside the element, in the same file."""
        if self.scope == "invalid" or not any(code.startswith(c) for c in self.codes):
            return False
        return self.spans(lines, file)

    def spans(self, lines: list[int], file: str = "") -> bool:
        """Whether a finding at ``lines`` of ``file`` (none: the campaign as a whole) is where
        the comment applies, whatever its code."""
        if self.scope == "invalid":
            return False
        if self.scope == "file":
            return True
        return (
            file == self.file and bool(lines) and all(self.first <= n <= self.last for n in lines)
        )


@dataclass(frozen=True)
class UnclosedComment:
    """An HTML comment that is never closed: as HTML is parsed, it runs to the end of the
    document and hides all that follows from the reader."""

    line: int  # where it opens
    outlook: bool  # an Outlook conditional comment (<!--[if mso]>): Outlook shows what follows
    hidden: str  # the visible text it hides, whitespace collapsed
    links: int  # the links and images it hides
    anchors: tuple[Link, ...] = ()  # the <a> links it hides, with their text


@dataclass(frozen=True)
class StrippedElement:
    """An element that mail clients remove from an e-mail before showing it: a script, a
    stylesheet loaded from a URL, an iframe, an object or an embed (HTML002)."""

    line: int  # where its start tag begins
    kind: Literal["script", "stylesheet", "iframe", "object", "embed"]
    url: str = ""  # what it loads (src, href, data), as written; "" for an inline script


@dataclass
class Document:
    """One parsed HTML body (one rendered variant of the campaign)."""

    title: str | None = None
    # the line of a visible <p> of the body whose whole text the <title> is (0: none): the
    # lead paragraph pasted into the title, which says what the title is not (a subject)
    title_copy_line: int = 0
    preheader: str | None = None  # text of the hidden preview element, padding removed
    # ... as written, whitespace collapsed: padding and invisible controls (bidi) kept
    preheader_raw: str | None = None
    # the preview element was found by its class or id ("preheader") and neither a style of
    # its own nor a top-level <style> rule hides it: it may be preview copy (a stylesheet
    # inside @media hides it, the ESP's CSS) or the body's first line, which the inbox shows
    # as far as it fits
    preheader_by_name: bool = False
    # no preheader, but a hidden preview element after visible text: (its text, its line, the
    # visible text inboxes show instead)
    late_preheader: tuple[str, int, str] | None = None
    links: list[Link] = field(default_factory=list)
    # the images each srcset names (<img srcset>, <picture><source srcset>: Apple Mail's 2x and
    # dark-mode images): links of the variant read as written (templating.render._as_is), and
    # of a rendered one those the template writes as they are (render._written_as_is)
    srcset: list[Link] = field(default_factory=list)
    # the images a <style> block shows (mailcheck.stylesheet), kept apart as srcset's are: a
    # merge tag in a stylesheet's url() is no URL to the CSS parser, so what it renders to
    # cannot be paired with its source
    stylesheet: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    text: str = ""  # visible text, whitespace collapsed
    # the text of Outlook's conditional comments (``<!--[if mso]>…<![endif]-->``), which Outlook
    # alone shows and ``text`` leaves out: what Outlook shows (not its code elements), and what
    # it may not (hidden there by a style, ``mso-hide:all``; in a comment for another client,
    # ``[if IE]``); whitespace collapsed
    outlook_text: str = ""
    outlook_unsure: str = ""
    # ... each piece of it, with why Outlook may not show it: the declaration of a style that
    # hides it there ("mso-hide:all"), or the condition for another client ("[if IE]")
    outlook_unsure_how: tuple[tuple[str, str], ...] = ()
    code: str = ""  # the text of its code elements (<code>, <pre>, <kbd> …), which show code as is
    accessibility: Accessibility | None = None
    suppressions: list[Suppression] = field(default_factory=list)
    unread: str = ""  # why part of the HTML could not be read (nesting past the parser's limit)
    # the first <base href> as written: the address most mail clients complete relative URLs
    # from (Apple Mail, Gmail, Outlook.com, Thunderbird); Mail.ru and Outlook for Android do not
    base: str | None = None
    unclosed_comment: UnclosedComment | None = None
    # scripts, linked stylesheets (not a web font's), iframes, objects and embeds, in order
    stripped: list[StrippedElement] = field(default_factory=list)
    # what an in-page link ("#prices") can go to: every id and <a name>; read only when the
    # document has such a link
    anchor_names: frozenset[str] = frozenset()
    # the HTML this was parsed from: what only a few rules ask of it is read again on demand
    # (:attr:`text_apart`)
    source: str = field(default="", repr=False, compare=False)
    # a rendered template's: the written line of a line of ``source`` (0: none), which every
    # line above names already (mailcheck.templating.written, read when asked); None: its
    # lines are the written ones (a source as written, or one rendered to the same lines)
    written_lines: Callable[[int], int] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def text_apart(self) -> TextApart:
        """The parts of ``text`` a reader does not see as copy: hidden, or shown as code. Read
        from ``source`` when asked (few documents need it: BRF001's dummy text)."""
        from mailcheck.htmlparse import text_apart  # (it builds Documents)

        return self._written(text_apart(self.source))

    def _written(self, apart: TextApart) -> TextApart:
        if self.written_lines is None:
            return apart
        from mailcheck.templating.written import apart_remapped

        return apart_remapped(apart, self.written_lines)

    def text_apart_after(self, preheader: str | None) -> TextApart:
        """:attr:`text_apart` of the body as sent after ``preheader``, the one campaign.toml
        gives, which the ESP puts in front of it: the preview reads it first (not cached:
        :attr:`mailcheck.rules.Context.text_apart` asks once)."""
        if not preheader:
            return self.text_apart
        from mailcheck.htmlparse import text_apart

        return self._written(text_apart(self.source, before=preheader))

    @property
    def hidden_text(self) -> str:
        """The part of ``text`` hidden from every client (mobile-only blocks, tracking tricks;
        not the preheader, which ``text`` leaves out): what no reader of a desktop client sees.
        """
        return self.text_apart.hidden


@dataclass(frozen=True)
class HiddenHow:
    """How an element of a document is hidden from every client, as the source writes it."""

    text: str  # the element's text, as :attr:`TextApart.hidden` holds it
    line: int  # the line of its start tag
    # the hiding declaration of its own style ("display:none", "hidden" for the attribute),
    # or the stylesheet rule that hides it, as written (".mob{display:none}")
    declaration: str = ""
    rule: str = ""


@dataclass(frozen=True)
class TextApart:
    """Text of a document that is not copy a reader sees, read on demand."""

    # in elements hidden from every client by their own style or a top-level <style> rule
    # (``.mobile {display: none}``)
    hidden: str = ""
    # how each of those elements is hidden, in their order: what BRF001 says of the dummy
    # text it finds there
    hidden_how: tuple[HiddenHow, ...] = ()
    # in code elements (<code>, <pre>, <kbd>, <samp>, <tt>) not hidden: shown as written, a
    # sample, not copy
    code: str = ""
    # the whole text of each short text block (a paragraph, a cell, a heading: at most
    # SHORT_BLOCK characters): what a quotation in it is said in, or whether it stands alone
    blocks: frozenset[str] = frozenset()
    # the hidden elements the inbox shows in the preview nonetheless (their text is not in
    # ``hidden``), in reading order: what BRF001 says of the dummy text it finds there
    previewed: tuple[HiddenPreview, ...] = ()
    # each heading (<h1>…<h6>) in an element of ``hidden`` (by its own style or a stylesheet's
    # rule): its line and whole text, as the accessibility facts read them, how many headings
    # of that line and text come before it (one line holds a minified layout), and how it is
    # hidden: what BRF001 says of a layout's stand-in heading there ("Heading 1")
    hidden_headings: tuple[tuple[int, str, int, HiddenHow], ...] = ()


@dataclass(frozen=True)
class HiddenPreview:
    """An element hidden from every client whose text the inbox shows as the preview."""

    how: HiddenHow  # its text, line, and how it is hidden
    # the preheader it follows (the campaign's and the body's own, as the preview reads
    # them), too short to fill the preview and unpadded; None: there is none, and the
    # element's is the body's first text
    after: str | None = None


SHORT_BLOCK = 300  # characters of a block TextApart.blocks holds (a quotation is shorter)


@dataclass
class Variable:
    """A personalisation variable as the template uses it."""

    name: str  # dotted path as written, e.g. "user.first_name"
    line: int = 0
    has_fallback: bool = False  # a default/fallback value is given inline
    guarded: bool = False  # used only inside a conditional that tests it
    fallback_covers_empty: bool = True  # False for Jinja default('x') without true
    system: bool = False  # filled by the ESP (unsubscribe URL, recipient id …)
    in_link: bool = False
    in_web_link: bool = False  # in a link a web server receives (not only in a mailto:)
    # the whole URL of a link (href="{{ reset_link }}"): the application or the author builds it
    whole_link: bool = False
    where: str = "html"  # the part it is used in: subject, preheader, html, text, header:<Name>
    # the campaign's partial it is written in ("partials/footer.html"), ``line`` being that
    # file's; "" when written in the part itself
    file: str = ""
    fallback: str | None = None  # the inline fallback text, when one is given
    # a fallback written that the ESP ignores here (Unisender's inside a link): none
    fallback_ignored: bool = False
    # the only test around it, as written, tests for null alone (Mindbox's
    # ``@{ if x != null }``): an empty value ("") passes it, so it guards nothing
    null_guard: str = ""
    # a call of the application's code (PHP's ``$user->getShortName()``): mailcheck does not
    # run it, so whether it returns a fallback for an empty field is not known
    computed: bool = False
    # a field of the data the API call that sends the message passes (listmonk's
    # ``.Tx.Data.order_id``): whether it is there is the caller's, which mailcheck cannot see
    payload: bool = False
    # a field of the event that sends the message, filled by the application's code (1C-Bitrix's
    # mail event): the platform's (``system``), yet maybe empty; only evidence says anything
    event: bool = False
    # a name one or two letters off one of the platform's link tags (``%UNSUBSCRIBE_ULR%``):
    # the tag as written and the tag meant; ("", "") for any other variable
    misspelt: tuple[str, str] = ("", "")
    # the tag as written, where findings quote it rather than the name (Velocity's
    # ``$data.get('total')``); "" to quote the name
    tag: str = ""
    # printed as written when the value is missing (Velocity's ``$x``, not the quiet ``$!x``)
    literal_if_missing: bool = False
    # a fallback written empty, which the ESP reads as none (eSputnik's ``%FIRSTNAME|%``)
    blank_fallback: bool = False
    # in a part the engine refuses (PER004), where the fix of its broken tag may change how
    # this use reads (after a block's opening tag never closed): that tag as written and its
    # line; None where the use reads as it will once fixed
    unsure: tuple[str, int] | None = None


@dataclass(frozen=True)
class Breakage:
    """Broken text in one rendered part, as a recipient would read it.

    From a sample recipient's own values (``variable`` None: PER002), or from the blanking
    probe, which renders again with one ``variable`` set to ``blank`` ("" or None, a null),
    or finds that a sample without the field (``missing``) is broken where a value mends it.
    """

    part: str  # subject, preheader, text (the HTML's visible text), plain-text part
    snippet: str  # the broken fragment; "" when the whole part came out empty
    variable: str | None = None
    blank: str | None = ""
    # the data has no such field at all: Jinja prints "" for it, "None" only for a null
    missing: bool = False
    # the other variables emptied with ``variable``: what only emptying them together breaks
    # (1C-Bitrix's «#NAME# #LAST_NAME#», each of which reads without the other)
    together: tuple[str, ...] = ()

    def describe(self) -> str:
        """``with first_name = "" the text reads “Привет, !”``, in the report's language."""
        from mailcheck.i18n import Joined, t  # the model is imported everywhere: stay light

        part = t(self.part)
        if self.variable is not None and self.together:
            return t(
                'with {names} all = "" the {part} reads “{snippet}”',
                names=Joined(", ", [self.variable, *self.together]),
                part=part,
                snippet=self.snippet,
            )
        if self.variable is None:
            if self.snippet:
                return t("the {part} reads “{snippet}”", part=part, snippet=self.snippet)
            return t("the {part} is empty", part=part)
        if self.blank == "":
            if self.snippet:
                return t(
                    'with {name} = "" the {part} reads “{snippet}”',
                    name=self.variable,
                    part=part,
                    snippet=self.snippet,
                )
            return t('with {name} = "" the {part} is empty', name=self.variable, part=part)
        said = {"name": self.variable, "part": part, "snippet": self.snippet}
        printed = _NO_VALUE_WORD.search(self.snippet)
        if not self.missing:
            # a null in the data (what was probed): Jinja prints "None" for it, a missing
            # field it prints empty. "None" is what Python calls it, not what a client knows
            if not self.snippet:
                return t("with {name} null in the data the {part} is empty", **said)
            if printed:
                return t(
                    "with {name} null in the data the {part} reads “{snippet}”: "
                    "“{word}” is how the template prints null",
                    word=printed.group(0),
                    **said,
                )
            return t("with {name} null in the data the {part} reads “{snippet}”", **said)
        # no such field in the data (a sample without it)
        if not self.snippet:
            return t(
                "with no value for {name} in the data the {part} is empty",
                name=self.variable,
                part=part,
            )
        if printed:
            return t(
                "with no value for {name} in the data the {part} reads “{snippet}”: "
                "“{word}” is how the template prints no value",
                word=printed.group(0),
                **said,
            )
        return t("with no value for {name} in the data the {part} reads “{snippet}”", **said)


@dataclass
class Rendered:
    """The campaign as one sample recipient would receive it."""

    sample: dict[str, object]
    label: str  # "sample 1", "fallbacks", …
    subject: str | None
    preheader: str | None
    html: str | None
    text: str | None
    document: Document | None  # parse of ``html``
    breakage: list[Breakage] = field(default_factory=list)  # what this sample's values break
    probe: list[Breakage] = field(default_factory=list)  # one variable blanked at a time
    headers: dict[str, str] | None = None  # the campaign's header values, rendered
    # the URLs of the plain-text part the HTML part does not have (Link.in_text): a text part
    # written apart from the HTML keeps last month's links
    text_links: list[Link] = field(default_factory=list)
    # the plain-text part's lines of each URL the HTML part has too: a finding of that URL
    # lists them beside the HTML's (Context.link_places)
    text_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # the plain-text part's URLs that a hard line break cuts (textpart.text_part_links), with
    # or without an HTML part: TXT002
    text_wrapped: tuple[WrappedUrl, ...] = ()
    # the main render again with each field no sample gives and no fallback fills (the API
    # call's data, Postmark's TemplateModel; a recipient's field when no sample is given)
    # written as "[name]": where those unseen fields stand, for a quote of the body's text
    # ("By [commenter_name] at [timestamp]", a link's text: mailcheck.named, and the
    # preheader's: BRF); their names. None when there is no such field, or that render fails
    unseen_preheader: str | None = None
    unseen_document: Document | None = None
    unseen_fields: tuple[str, ...] = ()
    # the subject's recipient variables that no sample gives and no fallback fills: they
    # render empty here (a greeting's name), so a length measured so is the shortest one; and
    # the subject rendered again with each written as "[name]" where it stands (None when
    # there is none, or that render fails)
    subject_empty: tuple[str, ...] = ()
    subject_named: str | None = None
    # the same of the preheader (`preheader =`, or the HTML's preview element), for PRE002:
    # its recipient variables that render empty here, and it rendered with each as "[name]"
    preheader_empty: tuple[str, ...] = ()
    preheader_named: str | None = None


@dataclass
class Campaign:
    """One campaign as loaded from its source, before any rule runs."""

    id: str
    source: str  # the path as the user gave it (or as found below a given directory)
    kind: SourceKind
    client: str = "default"
    subject: str | None = None  # template source
    preheader: str | None = None  # template source; explicit or taken from the HTML
    preheader_explicit: bool = False  # given in campaign.toml rather than found in the HTML
    from_addr: str | None = None
    html: str | None = None  # template source of the HTML part
    html_bytes: int = 0  # size of the HTML part as it would be sent (UTF-8 or its charset)
    html_sent_bytes: int = 0  # an .eml's HTML part as transferred (0: not a saved message)
    # a "�" of the HTML or text part is in the file as written, not put there by mailcheck's
    # decode of bytes it could not read: every reader sees it (BRF003 is then an error)
    replacement_written: bool = False
    # a saved message's parts' Content-IDs (linkinfo.content_id): what its cid: images may
    # name. None: not a message, whose images the message it is sent in will hold
    content_ids: frozenset[str] | None = None
    html_label: str = ""  # how findings name the HTML: "email.html", "text/html part"
    text_label: str = "text part"  # how findings name the text: "email.txt", "text/plain part"
    text: str | None = None  # plain-text part
    text_known: bool = False  # True when we know whether a plain-text part exists
    # the file read as the plain-text part (as findings name it: "email.txt"), when one was:
    # named by campaign.toml's `text`, or the HTML's own beside it (content.html + content.txt)
    text_file: str | None = None
    text_paired: bool = False  # text_file is the HTML's same-stem .txt, which nothing named
    headers: dict[str, str] | None = None  # None: headers unknown (bare HTML, no [headers])
    dialect: Dialect = "none"
    dialect_explicit: bool = False  # `template = …` given in campaign.toml; else detect it
    # Filled by templating: why this dialect ("template = …", "12 tags only sendsay writes"),
    # and, when the language was not understood, what PER007 says.
    dialect_reason: str = ""
    dialect_unclear: str | None = None
    # the language was recognised, and one construct of it is what mailcheck cannot read (a
    # template file it pulls in, DashaMail's blocks it cannot pair): ``dialect_unclear`` says it
    construct_unread: bool = False
    # the dialect is the one `template = …` or `esp = …` names, not one detected from the tags
    dialect_declared: bool = False
    # the platform whose tags the campaign writes: the one `esp = …` names, else the one its own
    # tags were detected as (eSputnik's %FIRSTNAME|друг%); "" when none is known
    platform: str = ""
    # the part and line of the tag that made it so, when one did (an include of a file
    # mailcheck does not have): where PER007 points
    dialect_unclear_at: tuple[str, int] | None = None
    samples: list[dict[str, object]] = field(default_factory=list)
    samples_unrendered: int = 0  # sample recipients past the number rendered: not checked
    # where each sample recipient is in its file, as its reader finds it ("recipients.csv:6");
    # empty when the samples have no lines to tell (JSON, inline): "sample 2" then
    sample_places: list[str] = field(default_factory=list)
    send_at: datetime | None = None
    # a saved message's Date header, when it is a date and not in the future: the day a test
    # send was sent, BRF002's send date when no send_at is given
    sent_on: datetime | None = None
    send_at_local: bool = False  # send_at was written without a UTC offset (this machine's)
    utm: dict[str, str] = field(default_factory=dict)
    expect: dict[str, list[str]] = field(default_factory=dict)  # [expect]: the brief's musts
    dkim_selectors: list[str] = field(default_factory=list)
    raw_message: bytes | None = None  # the whole .eml, for DKIM verification
    envelope_from: str | None = None  # Return-Path of an .eml
    received_ips: list[str] = field(default_factory=list)  # sending IPs from Received headers
    helo: str | None = None  # the sending server's HELO name, from the same Received header
    # a saved message's header fields: lower-case name -> the lines each occurrence starts on
    header_lines: dict[str, list[int]] = field(default_factory=dict)
    # header fields written with white space before the colon ("From  :", RFC 5322 §4.5's
    # obsolete syntax), read as fields: (line, the name and colon as written) (HDR001)
    spaced_fields: list[tuple[int, str]] = field(default_factory=list)
    # a saved message's file (as findings name it: "test-send.eml") and, by part label
    # ("text/html part"), the line of the file each line of the part's text starts on: a
    # finding at a part's line names the file's (message.file_lines); a part without an
    # entry (base64) is named with its own line
    file_name: str = ""
    file_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)
    load_error: str | None = None  # set when the input could not be read (INP001)
    # a campaign.toml that could not be read at all: its id (the directory's name) and client
    # (the configuration's) are stand-ins, not the campaign's own
    manifest_unread: bool = False
    not_read: str | None = None  # a mail file found below a directory, not read (INP002): why
    # a file of the campaign that could not be read while the rest was (the .txt found beside a
    # bare HTML): (its name, why), each an INP001 of its own; the rest is checked
    files_unread: list[tuple[str, str]] = field(default_factory=list)
    # body parts of a saved message a recipient may be shown and mailcheck does not check, by
    # content type ("text/x-amp-html"): the rest is checked, and INP002 says what was not
    parts_not_read: list[str] = field(default_factory=list)
    # body parts of a saved message written in quoted-printable and labelled as not (HDR003):
    # (part name, its Content-Transfer-Encoding as written, "" for none); read as written
    mislabelled_parts: list[tuple[str, str]] = field(default_factory=list)
    # each of those parts by name: the first line with a quoted-printable code ("=3D", a soft
    # break). Their text is read as meant with the lines of the part as written, which mail
    # clients show: a line joined by soft breaks keeps its first line's number
    encoded_from: dict[str, int] = field(default_factory=dict)
    # a saved message's text, or an HTML file, whose bytes are in another charset than its
    # label (or <meta>) says (UTF-8 on windows-1251 and the reverse, KOI8-R and windows-1251
    # swapped): (place, the label's codec, the bytes')
    charset_misread: list[tuple[str, str, str]] = field(default_factory=list)
    # text with bytes beyond ASCII and no charset named, read here in a guessed one: a saved
    # message's parts (no charset=, nor a <meta> in HTML), an HTML file that is not UTF-8 and
    # has no <meta> charset: (place, the codec it is read in, whether that guess is sure:
    # charsets.guess_told; an unsure one is no charset to declare)
    charset_unlabelled: list[tuple[str, str, bool]] = field(default_factory=list)
    # a saved message's part whose charset label is unknown or not its bytes' charset, which
    # mailcheck reads in a guessed one: (place, the label as written, the codec read in)
    charset_label_unread: list[tuple[str, str, str]] = field(default_factory=list)
    # a saved message's subject or From in raw 8-bit bytes that are not UTF-8 (RFC 6532
    # allows UTF-8 alone): (place, the codec they are read in)
    header_not_utf8: list[tuple[str, str]] = field(default_factory=list)
    # a saved message's multipart/alternative puts text/plain after the HTML (HDR004)
    text_preferred: bool = False
    # (role, path) of every file the loader read or tried to read: what "this campaign" is
    source_files: list[tuple[str, str]] = field(default_factory=list)
    # Filled by the engine's analysis step:
    variables: list[Variable] = field(default_factory=list)
    # how findings name the campaign's partials read ("partials/footer.html"): a place in one
    # ("partials/footer.html:12") is at a line of that file, not of the HTML
    partial_labels: list[str] = field(default_factory=list)
    # the text of each of those partials as written, by label: where a text it writes is
    # (Context.text_places)
    partial_texts: dict[str, str] = field(default_factory=dict)
    # the parse of each of those partials as written (as ``static`` is the HTML's), its lines
    # numbered as that partial's (LINES_APART): what rules read of the template as written
    # (accessibility facts, elements mail clients remove) is in them too
    partial_documents: list[Document] = field(default_factory=list)
    # the suppression comments written in those partials, at their own files' lines
    partial_suppressions: list[Suppression] = field(default_factory=list)
    template_error: str | None = None  # PER004: the first part that fails, or a run-time failure
    template_error_line: int = 0
    # the run-time failure is one that a template mistake (PER004, below) explains: read as
    # the author means it ({% for i in order.items %} as the key), the template renders
    template_error_mistaken: bool = False
    over_budget: str | None = None  # PER008: a render went over its budget (which limit)
    # PER004 for every part the engine refuses: (part as in Variable.where, message, line);
    # for a refusal in one of the campaign's partials the part is that file (as in
    # Variable.file: "partials/footer.html"), the line that file's
    template_errors: list[tuple[str, str, int]] = field(default_factory=list)
    # every refused part was read around its one broken tag (templating.salvage): its
    # variables are known, though nothing is rendered
    template_salvaged: bool = False
    # with a PER004 nothing is rendered: the beginning of the HTML's text as written with each
    # of the language's tags that prints a variable shown as "[name]" and its other tags
    # left out, for a quote of what inboxes show (PRE001); None when not gathered
    static_text_named: str | None = None
    # template files the template pulls in that mailcheck does not read (partials, layouts
    # the ESP or the agency's build supplies): what they hold is not checked (PER009)
    outside_parts: list[str] = field(default_factory=list)
    # where the template pulls them in: (part, line), each tag (one part may have several)
    outside_parts_at: list[tuple[str, int]] = field(default_factory=list)
    # blocks whose test or helper mailcheck cannot read: (part, line, tag as written); what
    # they print is not verified (PER007), never guessed
    unread_blocks: list[tuple[str, int, str]] = field(default_factory=list)
    # "${name}" as the whole text of a code element (<code>${promocode}</code>) that no dialect
    # read here fills: a merge tag, or code shown? (line in the HTML, element, tag): PER007
    unfilled_code_tags: list[tuple[int, str, str]] = field(default_factory=list)
    # what the engine reads but prints otherwise than the author means (Jinja's order.items:
    # the dict's method, not the field): (part, line, message), each a PER004 of its own
    template_mistakes: list[tuple[str, int, str]] = field(default_factory=list)
    renders: list[Rendered] = field(default_factory=list)
    static: Document | None = None  # parse of the unrendered HTML
    config_overrides: dict[str, object] = field(default_factory=dict)
    # the closest config file's settings when they differ from the run's (hierarchical config)
    base_config: Config | None = None

    @property
    def subject_is_title(self) -> bool:
        """The subject read is a bare HTML file's <title>: the ESP's subject is set apart from
        the file, and whether the title is that subject is a guess (no recipient sees a
        <title> as such)."""
        return self.kind == "html"

    @property
    def travelled(self) -> bool:
        """A saved message that went through a mail server (it has a Received header). An
        export that never left the ESP gets its From, List-Unsubscribe and signature there."""
        return "received" in self.header_lines

    @property
    def from_domain(self) -> str | None:
        from email.utils import parseaddr

        if not self.from_addr:
            return None
        addr = parseaddr(self.from_addr)[1]
        if "@" not in addr:
            return None
        domain = addr.rsplit("@", 1)[1].strip().rstrip(".").lower()
        # a From the ESP fills in ("news@{{ domain }}", "#SERVER_NAME#") names no domain yet:
        # asking DNS about its tags would report a sender domain that does not exist
        return domain if _DNS_NAME.fullmatch(ascii_host(domain)) else None

    def documents(self) -> list[Document]:
        """The parse of every rendered variant (the static parse when none rendered)."""
        return [r.document for r in self.renders if r.document] or (
            [self.static] if self.static else []
        )

    def _link_lists(self) -> list[list[Link]]:
        """The links of every rendered variant, the HTML's and the text part's own (the static
        parse's when none rendered)."""
        if not any(r.document for r in self.renders):
            return [self.static.links] if self.static else []
        return [
            links
            for r in self.renders
            for links in (r.document.links if r.document else [], r.text_links)
        ]

    def anchor_names(self) -> frozenset[str]:
        """What an in-page link can go to in any rendered variant (the static parse when none
        rendered): a target one variant has is not judged missing in another."""
        return frozenset().union(*(d.anchor_names for d in self.documents()))

    def all_links(self) -> list[Link]:
        """Every distinct link of every rendered variant (static parse when none rendered)."""
        seen: dict[tuple[str, str, bool], Link] = {}
        lines: dict[tuple[str, str, bool], set[int]] = {}
        for links in self._link_lists():
            for link in links:
                key = (link.href, link.kind, link.in_text)  # a line of the text is its own
                seen.setdefault(key, link)
                lines.setdefault(key, set()).add(link.line)
        return [replace(link, lines=tuple(sorted(lines[key]))) for key, link in seen.items()]

    def link_occurrences(self) -> list[Link]:
        """Every link where it stands (its text and line kept), once however many variants."""
        seen: dict[tuple[str, str, str, int, bool, bool], Link] = {}
        for links in self._link_lists():
            for link in links:
                # (a hidden copy beside a shown one, minified onto one line, is another place)
                key = (link.href, link.kind, link.text, link.line, link.hidden, link.in_text)
                seen.setdefault(key, link)
        return list(seen.values())

    def html_place(self, line: int) -> str:
        """A finding's place for an element's ``line`` (0: none known): a line of the HTML
        ("email.html:12"), or of the partial it is written in ("partials/footer.html:3")."""
        label, line = self.written_at(line)
        return f"{label}:{line}" if line else label

    def written_at(self, line: int) -> tuple[str, int]:
        """The file an element's ``line`` is in, as findings name it (the HTML's label, or a
        partial's: :data:`LINES_APART`), and its line there."""
        number, at = divmod(line, LINES_APART)
        if number and number <= len(self.partial_labels):
            return self.partial_labels[number - 1], at
        return self.html_label or "html", line

    def in_file(self, place: str) -> str:
        """``place`` as a QA person opens it: a line of a saved message's part whose lines
        the file keeps ("text/html part:12") is that line of the file ("test-send.eml:57");
        any other place as it is."""
        label, _, line = place.rpartition(":")
        lines = self.file_lines.get(label)
        if not lines or not line.isdigit() or not 0 < int(line) <= len(lines):
            return place
        return f"{self.file_name}:{lines[int(line) - 1]}"

    def file_line(self, label: str, line: int) -> int:
        """The line of a saved message's file that ``line`` of its part ``label`` starts
        on (:meth:`in_file`); ``line`` itself when the file does not keep the part's lines."""
        lines = self.file_lines.get(label)
        return lines[line - 1] if lines and 0 < line <= len(lines) else line

    @property
    def main(self) -> Rendered | None:
        """The variant whose lengths are judged: rendered with the longest sample values."""
        return self.renders[0] if self.renders else None


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    message: str
    location: str = ""  # the first place; ``locations`` lists them all
    url: str | None = None
    locations: tuple[str, ...] = ()
    cause: str = ""  # why it exists when the cause is outside the campaign (rules.NO_DNS)
    # every URL of a finding about several (``url`` is None then); not in the outputs: the
    # message names them
    urls: tuple[str, ...] = ()
    # the findings of that cause this one reports for them (mailcheck.rootcause)
    folded: tuple[Finding, ...] = ()
    # the message names the line of every place: the text output names the file once (not in
    # the outputs' fields: JSON's "locations" lists every place as always)
    lines_said: bool = False
    # the finding says its rule could not tell ("could not verify", "not understood", "not
    # checked"), not a defect it is sure of: every warning of a rule whose default is an error
    # (an error is a certainty), and those a warning's rule marks so (Problem.unverified).
    # Not in the outputs: SUP001 reads it (mailcheck.suppression)
    unverified: bool = field(default=False, compare=False)

    @property
    def places(self) -> tuple[str, ...]:
        """Every place this one root cause shows, the first being ``location``."""
        return self.locations or ((self.location,) if self.location else ())

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location,
            "locations": list(self.places),
            "url": self.url,
        }


@dataclass
class CampaignResult:
    campaign: Campaign
    findings: list[Finding]
    # every suppression comment of the campaign with the findings it hid (shown in JSON)
    suppressed: list[tuple[Suppression, list[Finding]]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def skipped(self) -> bool:
        """An input found and not checked: a mail file mailcheck does not read (INP002 says
        which and why). Its ``ok`` says only that nothing was found wrong."""
        return self.campaign.not_read is not None

    def passed(self, strict: bool = False) -> bool:
        """The verdict the exit code gives: no errors, and with ``--strict`` no warnings either
        (a machine output that says ``ok`` on a failed run shows a CI job green)."""
        return self.ok and not (strict and self.warnings)
