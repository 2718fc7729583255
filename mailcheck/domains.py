"""Host names: organisational domains (Public Suffix List) and host matching."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _psl() -> object:
    # publicsuffixlist ships its list; loading it costs ~50 ms, so only when first needed
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


@lru_cache(maxsize=4096)
def org_domain(domain: str) -> str:
    """The organisational domain (RFC 7489 §3.2): one label below the public suffix."""
    domain = domain.strip().rstrip(".").lower()
    found = _psl().privatesuffix(domain)  # type: ignore[attr-defined]
    return str(found) if found else domain


@lru_cache(maxsize=16384)  # every UTM and LNK rule asks about the same links
def host_of(url: str) -> str:
    """Lower-case host of a URL, "" when it has none or cannot be parsed."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return ""
    return (host or "").rstrip(".").lower()


def under(host: str, domain: str) -> bool:
    """``host`` is ``domain`` or one of its subdomains."""
    host, domain = host.lower().rstrip("."), domain.lower().strip().lstrip(".").rstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))
