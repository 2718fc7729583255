"""UTM (offline part): analytics tags on links to the sender's own sites."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit

from mailcheck.domains import URL_CACHE_SIZE, ascii_host, host_of, org_domain, under
from mailcheck.i18n import Joined, Message, first_and_more, t
from mailcheck.linkinfo import (
    is_download,
    is_unsubscribe,
    is_web,
    manages_subscription,
    tracked_target,
    unfilled,
)
from mailcheck.model import Link, Severity
from mailcheck.rules import Context, Problem, per_campaign, rule
from mailcheck.templating import SYSTEM_PLACEHOLDER_HOST, leftover_tags
from mailcheck.trackers import (
    LANDING_KEYS,
    KnownTracker,
    known_tracker,
    opaque_token,
    raw_query_pairs,
)

# Values of these keys legitimately differ between the links of one campaign.
VARYING = {"utm_content", "utm_term"}


@lru_cache(maxsize=URL_CACHE_SIZE)  # three UTM rules read the same links
def _query_pairs(url: str) -> tuple[tuple[str, str], ...]:
    """The query string's parameters as analytics reads them (not the fragment's)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return ()
    return tuple(parse_qsl(query, keep_blank_values=True))


def utm_pairs(url: str) -> tuple[tuple[str, str], ...]:
    """UTM parameters of the query string (not the fragment, which analytics never reads)."""
    return tuple((k, v) for k, v in _query_pairs(url) if k.startswith("utm_"))


def escaped_twice(url: str) -> list[str]:
    """The UTM keys of the query written after an "&" escaped twice ("&amp;amp;utm_medium"
    in the HTML is "&amp;utm_medium" in the URL: analytics reads a key "amp;utm_medium")."""
    keys = (k.lower() for k, _ in _query_pairs(url))
    return [k.removeprefix("amp;") for k in keys if k.startswith("amp;utm_")]


# "?utm_medium=" inside a value: a tail pasted onto a URL that had its "?" already
_SECOND_QUESTION = re.compile(r"\?(utm_\w+)=", re.IGNORECASE)


def after_second_question(url: str) -> list[str]:
    """The UTM keys written after a second "?" (``?utm_source=email?utm_medium=email``): to
    analytics they are part of the value before them."""
    return [key for _, value in _query_pairs(url) for key in _tail_keys(value)]


def _tail_keys(value: str) -> list[str]:
    """The UTM keys a query value carries after a "?" of its own."""
    return [key.lower() for key in _SECOND_QUESTION.findall(value)]


# Missing UTM keys that are written after all: after "#", after an "&" escaped twice, after a
# second "?"
_Causes = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _where_they_are(
    after_hash: tuple[str, ...], escaped: tuple[str, ...], second: tuple[str, ...]
) -> Joined | None:
    """Where the missing keys are written after all, when they are: the cause to fix."""
    found: list[Message] = []
    if after_hash:
        found.append(
            t(
                "{found} found after “#”, where analytics ignores it",
                found=", ".join(after_hash),
            )
        )
    if escaped:
        found.append(
            t(
                "{found} written after “&amp;amp;”: the link is HTML-escaped twice, so "
                "analytics reads “amp;{first}”",
                found=", ".join(escaped),
                first=escaped[0],
            )
        )
    if second:
        found.append(
            t(
                "{found} written after a second “?”, inside the value before that “?”",
                found=", ".join(second),
            )
        )
    return Joined("; ", found) if found else None


def fragment_utms(url: str) -> list[str]:
    """The UTM keys written after "#": as a query there too (``#promo?utm_source=…``, a
    single-page site's route ``#/sale?utm_source=…``), or as the whole fragment."""
    try:
        fragment = urlsplit(url).fragment
    except ValueError:
        return []
    query = fragment.partition("?")[2] or fragment
    return [k for k, _ in parse_qsl(query, keep_blank_values=True) if k.startswith("utm_")]


@per_campaign  # the three UTM rules and UTM002's reference values read them: judged once
def utm_links(ctx: Context) -> tuple[Link, ...]:
    """Clickable web links the UTM rules judge: unsubscribe, preference-centre (a link that
    manages the reader's e-mail preferences) and ESP system links are exempt, and so are a
    layout's stand-ins (example.com): LNK003 reports them, and their UTMs go with the address
    that replaces them (one root cause, one finding)."""
    sender = ctx.from_domain  # (the From address, parsed once per campaign)
    return tuple(
        link
        for link in ctx.all_links()
        if link.kind in ("a", "area")
        and is_web(link.href)
        and host_of(link.href) != SYSTEM_PLACEHOLDER_HOST
        and not is_unsubscribe(link, (), sender)
        and not manages_subscription(link)
        and not _stand_in(ctx, link)
    )


def _stand_in(ctx: Context, link: Link) -> bool:
    reason = ctx.placeholder(link)
    return reason is not None and unfilled(reason)


