"""BRF: the copy matches the brief — no placeholder text, no stale dates, no garbled letters.

Agencies are penalised for a wrong price, date or promo code more than for anything else. The
built-in rules here catch what is wrong in any campaign (placeholder copy, a date already past,
mojibake); the ``[expect]`` table of a ``campaign.toml`` states what *this* campaign's brief
requires (a promo code, a price, the landing page) and what it forbids.
"""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from importlib import resources
from typing import NamedTuple

import regex

from mailcheck.charsets import charset_name, known_charset, read_as
from mailcheck.domains import STAND_IN_TLDS, ascii_host, is_domain_name, top_level
from mailcheck.i18n import N_, Joined, Message, quoted_list, t, tn
from mailcheck.linkinfo import SYSTEM_PLACEHOLDER_HOST
from mailcheck.lookalikes import CYRILLIC, LATIN, looks_like
from mailcheck.model import Document, HiddenHow, HiddenPreview, Severity, TextApart
from mailcheck.named import named_within
from mailcheck.rules import PLACES_LISTED, Context, Problem, listed_lines, rule
from mailcheck.text import SENTENCE_END, html_source, last_sentence, quoted, references_shown

_MONTHS = {
    **{m: i for i, m in enumerate(("января", "февраля", "марта", "апреля", "мая", "июня"), 1)},
    **{m: i for i, m in enumerate(("июля", "августа", "сентября", "октября", "ноября"), 7)},
    "декабря": 12,
    **{
        m: i
        for i, m in enumerate(
            ("january", "february", "march", "april", "may", "june", "july", "august"), 1
        )
    },
    **{m: i for i, m in enumerate(("september", "october", "november", "december"), 9)},
    # the short English forms layouts date their issues with ("Feb 18, 2026", "Sept. 3")
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr"), 1)},
    **{m: i for i, m in enumerate(("jun", "jul", "aug", "sep"), 6)},
    **{m: i for i, m in enumerate(("oct", "nov", "dec"), 10)},
    "sept": 9,
}
_MONTH_NAMES = "|".join(_MONTHS)
# How long one [expect] regex may search the copy: a pattern that backtracks without end
# ("(a+)+$") must not hang the gate.
REGEX_SECONDS = 1
# (a full stop after the year ends the sentence: «до 30.11.2025.» is a date too)
# The day's first digit is matched before the look-behind that no digit or dot precedes it
# (written "\d(?<![\d.]\d)", the same test): a pattern that starts with a digit lets the engine
# skip to the next digit, where one that starts with the look-behind tried every position
# (three times as long on the corpus). _DAY_MONTH_YEAR likewise.
_NUMERIC_DATE = re.compile(r"(\d(?<![\d.]\d)\d?)[./](\d{1,2})[./](20\d\d)(?!\d|\.\d)")
# A date that starts a period or dates something done («с 20.11 по 30.11», «заказ от 25.11»,
# "since", "from") may well be past: only an end or an event date is stale
# A date a period starts at («с 1 ноября», "since"), or «Заказ от …»: not a stale offer
_SINCE = re.compile(r"(?:^|[\s(])(?:с|со|от|from|since)\s+$", re.IGNORECASE)
# The day something already happened (an order, an invoice, a payment): in the past by nature,
# unless the words say it is still to come ("will be paid on", "placed on … or later")
# ... and the day a text was published ("Posted August 9, 2002", «Опубликовано 12.03.2020»)
_HAPPENED = re.compile(
    r"(?:^|[\s(])(?:dated|(?:placed|ordered|issued|purchased|paid|received|joined|registered"
    r"|signed\s+up)\s+on|(?:posted|published|updated)(?:\s+on)?|опубликован[оа]?|размещен[оа]?"
    r"|обновл[её]н[оа]?|дата\s+публикации):?\s+$",
    re.IGNORECASE,
)
# A verb that tells an event as gone by, in the clause that leads to its date ("EFF filed an
# amicus brief … on Aug. 6, 2002", «Форум прошёл 12 мая 2016»): a report, not an offer. Not
# an offer's own end ("Sale ended March 1": the stale offer BRF002 is for) nor a verb that
# may be either ("was", «был»).
_TOLD_PAST = re.compile(
    r"\b(?:filed|posted|published|held|took\s+place|happened|announced|released|launched"
    r"|signed|ruled|hosted|presented|voted|testified|wrote|met|visited|attended|won"
    r"|состоял(?:ся|ась|ось|ись)|прош[её]л|прошл[аои]|проходил[аои]?|провел[аи]|провёл"
    r"|подписал[аи]?|опубликовал[аи]?|объявил[аи]?|выступил[аи]?)\b",
    re.IGNORECASE,
)
# What ends a clause before a date: its verb is not the date's beyond it
_CLAUSE_END = re.compile(r"[,;:()]|\s(?:and|but|then|и|а|но|затем)\s", re.IGNORECASE)
# A date a clause leads up to as an end ("until", «до»): a deadline, whatever the verb
_UNTIL = re.compile(r"(?:^|\s)(?:до|по|к|until|till|by|through|before)\s+$", re.IGNORECASE)
# A post card's line ("Feb 18, 2026 · Travel" over a post's title and "Read more"): the
# day the post went up, past by nature. Not one a separator leads to ("Issue 42 · March 14",
# "Vol 2.11 • Oct 27, 2017 •": an issue's date) nor one without a post's link after it.
_CARD_SEPARATOR = re.compile(r"\s*[·•|]\s*\S")
_SEPARATED = re.compile(r"[·•|]\s*$")
_READ_MORE = re.compile(
    r"\b(?:read\s+more|continue\s+reading|read\s+the\s+(?:post|article|story)"
    r"|читать\s+(?:далее|дальше|полностью|статью))\b",
    re.IGNORECASE,
)
_TO_COME = re.compile(
    r"\b(?:will|shall|to\s+be|would|must)\b|\b(?:or\s+later|or\s+after|onwards?)\b", re.I
)
_DAY_MONTH_YEAR = re.compile(rf"(\d(?<!\d\d)\d?)\s+({_MONTH_NAMES})\b\.?\s+(20\d\d)(?!\d)", re.I)
# (the look-ahead at a month's first letter passes over most words at once: every name tried
# at each word took three times as long)
_MONTH_INITIALS = "".join(sorted({name[0] for name in _MONTHS}))
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?=[{_MONTH_INITIALS}])({_MONTH_NAMES})\b\.?\s+(\d{{1,2}}),?\s+(20\d\d)(?!\d)", re.I
)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–—]\s*)?(20\d\d)(?!\d)", re.I)
# Cyrillic written in windows-1251/koi8-r and read as Latin-1: whole words of À-ÿ letters.
_LATIN1_MOJIBAKE = re.compile(r"\b[\u00c0-\u00ff]{4,}\b")


@functools.cache
def _pattern_lines(name: str) -> tuple[str, ...]:
    """The regular expressions a data file writes, one a line (# starts a comment)."""
    text = resources.files("mailcheck.checks").joinpath("data", name).read_text("utf-8")
    lines = [line.strip() for line in text.splitlines()]
    return tuple(line for line in lines if line and line[0] != "#")


@functools.cache
def _patterns(name: str) -> list[regex.Pattern[str]]:
    return [regex.compile(line, regex.I | regex.V1) for line in _pattern_lines(name)]


_SECTION = regex.compile(r"\[(\w+)\]")


@functools.cache
def _stand_ins(kind: str) -> list[regex.Pattern[str]]:
    """placeholder_fields.txt's patterns for a kind of field (its lines after ``[kind]``): a
    field whose whole text one of them matches is a layout's stand-in for it."""
    lines: list[str] = []
    section = ""
    for line in _pattern_lines("placeholder_fields.txt"):
        marker = _SECTION.fullmatch(line)
        if marker:
            section = marker.group(1)
        elif section == kind:
            lines.append(line)
    return [regex.compile(line, regex.I | regex.V1) for line in lines]


# What stands around a field's stand-in: spaces, punctuation, quotes, an arrow ("Button →")
_AROUND_STAND_IN = " \t\r\n.:!?-–—«»\"'“”„→›>»"


def _stand_in(text: str, kind: str) -> str | None:
    """The whole text of a field (``kind``: fields, links, headings) when it is nothing but a
    layout's stand-in for it («Тема письма», "Button", "H1 Header"), else None."""
    bare = " ".join(text.split()).strip(_AROUND_STAND_IN)
    if bare and any(p.fullmatch(bare) for p in _stand_ins(kind)):
        return bare
    return None


def _stand_in_elements(ctx: Context) -> list[tuple[str, int, bool, HiddenHow | None]]:
    """(text, line, whether a reader sees it, how it is hidden where that is known) of each
    link and heading of the HTML whose whole text is a layout's stand-in ("Button",
    «Кнопка», "Call to Action", "H1 Header")."""
    document = ctx.document
    found: list[tuple[str, int, bool, HiddenHow | None]] = []
    for link in document.links if document else ():
        if link.is_image or link.in_text or not link.text:
            continue
        bare = _stand_in(link.text, "links")
        if bare:
            found.append((bare, link.line, not link.hidden, None))
    static = ctx.campaign.static
    facts = static.accessibility if static else None
    heading_texts = facts.heading_texts if facts else []
    stand_ins = [_stand_in(text, "headings") for text, _line, _hidden in heading_texts]
    # hidden as the dummy text is judged (a stylesheet's rule too), read only for a stand-in
    apart = _source_apart(ctx).hidden_headings if any(stand_ins) else ()
    hows = {(line, text, index): how for line, text, index, how in apart}
    before: Counter[tuple[int, str]] = Counter()
    for (text, line, hidden), bare in zip(heading_texts, stand_ins, strict=True):
        index = before[line, text]
        before[line, text] += 1
        if bare:
            how = hows.get((line, text, index))
            found.append((bare, line, not (hidden or how is not None), how))
    return sorted(found, key=lambda each: each[1])  # (in reading order)


def _source_apart(ctx: Context) -> TextApart:
    """:attr:`Context.text_apart` of the source the accessibility facts are read from (its
    lines are theirs): the main variant's when that is the source, else the source's own."""
    static = ctx.campaign.static
    if static is None:
        return TextApart()
    if ctx.document is static:
        return ctx.text_apart
    campaign = ctx.campaign
    return static.text_apart_after(campaign.preheader if campaign.preheader_explicit else None)


def _texts(ctx: Context) -> list[tuple[str, str]]:
    """(place, text) of everything a recipient reads, as rendered for the main variant."""
    campaign = ctx.campaign
    main = ctx.main
    subject = main.subject if main else campaign.subject
    preheader = main.preheader if main else campaign.preheader
    document = ctx.document
    text_part = main.text if main else campaign.text
    # a message with a text part alone: its document is that part, read once (not as the
    # "text/plain part" and again as the "text part")
    body = document.text if document and campaign.html is not None else ""
    # campaign.toml's preheader goes in front of the body: the body's own hidden one is no
    # preview then but its text, hidden or not (TextApart tells); a visible one is the
    # body's text already
    own = document.preheader if document and not document.preheader_by_name else None
    if body and campaign.preheader_explicit and own:
        body = f"{own} {body}"
    places = [
        ("subject", subject or ""),
        ("preheader", preheader or ""),
        (campaign.html_label or "html", body),
        ("text part", text_part or ""),
    ]
    return [(place, text) for place, text in places if text.strip()]


