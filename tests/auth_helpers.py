"""Helpers for the SPF/DKIM/DMARC rule tests: the session's NSD with the auth zone, signed
messages, and running gather + judge on Campaign objects built directly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dkim
import pytest
from dns_server import BlackHole, Nsd, NsdPool
from zones.auth_zone import Key, Keys, auth_zone, make_keys

from mailcheck.config import Config, DnsConfig
from mailcheck.engine import judge
from mailcheck.facts import Facts
from mailcheck.model import Campaign, Finding
from mailcheck.net.auth import collect_auth
from mailcheck.net.dns import DnsClient, Router

TIMEOUT = 0.5


@dataclass
class AuthDns:
    server: Nsd
    keys: Keys
    hole: BlackHole

    def config(self, **dns: Any) -> Config:
        values: dict[str, object] = {"nameservers": (self.server.nameserver,), "timeout": TIMEOUT}
        values.update(dns)
        return Config(dns=DnsConfig(**values))  # type: ignore[arg-type]

    def slow(self, *names: str) -> Router:
        """A router sending queries for ``names`` (and below) to the never-answering socket."""
        wanted = tuple(n.lower() for n in names)

        def route(name: str, rdtype: str) -> list[str] | None:
            lowered = name.lower()
            if any(lowered == w or lowered.endswith("." + w) for w in wanted):
                return [self.hole.nameserver]
            return None

        return route


@pytest.fixture(scope="session")
def auth_dns(nsd_pool: NsdPool, black_hole: BlackHole) -> Iterator[AuthDns]:
    keys = make_keys()
    server = nsd_pool.serve("auth", auth_zone(keys))
    yield AuthDns(server, keys, black_hole)


def gather(
    campaigns: list[Campaign], config: Config, router: Router | None = None
) -> tuple[Facts, DnsClient]:
    client = DnsClient(config.dns.nameservers, config.dns.timeout, router=router)
    auth = asyncio.run(collect_auth(campaigns, config, client))
    return Facts(gathered=True, auth=auth), client


def findings(
    campaign: Campaign, config: Config, prefix: str, router: Router | None = None
) -> list[Finding]:
    facts, _ = gather([campaign], config, router)
    result = judge(campaign, config, facts, offline=False)
    return [f for f in result.findings if f.code.startswith(prefix)]


def codes(found: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.code, f.severity.value) for f in found)


def make_campaign(from_addr: str, **kw: Any) -> Campaign:
    return Campaign(id="c", source="c.eml", kind="eml", from_addr=from_addr, **kw)


def message(from_addr: str, subject: str = "Скидки −30% на всё", body: str = "") -> bytes:
    body = body or "Здравствуйте!\r\nНовая коллекция уже в магазине.\r\n"
    return (
        f"From: {from_addr}\r\nTo: anna@example.net\r\nSubject: {subject}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body.encode("utf-8")


def sign(raw: bytes, key: Key, selector: str, domain: str) -> bytes:
    header = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        key.private,
        signature_algorithm=key.algorithm,
        include_headers=[b"from", b"to", b"subject"],
    )
    return header + raw
