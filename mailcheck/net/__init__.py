"""Network fact gathering: links over HTTP (``links``) and SPF/DKIM/DMARC over DNS (``auth``).

Both run concurrently on one event loop, over the whole batch, before any rule judges.
"""

from __future__ import annotations

import asyncio
import time

from mailcheck.config import Config, campaign_config, check_dns_settings, has_own_config
from mailcheck.facts import Facts
from mailcheck.model import Campaign
from mailcheck.net.dnshealth import DnsHealth


def gather(
    campaigns: list[Campaign],
    config: Config,
    *,
    use_cache: bool = True,
    cached_links: bool = True,
    progress: bool = False,
) -> Facts:
    """Fetch every network fact the batch needs, each unique URL and DNS name once.

    ``use_cache=False`` (``--no-cache``) asks everything again; ``cached_links=False`` asks
    the links again but lets DNS answers within their TTL come from the cache."""
    return asyncio.run(
        gather_async(
            campaigns, config, use_cache=use_cache, cached_links=cached_links, progress=progress
        )
    )


async def gather_async(
    campaigns: list[Campaign],
    config: Config,
    *,
    use_cache: bool = True,
    cached_links: bool = True,
    progress: bool = False,
) -> Facts:
    from mailcheck.net.links import doubt_nxdomain, gather_links

    started = time.time()  # what a cached link answer's age is measured against

    health = DnsHealth()  # one for the links' and the sender checks' lookups
    overridden = (campaign_config(c, config) for c in campaigns if has_own_config(c))
    check_dns_settings([config, *overridden])  # exit 2 before any request
    links = asyncio.ensure_future(
        gather_links(
            campaigns,
            config,
            use_cache=use_cache and cached_links,
            progress=progress,
            health=health,
        )
    )
    auth = None
    if any(_may_need_dns(c) for c in campaigns):
        auth = asyncio.ensure_future(
            _gather_auth(campaigns, config, use_cache=use_cache, health=health)
        )
    spam = None
    if config.spam.spamd or config.spam.rspamd:
        from mailcheck.net.spam import gather_spam

        spam = asyncio.ensure_future(gather_spam(campaigns, config))
    try:
        found_links = await links
        found_auth = await auth if auth else {}
        # Every lookup of the run is in: whether the resolver proved it answers names (one
        # that says NXDOMAIN to every name proves nothing by it) is judged once, for the
        # links and the sender checks alike (mailcheck.net.dnshealth)
        return Facts(
            gathered=True,
            links=doubt_nxdomain(found_links, health),
            auth=found_auth,
            spam=dict(await spam) if spam else {},
            dns_silent=health.reason(),
            nxdomain_unproven=health.nxdomain_unproven(),
            gathered_at=started,
        )
    finally:
        for task in (links, auth, spam):
            if task is not None and not task.done():  # an error or Ctrl-C above
                task.cancel()


def _may_need_dns(campaign: Campaign) -> bool:
    """Cheaply: could the campaign have a sender domain or a signature to look up?

    A batch of bare HTML files has none of these, and then the DNS machinery (and the rest of
    :mod:`mailcheck.auth_model`) is not even imported. :func:`mailcheck.auth_model.needs_dns`
    gives the exact answer.
    """
    return campaign.load_error is None and bool(
        campaign.from_addr or campaign.envelope_from or campaign.headers or campaign.raw_message
    )


async def _gather_auth(
    campaigns: list[Campaign], config: Config, *, use_cache: bool, health: DnsHealth
) -> dict[str, object]:
    from mailcheck.auth_model import needs_dns

    if not any(needs_dns(c) for c in campaigns):
        return {}
    from mailcheck.net.auth import gather_auth

    return await gather_auth(campaigns, config, use_cache=use_cache, health=health)
