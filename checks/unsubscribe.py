"""UNS (offline part): a way out for every recipient, in the body and in the headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailcheck.i18n import t
from mailcheck.linkinfo import UNSUBSCRIBE_TAGS, UNSUBSCRIBE_WORDS, is_unsubscribe
from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule


def _header(ctx: Context, name: str) -> str | None:
    headers = ctx.campaign.headers
    if headers is None:
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _text_has_unsubscribe(text: str) -> bool:
    """A plain-text part offers a way out: the word near a URL, or an ESP unsubscribe tag."""
    if UNSUBSCRIBE_TAGS.search(text):
        return True
    for match in UNSUBSCRIBE_WORDS.finditer(text):
        window = text[max(0, match.start() - 200) : match.end() + 200]
        if re.search(r"https?://|mailto:", window):
            return True
    return False


@rule("UNS001", "unsubscribe-link-missing", Severity.ERROR)
def unsubscribe_link_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a campaign whose body has no unsubscribe link: no link whose text or URL says
    unsubscribe, opt out, отписаться, отписка, abmelden … and no ESP unsubscribe tag
    (`*|UNSUB|*`, `[% param.url_unsub %]`, `<%asm_global_unsubscribe_raw_url%>` …).

    ## Why it matters
    Marketing mail without a visible way out breaks the law (CAN-SPAM, GDPR, 38-ФЗ "О
    рекламе") and the Gmail/Yahoo bulk-sender rules; people press "Spam" instead.

    ## Example
    A footer that says "Вы получили это письмо, потому что подписались" and nothing more.

    ## How to fix
    Add a visible link to the footer: `<a href="{{ unsubscribe_url }}">Отписаться</a>`.
    """
    campaign = ctx.campaign
    if any(is_unsubscribe(link) for link in campaign.all_links()):
        return
    if campaign.html is None and campaign.text and _text_has_unsubscribe(campaign.text):
        return
    yield Problem(t("no unsubscribe link in the body"), location=campaign.html_label or "body")


@rule("UNS002", "list-unsubscribe-missing", Severity.ERROR)
def list_unsubscribe_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a missing `List-Unsubscribe` header when the headers are known: an `.eml` test
    send, or a `[headers]` table in `campaign.toml`.

    ## Why it matters
    Gmail, Yahoo and Outlook require it from bulk senders since 2024-2025; without it their
    "Unsubscribe" button is missing and recipients use "Report spam".

    ## Example
    A test send from the ESP whose headers have no `List-Unsubscribe`.

    ## How to fix
    Turn on the List-Unsubscribe header in the ESP, or add
    `List-Unsubscribe = "<https://…/u/{{ uid }}>, <mailto:unsub@…>"` under `[headers]`.
    """
    if ctx.campaign.headers is None:
        return
    value = _header(ctx, "List-Unsubscribe")
    if value is None or not value.strip():
        yield Problem(t("no List-Unsubscribe header"), location="headers")


@rule("UNS003", "one-click-unsubscribe-missing", Severity.WARNING)
def one_click_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a `List-Unsubscribe` header without RFC 8058 one-click support: the header needs
    an `https://` URL and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` must be set.

    ## Why it matters
    Gmail and Yahoo require one-click unsubscribe from bulk senders; a mailto-only header or a
    missing `-Post` header shows no button, or a button that does nothing.

    ## Example
    `List-Unsubscribe: <mailto:unsub@acme.ru>` alone.

    ## How to fix
    Add an https unsubscribe URL that accepts POST, and the header
    `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    """
    value = _header(ctx, "List-Unsubscribe")
    if value is None or not value.strip():
        return  # UNS002 reports the missing header
    problems = []
    if not re.search(r"<\s*https://", value, re.I):
        problems.append(t("no https URL in List-Unsubscribe"))
    post = _header(ctx, "List-Unsubscribe-Post") or ""
    if post.replace(" ", "").lower() != "list-unsubscribe=one-click":
        problems.append(t("no “List-Unsubscribe-Post: List-Unsubscribe=One-Click” header"))
    if problems:
        yield Problem(
            problems[0] if len(problems) == 1 else t("{a}; {b}", a=problems[0], b=problems[1]),
            location="headers",
        )
