"""LNK (offline part): links that are wrong before anyone requests them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailcheck.domains import host_of, under
from mailcheck.i18n import t
from mailcheck.linkinfo import scheme
from mailcheck.model import Link, Severity
from mailcheck.rules import Context, Problem, rule
from mailcheck.templating import SYSTEM_PLACEHOLDER_HOST, whole_tag

PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "localhost")
# A whole href that is only a merge tag of some dialect, e.g. "{{ url }}", "*|LINK|*", "[% x %]".
WHOLE_TAG = re.compile(
    r"^\s*(\{\{.*\}\}|\{%.*%\}|\*\|.*\|\*|\[%.*%\]|%%.*%%|\$\{.*\}|%[a-z_.]+%|<%.*%>)\s*$", re.S
)


def placeholder_reason(link: Link) -> str | None:
    """Why a link cannot be a real destination, or None."""
    href = link.href.strip()
    if not href:
        return t("empty link")
    if href == "#":
        return t("link to “#”")
    if WHOLE_TAG.match(href):
        return t("unrendered merge tag as the whole link: {href}", href=href)
    s = scheme(href)
    if s == "javascript":
        return t("javascript: link")
    if s in ("mailto", "tel") and not href.split(":", 1)[1].strip():
        return t("empty {scheme}: link", scheme=s)
    host = host_of(href)
    if host and host != SYSTEM_PLACEHOLDER_HOST:
        for domain in PLACEHOLDER_DOMAINS:
            if under(host, domain):
                return t("placeholder host {host}", host=host)
    return None


@rule("LNK003", "link-placeholder", Severity.ERROR)
def link_placeholder(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links that cannot lead anywhere: `href=""`, `#`, `javascript:`, example.com /
    example.org / example.net, localhost, or an unrendered merge tag as the whole href.
    Images with such a `src` are reported too.

    ## Why it matters
    These are leftovers from the template: the button the whole campaign points to does
    nothing, or sends the reader to a domain nobody owns.

    ## Example
    `<a href="#" class="button">Купить со скидкой</a>` or
    `<a href="https://example.com/sale">Shop now</a>`.

    ## How to fix
    Put the real destination into the link. If the ESP fills it, use its system tag and list
    the variable in `system-variables`.
    """
    # One root cause, one finding: every “#” link of the campaign is one placeholder left in,
    # listed at each of its places.
    groups: dict[tuple[str, str], list[Link]] = {}
    # A template that could not be rendered (PER004) or read (PER007) keeps its tags: a tag
    # as the whole link is then the template's language, reported by those rules, not here.
    unrendered = ctx.campaign.kind != "eml" and bool(
        ctx.campaign.template_error or ctx.campaign.dialect_unclear
    )
    for link in ctx.campaign.all_links():
        if link.kind == "css":
            continue
        reason = placeholder_reason(link)
        if reason and unrendered and WHOLE_TAG.match(link.href.strip()):
            continue
        if reason and not _emptied_by_a_variable(ctx, link):
            groups.setdefault(("image" if link.is_image else "link", reason), []).append(link)
    for (what, reason), links in groups.items():
        texts = list(dict.fromkeys(link.text for link in links if link.text))
        shown = ", ".join(f"“{t}”" for t in texts[:5]) + (", …" if len(texts) > 5 else "")
        count = len(ctx.link_places(*links))
        yield Problem(
            _placeholder_message(what, count, shown, reason),
            url=links[0].href or None,
            locations=ctx.link_places(*links),
        )


def _placeholder_message(what: str, count: int, shown: str, reason: str) -> str:
    """“3 links (“Купить”, “Подробнее”): link to “#”” in the report's language."""
    if what == "image":
        label = t("{count} images", count=count) if count > 1 else t("image")
    else:
        label = t("{count} links", count=count) if count > 1 else t("link")
    if shown:
        return t("{label} ({texts}): {reason}", label=label, texts=shown, reason=reason)
    return t("{label}: {reason}", label=label, reason=reason)


def _emptied_by_a_variable(ctx: Context, link: Link) -> bool:
    """An href that is only a variable without a fallback renders empty: that variable's
    PER001 is the root cause, already reported at this link's line."""
    raw = link.raw or ""
    if link.href.strip() or not (WHOLE_TAG.match(raw) or whole_tag(raw)):
        return False
    return any(
        v.in_link and not (v.system or v.has_fallback or v.guarded) and v.name in link.raw
        for v in ctx.campaign.variables
    )


@rule("LNK004", "link-plain-http", Severity.WARNING)
def link_plain_http(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links and images that use plain `http://`.

    ## Why it matters
    Browsers warn about insecure pages, some clients block insecure images, and the UTM
    parameters travel unencrypted. A redirect to https costs one more round trip.

    ## Example
    `<a href="http://acme.ru/sale?utm_source=email">`

    ## How to fix
    Use `https://` for every link and image.
    """
    for renderings in ctx.link_sites():
        plain = [link for link in renderings if scheme(link.href) == "http"]
        if plain:
            yield Problem(
                t("plain http:// link"), url=plain[0].href, locations=ctx.link_places(*plain)
            )


URLISH = re.compile(r"^(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[^\W\d_]{2,})(?:[/:?#]\S*)?$", re.I)


@rule("LNK007", "link-text-mismatch", Severity.ERROR)
def link_text_mismatch(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a link whose visible text is a URL on another host than the one the link goes to.

    ## Why it matters
    "Shows one address, goes to another" is the signature of phishing: spam filters score it,
    and careful readers will not click.

    ## Example
    `<a href="https://click.esp.example/t/123">https://acme.ru/sale</a>`

    ## How to fix
    Make the text describe the destination in words ("Открыть каталог"), or make the shown URL
    the real one.
    """
    for link in ctx.campaign.all_links():
        if link.kind not in ("a", "area") or not link.text:
            continue
        shown = URLISH.match(link.text.strip())
        target = host_of(link.href)
        if not shown or not target or target == SYSTEM_PLACEHOLDER_HOST:
            continue
        shown_host = shown.group(1).lower().rstrip(".")
        if not (under(target, shown_host.removeprefix("www.")) or under(shown_host, target)):
            yield Problem(
                t(
                    "link text shows {shown} but the link goes to {target}",
                    shown=shown_host,
                    target=target,
                ),
                url=link.href,
                locations=ctx.link_places(link),
            )
