"""Web URLs as the link checker requests them: normalised once, then only split.

An href in an e-mail is written by hand or by an editor: Cyrillic paths, spaces in the query,
an IDN host, ``/a/../b``. :func:`normalise` turns it into the one form that is requested (and
that is the key two hrefs share a request by):

* scheme and host lower-cased; IDN hosts in punycode (IDNA 2008 with UTS #46 mapping, as
  browsers do); the default port dropped; an empty path is ``/``;
* path and query percent-encoded where RFC 3986 does not allow the character (non-ASCII as
  UTF-8 bytes), existing ``%XX`` escapes kept as they are; ``.`` and ``..`` segments resolved;
* no fragment: it never reaches the server.

The URL's own parts are checked on the way (host name syntax, IPv4/IPv6 literals, the port) so
that a malformed link is reported as invalid instead of failing at connect time.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit

WEB_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
DOTTED_NUMBERS = re.compile(r"^[0-9]+(\.[0-9]+){3}$")
# RFC 3986: what may stay as written (unreserved, sub-delims, ":" and "@", and "%" of escapes)
PATH_SAFE = "-._~!$&'()*+,;=:@/%"
QUERY_SAFE = PATH_SAFE + "?"


class InvalidURL(ValueError):
    """Not a URL that can be requested; the message says why."""


class Address(NamedTuple):
    """Where a request goes, taken apart once."""

    scheme: str  # http or https
    host: str  # lower-case; IDNs as punycode, IPv6 without brackets
    port: int
    netloc: bytes  # the Host header
    target: bytes  # path and query


def address_of(url: str) -> Address:
    """The parts of a URL in :func:`normalise`'s form, by plain string splitting.

    Every URL the checker requests (a link, a redirect target) is normalised once; taking it
    apart again for each request must cost next to nothing.
    """
    scheme, sep, rest = url.partition("://")
    netloc, _, path = rest.partition("/")
    hostport = netloc.rpartition("@")[2]  # user:password@ is never sent
    if hostport.startswith("["):
        host, _, port_text = hostport[1:].partition("]")
        port_text = port_text.removeprefix(":")
    else:
        host, _, port_text = hostport.partition(":")
    if not sep or scheme not in WEB_SCHEMES or not host or (not port_text.isdigit() and port_text):
        raise InvalidURL(f"not in normalised form: {url!r}")
    port = int(port_text) if port_text else DEFAULT_PORTS[scheme]
    return Address(scheme, host, port, hostport.encode("ascii"), f"/{path}".encode("ascii"))


def normalise(text: str) -> str:
    """The requested form of an absolute http(s) URL (see the module docstring)."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:  # a bad port, an unclosed [IPv6 bracket
        raise InvalidURL(str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES:
        raise InvalidURL(f"not an http(s) URL: {text!r}")
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host = _host(hostport, parts.hostname or "")
    if port is not None and not 0 < port < 65536:
        raise InvalidURL(f"port {port} out of range")
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if userinfo:
        netloc = f"{quote(userinfo, safe=PATH_SAFE)}@{netloc}"
    path = quote(_without_dot_segments(parts.path), safe=PATH_SAFE) or "/"
    query = quote(parts.query, safe=QUERY_SAFE)
    return f"{scheme}://{netloc}{path}?{query}" if query else f"{scheme}://{netloc}{path}"


def join(base: str, location: str) -> str:
    """Where a redirect's Location leads from ``base``; normalised when it is a web URL."""
    target = urljoin(base, location.strip())
    if urlsplit(target).scheme.lower() in WEB_SCHEMES:
        return normalise(target)
    return target  # an app link or mailto: at the end of a chain is reported, not requested


def _host(hostport: str, hostname: str) -> str:
    if hostport.startswith("["):
        literal = hostname.split("%", 1)[0]
        try:
            return f"[{ipaddress.IPv6Address(literal).compressed}]"
        except ValueError:
            raise InvalidURL(f"{hostname!r} is not a valid IPv6 address") from None
    if not hostname:
        raise InvalidURL("no host name")
    return _host_name(hostname)


@functools.lru_cache(maxsize=4096)
def _host_name(name: str) -> str:
    """The host as sent (a batch has thousands of links to a few hosts: decided once each)."""
    if not name.isascii():
        import idna  # IDNA 2008 (the stdlib codec is IDNA 2003); loaded only for IDN links

        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise InvalidURL(f"{name!r} is not a valid international domain name ({exc})") from None
    name = name.lower()
    if DOTTED_NUMBERS.match(name):
        try:
            return str(ipaddress.IPv4Address(name))
        except ValueError:
            raise InvalidURL(f"{name!r} is not a valid IPv4 address") from None
    bare = name.rstrip(".")
    if not bare or len(bare) > 253 or not all(HOST_LABEL.match(label) for label in bare.split(".")):
        raise InvalidURL(f"{name!r} is not a valid host name")
    return name


def _without_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: ``/a/./b/../c`` is ``/a/c`` (servers and browsers see the same)."""
    if "." not in path:
        return path
    segments = path.split("/")
    kept: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")  # "/a/b/.." is the directory "/a/"
    return "/" + "/".join(kept)
