"""What a link is for, decided from its text and URL (no network, no HTML parsing)."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

import regex

from mailcheck.domains import (
    URL_CACHE_SIZE,
    ascii_host,
    host_of,
    is_top_level,
    org_domain,
    under,
    unicode_host,
)
from mailcheck.i18n import N_, t
from mailcheck.model import Campaign, Link
from mailcheck.trackers import known_tracker
from mailcheck.unsubscribe import (
    body_has_unsubscribe_tag,
    link_is_unsubscribe,
    link_manages_subscription,
    link_says_unsubscribe,
    social_network,
    unsubscribe_tags,
    url_words_say_unsubscribe,
)

SYSTEM_PLACEHOLDER_HOST = "esp-system.mailcheck.invalid"
"""Host of every URL a system variable renders to (a reserved ``.invalid`` name); link checkers
skip it. Here rather than in :mod:`mailcheck.templating`, so that the link checker does not
load the template engines to know it."""

PLACEHOLDER_DOMAINS = (
    *("example.com", "example.org", "example.net", "localhost"),
    # services that serve stand-in pictures to a layout not yet filled
    *("placehold.co", "placehold.it", "placeholder.com", "dummyimage.com", "picsum.photos"),
    *("placekitten.com", "placeimg.com", "lorempixel.com", "fakeimg.pl"),
)
# A host's label that is a layout's stand-in for the client's own site ("www.YourSiteName.com",
# "yourdomain.ru", "mail.example-company.com"): a phrase that says so, never a brand's name.
# Whole labels only: "yourdomains.shop" or "my-yourcompany.io" are someone's, not stand-ins
PLACEHOLDER_LABELS = frozenset(
    {
        *("yoursitename", "yoursite", "your-site", "yourwebsite", "your-website"),
        *("yourwebsitename", "yourdomain", "your-domain", "yourdomainname"),
        *("yourcompany", "your-company", "yourcompanyname", "yourbrandname"),
        *("example-company", "examplecompany"),
    }
)
# A whole href that is only a merge tag of some dialect, e.g. "{{ url }}", "*|LINK|*", "[% x %]".
WHOLE_TAG = re.compile(
    r"^\s*(\{\{.*\}\}|\{%.*%\}|\*\|.*\|\*|\[%.*%\]|%%.*%%|\$\{.*\}|%[a-z_.]+%|<%.*%>)\s*$", re.S
)
# What a browser drops from a URL before reading it (WHATWG URL): tabs and line breaks
# anywhere, control characters and spaces at either end, so "java&#x09;script:" is javascript:.
_DROPPED = re.compile(r"[\t\n\r]")
_ENDS = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Any dialect's merge-tag syntax in a URL, raw or percent-encoded by an editor (%7B%7B is
# "{{"): such a URL was never rendered; requesting or judging it would only report the
# template's problem (PER003) a second time.
TEMPLATE_MARKERS = re.compile(
    r"\{\{|\{%|\*\||\|\*|%%|\[%|\$\{|@\{|<%|(?i:%7B%7B|%7B%25|%5B%25|%24%7B|%2A%7C)"
    # 1C-Bitrix mail templates (common in Russian shops): #SERVER_NAME#, #ORDER_ID#
    r"|#[A-Z][A-Z0-9_]*#"
)
# A host name as DNS holds it (IDNs in punycode); the link checker refuses any other.
HOST_NAME = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*\.?")
# What no host can contain (WHATWG URL's forbidden host code points, but for the IPv6 brackets)
_FORBIDDEN_IN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\\^|\x7f]")
# One letter away from http/https ("htp://", "htttps://", "hhtp://"): a typo, not an app's
# scheme. Two away ("hxxp", "ftp") is deliberate.
_WEB_SCHEME_TYPO = regex.compile(r"(?:https?){e<=1}")
# A web scheme written without its colon ("http//shop.ru"): a relative path to a browser
_NO_COLON = re.compile(r"(https?)//", re.IGNORECASE)
# A web scheme again where the host should start ("https://https://shop.ru", "https://http//…")
_SCHEME_AGAIN = re.compile(r"https?:?/+", re.IGNORECASE)
_WRITTEN_TWICE = re.compile(r"https?:[/\\]*https?:?/", re.IGNORECASE)


def is_unsubscribe(
    link: Link, list_unsubscribe: Iterable[str] = (), sender: str | None = ""
) -> bool:
    """An unsubscribe or preference-centre link: never clicked by the checker, no UTMs needed.

    ``list_unsubscribe`` holds the campaign's List-Unsubscribe URLs: a link to one of them is
    the unsubscribe link whatever its text. ``sender``: the domain of the campaign's From
    address, when known (a social network's own mail unsubscribes on the network's site).
    """
    if link.kind not in ("a", "area"):
        return False
    return link_is_unsubscribe(
        link.href, link.raw or link.href, link.text, link.context, link.marker,
        frozenset(list_unsubscribe), sender or "",
    )  # fmt: skip


def manages_subscription(link: Link) -> bool:
    """A link that manages the reader's e-mail, newsletter or mailing-list preferences without
    saying unsubscribe (:func:`mailcheck.unsubscribe.link_manages_subscription`): a
    preference-centre link to the UTM rules, no way out to UNS001."""
    return link.kind in ("a", "area") and link_manages_subscription(
        link.href, link.text, link.context
    )


def _says_unsubscribe_on_a_network(
    link: Link, list_unsubscribe: frozenset[str], sender: str
) -> bool:
    """A link whose words say unsubscribe and which opens a page of a social network: no way
    out, though a reader takes it for one (the mailgun template's «<a
    href="http://twitter.com/mail_gun">Unsubscribe</a>»)."""
    return (
        link.kind in ("a", "area")
        and social_network(link.href, sender) is not None
        and link_says_unsubscribe(
            link.href, link.raw or link.href, link.text, link.context, link.marker,
            list_unsubscribe,
        )
    )  # fmt: skip


def content_id(value: str) -> str:
    """A Content-ID, or the address of a ``cid:`` URL (percent-encoded, RFC 2392), as the two
    are compared: what stands between the header's <> (a comment or a line fold around them is
    no part of it), lower-cased (mail clients find "Logo@Shop" by "logo@shop")."""
    if value[:4].lower() == "cid:":
        value = unquote(value[4:])
    bracketed = _MSG_ID.search(value)
    return (bracketed.group(1) if bracketed else value).strip().lower()


_MSG_ID = re.compile(r"<([^<>]*)>")


def browser_form(url: str) -> str:
    """The URL as a browser reads it (see ``_DROPPED``)."""
    return _DROPPED.sub("", url).strip(_ENDS)


def scheme(url: str) -> str:
    match = _SCHEME.match(browser_form(url))
    return match.group(1).lower() if match else ""


def host_and_port(url: str) -> str:
    """``host`` or ``host:port`` of ``url`` as findings name a server ("" without a host): a
    refused port 443 says nothing about port 80. A port that is no number is left out."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or ""
    return f"{host}:{port}" if host and port else host


