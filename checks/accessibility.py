"""A11Y: accessibility of the HTML — language, layout tables, link names, contrast, headings.

All warnings: each is a barrier for readers with screen readers or low vision, not a defect
every recipient sees. The Email Markup Consortium's 2026 report (376,348 e-mails) found
serious accessibility issues in 99.88 % of them: no `lang` in 95.66 %, layout tables without
`role="presentation"` in 83.78 %, missing alt text in 47.88 %.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import replace
from importlib import resources

from mailcheck.accessibility import Accessibility, parse_color
from mailcheck.i18n import N_, Joined, quoted_list, t, tn
from mailcheck.model import Severity
from mailcheck.named import named_link_text
from mailcheck.rules import (
    ALT_MISSING,
    LINES_LISTED,
    PLACES_LISTED,
    Context,
    Problem,
    rule,
)
from mailcheck.templating import whole_tag


def _facts(ctx: Context) -> Accessibility | None:
    """Read from the campaign's source (see mailcheck.accessibility), its partials' elements
    too, at their own files' lines. Not their headings: where a partial's stand in the
    order of the template's is where it is pulled in, which the files as written do not say
    (A11Y007 judges the template's own). Nor their colours' contrast: a partial read alone
    has no background of the box it is pulled into (white text for a dark cell)."""
    static = ctx.campaign.static
    facts = static.accessibility if static else None
    partials = [d.accessibility for d in ctx.campaign.partial_documents if d.accessibility]
    if facts is None or not partials:
        return facts
    return replace(
        facts,
        rtl_text=facts.rtl_text or any(p.rtl_text for p in partials),
        dir_rtl=facts.dir_rtl or any(p.dir_rtl for p in partials),
        layout_tables=[*facts.layout_tables, *(n for p in partials for n in p.layout_tables)],
        unnamed_image_links=[
            *facts.unnamed_image_links,
            *(link for p in partials for link in p.unnamed_image_links),
        ],
        unnamed_background_links=[
            *facts.unnamed_background_links,
            *(link for p in partials for link in p.unnamed_background_links),
        ],
    )


def _shown_ratio(ratio: float, large: bool) -> str:
    """The ratio to one decimal, or two where one would round it up to the bar it fails
    (4.478 is "4.48", not "4.5")."""
    bar = 3.0 if large else 4.5
    for shown in (f"{ratio:.1f}", f"{ratio:.2f}"):
        if float(shown) < bar:
            return shown
    return f"{math.floor(ratio * 100) / 100:.2f}"


def _places(ctx: Context, lines: list[int]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ctx.html_at(line) for line in lines))


@rule(
    "A11Y001",
    "html-lang-missing",
    Severity.WARNING,
    short="the e-mail does not say its language (screen readers need it to pick a voice)",
)
def html_lang_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a whole HTML document whose `<html>` element has no `lang` attribute, or
    `lang="und"` (BCP 47's "undetermined", which names no language either). (A snippet
    without `<html>`, which a platform wraps in its own layout, is not judged.)

    ## Why it matters
    Screen readers pick the voice and pronunciation from `lang`: Russian text read by an
    English voice is unintelligible. 95.66 % of e-mails lack it (EMC 2026).

    ## Example
    `<html>` in a Russian newsletter.

    ## How to fix
    `<html lang="ru">` (or the campaign's language, e.g. `lang="en"`).
    """
    facts = _facts(ctx)
    if not facts or not facts.has_html_element:
        return
    place = ctx.html_at(facts.html_line)  # the <html> element's line, where the parse found it
    if not facts.lang:
        yield Problem(t("<html> has no lang attribute"), location=place)
    elif facts.lang.split("-")[0].lower() == "und":
        yield Problem(
            t(
                '<html> has lang="{lang}" ("undetermined"), which names no language for a '
                "screen reader",
                lang=facts.lang,
            ),
            location=place,
        )


@rule("A11Y002", "rtl-dir-missing", Severity.WARNING, short='right-to-left text without dir="rtl"')
def rtl_dir_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports right-to-left text (Arabic, Hebrew …) in an e-mail where no element says
    `dir="rtl"`. A phrase counts (12 letters or more), not a word: a language switcher's
    «العربية» is laid out right without it.

    ## Why it matters
    Without `dir`, clients lay out right-to-left sentences left to right: punctuation and
    numbers land on the wrong side and mixed text is reordered.

    ## Example
    An Arabic newsletter with `<html lang="ar">` but no `dir`.

    ## How to fix
    `<html lang="ar" dir="rtl">`, or `dir="rtl"` on the blocks in that language.
    """
    facts = _facts(ctx)
    if facts and facts.rtl_text and not facts.dir_rtl:
        yield Problem(t('right-to-left text but no dir="rtl"'), location=ctx.html_at(0))


@rule(
    "A11Y003",
    "layout-table-role",
    Severity.WARNING,
    short='layout tables without role="presentation" (one finding, every line)',
)
def layout_table_role(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports layout tables (tables without `<th>` or `<caption>`) that lack
    `role="presentation"`, as one finding listing their lines. A `<th>` used as a layout
    cell does not make a data table: Foundation for Emails' grid (`<th class="columns">` in
    a `<table class="row">`, its `<th class="expander">`), a `<th>` that holds a table
    of its own when it or its table has a class naming a layout's column or row
    (`column-top`, `m--col`, `m--row`), and a table of one row of `<th>` cells alone (no
    data cell for them to head) are laid out as `<td>` cells are. A data table's `<th>`
    holding a small table (a sort arrow) and a comparison table of `<th>` rows stay data
    tables.

    ## Why it matters
    Screen readers announce each such table as data: "table, 3 rows, 2 columns" before every
    block of the e-mail. 83.78 % of e-mails do this (EMC 2026).

    ## Example
    `<table width="600" cellpadding="0" cellspacing="0">` around the whole layout.

    ## How to fix
    Add `role="presentation"` to every table used for layout.
    """
    facts = _facts(ctx)
    if facts and facts.layout_tables:
        lines = facts.layout_tables
        yield Problem(
            tn(
                '{n} layout table without role="presentation" (line {lines})',
                '{n} layout tables without role="presentation" (line {lines})',
                len(lines),
                n=len(lines),
                lines=ctx.said_lines(lines),
            ),
            location=ctx.html_at(lines[0]),
            locations=_places(ctx, lines),
            lines_said=True,
        )


@rule(
    "A11Y004",
    "image-link-unnamed",
    Severity.WARNING,
    short="a link with no name: only images without alt text, or a background image and no text",
)
def image_link_unnamed(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links with no name (no `aria-label`, `aria-labelledby` or `title`) of two kinds,
    one finding per kind listing every line:

    - links whose only content is images without alt text: a linked banner or button image
      with `alt=""` or no alt. Links whose images have no alt attribute at all are one finding
      with IMG001's (which reports those images and names these links), unless IMG001 is not
      run;
    - links with no text (spaces and `&nbsp;` are none) whose picture is a CSS background
      image (`background-image:url(…)` or `background="…"` on the link or an element in it,
      inline or set by a stylesheet rule such as `.vk{background:url(vk.png)}`): a social icon
      drawn from a sprite behind `&#160;`.

    A link that no reader sees (it or a box around it hidden by its style or `hidden`:
    `display:none`, `visibility:hidden`, …) is read by no screen reader either: not judged.
    Outlook's `mso-hide:all` hides it from Outlook alone, so it is judged.

    ## Why it matters
    A link needs a name: a screen reader reads such a link as its URL, and with images off
    the reader sees an empty box to click (or, for a background image, nothing at all).
    Decorative `alt=""` is right for spacers, not for the image that *is* the call to action.

    ## Example
    `<a href="https://acme.ru/sale"><img src="banner.png" alt=""></a>`

    `<a href="https://vk.com/acme" style="display:block;background:url(vk.png)">&#160;</a>`

    ## How to fix
    Write what the link does in the image's alt: `alt="Смотреть распродажу"`. For a
    background image, make the icon an `<img>` with alt text (`alt="ВКонтакте"`, shown where
    images are off), or give the link a name: `aria-label="Мы во ВКонтакте"`.
    """
    facts = _facts(ctx)
    if not facts:
        return
    yield from _background_links_unnamed(ctx, facts)
    if not facts.unnamed_image_links:
        return
    # images with no alt attribute at all are IMG001's too: one root cause, reported once by
    # IMG001 (it names these links); alone when IMG001 is not run (mailcheck.rootcause)
    empty_alt = [(href, line) for href, line, no_alt in facts.unnamed_image_links if not no_alt]
    no_alt = [(href, line) for href, line, no_alt in facts.unnamed_image_links if no_alt]
    for found, cause in ((empty_alt, ""), (no_alt, ALT_MISSING)):
        if not found:
            continue
        lines = [line for _href, line in found]
        message = tn(
            "{n} image link without alt text (line {lines})",
            "{n} image links without alt text (line {lines})",
            len(found),
            n=len(found),
            lines=ctx.said_lines(lines),
        )
        yield Problem(
            message,
            location=ctx.html_at(lines[0]),
            locations=_places(ctx, lines),
            lines_said=True,
            url=found[0][0] or None,
            cause=cause,
        )


def _background_links_unnamed(ctx: Context, facts: Accessibility) -> Iterator[Problem]:
    """A11Y004's links whose only picture is a CSS background image: one finding, every line."""
    if not facts.unnamed_background_links:
        return
    lines = [line for _href, line in facts.unnamed_background_links]
    yield Problem(
        tn(
            "{n} link with a background image and no text or label (line {lines})",
            "{n} links with a background image and no text or label (line {lines})",
            len(lines),
            n=len(lines),
            lines=ctx.said_lines(lines),
        ),
        location=ctx.html_at(lines[0]),
        locations=_places(ctx, lines),
        lines_said=True,
        url=facts.unnamed_background_links[0][0] or None,
    )


@functools.cache
def _vague_texts() -> frozenset[str]:
    data = resources.files("mailcheck.checks").joinpath("data", "vague_link_text.txt")
    lines = (line.strip().casefold() for line in data.read_text("utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@rule(
    "A11Y005",
    "vague-link-text",
    Severity.WARNING,
    short='link text that does not say where it goes («здесь», "click here")',
)
def vague_link_text(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links whose whole text is «здесь», «по ссылке», "click here", "here" or the like
    in the languages of `mailcheck/checks/data/vague_link_text.txt`, as one finding that counts
    them all and lists the first 25 places. A link written once inside a template loop is
    counted once, however many items the loop renders it for. Links of the HTML only: in a
    plain-text part the link is the URL itself, which a screen reader reads ("Click here
    https://…"). A variable that no sample gives and no fallback fills is quoted as "[name]"
    where it stands ("Click here, [first_name]"), not as the gap its empty value leaves in the
    render.

    ## Why it matters
    Screen-reader users jump from link to link: a list of "здесь, здесь, здесь" says nothing
    about where each goes. Spam filters also score "click here".

    ## Example
    `Чтобы выбрать подарок, нажмите <a href="…">здесь</a>.`

    ## How to fix
    Put the destination into the link: `<a href="…">Выбрать подарок</a>`.
    """
    document = ctx.document
    if not document or ctx.campaign.html is None:
        return  # a message of text alone: its link is the URL itself, named by its words
    vague = _vague_texts()
    found = [
        link
        for link in document.links
        if link.kind == "a" and link.text.strip(" .,:;!?…→»«\"'").casefold() in vague
    ]
    if found:
        # as the template writes them: a loop's copies of one "click here" are one link
        found = ctx.one_per_place(found)
        # quoted with a field no value fills here as "[name]" where it stands, not the gap
        texts = quoted_list(dict.fromkeys(named_link_text(ctx.main, link) for link in found))
        lines = [link.line for link in found]
        yield Problem(
            tn(
                "{n} link named only {texts} (line {lines})",
                "{n} links named only {texts} (line {lines})",
                len(found),
                n=len(found),
                texts=texts,
                lines=ctx.said_lines(lines),
            ),
            location=ctx.html_at(lines[0]),
            locations=_places(ctx, lines)[:PLACES_LISTED],
            url=found[0].href or None,
            lines_said=True,
        )


def _shown_color(value: str) -> str:
    """A judged colour as the message quotes it: ``#rrggbb`` in lower case, however it was
    written (an inline ``#AAAAAA``, a rule's ``#fff``, ``white``, ``rgb()``)."""
    rgb = parse_color(value)
    return "#{:02x}{:02x}{:02x}".format(*rgb) if rgb is not None else value.strip()


@rule(
    "A11Y006",
    "low-contrast",
    Severity.WARNING,
    short="inline text colour on its background below WCAG AA contrast",
)
def low_contrast(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports text whose inline `color` (or `<font color>`) on its background is below WCAG 2
    AA: contrast 4.5:1, or 3:1 for large text
    (24 px, or 18.66 px bold, the size and weight inherited from the inline styles around;
    `<h1>` and `<h2>` are large by default). The background is the nearest one that applies:
    the `background-color` or `bgcolor` of the element or an ancestor, or a stylesheet rule's
    plain colour for it (`.dark{background:#000}` on the `<td>` around; a rule beats a
    `bgcolor`, and an inline colour unless the rule's is `!important`). Colours are read as
    CSS reads them (`#rgb`, `#rrggbb`, `rgb()`, `hsl()`, names; `bgcolor="FFFFFF"` without
    `#` is white, as in browsers); a translucent one (`rgba()`, `#rrggbbaa`) is judged
    blended over what is behind it, when that is known, and `transparent` shows the
    background around. Text colours from stylesheets are not judged: text in
    an element a `<style>` rule that sets `color` picks (`.big{color:#fff}`,
    `<span class="big">`) is left out, and so is text whose background a rule may set to
    something else than one plain colour (`.btn{background:url(btn.png)}` on the
    `<td class="btn">` around it, rules that give it different colours), though not for a
    rule some readers only get (inside `@media` with a feature: a dark mode's
    `prefers-color-scheme`, a phone's `max-width`; `@supports`), whose other readers see the
    inline colours, nor for a `:hover` colour or `color: inherit`, which leave the inline
    colour as it is; text a rule may make large is judged at 3:1. Text over a background
    image alone (`background="…"`, `background-image`, `background:url(…)`) is not judged;
    over an image with a colour (`background="ribbon.gif" bgcolor="#ffffff"`,
    `background:#fff url(…)`), it is judged on that colour, which is what shows where images
    are off (Outlook blocks them by default), and the message says so. Nor is text judged
    that its inline style or a stylesheet rule hides (`display:none`, `opacity:0`, …;
    `.preheader{display:none}`: the hidden preheader is written in the background's colour on
    purpose); `mso-hide:all` hides only from Outlook, so that text is.
    Text without a letter or digit (a `·` or `|` between links) is decoration, which WCAG
    leaves out of its contrast rule. The colours are quoted in one form, `#rrggbb` in lower
    case, however they are written (`#FFF`, `white`, `rgb(255, 255, 255)`: `#ffffff`); a
    translucent one as written (`rgba(0, 0, 0, 0.4)`), its ratio that of the blend. The text
    is quoted as written, a template's tags as they stand (`{{ first_name }}`), and a tag of a
    PHP view that prints a variable (`<?= $user->getShortName() ?>`), which is no text of the
    source, as "[name]" where it stands ("Здравствуйте, [user.getShortName]!"): never as the
    gap its empty value would leave, which reads as a broken greeting.

    ## Why it matters
    Light-grey disclaimers and pale buttons are unreadable on phones in daylight and for the
    one reader in twelve with low vision or colour blindness.

    ## Example
    `<td bgcolor="#ffffff"><span style="color:#aaaaaa">Условия акции</span></td>` (2.3:1)

    ## How to fix
    Darken the text or the background until the ratio reaches 4.5:1 (e.g. `#767676` on white).
    """
    facts = _facts(ctx)
    if not facts or not facts.low_contrast:
        return
    grouped: dict[tuple[str, str, str, float, bool, bool], list[int]] = {}
    for c in facts.low_contrast:  # the same button repeated is one entry with its lines
        # each colour in one form, wherever it was set (an inline "#AAAAAA", a rule's "#fff")
        fg, bg = _shown_color(c.foreground), _shown_color(c.background)
        key = (c.text, fg, bg, c.ratio, c.large, c.fallback)
        grouped.setdefault(key, []).append(c.line)
    entries = list(grouped.items())
    # (Joined, not str.join: each entry is said in the report's language too)
    shown: object = Joined(
        "; ",
        (
            t(
                # a text that is one template tag ({{ L.T "email.unsub" }}, *|UNSUB|*), whose
                # words only the rendering gives, is not quoted as if it were the copy
                # the colour an image is drawn over is judged as it shows where images are off
                _MESSAGES[whole_tag(text), fallback],
                text=text.strip() if whole_tag(text) else text,
                fg=fg,
                bg=bg,
                ratio=_shown_ratio(ratio, large),
                lines=ctx.said_lines(lines),
            )
            for (text, fg, bg, ratio, large, fallback), lines in entries[:LINES_LISTED]
        ),
    )
    if len(entries) > LINES_LISTED:
        shown = t("{shown} and {n} more", shown=shown, n=len(entries) - LINES_LISTED)
    yield Problem(
        tn(
            "{n} text below WCAG AA contrast: {shown}",
            "{n} texts below WCAG AA contrast: {shown}",
            len(facts.low_contrast),
            n=len(facts.low_contrast),
            shown=shown,
        ),
        location=ctx.html_at(facts.low_contrast[0].line),
        locations=_places(ctx, [c.line for c in facts.low_contrast]),
        lines_said=True,
    )


_QUOTED = N_("“{text}” {fg} on {bg} {ratio}:1 (line {lines})")
_OF_TAG = N_("the text of {text} {fg} on {bg} {ratio}:1 (line {lines})")
_QUOTED_FALLBACK = N_(
    "“{text}” where images are off: {fg} on its fallback {bg} {ratio}:1 (line {lines})"
)
_OF_TAG_FALLBACK = N_(
    "the text of {text} where images are off: {fg} on its fallback {bg} {ratio}:1 (line {lines})"
)
# (a text that is one template tag, a colour that is an image's fallback): the entry's message
_MESSAGES = {
    (False, False): _QUOTED,
    (True, False): _OF_TAG,
    (False, True): _QUOTED_FALLBACK,
    (True, True): _OF_TAG_FALLBACK,
}


@rule("A11Y007", "heading-order", Severity.WARNING, short="heading levels skipped (h1 → h3)")
def heading_order(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports headings that skip a level (an `<h1>` followed by an `<h3>`).

    ## Why it matters
    Screen-reader users move through an e-mail by its headings; a skipped level reads as
    missing content, and a heading chosen for its size rather than its rank breaks the outline.

    ## Example
    `<h1>Чёрная пятница</h1> … <h3>Условия</h3>`

    ## How to fix
    Use the next level (`<h2>`) and set the size with CSS.
    """
    facts = _facts(ctx)
    if not facts or not facts.headings:
        return
    jumps = []
    previous = 0
    for level, line in facts.headings:
        if previous and level > previous + 1:  # the first heading may be any level
            jumps.append((previous, level, line))
        previous = level
    if jumps:
        shown = Joined(
            ", ",
            (
                t("h{before} → h{after} (line {line})", before=before, after=after, line=shown)
                for before, after, line in jumps
                for shown in ctx.lines_in_file([line])
            ),
        )
        lines = [line for _before, _after, line in jumps]
        yield Problem(
            t("heading levels skipped: {shown}", shown=shown),
            location=ctx.html_at(lines[0]),
            locations=_places(ctx, lines),
            lines_said=True,
        )
