"""The link checker's transport on loopback: HTTP/2, IPv6, happy eyeballs, proxies, resolution.

Real servers, no mocks: hypercorn speaking only HTTP/2, the scripted server on ``::1``, a
listener that never accepts (a black-holed address), an HTTP proxy, and the session's NSD for
link hosts resolved through ``[dns] nameservers``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from dns_server import BlackHole, NsdPool

from mailcheck.config import Config, DnsConfig, LinksConfig
from mailcheck.facts import LinkResult
from mailcheck.model import Campaign, Document, Link, Rendered
from mailcheck.net.links import gather_links
from tests.h2_server import running_h2_server
from tests.http_server import running_server
from tests.proxy_server import running_proxy
from tests.tls import CA_FILE, SERVER_CERT_FILE, SERVER_KEY_FILE, loopback_tls

pytestmark = pytest.mark.network


def config(tmp_path: Path, nameservers: tuple[str, ...] = (), **links: Any) -> Config:
    base: dict[str, object] = {"allow_private": True, "timeout": 3.0, "retries": 0}
    base.update(links)
    return Config(
        root=tmp_path,
        links=replace(LinksConfig(), **base),  # type: ignore[arg-type]
        dns=DnsConfig(nameservers=nameservers, timeout=0.5),
    )


def check(cfg: Config, *urls: str) -> dict[str, LinkResult]:
    c = Campaign(id="c", source="c.html", kind="html")
    links = [Link(href=u, kind="a", text="Подробнее", line=1, raw=u) for u in urls]
    c.renders = [Rendered({}, "fallbacks", "Тема", None, "", None, Document(links=links))]
    return asyncio.run(gather_links([c], cfg, use_cache=False))


def test_http2_only_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / CA_FILE))
    with running_h2_server(tmp_path / SERVER_CERT_FILE, tmp_path / SERVER_KEY_FILE) as server:
        ok, missing = server.url("/ok/h2"), server.url("/gone")
        results = check(config(tmp_path), ok, missing)
        assert (results[ok].verdict, results[ok].status) == ("ok", 200)
        assert (results[missing].verdict, results[missing].status) == ("broken", 404)
        assert server.versions == ["2", "2"]  # ALPN chose HTTP/2; no HTTP/1.1 was offered


def test_ipv6_loopback(tmp_path: Path) -> None:
    with running_server(host="::1") as server:
        url = server.url("/ok/v6")
        assert url.startswith("http://[::1]:")
        assert check(config(tmp_path), url)[url].verdict == "ok"
        refused = check(config(tmp_path, allow_private=False), url)[url]
        assert refused.verdict == "unreachable" and "::1 is a loopback address" in refused.reason
        assert server.total() == 1


@contextmanager
def black_holed(address: str, port: int) -> Iterator[None]:
    """A listener on ``address:port`` that never accepts: once its one-slot backlog is full,
    the kernel drops further SYNs, and a connection attempt hangs as on a black-holed route."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    if family == socket.AF_INET6:
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    listener.bind((address, port))
    listener.listen(0)
    fillers = []
    try:
        for _ in range(3):  # fill the backlog (Linux lets backlog + 1 connections complete)
            filler = socket.socket(family, socket.SOCK_STREAM)
            filler.setblocking(False)
            with suppress(BlockingIOError):
                filler.connect((address, port))
            fillers.append(filler)
        yield
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_happy_eyeballs_past_a_black_holed_ipv6_address(tmp_path: Path, nsd_pool: NsdPool) -> None:
    with running_server() as server:
        zone = {"dual.shop.test": [("AAAA", "::1"), ("A", "127.0.0.1")]}
        ns = nsd_pool.serve("links-dual", zone, "shop.test")
        url = f"http://dual.shop.test:{server.port}/ok/dual"
        with black_holed("::1", server.port):
            # the IPv6 attempt hangs; 250 ms later IPv4 is tried and answers
            result = check(config(tmp_path, (ns.nameserver,), timeout=3.0), url)[url]
        assert (result.verdict, result.status) == ("ok", 200)
        assert server.count("/ok/dual") == 1


def test_link_hosts_resolve_through_the_configured_nameservers(
    tmp_path: Path, nsd_pool: NsdPool
) -> None:
    with running_server() as server:
        zone = {"www.shop.test": [("A", "127.0.0.1")]}
        ns = nsd_pool.serve("links-names", zone, "shop.test")
        found = f"http://www.shop.test:{server.port}/ok/named"
        missing = f"http://nowhere.shop.test:{server.port}/ok/missing"
        results = check(config(tmp_path, (ns.nameserver,)), found, missing)
        assert results[found].verdict == "ok"
        # NXDOMAIN from a resolver that answers other names: proof, an error
        assert results[missing].verdict == "unreachable"
        assert "nowhere.shop.test does not exist" in results[missing].reason
        # alone, nothing proves the resolver works: could not verify
        alone = check(config(tmp_path, (ns.nameserver,)), missing)[missing]
        assert alone.verdict == "unverified"
        assert "could not verify" in alone.reason and "no other link host" in alone.reason


def test_resolver_trouble_is_not_the_campaigns_defect(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    url = "https://shop.test/sale"
    result = check(config(tmp_path, (black_hole.nameserver,)), url)[url]
    assert result.verdict == "unverified"
    assert result.reason.startswith("could not verify: DNS lookup of shop.test failed")


def test_localhost_is_loopback_whatever_dns_says(tmp_path: Path) -> None:
    with running_server() as server:
        url = f"http://localhost:{server.port}/ok/by-name"
        assert check(config(tmp_path), url)[url].verdict == "ok"


def test_proxy_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_server() as server, running_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        url = server.url("/ok/proxied")
        assert check(config(tmp_path), url)[url].verdict == "ok"
        assert proxy.asked == [f"GET {url}"]
        assert server.count("/ok/proxied") == 1
        # NO_PROXY: straight to the server
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        direct = server.url("/ok/direct")
        assert check(config(tmp_path), direct)[direct].verdict == "ok"
        assert proxy.asked == [f"GET {url}"]


def test_https_through_the_links_proxy_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server_tls, _ = loopback_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / CA_FILE))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with running_server(tls=server_tls) as server, running_proxy() as proxy:
        url = f"https://localhost:{server.port}/ok/tunnel"
        result = check(config(tmp_path, proxy=proxy.url), url)[url]
        assert (result.verdict, result.status) == ("ok", 200)
        assert proxy.asked == [f"CONNECT localhost:{server.port}"]


def test_https_through_the_proxy_of_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_tls, _ = loopback_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "loopback.crt"))
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with running_server(tls=server_tls) as server, running_proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("https_proxy", proxy.url)
        url = f"https://localhost:{server.port}/ok/env-tunnel"
        result = check(config(tmp_path), url)[url]
        assert (result.verdict, result.status) == ("ok", 200)
        assert proxy.asked == [f"CONNECT localhost:{server.port}"]
        assert server.count("/ok/env-tunnel") == 1


def test_the_guard_judges_targets_before_asking_the_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with running_server() as server, running_proxy() as proxy:
        internal = server.url("/ok/internal")
        metadata = "http://169.254.169.254/latest/meta-data/"
        results = check(config(tmp_path, proxy=proxy.url, allow_private=False), internal, metadata)
        assert results[internal].verdict == results[metadata].verdict == "unreachable"
        assert "loopback" in results[internal].reason
        assert "cloud metadata" in results[metadata].reason
        assert proxy.asked == []  # the proxy never heard of them
        assert server.total() == 0