def is_web(url: str) -> bool:
    return scheme(url) in ("http", "https")


@lru_cache(maxsize=URL_CACHE_SIZE)  # LNK003, LNK004, UNS001/UNS003, the link checker
def url_problem(href: str, written: str | None = None) -> str | None:
    """Why a web link cannot be opened at all, read as a browser reads it, or None.
    ``written``: the template source of a rendered ``href``, when it differs (what a merge
    tag rendered to is mailcheck's stand-in: "https://#URL#" doubles no scheme of its own).

    Only what is certain offline: a scheme one letter off http(s) ("htp://"), fewer than two
    slashes after its colon, no host, a host no DNS name can be ("shop example.com",
    "shop..example"), a malformed IPv6 literal, a port out of range. A browser's leniencies
    that hold wherever the link is opened are kept: "https:\\\\shop…", "https:///shop…",
    international names. A URL with merge tags is the template's business.
    """
    url = browser_form(href)
    kind = scheme(url)
    if _TEMPLATED.search(url) or TEMPLATE_MARKERS.search(url):
        return None
    if not kind:
        colonless = _NO_COLON.match(url)
        if colonless:  # "http//shop.ru": a path on no site, not the site
            return t(
                "“{written}” lacks the colon after {scheme}",
                written=colonless.group(0),
                scheme=colonless.group(1).lower(),
            )
        return None
    rest = url[len(kind) + 1 :]
    if kind == "mailto":
        return _mailto_problem(rest)
    if kind not in ("http", "https"):
        if rest.startswith("//") and _WEB_SCHEME_TYPO.fullmatch(kind):
            return t("“{scheme}:” is not a web address scheme (a typo of http?)", scheme=kind)
        return None
    address = rest.replace("\\", "/").lstrip("/")
    if not address:
        return t("“{scheme}://” with no address after it", scheme=kind)
    if len(rest) - len(address) < 2:
        # "https:/shop.ru" (WHATWG URL): a browser with no page around it guesses the host,
        # but read against a page of the same scheme it is a path on that page's site: the
        # browser that follows a click tracker's redirect, a web mail's page, go there
        return t(
            "“{written}” needs two slashes after the colon (write {fixed}): only a browser "
            "opening it on its own guesses the site; through a click tracker's redirect or in "
            "web mail it opens a page of their own site",
            written=url[: len(url) - len(address)],
            fixed=f"{kind}://{address}" if len(address) <= 30 else f"{kind}://{address[:30]}…",
        )
    again = _SCHEME_AGAIN.match(address)
    if again and (written is None or _WRITTEN_TWICE.match(browser_form(written))):
        # "https://https://shop.ru": a site named "https"
        return t(
            "not a valid URL (the scheme is written twice: “{written}”)",
            written=url[: len(url) - len(address) + again.end()],
        )
    try:
        parts = urlsplit(f"{kind}://{address}")
    except ValueError:  # urlsplit refuses nothing else
        return t("not a valid URL (malformed IPv6 address)")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return t("not a valid URL (the port is not a number from 1 to 65535)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return t("not a valid URL (no host name)")
    if ":" in host:  # an IPv6 literal, which urlsplit has read
        return None
    if _FORBIDDEN_IN_HOST.search(host):  # "https://shop.ru /sale": a space ends no host
        return t("not a valid URL (“{host}” is not a host name)", host=host)
    name = ascii_host(host)
    if (name.isascii() and not HOST_NAME.fullmatch(name)) or _FORBIDDEN_IN_HOST.search(name):
        return t("not a valid URL (“{host}” is not a host name)", host=host)
    # (a host a merge tag writes is the ESP's value, not the stand-in rendered here: esp-tld)
    if written is None or not _TEMPLATED.search(written):
        top = _impossible_top_level(name)
        if top:
            return t(
                "not a valid URL (“{host}” ends in “.{top}”, which no top-level domain can be: "
                "they are letters only, or xn-- names)",
                host=host,
                top=top,
            )
    return None  # (an international name IDNA refuses may still open: browsers are lenient)


def _impossible_top_level(name: str) -> str | None:
    """The last label of the ASCII host ``name`` when no top-level domain can be it: every one
    is letters only, or an international one's punycode (xn--…) — so "c0m", "com_", "c-om"
    are typos. None for any other, and for a name of one label or one that ends in digits
    alone (an IPv4 address, written as browsers read one)."""
    if not name.isascii() or "." not in name:
        return None
    top = name.rstrip(".").rsplit(".", 1)[1].lower()
    if not top or top.isdigit() or top.startswith("xn--") or top.isalpha():
        return None
    return top


_NAMED_ADDRESS = re.compile(r"[^<>]*<([^<>]+)>\s*")


def _mailto_problem(rest: str) -> str | None:
    """Why a ``mailto:`` link cannot address a letter (RFC 6068), or None.

    Only what is certain: an address with no ``@``, nothing before it, or a domain no DNS
    name can be or with no dot ("info@acme,ru" is the addresses "info@acme" and "ru"). A
    ``mailto:?subject=…`` with no address is a share-by-mail link and fine."""
    addresses = unquote(rest.split("?", 1)[0])
    for address in _addresses(rest):
        local, at, domain = address.rpartition("@")
        name = ascii_host(domain.rstrip("."))
        literal = domain.startswith("[") and domain.endswith("]")  # user@[192.0.2.1]
        if (
            not at
            or not local.strip()
            or any(c.isspace() for c in address)
            or not (literal or ("." in name and (not name.isascii() or HOST_NAME.fullmatch(name))))
        ):
            return t("not a valid e-mail address: “{address}”", address=addresses.strip())
    return None


_STAND_IN_DIGITS = re.compile(r"[XxХх]{3}")  # "+7 (XXX) XXX-XX-XX": a layout's phone number


def _addresses(rest: str) -> Iterator[str]:
    """The addresses a ``mailto:`` link writes to ("Acme <info@acme.ru>" is info@acme.ru)."""
    for written in filter(None, (a.strip() for a in unquote(rest.split("?", 1)[0]).split(","))):
        named = _NAMED_ADDRESS.fullmatch(written)  # "Acme <info@acme.ru>": clients accept it
        yield named.group(1).strip() if named else written


def _placeholder_address(rest: str) -> str | None:
    """The first address of a ``mailto:`` link at a placeholder domain (info@example.com)."""
    for address in _addresses(rest):
        domain = ascii_host(address.rpartition("@")[2].rstrip(".").lower())
        if _is_placeholder_host(domain):
            return address
    return None


def placeholder_reason(
    link: Link, anchors: frozenset[str] | None = None, *, private_ok: bool = True
) -> str | None:
    """Why a link cannot be a real destination, or None. ``anchors``: what an in-page link
    can go to (:meth:`Campaign.anchor_names`); None: in-page links are not judged.
    ``private_ok`` (links.allow-private): a host on a loopback or private address is meant
    (an internal mailing), not the designer's own machine or office network."""
    href = link.href.strip()
    if not href:
        return t("empty link")
    if href == "#":
        return t("link to “#”")
    if href.startswith("#") and anchors is not None and _goes_nowhere(link, href[1:], anchors):
        return t(
            "link to “{href}”, and nothing in the e-mail is named “{name}” (no id, no "
            "<a name>): a click does nothing",
            href=href,
            name=href[1:],
        )
    if WHOLE_TAG.match(href):
        if unsubscribe_tags().href.search(href):
            return None  # a platform's unsubscribe tag: the platform fills it when sending
        return t("unrendered merge tag as the whole link: {href}", href=href)
    kind = scheme(href)
    if kind == "file" or _DRIVE_PATH.match(href):
        # the designer's own disk ("file:///C:/Users/…", "C:\\Users\\…\\logo.png"): there on
        # the computer the e-mail was made on, on no recipient's
        return t("a file on the computer the e-mail was made on: no recipient has it")
    if kind == "javascript":
        return t("javascript: link")
    if kind == "vbscript" or (kind == "data" and not link.is_image):
        return t("{scheme}: link (a browser runs or shows it, no page opens)", scheme=kind)
    if kind in ("mailto", "tel"):
        address = browser_form(href).split(":", 1)[1].strip()
        if not address:
            return t("empty {scheme}: link", scheme=kind)
        if unquote(address.split("?", 1)[0]).strip() == "#":
            # the layout's “#” placeholder written as a mail link or a phone number (also
            # "mailto:%23?subject=…"): one root cause with the other “#” links, one finding
            # (LNK003's stand-ins), said as written: no “link to “#”” for a mailto: link
            return t("link to “{scheme}:#”", scheme=kind)
        if kind == "tel" and _STAND_IN_DIGITS.search(unquote(address)):
            return t("placeholder phone number “{number}”", number=unquote(address))
        if kind == "mailto" and (stand_in := _placeholder_address(address)):
            return t("placeholder address {address}", address=stand_in)
    problem = url_problem(href, link.raw if link.raw and link.raw != link.href else None)
    if problem:
        return problem
    # (imported here: the link checker loads this module and must not load the template engines)
    host = host_of(href)
    if host and host != SYSTEM_PLACEHOLDER_HOST:
        if _is_placeholder_host(host):
            return t("placeholder host {host}", host=host)
        internal = None if private_ok else _internal_address(host)
        if internal:  # a dev server's address in a build ("http://192.168.1.5:3000/hero.png")
            return t(internal, host=host)
        # a name of one label ("https://shop-acme-store/b"): a local network's name, found by
        # its resolver's search domain, as a private address is (not one a merge tag wrote)
        if not private_ok and _local_name(host) and not _TEMPLATED.search(link.raw or ""):
            return t(
                "{host} is a name of one label, which only a local network's resolver finds: "
                "no recipient outside it reaches it (links.allow-private = true if the list "
                "reads it inside that network)",
                host=host,
            )
    return None


@lru_cache(maxsize=URL_CACHE_SIZE)
def _local_name(host: str) -> bool:
    """A host name of one label that is no top-level domain ("intranet", "shop-acme-store";
    not "ai", a TLD, nor a number: "3232235777" is an IPv4 address to a browser)."""
    if "." in host or ":" in host or host.isdigit() or host.lower().startswith("0x"):
        return False
    return not is_top_level(host)


# The reasons of :func:`placeholder_reason` (their templates) that say a layout's stand-in
# was left where the real destination belongs: nothing filled in ("", "#", "http://", an
# empty mailto:), or the layout's own example (example.com, hello@example.com, a phone number
# of X's, a placehold.it picture). One fix for them all: fill in the layout. Not a typo of a
# real address (htp://, shop..ru), a script, a file on disk, a tag left unrendered.
_UNFILLED = frozenset(
    {
        "empty link",
        "link to “#”",
        "link to “{scheme}:#”",
        "empty {scheme}: link",
        "placeholder phone number “{number}”",
        "placeholder address {address}",
        "placeholder host {host}",
        "“{scheme}://” with no address after it",
    }
)


def unfilled(reason: str) -> bool:
    """Whether ``reason`` (:func:`placeholder_reason`'s) is a layout's stand-in left in: not
    a link to localhost, the designer's own server (a build's leftover, another fix)."""
    if getattr(reason, "template", None) not in _UNFILLED:
        return False
    host = str(getattr(reason, "values", {}).get("host", ""))
    return not under(host, "localhost")


@lru_cache(maxsize=URL_CACHE_SIZE)  # a campaign's hosts are few, and asked of by many rules
def _is_placeholder_host(host: str) -> bool:
    """Whether ``host`` is a layout's stand-in: under a placeholder domain (example.com), or
    with a label that is a placeholder phrase (www.yoursitename.com), in any case."""
    host = host.lower()
    if any(under(host, domain) for domain in PLACEHOLDER_DOMAINS):
        return True
    return not PLACEHOLDER_LABELS.isdisjoint(host.rstrip(".").split("."))


def _browser_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a browser reads in ``host`` (the WHATWG URL standard's IPv4 parser):
    besides 163.125.6.199 also one number (2742879943), hexadecimal or octal parts
    (0xa3.0175.6.199) and fewer than four parts (163.8193735). None for a name.

    The C library's ``inet_aton`` reads these same forms; WHATWG also reads a bare "0x" part
    as 0, and "2742879943." (a final dot) as the same host."""
    if host.endswith(".") and len(host) > 1:
        host = host[:-1]
    if not host or any(c.isspace() for c in host):
        return None  # inet_aton stops at white space; a host holds none
    host = ".".join("0" if part.lower() == "0x" else part for part in host.split("."))
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def ip_address_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a browser opens for ``host``, in any form it reads one in; None for a
    name (what a name resolves to is the link checker's to find)."""
    if not host or not (host[0].isdigit() or ":" in host):
        return None  # a name (an IP address starts with a digit, or is IPv6)
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.strip("[]"))
        except ValueError:
            return None
    return _browser_ipv4(host)


@lru_cache(maxsize=URL_CACHE_SIZE)
def disguised_address(host: str) -> str | None:
    """The dotted IPv4 address ``host`` is when it is written in another form a browser reads
    as one (2742879943 is 163.125.6.199): a link that hides where it goes, as spam writes
    it. None for a name or an address written as itself."""
    address = ip_address_of(host)
    if address is None or address.version != 4 or str(address) == host.rstrip("."):
        return None
    return str(address)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _internal_address(host: str) -> str | None:
    """Why no recipient can reach an IP address host (a message with "{host}"), else None.
    An address in a browser's other forms counts too (3232235777 is 192.168.1.1)."""
    address = ip_address_of(host)
    if address is None:
        return None
    if address.is_loopback or address.is_unspecified:
        return N_("{host} is a loopback address: the computer the e-mail was made on")
    if address.is_private or address.is_link_local:
        return N_(
            "{host} is a private network address: no recipient outside it reaches it "
            "(links.allow-private = true if the list reads it inside that network)"
        )
    return None


def _goes_nowhere(link: Link, fragment: str, anchors: frozenset[str]) -> bool:
    """Whether an in-page link finds no element to go to, as HTML finds it: an id, else an
    <a name>, as written or percent-decoded; "#top" is the top of the document. Links inside
    Outlook's conditional comments (their targets may be there too, unparsed) and what a
    merge tag writes ("#COMMENT_PATH#" before rendering) are not judged."""
    if link.outlook_only or _TEMPLATED.search(fragment) or _TEMPLATED.search(link.raw or ""):
        return False
    if fragment in anchors or unquote(fragment) in anchors:
        return False
    return unquote(fragment).lower() != "top"


_DRIVE_PATH = re.compile(r"[A-Za-z]:[\\/]")  # a Windows path: a browser reads "C:" as a scheme


_ANGLE_URL = re.compile(r"<\s*([^<>\s]+)\s*>")


@lru_cache(maxsize=URL_CACHE_SIZE)
def tracked_target(href: str) -> str | None:
    """Where a click tracker's link sends the reader, when the link says so in its query
    (``https://click.esp.example/c?url=https%3A%2F%2Fshop.ru%2Fsale``): the first query value
    that is a whole web address. None when none is (the tracker keeps it to itself)."""
    try:
        query = urlsplit(href.strip()).query
    except ValueError:
        return None
    for _, value in parse_qsl(query):
        if value.lower().startswith(("http://", "https://")) and host_of(value):
            return value
    return None


def click_tracker(href: str, shown: str, esp_domains: Iterable[str] = ()) -> str | None:
    """The host of the ESP's click tracker ``href`` goes through, for a link whose text shows
    the host ``shown`` (any form): its host is under one of ``esp_domains`` (the ESP's, as the
    campaign's own unsubscribe URLs name it), it is no home page, and neither does its query
    send the reader to another site nor its host or path spell ``shown`` (a disguise). None
    otherwise: where it leads is its own host. Only the ESP's own domain tells a tracker: a
    token or a "?next=https://shown/" in an unknown host's URL is what a phishing link writes
    too (``paypal-secure.example/signin?next=https://www.paypal.com/``)."""
    if scheme(href) not in ("http", "https"):
        return None
    host = ascii_host(host_of(href))
    if not host or not any(under(host, domain) for domain in esp_domains):
        return None
    shown = ascii_host(shown).removeprefix("www.")
    wrapped = tracked_target(href)
    if wrapped:
        # the query says where the tracker sends the reader: the site shown, or another
        return host if org_domain(ascii_host(host_of(wrapped))) == org_domain(shown) else None
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    rest = f"{parts.path}?{parts.query}"
    spelled = {shown, unicode_host(shown)}
    if any(f".{name}." in f".{host}." or name in unquote(rest).lower() for name in spelled):
        return None
    if not (parts.path.strip("/") or parts.query):
        return None  # a site's home page is no click
    return host


# A site's home page as a URL writes it: "/", an index file, a language's root ("/ru/", "/en",
# "/pt-br/index.html")
_HOME_PATH = re.compile(
    r"/?(?:(?P<root>[a-z]{2}(?:[-_][a-z]{2})?)(?:/|(?=$)))?"
    r"(?:(?:index|default|home)\.(?:html?|php|aspx?|jsp))?",
    re.I,
)


@cache
def _territories() -> frozenset[str]:
    """Babel's region codes ("RU", "UA", "BR"): a site's root for a country ("/ua/")."""
    from babel import Locale  # (its locale data: loaded when a home page's path is asked)

    return frozenset(str(code) for code in Locale("en").territories if str(code).isalpha())


def _language_root(segment: str) -> bool:
    """A path's first segment that names a language or a country: "ru", "en", "pt-br",
    "ru_RU", "ua" (Babel's locale data; "go", "rd" are no language)."""
    from babel import localedata

    language, _, region = segment.replace("-", "_").partition("_")
    if region and region.upper() not in _territories():
        return False
    return bool(localedata.normalize_locale(language)) or language.upper() in _territories()


@lru_cache(maxsize=URL_CACHE_SIZE)
def opens_home_page(url: str) -> bool:
    """Whether ``url`` (as written, before any merge tag is filled) opens a site's home page,
    which knows nothing of whoever clicked: a web address whose path is "/", an index file or
    a language's root, with no query but UTM tags (nothing that could name a subscriber) and no
    fragment (a page's script may route by it). A merge tag, a host that says unsubscribe
    ("https://unsubscribe.shop.example/"), a system variable's stand-in host, or a known ESP
    click tracker's link whose target the link does not write is no home page: where it
    leads cannot be told from the URL. A tracker's link that writes its target (Amazon SES's
    ``/CL0/<URL>/…``) is judged by that target."""
    written = browser_form(url)
    if scheme(written) not in ("http", "https") or _TEMPLATED.search(written):
        return False
    if TEMPLATE_MARKERS.search(written):
        return False
    tracker = known_tracker(written)
    if tracker is not None:
        return tracker.target is not None and opens_home_page(tracker.target)
    try:
        parts = urlsplit(written)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or host == SYSTEM_PLACEHOLDER_HOST or url_words_say_unsubscribe(host):
        return False
    home = _HOME_PATH.fullmatch(parts.path)
    if parts.fragment or not home or (home["root"] and not _language_root(home["root"])):
        return False
    keys = [key for key, _ in parse_qsl(parts.query, keep_blank_values=True)]
    return all(key.lower().startswith("utm_") for key in keys)


def links_to_home_page(link: Link) -> bool:
    """The link opens a site's home page (:func:`opens_home_page`) as written and as rendered:
    a merge tag's sample value is no proof of where a recipient's link goes."""
    return opens_home_page(link.href) and opens_home_page(link.raw or link.href)


# Files a link downloads or a browser shows as they are: no page loads there to read the
# UTMs (analytics never sees them) — documents, archives, keys and signatures (a CERT's
# PGP key), installers, calendar and contact cards, media
_DOWNLOADS = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|csv|epub|zip|rar|7z|tar|t?gz|bz2|xz"
    r"|key|asc|sig|gpg|pgp|pem|cer|crt|exe|msi|dmg|pkg|apk|ipa|deb|rpm"
    r"|ics|vcf|pkpass|mp3|mp4|m4a|mov|wav|jpe?g|png|gif|webp)$",
    re.I,
)


