"""A scripted HTTP server on loopback for the link-checking tests.

Real sockets, real HTTP/1.1 (keep-alive), in a background thread; every route is a behaviour
a link checker meets in the wild. The server counts requests per (method, path with query) so
tests can assert that a URL was requested exactly once, or never.

Routes (``NAME`` is any string: tests use their own names so state never leaks between them):

    /ok/…                        200 for every method
    /status/CODE/…               that status (404, 410, 500, 999 …) for every method
    /flaky/NAME?fails=N          500 for the first N requests, then 200
    /ratelimit/NAME?times=N&after=S   429 + Retry-After S for the first N requests, then 200
    /ratelimit-forever/NAME?after=S   always 429 + Retry-After S
    /head-405/…, /head-404/…     HEAD answers 405/404, GET answers 200
    /redirect/N/NAME             N redirects (302) before a 200; the query string is kept
    /loop/a/NAME ↔ /loop/b/NAME  redirect to each other forever
    /cookie-bounce/NAME          302 to itself with Set-Cookie, then 200 with the cookie
    /drop-query/NAME             301 to /ok/landing without the query string
    /change-utm/NAME             301 to /ok/landing with utm_source changed
    /redirect-to?to=URL          302 to URL (any host: used for the SSRF guard on hops)
    /ls/click?upn=B64            302 to the URL base64url-encoded in upn: a branded click
                                 tracker whose target is opaque
    /ls/page?upn=B64             200 with a page that forwards to that URL by a <meta>
                                 refresh and a script: a tracker that redirects without HTTP
    /slow/SECONDS/…              answers after SECONDS
    /slow-then-404/SECONDS/NAME  the first request answers after SECONDS, the others 404
    /busy/MAX/SECONDS/…          429 (Retry-After: 0) while more than MAX requests are in
                                 flight, else 200 after SECONDS (a host that sheds load)
    /robots-403/NAME             403 to a User-Agent without "Mozilla" (nginx's bot rule),
                                 200 to a browser's
    /botwall/cf-mitigated        403 with cf-mitigated: challenge
    /botwall/cloudflare          403, Server: cloudflare, a challenge page
    /botwall/chunked             403, the challenge page in chunks (no Content-Length)
    /botwall/yandex              403, a Russian captcha page («Вы не робот?»)
    /showcaptcha?…               200 with that page: where a captcha redirect sends robots
    /img-head-html/NAME          HEAD 200 text/html (a framework's default), GET 200 a PNG
    /png-as/plain|html/NAME      200 with a PNG's bytes labelled text/plain or text/html
    /challenge-200/NAME          200 with a challenge page (a JavaScript check)
    /challenge-503/NAME          503 with a challenge page (Cloudflare's "under attack" mode)
    /datadome/NAME               403 with DataDome's X-DataDome header (a vendor WAF)
    /signup-form/NAME            200, a shop's page whose sign-up form has reCAPTCHA
    /retry-after-once/STATUS/NAME   STATUS with Retry-After: 30 the first time, then 200
    /login-required/NAME?…       302 to /login?next=<this path and query>; /login is 200
    /huge, /huge-404             HEAD 405; GET 200 (404) with a body that never ends
    /drip, /drip-404             HEAD 405; GET 200 (404), then a byte every half second
    /reset                       the connection is reset without an answer
    /close/NAME                  the connection is closed (FIN, no reset) without an answer
    /unsub/NAME                  200 for every method; every method used is recorded
    /unsub-nohead/NAME           HEAD 405, GET 200 (records methods too)
    /big-head/NAME               200 with 40 KB of headers (a long CSP and cookies)
    /hangup-next/NAME            200, keep-alive; the connection's next request is read and
                                 counted, then the server hangs up without answering (a server
                                 closing an idle keep-alive connection just as a client reuses it)
    /utf8-redirect/NAME          302 with a raw UTF-8 Location (/ok/каталог/обувь), as Russian
                                 sites send it
    /gzip-botwall                403, a challenge page gzipped whatever the client accepts
    /brotli-botwall              the same, brotli-compressed
    /utf8-redirect-latin1/NAME   /utf8-redirect's answer with another header in Latin-1
    /backslash-redirect/KIND/NAME   302 to /ok/NAME with backslashes for its slashes: KIND
                                 "relative" (a path), "host" (slash, backslash, this host:
                                 another host to a browser) or "absolute" (http: and two)
    /bad-location/KIND           302 to a Location no browser can follow: KIND "bracket"
                                 (an unclosed IPv6 literal) or "space" (a space in the host)
    /elsewhere-redirect/KIND     302 to another scheme: KIND "mailto", "tel" (a "call us"
                                 short link), "javascript" or "data"
    /cp1251-redirect/NAME        302 with a raw windows-1251 Location (/ok/каталог)
    /odd-cookie/latin1|utf8/NAME 302 with a cookie of raw non-ASCII bytes to /cookie-echo/…,
                                 which answers 200 only when those same bytes come back
    /soft404/ru, /soft404/en     200, but the page's title says it was not found
    /soft404/cp1251, /soft404/koi8   the same in windows-1251 or KOI8-R (in capitals),
                                 declared only in a <meta>
    /cookie-check/NAME           302 to /cookie-verify/NAME with Set-Cookie; that redirects
                                 back; with the cookie, 200 (a cookie-check bounce)
    /cookie-back/NAME?…          302 with Set-Cookie to /cookie-set?back=<the page, query and all>,
                                 which redirects there; with the cookie, 200
    /head-hang/NAME, /head-empty/NAME, /head-reset/NAME
                                 HEAD hangs / gets no answer / is reset; GET answers 200
    /drip-head                   the status line and headers a byte every 0.2 s
    /server/NAME/STATUS/…        STATUS with exactly "Server: NAME" and a plain page (what a
                                 DDoS-protection service's edge answers a robot)

``server.publish(host, path, body, content_type, status)`` serves a document at ``path`` to
requests for ``host`` (the Host header) before any route: what a domain publishes (an MTA-STS
policy, a BIMI logo). ``ScriptedServer(tls=context)`` serves the same routes over HTTPS (see tests/tls.py);
``connections`` counts the TCP connections accepted.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import mimetypes
import socket
import ssl
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import brotli

# Cookie values of raw non-ASCII bytes, as some servers send them
ODD_COOKIES = {"latin1": "Zürich".encode("latin-1"), "utf8": "Москва".encode()}
CHALLENGE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<div id='challenge-platform'>Checking your browser before accessing the site.</div>"
    b"</body></html>"
)

# A 1x1 PNG's bytes
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
# A shop's page that mentions a captcha (its sign-up form has reCAPTCHA): no challenge
CAPTCHA_FORM_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sale | Shop</title>"
    b"<script src='https://www.google.com/recaptcha/api.js'></script></head><body>"
    b"<form><input name=email><div class='g-recaptcha'></div>Are you a robot? Solve the "
    b"captcha</form></body></html>"
)

# A Russian site's captcha, written the way Yandex SmartCaptcha's page reads
CAPTCHA_PAGE_RU = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Вы не робот?</title></head><body>"
    "<p>Нам очень жаль, но запросы, поступившие с вашего IP-адреса, похожи на автоматические."
    "</p><form action='/checkcaptcha'><input name='rep'></form></body></html>"
).encode()


class ScriptedServer:
    """The server and what it saw; ``url(path)`` gives a full URL for a route."""

    def __init__(
        self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None, port: int = 0
    ) -> None:
        self.connections = 0
        self.requests: Counter[tuple[str, str]] = Counter()
        self.unsubscribe_methods: dict[str, list[str]] = {}
        self.bytes_sent: Counter[str] = Counter()
        self.user_agents: dict[str, str] = {}  # path -> User-Agent of its last request
        self.published: dict[tuple[str, str], tuple[int, str, bytes]] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self._httpd = server_class((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self.host = host
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{path}"

    def publish(
        self, host: str, path: str, body: bytes, content_type: str, status: int = 200
    ) -> None:
        self.published[(host.lower(), path)] = (status, content_type, body)

    def count(self, path: str, method: str | None = None) -> int:
        """Requests seen for ``path`` (with its query string), of one method or all."""
        with self._lock:
            return sum(
                n for (m, p), n in self.requests.items() if p == path and method in (None, m)
            )

    def total(self) -> int:
        with self._lock:
            return sum(self.requests.values())

    def _seen(self, method: str, path: str) -> int:
        with self._lock:
            self.requests[(method, path)] += 1
            return sum(n for (_, p), n in self.requests.items() if p == path)

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _unsubscribe(self, name: str, method: str) -> None:
        with self._lock:
            self.unsubscribe_methods.setdefault(name, []).append(method)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


@contextmanager
def running_server(
    tls: ssl.SSLContext | None = None, host: str = "127.0.0.1"
) -> Iterator[ScriptedServer]:
    server = ScriptedServer(host, tls=tls).start()
    try:
        yield server
    finally:
        server.stop()


def _make_handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ScriptedServer/1"

        hang_up_next = False  # set per connection by /hangup-next

        def setup(self) -> None:
            super().setup()
            with server._lock:
                server.connections += 1

        def log_message(self, format: str, *args: object) -> None:
            pass  # the tests' output stays readable

        def do_HEAD(self) -> None:
            self._route("HEAD")

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self._route("POST")

        def _answer(
            self,
            status: int,
            body: bytes = b"<html><body>ok</body></html>",
            headers: dict[str, str] | None = None,
            method: str = "GET",
        ) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if "Content-Type" not in (headers or {}):
                # as a web server names a file by its extension: banner.png is image/png
                kind = mimetypes.guess_type(urlsplit(self.path).path)[0] or ""
                ok = 200 <= status < 300 and kind.startswith("image/")
                self.send_header("Content-Type", kind if ok else "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)

        def _redirect(
            self, status: int, location: str, headers: dict[str, str] | None = None
        ) -> None:
            self._answer(status, b"", {"Location": location, **(headers or {})}, "HEAD")

        def _route(self, method: str) -> None:
            server._enter()
            try:
                self._dispatch(method)
            finally:
                server._leave()

        def _dispatch(self, method: str) -> None:
            raw = self.path
            seen = server._seen(method, raw)
            if self.hang_up_next:
                self.close_connection = True  # read and counted, never answered
                return
            server.user_agents[raw] = self.headers.get("User-Agent", "")
            host = (self.headers.get("Host") or "").rpartition(":")[0] or self.headers.get("Host")
            document = server.published.get(((host or "").lower(), raw))
            if document is not None:
                status, content_type, body = document
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(body)
                return
            parts = urlsplit(raw)
            path = parts.path
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            segments = [s for s in path.split("/") if s]
            head = segments[0] if segments else ""
            self.server_version = "ScriptedServer/1"

            if head == "ok":
                self._answer(200, method=method)
            elif head == "big-head":
                # written in two pieces, as a real network delivers 40 KB: the client must
                # hold a head larger than one read
                policy = "default-src 'self'; " + "script-src https://cdn.example.com; " * 1100
                response = (
                    f"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                    f"Content-Security-Policy: {policy}\r\n\r\n"
                ).encode()
                self.wfile.write(response[:30000])
                self.wfile.flush()
                time.sleep(0.05)
                self.wfile.write(response[30000:])
            elif head == "utf8-redirect":
                self._raw(
                    "HTTP/1.1 302 Found\r\nLocation: /ok/каталог/обувь\r\n"
                    "Content-Length: 0\r\n\r\n".encode()
                )
            elif head == "gzip-botwall":
                body = gzip.compress(CHALLENGE_PAGE)
                self._answer(403, body, {"Content-Encoding": "gzip"}, method)
            elif head == "brotli-botwall":
                body = brotli.compress(CHALLENGE_PAGE)
                self._answer(403, body, {"Content-Encoding": "br"}, method)
            elif head == "utf8-redirect-latin1":
                self._raw(
                    b"HTTP/1.1 302 Found\r\nX-Server-Name: caf\xe9\r\n"
                    + "Location: /ok/каталог/обувь\r\nContent-Length: 0\r\n\r\n".encode()
                )
            elif head == "backslash-redirect":
                here = f"127.0.0.1:{self.connection.getsockname()[1]}"
                target = {
                    "relative": f"\\ok\\{segments[2]}",
                    "host": f"/\\{here}/ok/{segments[2]}",
                    "absolute": f"http:\\\\{here}\\ok\\{segments[2]}",
                }[segments[1]]
                self._redirect(302, target)
            elif head == "bad-location":
                bad = {"bracket": "http://[oops/x", "space": "http://bad host.example/x"}
                self._redirect(302, bad[segments[1]])
            elif head == "elsewhere-redirect":
                target = {
                    "mailto": "mailto:sale@shop.test?subject=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7",
                    "tel": "tel:+74950000000",
                    "javascript": "javascript:alert(1)",
                    "data": "data:text/html,<p>hi</p>",
                }[segments[1]]
                self._redirect(302, target)
            elif head == "cp1251-redirect":
                self._raw(
                    b"HTTP/1.1 302 Found\r\nLocation: /ok/"
                    + "каталог".encode("cp1251")
                    + b"\r\nContent-Length: 0\r\n\r\n"
                )
            elif head == "odd-cookie":
                value = ODD_COOKIES[segments[1]]
                self._raw(
                    b"HTTP/1.1 302 Found\r\nSet-Cookie: city="
                    + value
                    + b"; Path=/\r\n"
                    + f"Location: /cookie-echo/{segments[1]}\r\nContent-Length: 0\r\n\r\n".encode()
                )
            elif head == "cookie-echo":
                # http.server reads header bytes as Latin-1: encoding them back gives the bytes
                sent = (self.headers.get("Cookie") or "").encode("latin-1")
                self._answer(
                    200 if sent == b"city=" + ODD_COOKIES[segments[1]] else 400, method=method
                )
            elif head == "soft404" and segments[1] in ("cp1251", "koi8"):
                meta, title, codec = {
                    "cp1251": ("<meta charset=windows-1251>", "Страница не найдена", "cp1251"),
                    # capitals: read without the <meta>, KOI8-R looks like lower-case cp1251
                    "koi8": (
                        '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">',
                        "СТРАНИЦА НЕ НАЙДЕНА",
                        "koi8_r",
                    ),
                }[segments[1]]
                encoded = (
                    f"<html><head>{meta}<title>{title}</title></head><body></body></html>"
                ).encode(codec)
                self._raw(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                    + f"Content-Length: {len(encoded)}\r\n\r\n".encode()
                    + (encoded if method != "HEAD" else b"")
                )
            elif head == "soft404":
                title = "Страница не найдена" if segments[1] == "ru" else "Page Not Found"
                page = f"<html><head><title>{title} — Магазин</title></head><body></body></html>"
                self._answer(200, page.encode(), method=method)
            elif head == "cookie-check":
                if "checked=1" in (self.headers.get("Cookie") or ""):
                    self._answer(200, method=method)
                else:
                    back = f"/cookie-verify/{segments[1]}"
                    self._redirect(302, back, {"Set-Cookie": "checked=1; Path=/"})
            elif head == "cookie-verify":
                self._redirect(302, f"/cookie-check/{segments[1]}")
            elif head == "cookie-back":
                if "checked=1" in (self.headers.get("Cookie") or ""):
                    self._answer(200, method=method)
                else:  # the bounce carries the page, query and all, in back= (no UTMs itself)
                    back = quote(raw, safe="")
                    self._redirect(
                        302, f"/cookie-set?back={back}", {"Set-Cookie": "checked=1; Path=/"}
                    )
            elif head == "cookie-set":
                self._redirect(302, query.get("back", "/"))
            elif head in ("head-hang", "head-empty", "head-reset") and method == "HEAD":
                if head == "head-hang":
                    time.sleep(5)
                    self.close_connection = True
                elif head == "head-empty":
                    self.close_connection = True
                else:
                    self._reset()
            elif head in ("head-hang", "head-empty", "head-reset"):
                self._answer(200, method=method)
            elif head == "drip-head":
                try:
                    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 100:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass
                self.close_connection = True
            elif head == "hangup-next":
                self._answer(200, method=method)
                self.hang_up_next = True
            elif head == "server":
                code, forbidden = int(segments[2]), b"<html>Forbidden</html>"
                self._raw(
                    f"HTTP/1.1 {code} {HTTPStatus(code).phrase}\r\nServer: {segments[1]}\r\n"
                    f"Content-Type: text/html\r\nContent-Length: {len(forbidden)}\r\n\r\n".encode()
                    + (forbidden if method != "HEAD" else b"")
                )
            elif head == "status":
                self._answer(int(segments[1]), b"<html>status page</html>", method=method)
            elif head == "robots-403":
                browser = "Mozilla" in self.headers.get("User-Agent", "")
                self._answer(200 if browser else 403, b"<html>403 Forbidden</html>", method=method)
            elif head == "flaky":
                failing = seen <= int(query.get("fails", "1"))
                self._answer(500 if failing else 200, method=method)
            elif head == "ratelimit":
                if seen <= int(query.get("times", "1")):
                    self._answer(
                        429, headers={"Retry-After": query.get("after", "1")}, method=method
                    )
                else:
                    self._answer(200, method=method)
            elif head == "slow-then-404":
                if seen == 1:
                    time.sleep(float(segments[1]))
                    self._answer(200, method=method)
                else:
                    self._answer(404, b"<html>gone</html>", method=method)
            elif head == "busy":
                if server.in_flight > int(segments[1]):
                    self._answer(429, headers={"Retry-After": "0"}, method=method)
                else:
                    time.sleep(float(segments[2]))
                    self._answer(200, method=method)
            elif head == "ratelimit-forever":
                self._answer(429, headers={"Retry-After": query.get("after", "1")}, method=method)
            elif head in ("head-405", "head-404"):
                status = int(head[-3:]) if method == "HEAD" else 200
                self._answer(status, method=method)
            elif head == "redirect":
                left = int(segments[1])
                if left <= 0:
                    self._answer(200, method=method)
                else:
                    rest = "/".join(segments[2:])
                    target = f"/redirect/{left - 1}/{rest}"
                    self._redirect(302, target + (f"?{parts.query}" if parts.query else ""))
            elif head == "loop":
                other = "b" if segments[1] == "a" else "a"
                self._redirect(302, f"/loop/{other}/{'/'.join(segments[2:])}")
            elif head == "cookie-bounce":
                if "bounced=1" in (self.headers.get("Cookie") or ""):
                    self._answer(200, method=method)
                else:
                    self._redirect(302, raw, {"Set-Cookie": "bounced=1; Path=/"})
            elif head == "drop-query":
                self._redirect(301, "/ok/landing")
            elif head == "change-utm":
                kept = {k: v for k, v in query.items() if k != "utm_source"}
                kept["utm_source"] = "other"
                self._redirect(301, "/ok/landing?" + "&".join(f"{k}={v}" for k, v in kept.items()))
            elif head == "redirect-to":
                self._redirect(302, query["to"])
            elif head == "ls" and segments[1:] == ["click"]:
                # a branded click tracker (SendGrid's /ls/click): the target is opaque, here
                # base64url in ?upn=, and known only from the redirect
                upn = query["upn"]
                self._redirect(302, base64.urlsafe_b64decode(upn + "=" * (-len(upn) % 4)).decode())
            elif head == "ls" and segments[1:] == ["page"]:
                # the same tracker forwarding with a page of its own: no HTTP redirect
                upn = query["upn"]
                target = base64.urlsafe_b64decode(upn + "=" * (-len(upn) % 4)).decode()
                page = (
                    f'<html><head><meta http-equiv="refresh" content="0;url={target}">'
                    f'<script>location.replace("{target}")</script></head><body></body></html>'
                )
                self._answer(200, page.encode(), {"Content-Type": "text/html"}, method)
            elif head == "img-head-html":  # a framework's HEAD: 200 text/html; GET sends the PNG
                if method == "HEAD":
                    self._answer(200, headers={"Content-Type": "text/html"}, method=method)
                else:
                    self._answer(200, PNG, {"Content-Type": "image/png"}, method)
            elif head == "png-as":  # PNG bytes under another type (text/plain, text/html)
                kind = {"plain": "text/plain", "html": "text/html"}[segments[1]]
                self._answer(200, PNG, {"Content-Type": kind}, method)
            elif head == "challenge-200":  # a JavaScript check answered 200
                self._answer(200, CHALLENGE_PAGE, {"Content-Type": "text/html"}, method)
            elif head == "challenge-503":  # the same check answered 503
                self._answer(503, CHALLENGE_PAGE, {"Content-Type": "text/html"}, method)
            elif head == "datadome":  # a vendor WAF that names itself in a header
                self._answer(403, b"<html>blocked</html>", {"X-DataDome": "protected"}, method)
            elif head == "signup-form":  # a shop's page with a reCAPTCHA sign-up form
                self._answer(200, CAPTCHA_FORM_PAGE, {"Content-Type": "text/html"}, method)
            elif head == "retry-after-once":  # STATUS with Retry-After: 30 once, then 200
                if seen == 1:
                    self._answer(int(segments[1]), headers={"Retry-After": "30"}, method=method)
                else:
                    self._answer(200, method=method)
            elif head == "login-required":  # an account page: 302 to sign in, the page in next=
                self._redirect(302, "/login?next=" + quote(raw, safe=""))
            elif head == "login":
                self._answer(200, b"<html><title>Sign in</title></html>", method=method)
            elif head == "showcaptcha":  # where a robot is sent, answering 200
                self._answer(200, CAPTCHA_PAGE_RU, {"Content-Type": "text/html"}, method)
            elif head == "slow":
                time.sleep(float(segments[1]))
                self._answer(200, method=method)
            elif head == "botwall":
                if segments[1] == "chunked":  # a challenge page sent in chunks, no length
                    self.send_response(403)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    if method != "HEAD":
                        for i in range(0, len(CHALLENGE_PAGE), 40):
                            piece = CHALLENGE_PAGE[i : i + 40]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.write(b"0\r\n\r\n")
                elif segments[1] == "yandex":
                    self._answer(403, CAPTCHA_PAGE_RU, {"Content-Type": "text/html"}, method)
                elif segments[1] == "cf-mitigated":
                    self._answer(403, b"blocked", {"cf-mitigated": "challenge"}, method)
                else:
                    self.server_version = "cloudflare"
                    self._answer(403, CHALLENGE_PAGE, {"CF-RAY": "8a1b2c3d4e5f-AMS"}, method)
            elif head in ("huge", "huge-404"):
                if method == "HEAD":
                    self._answer(405, method=method)
                else:
                    self._endless(200 if head == "huge" else 404)
            elif head in ("drip", "drip-404"):
                if method == "HEAD":
                    self._answer(405, method=method)
                else:
                    self._drip(200 if head == "drip" else 404)
            elif head == "reset":
                self._reset()
            elif head == "close":  # the connection closed without an answer (no reset)
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            elif head == "unsub":
                server._unsubscribe(segments[1], method)
                self._answer(200, b"<html>Unsubscribed.</html>", method=method)
            elif head == "unsub-nohead":
                server._unsubscribe(segments[1], method)
                self._answer(405 if method == "HEAD" else 200, method=method)
            else:
                self._answer(404, b"no such route", method=method)

        def _raw(self, data: bytes) -> None:
            self.wfile.write(data)

        def _endless(self, status: int) -> None:
            """A body announced as 10 GB and written until the client hangs up."""
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(10 * 1024**3))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65532
            try:
                for _ in range(160_000):
                    self.wfile.write(chunk)
                    server.bytes_sent[self.path] += len(chunk)
            except OSError:
                pass
            self.close_connection = True

        def _drip(self, status: int) -> None:
            """Headers at once, then a byte of the announced 100 KB body per half second."""
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(20):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            self.close_connection = True

        def _reset(self) -> None:
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def handle(self) -> None:
            # a client that hangs up mid-answer is what some routes are about
            with contextlib.suppress(OSError):
                super().handle()

    return Handler
