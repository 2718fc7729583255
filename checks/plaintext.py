"""TXT: the plain-text alternative."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule


@rule("TXT001", "plain-text-missing", Severity.WARNING, short="no plain-text alternative part")
def plain_text_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a campaign with an HTML part but no plain-text alternative, when the parts are
    known (an `.eml`, or a `campaign.toml` that names its parts).

    ## Why it matters
    Spam filters score HTML-only mail, and text-only clients and smart watches show nothing.

    ## Example
    A test send whose MIME structure is a single `text/html` part.

    ## How to fix
    Let the ESP generate the text version, or add `text = "email.txt"` to `campaign.toml`.
    """
    campaign = ctx.campaign
    if campaign.text_known and campaign.html is not None and not (campaign.text or "").strip():
        yield Problem(t("no plain-text part"), location="MIME parts")
