"""The run's DNS client against real servers: one query per name, failures remembered."""

from __future__ import annotations

import asyncio
import time

import pytest
from dns_server import BlackHole, NsdPool, QueryCounter

from mailcheck.net import dns as dns_module
from mailcheck.net.dns import (
    DEAD_AFTER,
    MAX_IN_FLIGHT,
    Answer,
    DnsClient,
    parse_nameserver,
    to_dns_name,
)

pytestmark = pytest.mark.network  # a real NSD on loopback

ZONE = {
    "multi.example": [("TXT", ["v=spf1 ", "ip4:192.0.2.0/24", " -all"]), ("A", "192.0.2.1")],
    "long.example": [("TXT", "x" * 300)],  # split into 255 + 45 octet strings
    "mx.example": [("MX", (10, "mail.example")), ("MX", (0, ""))],
    "1.2.0.192.in-addr.arpa": [("PTR", "host.example.")],
    "почта.example": [("A", "192.0.2.9")],
}


@pytest.fixture(scope="module")
def ns(nsd_pool: NsdPool) -> str:
    return nsd_pool.serve("client", ZONE).nameserver


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("::1", ("::1", 53)),
        ("[::1]:5353", ("::1", 5353)),
        ("[2001:db8::53]", ("2001:db8::53", 53)),
    ],
)
def test_parse_nameserver(text: str, expected: tuple[str, int]) -> None:
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["localhost", "1.2.3.4:0", "1.2.3.4:x", "[::1", "[::1]5353"])
def test_parse_nameserver_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_nameserver(text)


def test_names_are_checked_before_asking() -> None:
    with pytest.raises(ValueError):
        to_dns_name("a..example")
    with pytest.raises(ValueError):
        to_dns_name("x" * 64 + ".example")
    assert to_dns_name("почта.example").to_text() == "xn--80a1acny.example."


def test_answers_by_type(ns: str) -> None:
    async def go() -> None:
        client = DnsClient([ns], 1.0)
        txt = await client.query("multi.example", "TXT")
        assert txt.status == "ok" and txt.txt == (b"v=spf1 ip4:192.0.2.0/24 -all",)
        assert (await client.query("long.example", "TXT")).txt == (b"x" * 300,)
        mx = await client.query("MX.example.", "MX")
        assert sorted(mx.mx) == [(0, "."), (10, "mail.example")]
        ptr = await client.query("1.2.0.192.in-addr.arpa", "PTR")
        assert ptr.records == ("host.example",)
        assert (await client.query("почта.example", "A")).records == ("192.0.2.9",)
        nodata = await client.query("multi.example", "AAAA")
        nx = await client.query("absent.example", "A")
        assert (nodata.status, nx.status) == ("nodata", "nxdomain")
        assert nodata.void and nx.void and not nodata.failed

    asyncio.run(go())


def test_each_name_and_type_is_asked_once(ns: str) -> None:
    async def go() -> DnsClient:
        client = DnsClient([ns], 1.0)
        names = ["multi.example", "absent.example", "MULTI.example."] * 10
        await asyncio.gather(*(client.query(n, t) for n in names for t in ("A", "TXT")))
        await client.query("absent.example", "A")
        return client

    client = asyncio.run(go())
    assert client.stats.queries == 4  # 2 names x 2 types
    assert client.stats.cache_hits == 61 - 4
    assert set(client.stats.by_key.values()) == {1}


def test_timeouts_are_remembered(black_hole: BlackHole) -> None:
    async def go() -> DnsClient:
        client = DnsClient([black_hole.nameserver], 0.3)
        first = await client.query("slow.example", "TXT")
        second = await client.query("slow.example", "TXT")
        assert first.status == second.status == "timeout" and first.failed
        assert "no answer within 0.3 s" in first.error
        return client

    client = asyncio.run(go())
    assert client.stats.queries == 1 and client.stats.cache_hits == 1