def tracked_domains(ctx: Context) -> list[str]:
    """``tracked-domains``, or else the organisational domain of the From address, in their
    ASCII form (as ``on_tracked`` compares them)."""
    if ctx.config.tracked_domains:
        return [ascii_host(d.strip().lstrip(".")) for d in ctx.config.tracked_domains]
    sender = ctx.from_domain
    return [ascii_host(org_domain(sender))] if sender else []


def tracked(link: Link, domains: list[str]) -> bool:
    return on_tracked(link.href, domains)


def on_tracked(url: str, domains: list[str]) -> bool:
    """Whether the URL's host is one of ``domains`` (ASCII forms) or under one. Hosts are
    compared as A-labels: "магазин.рф" and "xn--80aairftm.xn--p1ai" are one site, whichever
    way the link, the From address or ``tracked-domains`` writes it."""
    host = host_of(url)
    return bool(host) and any(under(ascii_host(host), d) for d in domains)


@rule(
    "UTM001",
    "utm-missing",
    Severity.ERROR,
    short="link to a tracked domain lacks a required UTM parameter",
)
def utm_missing(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports links to a tracked domain that lack a required UTM parameter
    (`required-utm`: utm_source, utm_medium, utm_campaign by default). The links that lack
    the same ones are one finding, at every place. Tracked domains are
    `tracked-domains`, or else the organisational domain of the From address. A
    click-tracking link (a test send's links go through the ESP's tracker) is judged, when
    links are checked, by the page on a tracked domain where its redirects end (an answer
    from the link cache is said with its age, as the link rules say it). So is a click
    tracker on a tracked domain itself (a branded tracker, `click.acme.ru/ls/click?upn=…`)
    that lacks them: its own URL says nothing of the landing page's UTMs. Offline, when its
    redirects were not followed, or when it answered without a redirect (a tracker that
    forwards with a page of its own, a `<meta>` refresh or a script), such a link is a
    warning "could not verify", which names the ESP when the link has a known ESP's
    click-tracker shape: HubSpot's `/e3t/…`, Oracle Eloqua's `/e/er?…&lid=…`, SendGrid's
    `/ls/click?upn=…`, Mailgun's `email.…/c/…`, Customer.io's `/e/c/…`, SparkPost's `/f/a/…`,
    Salesforce Marketing Cloud's `click.…/?qs=…`, and the ESPs' own tracking hosts (the table
    is `mailcheck/data/click_trackers.toml`). Otherwise a link on a tracked domain is taken
    for a tracker only when its query writes no readable target, it carries an opaque token
    (a path segment or query value, or a piece of one between dots, dashes, underscores or
    tildes, that looks encoded: base64/base62 of 16 or more characters mixing upper case,
    lower case and digits, standard base64's `+` and `/` included, or a hexadecimal run of 25
    or more; an upper-case code such as a SKU, an order or a promo code, a slug, words run
    together with capitals (`emailDecember2026`, `iPhone15ProMax256GB`), a year, a size, a
    UUID (an order's) or a 24-digit MongoDB ObjectId (a category's) is none, and neither is
    the value of a key a page reads, such as `sku`, `order`, `promo`, `id`, `ref`, `src`,
    `page`, `session` or `sig`; a path's first segment counts only on a tracker's host), and
    its path is a tracker's (`/ls/click`, `/wf/click`, `/c/`, `/r/`, `/l/`, `/redirect`,
    `/redir`, `/track`, `/click`; there a run of 32 or more letters and digits is a token too)
    or its host's first label is (`click.`, `links.`, `track.`, `go.` …). So is a redirect
    script by its name (`/rd/rd.cfm`, `/cgi-bin/goto`) with a code that has digits in a key
    no page reads (`?on=de020756`, `&mid=9665862091709486`), and a CGI script whose whole
    query is one encoded token (`/cgi-bin/gx.cgi/mcp?p=041H1h041H2g55Ep6l012000WRnwBz`):
    `acme.ru/sale` and `acme.ru/track?order=15` are pages, judged on their own URL, and so is
    a link with a parameter an ESP appends to the landing page (Marketo's `mkt_tok`,
    HubSpot's `_hsenc`, Klaviyo's `_kx`, Mailchimp's `mc_cid`). A target the query writes,
    as a URL, hex-encoded (`/redirect/?href=68747470…`) or as a path of the same site
    (`/redirect?to=/sale`), or that a known shape writes (Amazon SES's `/CL0/<URL>/…`,
    Postmark's `/3s/<host%2Fpath>/…`, Unisender's base64 `url=`), is where the tracker sends
    the reader: its UTMs count, and a target on another site is a partner's page, not judged.
    Unsubscribe, preference-centre, `mailto:` and `tel:` links are exempt, and so are
    downloads (a PDF, an archive, a PGP key, a calendar file, an image), which no analytics
    reads. A preference-centre link is
    one whose words name the mailings' preferences ("Manage your newsletter preferences",
    «настройки рассылки»), or say a change of a subscription, preferences or interests in a
    sentence or beside a URL that names the mailings ("To learn about other newsletters or to
    change your subscription visit …"), or whose URL names the managing
    (`/profile/change_interests.html`, `/email-preferences`, `/preference-center`); an offer
    to change a subscription, a profile or settings ("Update your coffee subscription",
    "Update your profile", under `/subscriptions/`, `/account/`, `/profile/`) is checked. In a
    plain-text part a URL is named by the words that lead up to it (a paragraph above it only
    when it ends with a colon), and one the mail program hard-wrapped is read
    whole. UTMs written after "#",
    after an "&" the editor escaped twice (`&amp;amp;utm_medium` in the HTML: analytics
    reads a key `amp;utm_medium`) or after a second "?" (`?color=red?utm_source=…`: part of
    the value of `color`) are missing too, and the finding says so.

    ## Why it matters
    Untagged clicks land in "direct" or "referral" in GA4 and Yandex Metrica: the campaign's
    revenue is invisible in the client's report.

    ## Example
    `<a href="https://acme.ru/catalog">` in a campaign from `news@acme.ru`.

    ## How to fix
    Add the parameters: `https://acme.ru/catalog?utm_source=email&utm_medium=email&utm_campaign=bf-2026`.
    UTMs after `#` are not read by analytics: put them in the query string.
    """
    required = ctx.config.required_utm
    domains = tracked_domains(ctx)  # once: the From address is parsed to find its domain
    # One finding per gap: the links that lack the same parameters (the same way) were
    # tagged, or not, by one hand: every one of them is listed at its places.
    # (missing, where they are written after all, behind a click tracker)
    gaps: dict[tuple[tuple[str, ...], _Causes, bool], list[Link]] = {}
    landings: dict[Link, str] = {}  # a click-tracking link's judged page, where it is known
    unverified: list[Link] = []  # trackers on a tracked domain whose landing is unknown
    esps: list[str] = []  # the ESP of each of them whose tracker's shape is known, else ""
    for link in utm_links(ctx):
        if tracked(link, domains):
            present = _present_utms(link.href)
            page = link.href
            targets = _wrapped_targets(link.href)
            if targets and not any(on_tracked(target, domains) for target in targets):
                continue  # a redirect to another site, as its query writes: a partner's page
            shape = None if all(k in present for k in required) else own_tracker(link.href)
            if shape:
                # a branded click tracker: its landing page has the UTMs, or lacks them
                known, landing = _landing(ctx, link, domains)
                if not known:
                    unverified.append(link)
                    esps.append(shape.esp)
                if not landing:
                    continue
                page, present = landing, set()  # (no URL on its way had any UTM)
                landings[link] = page
        elif landing := _tracked_landing(ctx, link, domains):
            page, present = landing, set()  # (no URL on its way had any UTM)
            landings[link] = page
        else:
            continue
        if is_download(page):
            continue
        missing = tuple(k for k in required if k not in present)
        if missing:
            after_hash = tuple(k for k in missing if k in fragment_utms(page))
            escaped = tuple(k for k in missing if k in escaped_twice(page))
            second = tuple(k for k in missing if k in after_second_question(page))
            causes = (after_hash, escaped, second)
            gaps.setdefault((missing, causes, link in landings), []).append(link)
    for (missing, causes, tracker), links in gaps.items():
        lacks = ", ".join(missing)
        written = ctx.one_per_written(links)  # (a loop's copies of one written link: one)
        firsts = list(dict.fromkeys(landings.get(link, link.href) for link in written))
        # a click tracker's copies (a loop's, one per product) each lead to a page of their
        # own, each judged: every page that lacks them is named, not the first product's
        hrefs = list(dict.fromkeys(landings[link] for link in links)) if tracker else firsts
        if tracker:
            lacks = t("{missing} (on the page a click-tracking link leads to)", missing=lacks)
        why = _where_they_are(*causes)
        message: str
        if len(hrefs) == 1 or len(firsts) == 1:
            message = (
                t("link lacks {missing} ({why})", missing=lacks, why=why)
                if why
                else t("link lacks {missing}", missing=lacks)
            )
            if len(hrefs) > 1:
                message = _pages_named(ctx, message, written[0], links, hrefs)
        else:
            urls = first_and_more(hrefs, 3)
            message = (
                t(
                    "{count} links lack {missing} ({why}): {urls}",
                    count=len(firsts),
                    missing=lacks,
                    why=why,
                    urls=urls,
                )
                if why
                else t(
                    "{count} links lack {missing}: {urls}",
                    count=len(firsts),
                    missing=lacks,
                    urls=urls,
                )
            )
        # judged on the tracker's answer (where its redirects ended): from the link cache, the
        # finding is that old, as every finding judged on a link's answer says
        answers = [ctx.facts.link(link.href) for link in links] if tracker else []
        cached = next((r for r in answers if r is not None and r.from_cache), None)
        yield Problem(
            ctx.answer_noted(message, cached) if cached is not None else message,
            url=hrefs[0] if len(hrefs) == 1 else None,
            locations=ctx.link_places(*links),
        )
    if unverified:
        yield _unverified_trackers(ctx, unverified, required, esps)


def _pages_named(
    ctx: Context, message: str, written: Link, links: list[Link], pages: list[str]
) -> str:
    """UTM001's ``message`` about one click-tracking link of the template that renders to
    several URLs (a loop's, one per product) of which ``links`` lead to ``pages`` without
    the UTMs: naming each page, and whether that is so at every URL it renders to."""
    source = written.raw or written.href
    total = len({link.href for link in utm_links(ctx) if (link.raw or link.href) == source})
    count = len({link.href for link in links})
    shown = first_and_more(pages, 3)
    if count >= total:
        return t(
            "{message} — at every URL it renders to ({count}), leading to {urls}",
            message=message,
            count=count,
            urls=shown,
        )
    return t(
        "{message} — at {count} of the {total} URLs it renders to, leading to {urls}",
        message=message,
        count=count,
        total=total,
        urls=shown,
    )


def _unverified_trackers(
    ctx: Context, links: list[Link], required: tuple[str, ...], esps: list[str]
) -> Problem:
    """The warning for click trackers on a tracked domain whose landing page is unknown (one
    cause: where they lead was not followed), at every place. ``esps``: each link's ESP, when
    its tracker's shape is a known ESP's (else ""): when every link's is, the warning names
    them ("SendGrid or Klaviyo click tracking")."""
    hrefs = list(dict.fromkeys(link.href for link in ctx.one_per_written(links)))
    keys = ", ".join(required)
    if all(esps):
        named = ", ".join(dict.fromkeys(esps))
        return Problem(
            _named_unverified(hrefs, keys, named),
            url=hrefs[0] if len(hrefs) == 1 else None,
            severity=Severity.WARNING,
            locations=ctx.link_places(*links),
        )
    if len(hrefs) == 1:
        message = t(
            "could not verify that the link has {required} (click-tracking link; the landing "
            "page's UTMs are known only after the redirect)",
            required=keys,
        )
    else:
        urls = first_and_more(hrefs, 3)
        message = t(
            "could not verify that {count} links have {required} (click-tracking links; the "
            "landing pages' UTMs are known only after the redirect): {urls}",
            count=len(hrefs),
            required=keys,
            urls=urls,
        )
    return Problem(
        message,
        url=hrefs[0] if len(hrefs) == 1 else None,
        severity=Severity.WARNING,
        locations=ctx.link_places(*links),
    )


def _named_unverified(hrefs: list[str], keys: str, esps: str) -> Message:
    """The "could not verify" message of click trackers whose ESPs are known."""
    if len(hrefs) == 1:
        return t(
            "could not verify that the link has {required} ({esp} click tracking; the landing "
            "page's UTMs are known only after the redirect)",
            required=keys,
            esp=esps,
        )
    urls = first_and_more(hrefs, 3)
    return t(
        "could not verify that {count} links have {required} ({esp} click tracking; the "
        "landing pages' UTMs are known only after the redirect): {urls}",
        count=len(hrefs),
        required=keys,
        esp=esps,
        urls=urls,
    )


@rule(
    "UTM002",
    "utm-inconsistent",
    Severity.ERROR,
    short="UTM tag values differ from the campaign's settings or between its links",
)
def utm_inconsistent(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a UTM value that differs from the campaign's `[utm]` table in `campaign.toml`, or
    from the value most links of the campaign use (utm_content and utm_term may differ). Links
    to the tracked domains are compared (as in UTM001): a partner's link carries the UTMs
    agreed with the partner. Downloads (a PDF, an archive, a PGP key, a calendar file, an
    image) are not compared, as UTM001 does not ask them for UTMs: no analytics reads them
    there, so their values split no report. A value with a UTM tail pasted after a second "?"
    (`utm_source=email?utm_medium=email`) is UTM001's finding, which names that cause. A
    plain-text URL written with no space before the next word (`…&utm_source=newsletterПодробнее`,
    `…&utm_campaign=sale.Next`, `…&utm_campaign=sale—уже`: a dash, quote or ellipsis between)
    takes the word in, as every mail client links it: the finding says so rather than
    "upper-case letters".

    ## Why it matters
    One campaign split over two names ("black-friday" and "black_friday") shows up as two
    rows in the report, each with half of the revenue.

    ## Example
    Nine links with `utm_campaign=bf-2026` and one with `utm_campaign=bf2026`.

    ## How to fix
    Generate the UTM tail once (from `[utm]`) and paste the same tail into every link.
    """
    # One wrong value is one finding, at every link that carries it; a value that is also
    # malformed (UTM003) says so here instead of giving a second finding.
    plain = ctx.campaign.html is None  # a message of text alone: its links are the text's
    for (key, value), (should, links) in inconsistent_values(ctx).items():
        in_text = all((plain or link.in_text) and _ends(link, key, value) for link in links)
        also = _malformed(value, in_text, _reference(ctx, key) if in_text else None)
        pair = f"{key}={value!r}"
        yield Problem(
            t("{pair}, {should}: {also}", pair=pair, should=should, also=also)
            if also
            else t("{pair}, {should}", pair=pair, should=should),
            url=links[0].href,
            locations=ctx.link_places(*links),
        )


@per_campaign  # UTM002 reports them, UTM003 leaves them to it: worked out once for both
def inconsistent_values(ctx: Context) -> dict[tuple[str, str], tuple[str, list[Link]]]:
    """(key, value) pairs that differ from ``[utm]`` or from the campaign's usual value: what
    the value should be, and the links that carry it."""
    # a partner's link carries the UTMs agreed with the partner, not the campaign's: only links
    # to the sender's own (tracked) sites are compared, when they are known
    domains = tracked_domains(ctx)
    # nor a download's (a PDF, an archive): no page loads there to read its UTMs, which UTM001
    # does not ask for either; its values neither differ nor make the usual one
    links = [
        link
        for link in utm_links(ctx)
        if (not domains or tracked(link, domains)) and not is_download(link.href)
    ]
    # UTM001 judges the links only when it knows the tracked domains
    cut = bool(domains) and ctx.config.selects("UTM001")
    values = {link: _judged_values(link, ctx.config.required_utm, cut) for link in links}
    expected = {k: v for k, v in ctx.campaign.utm.items() if k not in VARYING}
    counts: dict[str, Counter[str]] = {}
    for link in links:
        for key, value in values[link]:
            if key not in VARYING:
                counts.setdefault(key, Counter())[value] += 1
    usual = {k: c.most_common(1)[0][0] for k, c in counts.items() if len(c) > 1}
    found: dict[tuple[str, str], tuple[str, list[Link]]] = {}
    for link in links:
        for key, value in values[link]:
            if key in expected and value != expected[key]:
                should = t("the campaign sets {value}", value=repr(expected[key]))
            elif key not in expected and key in usual and value != usual[key]:
                should = t("other links of the campaign use {value}", value=repr(usual[key]))
            else:
                continue
            found.setdefault((key, value), (should, []))[1].append(link)
    return found


# "http" hex-encoded: how a target written in hex (``&href=68747470733a2f2f…``) begins
_HEX_HTTP = "68747470"
_HEX = re.compile(r"(?:[0-9a-fA-F]{2}){8,}")


def _hex_target(value: str) -> str | None:
    """The web address a query value writes hex-encoded (a mailer's
    ``/redirect/?href=68747470733a2f2f…``), or None."""
    if not value.lower().startswith(_HEX_HTTP) or not _HEX.fullmatch(value):
        return None
    try:
        decoded = bytes.fromhex(value).decode("ascii")
    except ValueError:
        return None
    return decoded if decoded.startswith(("http://", "https://")) else None


def _wrapped_targets(url: str) -> list[str]:
    """The web addresses the link writes as where it sends the reader: a query value that is a
    URL (percent-encoded or not), hex-encoded, or a path of the same site (``?to=/sale``), or
    the target a known ESP's tracker shape writes (Amazon SES's ``/L0/<URL>/…``, Unisender's
    base64 ``url=``)."""
    known = known_tracker(url)
    if known and known.target:
        return [known.target]
    query = url.partition("?")[2]
    lowered = query.lower()
    if not any(mark in lowered for mark in _TARGET_MARKS):
        return []  # no URL in its query: the common case, without parsing it
    try:
        query = urlsplit(url).query
    except ValueError:
        return []
    targets = []
    for _, value in parse_qsl(query):
        if value.startswith(("http://", "https://")):
            target: str | None = value
        elif value.startswith("/") and not value.startswith("//"):
            target = urljoin(url, value)  # a page of the same site: a readable target
        else:
            target = _hex_target(value)
        if target:
            targets.append(target)
    return targets


# What a query writing a target has: a URL's scheme (percent-encoded or not), a URL in hex,
# a value that is a path ("=/", "=%2f")
_TARGET_MARKS = ("%3a", "://", _HEX_HTTP, "=/", "=%2f")


@lru_cache(maxsize=URL_CACHE_SIZE)
def _wrapped_utms(url: str) -> frozenset[str]:
    """The UTM keys of a page a click-tracking link wraps (``…/track?url=https%3A…utm_source``,
    or the address written in hex): the tracker sends the reader there, with them."""
    return frozenset(key for target in _wrapped_targets(url) for key, _ in utm_pairs(target))


# A click tracker on the sender's own domain (an ESP's branded link domain), when its URL has
# no shape of a known ESP's (mailcheck/data/click_trackers.toml): a tracker's path (/c/…,
# /r/…, /redirect, /track/click) or first host label (click.acme.ru, links.acme.ru), and an
# opaque token (a query value or path segment of an encoding's alphabet) in place of a
# readable target. Both, so that a page of the site ("/track?order=15", "click.acme.ru/sale")
# is no tracker
_TRACKER_PATH = re.compile(
    r"/(?:ls/click|wf/click|c|r|l|redirect|redir|track|tracking|click|clicks)(?:/|$)"
)
# A redirect script by its name, under /cgi-bin/ or not ("/rd/rd.cfm", "/cgi-bin/goto",
# "/redirect.php"): a name only a redirect has, which shows no page of its own. The
# identifier it reads needs no encoding to be the click's: a code with digits ("on=de020756",
# "on=020758", "mid=9665862091709486"), in a key no page reads
_REDIRECT_SCRIPT = re.compile(
    r"/(?:cgi-bin/)?(?:rd|goto|redirect|redir)(?:\.(?:cgi|pl|php|cfm|asp|aspx|jsp))?(?:/|$)"
)
_CLICK_ID = re.compile(r"(?=[a-z]*\d)[a-z\d]{4,}", re.IGNORECASE)
# On a tracker's path, a run of letters and digits this long is no SKU, slug or promo code
# (moneytrack's "/l/lc1CD3615SO370MA/1222K1383FY1979KO249B81339090MO3323432606", upper case
# and digits, which base62 need not mix with lower case)
_LONG_RUN = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{32,}", re.IGNORECASE)
# Keys whose opaque values a page reads as they are (a session, a signature): a CGI script
# with one such value is a page
_TOKEN_KEYS = frozenset({"session", "sessionid", "session_id", "sig", "signature"})
_TRACKER_LABELS = frozenset(
    {"click", "clicks", "link", "links", "track", "tracking", "trk", "go", "url", "r", "t", "c"}
)
# Query keys a page reads: their values are the page's (a SKU, an order, a promo code, a
# session, a signature), not a click's identifier, however they are written
_READABLE_KEYS = frozenset(
    {
        "id", "sku", "order", "orderid", "order_id", "promo", "promocode", "coupon", "code",
        "page", "p", "item", "product", "product_id", "article", "category", "cat", "size",
        "color", "colour", "q", "query", "search", "lang", "sort", "ref", "src", "source",
        "productid", "promo_code", "coupon_code", "ordernumber", "order_number",
        "session", "sessionid", "session_id", "sig", "signature",
    }
)  # fmt: skip


@lru_cache(maxsize=URL_CACHE_SIZE)
def own_tracker(url: str) -> KnownTracker | None:
    """Whether a link on a tracked domain is a click tracker's (see UTM001's doc), and whose:
    the ESP whose known shape it has (``data/click_trackers.toml``), else one with no name
    (``esp`` empty) when its query writes no target it sends the reader to, it carries an
    opaque token, and its path or its host's first label is a tracker's. None for a page, and
    for a link that writes its target (that page's UTMs count)."""
    if tracked_target(url) or _wrapped_targets(url):
        return None  # where it sends the reader is written: that page's UTMs count
    known = known_tracker(url)
    if known:
        return known
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    pairs = raw_query_pairs(parts.query)
    if any(key.lower() in LANDING_KEYS for key, _ in pairs):
        return None  # a parameter an ESP appends to the landing page: the page itself
    path = parts.path.lower()
    segments = [s for s in parts.path.split("/") if s]
    values = [v for k, v in pairs if k.lower() not in _READABLE_KEYS]
    label = (parts.hostname or "").split(".", 1)[0]
    # a tracker's host may write its token first (click.acme.ru/AbC12dEf…); a site's page's
    # first segment is its section ("/c/…", "/promo/…")
    tokens = values + (segments if label in _TRACKER_LABELS else segments[1:])
    if _REDIRECT_SCRIPT.match(path) and any(_CLICK_ID.fullmatch(value) for value in values):
        return KnownTracker("")  # a redirect script and the click's id it reads
    if _cgi_token(path, pairs):
        return KnownTracker("")
    on_trackers_path = bool(_TRACKER_PATH.match(path)) or label in _TRACKER_LABELS
    if not any(
        opaque_token(token) or (on_trackers_path and _LONG_RUN.fullmatch(token)) for token in tokens
    ):
        return None
    return KnownTracker("") if on_trackers_path else None


def _cgi_token(path: str, pairs: list[tuple[str, str]]) -> bool:
    """A CGI script whose query is one opaque token and nothing else
    ("/cgi-bin/gx.cgi/mcp?p=041H1h041H2g55Ep6l012000WRnwBz"): an identifier encoded for the
    script that reads it, however its key is named ("p" is no page number of 30 characters),
    but a session's or a signature's."""
    return (
        path.startswith("/cgi-bin/")
        and len(pairs) == 1
        and pairs[0][0].lower() not in _TOKEN_KEYS
        # (its pieces between marks no encoding writes: "041H0$041H2g55Ep6l012000WRnwBz")
        and any(opaque_token(piece) for piece in _NOT_BASE64.split(pairs[0][1]))
    )


_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=._~-]+")


def _landing(ctx: Context, link: Link, domains: list[str]) -> tuple[bool, str | None]:
    """Whether where a click-tracking link leads is known (its redirects were followed to a
    page, or to no page, which the link rules report), and the page on a tracked domain to
    judge there: None when it leads elsewhere, when there is no page, and when the chain
    carried UTMs somewhere (whether a redirect lost them is UTM004's question). A link that
    answered without a redirect leads to no known page: one that forwards with a page of
    its own (a <meta> refresh, a script) is followed by no link check."""
    result = ctx.facts.link(link.href)
    if result is None or result.verdict not in ("ok", "broken", "loop", "too-many-redirects"):
        return False, None
    if result.verdict != "ok" or not result.final_url:
        return True, None  # no page opens: LNK001 or LNK005 says so
    if not result.redirects or result.final_url == link.href:
        # nothing redirected: a tracker that forwards with a page (a <meta> refresh, a
        # script) answered itself, and where it leads is unknown
        return False, None
    if not on_tracked(result.final_url, domains):
        return True, None
    if utm_pairs(link.href) or any(utm_pairs(hop.url) for hop in result.hops):
        return True, None
    return True, result.final_url


def _tracked_landing(ctx: Context, link: Link, domains: list[str]) -> str | None:
    """The page on a tracked domain that a link to another host (a click tracker) opened
    when links were checked: where its redirects ended. None when unknown, and when the
    chain carried UTMs somewhere (whether a redirect lost them is UTM004's question).

    A URL the link wraps in its query is no proof of where it leads: share buttons
    (vk.com/share.php?url=…) wrap the page they share."""
    return _landing(ctx, link, domains)[1]


def _present_utms(url: str) -> set[str]:
    """The UTM keys analytics reads from a link: its query's, or a wrapped page's."""
    return {k for k, _ in utm_pairs(url)} | _wrapped_utms(url)


def _judged_values(link: Link, required: tuple[str, ...], cut: bool) -> list[tuple[str, str]]:
    """The link's written UTM values as UTM002 and UTM003 judge them. With ``cut`` (UTM001
    judges the link), a value that carries a UTM tail pasted after a second "?"
    (``utm_source=email?utm_medium=email``) is judged without that tail when UTM001 reports
    the tail's keys as missing: the second "?" is one cause, and UTM001's finding names it."""
    written = _written(link)
    if not cut or not after_second_question(link.href):
        return written
    present = _present_utms(link.href)
    judged = []
    for key, value in written:
        if any(k in required and k not in present for k in _tail_keys(value)):
            value = value.partition("?")[0]
        judged.append((key, value))
    return judged


def _written(link: Link) -> list[tuple[str, str]]:
    """The link's UTM values that are written in the template: a value a tag fills
    (``utm_campaign={{ campaign_slug }}``) is the ESP's or the recipient's, and what mailcheck
    renders there (a placeholder, a sample's value) is no value to compare with the brief."""
    rendered = utm_pairs(link.href)
    if not link.raw or link.raw == link.href:
        return list(rendered)
    written = dict(utm_pairs(link.raw))
    return [(k, v) for k, v in rendered if written.get(k) == v]


_UNRENDERED = t("unrendered merge tag")


def _malformed(value: str, in_text: bool = False, reference: str | None = None) -> str | None:
    """What is wrong with a UTM value, or None. ``in_text``: the value is a plain-text URL's,
    which ends where a space does; ``reference``: the value it should be, when known."""
    if not value.strip():
        return t("empty value")
    if leftover_tags(value):
        return _UNRENDERED
    if re.search(r"\s", value):
        return t("contains spaces")
    word = _run_into_word(value, reference) if in_text else None
    if word:
        return t(
            "the URL runs into the next word of the text (“{word}”), which mail clients make "
            "part of the link: put a space after the URL",
            word=word,
        )
    if value != value.lower():
        return t("upper-case letters (analytics splits rows by case)")
    return None


def _reference(ctx: Context, key: str) -> str | None:
    """The value of ``key`` that the campaign's ``[utm]`` sets, else the one its links use."""
    if key in ctx.campaign.utm:
        return ctx.campaign.utm[key]
    values = Counter(
        value for link in utm_links(ctx) for k, value in utm_pairs(link.href) if k == key
    )
    return values.most_common(1)[0][0] if values else None


def _ends(link: Link, key: str, value: str) -> bool:
    """``key=value`` ends the link's URL: where a plain-text URL ends, a word written with no
    space after it is taken in."""
    pairs = _query_pairs(link.href)
    return bool(pairs) and pairs[-1] == (key, value) and "#" not in link.href


# Where the sentence a URL ends goes on: its closing punctuation (a dash, quotes, an ellipsis:
# typography no UTM value is written with), then a capital ("…=sale.Next week"), or any word
# after the typography ("…=spring-sale—уже в продаже"), or a letter of another alphabet
# ("…=newsletterПодробнее")
_TYPOGRAPHY = "—–«»“”„…"
_SENTENCE_END = ".,;:!?" + _TYPOGRAPHY
_CAPITAL_AFTER_STOP = re.compile(
    rf"(?<=[a-zа-яё0-9])[{_SENTENCE_END}]+(?P<word>[A-ZА-ЯЁ][^\W\d_]*)$"
)
_WORD_AFTER_TYPOGRAPHY = re.compile(rf"(?<=[^\W_])[{_TYPOGRAPHY}]+(?P<word>[^\W\d_]+)$")
_OTHER_ALPHABET = re.compile(
    r"(?<=[A-Za-z])[А-Яа-яЁё][А-Яа-яЁё-]*$|(?<=[А-Яа-яЁё])[A-Za-z][A-Za-z-]*$"
)


def _run_into_word(value: str, reference: str | None) -> str | None:
    """The word of a plain text that a URL written with no space after it took into the UTM
    value that ends it ("sale.Next", "newsletterПодробнее"; "welcome-emailOr" where the campaign's
    value is "welcome-email", "spring-sale—уже"), without the stop before it; else None. A capital
    in a value of its own ("blackFriday") is no next word."""
    if reference and value != reference and value.startswith(reference):
        rest = value[len(reference) :]
        word = rest.lstrip(_SENTENCE_END)
        if word[:1].isalpha() and (
            word != rest or word[0].isupper() or _OTHER_ALPHABET.search(reference[-1] + word[0])
        ):
            return word
    if stop := _CAPITAL_AFTER_STOP.search(value) or _WORD_AFTER_TYPOGRAPHY.search(value):
        return stop.group("word")
    if other := _OTHER_ALPHABET.search(value):
        return other.group(0)
    return None


@rule(
    "UTM003",
    "utm-malformed",
    Severity.WARNING,
    short="malformed UTM value: empty, spaces, upper case, unrendered tag, duplicate key",
)
def utm_malformed(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports UTM values that are empty, contain spaces, upper-case letters or an unrendered
    merge tag, and UTM keys given twice in one link. Values are judged as the template writes
    them: one a variable fills is the personalisation rules' (an empty one is PER001's
    missing fallback). The last value of a plain-text URL that runs into the next sentence or
    word (`…=sale.Next week`, `…=saleПодробнее`, `…=sale—уже`) is said to have taken in that word.

    ## Why it matters
    GA4 and Yandex Metrica treat "Email" and "email" as different sources; a space arrives as
    `+` or `%20`; an unrendered `{{ campaign }}` becomes a campaign literally named so.

    ## Example
    `?utm_source=Email&utm_campaign=black friday`

    ## How to fix
    Use lower-case values with hyphens or underscores instead of spaces.
    """
    # a value UTM002 reports is not reported again here, unless UTM002 is not selected; nor
    # is a tag left in a value, which PER003 reports with every other tag left in the e-mail
    utm002 = ctx.config.selects("UTM002")
    per003 = ctx.config.selects("PER003")
    inconsistent = inconsistent_values(ctx) if utm002 else {}
    domains = tracked_domains(ctx)
    utm001 = ctx.config.selects("UTM001")
    malformed: dict[tuple[str, str, str], list[Link]] = {}
    problems: dict[tuple[str, bool], str | None] = {}  # the same values recur link to link
    references: dict[str, str | None] = {}  # each key's value as it should be, when asked
    plain = ctx.campaign.html is None  # a message of text alone: its links are the text's
    for link in utm_links(ctx):
        keys = Counter(k for k, _ in utm_pairs(link.href))
        for key in sorted(k for k, n in keys.items() if n > 1):
            yield Problem(
                t("{key} appears {n} times", key=key, n=keys[key]),
                link.href,
                locations=ctx.link_places(link),
            )
        # the values the template writes: one a tag fills is the personalisation rules'
        # (an empty sample value is PER001's "no fallback", not a malformed UTM)
        cut = utm001 and tracked(link, domains)
        for key, value in _judged_values(link, ctx.config.required_utm, cut):
            in_text = (plain or link.in_text) and _ends(link, key, value)
            if (value, in_text) not in problems:
                if in_text and key not in references:
                    references[key] = _reference(ctx, key)
                reference = references.get(key)
                problems[value, in_text] = _malformed(value, in_text, reference)
            problem = problems[value, in_text]
            if per003 and problem == _UNRENDERED:
                continue
            if problem and (key, value) not in inconsistent:  # UTM002 names it already
                malformed.setdefault((key, value, problem), []).append(link)
    # values of one fault in the same links are one slip of whoever tagged them
    # (utm_source='SendBlaster' and utm_campaign='Eu2' in each link: upper case), one finding
    pairs: dict[tuple[str, tuple[int, ...]], tuple[list[str], list[Link]]] = {}
    for (key, value, problem), links in malformed.items():
        same = pairs.setdefault((problem, tuple(id(link) for link in links)), ([], links))
        same[0].append(f"{key}={value!r}")
    for (problem, _links), (written, links) in pairs.items():
        yield Problem(
            t("{pair}: {problem}", pair=", ".join(written), problem=problem),
            url=links[0].href,
            locations=ctx.link_places(*links),
        )
