"""Network fact gathering (links over HTTP, SPF/DKIM/DMARC over DNS)."""

from __future__ import annotations

from mailcheck.config import Config
from mailcheck.facts import Facts
from mailcheck.model import Campaign


def gather(
    campaigns: list[Campaign], config: Config, *, use_cache: bool = True, progress: bool = False
) -> Facts:
    """Fetch every network fact the batch needs, each unique URL and DNS name once."""
    # Filled in by the network work (issue 3); until then a run gathers nothing.
    return Facts(gathered=True)
