"""SIZE: message size limits of the big mailbox providers."""

from __future__ import annotations

import quopri
from collections.abc import Iterator

import regex

from mailcheck.i18n import t, tn
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule

GMAIL_CLIP_BYTES = 102 * 1024
_C1_CONTROLS = regex.compile(r"[\x80-\x9f]")


def _kb(size: int) -> str:
    return t("{n} KB", n=f"{size / 1024:.0f}")


QP_GROWTH_MAX = 4  # quoted-printable output is under 4 times its input (3.13 at most)


@rule(
    "SIZE001",
    "html-clipped-by-gmail",
    Severity.ERROR,
    short="HTML part over 102 KB as sent: Gmail clips the message",
)
def html_clipped(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an HTML part over 102 KB as sent. For a saved test send (`.eml`) that is the part
    as it travelled (quoted-printable or base64 included): an error. For a template, the
    rendered HTML in UTF-8 over 102 KB is an error; when only its quoted-printable form (how
    most ESPs send HTML) is over, it is a warning — a Cyrillic letter takes 6 bytes there
    (`=D0=B0`), three times its size in the file.

    ## Why it matters
    Gmail clips longer messages behind "[Message clipped] View entire message": the footer
    with the unsubscribe link and the tracking pixel are hidden, so opens go uncounted.

    ## Example
    A newsletter with inlined CSS repeated on every table cell, 130 KB of HTML; or 60 KB of
    Russian copy that the ESP sends quoted-printable as 118 KB.

    ## How to fix
    Remove unused CSS and comments, shorten repeated inline styles, minify the HTML, or move
    content to the web version. Send a test to yourself and check the `.eml`.
    """
    campaign = ctx.campaign
    label = campaign.html_label or "html"
    if campaign.html_sent_bytes:
        if campaign.html_sent_bytes > GMAIL_CLIP_BYTES:
            sent_kb = _kb(campaign.html_sent_bytes)
            yield Problem(
                t(
                    "HTML part is {sent} as sent ({decoded} decoded); Gmail clips messages over "
                    "102 KB",
                    sent=sent_kb,
                    decoded=_kb(campaign.html_bytes),
                )
                if campaign.html_bytes
                else t(
                    "HTML part is {sent} as sent; Gmail clips messages over 102 KB", sent=sent_kb
                ),
                location=label,
            )
        return
    htmls = [r.html.encode("utf-8") for r in campaign.renders if r.html]
    size = max([campaign.html_bytes, *map(len, htmls)])
    if size > GMAIL_CLIP_BYTES:
        yield Problem(
            t("HTML is {size}; Gmail clips messages over 102 KB", size=_kb(size)), location=label
        )
        return
    largest = max(htmls, key=len, default=b"")
    # quoted-printable writes a byte as at most 3 characters, plus "=\r\n" per 73 of them:
    # under a quarter of the limit it cannot reach it, and encoding is the costly part
    clippable = QP_GROWTH_MAX * len(largest) > GMAIL_CLIP_BYTES
    sent = len(quopri.encodestring(largest)) if clippable else 0
    if sent > GMAIL_CLIP_BYTES:
        yield Problem(
            t(
                "HTML is {size}, but {sent} when sent quoted-printable (as most ESPs send HTML): "
                "Gmail may clip it; check a test send",
                size=_kb(size),
                sent=_kb(sent),
            ),
            location=label,
            severity=Severity.WARNING,
        )


@rule(
    "SIZE002",
    "c1-control-characters",
    Severity.WARNING,
    short="C1 control characters (U+0080–U+009F) in the HTML or text",
)
def c1_control_characters(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports C1 control characters (U+0080–U+009F) in the HTML or text as rendered: invisible
    code points that no text should contain.

    ## Why it matters
    They are windows-1252 quotes and dashes decoded as Latin-1 (`\\x92` for ’) or bytes of a
    broken charset conversion. Mail clients show them as boxes or nothing, and Gmail has been
    seen clipping even small messages that contain them.

    ## Example
    `Don\\x92t miss it` pasted from a Word document through a Latin-1 step.

    ## How to fix
    Replace them with the characters meant (’ – — “ ”) and save the file as UTF-8.
    """
    main = ctx.main
    parts = [
        (ctx.campaign.html_label or "html", main.html if main else ctx.campaign.html),
        ("text part", main.text if main else ctx.campaign.text),
    ]
    for place, text in parts:
        found = _C1_CONTROLS.findall(text or "")
        if found:
            shown = ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in found))
            yield Problem(
                tn(
                    "{n} C1 control character ({shown})",
                    "{n} C1 control characters ({shown})",
                    len(found),
                    n=len(found),
                    shown=shown,
                ),
                place,
            )
