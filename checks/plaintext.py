"""TXT: the plain-text alternative."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.i18n import t, tn
from mailcheck.model import Severity, WrappedUrl
from mailcheck.rules import PLACES_LISTED, Context, Problem, listed_lines, rule
from mailcheck.text import quoted


def _parts_known(ctx: Context) -> bool:
    return ctx.campaign.text_known and ctx.campaign.html is not None


@rule(
    "TXT001",
    "plain-text-missing",
    Severity.WARNING,
    short="no plain-text alternative part",
    applies=_parts_known,
)
def plain_text_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a campaign with an HTML part but no plain-text alternative, when the parts are
    known (an `.eml`, or a `campaign.toml` that names its parts); a plain-text part that is
    there but empty (or only blank lines) is reported as empty.

    ## Why it matters
    Spam filters score HTML-only mail, and text-only clients and smart watches show nothing.

    ## Example
    A test send whose MIME structure is a single `text/html` part, or a
    `multipart/alternative` whose `text/plain` part is empty.

    ## How to fix
    Let the ESP generate the text version, or add `text = "email.txt"` to `campaign.toml`.
    """
    campaign = ctx.campaign
    if not campaign.text_known or campaign.html is None:
        return
    if campaign.text is None:
        yield Problem(t("no plain-text part"), location="MIME parts")
    elif not campaign.text.strip():  # a part there, but blank: its readers see nothing
        yield Problem(
            t("the plain-text part is empty: readers of the text part see a blank message"),
            location=campaign.text_label,
        )


@rule(
    "TXT002",
    "text-url-wrapped",
    Severity.WARNING,
    short=(
        "a URL in the text part is cut by a line break: text-only readers get only its first line"
    ),
)
def text_url_wrapped(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports the URLs of the plain-text part that a hard line break cuts: a URL that ends a
    long line (60 characters or more, as a mail program wraps them) and goes on at the start of
    the next, as one finding listing every line. mailcheck reads such a URL whole (its links
    are checked as the whole URL), so this finding is what says that readers do not.

    ## Why it matters
    Mail clients do not join a URL again across a line break: a reader of the text part gets
    a link to the first line's part only, which usually leads to a wrong or missing page. A
    warning: the cut link may still resolve, and which part a client links is not certain.

    ## Example
    Outlook's text part, wrapped at 76 columns:

    ```
    To unsubscribe: http://www.acme.test/newsletter/preferences/cancellation/c
    onfirm.asp?list=weekly
    ```

    ## How to fix
    Do not let a URL be wrapped: put it on a line of its own and turn off the ESP's (or the
    mail program's) line wrapping of the text part. `format=flowed` is not enough for URLs:
    many clients ignore it, and it cannot break a URL, which has no space, safely.
    """
    seen: dict[tuple[int, str], WrappedUrl] = {}
    for rendered in ctx.campaign.renders:
        for wrapped in rendered.text_wrapped:
            seen.setdefault((wrapped.line, wrapped.url), wrapped)
    if not seen:
        return
    found = sorted(seen.values(), key=lambda w: w.line)
    lines = [w.line for w in found]
    first = found[0]
    label = ctx.campaign.text_label
    places = tuple(dict.fromkeys(f"{label}:{line}" for line in lines))
    yield Problem(
        tn(
            "{n} URL in the text part cut by a line break (line {lines}): text-only readers "
            "get only the first line's part, “{cut}”, without “{lost}” from the next line; put "
            "each URL on a line of its own, unwrapped",
            "{n} URLs in the text part cut by a line break (line {lines}): text-only readers "
            "get only the first line's part, “{cut}”, without “{lost}” from the next line; put "
            "each URL on a line of its own, unwrapped",
            len(dict.fromkeys(lines)),
            n=len(dict.fromkeys(lines)),
            cut=_cut_shown(first.cut),
            lost=quoted("".join(first.pieces[1:]), _LOST_SHOWN),
            lines=listed_lines(ctx.lines_in_file(lines, label)),
        ),
        location=places[0],
        locations=places[:PLACES_LISTED],
        url=first.url,
        lines_said=True,
    )


_LOST_SHOWN = 60  # characters quoted of what the next lines hold of the URL: the part lost


def _cut_shown(cut: str) -> str:
    """The cut URL as a message quotes it: where it ends is what matters ("…/meteo/c")."""
    return cut if len(cut) <= 40 else "…" + cut[-36:]
