"""Host names: organisational domains (Public Suffix List) and host matching."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _psl() -> object:
    # publicsuffixlist ships its list; loading it costs time, so only when first needed. Its
    # rules are read in Unicode only: adding each one's punycode form too tripled the load
    # (~40 ms against ~13 ms, paid by every process); a punycode name is decoded for it instead
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_encoded_idn=False)


def _as_listed(domain: str) -> str:
    """``shop.xn--p1ai`` as ``shop.рф``: how the list writes its rules. A label that is not
    valid punycode stays as it is (the list has no rule for it either)."""
    if "xn--" not in domain:
        return domain
    return ".".join(map(_unicode_label, domain.split(".")))


def unicode_host(host: str) -> str:
    """A host name's Unicode form, as a reader sees it (``xn--h1aax.xn--p1ai`` is
    ``ири.рф``); labels that are not punycode stay as written."""
    return _as_listed(host.lower())


def _unicode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label


@lru_cache(maxsize=4096)
def org_domain(domain: str) -> str:
    """The organisational domain (RFC 7489 §3.2): one label below the public suffix, in the
    form the domain is written (punycode stays punycode)."""
    domain = domain.strip().rstrip(".").lower()
    found = _psl().privatesuffix(_as_listed(domain))  # type: ignore[attr-defined]
    if not found:
        return domain
    return ".".join(domain.split(".")[-(str(found).count(".") + 1) :])


# The size of a cache of facts about one URL, which every LNK/UTM/UNS rule asks of every link
# in turn: it holds all the links of a campaign under the 5 MB file limit. An LRU smaller than
# the links a rule walks evicts each link just before the next rule asks about it again (45,000
# links took 12 s for nothing but urlsplit).
URL_CACHE_SIZE = 1 << 17


@lru_cache(maxsize=URL_CACHE_SIZE)
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


@lru_cache(maxsize=4096)
def ascii_host(host: str) -> str:
    """A host name in its ASCII form (IDNA 2008 with UTS #46 mapping, as browsers): "ири.рф"
    and "xn--h1aax.xn--p1ai" are one host. A name IDNA refuses is only lower-cased."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    import idna  # loaded only for international names

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return host


# Special-use and private names: RFC 6761's (test campaigns use them as real hosts), .onion
# (RFC 7686), .alt (RFC 9476), .internal (ICANN's private-use name, 2024) and the names RFC 6762
# (appendix G) lists as used on private networks (.corp, .home, .lan, .intranet, .private): an
# internal reader's link is written on them.
_SPECIAL_USE = frozenset(
    {"test", "example", "invalid", "localhost", "local", "onion", "alt", "internal"}
    | {"corp", "home", "lan", "intranet", "private"}
)
# Special-use names that stand for no host at all: .invalid (RFC 6761: meant never to resolve).
# A URL written on it in the copy is a stand-in. (Not .example: test campaigns, this project's
# examples among them, write their real links on it, "https://acme.example/sale".)
STAND_IN_TLDS = frozenset({"invalid"})


def top_level(name: str) -> str:
    """The last label of a host name, in its ASCII form ("" for a name without a dot)."""
    name = ascii_host(name)
    return name.rsplit(".", 1)[1] if "." in name else ""


@lru_cache(maxsize=4096)
def is_domain_name(name: str) -> bool:
    """``name`` ends in a real top-level domain (Public Suffix List) or a special-use one:
    "acme.ru" and "ири.рф" are domains; "same-link-as-button.url" and "logo.png" are not."""
    name = ascii_host(name)
    if "." not in name:
        return False
    if name.rsplit(".", 1)[1] in _SPECIAL_USE:
        return True
    found = _psl().publicsuffix(_as_listed(name), accept_unknown=False)  # type: ignore[attr-defined]
    return found is not None


@lru_cache(maxsize=4096)
def is_top_level(label: str) -> bool:
    """``label`` is a top-level domain of the Public Suffix List ("ai", "com", "рф"): a name
    of that one label may be a real host. Not a special-use name ("local", "intranet")."""
    label = ascii_host(label)
    found = _psl().publicsuffix(_as_listed(f"host.{label}"), accept_unknown=False)  # type: ignore[attr-defined]
    return found is not None and ascii_host(str(found)) == label