def test_a_lost_query_is_sent_again_within_the_timeout(
    nsd_pool: NsdPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # UDP loses packets: the first query never reaches NSD; the second attempt, after one
    # attempt's wait and not the whole timeout, gets the answer.
    monkeypatch.setattr(dns_module, "ATTEMPT_TIMEOUT", 0.5)
    lossy = QueryCounter(nsd_pool.serve("lossy", ZONE), lose=1)
    try:

        async def go() -> tuple[Answer, float]:
            client = DnsClient([lossy.nameserver], 5.0)
            started = time.perf_counter()
            answer = await client.query("multi.example", "A")
            return answer, time.perf_counter() - started

        answer, spent = asyncio.run(go())
    finally:
        lossy.close()
    assert answer.status == "ok" and answer.records == ("192.0.2.1",)
    assert lossy.queries == [("multi.example.", "A"), ("multi.example.", "A")]
    assert 0.5 <= spent < 4.0  # one attempt's wait, not the whole 5 s (a loaded machine is slow)


def test_a_dead_first_nameserver_leaves_time_for_the_next(
    ns: str, black_hole: BlackHole, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /etc/resolv.conf and [dns] nameservers often list several: one that never answers
    # costs one attempt's wait, and the next one answers within the query's timeout
    monkeypatch.setattr(dns_module, "ATTEMPT_TIMEOUT", 0.5)

    async def go() -> tuple[Answer, float]:
        client = DnsClient([black_hole.nameserver, ns], 5.0)
        started = time.perf_counter()
        answer = await client.query("multi.example", "A")
        return answer, time.perf_counter() - started

    answer, spent = asyncio.run(go())
    assert answer.status == "ok" and answer.records == ("192.0.2.1",)
    assert 0.5 <= spent < 4.0  # one attempt's wait, not the whole 5 s (a loaded machine is slow)


def test_a_dead_resolver_costs_one_timeout_not_one_per_wave(black_hole: BlackHole) -> None:
    # 200 names at once to a nameserver that never answers: the first wave (MAX_IN_FLIGHT
    # queries) times out together; the rest fail at once instead of waiting in turn.
    async def go() -> list[Answer]:
        client = DnsClient([black_hole.nameserver], 0.3)
        return await asyncio.gather(*(client.query(f"n{i}.example", "A") for i in range(200)))

    before = black_hole.received  # (the fixture serves other tests too)
    answers = asyncio.run(go())
    assert {a.status for a in answers} == {"timeout"}
    told = [a for a in answers if "answered no query of this run" in (a.error or "")]
    # The nameservers count as dead after DEAD_AFTER timeouts: when the first wave's timeouts
    # fire in separate turns of the event loop (a loaded machine), the slots freed by the
    # first DEAD_AFTER - 1 of them go to queued queries, which are sent; never more.
    slipped = DEAD_AFTER - 1
    assert 200 - MAX_IN_FLIGHT - slipped <= len(told) <= 200 - MAX_IN_FLIGHT
    time.sleep(0.3)  # the black hole's thread counts what reached it
    assert black_hole.received - before == 200 - len(told)


def test_refused_is_a_failure_not_an_empty_answer(nsd_pool: NsdPool) -> None:
    # an NSD authoritative only for other.example refuses everything else
    other = nsd_pool.serve("refusing", {"www.other.example": [("A", "192.0.2.3")]}, "other.example")

    async def go() -> None:
        client = DnsClient([other.nameserver], 1.0)
        answer = await client.query("acme.example", "TXT")
        assert answer.status == "servfail" and answer.failed and not answer.void
        assert "REFUSED" in answer.error
        assert (await client.query("www.other.example", "A")).records == ("192.0.2.3",)

    asyncio.run(go())


def test_ipv6_nameserver(nsd_pool: NsdPool) -> None:
    server = nsd_pool.serve("v6", {"v6.example": [("AAAA", "2001:db8::6")]}, ".", "::1")
    assert server.nameserver.startswith("[::1]:")

    async def go() -> None:
        client = DnsClient([server.nameserver], 1.0)
        assert (await client.query("v6.example", "AAAA")).records == ("2001:db8::6",)

    asyncio.run(go())


def test_invalid_names_are_not_sent(ns: str) -> None:
    async def go() -> DnsClient:
        client = DnsClient([ns], 1.0)
        answer = await client.query("a..example", "A")
        assert answer.status == "invalid" and not answer.failed
        return client

    assert asyncio.run(go()).stats.queries == 0


def test_missing_nsd_fails_the_test_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    import dns_server

    monkeypatch.setattr(dns_server, "NSD", "/nonexistent/sbin/nsd")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match="NSD is not installed"):
        dns_server.Nsd({}).start()


def test_environment_nameservers_when_none_configured(
    nsd_pool: NsdPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = nsd_pool.serve("client", ZONE)
    monkeypatch.setenv("MAILCHECK_NAMESERVERS", f" {server.nameserver} ,")

    async def go() -> None:
        client = DnsClient((), 1.0)
        assert (await client.query("multi.example", "A")).records == ("192.0.2.1",)

    asyncio.run(go())
    monkeypatch.setenv("MAILCHECK_NAMESERVERS", "localhost")
    with pytest.raises(ValueError, match="not an IP address"):
        DnsClient((), 1.0)
