"""PRE: the preheader (preview text)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from mailcheck.i18n import N_, t
from mailcheck.lengths import measure, over_with_unknown
from mailcheck.model import Severity
from mailcheck.rules import UNREAD_PARTS, Context, Problem, rule
from mailcheck.text import grapheme_len, quoted


def _preheader(ctx: Context) -> str:
    main = ctx.main
    text = main.preheader if main else ctx.campaign.preheader
    return (text or "").strip()


@rule("PRE001", "preheader-missing", Severity.WARNING, short="no preheader")
def preheader_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a campaign with no preheader: neither `preheader =` in `campaign.toml` nor a
    hidden preview element at the top of the HTML body. A message without an HTML part (plain
    text only) is not reported: it has no element to hide a preheader in, and its preview is
    its own first line.

    ## Why it matters
    Without a preheader, clients fill the preview line with the first body text they find:
    "View in browser", an image's alt text or the legal footer.

    ## Example
    An HTML body that starts with the logo table and no hidden
    `<div style="display:none">…</div>` before it.

    ## How to fix
    Add a hidden preheader element as the first thing in `<body>`, or set `preheader =` in
    `campaign.toml` when the ESP inserts it.
    """
    if ctx.campaign.html is None and not (ctx.main and ctx.main.html):
        return  # plain text only: the first line is the preview, nothing to add
    if not _preheader(ctx):
        main = ctx.main
        document = main.document if main else ctx.campaign.static
        late = document.late_preheader if document is not None else None
        if late is not None:
            text, line, before = late
            message = t(
                "no preheader at the top: the first hidden text, “{text}”, comes after "
                "visible text, “{before}”, which inboxes show as the preview instead (a "
                "preheader goes first in <body>)",
                text=quoted(text, 40),
                before=quoted(before, 40),
            )
            yield Problem(message, location=ctx.html_at(line))
            return
        # a header partial the template pulls in may hold it: PER009 then lists it
        cause = UNREAD_PARTS if ctx.campaign.outside_parts else ""
        yield Problem(t("no preheader (preview text) found"), location="preheader", cause=cause)


@rule(
    "PRE002",
    "preheader-too-long",
    Severity.ERROR,
    short="preheader longer than preheader-max (90) characters",
)
def preheader_too_long(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a preheader longer than `preheader-max` (90) user-perceived characters, measured
    as rendered with the longest sample values. The invisible padding after a preheader
    (`&zwnj;&nbsp;` runs) is not counted.

    ## Why it matters
    Gmail shows about 90 characters of preview; the rest is cut mid-word.

    ## Example
    A 120-character preheader that lists every category on sale: "Только до воскресенья:
    скидки до 70% на пуховики, ботинки, шапки, шарфы, варежки, перчатки и всё для катка" —
    Gmail shows it up to "варежки, пер…".

    ## How to fix
    Keep the preheader to one short sentence that complements the subject.
    """
    text = _preheader(ctx)
    limit = ctx.config.preheader_max
    if grapheme_len(text) <= limit:
        return
    measured = measure(text, ctx.campaign)
    shown = quoted(measured.shown)
    main = ctx.main
    document = main.document if main else ctx.campaign.static
    by_name = document is not None and document.preheader_by_name
    if by_name and not ctx.campaign.preheader_explicit and measured.length > limit:
        message = t(
            "could not verify the preheader: the element named “preheader” holds {length} "
            "characters, limit {limit}, but no style of its own hides it, so it may be the "
            "body's first line, which inboxes cut where it does not fit: “{text}”",
            length=measured.length,
            limit=limit,
            text=shown,
        )
        yield Problem(message, "preheader", severity=Severity.WARNING)
    elif measured.certain:
        message = t(
            "preheader is {length} characters, limit {limit}: “{text}”",
            length=measured.length,
            limit=limit,
            text=shown,
        )
        yield Problem(message, "preheader")
    else:
        yield over_with_unknown(
            measured,
            limit,
            "preheader",
            over=N_(
                "preheader is {length} characters without what the send fills in ({unknown}), "
                "limit {limit}: “{text}”"
            ),
            unverified=N_(
                "could not verify the preheader's length: {length} characters, limit {limit}, "
                "and then what the send fills in ({unknown}): “{text}”"
            ),
        )


# str.isalnum() characters, matched in C rather than tested one by one in Python (the same set:
# re's \w is isalnum() plus "_"; a preheader found in the HTML can be a whole paragraph)
_ALNUM_RUN = re.compile(r"[^\W_]+")


def _normalised(text: str) -> str:
    return "".join(_ALNUM_RUN.findall(unicodedata.normalize("NFKC", text.casefold())))


@rule(
    "PRE003", "preheader-repeats-subject", Severity.WARNING, short="preheader repeats the subject"
)
def preheader_repeats_subject(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a preheader that repeats the subject (ignoring case, spaces and punctuation), or
    starts with it.

    ## Why it matters
    Subject and preheader are shown side by side: repeating the subject wastes the second
    line that could carry the offer.

    ## Example
    Subject "Чёрная пятница в ACME", preheader "Чёрная пятница в ACME!".

    ## How to fix
    Use the preheader for what the subject does not say: the deadline, the discount, the
    benefit.
    """
    main = ctx.main
    subject = _normalised(main.subject or "") if main else ""
    pre = _normalised(_preheader(ctx))
    if subject and pre and (pre == subject or pre.startswith(subject)):
        yield Problem(t("preheader repeats the subject"), location="preheader")