@rule(
    "BRF001",
    "placeholder-copy",
    Severity.WARNING,
    short=(
        "placeholder copy left in: dummy text, a template's sample subject or button, a to-do note"
    ),
)
def placeholder_copy(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports placeholder copy left from a layout. The standard dummy texts are an error where a
    reader sees them — in the subject, the preheader, the visible text or the text part: a few
    words of Lorem ipsum ("Lorem ipsum", "dolor sit amet", "consectetur adipiscing", its jokes
    such as "Bacon ipsum dolor") and of the free layouts' "Far far away, behind the word
    mountains… A small river named Duden". No copy says them, so they are certain. The text of
    Outlook's conditional comments (`<!--[if mso]>…<![endif]-->`) is what Outlook's readers see,
    and `<!--[if !mso]><!-->…<!--<![endif]-->` what every other client's do: read too. In an
    element hidden from every client (a mobile-only block: by its own style or a top-level
    `<style>` rule such as `.mobile {display: none}`; one inside `@media` hides it on some
    screens only, and a rule hides it only when neither its own style nor another rule, a
    phone's `@media` too, writes a `display` or `visibility` that may show it; a `<style
    media="…">` is read as its `@media` query, `print` shows nothing on a screen; not the body's
    first text, though, which an inbox shows as the preview, as a hidden preheader's, nor the
    text right after a preheader of fewer than 35 characters and no padding, which the inbox
    shows after it in the preview: `preheader =` in `campaign.toml` is put in front of the body
    and counts so too; such an error says why, with how the text is hidden and the preheader
    it follows or that there is none), hidden from Outlook within its comment, or in a comment
    for another client (`[if IE]`), they are a warning, which says how each is hidden
    (`display:none on line 12`, the stylesheet rule that hides it): no reader sees it, but it is in
    the message; so are they quoted by name in a short quotation (“Lorem ipsum”, «Lorem ipsum dolor
    sit amet», at most seven words) in a paragraph with words of its own: a sentence about the dummy
    text (a paragraph, cell or subject that is nothing but the quotation is a placeholder
    testimonial: an error). In a comment no client shows (`[if !mso]` unrevealed), an image's alt
    text, a style or a font's name (`font-family: "Lorem Ipsum Sans"`), and in `<code>`, `<pre>`,
    `<kbd>` or `<samp>` (a sample shown as written) they are not copy, not read.

    So are a layout's stand-ins no copy says, an error where a reader sees them as the
    dummy text is (a warning where hidden): a subject or preheader that is nothing but its
    name («Тема письма», «Заголовок», "Preheader text", «Текст»), and the layout's words about
    the preheader ("This is preheader text. Some clients will show this text as a preview.",
    "A preheader is the short summary text that follows the subject line…", "Use this area to
    offer a short teaser of your email's content") as a layout writes them: the preheader, or
    the whole text of their element, cell or line (a preview row's cell beside "View it in your
    browser" too); inside longer copy or in quotation marks they are an agency's words about
    preheaders, a warning at most. A preview row named by its class that no style hides
    is the body's text as well: what is found in it is quoted once, as the preheader's, at the
    preheader and the row's line), a link or button whose whole
    text is "Button", «Кнопка» or "Call to Action", a heading whose whole text is "Heading",
    "H1 Header" or «Заголовок» (whole fields only: in a sentence these are words); a template
    pack's "YourBrand" and "1234 Elm Street"; a word of one letter typed 7 to 32 times
    («ееееееее»; not "Mmmmmmm", "Zzzzzzz" nor the "xxxxxxxx" a real message masks with).

    The looser patterns are warnings: "TODO", "xxx", «Заголовок письма», «Здесь будет текст»,
    "[Product Name]", a longer run of one letter or one in a word, a word typed by drumming two
    neighbouring keys («вывывы», «уцуцу»; not laughter "lololol" nor «мимими»), a template
    pack's address ("123 Business St", "City, State 12345", "Your Company Name", "Example
    Corp"). "XXX" in capitals before an event's word is the Roman numeral (30th: «XXX
    Международная выставка», "XXX Olympic Games", "XXX Annual Conference"), not a placeholder;
    "Цена: xxx руб", "XXX" alone and "XXX" before any other capitalised word ("Only XXX Days
    Left!", "Dear XXX Smith") are, and so is a price of x's ("XX.XX $"). A card's or an
    account's number whose first digits x's mask and at least its last four are shown, twelve
    digit places or more ("VISA XXXXXXXXXXXX1111", "DE89 XXXX XXXX XXXX 3000") or named just
    before ("card ending XXX-1111", «счёт ХХХХ5678»), is a receipt's or a security notice's
    masked number, not placeholder copy; a phone, a date or a code of x's ("Call XXX-XXX-1234",
    "1-800-XXX-1234", "XX/XX/2026", "XXXX2026") is a layout's stand-in. Letters in an e-mail
    address, a host name or a URL ("sent to zzzzzz@aaaaaaaaaaaa.com", a link shown as its
    address "https://…/reset/xxx-xxx-xxxx") are a test send's merged or masked recipient or an
    address as written, not placeholder copy; but a URL written in the copy on a host that
    cannot exist, its top-level domain none (Public Suffix List), is a layout's stand-in for the
    link ("https://same-link-as-button.url/xxx-xxx-xxxx" under a button): certain, as the dummy
    texts are (LNK007 does not judge such a text as an address). Without its scheme or "www."
    a host is one only on a real top-level domain typed with a digit zero for its "o" ("Visit
    acme.c0m now", "shop.t0p"): another name may be a file's ("clip.r3d") or a typo's.

    One finding, listing every place (a link or heading at its line): an error when anything
    is certain, which then says what the looser patterns (or hidden dummy text) found "as a
    warning" — one cause, the layout's copy left in — else a warning. The
    patterns are data (`mailcheck/checks/data/dummy_text.txt` and `placeholder_fields.txt`
    for the certain ones, `placeholder_copy.txt` for the warnings).

    ## Why it matters
    A launch with "Lorem ipsum" in the hero block or «Заголовок» as the subject is the kind of
    mistake clients remember; the layout looked finished to everyone who checked it by eye.
    Dummy Latin is never meant to be sent; a "TODO" or an "xxx" usually is not either, but a
    pattern may meet real copy, so those are for a person to judge.

    ## Example
    ```html
    <h1>Заголовок письма</h1><p>Lorem ipsum dolor sit amet…</p><p>Цена: xxx руб.</p>
    ```
    An error for «Заголовок письма», a heading that is nothing else, at the heading's line
    and "Lorem ipsum" and "dolor sit amet" at the paragraph's, a warning for "xxx".

    ## How to fix
    Replace the placeholder with the approved copy from the brief; remove a hidden block of
    dummy text too (someone's client may show it).
    """
    shown: dict[str, list[str]] = {}  # dummy text a reader sees: an error
    found: dict[str, list[str]] = {}
    html = ctx.campaign.html_label or "html"
    document = ctx.document
    # (place, text, whether it is the HTML's visible text, whether a reader surely sees it)
    texts = [(place, text, place == html, True) for place, text in _texts(ctx)]
    if document is not None and ctx.campaign.html is not None:
        # what Outlook alone shows (<!--[if mso]>), and what maybe no client does
        texts += [(html, document.outlook_text, False, True)]
        texts += [(html, document.outlook_unsure, False, False)]
    hows: list[Message] = []  # how the dummy text no reader sees is hidden (the warning)
    # hidden dummy text the inbox shows in the preview (an error), by the element it is in
    previewed: dict[HiddenPreview, list[str]] = {}
    # a preheader that is nothing but a layout's words for it is reported whole; the body that
    # shows it (a preview row named by its class) holds the same text: its matches there are
    # the preheader's, not a second finding of another severity
    fields = [_stand_in(text, "fields") for place, text, _b, _c in texts if place == "preheader"]
    stand_in_preheader = next((each for each in fields if each), None)
    # a preview row named by its class that no style hides is the body's text too: what is
    # found in it there is the preheader's, quoted once, and its line one of its places
    row = _preview_row(ctx)
    echoed: list[str] = []
    # a bare HTML file's <title> is the subject only if the ESP's is the same: dummy text in it
    # alone is a warning; beside the same error elsewhere, one more of that error's places
    titled: list[str] = []
    title = ctx.campaign.subject_is_title
    for place, text, body, certain in texts:
        if not text:
            continue
        # (the body's blocks, its paragraphs and cells, read only for a layout's sentence)
        blocks_of = (lambda: ctx.text_apart.blocks) if body and document else None
        field = place in ("subject", "preheader")
        matches = _placeholder_matches(text, field=field, blocks=blocks_of)
        if body and row:
            outside = _outside(matches, _spans(text, row)[:1])
            echoed += [m[0] for m in matches if m not in outside]
            matches = outside
        if place == html and stand_in_preheader:
            matches = _outside(matches, _spans(text, stand_in_preheader))
        dummy_text = any(dummy for _each, dummy, _start, _end in matches)
        # what of the body is hidden or code: read again, only for a body with dummy text,
        # as sent (after campaign.toml's preheader, which the preview reads first)
        apart = ctx.text_apart if body and document and dummy_text else None
        # the text blocks a quotation may stand alone in: a field's or the text part's lines
        blocks = apart.blocks if apart else frozenset(text.splitlines()) if not body else None
        verdicts = _dummy_verdicts(text, matches, apart, blocks)
        for each, dummy, _start, _end in matches:
            verdict = verdicts.get(each.casefold()) if dummy else Severity.WARNING
            if verdict is Severity.ERROR and certain and title and place == "subject":
                titled.append(each)
            elif verdict is Severity.ERROR and certain:
                shown.setdefault(place, []).append(each)
                for preview in apart.previewed if apart and dummy else ():
                    if each.casefold() in preview.how.text.casefold():
                        previewed.setdefault(preview, []).append(each)
            elif verdict is not None:
                found.setdefault(place, []).append(each)
                if dummy:
                    hows += _hidden_how(each, apart, None if certain else document)
    # a link or heading that is nothing but a stand-in ("Button", "H1 Header"): at its line,
    # an error where seen; the same text a pattern found in the copy is the element's
    elements = _stand_in_elements(ctx)
    if titled:
        seen = shown or any(seen for _each, _start, seen, _how in elements)
        into = shown if seen else found
        merged = {"subject": [*titled, *into.get("subject", [])], **into}
        into.clear()
        into.update(merged)
    lines: dict[Severity, list[int]] = {Severity.ERROR: [], Severity.WARNING: []}
    by_element = Counter(each.casefold() for each, _line, _seen, _how in elements)
    for texts_found in (shown, found):
        if html in texts_found:
            texts_found[html] = _less(texts_found[html], by_element)
            if not texts_found[html]:
                del texts_found[html]
    # what the patterns found is placed where it is written, the elements at their lines
    located = {Severity.ERROR: {**shown}, Severity.WARNING: {**found}}
    # (the row's line is the place of the more severe finding that quotes the preheader)
    row_found = next((each for each in located.values() if "preheader" in each), None)
    if row_found is not None and echoed:
        row_found[html] = [*row_found.get(html, []), *echoed]
    # the lines each text is written on, looked for once ("Button" on ten buttons)
    written = {each: _written_lines(ctx, each) for each in {each for each, *_rest in elements}}
    for each, start, seen, how in elements:
        severity = Severity.ERROR if seen else Severity.WARNING
        if how is not None:
            hows.append(_how_hidden(how))
        line = _text_line(written[each], start)
        texts_found = shown if seen else found
        texts_found[html] = [*texts_found.get(html, []), each]
        lines[severity].append(line)
    said: dict[Severity, tuple[Message, tuple[str, ...]]] = {}
    for texts_found, severity in ((shown, Severity.ERROR), (found, Severity.WARNING)):
        if texts_found:
            places = _places(ctx, located[severity], code=False)  # (what code shows passes)
            places = _with_lines(ctx, places, lines[severity])
            # quoted with a field no value fills here as "[name]" where it stands, not the gap
            listed = _listed(
                {
                    place: [named_within(each, _named(ctx, place)) for each in each_found]
                    for place, each_found in texts_found.items()
                },
                title=title,
            )
            message = t("placeholder copy: {found}", found=listed)
            if severity is Severity.ERROR and previewed:
                named = _named(ctx, "preheader", html)
                message = t(
                    "placeholder copy: {found}; {why}",
                    found=listed,
                    why=Joined("; ", [_previewed_why(*each, named) for each in previewed.items()]),
                )
            if severity is Severity.WARNING and hows:
                message = t(
                    "placeholder copy: {found}; the dummy text is hidden ({how}): no reader "
                    "sees it, but it is still in the message; remove it",
                    found=listed,
                    how=_listed_hows(hows),
                )
            said[severity] = (message, places)
    yield from _one_finding(said)


def _one_finding(said: dict[Severity, tuple[Message, tuple[str, ...]]]) -> Iterator[Problem]:
    """BRF001's finding: the layout's placeholder copy left in is one cause, so what is certain
    (the error) and what the looser patterns found (the warning) on one campaign are one
    error listing every place, which says which part is not certain (ua-mailerlite-export:
    «Заголовок», «Текст» and «ееее» certain; «уцуцу», «вывывы» typed by drumming two keys)."""
    if Severity.ERROR in said and Severity.WARNING in said:
        (certain, places), (maybe, more) = said[Severity.ERROR], said[Severity.WARNING]
        message = t("{certain}; and as a warning: {maybe}", certain=certain, maybe=maybe)
        places = _lines_in_order([*places, *(p for p in more if p not in places)])
        yield Problem(message, location=places[0], locations=places, severity=Severity.ERROR)
        return
    for severity, (message, places) in said.items():
        yield Problem(message, location=places[0], locations=places, severity=severity)


def _lines_in_order(places: list[str]) -> tuple[str, ...]:
    """``places`` with the lines of a file in their order ("email.html:19, 338, 362"), each
    other place ("subject", "preheader") where it was."""
    at_lines = [n for n, place in enumerate(places) if place.rpartition(":")[2].isdigit()]

    def key(place: str) -> tuple[str, int]:
        name, _, line = place.rpartition(":")
        return (name, int(line))

    ordered = list(places)
    for n, place in zip(at_lines, sorted((places[n] for n in at_lines), key=key), strict=True):
        ordered[n] = place
    return tuple(ordered)


def _preview_row(ctx: Context) -> str | None:
    """The preheader when it is a row of the body named by its class or id that no style
    hides (:attr:`Document.preheader_by_name`): the body's visible text holds it too."""
    document = ctx.document
    if document is None or ctx.campaign.preheader_explicit or not document.preheader_by_name:
        return None
    return document.preheader or None


def _spans(text: str, words: str) -> list[tuple[int, int]]:
    """Where ``words`` are written in ``text``, whatever spaces stand between them."""
    pattern = r"\s+".join(regex.escape(word) for word in words.split())
    return [m.span() for m in regex.finditer(pattern, text, regex.I | regex.V1)]


def _outside(
    matches: list[tuple[str, bool, int, int]], spans: list[tuple[int, int]]
) -> list[tuple[str, bool, int, int]]:
    """The ``matches`` that lie in none of ``spans``."""
    return [m for m in matches if not any(start <= m[2] and m[3] <= end for start, end in spans)]


ELEMENT_LINES = 10  # lines below an element's start tag its text may be written on


def _written_lines(ctx: Context, text: str) -> list[int]:
    """The lines of the HTML as written that have ``text`` (not a partial's)."""
    html = ctx.html_at(0)
    return [
        int(place[len(html) + 1 :])
        for place in ctx.text_places(text, every=True)
        if place.startswith(f"{html}:")
    ]


def _text_line(written: list[int], start: int) -> int:
    """The line an element's whole text is written on: the first of the lines that have it
    (``written``) at or below its start tag's line ``start`` (``<h1>`` on one line, "H1
    Header" on the next)."""
    return min((n for n in written if start <= n <= start + ELEMENT_LINES), default=start)


def _less(texts: list[str], taken: Counter[str]) -> list[str]:
    """``texts`` without as many of each as ``taken`` counts (case-folded): the copy's
    matches of a stand-in the elements it is the whole text of report."""
    left = Counter(taken)
    kept: list[str] = []
    for each in texts:
        if left[each.casefold()] > 0:
            left[each.casefold()] -= 1
        else:
            kept.append(each)
    return kept


def _with_lines(ctx: Context, places: tuple[str, ...], lines: list[int]) -> tuple[str, ...]:
    """``places`` and the HTML's ``lines``, each once, the HTML's in the order of its lines."""
    if not lines:
        return places
    html = ctx.html_at(0)
    at = {place: n for n in set(lines) for place in (ctx.html_at(n),)}
    others = [place for place in places if not place.startswith(html)]
    written = [place for place in places if place.startswith(html) and place != html]
    for place in written:
        at.setdefault(place, int(place.rsplit(":", 1)[1]))
    return (*others, *sorted(at, key=lambda place: at[place]))


def _named(ctx: Context, *places: str) -> str | None:
    """The texts of ``places`` (of :func:`_texts`) as the main render shows them with each
    field no value fills written "[name]" (:mod:`mailcheck.named`), one after the other;
    None when there is no such render or field."""
    main = ctx.main
    if main is None:
        return None
    html = ctx.campaign.html_label or "html"
    document = main.unseen_document
    named = {
        "subject": main.subject_named,
        "preheader": main.unseen_preheader,
        html: document.text if document is not None else None,
    }
    texts = [text for place in places if (text := named.get(place))]
    return " ".join(texts) or None


def _previewed_why(preview: HiddenPreview, texts: list[str], named: str | None) -> Message:
    """Why the dummy ``texts`` of a hidden element are an error nonetheless: the inbox shows
    them as the preview, after a preheader that does not fill it, or with none. ``named``:
    the preheader and body with the fields no value fills as "[name]", for its quote."""
    found = quoted_list(dict.fromkeys(texts))
    how = _how_hidden(preview.how)
    if preview.after is None:
        return t(
            "the element with {found} is hidden ({how}), but the inbox shows it as the preview: "
            "there is no preheader, and it is the first text — add a preheader or remove the text",
            found=found,
            how=how,
        )
    return t(
        "the element with {found} is hidden ({how}), but the inbox preview shows it: it follows "
        "a preheader of {count} characters ({preheader}), which does not fill the preview — pad "
        "the preheader (&zwnj;&nbsp;…) or remove the text",
        found=found,
        how=how,
        count=len(preview.after),
        preheader=quoted_list([quoted(named_within(preview.after, named), 60)]),
    )


def _how_hidden(hidden: HiddenHow) -> Message:
    """How an element of the body is hidden from every reader, as its source writes it."""
    if hidden.rule:
        return t("by the stylesheet rule “{rule}”", rule=quoted(hidden.rule, 60))
    return t("{declaration} on line {line}", declaration=hidden.declaration, line=hidden.line)


def _hidden_how(each: str, apart: TextApart | None, outlook: Document | None) -> list[Message]:
    """How the elements that hold the dummy text ``each`` hide it from every reader: those of
    the body (``apart``), or of Outlook's conditional comments (``outlook``'s)."""
    folded = each.casefold()
    found: list[Message] = [
        _how_hidden(hidden)
        for hidden in (apart.hidden_how if apart else ())
        if folded in hidden.text.casefold()
    ]
    for text, how in outlook.outlook_unsure_how if outlook else ():
        if folded not in text.casefold():
            continue
        if how.startswith("[if"):
            found.append(
                t("in a conditional comment for another client, {condition}", condition=how)
            )
        else:
            found.append(t("{declaration} in an Outlook conditional comment", declaration=how))
    return found


def _listed_hows(hows: list[Message], most: int = 3) -> Joined:
    """Each way dummy text is hidden once, the first few only."""
    unique = list(dict.fromkeys(hows))
    if len(unique) > most:
        shown = Joined("; ", unique[:most])
        return Joined("", [t("{shown} and {n} more", shown=shown, n=len(unique) - most)])
    return Joined("; ", unique)


def _dummy_verdicts(
    text: str,
    matches: list[tuple[str, bool, int, int]],
    apart: TextApart | None,
    blocks: frozenset[str] | None = None,
) -> dict[str, Severity | None]:
    """For each dummy text of ``text`` (case-folded): an error when it stands somewhere as copy
    a reader sees; a warning when only in a hidden element (a mobile-only block) or quoted by
    name (a sentence about “Lorem ipsum”); nothing when only in code (``apart``: what of
    the HTML's visible text is hidden or code). ``blocks``: the text blocks of ``text`` (its
    paragraphs, cells, lines), in which a quotation standing alone is copy."""
    dummies = [(each.casefold(), start, end) for each, dummy, start, end in matches if dummy]
    if not dummies:
        return {}
    folded = text.casefold()
    quoted = _mentions(text, dummies, blocks or frozenset())
    mentioned = Counter(each for each, start, _end in dummies if start in quoted)
    hidden = apart.hidden.casefold() if apart else ""
    code = apart.code.casefold() if apart else ""
    verdicts: dict[str, Severity | None] = {}
    for each in {each for each, _start, _end in dummies}:
        total = folded.count(each)
        unseen, as_code = hidden.count(each), code.count(each)
        if total > unseen + as_code + mentioned[each]:
            verdicts[each] = Severity.ERROR
        elif total > as_code:
            verdicts[each] = Severity.WARNING
        else:
            verdicts[each] = None
    return verdicts


# A quotation: “…”, „…“, «…», "…" (on one line, not a page)
_QUOTED = regex.compile(r'“[^“”\n]{1,200}”|„[^“”„\n]{1,200}[“”]|«[^«»\n]{1,200}»|"[^"\n]{1,200}"')
MENTION_WORDS = 7  # a quotation of dummy text this short names it ("Far far away, behind …")


# What stands around a quotation in a block of its own: spaces, punctuation, the quotes
_AROUND_QUOTATION = " \t\r\n.,;:!?…—–-\"'“”„«»"


def _mentions(
    text: str, dummies: list[tuple[str, int, int]], blocks: frozenset[str] = frozenset()
) -> set[int]:
    """Where dummy text is quoted by name: a short quotation («Lorem ipsum», “Lorem ipsum
    dolor sit amet”) in the copy's own words (a block of ``blocks`` holds it with words of
    its own), not a passage of it (a testimonial's “Lorem ipsum dolor sit amet, consectetur
    adipiscing elit.”) nor a quotation that is its block's whole text (a placeholder
    testimonial: “Lorem ipsum dolor sit amet”)."""
    if not any(ch in text for ch in '“„«"'):
        return set()
    alone = {
        " ".join(block.split()).strip(_AROUND_QUOTATION).casefold()
        for block in blocks
        if any(ch in block for ch in '“„«"')
    }
    found: set[int] = set()
    for quote in _QUOTED.finditer(text):
        if len(quote.group().split()) > MENTION_WORDS:
            continue
        if " ".join(quote.group().split()).strip(_AROUND_QUOTATION).casefold() in alone:
            continue  # the whole text of its block: the copy itself
        found.update(
            start for _each, start, end in dummies if quote.start() < start and end < quote.end()
        )
    return found


# What ends an e-mail address or a URL written in the copy: spaces, and the brackets, quotes
# and separators written around one ("<a@b.test>", "[a@b.test]", "(www.b.test)")
_ADDRESS_END = frozenset(" \t\r\n<>()[]{}\"'«»“”„,;|")
_URL_START = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)
# a host name: dotted labels, the last of letters ("mail.aaaaaaaaaaaa.com")
_HOST = regex.compile(r"(?:[\p{L}\d-]+\.)+\p{L}{2,}")


def _in_address(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in an e-mail address, a host name or a URL written in
    the copy ("This message was sent to: zzzzzz@aaaaaaaaaaaa.com", "mail.yyyyyyy.net",
    "?r=yyyyyyyyyyyy", a link shown as its address "https://…/xxx-xxx-xxxx"): a test send's
    recipient, a merged or masked address, an address as written, not placeholder copy. A
    dotted run of one letter alone ("xxx.xx" for a price) is no host."""
    if any(ch in _ADDRESS_END for ch in text[start:end]):
        return False
    left, right = start, end
    while left > 0 and text[left - 1] not in _ADDRESS_END:
        left -= 1
    while right < len(text) and text[right] not in _ADDRESS_END:
        right += 1
    token = text[left:right].rstrip(".:!?")
    if "@" in token.strip("@"):
        return True
    if _URL_START.match(token):
        return True  # anywhere in a URL
    host = regex.split(r"[/?#:]", token, maxsplit=1)[0]
    letters = {ch for ch in host.casefold() if ch.isalpha()}
    if len(letters) < 2 or _HOST.fullmatch(host) is None:
        return False
    # in the host name, or in what a URL written without its scheme has after it
    # ("acme.com/xxx")
    return end <= left + len(host) or token[len(host) : len(host) + 1] in ("/", "?", "#", ":")


# The letter a number is masked with (Latin or Cyrillic x), and a number written with it:
# groups of digits and x's, joined by a space, a hyphen, a dot, a slash or brackets
# ("XXXX XXXX XXXX 1111", "XXXXXXXXXXXX1111", "XXX-XXX-1234")
_MASK = regex.compile(r"[xх]+", regex.I)
_NUMBER_SHAPE = regex.compile(
    r"\+?\(?(?<![\p{L}\d])[\dxх][\dxх() ./-]*(?<=\d)(?![\p{L}\d])", regex.I
)
# a card's or an account's number as a masked one is written: x's first, then the last digits
# shown, four at the least ("xxxx-xxxx-xxxx-4242"; not "XX/XX/2026" nor "1-800-XXX-1234")
_MASKED_SHAPE = regex.compile(r"[xх]+[\dxх]*?\d{4,}", regex.I)
MASKED_PLACES = 12  # digit places (digits and x's) of a card's or an account's number at the least
# what names a card or an account just before a shorter masked number ("card ending XXX-1111",
# "ending in XX-4242", "VISA XXXX1111", «счёт ХХХХ5678»)
_MASKED_NAMED = regex.compile(
    r"(?:\b(?:card|ending(?:\s+in|\s+with)?|ends\s+(?:in|with)|account|acct|iban|visa|"
    r"master\s?card|maestro|amex|сч[её]т\p{L}*|карт\p{L}*|оканчива\p{L}*)|(?-i:\bМИР))"
    r"[\s:№#.*-]*$",
    regex.I | regex.V1,
)


def _masked_numbers(text: str) -> list[tuple[int, int]]:
    """Where ``text`` writes a card's or an account's number with its first digits masked by
    x's and at least its last four shown: a receipt's or a security notice's masked number,
    not placeholder copy. It is one by its length ("VISA XXXXXXXXXXXX1111", "XXXX XXXX XXXX
    1111", an IBAN's "DE89 XXXX XXXX XXXX 3000": twelve digit places or more) or by what names
    it just before ("card ending XXX-1111", «счёт ХХХХ5678»). A phone or a date of x's
    ("Call XXX-XXX-1234", "1-800-XXX-1234", "XX/XX/2026"), a code ("XXXX2026") and a number
    that ends masked ("8-800-XXX-XX-XX") are a layout's stand-ins, still reported."""
    found: list[tuple[int, int]] = []
    for m in _NUMBER_SHAPE.finditer(text):
        places = "".join(c for c in m.group(0) if c.isdigit() or c in "xXхХ")
        if not _MASKED_SHAPE.fullmatch(places):
            continue
        named = _MASKED_NAMED.search(text[max(0, m.start() - 40) : m.start()])
        if len(places) >= MASKED_PLACES or named:
            found.append(m.span())
    return found


def placeholders_in(text: str, *, field: bool = False) -> list[str]:
    """The placeholder copy in ``text``, dummy text or not, in reading order; a ``field`` (the
    subject, the preheader) that is just a layout's name for it («Тема письма», "Preheader
    text") whole. BRF001 reports them; PRE002 tells by them a placeholder preheader's length
    apart."""
    return [each for each, _dummy, _start, _end in _placeholder_matches(text, field=field)]


# dummy_text.txt's run of one letter («ееееееее»: a whole word of 7 to 32, not m, z nor x)
# is a run placeholder_copy.txt's looser one (anywhere, any length) finds too, with the same
# flags: in a text where that one finds none there is none, and the certain one (as slow: the
# two are half the patterns' time, a backreference tried at every letter) is not searched
_CERTAIN_RUN = r"\b(?![mzxмзх])(\p{L})\1{6,31}\b"
_LOOSE_RUN = r"(\p{L})\1{6,}"


# placeholder_copy.txt's lines of x's (a number, a price, a date or a code not filled in: "xxx",
# "XX.XX", "XX/XX/2026", "XXXX2026") each need two x's in a row or two around a slash or a
# hyphen (x: Latin or Cyrillic, either case, all that a case-insensitive [xх] matches): a text
# without is not searched for them, looked for first with the standard library's re (the four
# scans tried their look-behind or \b at every character of every text; 2 % of the corpus's
# texts have such x's)
_X_LINE = "[xх]"
_XS = re.compile("[xXхХ](?:[xXхХ]|[/-][xXхХ])")


class _Found(NamedTuple):
    """What the patterns find in a text, whatever blocks it is read in (:func:`_found_in`)."""

    # (text, whether a standard dummy text, start, end) of the dummy and looser patterns'
    # matches outside an address, the certain first
    patterns: tuple[tuple[str, bool, int, int], ...]
    # (text, start, end) of each layout's sentence about the preheader
    sentences: tuple[tuple[str, int, int], ...]
    # keyboard mash and URLs on no host, which no masked number or sentence takes away
    others: tuple[tuple[str, bool, int, int], ...]


# Texts scanned again: a template pack's layouts share their copy (six layouts of one
# e-mail, a preheader sixty campaigns keep as the layout wrote it), a quarter of the corpus's
# characters, and PRE002 asks of the preheader BRF001 reads. One campaign's texts are a few,
# the layouts of one e-mail are checked one after the other: the last few dozen kept.
@functools.lru_cache(maxsize=64)
def _found_in(text: str) -> _Found:
    """The patterns' matches in ``text``: what :func:`_placeholder_matches` reads of it that
    depends on the text alone, searched once for each text."""
    # the looser patterns first: whether their run of one letter found one tells whether the
    # certain run is searched (:data:`_CERTAIN_RUN`); listed as before, the certain first
    xs = _XS.search(text) is not None
    looser = [
        list(p.finditer(text)) if xs or _X_LINE not in p.pattern else []
        for p in _patterns("placeholder_copy.txt")
    ]
    no_run = any(
        p.pattern == _LOOSE_RUN and not found
        for p, found in zip(_patterns("placeholder_copy.txt"), looser, strict=True)
    )
    dummies = [
        list(p.finditer(text))
        for p in _patterns("dummy_text.txt")
        if not (no_run and p.pattern == _CERTAIN_RUN)
    ]
    patterns = tuple(
        (m.group(0), dummy, m.start(), m.end())
        for dummy, searched in ((True, dummies), (False, looser))
        for found in searched
        for m in found
        if not _in_address(text, m.start(), m.end())
    )
    sentences = tuple(
        (m.group(0), *m.span()) for p in _patterns("layout_sentences.txt") for m in p.finditer(text)
    )
    return _Found(patterns, sentences, (*_keyboard_mash(text), *_urls_on_no_host(text)))


def _placeholder_matches(
    text: str, *, field: bool = False, blocks: Callable[[], frozenset[str]] | None = None
) -> list[tuple[str, bool, int, int]]:
    """(text, whether it is a standard dummy text, start, end) of each placeholder in
    ``text``, in reading order. ``blocks``: the text blocks of ``text`` (its paragraphs and
    cells; its lines when None), in which a layout's sentence about the preheader is certain
    only as a block's whole text (in a ``field``, the preheader, wherever it stands)."""
    if field:
        bare = _stand_in(text, "fields")
        if bare:  # certain: an error where seen, as dummy text is
            return [(bare, True, 0, len(text))]
    found = _found_in(text)
    matches = list(found.patterns)
    if found.sentences:
        # the preheader (a preview row) is the layout's slot for it: certain there, whole
        whole = (
            [text.casefold()]
            if field
            else _whole_sentences(blocks() if blocks else frozenset(text.splitlines()))
        )
        # (a looser pattern's match in one, "This is preheader text", is the sentence's)
        spans = [(start, end) for _each, start, end in found.sentences]
        matches = [m for m in matches if not any(s <= m[2] and m[3] <= e for s, e in spans)]
        matches += [
            (each, any(each.casefold() in block for block in whole), start, end)
            for each, start, end in found.sentences
        ]
    if any(_MASK.match(each) for each, _dummy, _start, _end in matches):
        masked = _masked_numbers(text)
        matches = [
            m for m in matches if not any(start <= m[2] and m[3] <= end for start, end in masked)
        ]
    matches += found.others
    # a looser pattern's match within a certain one's («ееееееее» as a run of one letter too)
    # is that one's
    certain = [(start, end) for _each, dummy, start, end in matches if dummy]
    matches = [
        each
        for each in matches
        if each[1] or not any(each[2] < end and start < each[3] for start, end in certain)
    ]
    return sorted(matches, key=lambda each: each[2])


# What stands around a layout's sentence written as the whole text of its block: spaces and
# the full stop it ends with (not quotation marks: a quoted sentence is about it)
_AROUND_SENTENCE = " \t\r\n.:!"


def _whole_sentences(blocks: frozenset[str]) -> list[str]:
    """The blocks (case-folded) whose whole text is a layout's sentence about the preheader,
    as layout_sentences.txt or placeholder_fields.txt's [fields] write it (with the sentence
    after it): where layout_sentences.txt's are certain."""
    found: list[str] = []
    patterns = [*_patterns("layout_sentences.txt"), *_stand_ins("fields")]
    for block in blocks:
        bare = " ".join(block.split()).strip(_AROUND_SENTENCE)
        if bare and any(p.fullmatch(bare) for p in patterns):
            found.append(bare.casefold())
    return found


# A URL written in the copy, by its scheme or "www.", up to what ends an address
_URL_WRITTEN = regex.compile(
    r"(?<![\w.@/-])(?:https?://|www\.)[^\s<>()\[\]{}\"'«»“”„,;|]+", regex.I | regex.V1
)
# its host name: dotted labels, the last of letters or punycode (a real top-level domain's), or
# of Latin letters with a digit or a hyphen between them ("acme.c0m", "shop.co-uk": no top-level
# domain but an IDN's has one, so it is a stand-in), then its port, path or end. Digits after
# a real top-level domain's letters are no part of it: a footnote's mark or a word glued to a
# real address ("https://shop.acme.com<sup>3</sup>", "https://acme.co.jp2024年") end no host, as
# a last label of digits alone (an IP address's) does. After a stand-in's they are its
# footnote's mark ("https://acme.c0m<sup>2</sup>"): no top-level domain has a digit, whichever
# digits the mark is, so the host is a stand-in.
# Simple case folding ((?-f)): V1's full folding, which only lets a literal run match a letter
# that folds to several ("ss" and "ß"), changes nothing here (classes, and the literals
# "http", "xn--", hold no such run), and made each match 7 times slower (~10 µs a URL).
_WRITTEN_HOST = regex.compile(
    r"(?-f)(?:https?://)?((?:[\p{L}\d-]+\.)+(?:xn--[a-z\d-]+|\p{L}{2,}|[a-z]+(?:[\d-]+[a-z]+)+))"
    r"(?:(?<=[\d-][a-z]+)(\d+))?(?=[/?#:]|$)",
    regex.I | regex.V1,
)


def _urls_on_no_host(text: str) -> list[tuple[str, bool, int, int]]:
    """URLs written in the copy whose host cannot exist: its top-level domain is none of the
    Public Suffix List's (nor a special-use or private one: .local, .internal, .corp are an
    internal reader's), or one meant for no host (.invalid): a layout's stand-in for
    the link the reader is to copy ("https://same-link-as-button.url/xxx-xxx-xxxx"), certain as
    dummy text is. A URL on a real top-level domain is an address as written
    ("https://acme.com/reset/xxx"), whatever its letters; a merge tag, an IP address or a host
    without a dot is no such host."""
    found: list[tuple[str, bool, int, int]] = []
    urls: list[tuple[int, int]] = []  # (a host written in a URL's path or query is the URL's)
    written = "://" in text or "www." in text.casefold()
    for match in _URL_WRITTEN.finditer(text) if written else ():
        urls.append(match.span())
        url = match.group(0).rstrip(".:!?")
        host = _WRITTEN_HOST.match(url)
        if host and (not is_domain_name(host.group(1)) or _names_no_host(host.group(1))):
            if host.group(2) and host.end() == len(url):
                # the address the reader reads, without its footnote's mark ("acme.c0m")
                url = url[: host.start(2)]
            found.append((url, True, match.start(), match.start() + len(url)))
    bare = _bare_hosts_on_no_tld(text)
    return found + [m for m in bare if not any(start <= m[2] < end for start, end in urls)]


# A host written without its scheme or "www." whose last label is a real top-level domain's
# letters with its "o" typed as a digit zero ("acme.c0m", "shop.t0p", "acme.c00p"): Latin
# letters first and last, a zero between, so two letters or more ("c0" alone may be a hex byte
# or a code). Nothing of an address, a path or a word before it, nothing of a name after it (a
# footnote's digit, "acme.c0m2", cannot be told from a name's without the scheme: not read),
# then its path. No file type's extension is written so (other digits between letters are:
# ".m4a", ".x3d", and ".r3d" would read as the real .red), nor a decimal or a version, whose
# zero has no letters around it.
_ZERO_TLD = re.compile(r"\.[A-Za-z][A-Za-z0]*0[A-Za-z0]*[A-Za-z]")
_BARE_HOST = regex.compile(
    r"(?<![\w.@/=?&#%:+~-])((?:[\p{L}\d](?:[\p{L}\d-]*[\p{L}\d])?\.)+)"
    r"([A-Za-z][A-Za-z0]*0[A-Za-z0]*[A-Za-z])(?![\w@-]|\.[\w])([/?#:][^\s<>()\[\]{}\"'«»“”„,;|]*)?",
    regex.V1,
)


def _bare_hosts_on_no_tld(text: str) -> list[tuple[str, bool, int, int]]:
    """Hosts written in the copy without a scheme or "www." ("Visit acme.c0m now") on a
    real top-level domain typed with a digit zero for its "o" (:data:`_BARE_HOST`): a layout's
    stand-in for the address, certain as one written with its scheme is. Any other name
    without a scheme may be a file's ("report.url", "diff.json-patch") or two sentences with no
    space between them ("Thanks.Follow-up"): not read."""
    if _ZERO_TLD.search(text) is None:
        return []
    found: list[tuple[str, bool, int, int]] = []
    for match in _BARE_HOST.finditer(text):
        labels, tld = match.group(1), match.group(2)
        if not any(ch.isalpha() for ch in labels):
            continue  # a number's ("1.c0m"), not a host's
        if not is_domain_name("stand-in." + tld.lower().replace("0", "o")):
            continue
        written = match.group(0).rstrip(".:!?")
        found.append((written, True, match.start(), match.start() + len(written)))
    return found


def _names_no_host(host: str) -> bool:
    """A host on a name meant for no host (``.invalid``): "https://acme.invalid"
    in the copy is a stand-in for the address to come, as an unknown top-level domain is.
    Not the host mailcheck renders a platform's system variable to (its URL is the real one
    the platform writes)."""
    return top_level(host) in STAND_IN_TLDS and ascii_host(host) != SYSTEM_PLACEHOLDER_HOST


# A word of one syllable of two letters typed over and over («вывывы», «уцуцу»), five letters
# or more: its letters are then told to be neighbours on a keyboard
_ALTERNATING = regex.compile(r"\b(\p{L})(?!\1)(\p{L})(?:\1\2){1,5}\1?\b", regex.I | regex.V1)
_KEYBOARDS = (("qwertyuiop", "asdfghjkl", "zxcvbnm"), ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"))
# neighbours whose repeated syllable is a word: laughter ("lololol", «ололо», "huhuhu"), a
# cuckoo («кукуку»), the slang for cute («мимими»), «ненене»
_SAID = frozenset({"lo", "hu", "ку", "ми", "ол", "не"})


@functools.cache
def _neighbours() -> frozenset[str]:
    """Each pair of letters whose keys touch (as "ab" and "ba"): in one row, or in rows one
    above the other (a key touches the two below it, the rows being staggered)."""
    pairs: set[str] = set()
    for rows in _KEYBOARDS:
        for row in rows:
            pairs.update(a + b for a, b in itertools.pairwise(row))
        for upper, lower in itertools.pairwise(rows):
            for i, key in enumerate(upper):
                pairs.update(key + lower[j] for j in (i - 1, i) if 0 <= j < len(lower))
    return frozenset(pairs | {pair[::-1] for pair in pairs})


def _keyboard_mash(text: str) -> list[tuple[str, bool, int, int]]:
    """Words typed by drumming two neighbouring keys («вывывы», «уцуцу»), five letters or more,
    save the few that are words (laughter "lololol", «мимими»): a layout's filler."""
    found: list[tuple[str, bool, int, int]] = []
    for m in _ALTERNATING.finditer(text):
        pair = (m.group(1) + m.group(2)).casefold()
        said = pair in _SAID or pair[::-1] in _SAID
        if len(m.group(0)) >= 5 and pair in _neighbours() and not said:
            found.append((m.group(0), False, m.start(), m.end()))
    return found


PLACEHOLDER_QUOTED = 60  # characters of each placeholder quoted: "xxx…" says what it is


# The places of _texts that are parts of the campaign (the HTML is named by its file name)
_PARTS = ("subject", "preheader", "text part", "text/html part")


def _places(ctx: Context, found: dict[str, list[str]], code: bool = True) -> tuple[str, ...]:
    """Where the texts were found: the subject, the text part, and in the HTML every line
    each is written on (one finding lists every place; without ``code``: outside code
    elements first)."""
    # each text once: the HTML is searched for it up to four times (as written and in any
    # case, outside code and anywhere), and a text found again ("Lorem ipsum" in ten
    # paragraphs) is on the same lines
    return tuple(
        where
        for place, texts in found.items()
        for where in _part_places(ctx, place, *dict.fromkeys(texts), code=code)
    )


def _listed(found: dict[str, list[str]], most: int = 6, title: bool = False) -> Joined:
    """“a”, “b” (place); “c” (other place) — each text once per place, the first few only;
    the words said in the reader's language (with ``title``, the subject is named as the
    file's <title> it was read from)."""
    parts = []
    for place, texts in found.items():
        unique = list(dict.fromkeys(texts))
        shown: object = quoted_list(quoted(x, PLACEHOLDER_QUOTED) for x in unique[:most])
        if len(unique) > most:
            shown = t("{shown} and {n} more", shown=shown, n=len(unique) - most)
        # (each part's name is in the catalogue)
        where: object = t(place) if place in _PARTS else place
        if title and place == "subject":
            where = t("the file's <title>, the subject if the ESP's is the same")
        parts.append(t("{texts} ({place})", texts=shown, place=where))
    return Joined("; ", parts)


def _send_date(ctx: Context) -> tuple[date, Message]:
    """The day the campaign is sent, and what says so: campaign.toml's ``send_at``, else a
    saved message's Date header (a test send is sent on it), else today."""
    campaign = ctx.campaign
    if campaign.send_at:
        return campaign.send_at.date(), t("send_at")
    if campaign.sent_on:
        return campaign.sent_on.date(), t("the message's Date header")
    return datetime.now(UTC).date(), t("today")


def _dates(text: str) -> Iterator[tuple[int, str, date]]:
    """(position, text, date) of every date written in the copy."""
    for match in _NUMERIC_DATE.finditer(text):
        yield from _valid(match, match[3], match[2], match[1])
    for match in _DAY_MONTH_YEAR.finditer(text):
        yield from _valid(match, match[3], _MONTHS[match[2].lower()], match[1])
    for match in _MONTH_DAY_YEAR.finditer(text):
        yield from _valid(match, match[3], _MONTHS[match[1].lower()], match[2])


def _said_past(text: str, start: int, length: int) -> bool:
    """Whether the words around a date at ``start`` say it is a start or a day already gone by
    (BRF002 spares it): «с 1 ноября», "since …", "ordered on …", "Posted …", an event told in
    the past tense, a post card's date, but not "will be paid on …" nor "orders placed on …
    or later"."""
    if _SINCE.search(text[max(0, start - 8) : start]):
        return True
    if _told_past(text, start) or _post_card(text, start, length):
        return True
    before = last_sentence(text[max(0, start - 40) : start])
    if not _HAPPENED.search(before[-20:]):
        return False
    after = SENTENCE_END.split(text[start + length : start + length + 20], maxsplit=1)[0]
    return not _TO_COME.search(before) and not _TO_COME.search(after)


def _told_past(text: str, start: int) -> bool:
    """Whether the clause that leads to the date at ``start`` tells an event as gone by
    (:data:`_TOLD_PAST`) and does not make the date an end ("until …") or still to come."""
    clause = _CLAUSE_END.split(last_sentence(text[max(0, start - 100) : start]))[-1]
    return (
        _TOLD_PAST.search(clause) is not None
        and _UNTIL.search(clause) is None
        and _TO_COME.search(clause) is None
    )


def _post_card(text: str, start: int, length: int) -> bool:
    """Whether the date at ``start`` heads a post card: a separator and a word after it, none
    before it, and the post's "Read more" in the lines that follow."""
    end = start + length
    if not _CARD_SEPARATOR.match(text, end) or _SEPARATED.search(text, max(0, start - 4), start):
        return False
    return _READ_MORE.search(text, end, end + 200) is not None


def _valid(
    match: re.Match[str], year: str, month: str | int, day: str
) -> Iterator[tuple[int, str, date]]:
    try:
        # as a reader sees it: a date the copy wraps over two lines ("13 Oct\n 2017") is quoted
        # on one, and is the same date as the one written on one line
        shown = " ".join(match.group(0).split())
        yield match.start(), shown, date(int(year), int(month), int(day))
    except ValueError:  # 31.02.2026: not a date
        return


@rule(
    "BRF002",
    "date-in-the-past",
    Severity.WARNING,
    short="a date in the copy already past on the send date (or today), an outdated © year",
)
def date_in_the_past(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a date in the copy (`27.11.2025`, «27 ноября 2025», "November 27, 2025") that is
    before the send date, and a copyright year (`© 2024`) older than the send year. The send
    date is `send_at` of the `campaign.toml`, else a saved message's `Date` header (the day a
    test send was sent; not one in the future), else today; the finding says which. Dates of
    events (an offer's end, a meeting) are one finding, stale copyright years another: a
    footer nobody updated is no offer that looks expired. A date past by nature is not
    reported: a period's start («с 1 ноября», "since"), the day of an order or invoice
    ("placed on", «от»), a publication date ("Posted …", «Опубликовано …»), an event told in
    the past tense ("EFF filed a brief … on …", «Форум прошёл …») and a post card's date
    ("Feb 18, 2026 · Travel" before the post's "Read more").

    ## Why it matters
    Reused layouts carry last season's dates: «Акция до 30 ноября 2025» in a 2026 campaign
    makes the offer look expired and the client look careless.

    ## Example
    `send_at = 2026-11-27T10:00:00+03:00` and the body says «Скидки до 30.11.2025».

    ## How to fix
    Update the date (and the footer's copyright year), or set `send_at` if the campaign is
    planned for a date other than today.
    """
    today, said = _send_date(ctx)
    found: dict[str, list[str]] = {}  # dates of events: an offer's end, a meeting
    years: dict[str, list[str]] = {}  # copyright notices: a footer not updated
    for place, text in _texts(ctx):
        if "20" not in text:
            continue  # every date and copyright pattern wants a year 20xx: no search needed
        stale = [
            (start, shown)
            for start, shown, when in _dates(text)
            if when < today and not _said_past(text, start, len(shown))
        ]
        for _start, shown in sorted(stale):  # in reading order
            found.setdefault(place, []).append(shown)
        for match in _COPYRIGHT.finditer(text):
            if int(match.group(1)) < today.year:
                years.setdefault(place, []).append(match.group(0))
    if found:
        places = _places(ctx, found)
        yield Problem(
            t(
                "dates before the send date {date} ({source}): {found}",
                date=today.isoformat(),
                source=said,
                found=_listed(found, title=ctx.campaign.subject_is_title),
            ),
            location=places[0],
            locations=places,
        )
    if years:
        # no event gone by: a footer (layout) whose year nobody updated, said as such
        places = _places(ctx, years)
        yield Problem(
            t(
                "copyright year before the send year {year} ({source}): {found}",
                year=today.year,
                source=said,
                found=_listed(years, title=ctx.campaign.subject_is_title),
            ),
            location=places[0],
            locations=places,
        )


def _beyond_ascii(ctx: Context) -> str | None:
    """The first word of the HTML's visible text with a character beyond ASCII, without the
    punctuation around it ("Здравствуйте", "Café", or a sign alone: "—", "©") written so in
    the file: BRF003's example, the page's own text."""
    source = ctx.campaign.html or ""
    texts = [ctx.document.text if ctx.document else ""] + [text for _, text in _texts(ctx)]
    words = (w.strip(string.punctuation)[:30] for t in texts for w in t.split() if not w.isascii())
    # as written in the bytes: a "©" written "&copy;" every reader reads right
    return next((w for w in words if w and w in source), None)


@rule(
    "BRF003",
    "garbled-text",
    Severity.WARNING,
    short='garbled text: "�", mojibake ("Ð¿Ñ€Ð¸", «РџСЂРёРІРµС‚»), "&nbsp;" shown as text',
)
def garbled_text(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports text a reader would see garbled: the replacement character "�" (bytes lost in a
    wrong charset), UTF-8 read as another charset ("Ð¿Ñ€Ð¸", «РџСЂРёРІРµС‚»), and Cyrillic
    in windows-1251 read as Latin-1 ("Ïðèâåò").

    A "�" written in the HTML or text part itself (as UTF-8 or `&#65533;`) is an error:
    every reader sees it. One that only mailcheck's reading of undecodable bytes put there,
    and the mojibake patterns, are warnings: a mail client may read those bytes otherwise.
    A saved message's part labelled `charset=utf-8` whose bytes are windows-1251, KOI8-R or
    windows-1252 is an error too, and so is a subject or From name written in such bytes
    under a UTF-8 label (`=?utf-8?B?…?=`): one finding for the subject and the parts the
    same encoder mislabelled. mailcheck reads the text, but a mail client reads it as the
    label says, a "�" for every Cyrillic letter. KOI8-R labelled windows-1251 (or the other
    way round) is the same error, where it is certain: every Cyrillic letter shows as another
    of inverted case («Привет» as «оПХБЕР»), and the other table reads ordinary Russian;
    text in capitals shows in lower-case letters («СКИДКА» as «яйхдйю»), told by sequences
    no Russian word has and by how often its letters occur. So is Russian in another of its
    8-bit tables under one of their labels (CP866, ISO-8859-5, Mac Cyrillic, windows-1251,
    KOI8-R): its letters show as others, signs or box drawings (CP866 «Привет» as «ЏаЁўҐв»
    under windows-1251), told where the other table reads Russian and the label no text. A
    `<meta charset>` beside a part's MIME label tells nothing: clients read the MIME label.
    An HTML file's `<meta charset>` is its label: one that names a charset its bytes are
    certainly not in is the same error (UTF-8 bytes under windows-1251 show «Привет» as
    «РџСЂРёРІРµС‚» in a browser); the text is checked as meant. So is a saved message's part
    or encoded word whose label is not UTF-8 but whose bytes are, by the same reasoning
    (`charset=koi8-r` on UTF-8 «Привет» shows «п÷я─п╦п╡п╣я┌»; GB2312 on UTF-8 «你好»
    shows «浣犲ソ»), and the other rules read the text as meant (PRE001's preview).

    Text beyond ASCII whose charset nothing names is a warning: mailcheck reads it in a
    guessed charset (the finding names it), and a mail client guesses too, maybe otherwise.
    So it is for a saved message's part with no `charset=` (nor, in HTML, a `<meta charset>`),
    which RFC 2045 reads as US-ASCII: one finding for every such part; and for an HTML file
    that is not UTF-8 and has no `<meta charset>` (browsers and ESPs' upload tools guess; a
    UTF-8 one is not told: the ESP labels the part it sends); and for a campaign's text file
    that is not UTF-8 (a plain text file has no way to name its charset), in one finding with
    its HTML when both are so written. A subject or From name written
    in raw 8-bit bytes that are not UTF-8 (no RFC 2047 word) is the same warning, one finding
    for every such header: a header is ASCII (RFC 5322) or UTF-8 (RFC 6532: raw UTF-8 is
    fine), and clients read other bytes in the body's charset, their own, or a guess.
    So is a saved message's part whose `charset=` names a charset mailcheck does not know
    (`x-bogus`), or one its bytes beyond ASCII are not in (windows-1251 bytes labelled
    `us-ascii`) and no mislabel above tells which: mailcheck reads it in a guess, which the
    finding names, and one finding for every part of the same label.

    HTML character references a reader sees as they are written (`&nbsp;`, `&zwnj;`,
    `&#8212;`) are an error too: in the HTML they were escaped twice (`&amp;nbsp;`, often by an
    editor that escapes pasted code; one finding for the whole HTML), in a test send's subject
    or a text part they were written where no reference is read. One shown inside `<code>` or
    `<pre>` is meant so; in a subject campaign.toml gives it is "could not verify". A text part
    that is HTML source (ten tags or more of HTML's elements: the HTML put where the plain text
    belongs) shows its references because it is HTML: the finding says so, from the line its
    markup starts. Pasted as a message's source writes it, in quoted-printable under a label
    that says it is not (`=3D` in every attribute), it is one finding too, which names the
    codes: HDR003 does not report that part again (labelled quoted-printable, it would still
    be HTML source in the text part).

    ## Why it matters
    Mojibake in a subject or a price block makes a campaign unreadable and looks like spam;
    it comes from a file saved in one charset and declared in another, or in none.

    ## Example
    An HTML file saved in UTF-8 but declaring `<meta charset="windows-1251">`. A test send
    whose HTML part is `Content-Type: text/html` with no charset, in windows-1251 bytes, or
    whose `Subject:` is windows-1251 bytes as they are, without `=?windows-1251?B?…?=`.

    ## How to fix
    Save the file in UTF-8 and declare `charset=utf-8` (in `<meta>` and the MIME part). Write
    `&nbsp;` once escaped in the HTML, and the character itself in a subject or a text part.
    Have the sender encode a subject or From name beyond ASCII as an RFC 2047 word.
    """
    # one mislabel (the sender's encoder), every place it wrote
    misread: dict[tuple[str, str], list[str]] = {}
    for place, label, codec in ctx.campaign.charset_misread:
        misread.setdefault((label, codec), []).append(place)
    for (label, codec), places in misread.items():
        if label == "utf-8":
            message = t(
                "labelled charset=utf-8, but the bytes are {charset}: mail clients read them "
                "as UTF-8 and show “�” for every letter beyond ASCII (declare "
                "charset={charset}, or encode the text in UTF-8)",
                charset=charset_name(codec),
            )
        elif codec == "utf-8":
            # a saved message's part, subject or From name (headers:N)
            if places[0] in _MESSAGE_PLACES or places[0].startswith("headers:"):
                word = _utf8_word(ctx, places)
                said = N_(
                    "labelled charset={label}, but the bytes are UTF-8: mail clients read them "
                    "as {label} and show each letter beyond ASCII as two or three others "
                    "(«{word}» as «{shown}») (declare charset=utf-8)"
                )
            else:  # an HTML file's <meta>
                word = _beyond_ascii(ctx) or "Привет"
                said = N_(
                    "labelled charset={label} in its <meta>, but the bytes are UTF-8: browsers, "
                    "and mail clients that read the <meta>, read them as {label} and show each "
                    "letter beyond ASCII as two or three others («{word}» as «{shown}») (declare "
                    "charset=utf-8)"
                )
            message = t(
                said,
                label=charset_name(label),
                word=word,
                shown=word.encode().decode(read_as(label) or label, errors="replace"),
            )
        else:  # Russian in another of its 8-bit tables: KOI8-R and windows-1251 swapped …
            word = _cyrillic_word(ctx, places, codec, label) or "Привет"
            if {charset_name(label), charset_name(codec)} == {"windows-1251", "koi8-r"}:
                said = N_(
                    "labelled charset={label}, but the bytes are {charset}: mail clients read "
                    "them as {label} and show every Cyrillic letter as another («{word}» as "
                    "«{shown}») (declare charset={charset}, or encode the text in UTF-8)"
                )
            else:  # … or CP866, ISO-8859-5, Mac Cyrillic: not every letter moves (nor to one)
                said = N_(
                    "labelled charset={label}, but the bytes are {charset}: mail clients read "
                    "them as {label} and show Cyrillic letters as other characters («{word}» "
                    "as «{shown}») (declare charset={charset}, or encode the text in UTF-8)"
                )
            message = t(
                said,
                label=charset_name(label),
                charset=charset_name(codec),
                word=word,
                # windows-1251 has no character at 0x98 (Mac Cyrillic's «Ш»): a "�" there
                shown=word.encode(codec).decode(label, errors="replace"),
            )
        yield Problem(message, places[0], locations=tuple(places), severity=Severity.ERROR)
    if ctx.campaign.charset_unlabelled:
        yield _unlabelled(ctx, ctx.campaign.charset_unlabelled)
    unread: dict[tuple[str, str], list[str]] = {}  # one label, one encoder: every part
    for place, label, codec in ctx.campaign.charset_label_unread:
        unread.setdefault((label, codec), []).append(place)
    for (label, codec), places in unread.items():
        yield _label_unread(label, codec, places)
    if ctx.campaign.header_not_utf8:
        yield _header_not_utf8(ctx.campaign.header_not_utf8)
    import ftfy
    import ftfy.badness

    parts = (ctx.campaign.html_label or "html", "text part")  # what the flag is about
    in_html: list[str] = []  # the HTML's references escaped twice: one cause, one finding
    for place, text in _texts(ctx):
        entities = references_shown(text)
        if entities and place == parts[0] and ctx.document:  # code shown as code is meant so
            entities = [e for e in entities if e not in ctx.document.code]
        if entities and _read_as_html(ctx, place):
            in_html.extend(entities)
        elif entities:
            yield _plain_entities(ctx, place, entities, text)
        if text.isascii():
            continue  # "�", mojibake and Latin-1 letters are all beyond ASCII
        lost = text.count("\ufffd")
        if lost:
            message = tn(
                "{n} replacement character “�”: bytes lost in a charset",
                "{n} replacement characters “�”: bytes lost in a charset",
                lost,
                n=lost,
            )
            # written in the file, every reader sees it; put there by mailcheck's own reading
            # of bytes it could not decode, a mail client may read them otherwise
            written = place in parts and ctx.campaign.replacement_written
            where = _part_places(ctx, place, "\ufffd")
            yield Problem(
                message, where[0], locations=where, severity=Severity.ERROR if written else None
            )
            continue
        # only a word beyond ASCII may look bad (as a text may: above), and one that does
        # makes those words joined look bad (ftfy's pattern has no anchor a word boundary
        # could satisfy): one search of them together spares one per word, and the scan of
        # the ASCII between them (most of an English or German text: ~0.2 µs a character)
        beyond = [w for w in text.split() if not w.isascii()]
        bad = ftfy.badness.is_bad(" ".join(beyond))
        words = [w for w in beyond if ftfy.badness.is_bad(w)][:4] if bad else []
        sample = " ".join(words)
        meant = ftfy.fix_text(sample)
        if words and meant != sample:  # ftfy can read it: a charset mix-up, not a rare script
            message = t("mojibake “{sample}” (meant: “{meant}”)", sample=sample, meant=meant)
            where = _part_places(ctx, place, *words)
            yield Problem(message, where[0], locations=where)
            continue
        latin1 = [w for w in _LATIN1_MOJIBAKE.findall(text) if _reads_as_russian(w)][:4]
        if len(latin1) >= 2:
            sample = " ".join(latin1)
            meant = sample.encode("latin-1").decode("cp1251")
            message = t("mojibake “{sample}” (meant: “{meant}”)", sample=sample, meant=meant)
            where = _part_places(ctx, place, *latin1)
            yield Problem(message, where[0], locations=where)
    if in_html:
        yield _html_entities(ctx, list(dict.fromkeys(in_html)))


def _part_places(ctx: Context, place: str, *texts: str, code: bool = True) -> tuple[str, ...]:
    """Every line of the HTML or of the text part that ``texts`` stand on (without ``code``:
    outside the HTML's code elements first); another place (the subject, the preheader) as
    it is."""
    if place == (ctx.campaign.html_label or "html"):
        return ctx.text_places(*texts, every=True, code=code)
    if place == "subject" and ctx.campaign.subject_is_title:
        # the subject read from a bare HTML file's <title>: the line to fix is the title's
        title = _TITLE.search(ctx.campaign.html or "")
        if title is not None:
            return (place, ctx.html_at((ctx.campaign.html or "").count("\n", 0, title.start()) + 1))
    return ctx.text_part_places(*texts) if place == "text part" else (place,)


_TITLE = re.compile(r"<title\b", re.IGNORECASE)


def _charsets(codecs: list[str]) -> Joined:
    return Joined(", ", dict.fromkeys(charset_name(codec) for codec in codecs))


def _unlabelled(ctx: Context, found: list[tuple[str, str, bool]]) -> Problem:
    """Text beyond ASCII whose charset nothing names, read here in a guessed one: a warning,
    as a mail client or browser may guess the same. One finding for every part so written.
    A charset to declare is named only when the guess is sure (charsets.guess_told: UTF-8,
    or Cyrillic that reads as Russian words); else the finding says it could not be told,
    and names the lines beyond ASCII, the ones that may show garbled."""
    places = tuple(place for place, _, _ in found)
    charset = _charsets([codec for _, codec, _ in found])
    told = all(sure for _, _, sure in found)
    if not told:
        return _unlabelled_untold(ctx, found)
    if ctx.campaign.kind == "eml":
        message = t(
            "no charset named for the text beyond ASCII in the {parts} (read here as "
            "{charset}): RFC 2045 reads an unlabelled part as US-ASCII, and mail clients guess "
            "its charset, some wrongly: the text may show garbled (declare charset={charset} "
            "in the part's Content-Type)",
            parts=Joined(", ", [t(place) for place in places]),
            charset=charset,
        )
    else:
        message = _unlabelled_files(ctx, found)
    return Problem(message, places[0], locations=places)


def _label_unread(label: str, codec: str, places: list[str]) -> Problem:
    """A part labelled with a charset mailcheck does not know, or one its bytes beyond ASCII
    are not in: read here in a guessed charset (a warning: a mail client may guess the same,
    or read the label and show those bytes garbled)."""
    if known_charset(label) is None:
        said = N_(
            "labelled charset={label}, a charset mailcheck does not know: its text beyond "
            "ASCII was read here as {charset}, a guess, and mail clients that do not know the "
            "label either guess too, maybe otherwise (declare the charset the text is in, or "
            "encode it in UTF-8 and declare charset=utf-8)"
        )
    else:
        said = N_(
            "labelled charset={label}, but its bytes beyond ASCII are not {label} text: read "
            "here as {charset}, a guess; mail clients that read the label show those "
            "characters garbled (declare the charset the text is in, or encode it in UTF-8 "
            "and declare charset=utf-8)"
        )
    message = t(said, label=label, charset=charset_name(codec))
    return Problem(message, places[0], locations=tuple(places), unverified=True)


def _beyond_ascii_lines(ctx: Context, place: str) -> list[int]:
    """The lines of the part or file at ``place`` that have a character beyond ASCII."""
    campaign = ctx.campaign
    # a text/plain message alone has the text part's label for its "HTML" too
    html = place == campaign.html_label and campaign.html is not None
    text = campaign.html if html else campaign.text
    return [n for n, line in enumerate((text or "").splitlines(), 1) if not line.isascii()]


def _unlabelled_untold(ctx: Context, found: list[tuple[str, str, bool]]) -> Problem:
    """BRF003 for text beyond ASCII in no named charset that mailcheck could not tell: its
    guess (windows-1252, or a Cyrillic reading without Russian words) is no charset to tell
    the sender to declare, which would garble a text in another (a Latin-1 newsletter's
    "Café" declared windows-1251 shows «Cafй»). Names each place's lines beyond ASCII."""
    places: list[str] = []
    said: list[Message] = []
    for place, _, _ in found:
        lines = _beyond_ascii_lines(ctx, place)
        places += [f"{place}:{n}" for n in lines] or [place]
        shown = listed_lines(ctx.lines_in_file(lines, place))
        said.append(t("{part} (line {lines})", part=t(place), lines=shown))
    charset = _charsets([codec for _, codec, _ in found])
    if ctx.campaign.kind == "eml":
        message = t(
            "no charset named for the text beyond ASCII in the {parts}, and which one it is "
            "could not be told (read here as {charset}, a guess): RFC 2045 reads an "
            "unlabelled part as US-ASCII, and mail clients guess its charset, some wrongly: "
            "those lines may show garbled (declare the charset the text was written in, or "
            "encode it in UTF-8 and declare charset=utf-8, in the part's Content-Type)",
            parts=Joined("; ", said),
            charset=charset,
        )
    else:
        message = t(
            "no charset named for {parts}, whose bytes are not UTF-8; which charset they are "
            "in could not be told (read here as {charset}, a guess): ESP upload tools and "
            "browsers guess it too, and one that guesses otherwise shows those lines garbled "
            "(save the file as UTF-8)",
            parts=Joined("; ", said),
            charset=charset,
        )
    return Problem(
        message,
        places[0],
        locations=tuple(places[:PLACES_LISTED]),
        lines_said=True,
        unverified=True,  # which charset it is could not be told
    )


def _unlabelled_files(ctx: Context, found: list[tuple[str, str, bool]]) -> Message:
    """BRF003's message for files not in UTF-8 that name no charset: an HTML file without a
    ``<meta>`` charset, a campaign's text file (which has no way to name one: it must be
    UTF-8), or both, in one finding."""
    html = [(place, codec) for place, codec, _ in found if place == ctx.campaign.html_label]
    text = [(place, codec) for place, codec, _ in found if place != ctx.campaign.html_label]
    if not text:  # an HTML file, not UTF-8, without a <meta> charset
        return t(
            "no charset named for {name} (no <meta charset>), and its bytes are not UTF-8 "
            "(read here as {charset}): ESP upload tools and browsers guess its charset, and one "
            "that guesses otherwise (UTF-8, or the reader's own) shows the text garbled (save "
            'it as UTF-8, or declare <meta charset="{charset}">)',
            name=html[0][0],
            charset=_charsets([codec for _, codec in html]),
        )
    if not html:  # a campaign's text file, not UTF-8
        return t(
            "no charset named for {name} (a plain text file cannot name one), and its bytes "
            "are not UTF-8 (read here as {charset}): ESP upload tools guess its charset, and "
            "one that guesses otherwise (UTF-8, or the reader's own) shows the text garbled "
            "(save it as UTF-8)",
            name=text[0][0],
            charset=_charsets([codec for _, codec in text]),
        )
    return t(
        "no charset named for {html} (no <meta charset>) nor {text} (a plain text file cannot "
        "name one), and their bytes are not UTF-8 (read here as {charset}): ESP upload tools "
        "and browsers guess their charset, and one that guesses otherwise (UTF-8, or the "
        "reader's own) shows the text garbled (save both as UTF-8; the HTML may instead "
        'declare <meta charset="{html_charset}">)',
        html=html[0][0],
        text=text[0][0],
        charset=_charsets([codec for _, codec, _ in found]),
        html_charset=_charsets([codec for _, codec in html]),
    )


def _header_not_utf8(found: list[tuple[str, str]]) -> Problem:
    """The subject or From name in raw 8-bit bytes that are not UTF-8: a warning, as a mail
    client may read them in the charset the message's parts declare (or its reader's own).
    One finding for every field so written (one encoder wrote them)."""
    places = tuple(place for place, _ in found)
    fields = Joined(", ", [t("subject") if p == "subject" else "From" for p in places])
    message = tn(
        "raw 8-bit bytes that are not UTF-8 in the {fields} header (read here as "
        "{charset}): a header is ASCII (RFC 5322) or UTF-8 (RFC 6532), and mail clients guess "
        "a charset for other bytes: the text may show garbled (encode it as an RFC 2047 "
        "word, =?utf-8?B?…?=)",
        "raw 8-bit bytes that are not UTF-8 in the {fields} headers (read here as "
        "{charset}): a header is ASCII (RFC 5322) or UTF-8 (RFC 6532), and mail clients guess "
        "a charset for other bytes: the text may show garbled (encode it as an RFC 2047 "
        "word, =?utf-8?B?…?=)",
        len(places),
        fields=fields,
        charset=_charsets([codec for _, codec in found]),
    )
    return Problem(message, places[0], locations=places)


# Where a saved message's labels are: its parts and its subject or From name's encoded words
_MESSAGE_PLACES = ("text/html part", "text/plain part", "subject")


def _text_at(ctx: Context, place: str) -> str:
    """The text a BRF003 place shows, as meant: the subject, the text part, the From's display
    name (``headers:N``, the one such header) or, for any other place, the HTML's text."""
    campaign, main = ctx.campaign, ctx.main
    if place == "subject":
        return (main.subject if main else campaign.subject) or ""
    if place == "text/plain part":
        return (main.text if main else campaign.text) or ""
    if place.startswith("headers:"):
        headers = (main.headers if main else None) or campaign.headers or {}
        return next((v for k, v in headers.items() if k.lower() == "from"), "")
    return ctx.document.text if ctx.document else campaign.html or ""


def _utf8_word(ctx: Context, places: list[str]) -> str:
    """The first word beyond ASCII of the text at the first of ``places`` that has one, as
    meant: BRF003's example of UTF-8 under another label, the text's own word."""
    for place in places:
        text = _text_at(ctx, place)
        for token in (w for w in text.split() if not w.isascii()):
            # a word's letters («你好» of «你好！我公司…», written without spaces), else a sign
            letters = [run for run in _LETTER_RUN.findall(token) if not run.isascii()]
            if word := (letters[0] if letters else token.strip(string.punctuation))[:12]:
                return word
    return "Привет"


_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _cyrillic_word(ctx: Context, places: list[str], codec: str, label: str) -> str | None:
    """The first Russian word of the text at the first of ``places`` that has one (the
    subject, a part, the HTML), as meant («СКИДКА», «Привет»), that the ``label`` shows
    otherwise: BRF003's example of Russian in one 8-bit table (bytes in ``codec``) labelled
    another, the text's own word. Mac Cyrillic and windows-1251 read lower-case words alike
    («скидки»), CP866 and Mac Cyrillic capitals: such a word shows nothing wrong."""
    for place in places:
        if place.startswith("headers"):
            continue  # the From's name: not a text _texts reads
        words = _RUSSIAN_WORD.findall(_text_at(ctx, place))
        for word in [w for w in words if len(w) >= 4] + words:  # four letters or more first
            try:
                shown = word.encode(codec).decode(label, errors="replace")
            except UnicodeEncodeError:
                continue  # a letter the table lacks (Ukrainian «і» in KOI8-R)
            if shown != word:
                return word
    return None


_RUSSIAN_WORD = re.compile(r"[а-яёА-ЯЁ]{3,}")


def _read_as_html(ctx: Context, place: str) -> bool:
    """Whether a place of :func:`_texts` is text of the HTML (its body, or the preheader found
    in it) rather than plain text (the subject, the text part, a preheader campaign.toml
    gives)."""
    html = ctx.campaign.html_label or "html"
    return place == html or (place == "preheader" and not ctx.campaign.preheader_explicit)


def _html_entities(ctx: Context, entities: list[str]) -> Problem:
    """References the HTML escapes twice ("&amp;nbsp;"), at the lines that write them."""
    message = t(
        "HTML entities shown as text: {entities} (the HTML escapes them twice: “&amp;{first}”)",
        entities=quoted_list(entities[:5]),
        first=entities[0][1:],
    )
    where = ctx.text_places(*(f"&amp;{e[1:]}" for e in entities))
    return Problem(message, where[0], locations=where, severity=Severity.ERROR)


def _plain_entities(ctx: Context, place: str, entities: list[str], text: str) -> Problem:
    """References written in plain text (a subject, a text part), where none is read.

    A test send's subject is what its readers saw; a subject campaign.toml gives is what will
    be typed into the ESP, and whether an ESP reads references in its subject field, its
    documentation would have to say: "could not verify" there. A text part that is HTML
    source (tags throughout) shows its references because it is HTML: that is said, not
    "write the character itself" (SpamAssassin's spam/004)."""
    shown = quoted_list(entities[:5])
    if place == "text part" and (pasted := ctx.html_pasted_encoded):
        line, tags, label = pasted
        message = t(
            "the text part shows HTML source from its line {line} ({tags} …), pasted as a "
            "message's source writes it, in quoted-printable (“=3D”, “=” at line ends) under "
            "{label}: its entities ({entities}) and codes show as written, since no tag, "
            "entity or code is read there (put the plain text there, or let the ESP make it "
            "from the HTML)",
            line=line,
            tags=quoted_list(tags),
            entities=shown,
            label=t("Content-Transfer-Encoding {label}", label=label)
            if label
            else t("no Content-Transfer-Encoding (7bit)"),
        )
        return Problem(message, f"{ctx.campaign.text_label}:{line}", severity=Severity.ERROR)
    if place == "text part" and (source := html_source(text)):
        line, tags = source
        message = t(
            "the text part shows HTML source from its line {line} ({tags} …), its entities "
            "({entities}) as written: the HTML was put in the text part, where no tag or "
            "entity is read (put the plain text there, or let the ESP make it from the HTML)",
            line=line,
            tags=quoted_list(tags),
            entities=shown,
        )
        where = f"{ctx.campaign.text_label}:{line}" if ctx.campaign.text else place
        return Problem(message, location=where, severity=Severity.ERROR)
    if place in ("subject", "preheader") and ctx.campaign.kind == "toml":
        message = t(
            "could not verify: HTML entities in the {place}: {entities} (a {place} is plain "
            "text, which most ESPs send as written: write the character itself)",
            entities=shown,
            place=t(place),
        )
        return Problem(message, location=place, unverified=True)
    message = t(
        "HTML entities shown as text: {entities} (the {place} is plain text, where no entity "
        "is read: write the character itself)",
        entities=shown,
        place=t(place),
    )
    places = _part_places(ctx, place, *entities)
    return Problem(message, places[0], locations=places, severity=Severity.ERROR)


_RUSSIAN_VOWELS = frozenset("аеёиоуыэюя")


def _reads_as_russian(word: str) -> bool:
    """Whether a Latin-1 word read as windows-1251 is a plausible Russian word (vowels)."""
    letters = word.encode("latin-1").decode("cp1251").lower()
    vowels = sum(ch in _RUSSIAN_VOWELS for ch in letters)
    return vowels / len(letters) >= 0.3


# A brief copied from Word or Figma has no-break and thin spaces, and "−" where the layout has
# "-" (or the other way round): a reader sees the same text
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def _comparable(text: str) -> str:
    return _DASHES.sub("-", _SPACES.sub(" ", text.casefold()))


def _contains(text: str, wanted: str) -> bool:
    return _comparable(wanted) in _comparable(text)


def _contains_word(text: str, wanted: str) -> bool:
    """Whether ``wanted`` is in ``text`` as a whole word: «ХИТ» is not in «Хитрости»."""
    pattern = re.escape(_comparable(wanted).strip())
    return re.search(rf"(?<!\w){pattern}(?!\w)", _comparable(text)) is not None


def _expects(*keys: str) -> Callable[[Context], bool]:
    """Whether the campaign's ``[expect]`` gives a rule something to look for (under ``keys``)."""
    return lambda ctx: any(ctx.campaign.expect.get(key) for key in keys)


@rule(
    "BRF004",
    "brief-text-missing",
    Severity.ERROR,
    short="text the brief asks for (promo code, price, date) is missing",
    applies=_expects("text", "regex"),
)
def brief_text_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a string (`text`) or regular expression (`regex`) from the campaign's `[expect]`
    table that appears nowhere in the subject, preheader, HTML or text part as rendered. Case,
    the kind of space (a no-break space copied from the brief) and of dash ("−", "–", "-") do
    not matter.

    ## Why it matters
    The promo code, the price and the deadline are what the client checks first; a launch with
    last week's code is an incident however good the layout is.

    ## Example
    ```toml
    [expect]
    text = ["BLACK30", "−30%"]
    regex = ['до 30 ноября']
    ```

    ## How to fix
    Put the approved value into the copy, or correct the `[expect]` table.
    """
    expect = ctx.campaign.expect
    everything = "\n".join(text for _place, text in _texts(ctx))
    for wanted in expect.get("text", []):
        if not _contains(everything, wanted):
            message = t("expected text “{text}” is missing", text=wanted)
            yield ctx.missing(message, "[expect] text")
    for pattern in expect.get("regex", []):
        try:
            found = regex.search(pattern, everything, regex.I, timeout=REGEX_SECONDS)
        except TimeoutError:  # (a+)+$ over a long text: the brief's pattern, not the copy
            message = t(
                "could not verify: the pattern /{pattern}/ took over {seconds} s to search the "
                "copy (simplify it)",
                pattern=quoted(pattern),
                seconds=REGEX_SECONDS,
            )
            yield Problem(message, location="[expect] regex", severity=Severity.WARNING)
            continue
        if not found:
            message = t("expected pattern /{pattern}/ is missing", pattern=pattern)
            yield ctx.missing(message, "[expect] regex")


@rule(
    "BRF005",
    "brief-link-missing",
    Severity.ERROR,
    short="a link the brief asks for is missing",
    applies=_expects("links"),
)
def brief_link_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an entry of `[expect] links` (a host, or a host with a path prefix) that no link
    of the campaign points to.

    ## Why it matters
    The brief names the landing page; a button that leads to the home page or to last month's
    sale loses the campaign's clicks.

    ## Example
    ```toml
    [expect]
    links = ["acme.ru/sale/black-friday"]
    ```

    ## How to fix
    Point the call to action at the landing page from the brief.
    """
    wanted_links = ctx.campaign.expect.get("links", [])
    if not wanted_links:
        return
    # the HTML's links: a link only the text part has is not where the reader clicks
    targets = [
        _host_path(link.href) for link in ctx.all_links() if not link.is_image and not link.in_text
    ]
    for wanted in wanted_links:
        host, path = _host_path(wanted if "//" in wanted else f"//{wanted}")
        if not any(
            (t_host == host or t_host.endswith(f".{host}")) and t_path.startswith(path)
            for t_host, t_path in targets
        ):
            message = t("no link goes to {target}", target=wanted)
            yield ctx.missing(message, "[expect] links")


def _host_path(url: str) -> tuple[str, str]:
    """The host (without "www.") and the path of a URL, lower case, for prefix comparison."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return "", ""
    return host.removeprefix("www.").lower(), parts.path.rstrip("/").lower()


@rule(
    "BRF006",
    "brief-forbidden-text",
    Severity.ERROR,
    short="text the brief rules out is present",
    applies=_expects("forbid"),
)
def brief_forbidden_text(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports text from `[expect] forbid` found in the subject, preheader, HTML or text part as
    rendered: as a whole word, in any case, whatever spaces and dashes it is written with.

    ## Why it matters
    A client forbids last year's promo code, a competitor's name or a discontinued product;
    one occurrence in a footer is enough for a complaint.

    ## Example
    ```toml
    [expect]
    forbid = ["SUMMER25", "бесплатная доставка"]
    ```

    ## How to fix
    Remove the forbidden text.
    """
    forbidden = ctx.campaign.expect.get("forbid", [])
    for word in forbidden:
        places = [place for place, text in _texts(ctx) if _contains_word(text, word)]
        if places:
            message = t("forbidden text “{text}”", text=word)
            yield Problem(message, location=places[0], locations=tuple(places))


# A word of one alphabet with a letter of the other that looks the same: «cайте» typed with a
# Latin "c" (a keyboard layout left on), "Hеllo" with a Cyrillic "е". Only letters that look
# alike in print: lower-case "т", "в", "н", "к", "м" do not, and words such as "SMSка" or
# "iPhone-чехол" mix alphabets on purpose.
# a word of Latin and Cyrillic letters with both in it (tried from each word's start only)
_MIXED_WORD = regex.compile(
    r"(?<![\p{Latin}\p{Cyrillic}])[\p{Latin}\p{Cyrillic}]*?"
    r"(?:\p{Latin}\p{Cyrillic}|\p{Cyrillic}\p{Latin})[\p{Latin}\p{Cyrillic}]*"
)
_LATIN = regex.compile(r"\p{Latin}")
_CYRILLIC_LETTER = regex.compile(r"\p{Cyrillic}")


def _mixed_script_letters(word: str) -> str | None:
    """The letters of the other alphabet in ``word`` when they look like its own (at most
    two, among three or more of its own), else None. Look-alikes are
    :mod:`mailcheck.lookalikes`' (the Cyrillic "і", "ј", "ѕ" of "Unsubscrіbe" too); a word
    of Cyrillic letters alone, «Київ», «Јован», «ѕвезда», mixes nothing."""
    latin = [c for c in word if _LATIN.match(c)]
    cyrillic = [c for c in word if not _LATIN.match(c)]
    if not latin or not cyrillic:
        return None
    odd, own, script = (
        (latin, cyrillic, CYRILLIC) if len(latin) < len(cyrillic) else (cyrillic, latin, LATIN)
    )
    if len(own) < 3 or len(odd) > 2 or not all(looks_like(c, script) for c in odd):
        return None
    return "".join(odd)


@rule(
    "BRF007",
    "mixed-alphabet-word",
    Severity.WARNING,
    short="a word with a look-alike letter of the other alphabet («cайте» with a Latin “c”)",
)
def mixed_alphabet_word(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports words of the copy (subject, preheader, HTML text, text part) written in one
    alphabet with one or two letters of the other that look the same in print: «cайте» with
    a Latin "c", "Hеllo" with a Cyrillic "е". Only look-alikes count (а/a, с/c, е/e, о/o,
    р/p, х/x, у/y, і/i, ј/j, ѕ/s, ԁ/d, ӏ/l and the capitals А/A, В/B, Е/E, К/K, М/M, Н/H,
    Т/T, І/I…: `mailcheck.lookalikes`' table), in a word of at least three letters of its
    own alphabet: "SMSка" or "Wi-Fi-роутер" mix on purpose. A Ukrainian, Belarusian, Serbian
    or Macedonian word («Київ», «Јован», «ѕвезда») writes і, ј, ѕ as letters of its own
    alphabet: it mixes nothing.

    ## Why it matters
    The reader sees a normal word, but nothing else does: a search in the mailbox, the
    recipient's spell-checker and screen reader, and spam filters, which score words of mixed
    alphabets as a trick to slip past them (Rspamd's `R_MIXED_CHARSET`). It comes from a
    keyboard layout left on while typing, or copy pasted from a document that had it.

    ## Example
    `<p>Подробности на нашем cайте</p>` (the first letter of «cайте» is Latin).

    ## How to fix
    Retype the word in one alphabet.
    """
    found: dict[str, list[str]] = {}
    for place, text in _texts(ctx):
        # (most texts are of one alphabet: a search for the other's letter spares the scan)
        if not (_CYRILLIC_LETTER.search(text) and _LATIN.search(text)):
            continue
        for match in _MIXED_WORD.finditer(text):
            if _mixed_script_letters(match.group()):
                found.setdefault(place, []).append(match.group())
    if found:
        places = _places(ctx, found)
        message = t(
            "a word with a look-alike letter of the other alphabet: {words}: search, "
            "spell-check and spam filters read it as no word; retype it in one alphabet",
            words=_listed(found),
        )
        yield Problem(message, location=places[0], locations=places)
