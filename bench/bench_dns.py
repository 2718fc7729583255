"""Benchmark: SPF/DKIM/DMARC gathering for 50 sender domains against a local NSD.

    .venv/bin/python bench/bench_dns.py [--domains 50] [--campaigns-per-domain 2]
        [--latency-ms 20 ...] [--loss-percent 1] [--attempt-timeout 5]

Starts NSD on loopback (tests/dns_server.py) with 50 domains, each with an SPF record that
includes two shared ESP records and a per-domain one, a DMARC record and a DKIM key; builds
campaigns from those domains (each domain used by several campaigns, as a batch of one
client's campaigns would be) and runs the real gather. Prints the number of queries sent,
proves that each (name, type) was sent once, and compares the wall time with the sum of the
per-query times (what sequential querying would have cost at least). ``--loss-percent`` drops
that share of the queries at the relay (a lossy network); ``--attempt-timeout`` sets how long
one attempt waits before the query is sent again (the query's whole timeout stays 5 s; 5 is a
single attempt, as mailcheck asked before the retry).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dns_server import DelayRelay, Nsd  # noqa: E402

from mailcheck.auth_model import org_domain  # noqa: E402
from mailcheck.config import Config, DnsConfig  # noqa: E402
from mailcheck.model import Campaign  # noqa: E402
from mailcheck.net import dns as dns_client  # noqa: E402
from mailcheck.net.auth import collect_auth  # noqa: E402
from mailcheck.net.dns import MAX_IN_FLIGHT, DnsClient  # noqa: E402

DKIM_P = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/"
    "J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYL"
    "zBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
)


def zone(domains: list[str]) -> dict[str, list[tuple[str, object]]]:
    data: dict[str, list[tuple[str, object]]] = {
        "spf.esp-one.bench": [("TXT", "v=spf1 ip4:203.0.113.0/24 include:_s.esp-one.bench ~all")],
        "_s.esp-one.bench": [("TXT", "v=spf1 ip4:198.51.100.0/24 ~all")],
        "spf.esp-two.bench": [("TXT", "v=spf1 ip6:2001:db8:2::/48 a:out.esp-two.bench ~all")],
        "out.esp-two.bench": [("A", "192.0.2.200")],
    }
    for name in domains:
        data[name] = [
            (
                "TXT",
                f"v=spf1 mx include:spf.esp-one.bench include:spf.esp-two.bench "
                f"include:_own.{name} -all",
            ),
            ("MX", (10, f"mx.{name}")),
        ]
        data[f"mx.{name}"] = [("A", "192.0.2.25")]
        data[f"_own.{name}"] = [("TXT", "v=spf1 ip4:192.0.2.0/25 -all")]
        data[f"_dmarc.{name}"] = [("TXT", f"v=DMARC1; p=quarantine; rua=mailto:d@{name}")]
        data[f"k1._domainkey.{name}"] = [("TXT", f"v=DKIM1; k=rsa; p={DKIM_P}")]
    return data


async def measure(
    nsd: Nsd, config: Config, campaigns: list[Campaign], delay: float, loss: float
) -> tuple[float, float, DnsClient, int, int, int]:
    relay = await DelayRelay.start(nsd, delay, loss)
    nameserver = relay.nameserver if delay or loss else nsd.nameserver
    try:
        cfg = Config(dns=replace(config.dns, nameservers=(nameserver,)))
        client = DnsClient(cfg.dns.nameservers, cfg.dns.timeout)
        started = time.perf_counter()
        auth = await collect_auth(campaigns, cfg, client)
        wall = time.perf_counter() - started
        held, lost = relay.max_in_flight, relay.lost
        relay.loss = 0.0  # the sequential replay measures the round trips, not the losses
        sequential = await replay(nameserver, list(client.stats.by_key))
    finally:
        relay.close()
    return wall, sequential, client, len(auth), held, lost


async def replay(nameserver: str, keys: list[tuple[str, str]]) -> float:
    """The same queries one after another on a fresh client: the sequential baseline."""
    client = DnsClient([nameserver], 5.0)
    started = time.perf_counter()
    for name, rdtype in keys:
        await client.query(name, rdtype)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=int, default=50)
    parser.add_argument("--campaigns-per-domain", type=int, default=2)
    parser.add_argument(
        "--latency-ms",
        type=float,
        action="append",
        help="add this round trip per query with a relay (repeatable; default: 0 and 20)",
    )
    parser.add_argument(
        "--loss-percent", type=float, default=0.0, help="share of queries the relay drops"
    )
    parser.add_argument(
        "--attempt-timeout",
        type=float,
        default=dns_client.ATTEMPT_TIMEOUT,
        help="seconds one attempt waits before the query is sent again (default: %(default)s)",
    )
    args = parser.parse_args()
    dns_client.ATTEMPT_TIMEOUT = args.attempt_timeout
    domains = [f"sender{i:02d}.bench" for i in range(args.domains)]
    server = Nsd(zone(domains)).start()
    try:
        config = Config(
            dns=DnsConfig(
                nameservers=(server.nameserver,),
                timeout=5.0,
                dkim_selectors=("k1",),
                sending_ips=("192.0.2.25",),
            )
        )
        campaigns = [
            Campaign(
                id=f"{d}-{n}", source=f"{d}-{n}.html", kind="html", from_addr=f"Рассылка <news@{d}>"
            )
            for d in domains
            for n in range(args.campaigns_per_domain)
        ]
        org_domain("warm.up.bench")  # load the Public Suffix List outside the timing
        runs = []
        for latency in args.latency_ms or [0.0, 20.0]:
            loss = args.loss_percent / 100
            runs.append(
                (latency, asyncio.run(measure(server, config, campaigns, latency / 1000, loss)))
            )
    finally:
        server.stop()
    print(
        f"campaigns: {len(campaigns)} ({args.campaigns_per_domain} per sender domain), "
        f"sender domains: {len(domains)}"
    )
    for latency, (wall, sequential, client, found, held, lost) in runs:
        stats = client.stats
        repeats = {k: v for k, v in stats.by_key.items() if v != 1}
        assert not repeats, f"names queried more than once: {repeats}"
        assert found == len(domains)
        answers = [client.cached(name, rdtype) for name, rdtype in stats.by_key]
        failed = sum(1 for a in answers if a is None or a.failed)
        mean = stats.query_seconds / max(stats.queries, 1)
        print(f"\n-- added round trip per query: {latency:g} ms")
        if args.loss_percent:
            print(
                f"queries lost on the way: {lost} ({args.loss_percent:g} %; one attempt waits "
                f"{min(args.attempt_timeout, client.timeout):g} s)"
            )
        print(f"lookups asked:          {stats.queries + stats.cache_hits}")
        print(f"queries sent:           {stats.queries} (each (name, type) exactly once)")
        print(f"answered from cache:    {stats.cache_hits}")
        print(
            f"failed (timeout etc.):  {failed} (each waited up to the {client.timeout:g} s timeout)"
        )
        if latency:
            print(f"most in flight at once: {held} (at the relay; the cap: {MAX_IN_FLIGHT})")
        print(
            f"sum of per-query times: {stats.query_seconds * 1000:.1f} ms (mean {mean * 1000:.2f}"
            " ms; includes time waiting for the busy event loop)"
        )
        print(
            f"wall time of gather:    {wall * 1000:.1f} ms (DNS + SPF walk/evaluation, DMARC, "
            "DKIM key parsing)"
        )
        print(
            f"sequential replay:      {sequential * 1000:.1f} ms (the same {stats.queries} "
            f"queries one at a time, {sequential / max(stats.queries, 1) * 1000:.2f} ms each)"
        )
        print(f"speed-up vs sequential: {sequential / wall:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