def is_download(url: str) -> bool:
    """A link that downloads a file or opens one as it is (a PDF, an archive, a calendar
    file, an image): by its path's extension (``_DOWNLOADS``)."""
    try:
        return bool(_DOWNLOADS.search(urlsplit(url).path))
    except ValueError:
        return False


def list_unsubscribe_targets(headers: dict[str, str] | None) -> list[str]:
    """Every URL of a List-Unsubscribe header in the order written (RFC 2369:
    ``<https://…>, <mailto:…>``)."""
    if not headers:
        return []
    value = next((v for k, v in headers.items() if k.lower() == "list-unsubscribe"), "")
    return _ANGLE_URL.findall(value)


@dataclass(frozen=True)
class UnsubscribeLinks:
    """Where a campaign's body offers a way out."""

    working: list[Link]  # unsubscribe links that lead somewhere (or that the ESP fills)
    placeholders: list[tuple[Link, str]]  # unsubscribe links that cannot: (link, why)
    html: str | None = None  # the campaign's HTML as written, for :attr:`tag`
    hidden: list[Link] = field(default_factory=list)  # working, but no recipient sees them
    # working, but only inside Outlook's conditional comments: every other client hides them
    outlook_only: list[Link] = field(default_factory=list)
    # links whose words say unsubscribe and which open a social network's page: no way out
    social: list[Link] = field(default_factory=list)
    # the plain-text part's own working unsubscribe links: no way out for the HTML's readers,
    # but where the HTML's link can be copied from
    text_part: list[Link] = field(default_factory=list)

    @cached_property
    def tag(self) -> bool:
        """A platform tag that makes the unsubscribe link itself ({% unsubscribe %}).

        Worked out on asking: scanning the whole HTML for every platform's tag costs more
        than the rest together, and a campaign with a working link needs no answer."""
        return bool(self.html) and body_has_unsubscribe_tag(self.html or "")


