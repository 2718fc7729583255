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
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from mailcheck.config import LinksConfig
from mailcheck.facts import Hop, LinkResult, LinkVerdict
from mailcheck.net.ssrf import AddressRefused, NameNotResolved, refusal
from mailcheck.net.transport import GuardedTransport

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10  # a chain is abandoned here; LNK005 already warns from 6 on
SNIFF_BYTES = 8192  # of an error page, enough to recognise a challenge page
SNIFF_WAIT = 2.0  # seconds at most spent reading it
BACKOFF_BASE = 0.25  # seconds before the first retry, doubled each time
IDLE_SOCKETS = 256  # keep-alive connections kept open across hosts, at most (roughly)
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


def make_client(cfg: LinksConfig) -> httpx.AsyncClient:
    """The run's one client: our user agent and timeout, no automatic redirects, no proxies."""
    # A host's pool holds as many connections as requests may be in flight to it, so the
    # pool never queues a request behind our own limits.
    transport = GuardedTransport(
        refuse=None if cfg.allow_private else refusal,
        per_host=cfg.per_host,
        max_pools=max(16, IDLE_SOCKETS // max(cfg.per_host, 1)),
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(cfg.timeout or None),
        follow_redirects=False,
        # Proxies from the environment would hide the real target from the SSRF guard.
        trust_env=False,
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
    headers: httpx.Headers
    body_start: bytes = b""


class Failure(Exception):
    """No answer: the verdict and a reason the user can act on."""

    def __init__(
        self, verdict: LinkVerdict, reason: str, *, transient: bool, garbled: bool = False
    ) -> None:
        super().__init__(reason)
        self.verdict: LinkVerdict = verdict
        self.reason = reason
        self.transient = transient
        self.garbled = garbled  # the server answered, but not in valid HTTP


def failure_from(exc: BaseException, timeout: float) -> Failure:
    """Translate whatever went wrong into words; nothing escapes as a traceback."""
    if isinstance(exc, AddressRefused | NameNotResolved):
        return Failure("unreachable", exc.reason, transient=False)
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        what = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for an answer"
        return Failure("unreachable", f"timed out after {timeout:g} s {what}", transient=True)
    if isinstance(exc, httpx.ConnectError):
        causes = list(_causes(exc))
        tls = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
        if tls is not None:
            return Failure("unreachable", f"TLS error: {tls}", transient=False)
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return Failure("unreachable", "connection refused", transient=False)
        return Failure("unreachable", f"could not connect: {exc}", transient=False)
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return Failure("unreachable", "connection reset by the server", transient=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc) or type(exc).__name__
        if "disconnected" in text.lower():
            return Failure(
                "unreachable", "the server closed the connection without answering", transient=True
            )
        return Failure(
            "unreachable", f"bad answer from the server: {text}", transient=True, garbled=True
        )
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return Failure("invalid", f"not a valid URL: {exc}", transient=False)
    return Failure("unreachable", f"request failed: {exc!r}", transient=False)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it, and the members of exception groups (anyio's)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(c for c in (current.__cause__, current.__context__) if c is not None)
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        # anyio's "all connection attempts failed" keeps each attempt's error in .args
        todo.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))


def retry_after(headers: httpx.Headers) -> float | None:
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
    phrase = httpx.codes.get_reason_phrase(status)
    return f"{status} {phrase}".strip()


@dataclass
class Fetcher:
    """Checks URLs through one client, within global and per-host limits."""

    client: httpx.AsyncClient
    config: LinksConfig
    _in_flight: asyncio.Semaphore = field(init=False)
    _per_host: dict[bytes, asyncio.Semaphore] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._in_flight = asyncio.Semaphore(max(self.config.concurrency, 1))

    # The whole check of one URL -----------------------------------------------------------

    async def check(self, url: str, *, unsubscribe: bool = False) -> LinkResult:
        started = time.time()
        hops: list[Hop] = []
        visits: dict[str, int] = {}
        current = url
        method = ""
        while True:
            try:
                answer = await self._probe(current, unsubscribe=unsubscribe)
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
                target = str(httpx.URL(current).join(location.strip()))
            except (httpx.InvalidURL, ValueError) as exc:
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

    async def _probe(self, url: str, *, unsubscribe: bool) -> Answer:
        may_get = not unsubscribe or self.config.unsubscribe_get
        use_get = False  # once HEAD proved unreliable for this URL, stop asking it
        attempt = 0
        while True:
            try:
                answer: Answer | None = None
                if not use_get:
                    answer = await self._head(url, may_get=may_get)
                    refused = answer is None or (answer.status >= 400 and answer.status != 429)
                    use_get = refused and may_get
                if use_get:
                    answer = await self._exchange("GET", url)
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

    async def _head(self, url: str, *, may_get: bool) -> Answer | None:
        """HEAD, or None when the server mishandles HEAD and a GET may tell more."""
        try:
            return await self._exchange("HEAD", url)
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

    async def _exchange(self, method: str, url: str) -> Answer:
        try:
            parsed = httpx.URL(url)  # parsed once here, not again inside the client
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
            raise Failure("invalid", f"not a valid URL: {exc}", transient=False) from exc
        host = parsed.netloc.lower()
        limit = self._per_host.get(host)
        if limit is None:
            limit = self._per_host[host] = asyncio.Semaphore(max(self.config.per_host, 1))
        timeout = self.config.timeout
        try:
            # The host slot first: a request waiting for a busy host must not hold a global slot.
            # One deadline covers the whole exchange: a server dripping a byte at a time would
            # otherwise reset a read timeout forever.
            async with (
                limit,
                self._in_flight,
                asyncio.timeout(timeout if timeout > 0 else None) as deadline,
            ):
                request = self.client.build_request(method, parsed)
                response = await self.client.send(request, stream=True)
                try:
                    body = await self._body_start(method, response, deadline.when())
                    return Answer(url, method, response.status_code, response.headers, body)
                finally:
                    await response.aclose()
        except Failure:
            raise
        except Exception as exc:  # every failure becomes a verdict with a reason
            raise failure_from(exc, timeout) from exc

    @staticmethod
    async def _body_start(method: str, response: httpx.Response, deadline: float | None) -> bytes:
        """What of the body is worth reading: an error page's first KB, nothing else.

        A body read to its end (HEAD's is empty, a short redirect's is small) hands the
        connection back to the pool; any other body is cut off and its connection closed.
        """
        if method == "HEAD":
            await _read_start(response, 0)
            return b""
        if response.status_code < 400:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) <= SNIFF_BYTES:
                await _read_start(response, SNIFF_BYTES)
            return b""
        # The page is only a hint (a challenge page?): never wait long for it, and give up
        # before the exchange's own deadline would turn a clear status into a timeout.
        until = asyncio.get_running_loop().time() + SNIFF_WAIT
        if deadline is not None:
            until = min(until, deadline - 0.05)
        try:
            async with asyncio.timeout_at(until):
                return await _read_start(response, SNIFF_BYTES)
        except TimeoutError:
            return b""


async def _read_start(response: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of the body; the rest is never downloaded."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
    except httpx.TransportError:
        pass  # the status already tells what we need; the page is only a hint
    return b"".join(chunks)[:limit]
