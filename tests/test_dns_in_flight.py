"""The batch's DNS gather keeps a slow resolver busy without flooding it.

Hundreds of lookups become due at the same moment; sent all at once, the ones a resolver
cannot queue are dropped and wait out the whole timeout (a socket's receive buffer holds about
256 small datagrams). A relay in front of NSD holds every query 200 ms, so it sees how many the
client had outstanding at once.
"""

from __future__ import annotations

import asyncio

import pytest
from dns_server import DelayRelay, Nsd, NsdPool, ZoneValue

from mailcheck.auth_model import DomainAuth, spf_key
from mailcheck.config import Config, DnsConfig
from mailcheck.model import Campaign
from mailcheck.net.auth import collect_auth
from mailcheck.net.dns import MAX_IN_FLIGHT, DnsClient

pytestmark = pytest.mark.network  # a real NSD and a relay on loopback

DOMAINS = [f"sender{i:02d}.test" for i in range(30)]
HOLD = 0.2  # seconds each query is held: a slow resolver


def zone() -> dict[str, list[tuple[str, ZoneValue]]]:
    data: dict[str, list[tuple[str, ZoneValue]]] = {
        "spf.esp.test": [("TXT", "v=spf1 ip4:203.0.113.0/24 ~all")],
    }
    for name in DOMAINS:
        data[name] = [
            ("TXT", "v=spf1 mx include:spf.esp.test -all"),
            ("MX", (10, f"mx.{name}")),
        ]
        data[f"mx.{name}"] = [("A", "192.0.2.25")]
        data[f"_dmarc.{name}"] = [("TXT", "v=DMARC1; p=reject")]
        data[f"k1._domainkey.{name}"] = [("TXT", "v=DKIM1; k=rsa; p=")]
    return data


@pytest.fixture(scope="module")
def server(nsd_pool: NsdPool) -> Nsd:
    return nsd_pool.serve("in-flight", zone())


def test_gather_keeps_at_most_the_cap_in_flight_and_loses_no_query(server: Nsd) -> None:
    campaigns = [
        Campaign(id=name, source=f"{name}.html", kind="html", from_addr=f"news@{name}")
        for name in DOMAINS
    ]

    async def go() -> tuple[DelayRelay, DnsClient, dict[str, object]]:
        relay = await DelayRelay.start(server, HOLD)
        config = Config(
            dns=DnsConfig(
                nameservers=(relay.nameserver,),
                timeout=3.0,
                dkim_selectors=("k1",),
                sending_ips=("192.0.2.25",),
            )
        )
        client = DnsClient(config.dns.nameservers, config.dns.timeout)
        try:
            auth = await collect_auth(campaigns, config, client)
        finally:
            relay.close()
        return relay, client, auth

    relay, client, auth = asyncio.run(go())

    # ~300 lookups are due at once; the relay never held more than the cap, and more than half
    # of it: the domains' lookups overlap (asked domain after domain, ~10 would be)
    assert client.stats.queries > 4 * MAX_IN_FLIGHT
    assert MAX_IN_FLIGHT // 2 < relay.max_in_flight <= MAX_IN_FLIGHT
    # every query sent reached the relay once, and came back with an answer
    assert relay.received == client.stats.queries
    failed = [key for key in client.stats.by_key if (a := client.cached(*key)) is None or a.failed]
    assert failed == []
    # and the facts are whole: each domain's SPF walked and evaluated (its mx matched), its
    # DMARC record found
    for name in DOMAINS:
        facts = auth[name]
        assert isinstance(facts, DomainAuth)
        assert facts.spf is not None and facts.spf.status == "ok", name
        evaluated = facts.spf.evaluations[spf_key("192.0.2.25", f"postmaster@{name}")]
        assert (evaluated.result, evaluated.mechanism) == ("pass", "mx"), name
        assert facts.dmarc is not None and facts.dmarc.status == "ok", name
