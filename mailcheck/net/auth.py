"""SPF/DKIM/DMARC facts for the batch's sender domains (issue 3: to be implemented)."""

from __future__ import annotations

from mailcheck.config import Config
from mailcheck.model import Campaign


async def gather_auth(campaigns: list[Campaign], config: Config) -> dict[str, object]:
    """Look up each sender domain's records once; keyed by lower-case domain."""
    return {}
