"""Score every campaign of the batch with the configured spamd, concurrently (gather phase)."""

from __future__ import annotations

import asyncio

from mailcheck.config import Config
from mailcheck.model import Campaign
from mailcheck.spam import SpamScore, message_for, read_report, spam_key


async def gather_spam(campaigns: list[Campaign], config: Config) -> dict[str, SpamScore]:
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
                reason = str(exc) or type(exc).__name__
                return spam_key(campaign), SpamScore(None, error=f"spamd: {reason}")
        body = response.body.decode("utf-8", "replace") if response.body else ""
        spam = response.headers.get("Spam")
        value = getattr(spam, "score", None)
        scored = float(value) if value is not None else None
        return spam_key(campaign), SpamScore(scored, read_report(body))

    ready = [c for c in campaigns if c.load_error is None and (c.html or c.text)]
    return dict(await asyncio.gather(*(score(c) for c in ready)))
