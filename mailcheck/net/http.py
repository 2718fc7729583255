"""The HTTP fetcher: one URL in, one :class:`LinkResult` out, politely and never stalling.

What a link checker must do differently from a browser or a plain HTTP client:

* HEAD first (cheap), GET when HEAD is refused or answers an error — many servers answer HEAD
  wrongly. A GET is streamed and at most a few KB of an error page are read (to recognise bot
  walls); a huge body is never downloaded.
* Redirects are followed by hand, one hop at a time, so each hop is recorded (LNK005, UTM004)
  and each hop's address passes the SSRF guard.
* Timeouts, 429 and 5xx are retried with backoff; Retry-After is honoured when it is short.
* Bot walls (Cloudflare challenges, LinkedIn's 999, a 429 that never clears) are "could not
  verify", not "broken": they answer robots, not people.
* Unsubscribe links are only ever requested with HEAD (GET only when the user opts in), so the
  check cannot unsubscribe anyone.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

from mailcheck.config import LinksConfig
from mailcheck.facts import Hop, LinkResult, LinkVerdict
from mailcheck.net.client import Failure, LinkClient, Response
from mailcheck.net.ssrf import refusal
from mailcheck.net.urls import InvalidURL, address_of, join

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10  # a chain is abandoned here; LNK005 already warns from 6 on
SNIFF_BYTES = 8192  # of an error page, enough to recognise a challenge page
SNIFF_WAIT = 2.0  # seconds at most spent reading it
BACKOFF_BASE = 0.25  # seconds before the first retry, doubled each time
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/*;q=0.8,*/*;q=0.5"

# Phrases of bot-protection challenge pages (Cloudflare, DataDome, PerimeterX, Akamai, Sucuri…).
CHALLENGE_MARKERS = (
    b"just a moment...",
    b"attention required! | cloudflare",
    b"cf-browser-verification",
    b"challenge-platform",
    b"cf-chl-",
    b"captcha-delivery.com",
    b"px-captcha",
    b"/_incapsula_resource",
    b"sucuri website firewall",
    b"ddos-guard",
    b"verify you are human",
    b"are you a robot",
    b"g-recaptcha",
    b"h-captcha",
)


def make_client(cfg: LinksConfig) -> LinkClient:
    """The run's one client: our user agent, no automatic redirects, no proxies, guarded."""
    return LinkClient(
        refuse=None if cfg.allow_private else refusal,
        headers={
            "User-Agent": cfg.user_agent,
            "Accept": ACCEPT,
            # A compressed body could expand without bound; we read only a few KB anyway.
            "Accept-Encoding": "identity",
        },
    )


# --- one link ---------------------------------------------------------------------------------


@dataclass
class Answer:
    """One HTTP exchange."""

    url: str
    method: str
    status: int
    headers: Mapping[str, str]  # names lower-cased
    body_start: bytes = b""


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


def bot_wall(answer: Answer) -> str | None:
    """Why an error answer looks like bot protection rather than a missing page."""
    if answer.status == 999:
        return "999: the site refuses automated requests (LinkedIn does this)"
    if answer.status not in (401, 403, 429, 503):
        return None
    headers = answer.headers
    server = headers.get("server", "").lower()
    if "cf-mitigated" in headers:
        return f"{answer.status}: Cloudflare bot challenge (cf-mitigated)"
    body = answer.body_start.lower()
    challenge = any(marker in body for marker in CHALLENGE_MARKERS)
    if answer.status in (401, 403):
        if server.startswith("cloudflare"):
            return f"{answer.status}: blocked by Cloudflare's bot protection"
        for vendor, signs in (
            ("DataDome", ("x-datadome", "x-dd-b")),
            ("AWS WAF", ("x-amzn-waf-action",)),
            ("Sucuri", ("x-sucuri-id", "x-sucuri-block")),
            ("PerimeterX", ("x-px-blocked",)),
        ):
            if any(s in headers for s in signs):
                return f"{answer.status}: blocked by {vendor} bot protection"
        if server in ("akamaighost", "ddos-guard") or "incapsula" in headers.get("x-cdn", ""):
            return f"{answer.status}: blocked by {headers.get('server') or 'a CDN'} bot protection"
    if challenge:
        return f"{answer.status}: a bot-protection challenge page"
    return None


