"""Network fact gathering: links over HTTP (``links``) and SPF/DKIM/DMARC over DNS (``auth``).

Both run concurrently on one event loop, over the whole batch, before any rule judges.
"""

from __future__ import annotations

import asyncio

from mailcheck.config import Config
from mailcheck.facts import Facts
from mailcheck.model import Campaign


def gather(
    campaigns: list[Campaign], config: Config, *, use_cache: bool = True, progress: bool = False
) -> Facts:
    """Fetch every network fact the batch needs, each unique URL and DNS name once."""
    return asyncio.run(gather_async(campaigns, config, use_cache=use_cache, progress=progress))


async def gather_async(
    campaigns: list[Campaign], config: Config, *, use_cache: bool = True, progress: bool = False
) -> Facts:
    from mailcheck.auth_model import check_dns_settings, needs_dns
    from mailcheck.net.links import gather_links

    if not any(needs_dns(c) for c in campaigns):
        # No sender domain in the batch (HTML files): the DNS machinery is not even imported.
        check_dns_settings(campaigns, config)
        links = await gather_links(campaigns, config, use_cache=use_cache, progress=progress)
        return Facts(gathered=True, links=links, auth={})
    from mailcheck.net.auth import gather_auth

    links, auth = await asyncio.gather(
        gather_links(campaigns, config, use_cache=use_cache, progress=progress),
        gather_auth(campaigns, config),
    )
    return Facts(gathered=True, links=links, auth=auth)
