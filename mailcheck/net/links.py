"""HTTP link checking for a whole batch: every unique rendered URL is requested once.

    campaigns -> every link of every rendered variant (+ List-Unsubscribe URLs)
              -> decided locally (excluded, not a web link, invalid) or a request key
              -> fresh cached results -> the rest fetched concurrently -> cache -> results

Results are keyed by the URL as rendered (``Link.href``), which is what rules look up. Two
hrefs that differ only in their #fragment share one request.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from mailcheck.config import Config, campaign_config
from mailcheck.facts import LinkResult
from mailcheck.i18n import t
from mailcheck.linkinfo import (
    SYSTEM_PLACEHOLDER_HOST,
    TEMPLATE_MARKERS,
    browser_form,
    is_unsubscribe,
    list_unsubscribe_targets,
    scheme,
    url_problem,
)
from mailcheck.model import Campaign, Link
from mailcheck.net.dnshealth import DnsHealth
from mailcheck.net.http import Fetcher, web_url
from mailcheck.net.linkcache import LinkCache, guard_mode, open_cache, warn
from mailcheck.net.transport import HostResolver, make_client
from mailcheck.progress import Progress

CACHE_FILE = "links.sqlite"
WEB_SCHEMES = ("http", "https")
# A whole href that is a bracketed ESP tag: [unsubscribe], [webversion], [Unsubscribe_Preferences]
BRACKET_TAG = re.compile(r"^\[[A-Za-z_][\w:.-]*\]$")


@dataclass(frozen=True)
class Target:
    """One request to make: the URL to send and whether it is an unsubscribe link."""

    url: str
    unsubscribe: bool
    page: bool = True  # some link opens it as a page (not only an image's src)


@dataclass
class Plan:
    """What the batch needs: local verdicts, and the requests behind every other href."""

    local: dict[str, LinkResult] = field(default_factory=dict)  # href -> decided without HTTP
    keys: dict[str, str] = field(default_factory=dict)  # href -> request key
    requests: dict[str, Target] = field(default_factory=dict)  # request key -> target


def list_unsubscribe_urls(headers: dict[str, str] | None) -> list[str]:
    """The http(s) URLs of a List-Unsubscribe header, in the order written."""
    return [u for u in list_unsubscribe_targets(headers) if scheme(u) in WEB_SCHEMES]


_FILLED_AFTER_SCHEME = re.compile(
    rf"https?:[/\\]*https?://{re.escape(SYSTEM_PLACEHOLDER_HOST)}(?:[/?#:]|$)", re.IGNORECASE
)


def request_url(href: str) -> str | LinkResult | None:
    """The URL to request for ``href``; a local verdict; or None for no web link at all."""
    # As a browser reads it: an href wrapped by an editor, or with a stray control character
    # at either end, still opens its page.
    text = browser_form(href).strip()
    if not text or text.startswith("#"):
        return None  # empty and in-page links are the offline rules' business (LNK003)
    kind = scheme(text)
    if kind and kind not in WEB_SCHEMES:
        return None  # mailto:, tel:, sms:, javascript:, cid: … are not requested
    if TEMPLATE_MARKERS.search(text) or BRACKET_TAG.match(text):
        return LinkResult(
            href, "excluded", reason=t("not requested: contains an unrendered merge tag"), method=""
        )
    if not kind:
        return None  # relative: nothing to request, the offline rule LNK008 reports it
    # "https://#URL#" renders the stand-in of a URL the ESP fills in after a scheme: whether
    # the ESP's value has a scheme of its own, only the send tells
    filled = _FILLED_AFTER_SCHEME.match(text) is not None
    if not filled and url_problem(text):
        return None  # no browser could open it: the offline rule LNK003 reports it
    try:
        # The fragment never reaches the server (and two hrefs that differ only in it share
        # one request); IDNs go out as punycode, paths percent-encoded.
        url = web_url(text)
    except ValueError as exc:
        return LinkResult(
            href, "invalid", reason=t("not a valid URL: {why}", why=str(exc)), method=""
        )
    host = url.host
    if filled or host == SYSTEM_PLACEHOLDER_HOST or host.endswith("." + SYSTEM_PLACEHOLDER_HOST):
        return LinkResult(
            href,
            "excluded",
            reason=t("not requested: the ESP fills this link in when sending"),
            method="",
        )
    return str(url)


def _excluded_by(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except (re.error, OverflowError, RecursionError) as exc:  # a config checks them first
            warn(f"links.exclude pattern {pattern!r} is not a valid regex ({exc}); ignored")
    return compiled


def _campaign_links(
    campaign: Campaign, known: dict[tuple[Link, str], bool]
) -> Iterator[tuple[str, bool, bool]]:
    """(href, is an unsubscribe link, is an image) for every link of every rendered variant."""
    for link in campaign.all_links():
        # (the sender: a social network's own mail unsubscribes on its site)
        key = (link, campaign.from_domain or "")
        unsubscribe = known.get(key)
        if unsubscribe is None:  # campaigns of a batch share most links: decide each once
            unsubscribe = known[key] = is_unsubscribe(link, (), key[1])
        yield link.href, unsubscribe, link.is_image
    for url in list_unsubscribe_urls(campaign.headers):
        if not TEMPLATE_MARKERS.search(url):
            yield url, True, False


def plan_links(campaigns: Iterable[Campaign], config: Config) -> Plan:
    """Which hrefs of the batch need which requests (each unique request once)."""
    unsubscribe: dict[str, bool] = {}
    excluded: dict[str, bool] = {}
    images: dict[str, bool] = {}
    known: dict[tuple[Link, str], bool] = {}
    for campaign in campaigns:
        cfg = campaign_config(campaign, config)
        patterns = _excluded_by(cfg.links.exclude)
        for href, unsub, image in _campaign_links(campaign, known):
            # Excluded only if every campaign using the href excludes it; an unsubscribe link
            # anywhere makes the URL one (so it is never clicked).
            hit = any(p.search(href) for p in patterns)
            excluded[href] = excluded.get(href, True) and hit
            unsubscribe[href] = unsubscribe.get(href, False) or unsub
            images[href] = images.get(href, True) and image
    return _plan(excluded, unsubscribe, config, images)


def _plan(
    excluded: dict[str, bool],
    unsubscribe: dict[str, bool],
    config: Config,
    images: dict[str, bool] | None = None,
) -> Plan:
    plan = Plan()
    links_cfg = config.links
    for href in excluded:
        if excluded[href]:
            plan.local[href] = LinkResult(
                href, "excluded", reason=t("not requested: matches links.exclude"), method=""
            )
            continue
        decided = request_url(href)
        if decided is None:
            continue
        if isinstance(decided, LinkResult):
            plan.local[href] = decided
            continue
        unsub = unsubscribe[href]
        image = bool(images and images[href])
        # An image's answer is judged as a picture ("a web page, not an image" is broken), a
        # page's as a page: one URL's two requests are two keys, in this run and in the cache.
        mode = "image" if image and not unsub else "link"
        if unsub:
            mode = "unsubscribe-get" if links_cfg.unsubscribe_get else "unsubscribe"
        key = f"{mode}{guard_mode(links_cfg)} {decided}"
        plan.keys[href] = key
        plan.requests[key] = Target(decided, unsub, page=not image)
    return plan


async def gather_links(
    campaigns: list[Campaign],
    config: Config,
    *,
    use_cache: bool = True,
    progress: bool = False,
    health: DnsHealth | None = None,
) -> dict[str, LinkResult]:
    """Request every unique web URL of the batch once; results keyed by the URL as rendered.

    ``health`` hears whether the hosts' address lookups got answers; given one (the run's,
    shared with the sender checks), the caller judges the NXDOMAIN answers once every lookup
    of the run is in (:func:`doubt_nxdomain`); without, they are judged here."""
    plan = plan_links(campaigns, config)
    own = health is None
    health = DnsHealth() if health is None else health
    results = await _run(plan, config, use_cache=use_cache, progress=progress, health=health)
    return doubt_nxdomain(results, health) if own else results


def doubt_nxdomain(results: dict[str, LinkResult], health: DnsHealth) -> dict[str, LinkResult]:
    """``results`` with each link whose host got NXDOMAIN "could not verify" when the run's
    resolver answered no name at all: NXDOMAIN for every name asked, and no other name
    resolved — the resolver, not the links, is likely what is wrong."""
    if health.proved:
        return results
    return {
        href: replace(
            result,
            verdict="unverified",
            reason=t(
                "could not verify: {why}, and the resolver found no other link host either",
                why=result.reason,
            ),
        )
        if result.nxdomain and result.verdict == "unreachable"
        else result
        for href, result in results.items()
    }


async def check_urls(
    urls: list[str],
    config: Config,
    *,
    unsubscribe: Iterable[str] = (),
    use_cache: bool = False,
    progress: bool = False,
) -> dict[str, LinkResult]:
    """Check stored URLs without their campaigns (``mailcheck monitor`` re-checking launches).

    Each URL named in ``unsubscribe``, and each that looks like one by itself (an unsubscribe
    path), is requested as an unsubscribe link: HEAD only. The cache is off by default: a
    monitor asks whether a link is alive now, not whether it was a day ago.
    """
    named = set(unsubscribe)
    patterns = _excluded_by(config.links.exclude)
    excluded = {url: any(p.search(url) for p in patterns) for url in urls}
    unsub = {url: url in named or is_unsubscribe(Link(url, "a", raw=url)) for url in urls}
    plan = _plan(excluded, unsub, config)
    health = DnsHealth()
    results = await _run(plan, config, use_cache=use_cache, progress=progress, health=health)
    return doubt_nxdomain(results, health)


async def _run(
    plan: Plan, config: Config, *, use_cache: bool, progress: bool, health: DnsHealth | None = None
) -> dict[str, LinkResult]:
    cfg = config.links
    answers: dict[str, LinkResult] = {}
    cache: LinkCache | None = None
    if cfg.cache_ttl > 0 and plan.requests:
        # Opened even when told not to use it: --no-cache asks every URL again and stores the
        # fresh answers, so the next run starts from them (as the DNS cache does).
        cache = open_cache(config.state_dir / CACHE_FILE, cfg.cache_ttl)
    try:
        if cache is not None and use_cache:
            try:
                answers.update(cache.get_many(plan.requests))
            except sqlite3.Error as exc:
                warn(f"link cache could not be read ({exc}); checking without it")
        todo = [key for key in plan.requests if key not in answers]
        fetched = await _fetch_all(todo, plan, config, progress=progress, health=health)
        answers.update(fetched)
        if cache is not None and fetched:
            try:
                cache.put_many(fetched.items())
            except sqlite3.Error as exc:
                warn(f"link cache could not be written ({exc})")
    finally:
        if cache is not None:
            cache.close()
    results = dict(plan.local)
    for href, key in plan.keys.items():
        answer = answers[key]
        results[href] = answer if answer.url == href else replace(answer, url=href)
    return results


async def _fetch_all(
    keys: list[str], plan: Plan, config: Config, *, progress: bool, health: DnsHealth | None
) -> dict[str, LinkResult]:
    """Every request of ``keys``, concurrently, within the run's ``links.deadline``."""
    if not keys:
        return {}
    cfg = config.links
    fetched: dict[str, LinkResult] = {}
    bar = Progress(len(keys), "checking links", enabled=progress)
    resolver = HostResolver.configured(config, health=health)
    async with make_client(cfg, resolver) as client:
        fetcher = Fetcher(client, cfg, resolver)

        async def one(key: str) -> None:
            target = plan.requests[key]
            try:
                result = await fetcher.check(
                    target.url, unsubscribe=target.unsubscribe, page=target.page
                )
            except Exception as exc:  # one odd link must not lose the batch's other results
                result = LinkResult(
                    target.url,
                    "unverified",
                    reason=t(
                        "could not verify: the check failed ({why}; please report)", why=repr(exc)
                    ),
                    method="",
                    unsubscribe=target.unsubscribe,
                )
            fetched[key] = result
            bar.advance()

        tasks = [asyncio.ensure_future(one(key)) for key in keys]
        try:
            _done, late = await asyncio.wait(tasks, timeout=cfg.deadline or None)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        finally:
            for task in tasks:
                task.cancel()
            bar.close()
    for key in keys:
        if key not in fetched:
            target = plan.requests[key]
            fetched[key] = LinkResult(
                target.url,
                "unverified",
                reason=t(
                    "could not verify: the links deadline ({seconds} s) ran out first",
                    seconds=f"{cfg.deadline:g}",
                ),
                method="",
                unsubscribe=target.unsubscribe,
                out_of_time=True,
            )
    return fetched
