"""LNK/UTM/UNS rules that judge what the link requests found (network facts).

The requests themselves were made before any rule ran (mailcheck.net.links); these rules only
read ``ctx.facts.links``. Which rule speaks for a link depends on what the link is: an image
(LNK006), an unsubscribe link (UNS004) or any other link (LNK001/LNK002), so one dead URL is
reported once. A link of the template is judged once however many URLs it renders to (a
loop's per-item URLs, a sample recipient's): those that failed alike are one finding naming
each (:func:`_checked`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, unquote, urlsplit

from mailcheck.domains import URL_CACHE_SIZE
from mailcheck.facts import LinkResult
from mailcheck.i18n import N_, Joined, first_and_more, t, tn
from mailcheck.linkinfo import host_and_port, is_download, links_to_home_page, opens_home_page
from mailcheck.linkinfo import is_unsubscribe as _is_unsubscribe
from mailcheck.model import Link, Severity
from mailcheck.rules import (
    LINKS_DEADLINE,
    NO_DNS,
    NON_PUBLIC,
    Context,
    Problem,
    host_down,
    host_turned_away,
    host_unreached,
    rule,
)
from mailcheck.trackers import known_tracker
from mailcheck.unsubscribe import link_name

MAX_REDIRECTS = 5
BROWSER_REDIRECTS = 20  # Chrome and Firefox follow this many; the next one is an error page
URLS_LISTED = 3  # of a finding about several links to one host, the URLs its message names
FAILED = ("broken", "unreachable", "invalid")

# Five rules ask the same question about the same links (and campaigns of a batch share most
# of theirs): decide it once per link.
is_unsubscribe = functools.lru_cache(maxsize=URL_CACHE_SIZE)(_is_unsubscribe)


@dataclass(frozen=True)
class Judged:
    """One link of the template as the rules judge it: ``links``, those of its renderings
    that answered alike, each with its own answer (``results``, in the same order), and how
    many URLs it renders to in all (``rendered``). The first answer (``result``) speaks for
    the group where they failed alike; what differs between answers that all passed (how
    many redirects, what a redirect kept) is each rendering's own (:meth:`answers`)."""

    links: tuple[Link, ...]
    results: tuple[LinkResult, ...]
    rendered: int = 1

    @property
    def link(self) -> Link:
        return self.links[0]

    @property
    def result(self) -> LinkResult:
        return self.results[0]

    def answers(self) -> Iterator[tuple[Link, LinkResult]]:
        """Each rendering with its own answer."""
        return zip(self.links, self.results, strict=True)

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(link.href for link in self.links))

    @property
    def site(self) -> tuple[str, str]:
        """The link as written (its source URL and kind): what a finding counts."""
        return (self.link.raw or self.link.href, self.link.kind)


def _checked(ctx: Context, *, images: bool) -> Iterator[Judged]:
    """The campaign's links of one sort with their results, once per link of the template:
    a link a loop renders once per item (``{% for %}``: a URL per product), or once per
    sample recipient, is one link, written once, and gives one finding. Its renderings that
    did not answer well are judged, those that failed alike together (the first one's
    answer, every URL: a second product's dead page is not hidden behind the first's); those
    that answered well are one more group, every one of them with its own answer: a page
    that opens may still be reached through too many redirects, or lose its UTMs on the way
    (LNK005, UTM004), at the second product's URL and not the first's."""
    for renderings in ctx.link_sites():
        judged = [
            (link, _as_picture(result) if images else result)
            for link in renderings
            if link.is_image == images
            and (result := ctx.facts.link(link.href)) is not None
            # a placeholder (localhost, example.com) is LNK003's: one cause, one finding
            and ctx.placeholder(link) is None
        ]
        if not judged:
            continue
        rendered = len({link.href for link, _ in judged})
        alike: dict[tuple[object, ...], list[tuple[Link, LinkResult]]] = {}
        answered = [(link, result) for link, result in judged if result.verdict == "ok"]
        for link, result in judged:
            if result.verdict != "ok":
                alike.setdefault(_failed_alike(link, result), []).append((link, result))
        for group in (answered, *alike.values()):
            if group:
                links, results = zip(*group, strict=True)
                yield Judged(links, results, rendered)


def _failed_alike(link: Link, result: LinkResult) -> tuple[object, ...]:
    """What renderings of one link share when they failed the same way: the answer, and the
    host that gave it (a loop's links to several shops are several hosts' causes)."""
    return (
        result.verdict,
        result.status,
        str(result.reason),
        result.refusal,
        result.out_of_time,
        result.no_dns,
        result.non_public,
        _host_of(result.final_url or link.href)[0],
    )


def _as_picture(result: LinkResult) -> LinkResult:
    """An image's result: a URL that is also a link was requested as a page, which may answer
    well and still be no picture."""
    if result.verdict == "ok" and result.not_image:
        return replace(result, verdict="broken", reason=result.not_image)
    return result


def _plain_links(ctx: Context) -> Iterator[Judged]:
    for judged in _checked(ctx, images=False):
        if not (is_unsubscribe(judged.link, (), ctx.from_domain) or judged.result.unsubscribe):
            yield judged


def _sites(group: Iterable[Judged]) -> int:
    """How many links of the template ``group`` holds (not how many URLs they render to)."""
    return len({judged.site for judged in group})


# A finding's URLs (as :func:`_located` gives them), its places, its answer, and how many
# URLs the link renders to in all
Located = tuple[tuple[str, ...], tuple[str, ...], LinkResult, int]