def unsubscribe_links(
    campaign: Campaign,
    placeholder: Callable[[Link], str | None],
    headers: dict[str, str] | None = None,
) -> UnsubscribeLinks:
    """The campaign's unsubscribe links, every place they stand, working or placeholders.

    ``headers`` are the campaign's headers as rendered (else as written): a link to the
    List-Unsubscribe URL is the unsubscribe link whatever its text. A link whose words say
    unsubscribe and which goes to a social network is none: it is kept apart, for UNS001 to
    name as the cause.
    """
    targets = frozenset(list_unsubscribe_targets(headers or campaign.headers))
    sender = campaign.from_domain or ""
    working: list[Link] = []
    placeholders: list[tuple[Link, str]] = []
    hidden: list[Link] = []
    outlook_only: list[Link] = []
    social: list[Link] = []
    text_part: list[Link] = []
    for link in campaign.link_occurrences():
        # the text part's own link is no way out for those who read the HTML (UNS001 reads the
        # text part when it is all there is)
        if link.in_text:
            if is_unsubscribe(link, targets, sender) and not placeholder(link):
                text_part.append(link)
            continue
        if not is_unsubscribe(link, targets, sender):
            if _says_unsubscribe_on_a_network(link, targets, sender):
                social.append(link)
            continue
        reason = placeholder(link)
        if reason:
            placeholders.append((link, reason))
        elif link.hidden:
            hidden.append(link)
        elif link.outlook_only:
            outlook_only.append(link)
        else:
            working.append(link)
    return UnsubscribeLinks(
        working, placeholders, campaign.html, hidden, outlook_only, social, text_part
    )


