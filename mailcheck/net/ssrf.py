"""The SSRF guard's policy: which addresses a campaign's links must never make us contact.

A campaign is untrusted input, and mailcheck often runs inside CI next to metadata services and
internal dashboards. :class:`mailcheck.net.transport.GuardedBackend` asks :func:`refusal` about
the addresses of every connection it opens (the first URL and every redirect hop) and then
connects to an address that was checked, so a DNS answer cannot change between check and use.

Two switches open it: ``links.allow-private`` lets loopback, private and link-local targets be
checked (an intranet's links, a staging server); cloud-metadata endpoints stay refused even
then, unless ``links.allow-metadata`` (they hand out credentials to whoever asks).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from mailcheck.i18n import N_, t

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOW_PRIVATE = N_("set links.allow-private = true to check internal links")
ALLOW_METADATA = N_("set links.allow-metadata = true if this really is meant")

# Cloud instance-metadata endpoints: AWS (and its IPv6 one), GCP, OpenStack (169.254.169.254),
# Azure's wire server (168.63.129.16), Alibaba Cloud (100.100.100.200).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "168.63.129.16", "100.100.100.200")
)
# Deprecated IPv6 site-local addresses: never public, and some clouds still route them inside.
SITE_LOCAL = ipaddress.ip_network("fec0::/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: IPv4-mapped (``::ffff:a.b.c.d``),
    IPv4-compatible (``::a.b.c.d``), NAT64 (``64:ff9b::/96``) or 6to4 (``2002::/16``)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = int(address)
    if address in NAT64 or (packed >> 32 == 0 and packed > 0xFFFF):  # not :: or ::1
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def is_metadata(address: IPAddress) -> bool:
    """A cloud-metadata endpoint, in any of its IPv4 or IPv6 spellings."""
    if address in METADATA_ADDRESSES:
        return True
    if isinstance(address, ipaddress.IPv6Address):
        return address in SITE_LOCAL or (
            (v4 := embedded_ipv4(address)) is not None and v4 in METADATA_ADDRESSES
        )
    return False


def why_refused(
    address: IPAddress, *, allow_private: bool = False, allow_metadata: bool = False
) -> str | None:
    """Why ``address`` must not be contacted (with the setting that would allow it), or None."""
    if is_metadata(address):
        return (
            None
            if allow_metadata
            else t("a cloud metadata address ({setting})", setting=t(ALLOW_METADATA))
        )
    if allow_private:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        v4 = embedded_ipv4(address)
        if v4 is not None:
            return why_refused(v4)
    for test, what in (
        (address.is_loopback, N_("a loopback address ({setting})")),
        (address.is_link_local, N_("a link-local address ({setting})")),
        (address.is_unspecified, N_("the unspecified address ({setting})")),
        (address.is_multicast, N_("a multicast address ({setting})")),
        (address.is_private, N_("a private address ({setting})")),
        (not address.is_global, N_("a non-public address ({setting})")),
    ):
        if test:
            return t(what, setting=t(ALLOW_PRIVATE))
    return None


def refusal(
    host: str,
    addresses: Iterable[IPAddress],
    *,
    allow_private: bool = False,
    allow_metadata: bool = False,
) -> str | None:
    """The reason to refuse ``host`` when any of its addresses may not be contacted."""
    for address in addresses:
        why = why_refused(address, allow_private=allow_private, allow_metadata=allow_metadata)
        if why is not None:
            if host.strip("[]") == str(address):
                return t("not requested: {host} is {why}", host=host, why=why)
            return t(
                "not requested: {host} resolves to {address}, {why}",
                host=host,
                address=str(address),
                why=why,
            )
    return None
