"""HTTP link checking for a whole batch (issue 3: to be implemented)."""

from __future__ import annotations

from mailcheck.config import Config
from mailcheck.facts import LinkResult
from mailcheck.model import Campaign


async def gather_links(
    campaigns: list[Campaign], config: Config, *, use_cache: bool = True, progress: bool = False
) -> dict[str, LinkResult]:
    """Request every unique web URL of the batch once; results keyed by the URL as rendered."""
    return {}
