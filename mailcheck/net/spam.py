"""Score every campaign of the batch with the configured spamd or rspamd, concurrently.

Gather phase: each campaign's message once, a few at a time (the scanner's workers: more in
flight only queue there). The scanner is the user's own, configured by URL: the campaign links'
SSRF guard does not apply, but no redirect is followed and every request has a timeout. Any
trouble (refused, timed out, an answer not understood) is "not scored", never a score.
"""

from __future__ import annotations

import asyncio

from mailcheck.config import Config
from mailcheck.model import Campaign
from mailcheck.spam import SpamScore, message_for, read_report, read_rspamd, spam_key


def _scorable(campaigns: list[Campaign]) -> list[Campaign]:
    return [c for c in campaigns if c.load_error is None and (c.html or c.text)]


def _not_scored(scanner: str, exc: Exception) -> SpamScore:
    return SpamScore(None, error=f"{scanner}: {str(exc) or type(exc).__name__}", scanner=scanner)


async def gather_spam(campaigns: list[Campaign], config: Config) -> dict[str, SpamScore]:
    if config.spam.rspamd:
        return await gather_rspamd(campaigns, config)
    import aiospamc

    host, _, port = config.spam.spamd.rpartition(":")
    limit = asyncio.Semaphore(4)  # spamd's children: more in flight only queue there

    async def score(campaign: Campaign) -> tuple[str, SpamScore]:
        async with limit:
            try:
                response = await aiospamc.report(
                    message_for(campaign),
                    host=host.strip("[]") or "127.0.0.1",
                    port=int(port),
                    timeout=aiospamc.Timeout(total=config.spam.timeout),
                )
            except Exception as exc:  # unreachable, timeout, a protocol error: not scored
                return spam_key(campaign), _not_scored("spamd", exc)
        body = response.body.decode("utf-8", "replace") if response.body else ""
        spam = response.headers.get("Spam")
        value = getattr(spam, "score", None)
        scored = float(value) if value is not None else None
        return spam_key(campaign), SpamScore(scored, read_report(body))

    return dict(await asyncio.gather(*(score(c) for c in _scorable(campaigns))))


async def gather_rspamd(campaigns: list[Campaign], config: Config) -> dict[str, SpamScore]:
    """Each campaign POSTed to rspamd's ``/checkv2`` (its normal worker's HTTP API)."""
    import httpx

    url = config.spam.rspamd.rstrip("/") + "/checkv2"
    limit = asyncio.Semaphore(4)

    async def score(client: httpx.AsyncClient, campaign: Campaign) -> tuple[str, SpamScore]:
        async with limit:
            try:
                response = await client.post(url, content=message_for(campaign))
                if response.status_code != 200:
                    raise ValueError(f"HTTP {response.status_code} from {url}")
                return spam_key(campaign), read_rspamd(response.json())
            except Exception as exc:  # unreachable, timeout, not rspamd's JSON: not scored
                return spam_key(campaign), _not_scored("rspamd", exc)

    # trust_env=False: a proxy from the environment must not stand between us and a local scanner
    async with httpx.AsyncClient(
        timeout=config.spam.timeout, follow_redirects=False, trust_env=False
    ) as client:
        return dict(await asyncio.gather(*(score(client, c) for c in _scorable(campaigns))))