# Merge-tag syntax of any template language, understood or not ({{ }}, {$x}, {x}, <?= ?>,
# *|X|*, [% %], %%X%%, ${ }, Velocity's $x, #X#, [x]): the template's business, not a URL yet.
_TEMPLATED = re.compile(
    r"[{}]|<\?|<%|\*\||\|\*|\[%|%%|\$!?\{?[A-Za-z_]|#[A-Z][A-Z0-9_]*#"
    r"|^\s*\[[A-Za-z_][\w:.-]*\]\s*$"
    # %name% variables (Mailgun's %unsubscribe_url%, %recipient.id%; DashaMail's
    # %UNSUBSCRIBE_URL%): a percent-escape is two hex digits, never a name of three or more
    r"|%[A-Za-z_][\w.-]{2,80}%"
    # Razor's @Model.UnsubscribeUrl (an e-mail address's "@" is followed by its domain, and
    # those names are Razor's own)
    r"|^\s*@(?:Model|ViewBag|ViewData|Html)\."
)


_HOST_LIKE = re.compile(r"(?:[\w-]+\.)+[^\W\d_]{2,}(?::\d+)?")
_FILE_TYPES = frozenset(
    {"html", "htm", "php", "asp", "aspx", "jsp", "png", "jpg", "jpeg", "gif", "svg", "webp"}
    | {"css", "js", "pdf", "ics", "txt", "xml"}
)


