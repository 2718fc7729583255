"""SIZE: message size limits of the big mailbox providers."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule

GMAIL_CLIP_BYTES = 102 * 1024


@rule("SIZE001", "html-clipped-by-gmail", Severity.ERROR)
def html_clipped(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an HTML part over 102 KB as sent (the rendered HTML in its charset, before
    transfer encoding; the largest of the rendered variants).

    ## Why it matters
    Gmail clips longer messages behind "[Message clipped] View entire message": the footer
    with the unsubscribe link and the tracking pixel are hidden, so opens go uncounted.

    ## Example
    A newsletter with inlined CSS repeated on every table cell, 130 KB of HTML.

    ## How to fix
    Remove unused CSS and comments, shorten repeated inline styles, minify the HTML, or move
    content to the web version.
    """
    campaign = ctx.campaign
    sizes = [campaign.html_bytes]
    sizes += [len(r.html.encode("utf-8")) for r in campaign.renders if r.html]
    size = max(sizes)
    if size > GMAIL_CLIP_BYTES:
        yield Problem(
            f"HTML is {size / 1024:.0f} KB; Gmail clips messages over 102 KB",
            location=campaign.html_label or "html",
        )