def _located(ctx: Context, judged: Judged) -> Located:
    return (judged.urls, ctx.link_places(*judged.links), judged.result, judged.rendered)


def renders_named(message: str, urls: tuple[str, ...], rendered: int) -> str:
    """``message`` about one link of the template that renders to several URLs (a loop's, a
    sample recipient's) and failed at ``urls``: naming them, and whether that was at every
    one it renders to. The offline LNK007 names a looped link's URLs so too."""
    if len(urls) < 2:
        return message
    shown = _listed([_shown(url) for url in urls])
    if len(urls) >= rendered:
        return t(
            "{message} — at every URL it renders to ({count}): {urls}",
            message=message,
            count=len(urls),
            urls=shown,
        )
    return t(
        "{message} — at {count} of the {total} URLs it renders to: {urls}",
        message=message,
        count=len(urls),
        total=rendered,
        urls=shown,
    )


def _shown(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "…"


def _verdicts(
    ctx: Context,
    located: Iterable[Located],
    broken: str,
    unverified: str,
    failed: Collection[str],
) -> Iterator[Problem]:
    """Failed results as errors, unverified ones (bot walls, HEAD refused) as warnings.

    ``broken`` and ``unverified`` are message templates (marked N_) with a ``{reason}``.
    """
    answered: frozenset[str] | None = None  # asked once, when a result needs it
    for urls, places, result, rendered in located:
        url = urls[0]
        # (several URLs of one link: each its own page, so the reason names none of them)
        said = _at(result, url) if len(urls) == 1 else result.reason
        one = url if len(urls) == 1 else None
        several = urls if len(urls) > 1 else ()
        if result.verdict in failed:
            down = host_down(_host_of(result.final_url or url)[1])
            cause = down if result.verdict == "unreachable" else ""
            message = renders_named(t(broken, reason=said), urls, rendered)
            message = ctx.answer_noted(message, result)
            yield Problem(message, url=one, locations=places, cause=cause, urls=several)
        elif result.verdict == "unverified":
            message = renders_named(t(unverified, reason=said), urls, rendered)
            message = ctx.answer_noted(message, result)
            if answered is None and not result.no_dns and _host_failure(result):
                answered = _answered_hosts(ctx)
            cause = (
                NO_DNS
                if result.no_dns
                else NON_PUBLIC
                if result.non_public
                else _turned_away_cause(result, url)
                or _unreached(result, url, answered or frozenset())
            )
            yield Problem(
                message,
                url=one,
                severity=Severity.WARNING,
                locations=places,
                cause=cause,
                urls=several,
            )


def _at(result: LinkResult, href: str) -> str:
    """The result's reason, naming the page it is about when redirects led elsewhere (a
    click tracker that answers well, and the landing page behind it that does not)."""
    final = result.final_url
    if not final or final == href or not result.redirects:
        return result.reason
    return tn(
        "{reason} at {url} (after {count} redirect)",
        "{reason} at {url} (after {count} redirects)",
        result.redirects,
        reason=result.reason,
        url=_shown(final),
        count=result.redirects,
    )


UNVERIFIED_LINK = N_("link: {reason}; open it in a browser before sending")
BROKEN_IMAGE = N_("image is broken: {reason}")
BROKEN_PIXEL = N_(
    "open-tracking pixel is broken: {reason}; nobody sees it, but opens are not counted"
)


def _host_failure(result: LinkResult) -> bool:
    """Whether the host, not the page, failed: unreachable, or no answer at all (a timeout,
    a resolver that failed, a reset). Every URL on that host shares the cause."""
    return result.verdict == "unreachable" or (
        result.verdict == "unverified" and result.status is None
    )


def _host_of(url: str) -> tuple[str, str]:
    """(what links share, what a message names): scheme, host and port, since a refused
    port 443 says nothing about port 80."""
    shown = host_and_port(url)
    return f"{urlsplit(url).scheme}://{shown}", shown


def _per_host(
    failed: Iterable[Judged],
    ctx: Context,
    *,
    one: tuple[str, str],
    several: tuple[str, str],
) -> Iterator[Problem]:
    """One finding per host that failed, listing every link to it: a host that is down, or
    that this machine cannot reach, is one root cause however many links point there.

    ``one`` and ``several`` are (error, warning) message templates (marked N_) with a
    ``{reason}``; ``several`` also has ``{count}`` and ``{host}``. The first link's reason is
    the group's (later ones often only say that the host answered nothing before).
    """
    groups: dict[tuple[tuple[str, ...] | str, str, str], list[Judged]] = {}
    answered = _answered_hosts(ctx)
    for judged in failed:
        link, result = judged.link, judged.result
        # grouped by the host that failed: behind a click tracker that answered, the pages
        # it leads to are their own causes. A host that answered other links is no cause
        # shared by these: each link is its own (a page that closes without an answer)
        failing = _host_of(result.final_url or link.href)
        key: tuple[str, ...] | str = (
            (failing[0], *judged.site) if failing[0] in answered else failing[0]
        )
        shown = failing[1]
        if result.non_public:  # this machine's DNS, maybe: one cause for every such host
            key, shown = NON_PUBLIC, ""
        groups.setdefault((key, shown, result.verdict), []).append(judged)
    for (key, host, verdict), group in groups.items():
        link, result = group[0].link, group[0].result
        error = verdict == "unreachable"
        links = [each for judged in group for each in judged.links]
        places = ctx.link_places(*links)
        every = tuple(dict.fromkeys(each.href for each in links))  # each URL that failed
        count = _sites(group)  # the links as written: a loop's copies are one
        message: str
        if key == NON_PUBLIC and count > 1:
            message = t(
                "{count} links: could not verify: not requested, their hosts resolve to "
                "non-public addresses from this machine ({hosts}); the recipients' DNS may "
                "answer otherwise (a company's split-horizon DNS, a VPN's fake IPs): set "
                "links.allow-private = true to check them",
                count=count,
                hosts=", ".join(
                    dict.fromkeys(_host_of(j.result.final_url or j.link.href)[1] for j in group)
                ),
            )
            message = t("{message} — {urls}", message=message, urls=_listed(_all_shown(every)))
            yield Problem(
                message, severity=Severity.WARNING, locations=places, cause=NON_PUBLIC, urls=every
            )
            continue
        url: str | None = None
        if count == 1 and len(every) == 1:
            message = t(one[0] if error else one[1], reason=_at(result, link.href))
            url = link.href
        elif count == 1:  # one link whose URLs (a loop's, a sample's) all failed so
            message = t(one[0] if error else one[1], reason=result.reason)
            message = renders_named(message, every, group[0].rendered)
        else:
            template = several[0] if error else several[1]
            message = t(template, count=count, host=host, reason=result.reason)
            # the pages themselves, that a reader told to open them can: the first few
            message = t("{message} — {urls}", message=message, urls=_listed(_all_shown(every)))
        severity = None if error else Severity.WARNING
        # one host, one lookup: the group's cause; a host proven down is one with the image
        # and unsubscribe link on it (mailcheck.rootcause)
        cause = (
            NO_DNS
            if result.no_dns
            else NON_PUBLIC
            if key == NON_PUBLIC
            else ""
            if isinstance(key, tuple)  # one URL of a host that answered others
            else host_down(host)
            if error
            else host_unreached(host)
        )
        urls = () if url else every
        yield Problem(message, url=url, severity=severity, locations=places, cause=cause, urls=urls)


def _all_shown(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(_shown(url) for url in urls))


def _unreached(result: LinkResult, url: str, answered: frozenset[str]) -> str:
    """The cause of a "could not verify" whose host answered nothing at all (a timeout, a
    reset): the link, the image and the unsubscribe link on a host that hangs are one
    finding (mailcheck.rootcause), as on a host that refuses. Not on a host that answered
    other links of the campaign (``answered``): there each URL is its own."""
    if not _host_failure(result):
        return ""
    failing = _host_of(result.final_url or url)
    return "" if failing[0] in answered else host_unreached(failing[1])


def _answered_hosts(ctx: Context) -> frozenset[str]:
    """The hosts (scheme, name and port) that answered some request for the campaign's
    links: every response on the way counts, a redirect too."""
    return frozenset(
        _host_of(hop.url)[0]
        for renderings in ctx.link_sites()
        for link in renderings
        if (result := ctx.facts.link(link.href)) is not None
        for hop in result.hops
    )


@rule(
    "LNK001",
    "link-broken",
    Severity.ERROR,
    network=True,
    short="broken link: the page answers with an error (4xx/5xx), even when asked again",
)
def link_broken(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a link that answers 4xx or 5xx after retries, or that is not a valid URL at all.
    A page behind a bot wall (a Cloudflare challenge, LinkedIn's 999, a 429 that never
    clears, a 401/403 from a DDoS-protection service that names itself in its `Server` header:
    Qrator, Servicepipe, Variti, StormWall, DDoS-Guard, Akamai) is reported as a warning: the
    checker could not verify it, but people can open it.
    So is a soft 404: a page that answers 200 but whose title or first heading says it was
    not found («Страница не найдена», "Page not found"), and a 451 (blocked by law where the
    checker runs: recipients elsewhere may open it).

    A host that turns the checker away for what it is, not for one page (a bot wall or a
    challenge page whatever its status, a 429 or 503 that never clears, a 5xx saying to come
    back later, a 451), does so for every link to it: one warning for the host and the cause,
    naming the host and how many links, listing every place and URL; its images (LNK006) and
    unsubscribe link (UNS004) turned away alike are in the same finding. A page's own answer
    (a 404, a soft 404) stays a finding of its own.

    A link written once that renders to several URLs (inside a template loop, one per
    product; with a recipient's data in it, one per sample recipient) is one link: the URLs
    it renders to that fail alike are one finding at its line, naming each of them and
    whether that is every URL it renders to or some ("at 2 of the 3 URLs it renders to"). The
    link rules LNK002, LNK005, LNK006, UTM004 and UNS004 count and list such links so too;
    the URLs that answer well are each judged by their own redirects (LNK005, UTM004), not
    by the first product's alone.

    ## Why it matters
    A dead link in a sent campaign cannot be fixed: every recipient who clicks it lands on an
    error page, and the click the campaign was paid for is lost.

    ## Example
    `<a href="https://shop.example.ru/sale-2025">` when the sale page was removed: `404 Not
    Found`.

    ## How to fix
    Point the link at a live page (or ask the client to restore the page). For a bot wall,
    open the link in a browser once before sending.
    """
    answered = [
        judged
        for judged in _plain_links(ctx)
        # no answer at all: LNK002's
        if judged.result.status is not None or judged.result.verdict != "unverified"
    ]
    # A host that turns the checker away (a bot wall or challenge page whatever its status,
    # a 429 or 503 that never clears, a legal block) says so for every link to it: one
    # warning for the host and the cause, listing every link
    walls = _turned_away(answered)
    yield from _turned_away_problems(
        ctx, walls, N_("{count} links to {host}: {reason}; open them in a browser before sending")
    )
    grouped = {id(j) for group in walls.values() if _sites(group) > 1 for j in group}
    located = (_located(ctx, j) for j in answered if id(j) not in grouped)
    yield from _verdicts(
        ctx,
        located,
        N_("link is broken: {reason}"),
        UNVERIFIED_LINK,
        ("broken", "invalid"),
    )


def _out_of_time(
    late: list[Located], places: tuple[str, ...], count: int, *, one: str, several: str
) -> Iterator[Problem]:
    """One "could not verify" for the links the run's links deadline left unanswered
    (``count`` of them as written, at ``places``), whatever their hosts: the deadline is the
    cause, not a host, and raising it (or opening them) is one fix for all. ``one`` and
    ``several`` are message templates (marked N_) with a ``{reason}``; ``several`` also has
    ``{count}``. The same cause of another rule (the images, the unsubscribe links) joins it
    (mailcheck.rootcause)."""
    if not late:
        return
    result = late[0][2]
    urls = tuple(dict.fromkeys(url for each in late for url in each[0]))
    if len(urls) == 1:
        message = t(one, reason=result.reason)
        yield Problem(
            message, url=urls[0], severity=Severity.WARNING, locations=places, cause=LINKS_DEADLINE
        )
        return
    message = (
        t(one, reason=result.reason)
        if count == 1
        else t(several, count=count, reason=result.reason)
    )
    message = t("{message} — {urls}", message=message, urls=_listed(_all_shown(urls)))
    yield Problem(
        message, severity=Severity.WARNING, locations=places, cause=LINKS_DEADLINE, urls=urls
    )


def _turned_away(judged: Iterable[Judged]) -> dict[tuple[str, str], list[Judged]]:
    """The links of ``judged`` that a host turned away for what it is, not for the page (a
    bot wall, a rate limit, a legal block: ``LinkResult.refusal``), by (host, refusal): the
    host that answered last, behind any click tracker."""
    groups: dict[tuple[str, str], list[Judged]] = {}
    for each in judged:
        result = each.result
        if result.verdict == "unverified" and result.refusal:
            host = _host_of(result.final_url or each.link.href)[1]
            groups.setdefault((host, result.refusal), []).append(each)
    return groups


def _turned_away_problems(
    ctx: Context,
    groups: dict[tuple[str, str], list[Judged]],
    several: str,
) -> Iterator[Problem]:
    """One warning for each host that turned away several of the links (``several``, marked
    N_, with ``{count}``, ``{host}`` and ``{reason}``), listing every place and URL; a host
    that turned away one link is that link's finding. Each way the host answered is said once
    ("200: a challenge page" and "403: blocked by Cloudflare" of one wall)."""
    for (host, refusal), group in groups.items():
        count = _sites(group)  # (a loop's copies of one link: one, its turn alone)
        if count < 2:
            continue
        reasons = list(dict.fromkeys(judged.result.reason for judged in group))
        reason = reasons[0] if len(reasons) == 1 else Joined("; ", reasons)
        message = t(several, count=count, host=host, reason=reason)
        urls = tuple(dict.fromkeys(url for judged in group for url in judged.urls))
        message = t("{message} — {urls}", message=message, urls=_listed(_all_shown(urls)))
        yield Problem(
            message,
            severity=Severity.WARNING,
            locations=ctx.link_places(*(link for judged in group for link in judged.links)),
            cause=host_turned_away(host, refusal),
            urls=urls,
        )


def _turned_away_cause(result: LinkResult, url: str) -> str:
    """The cause of a "could not verify" a host gave for what it is (a bot wall…): a link, an
    image and an unsubscribe link it turned away alike are one finding (mailcheck.rootcause)."""
    if not result.refusal:
        return ""
    return host_turned_away(_host_of(result.final_url or url)[1], result.refusal)


@rule(
    "LNK002",
    "link-unreachable",
    Severity.ERROR,
    network=True,
    # a timeout or a resolver failure is a warning, "could not verify" (see the page)
    short="link to a site that cannot be reached: no such name, refused, certificate error",
)
def link_unreachable(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a link whose host cannot be reached, when that is proven: the name does not exist
    (NXDOMAIN from a resolver that answers other names), the connection is refused, or the
    TLS certificate is one a browser refuses. Links to loopback, private, link-local or
    cloud-metadata addresses are not requested at all unless `links.allow-private = true`
    (metadata addresses: `links.allow-metadata = true`). A host whose name resolves to such
    an address here is a warning, "could not verify", that says so: a company's split-horizon
    DNS or a VPN's fake IPs may answer this machine otherwise than the recipients. Every such
    host of a campaign is one finding (with its images and unsubscribe links).

    What says more about the checker's own network than about the link is a warning "could
    not verify": no answer within `links.timeout` (and a shorter second try), a resolver that
    times out or fails, no route from this machine, a connection closed without an answer, a
    certificate whose issuer this machine does not know (a server that leaves out its
    intermediate certificate, which browsers fetch, and a CA only some browsers trust, such as
    the Russian Trusted Root CA, look the same from here).

    Links to one host (scheme, name and port) that fails for all of them are one finding
    listing every link: the host is the root cause. Its images and its unsubscribe link are in
    the same finding ("the same host: LNK006, UNS004", and their URLs), not findings of their
    own. On a host that answered other links of the campaign, each URL that failed is a
    finding of its own.

    What the run's `links.deadline` ran out on before it was answered is one warning for the
    campaign, whatever the hosts, listing every link (and, "the same cause", every image and
    unsubscribe link) it left unverified: the deadline is the cause, not a host. Raise
    `links.deadline`, or open them in a browser before sending.

    ## Why it matters
    Recipients see a browser error instead of the page. A typo in a domain, an expired
    certificate or a staging host left in the template all end up here.

    ## Example
    `<a href="https://promo.acme-shop.ru/">` when `promo.acme-shop.ru` has no DNS record.

    ## How to fix
    Correct the host name, renew the certificate, or replace the staging or internal address
    with the public one.
    """
    failed = [judged for judged in _plain_links(ctx) if _host_failure(judged.result)]
    late = [judged for judged in failed if judged.result.out_of_time]
    yield from _out_of_time(
        [_located(ctx, judged) for judged in late],
        ctx.link_places(*(link for judged in late for link in judged.links)),
        _sites(late),
        one=UNVERIFIED_LINK,
        several=N_("{count} links: {reason}; open them in a browser before sending"),
    )
    yield from _per_host(
        (judged for judged in failed if not judged.result.out_of_time),
        ctx,
        one=(N_("link host unreachable: {reason}"), UNVERIFIED_LINK),
        several=(
            N_("{count} links to {host}: host unreachable: {reason}"),
            N_("{count} links to {host}: {reason}; open them in a browser before sending"),
        ),
    )


@rule(
    "LNK005",
    "too-many-redirects",
    Severity.WARNING,
    network=True,
    short="a link that passes through too many redirects (over 5) or goes round in a loop",
)
def too_many_redirects(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports a link that goes through more than 5 redirects before reaching its page, and
    (as an error) a link whose redirects go round in a loop and never reach a page, or go on
    beyond the 20 that browsers follow (Chrome and Firefox then show an error page).

    ## Why it matters
    Every hop costs the recipient time on a mobile connection, some clients and security
    gateways give up on long chains, and each hop is another place where UTM parameters can be
    lost. A loop is a dead link.

    ## Example
    A tracking link that redirects to a shortener, then to `http://`, then to `https://`, then
    to the locale, then to the page: 6 redirects.

    ## How to fix
    Link to the final URL directly (keep the ESP's click tracking as the only redirect). For a
    loop, fix the redirect rules on the site.
    """
    # Unsubscribe links are UNS004's: one dead URL is reported once.
    for judged in [*_plain_links(ctx), *_checked(ctx, images=True)]:
        result = judged.result
        if result.verdict in ("loop", "too-many-redirects"):
            # (the renderings that failed so are one group: every recipient's browser gives
            # up on the way, a dead link)
            message = (
                t("redirect loop after {n} redirects", n=result.redirects)
                if result.verdict == "loop"
                else t(
                    "more than {n} redirects: browsers give up (Chrome and Firefox stop at "
                    "{n}) and show an error page",
                    n=BROWSER_REDIRECTS,
                )
            )
            yield _redirected(ctx, judged, message, judged.links, result, Severity.ERROR)
            continue
        # each rendering counts its own redirects: a loop's second product may go through
        # more than the first; those that go through as many are one finding naming each
        by_count: dict[int, list[tuple[Link, LinkResult]]] = {}
        for link, answer in judged.answers():
            if answer.redirects > MAX_REDIRECTS:
                by_count.setdefault(answer.redirects, []).append((link, answer))
        for n, group in by_count.items():
            message = t(
                "{n} redirects (more than {limit}) before the page", n=n, limit=MAX_REDIRECTS
            )
            links = tuple(link for link, _ in group)
            yield _redirected(ctx, judged, message, links, group[0][1], None)


def _redirected(
    ctx: Context,
    judged: Judged,
    message: str,
    links: tuple[Link, ...],
    result: LinkResult,
    severity: Severity | None,
) -> Problem:
    """LNK005's finding about ``links``, renderings of ``judged``'s link that were redirected
    alike (``result`` one of their answers): naming each URL, and whether that is every one
    the link renders to."""
    urls = tuple(dict.fromkeys(link.href for link in links))
    return Problem(
        ctx.answer_noted(renders_named(message, urls, judged.rendered), result),
        locations=ctx.link_places(*links),
        url=urls[0] if len(urls) == 1 else None,
        urls=urls if len(urls) > 1 else (),
        severity=severity,
    )


@rule(
    "LNK006",
    "image-broken",
    Severity.ERROR,
    network=True,
    short="broken image: its address answers with an error or cannot be reached",
)
def image_broken(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an image (`<img src>`, a `background` attribute, VML or CSS `url()`) whose URL
    answers 4xx/5xx or whose host is unreachable, as LNK001 and LNK002 do for links. Images
    from one host that fails are one finding listing every image.

    ## Why it matters
    A broken image leaves an empty box, or the alt text, where the offer was. Images in
    e-mail are usually the banner and the buttons, so the campaign loses its message. A
    broken 1×1 open-tracking pixel is a warning: nobody sees it, but the opens it counts are
    lost from the client's report.

    ## Example
    `<img src="https://cdn.acme.ru/bf/banner.jpg">` after the image was moved to `/2026/bf/`.

    ## How to fix
    Upload the image again or correct the path; prefer the ESP's or your CDN's permanent URLs.
    """
    images: list[Judged] = []
    pixels: list[Judged] = []
    late: list[Judged] = []
    for judged in _checked(ctx, images=True):
        into = (
            late if judged.result.out_of_time else pixels if ctx.is_pixel(judged.link) else images
        )
        into.append(judged)
    yield from _out_of_time(
        [_located(ctx, judged) for judged in late],
        ctx.link_places(*(link for judged in late for link in judged.links)),
        _sites(late),
        one=N_("image: {reason}"),
        several=N_("{count} images: {reason}"),
    )
    # nobody sees a pixel: what breaks is the count of opens in the client's report
    in_pixels = (_located(ctx, judged) for judged in pixels)
    for problem in _verdicts(ctx, in_pixels, BROKEN_PIXEL, N_("image: {reason}"), FAILED):
        yield replace(problem, severity=Severity.WARNING)
    # a host that turns the checker away (a bot wall) does so for every image on it: one
    # warning for the host, as for its links
    walls = _turned_away(images)
    yield from _turned_away_problems(ctx, walls, N_("{count} images from {host}: {reason}"))
    grouped = {id(j) for group in walls.values() if _sites(group) > 1 for j in group}
    located = (
        _located(ctx, j) for j in images if not _host_failure(j.result) and id(j) not in grouped
    )
    yield from _verdicts(ctx, located, BROKEN_IMAGE, N_("image: {reason}"), FAILED)
    yield from _per_host(
        (judged for judged in images if _host_failure(judged.result)),
        ctx,
        one=(BROKEN_IMAGE, N_("image: {reason}")),
        several=(
            N_("{count} images from {host}: host unreachable: {reason}"),
            N_("{count} images from {host}: {reason}"),
        ),
    )


def _utm(url: str) -> dict[str, str]:
    try:
        query = urlsplit(url).query
    except ValueError:
        return {}
    found: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.lower().startswith("utm_"):
            found.setdefault(key.lower(), value)
    return found


def utm_change(start: str, hop: str) -> str | None:
    """How the UTM parameters of ``start`` fare at ``hop``: dropped or changed, or None."""
    before = _utm(start)
    after = _utm(hop)
    dropped = [k for k in before if k not in after]
    if dropped:
        return t("drops {keys}", keys=", ".join(dropped))
    changed = [f"{k} {before[k]!r} → {after[k]!r}" for k in before if after[k] != before[k]]
    if changed:
        return t("changes {keys}", keys=", ".join(changed))
    return None


@rule(
    "UTM004",
    "utm-lost-in-redirect",
    Severity.ERROR,
    network=True,
    short="a redirect on the way drops or changes the UTM parameters",
)
def utm_lost_in_redirect(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Follows each tagged link's redirects and reports the first hop that drops or changes the
    link's UTM parameters (`utm_source`, `utm_medium`, `utm_campaign`, …), when the page that
    finally opens does not have them as the link gave them (a cookie check that bounces
    through a page of its own and back keeps them). The links whose UTMs a redirect on one
    host drops (or changes) the same way are one finding listing every place: one redirect
    rule is one cause, however many links go through it. A download (a PDF, an archive, a
    calendar file: by its link or by the file its redirects end at) is not judged: a file
    opens as it is and no analytics reads its UTMs, as UTM001 asks none of it. A redirect to
    a page that carries the link back, UTMs and all, in a parameter (a sign-in page's
    `next=`, `return_url=`, `retpath=`) is a warning, "could not verify": the checker has no
    session, and a signed-in recipient may go straight to the page. A link written once that
    renders to several URLs (a template loop's, one per product) is judged at each of them:
    those whose redirect loses the UTMs alike are one finding at its line naming each ("at 2 of
    the 3 URLs it renders to"), and several such links count as the links written.

    ## Why it matters
    Analytics (GA4, Yandex Metrica) read UTMs from the page that finally opens. A shortener,
    an `http://` → `https://` redirect or a locale redirect that forgets the query string
    turns the campaign's visits into "direct" traffic, and the report to the client shows the
    campaign brought nothing.

    ## Example
    `https://acme.ru/sale?utm_source=email&utm_campaign=bf` redirects to
    `https://www.acme.ru/sale` — every UTM is lost.

    ## How to fix
    Link to the final URL, or fix the redirect to keep the query string (in nginx:
    `return 301 https://www.acme.ru$request_uri;`).
    """
    # One redirect rule that forgets the query loses the UTMs of every link through it: the
    # links whose UTMs a redirect on one host drops (or changes) alike are one finding. Each
    # rendering of a link is judged by its own redirects: a loop's second product whose page
    # redirects and forgets the query is not hidden behind the first product's
    lost: dict[tuple[str, str], list[_Loss]] = {}
    carried: dict[tuple[str, str], list[_Loss]] = {}
    for judged in _plain_links(ctx):
        for link, result in judged.answers():
            if is_download(link.href) or is_download(result.final_url or ""):
                continue  # a file opens as it is: no analytics reads its UTMs (nor asks UTM001)
            found = _first_loss(link, result)
            if found is not None:
                change, before, after = found
                param = carried_in(before, after)
                into = lost if param is None else carried
                key = (change if param is None else param, _host_of(before)[0])
                into.setdefault(key, []).append(_Loss(judged, link, result, before, after))
    yield from _carried_back(ctx, carried)
    for (change, _), group in lost.items():
        links = [loss.link for loss in group]
        hrefs = tuple(dict.fromkeys(link.href for link in links))
        count = _sites(loss.judged for loss in group)  # the links as written
        cached = next((loss.result for loss in group if loss.result.from_cache), group[0].result)
        hops = list(dict.fromkeys((loss.before, loss.after) for loss in group))
        targets = list(dict.fromkeys(after for _, after in hops))
        message: str
        if len(hops) == 1 and count == 1:
            (before, after), *_ = hops
            message = t(
                "a redirect {change}: {before} → {after}",
                change=change,
                before=_shown(before),
                after=_shown(after),
            )
        elif count == 1:  # one link of the template (a loop's), through several redirects
            message = (
                t(
                    "a redirect {change} on the way to {after}",
                    change=change,
                    after=_shown(targets[0]),
                )
                if len(targets) == 1
                else t("a redirect on {host} {change}", host=_host_of(hops[0][0])[1], change=change)
            )
        elif len(targets) == 1:  # the same page: name it once
            befores = list(dict.fromkeys(before for before, _ in hops))
            message = t(
                "{count} links: a redirect {change} on the way to {after}: {urls}",
                count=count,
                change=change,
                after=_shown(targets[0]),
                urls=_listed([_shown(before) for before in befores]),
            )
        else:
            message = t(
                "{count} links: a redirect on {host} {change}: {hops}",
                count=count,
                host=_host_of(hops[0][0])[1],
                change=change,
                hops=_listed([f"{_shown(before)} → {_shown(after)}" for before, after in hops]),
            )
        if count == 1:  # each URL it renders to that lost them, and whether that is all
            message = renders_named(message, hrefs, group[0].judged.rendered)
        yield Problem(
            ctx.answer_noted(message, cached),
            locations=ctx.link_places(*links),
            url=hrefs[0] if len(hrefs) == 1 else None,
            urls=hrefs if len(hrefs) > 1 else (),  # every URL that lost them
        )


@dataclass(frozen=True)
class _Loss:
    """A rendering of ``judged``'s link (``link``, answered ``result``) whose UTMs the
    redirect from ``before`` to ``after`` lost (or carried away in a parameter)."""

    judged: Judged
    link: Link
    result: LinkResult
    before: str
    after: str


def carried_in(before: str, after: str) -> str | None:
    """The parameter of ``after`` that carries the page ``before`` back, UTMs and all (a
    sign-in page's ``next=``, ``return_url=``, ``retpath=``, ``redirect_uri=``…): the UTMs
    are kept for after signing in, and a recipient who is signed in may never see that page.
    None when no parameter does."""
    wanted = _utm(before)
    try:
        query = urlsplit(after).query
    except ValueError:
        return None
    for key, value in parse_qsl(query, keep_blank_values=True):
        for written in dict.fromkeys((value, unquote(value))):  # (encoded once more, too)
            inner = _utm(written)
            if wanted and all(inner.get(k) == v for k, v in wanted.items()):
                return key
    return None


def _carried_back(ctx: Context, carried: dict[tuple[str, str], list[_Loss]]) -> Iterator[Problem]:
    """Links redirected to a page that carries them back (a sign-in page): the checker has
    no session, so whether the UTMs reach the page is not known. A warning per parameter and
    host, listing every link; a loop's link whose renderings were so redirected is one link,
    naming each of its URLs."""
    for (param, _), group in carried.items():
        links = [loss.link for loss in group]
        hrefs = tuple(dict.fromkeys(link.href for link in links))
        count = _sites(loss.judged for loss in group)  # the links as written
        cached = next((loss.result for loss in group if loss.result.from_cache), group[0].result)
        afters = list(dict.fromkeys(loss.after for loss in group))
        message: str
        if count == 1 and len(afters) == 1:
            message = t(
                "could not verify the UTMs: a redirect sends the checker to {after}, which "
                "carries the link with its UTMs in «{param}» (a sign-in page? the checker has no "
                "session); open it in a browser before sending",
                after=_shown(afters[0]),
                param=param,
            )
            message = renders_named(message, hrefs, group[0].judged.rendered)
        elif count == 1:  # a loop's link, each URL carried to a sign-in page of its own
            message = t(
                "could not verify the UTMs: a redirect on {host} sends the checker to a page "
                "that carries the link with its UTMs in «{param}» (a sign-in page? the checker "
                "has no session); open it in a browser before sending",
                host=_host_of(group[0].before)[1],
                param=param,
            )
            message = renders_named(message, hrefs, group[0].judged.rendered)
        else:
            message = t(
                "{count} links: could not verify the UTMs: a redirect on {host} sends the "
                "checker to a page that carries each link with its UTMs in «{param}» (a sign-in "
                "page? the checker has no session); open them in a browser before sending: "
                "{urls}",
                count=count,
                host=_host_of(group[0].before)[1],
                param=param,
                urls=_listed([_shown(href) for href in hrefs]),
            )
        yield Problem(
            ctx.answer_noted(message, cached),
            locations=ctx.link_places(*links),
            url=hrefs[0] if len(hrefs) == 1 else None,
            urls=hrefs if len(hrefs) > 1 else (),  # every URL that lost them
            severity=Severity.WARNING,
        )


def _listed(items: list[str]) -> str:
    """The first few of ``items``, and how many more there are."""
    return first_and_more(items, URLS_LISTED)


def _first_loss(link: Link, result: LinkResult) -> tuple[str, str, str] | None:
    """The first hop of the link's redirects that drops or changes its UTMs, when the page
    that finally opens lacks them: (how, the URL redirected, where it redirected to)."""
    if len(result.hops) < 2 or result.verdict in (*FAILED, "loop", "too-many-redirects"):
        return None  # no page ever opens: the link's own finding (LNK001/2/5) says so
    # The UTMs to keep are those of the first URL on the way that has any: the link's own,
    # or those a click-tracking redirect added.
    chain = [link.href, *(hop.url for hop in result.hops[1:])]
    if result.verdict == "unverified":
        # the last hop led to what turned the checker away (a captcha page, a rate limit):
        # a redirect made for a robot, not proof of what a recipient's click keeps
        chain = chain[:-1]
    start = next((n for n, url in enumerate(chain) if _utm(url)), None)
    if start is None:
        return None
    if utm_change(chain[start], chain[-1]) is None:
        return None  # the page that opens has them (a cookie check bounced through another)
    for before, after in itertools.pairwise(chain[start:]):
        change = utm_change(chain[start], after)
        if change is not None:
            return change, before, after
    return None


@rule(
    "UNS004",
    "unsubscribe-broken",
    Severity.ERROR,
    network=True,
    short="unsubscribe link broken — checked with HEAD only, never unsubscribing anyone",
)
def unsubscribe_broken(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Checks that each unsubscribe link (in the body and in `List-Unsubscribe`) leads to a live
    page — without unsubscribing anyone: it is requested with HEAD only (GET only when
    `links.unsubscribe-get = true`), never POST. A server that refuses HEAD cannot be checked
    this way and gives a "not verified" warning. When the body's only unsubscribe links go
    through an ESP's click tracker (a known shape: SendGrid's `/ls/click?upn=…`) whose redirect
    ends at the site's home page, that is "could not verify" too: the home page cannot tell
    who clicked (UNS001 says so offline of a link that writes the home page itself).

    ## Why it matters
    A dead unsubscribe link makes recipients press "Report spam" instead, which hurts the
    sender's reputation with every mailbox provider; Gmail, Yahoo and Outlook require a working
    unsubscribe for bulk senders, and the law requires it in most countries.

    ## Example
    `<a href="https://acme.ru/unsubscribe?id=…">Отписаться</a>` answering `404 Not Found`.

    ## How to fix
    Use the ESP's own unsubscribe tag (`*|UNSUB|*`, `{{ unsubscribe_url }}` …) or fix the page.
    If the page only works with GET and a GET is safe (it shows a confirmation form), set
    `links.unsubscribe-get = true`.
    """
    candidates: list[Located] = []
    for judged in _checked(ctx, images=False):
        if is_unsubscribe(judged.link, (), ctx.from_domain) or judged.result.unsubscribe:
            candidates.append(_located(ctx, judged))
    from mailcheck.net.links import list_unsubscribe_urls

    # (a stand-in, example.com or localhost, is LNK003's: one cause, one finding)
    stand_ins = {url for url, _ in ctx.list_unsubscribe_stand_ins}
    for url in list_unsubscribe_urls(ctx.campaign.headers):
        if url in stand_ins:
            continue
        found = ctx.facts.link(url)
        if found is not None:
            candidates.append(((url,), ("List-Unsubscribe header",), found, 1))
    first: dict[tuple[str, ...], Located] = {}
    for urls, places, result, rendered in candidates:  # a body link and the header may
        seen = first.get(urls)  # name one URL
        first[urls] = (
            (urls, seen[1] + places, *seen[2:]) if seen else (urls, places, result, rendered)
        )
    late = [each for each in first.values() if each[2].out_of_time]
    yield from _out_of_time(
        late,
        tuple(dict.fromkeys(place for each in late for place in each[1])),
        len(late),
        one=N_("unsubscribe link: {reason}"),
        several=N_("{count} unsubscribe links: {reason}"),
    )
    yield from _verdicts(
        ctx,
        (each for each in first.values() if not each[2].out_of_time),
        N_("unsubscribe link is broken: {reason}"),
        N_("unsubscribe link: {reason}"),
        (*FAILED, "loop", "too-many-redirects"),
    )
    yield from _tracked_to_home_page(ctx)


def _tracked_to_home_page(ctx: Context) -> Iterator[Problem]:
    """UNS004's "could not verify" for a body whose only unsubscribe links lead to a site's
    home page, a known click tracker's redirect hiding that from the URL (UNS001 says it
    offline of a link that writes the home page itself). Only the tracker's own redirect is
    taken as proof: it sends every recipient where the campaign's author pointed it, while a
    site that sends a sample recipient's unsubscribe URL to its home page may have
    unsubscribed them, or not known the sample's id."""
    found = ctx.unsubscribe()
    if not found.working or found.tag:
        return
    tracked: list[tuple[Link, str, LinkResult]] = []
    for link in found.working:
        if links_to_home_page(link):
            continue  # UNS001's, offline; one of the links that lead nowhere else
        result = ctx.facts.link(link.href)
        landing = _home_behind_tracker(link.href, result) if result else None
        if result is None or landing is None:
            return  # a way out elsewhere (or not known): nothing to say
        tracked.append((link, landing, result))
    if not tracked:
        return
    first, landing, answer = tracked[0]
    message = t(
        "could not verify: the unsubscribe link “{text}” goes through a click tracker to the "
        "site's home page ({url}), not to a page that unsubscribes whoever clicked it: "
        "recipients may find no way out",
        text=link_name(first),
        url=landing,
    )
    # every one leads home; a loop's copies of one written link are one link (one per list)
    others = len(ctx.one_per_written(found.working)) - 1
    if others:
        message = t("{message} (and {count} more like it)", message=message, count=others)
    yield Problem(
        ctx.answer_noted(message, answer),
        url=first.href,
        locations=ctx.link_places(*found.working, with_text=False),
        severity=Severity.WARNING,
    )


def _home_behind_tracker(href: str, result: LinkResult) -> str | None:
    """The home page a known ESP click tracker's link (``data/click_trackers.toml``) redirects
    to and ends at, as the link checker followed it; else None."""
    if result.verdict != "ok" or known_tracker(href) is None or len(result.hops) < 2:
        return None
    target, final = result.hops[1].url, result.final_url or result.hops[1].url
    return final if opens_home_page(target) and opens_home_page(final) else None