def relative_reason(link: Link) -> str | None:
    """Why a URL needs a base URL that an e-mail does not have, or None: "relative",
    "protocol-relative" (``//cdn…``) or "no scheme" (``www.acme.ru``, a host written bare)."""
    url = browser_form(link.href)
    if not url or url.startswith("#") or scheme(url) or _TEMPLATED.search(url):
        return None
    if _NO_COLON.match(url):
        return None  # "http//shop.ru" is a typo of a whole URL: LNK003's (url_problem)
    if link.raw and link.raw != link.href and _TEMPLATED.match(browser_form(link.raw)):
        return None  # a merge tag that rendered empty made it relative: the variable's finding
    if url.startswith("//"):
        return "protocol-relative"
    first = url.split("/", 1)[0].split("?", 1)[0]
    if _HOST_LIKE.fullmatch(first) and first.rsplit(".", 1)[1].lower() not in _FILE_TYPES:
        return "no scheme"
    return "relative"


# What a phone number is written with besides its digits: a leading +, brackets, dashes
# (hyphens, the no-break hyphen and dashes that e-mail layouts use against a line break), dots,
# spaces (no-break ones too)
_PHONE_SIGNS = r"\s().\-\u2010-\u2015\u2212"
_PHONE_TEXT = re.compile(rf"\+?[{_PHONE_SIGNS}]*\d[\d{_PHONE_SIGNS}]*")
_DIGITS = re.compile(r"\d")
# A tel: URI's number, up to its parameters (";ext=12", RFC 3966), and a dialler's pauses with
# what they dial next (",123", "p123#")
_TEL_NUMBER = re.compile(rf"(\+?[\d{_PHONE_SIGNS}]*)(?:[,pPwW][\d*#,pPwW{_PHONE_SIGNS}]*)?")
_PHONE_DIGITS_MIN = 3  # fewer is no number anyone dials ("+7" alone)
# Trunk prefixes a number is written with at home and not after its country code: 0 (most of
# Europe), 8 (Russia, Kazakhstan), 80 (Belarus)
_TRUNK = ("80", "8", "0")
_NATIONAL_MIN = 6  # a number without its trunk prefix still this long is compared by it