def status_reason(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # 999 and other inventions
        phrase = ""
    return f"{status} {phrase}".strip()


class Cookies:
    """The cookies one link's redirect chain sets, sent back along the chain.

    Sites bounce a first visit through a redirect that sets a cookie (a session, a consent
    flag) and expect it back; without it the chain loops. Nothing is kept between links.
    """

    def __init__(self) -> None:
        self._jar: dict[tuple[str, str], str] = {}  # (domain, name) -> value

    def remember(self, host: str, set_cookies: Iterable[str]) -> None:
        for line in set_cookies:
            pair, *attributes = line.split(";")
            name, sep, value = pair.partition("=")
            if not sep or not name.strip():
                continue
            domain = host
            for attribute in attributes:
                key, _, given = attribute.strip().partition("=")
                if key.lower() == "domain" and given.strip(" ."):
                    domain = given.strip(" .").lower()
            self._jar[(domain, name.strip())] = value.strip()

    def header(self, host: str) -> list[tuple[bytes, bytes]]:
        pairs = [
            f"{name}={value}"
            for (domain, name), value in self._jar.items()
            if host == domain or host.endswith("." + domain)
        ]
        return [(b"Cookie", "; ".join(pairs).encode("latin-1", "replace"))] if pairs else []


@dataclass
class Fetcher:
    """Checks URLs through one client, within global and per-host limits.

    URLs come in :func:`mailcheck.net.urls.normalise`'s form (as planned by
    :mod:`mailcheck.net.links`); redirect targets are normalised here on the way.
    """

    client: LinkClient
    config: LinksConfig
    _in_flight: asyncio.Semaphore = field(init=False)
    _per_host: dict[bytes, asyncio.Semaphore] = field(default_factory=dict, init=False)

    on_sent: Callable[[], None] | None = None  # called as each request goes on the wire

    def __post_init__(self) -> None:
        self._in_flight = asyncio.Semaphore(max(self.config.concurrency, 1))

    # The whole check of one URL -----------------------------------------------------------

    async def check(self, url: str, *, unsubscribe: bool = False) -> LinkResult:
        started = time.time()
        hops: list[Hop] = []
        visits: dict[str, int] = {}
        cookies = Cookies()
        current = url
        method = ""
        while True:
            try:
                answer = await self._probe(current, cookies, unsubscribe=unsubscribe)
            except Failure as failure:
                return self._result(
                    unsubscribe,
                    url,
                    failure.verdict,
                    None,
                    failure.reason,
                    hops,
                    current,
                    method,
                    started,
                )
            method = answer.method
            hops.append(Hop(current, answer.status))
            location = answer.headers.get("location")
            if answer.status not in REDIRECT_STATUSES or not location:
                verdict, reason = self._judge(answer, unsubscribe)
                if 300 <= answer.status < 400 and answer.status not in (304,):
                    verdict, reason = "broken", f"{status_reason(answer.status)} without a Location"
                return self._result(
                    unsubscribe, url, verdict, answer.status, reason, hops, current, method, started
                )
            try:
                target = join(current, location)
            except InvalidURL as exc:
                reason = f"redirects to an invalid URL {location!r} ({exc})"
                return self._result(
                    unsubscribe,
                    url,
                    "broken",
                    answer.status,
                    reason,
                    hops,
                    current,
                    method,
                    started,
                )
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                # An app deep link or mailto: at the end of a chain: the chain itself worked.
                reason = f"redirects to {target} (not a web page; not followed)"
                return self._result(
                    unsubscribe, url, "ok", answer.status, reason, hops, target, method, started
                )
            visits[current] = visits.get(current, 0) + 1
            # A redirect back to a page already seen is a loop, unless it set a cookie (sites
            # bounce once to set one); a second return is a loop anyway.
            allowed = 2 if "set-cookie" in answer.headers else 1
            if visits.get(target, 0) >= allowed:
                reason = f"redirect loop: {target} redirects back to a page already visited"
                return self._result(
                    unsubscribe, url, "loop", answer.status, reason, hops, target, method, started
                )
            if len(hops) >= MAX_REDIRECTS:
                reason = f"gave up after {MAX_REDIRECTS} redirects"
                return self._result(
                    unsubscribe,
                    url,
                    "too-many-redirects",
                    answer.status,
                    reason,
                    hops,
                    target,
                    method,
                    started,
                )
            current = target

    def _result(
        self,
        unsubscribe: bool,
        url: str,
        verdict: LinkVerdict,
        status: int | None,
        reason: str,
        hops: list[Hop],
        final: str,
        method: str,
        started: float,
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
        )

    def _judge(self, answer: Answer, unsubscribe: bool) -> tuple[LinkVerdict, str]:
        status = answer.status
        if 200 <= status < 300 or status == 304:
            return "ok", status_reason(status)
        wall = bot_wall(answer)
        if wall is not None:
            return "unverified", f"could not verify: {wall}"
        if status == 429:
            return "unverified", "could not verify: 429 Too Many Requests did not clear"
        if unsubscribe and answer.method == "HEAD" and status not in (404, 410) and status < 500:
            return "unverified", (
                f"not verified: the server answers HEAD with {status_reason(status)} and an "
                "unsubscribe link is never opened with GET (it could unsubscribe someone; "
                "set links.unsubscribe-get = true if a GET is safe)"
            )
        if status >= 400:
            via = " (to HEAD)" if answer.method == "HEAD" else ""
            return "broken", status_reason(status) + via
        return "broken", f"unexpected answer {status_reason(status)}"

    # One hop, with the HEAD → GET fallback and retries ---------------------------------------

    async def _probe(self, url: str, cookies: Cookies, *, unsubscribe: bool) -> Answer:
        may_get = not unsubscribe or self.config.unsubscribe_get
        use_get = False  # once HEAD proved unreliable for this URL, stop asking it
        attempt = 0
        while True:
            try:
                answer: Answer | None = None
                if not use_get:
                    answer = await self._head(url, cookies, may_get=may_get)
                    refused = answer is None or (answer.status >= 400 and answer.status != 429)
                    use_get = refused and may_get
                if use_get:
                    answer = await self._exchange("GET", url, cookies)
                assert answer is not None
            except Failure as failure:
                if failure.transient and attempt < self.config.retries:
                    await asyncio.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise
            if (answer.status == 429 or 500 <= answer.status < 600) and (
                attempt < self.config.retries
            ):
                wait = self._wait_before_retry(answer, attempt)
                if wait is not None:
                    await asyncio.sleep(wait)
                    attempt += 1
                    continue
            return answer

    async def _head(self, url: str, cookies: Cookies, *, may_get: bool) -> Answer | None:
        """HEAD, or None when the server mishandles HEAD and a GET may tell more."""
        try:
            return await self._exchange("HEAD", url, cookies)
        except Failure as failure:
            if may_get and failure.garbled:
                return None
            raise

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

    async def _exchange(self, method: str, url: str, cookies: Cookies) -> Answer:
        try:
            address = address_of(url)
        except InvalidURL as exc:
            raise Failure("invalid", str(exc), transient=False) from exc
        limit = self._per_host.get(address.netloc)
        if limit is None:
            limit = self._per_host[address.netloc] = asyncio.Semaphore(max(self.config.per_host, 1))
        host = address.host
        # The host slot first: a request waiting for a busy host must not hold a global slot.
        async with limit, self._in_flight:
            # One deadline (config.timeout) covers the whole exchange, the body included: a
            # server dripping a byte at a time would otherwise reset a read timeout forever.
            response = await self.client.request(
                method,
                address,
                timeout=self.config.timeout,
                headers=cookies.header(host),
                on_sent=self.on_sent,
            )
            try:
                body = await self._body_start(method, response)
            finally:
                response.close()
        cookies.remember(host, response.set_cookies)
        return Answer(url, method, response.status, response.headers, body)

    @staticmethod
    async def _body_start(method: str, response: Response) -> bytes:
        """What of the body is worth reading: an error page's first KB, nothing else.

        A body read to its end (HEAD's is empty, a short redirect's is small) hands the
        connection back for reuse; any other body is cut off and its connection closed.
        """
        deadline = response.deadline
        if method == "HEAD":
            return await response.read(0, deadline)
        if response.status < 400:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) <= SNIFF_BYTES:
                await response.read(SNIFF_BYTES, deadline)
            return b""
        # The page is only a hint (a challenge page?): never wait long for it. Whatever arrived
        # by then is enough; the status stands either way.
        until = asyncio.get_running_loop().time() + SNIFF_WAIT
        if deadline is not None:
            until = min(until, deadline)
        return await response.read(SNIFF_BYTES, until)
