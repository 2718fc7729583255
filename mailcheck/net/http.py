"""The HTTP fetcher: one URL in, one :class:`LinkResult` out, politely and never stalling.

What a link checker must do differently from a browser or a plain HTTP client:

* A page (an ``<a href>``) is requested with GET, as the recipient's browser will: streamed,
  and at most a few KB of the (decoded) page are read, to recognise bot walls and soft 404s
  (a 200 whose title says "not found"); a huge body is never downloaded. Images are asked
  with HEAD first (cheap, and their body tells nothing), with GET when HEAD fails in any way
  (an error status, a timeout, an empty reply, a reset) or answers 200 with no picture's
  type: many servers mishandle HEAD. A body that starts as a picture is one whatever its
  Content-Type (browsers sniff it); a challenge page there is "could not verify".
* Unsubscribe links are only ever requested with HEAD (GET only when the user opts in), so the
  check cannot unsubscribe anyone; a HEAD they fail is "not verified", never "broken".
* Redirects are followed by hand, one hop at a time, so each hop is recorded (LNK005, UTM004)
  and each hop's address passes the SSRF guard. Cookies set along one chain are sent back
  along it (sites bounce a first visit through a cookie check); a loop is the same URL coming
  back with the same cookies.
* One deadline (``links.timeout``) covers a whole exchange, body included: a server dripping
  header bytes cannot hold a request longer. A timed-out request is tried once more at most,
  on a shorter budget, and a host that timed out gets only that shorter budget afterwards.
* 429 and 5xx are retried with backoff; Retry-After (seconds or an HTTP date) is honoured when
  it is short. A host that answers 429 or 503 is sent half as many requests at a time for the
  rest of the batch (down to one): it said it is busy, and a storm of retries would only turn
  its links into "could not verify".
* An error needs proof: a definite HTTP status, a name that does not exist, a refused
  connection, a certificate a browser refuses. Timeouts, resolver failures, no route, a TLS
  handshake closed on us, bot walls, a 429 or 503 that never clears ("unavailable for now",
  or a rate limit on us), a 5xx with Retry-After ("come back later"), a challenge page
  answered 200 (when certainly one), a name the SSRF guard refused for the address it
  resolves to here (this machine's DNS may not be the recipients'), and a 401/403 that a
  browser's User-Agent does not get (asked once more as a browser) are "could not verify"
  (warnings): they say something about this machine or about robots, not about what a
  recipient will see.
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import html
import re
import ssl
import time
import tomllib
import urllib.request
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources

import httpx

from mailcheck.charsets import guess_8bit, known_charset, meta_charset, read_as
from mailcheck.config import LinksConfig
from mailcheck.facts import Hop, HostRefusal, LinkResult, LinkVerdict
from mailcheck.i18n import N_, t
from mailcheck.linkinfo import HOST_NAME
from mailcheck.net.transport import (
    BROWSER_HEADERS,
    LOCATION_AS_SENT,
    LOCATION_ELSEWHERE,
    HostResolver,
    Unreachable,
    backslashes_as_slashes,
    lookup_failed,
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# browsers follow 20 (Chromium, Firefox) and show an error page at the 21st; LNK005 already
# warns from 6 on
MAX_REDIRECTS = 20
SNIFF_BYTES = 16384  # of a page, enough for its title, first heading or challenge markers
BACKOFF_BASE = 0.25  # seconds before the first retry, doubled each time
SNIFF_WAIT = 2.0  # seconds at most spent reading a page's start
RETRY_SHARE = 0.3  # of links.timeout, the budget of the one retry after a timeout
# A host's short budget is never below this multiple of the slowest answer it has given: a
# slow host that answers is slow, not dead, and must not turn its links into warnings.
SLOWEST_MARGIN = 1.5
BUSY_STATUSES = frozenset({429, 503})  # a host saying so gets fewer requests at a time
# Pages (distinct URLs) timed out on GET after which a host that has answered nothing this run
# is taken for down: its other requests end "could not verify" at once. A click-tracking host
# that hangs wraps every link of a campaign, and behind the per-host limit each further wave of
# them would wait a budget of its own (48 links: 1.95 x the timeout). Pages, not tries: two
# slow pages at the top of an e-mail, each retried, filled a host's slots and made its 404
# link "not requested" (a broken link passed as a warning). HEAD timeouts do not count: many servers
# hang on HEAD alone, and their links still get the GET fallback.
HOST_DOWN_AFTER = 3


@dataclass(frozen=True)
class BotWalls:
    """The known signs of bot protection (``data/bot_walls.toml``)."""

    markers: tuple[str, ...]  # phrases of challenge pages (of an error answer)
    servers: dict[str, str]  # Server header names of protection services -> the vendor
    titles: frozenset[str]  # titles only a challenge page has (certain on a 200 too)
    certain: tuple[str, ...]  # markers only a challenge page has (certain on a 200 too)


def _bot_walls() -> BotWalls:
    text = resources.files("mailcheck.data").joinpath("bot_walls.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return BotWalls(
        markers=tuple(marker.lower() for marker in data["page-markers"]),
        servers={name.lower(): vendor for name, vendor in data["servers"].items()},
        titles=frozenset(" ".join(title.lower().split()) for title in data["challenge-titles"]),
        certain=tuple(marker.lower() for marker in data["challenge-markers"]),
    )


BOT_WALLS = _bot_walls()
# Phrases of bot-protection challenge pages; Server header names of protection services
CHALLENGE_MARKERS, BOT_WALL_SERVERS = BOT_WALLS.markers, BOT_WALLS.servers
# What the title or first heading of a "not found" page says (a soft 404 answers 200 with it).
NOT_FOUND_PHRASES = (
    "page not found",
    "not found",
    "page does not exist",
    "page doesn't exist",
    "page cannot be found",
    "page could not be found",
    "error 404",
    "404 error",
    "страница не найдена",
    "страница не существует",
    "такой страницы нет",
    "страницы не существует",
    "ошибка 404",
    # what a shop's or a CMS's missing item says (1C-Bitrix: «Элемент не найден»); "не
    # найдена" alone was a book's title too («Пропавшая, но не найдена»)
    "товар не найден",
    "элемент не найден",
    "раздел не найден",
    "статья не найдена",
    "запись не найдена",
    "новость не найдена",
    "ничего не найдено",
    "не найдено",
    "сторінку не знайдено",
    "сторінка не знайдена",
)
# Schemes a browser will not open at the end of a redirect (Chromium: ERR_UNSAFE_REDIRECT)
NEVER_REDIRECTED_TO = frozenset({"javascript", "data", "vbscript", "file", "about", "blob"})
TITLE = re.compile(r"<(title|h1)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
PAGE_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def status_reason(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # 999 and other inventions
        phrase = ""
    return f"{status} {phrase}".strip()


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks us to wait (Retry-After: seconds or an HTTP date)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class Answer:
    """One HTTP exchange: the status, headers and the first KB of the decoded body."""

    url: str
    method: str
    status: int
    headers: httpx.Headers
    page: str = ""  # decoded text of the body's start ("" for HEAD)
    start: bytes = b""  # the body's first bytes as sent (content coding undone), when read
    location_as_sent: str | None = None  # before browser_location made it absolute
    location: str | None = None  # where a redirect goes, absolute (see browser_location)


class Failed(Exception):
    """No usable answer. ``proof``: the link is dead for everyone (an error); otherwise this
    machine could not tell (a warning, "could not verify")."""

    def __init__(
        self,
        reason: str,
        *,
        proof: bool,
        timed_out: bool = False,
        nxdomain: bool = False,
        invalid: bool = False,
        host_down: bool = False,
        no_dns: bool = False,
        non_public: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.proof = proof
        self.non_public = non_public  # refused: the name resolves to a non-public address here
        self.timed_out = timed_out
        self.host_down = host_down  # not tried: the host timed out and answered nothing
        self.nxdomain = nxdomain  # proof only if the resolver answers other names
        self.invalid = invalid
        self.no_dns = no_dns  # the host's address lookup got no answer from DNS
        self.budget = 0.0  # seconds the timed-out try had

    @property
    def verdict(self) -> LinkVerdict:
        if self.invalid:
            return "invalid"
        return "unreachable" if self.proof else "unverified"


# What an image URL answers with when it is no image: a file host's "view" page, a login
# page, an error text (image/*, application/octet-stream and the rest pass: CDNs vary)
_NOT_IMAGES = {
    "text/html": N_("a web page"),
    "text/plain": N_("plain text"),
    "application/json": N_("JSON"),
}


# The image type patterns of WHATWG's MIME Sniffing standard (§ 6.1): what a browser shows as
# a picture whatever the Content-Type says: (mask, pattern) pairs, a 00 in the mask any byte.
_PICTURES: tuple[tuple[bytes, bytes], ...] = (
    (b"\xff\xff\xff\xff", b"\x00\x00\x01\x00"),  # ICO
    (b"\xff\xff\xff\xff", b"\x00\x00\x02\x00"),  # CUR
    (b"\xff\xff", b"BM"),  # BMP
    (b"\xff" * 6, b"GIF87a"),
    (b"\xff" * 6, b"GIF89a"),
    (b"\xff\xff\xff\xff\x00\x00\x00\x00" + b"\xff" * 6, b"RIFF\x00\x00\x00\x00WEBPVP"),
    (b"\xff" * 8, b"\x89PNG\r\n\x1a\n"),
    (b"\xff\xff\xff", b"\xff\xd8\xff"),  # JPEG
)


def is_picture(data: bytes) -> bool:
    """Whether ``data`` starts as a picture a browser shows (WHATWG's image type patterns)."""
    return any(
        len(data) >= len(pattern)
        and all(d & m == p for d, m, p in zip(data, mask, pattern, strict=False))
        for mask, pattern in _PICTURES
    )


def not_an_image(answer: Answer) -> str | None:
    """What an image URL's 200 answer is instead of a picture, when certain: None if it may be
    one. A body that starts as a picture is one, whatever its Content-Type: browsers and mail
    clients look at the bytes."""
    if is_picture(answer.start):
        return None
    kind = answer.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    shown = _NOT_IMAGES.get(kind)
    if shown is not None:
        return t("{what} ({type})", what=t(shown), type=kind)
    if answer.method == "GET" and answer.headers.get("content-length", "").strip() == "0":
        return t("an empty body")
    return None


def broken_picture(answer: Answer, shown: str) -> str:
    """Why an image whose URL answers ``shown`` (:func:`not_an_image`) is broken."""
    return t(
        "answers {status} with {what}, not an image: mail clients show a broken picture",
        status=status_reason(answer.status),
        what=shown,
    )


def challenge_page(answer: Answer) -> str | None:
    """Why a 200 answer is certainly a bot-protection challenge, not the page: its title is a
    challenge's own ("Just a moment...", «Вы не робот?») or it carries a marker only challenge
    pages have. A page that merely mentions a captcha (a form with reCAPTCHA) is no
    challenge."""
    page = answer.page.lower()
    found = PAGE_TITLE.search(page)
    title = " ".join(html.unescape(TAG.sub(" ", found.group(1))).split()) if found else ""
    if title in BOT_WALLS.titles or any(marker in page for marker in BOT_WALLS.certain):
        return t("{status}: a bot-protection challenge page", status=answer.status)
    return None


def bot_wall(answer: Answer, *, any_status: bool = False) -> str | None:
    """Why an error answer looks like bot protection rather than a missing page (with
    ``any_status``, any answer: a captcha page a redirect led to may answer 200)."""
    if answer.status == 999:
        return t("999: the site refuses automated requests (LinkedIn does this)")
    if answer.status not in (401, 403, 429, 503) and not any_status:
        return None
    headers = answer.headers
    server = headers.get("server", "").lower()
    if "cf-mitigated" in headers:
        return t("{status}: Cloudflare bot challenge (cf-mitigated)", status=answer.status)
    page = answer.page.lower()
    challenge = any(marker in page for marker in CHALLENGE_MARKERS)
    if answer.status in (401, 403):
        if server.startswith("cloudflare"):
            return t("{status}: blocked by Cloudflare's bot protection", status=answer.status)
        for vendor, signs in (
            ("DataDome", ("x-datadome", "x-dd-b")),
            ("AWS WAF", ("x-amzn-waf-action",)),
            ("Sucuri", ("x-sucuri-id", "x-sucuri-block")),
            ("PerimeterX", ("x-px-blocked",)),
        ):
            if any(s in headers for s in signs):
                return t(
                    "{status}: blocked by {vendor} bot protection",
                    status=answer.status,
                    vendor=vendor,
                )
        # a protection service's edge names itself ("Server: QRATOR"): its product name
        # whole, not a look-alike inside another server's name
        edge = BOT_WALL_SERVERS.get(server.partition("/")[0].strip())
        if edge is None and "incapsula" in headers.get("x-cdn", ""):
            edge = "Incapsula"
        if edge is not None:
            return t(
                "{status}: blocked by {vendor} bot protection", status=answer.status, vendor=edge
            )
    if challenge:
        return t("{status}: a bot-protection challenge page", status=answer.status)
    return None


# A title's parts: "404 | Shop", "Страница не найдена — Магазин", "Error: not found"
_TITLE_PARTS = re.compile(r"\s*[|—–:·•(]\s*|\s+-\s+")  # «Страница не найдена (404)»
_QUOTES = " .!?…«»\"'“”„()"


def soft_404(page: str) -> str | None:
    """The title or first heading of a page that answers 200 but says it was not found: a
    part of it that is the phrase, or ends with it ("Извините, страница не найдена"), or is
    "404" — not a title that talks about one («How to fix “Page not found” errors»)."""
    for _tag, inner in TITLE.findall(page):
        text = " ".join(html.unescape(TAG.sub(" ", inner)).split())
        for part in _TITLE_PARTS.split(text.lower()):
            said = part.strip(_QUOTES)
            if said == "404" or any(
                said == phrase or said.endswith(" " + phrase) for phrase in NOT_FOUND_PHRASES
            ):
                return text[:80]
    return None


def is_html(headers: httpx.Headers) -> bool:
    return "html" in headers.get("content-type", "").lower()


_EXTRA_SLASHES = re.compile(r"^(https?:)///+", re.IGNORECASE)


def web_url(text: str) -> httpx.URL:
    """A URL as a browser reads it: WHATWG's leniency for ``\\`` in http(s) URLs, IDN hosts
    as punycode, the path and query percent-encoded; ValueError when it cannot be requested."""
    scheme, sep, _ = text.strip().partition(":")
    if sep and scheme.lower() in ("http", "https"):
        # "https:///shop.ru": a browser skips every slash before the host, httpx reads none
        text = _EXTRA_SLASHES.sub(r"\1//", backslashes_as_slashes(text.strip()), count=1)
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise ValueError(str(exc)) from None
    if url.scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {text!r}")
    host = url.raw_host.decode("ascii")  # IDNs as punycode
    if not host:
        raise ValueError("no host name")
    if ":" not in host and not HOST_NAME.fullmatch(host):  # (an IPv6 literal has colons)
        raise ValueError(f"{host!r} is not a valid host name")
    if url.port is not None and not 0 < url.port < 65536:
        raise ValueError(f"port {url.port} out of range")
    if url.port == {"http": 80, "https": 443}[url.scheme]:
        url = url.copy_with(port=None)
    if not url.raw_path.startswith(b"/"):
        url = url.copy_with(path="/" + url.path)
    return url.copy_with(fragment=None)


class HostSlots:
    """The requests in flight to one host: at most ``limit`` (``links.per-host``), and half as
    many as a request was sent under once the host answers it 429 or 503. Halving from the
    limit the request was sent under, not from the current one, makes a whole wave of 429s one
    halving, not one per answer."""

    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 1)
        self.in_flight = 0
        self._freed = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        """Wait for a free slot; yield the limit the request is sent under."""
        async with self._freed:
            try:
                await self._freed.wait_for(lambda: self.in_flight < self.limit)
            except asyncio.CancelledError:
                self._freed.notify()  # a wake-up this waiter took must reach another one
                raise
            self.in_flight += 1
            sent_under = self.limit
        try:
            yield sent_under
        finally:
            self.in_flight -= 1  # before any await: a cancelled task still frees its slot
            async with self._freed:
                self._freed.notify()

    def slow_down(self, sent_under: int) -> None:
        self.limit = min(self.limit, max(sent_under // 2, 1))


@dataclass
class Fetcher:
    """Checks URLs through one client, within global and per-host limits."""

    client: httpx.AsyncClient
    config: LinksConfig
    # the client's resolver: tells a request that timed out waiting for DNS from a host's
    resolver: HostResolver | None = None
    _in_flight: asyncio.Semaphore = field(init=False)
    _per_host: dict[str, HostSlots] = field(default_factory=dict, init=False)
    _slow_hosts: set[str] = field(default_factory=set, init=False)  # timed out once already
    _slowest: dict[str, float] = field(default_factory=dict, init=False)  # seconds, per host
    _timed_out_pages: dict[str, set[str]] = field(default_factory=dict, init=False)  # per host

    def __post_init__(self) -> None:
        self._in_flight = asyncio.Semaphore(max(self.config.concurrency, 1))

    # The whole check of one URL -----------------------------------------------------------

    async def check(self, url: str, *, unsubscribe: bool = False, page: bool = True) -> LinkResult:
        """Follow ``url`` to its final answer. ``page``: a link a person opens (not an image)."""
        started = time.time()
        hops: list[Hop] = []
        seen: set[tuple[str, frozenset[tuple[str, str]]]] = set()
        cookies = ChainCookies()
        current = httpx.URL(url)

        def result(
            verdict: LinkVerdict,
            status: int | None,
            reason: str,
            final: str,
            method: str,
            *,
            no_dns: bool = False,
            nxdomain: bool = False,
            not_image: str = "",
            non_public: bool = False,
            refusal: HostRefusal = "",
        ) -> LinkResult:
            return LinkResult(
                url=url,
                verdict=verdict,
                status=status,
                reason=reason,
                hops=tuple(hops),
                final_url=final,
                method=method,
                checked_at=started,
                unsubscribe=unsubscribe,
                no_dns=no_dns,
                nxdomain=nxdomain,
                not_image=not_image,
                non_public=non_public,
                refusal=refusal,
            )

        while True:
            seen.add((str(current), cookies.sent()))  # the page, with the cookies it is sent
            try:
                answer = await self._probe(current, cookies, unsubscribe=unsubscribe, page=page)
            except Failed as failed:
                verdict, why = failed.verdict, failed.reason
                return result(
                    verdict,
                    None,
                    why,
                    str(current),
                    "",
                    no_dns=failed.no_dns,
                    nxdomain=failed.nxdomain,
                    non_public=failed.non_public,
                )
            refused = await self._refuses_robots(current, cookies, answer, unsubscribe)
            if refused is not None:
                return result(
                    "unverified",
                    answer.status,
                    refused,
                    str(current),
                    answer.method,
                    refusal="wall",
                )
            hops.append(Hop(str(current), answer.status))
            redirect = answer.location
            if answer.status in REDIRECT_STATUSES and answer.location_as_sent and not redirect:
                reason: str = t(
                    "redirects to an invalid URL {url}", url=repr(answer.location_as_sent)
                )
                return result("broken", answer.status, reason, str(current), answer.method)
            if answer.status not in REDIRECT_STATUSES or not redirect:
                verdict, reason, refusal = self._judge(answer, unsubscribe, image=not page)
                # a page that is also some <img>'s src: whether that picture shows is the
                # image rule's question (LNK006), not the link's
                shown = not_an_image(answer) if page and answer.status == 200 else None
                return result(
                    verdict,
                    answer.status,
                    reason,
                    str(current),
                    answer.method,
                    not_image=broken_picture(answer, shown) if shown else "",
                    refusal=refusal,
                )
            try:
                target = httpx.URL(redirect)
                if target.scheme in ("http", "https"):
                    target = web_url(redirect)
            except (ValueError, httpx.InvalidURL) as exc:
                reason = t(
                    "redirects to an invalid URL {url} ({why})",
                    url=repr(answer.location_as_sent),
                    why=str(exc),
                )
                return result("broken", answer.status, reason, str(current), answer.method)
            if target.scheme in NEVER_REDIRECTED_TO:
                reason = t(
                    "redirects to {scheme}:, which browsers refuse to follow", scheme=target.scheme
                )
                return result("broken", answer.status, reason, str(target), answer.method)
            if target.scheme not in ("http", "https"):
                # An app deep link or mailto: at the end of a chain: the chain itself worked.
                reason = t("redirects to {url} (not a web page; not followed)", url=str(target))
                return result("ok", answer.status, reason, str(target), answer.method)
            if (str(target), cookies.sent()) in seen:
                reason = t(
                    "redirect loop: {url} redirects back to a page already visited", url=str(target)
                )
                return result("loop", answer.status, reason, str(target), answer.method)
            if len(hops) > MAX_REDIRECTS:  # the 21st: where browsers stop
                reason = t("more than {count} redirects", count=MAX_REDIRECTS)
                return result("too-many-redirects", answer.status, reason, str(target), "")
            current = target

    def _judge(
        self, answer: Answer, unsubscribe: bool, *, image: bool = False
    ) -> tuple[LinkVerdict, str, HostRefusal]:
        """The verdict on a final answer, why, and whether the host rather than the page gave
        it (:data:`~mailcheck.facts.HostRefusal`: one cause for every link to the host). A
        soft 404 and a status no HTTP defines are the page's own: one finding each."""
        status = answer.status
        if 200 <= status < 300 or status == 304:
            # a redirect to a captcha page that answers 200 (Yandex's /showcaptcha): the wall
            # a robot is sent to, not the page a recipient opens
            captcha = status == 200 and "captcha" in answer.url.lower()
            if captcha and (wall := bot_wall(answer, any_status=True)):
                return "unverified", t("could not verify: {why}", why=wall), "wall"
            # a 200 that is certainly a challenge (a JS check answered 200): what a robot sees
            if status == 200 and (wall := challenge_page(answer)):
                return "unverified", t("could not verify: {why}", why=wall), "wall"
            title = soft_404(answer.page) if status == 200 else None
            if title is not None:
                return (
                    "unverified",
                    t("answers 200 OK but the page reads «{title}» (a soft 404?)", title=title),
                    "",
                )
            shown = not_an_image(answer) if image and status == 200 else None
            if shown is not None:
                return "broken", broken_picture(answer, shown), ""
            return "ok", status_reason(status), ""
        wall = bot_wall(answer)
        if wall is not None:
            return "unverified", t("could not verify: {why}", why=wall), "wall"
        if status == 429:
            return "unverified", t("could not verify: 429 Too Many Requests did not clear"), "busy"
        if status == 503:  # "temporary overload or scheduled maintenance" (RFC 9110), or a
            # rate limit that throttles the checker: no proof the page is gone
            why = t(
                "could not verify: 503 Service Unavailable did not clear (the server says it "
                "is unavailable for now: overloaded, in maintenance, or limiting this checker)"
            )
            return "unverified", why, "busy"
        if status >= 500 and (wait := retry_after(answer.headers)) is not None:
            # "come back later" (RFC 9110 § 10.2.3): the server says the page is away for now,
            # which proves nothing about the recipients' click
            why = t(
                "could not verify: {status} with Retry-After: {seconds} s (the server says to "
                "come back later)",
                status=status_reason(status),
                seconds=f"{wait:.0f}",
            )
            return "unverified", why, "later"
        if status == 451:  # blocked by law where this checker runs: recipients elsewhere
            # (another country, another network) may open it
            why = t(
                "could not verify: 451 Unavailable For Legal Reasons (the site is blocked "
                "where this checker runs; recipients elsewhere may open it)"
            )
            return "unverified", why, "legal"
        if unsubscribe and answer.method == "HEAD" and status >= 400:
            why = t(
                "not verified: the server answers HEAD with {status}, and an unsubscribe link "
                "is never opened with GET (it could unsubscribe someone; set "
                "links.unsubscribe-get = true if a GET is safe)",
                status=status_reason(status),
            )
            return "unverified", why, ""
        if status > 599:  # what a browser makes of it varies (Chromium shows the page)
            why = t("could not verify: answers {status}, which is no HTTP status", status=status)
            return "unverified", why, ""
        if 300 <= status < 400:
            return "broken", t("{status} without a Location", status=status_reason(status)), ""
        if status >= 400:
            if answer.method == "HEAD":
                return "broken", t("{status} (to HEAD)", status=status_reason(status)), ""
            return "broken", status_reason(status), ""
        return "broken", t("unexpected answer {status}", status=status_reason(status)), ""

    async def _refuses_robots(
        self, url: httpx.URL, cookies: ChainCookies, answer: Answer, unsubscribe: bool
    ) -> str | None:
        """Why a 401/403 to the link checker is no proof, when a browser's User-Agent gets the
        page (sites that turn away every client not named Mozilla): else None."""
        if answer.status not in (401, 403) or answer.method != "GET" or unsubscribe:
            return None
        if bot_wall(answer) is not None:
            return None  # judged as the bot wall it is
        try:
            again = await self._exchange("GET", url, cookies, short=True, as_browser=True)
        except Failed:
            return None
        if again.status >= 400:
            return None  # refused to a browser too: the status stands
        return t(
            "could not verify: {status} to a link checker, {other} to a browser: the site "
            "turns robots away",
            status=status_reason(answer.status),
            other=status_reason(again.status),
        )

    # One hop: HEAD, the GET fallback, retries --------------------------------------------

    async def _probe(
        self, url: httpx.URL, cookies: ChainCookies, *, unsubscribe: bool, page: bool
    ) -> Answer:
        may_get = not unsubscribe or self.config.unsubscribe_get
        method = "GET" if page and not unsubscribe else "HEAD"
        attempt = 0
        resent = False
        waited: list[float] = []  # the budgets of timed-out tries
        short = False  # the one retry after a timeout has the shorter budget
        while True:
            try:
                answer = await self._exchange(method, url, cookies, short=short)
            except Failed as failed:
                if failed.proof or failed.host_down:
                    raise
                if failed.timed_out:
                    waited.append(failed.budget)
                    # A HEAD that hangs says nothing of GET (servers mishandle HEAD): the GET
                    # fallback is no retry, and gets the shorter budget whatever came before.
                    head_hung = method == "HEAD" and may_get
                    if not head_hung and (
                        not self.config.timeout_retry
                        or short
                        or failed.budget < self.config.timeout
                    ):
                        failed.reason = timed_out_after(waited)
                        raise
                    short = True
                elif method == "HEAD" and may_get:
                    method = "GET"  # HEAD failed in a way a GET may not
                    continue
                elif resent or not self.config.retries:
                    raise  # (an unsubscribe link is never opened with GET)
                else:
                    resent = True  # once more, on a new connection: a stale keep-alive?
                if may_get:
                    method = "GET"
                continue
            if method == "HEAD" and may_get and answer.status >= 400 and answer.status != 429:
                method = "GET"  # many servers answer HEAD wrongly; the page itself decides
                continue
            if method == "HEAD" and may_get and answer.status == 200 and not_an_image(answer):
                # an image's HEAD that names no picture (a framework's default text/html, a
                # captcha or challenge page): what GET sends decides, its bytes and its page
                method = "GET"
                continue
            if (answer.status == 429 or 500 <= answer.status < 600) and (
                attempt < self.config.retries
            ):
                wait = self._wait_before_retry(answer, attempt)
                if wait is not None:
                    await asyncio.sleep(wait)
                    attempt += 1
                    continue
            return answer

    def _backoff(self, attempt: int) -> float:
        return min(BACKOFF_BASE * 2**attempt, self._cap())

    def _cap(self) -> float:
        return self.config.timeout if self.config.timeout > 0 else 10.0

    def _wait_before_retry(self, answer: Answer, attempt: int) -> float | None:
        asked = retry_after(answer.headers)
        if asked is None:
            return self._backoff(attempt)
        # A server asking for longer than one request may take will not have cleared in time.
        return asked if asked <= self._cap() else None

    # One request ---------------------------------------------------------------------------

    async def _exchange(
        self,
        method: str,
        url: httpx.URL,
        cookies: ChainCookies,
        *,
        short: bool,
        as_browser: bool = False,
    ) -> Answer:
        netloc = url.netloc.decode("ascii")
        host = self._per_host.get(netloc)
        if host is None:
            host = self._per_host[netloc] = HostSlots(self.config.per_host)
        headers = {**cookies.header(url), **(BROWSER_HEADERS if as_browser else {})}
        request = self.client.build_request(method, url, headers=headers)
        # The host slot first: a request waiting for a busy host must not hold a global slot.
        async with host.slot() as sent_under, self._in_flight:
            if self._is_down(netloc):
                raise Failed(
                    t(
                        "could not verify (not requested: {host} answered none of this run's "
                        "requests in time)",
                        host=netloc,
                    ),
                    proof=False,
                    host_down=True,
                )
            budget = self._budget(netloc, short)
            try:
                # One deadline covers the whole exchange, the body included: httpx's timeouts
                # are per read, and a server dripping a byte at a time would reset them.
                async with asyncio.timeout(budget or None) as scope:
                    sent = time.monotonic()
                    response = await self.client.send(request, stream=True)
                    answered = time.monotonic() - sent
                    if response.status_code in BUSY_STATUSES:
                        host.slow_down(sent_under)
                    self._slowest[netloc] = max(self._slowest.get(netloc, 0.0), answered)
                try:
                    # the page is only a hint: what arrived by then is enough
                    left = (scope.when() or float("inf")) - asyncio.get_running_loop().time()
                    page, start = await self._page(method, response, min(SNIFF_WAIT, left))
                finally:
                    await response.aclose()
            except (TimeoutError, httpx.TimeoutException) as exc:
                if self.resolver is not None and self.resolver.still_looking_up(url.host):
                    # DNS, not the host, did not answer in time: the host is no slower for it,
                    # and with DNS silent this run it is NET001's (one finding, not one a host)
                    reason = lookup_failed(url.host, t("no answer in time"))
                    raise Failed(reason, proof=False, no_dns=True) from exc
                self._slow_hosts.add(netloc)
                if method == "GET":
                    self._timed_out_pages.setdefault(netloc, set()).add(str(url))
                failed = Failed(t("could not verify (timed out)"), proof=False, timed_out=True)
                failed.budget = budget
                raise failed from exc
            except Unreachable as exc:
                if exc.refused and not exc.proof:  # a name the guard would not let us ask
                    reason = t(
                        "could not verify: {why}; the recipients' DNS may answer otherwise "
                        "(a company's split-horizon DNS, a VPN's fake IPs)",
                        why=exc.reason,
                    )
                    raise Failed(reason, proof=False, non_public=True) from exc
                raise Failed(
                    exc.reason, proof=exc.proof, nxdomain=exc.nxdomain, no_dns=exc.no_dns
                ) from exc
            except httpx.HTTPError as exc:
                raise transport_failure(exc) from exc
        cookies.take(response)
        as_sent = response.extensions.get(LOCATION_AS_SENT)
        location = response.headers.get("location") or response.extensions.get(LOCATION_ELSEWHERE)
        return Answer(
            str(url),
            method,
            response.status_code,
            response.headers,
            page,
            start,
            location_as_sent=as_sent,
            location=location,
        )

    def _is_down(self, netloc: str) -> bool:
        """The host timed out on GET for :data:`HOST_DOWN_AFTER` pages and never answered."""
        answered = netloc in self._slowest
        return not answered and len(self._timed_out_pages.get(netloc, ())) >= HOST_DOWN_AFTER

    def _budget(self, netloc: str, short: bool) -> float:
        """Seconds for one exchange: ``timeout``, or the shorter budget of the one retry after a
        timeout and of every request to a host that timed out (per-host back-off: no second
        full wait), but never below what the host has shown it needs to answer."""
        budget = self.config.timeout
        if short:  # the retry of a request that had the whole timeout already
            return budget * RETRY_SHARE
        if budget and netloc in self._slow_hosts:
            needs = SLOWEST_MARGIN * self._slowest.get(netloc, 0.0)
            budget = min(budget, max(budget * RETRY_SHARE, needs))
        return budget

    @staticmethod
    async def _page(method: str, response: httpx.Response, wait: float) -> tuple[str, bytes]:
        """The start of the body, decoded and as sent: of an error page (a challenge page?), an
        HTML page (a soft 404?) or text and JSON (a picture labelled as text?); nothing of a
        HEAD answer, an image or a download."""
        kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        read = response.status_code >= 400 or is_html(response.headers) or kind in _NOT_IMAGES
        if method == "HEAD" or not read:
            return "", b""
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(max(wait, 0.0)):
                async for chunk in response.aiter_bytes():  # decoded: gzip, br, deflate
                    chunks.append(chunk)
                    size += len(chunk)
                    if size >= SNIFF_BYTES:
                        break
        except (TimeoutError, httpx.HTTPError):
            pass  # the page is only a hint: the status stands either way
        data = b"".join(chunks)[:SNIFF_BYTES]
        # the charset of the header, else of the page's <meta> (Russian sites often declare
        # windows-1251 only there), else UTF-8, else a Cyrillic/Western guess
        declared = read_as(known_charset(response.charset_encoding or meta_charset(data)))
        if declared is not None:
            return data.decode(declared, "replace"), data
        try:  # (not final: a character cut where reading stopped is no error)
            return codecs.getincrementaldecoder("utf-8")().decode(data), data
        except UnicodeDecodeError:
            return guess_8bit(data), data


class ChainCookies:
    """The cookies set along one link's redirect chain, sent back along it as the bytes they
    came in: httpx reads a response's headers as UTF-8, or all of them as Latin-1 when one is
    not UTF-8, and its own Cookie header refuses anything but ASCII."""

    def __init__(self) -> None:
        self.jar = httpx.Cookies()
        self.encoding = "utf-8"

    def take(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            self.jar.extract_cookies(response)
            if response.headers.encoding != "ascii":  # (ASCII cookies fit either reading)
                self.encoding = response.headers.encoding

    def header(self, url: httpx.URL) -> dict[bytes, bytes]:
        """The Cookie header for a request to ``url`` (the jar's domain and path rules)."""
        if not self.jar.jar:
            return {}
        shim = urllib.request.Request(str(url))
        self.jar.jar.add_cookie_header(shim)
        value = shim.get_header("Cookie")
        return {b"Cookie": value.encode(self.encoding, "replace")} if value else {}

    def sent(self) -> frozenset[tuple[str, str]]:
        """What the next request carries: a page coming back with other cookies is no loop."""
        return frozenset((c.name, c.value or "") for c in self.jar.jar)


# OpenSSL's verify codes for "whose certificate is this?": unable to get the issuer's
# certificate (2, 20), a root this store lacks in the chain sent (19), the first certificate
# not verifiable (21). An expired or self-signed leaf, a wrong name, stay proof.
_ISSUER_UNKNOWN = frozenset({2, 19, 20, 21})


# What the browser's warning page is about, by OpenSSL's verify code (said in the reader's
# language; OpenSSL's own words are for the technician and follow in brackets)
_VERIFY_SAID = {
    9: N_("the certificate is not valid yet"),
    10: N_("the certificate has expired"),
    18: N_("the certificate is self-signed"),
    23: N_("the certificate has been revoked"),
    62: N_("the certificate is for another host name"),
    64: N_("the certificate is for another IP address"),
}


def _tls_said(cause: BaseException | None, text: str) -> str:
    """A TLS failure in words a QA person acts on, OpenSSL's own in brackets."""
    said: str | None = None
    if isinstance(cause, ssl.SSLCertVerificationError):
        said = _VERIFY_SAID.get(cause.verify_code)
    elif isinstance(cause, ssl.SSLError) and cause.reason == "WRONG_VERSION_NUMBER":
        said = N_("the server does not speak HTTPS on this port")
    if said is None:
        return text
    return t("{said} ({openssl})", said=t(said), openssl=text)


def transport_failure(exc: httpx.HTTPError) -> Failed:
    """What a failed exchange says about the link."""
    text = str(exc) or type(exc).__name__
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ssl.SSLError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, ssl.SSLEOFError | ssl.SSLZeroReturnError) or "EOF occurred" in text:
        # closed in the handshake: an overloaded server or a middlebox, this checker's trouble
        return Failed(
            t("could not verify: the connection was closed during the TLS handshake"),
            proof=False,
        )
    if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_code in _ISSUER_UNKNOWN:
        # A server that leaves out its intermediate certificate (browsers fetch it from the
        # address in the certificate) and a CA some browsers trust and others do not (the
        # Russian Trusted Root CA) look the same from here: the recipient may see the page.
        return Failed(
            t(
                "could not verify: the certificate's issuer is not one this checker trusts "
                "({why}); a missing intermediate certificate, which browsers fetch, and a CA "
                "only some browsers trust look the same from here",
                why=cause.verify_message,
            ),
            proof=False,
        )
    if cause is not None or "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        # a certificate a browser would refuse: every recipient sees the warning page
        return Failed(t("TLS error: {why}", why=_tls_said(cause, text)), proof=True)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Failed(t("cannot be requested: {why}", why=text), proof=True, invalid=True)
    if isinstance(exc, httpx.RemoteProtocolError) and "without sending a response" in text:
        # h11's "Server disconnected without sending a response.": closed, nothing sent
        return Failed(
            t("could not verify: the connection was closed without an answer"), proof=False
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        # what the server sent instead of HTTP is quoted by its start only (it can be a page)
        shown = text if len(text) <= 120 else text[:119] + "…"
        return Failed(
            t("could not verify: bad answer from the server ({why})", why=shown), proof=False
        )
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        # a reset is what a server closing with the request unread sends too: from here, a
        # close without an answer
        return Failed(
            t("could not verify: the connection was closed without an answer (reset)"),
            proof=False,
        )
    return Failed(t("could not verify: {why}", why=text), proof=False)


def timed_out_after(waited: list[float]) -> str:
    """Why a link that timed out on every try is not verified, with each try's budget."""
    first, *more = (f"{round(w, 2):g}" for w in waited)
    if not more:
        return t("could not verify (timed out: no answer in {seconds} s)", seconds=first)
    return t(
        "could not verify (timed out: no answer in {seconds} s, then {more} s)",
        seconds=first,
        more=" s, ".join(more),
    )