def shown_phone(text: str) -> str | None:
    """The digits of a link text that is a phone number and nothing else ("8 (800) 555-35-35",
    "+1 513 555 5555"), else None ("Call us", "8 800 555-35-35 (free)")."""
    text = text.strip()
    if not _PHONE_TEXT.fullmatch(text):
        return None
    digits = "".join(_DIGITS.findall(text))
    return digits if len(digits) >= _PHONE_DIGITS_MIN else None


def dialled(href: str) -> tuple[str, str] | None:
    """(the number as written, its digits) that a ``tel:`` link dials; None for another link,
    a templated one or a number with letters (a vanity number, "tel:1-800-FLOWERS")."""
    url = browser_form(href)
    if scheme(url) != "tel" or _TEMPLATED.search(url) or TEMPLATE_MARKERS.search(url):
        return None
    written = _TEL_NUMBER.fullmatch(unquote(url.split(":", 1)[1]).split(";", 1)[0].strip())
    number = written.group(1).strip() if written else ""
    if not _PHONE_TEXT.fullmatch(number):
        return None
    digits = "".join(_DIGITS.findall(number))
    return (number, digits) if len(digits) >= _PHONE_DIGITS_MIN else None


def same_phone(shown: str, called: str) -> bool:
    """Whether two numbers' digits name one phone: one ends the other (a local number shown
    for the full one, "+7 495 …" and "7495…"), their last 10 digits agree (the national number:
    "8 800 …" and "+7 800 …" in Russia), or the shorter without its trunk prefix ends the
    longer ("030 1234567" and "+49 30 1234567")."""
    short, long = sorted((shown, called), key=len)
    if long.endswith(short) or short[-10:] == long[-10:]:
        return True
    national = [short[len(t) :] for t in _TRUNK if short.startswith(t)]
    return any(len(n) >= _NATIONAL_MIN and long.endswith(n) for n in national)


_SHOWN_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+\.?")


def shown_address(text: str) -> str | None:
    """A link text that is an e-mail address and nothing else, else None ("Write to us")."""
    text = text.strip()
    return text if _SHOWN_ADDRESS.fullmatch(text) else None


def mailto_addresses(href: str) -> list[str] | None:
    """The addresses a ``mailto:`` link writes to, its query aside (``?subject=…``); None for
    another link or a templated one."""
    url = browser_form(href)
    if scheme(url) != "mailto" or _TEMPLATED.search(url) or TEMPLATE_MARKERS.search(url):
        return None
    return list(_addresses(url.split(":", 1)[1]))


def same_address(a: str, b: str) -> bool:
    """Two addresses name one mailbox as mail clients compare them: without regard to case,
    the domain in its ASCII form ("info@магазин.рф" is "info@xn--80aa….xn--p1ai")."""

    def key(address: str) -> tuple[str, str]:
        local, _, domain = address.strip().rpartition("@")
        return local.casefold(), ascii_host(domain.rstrip("."))

    return key(a) == key(b)
