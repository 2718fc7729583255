"""Network fact gathering: links over HTTP (``links``) and SPF/DKIM/DMARC over DNS (``auth``).

Both run concurrently on one event loop, over the whole batch, before any rule judges.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from mailcheck.config import Config, check_dns_settings
from mailcheck.facts import Facts
from mailcheck.model import Campaign


def gather(
    campaigns: list[Campaign],
    config: Config,
    *,
    use_cache: bool = True,
    progress: bool = False,
    while_waiting: Callable[[], object] | None = None,
) -> Facts:
    """Fetch every network fact the batch needs, each unique URL and DNS name once.

    ``while_waiting()`` runs once the first link requests are out: their answers are at least
    a round trip away, time this process would otherwise spend idle.
    """
    return asyncio.run(
        gather_async(
            campaigns,
            config,
            use_cache=use_cache,
            progress=progress,
            while_waiting=while_waiting,
        )
    )


async def gather_async(
    campaigns: list[Campaign],
    config: Config,
    *,
    use_cache: bool = True,
    progress: bool = False,
    while_waiting: Callable[[], object] | None = None,
) -> Facts:
    from mailcheck.engine import campaign_config
    from mailcheck.net.links import gather_links

    overridden = (campaign_config(c, config) for c in campaigns if c.config_overrides)
    check_dns_settings([config, *overridden])  # exit 2 before any request
    requests_out = asyncio.Event()
    links = asyncio.ensure_future(
        gather_links(
            campaigns, config, use_cache=use_cache, progress=progress, requests_out=requests_out
        )
    )
    try:
        await requests_out.wait()
        # The link requests go first; what is left to set up is done while they are answered.
        from mailcheck.auth_model import needs_dns

        if while_waiting is not None:
            while_waiting()
        auth: dict[str, object] = {}
        if any(needs_dns(c) for c in campaigns):
            from mailcheck.net.auth import gather_auth

            auth = await gather_auth(campaigns, config)
        # (without a sender domain in the batch the DNS machinery is not even imported)
        return Facts(gathered=True, links=await links, auth=auth)
    finally:
        if not links.done():  # an error (or Ctrl-C) above: the requests are not wanted
            links.cancel()
