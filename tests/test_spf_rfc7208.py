"""The RFC 7208 (OpenSPF 2014.04) conformance suite, every test through a real nameserver.

Each scenario's ``zonedata`` is served by its own NSD (authoritative for the root zone, so
absent names are NXDOMAIN and absent types NODATA), following the rules of pyspf's driver:
an ``SPF`` entry is also served as TXT unless the name has TXT entries of its own
(``TXT: NONE`` suppresses that).

Timeouts. A ``TIMEOUT`` entry means: queries for that name time out, except for types the name
has records of. NSD always answers, and a REFUSED or SERVFAIL is not a timeout, so those
queries go elsewhere: the resolver gets a router (a test hook of ``DnsClient``) that sends
exactly those (name, type) pairs to a loopback UDP socket that reads and never answers
(``BlackHole``). The client really times out, after the short test timeout; everything else is
answered by NSD.

A list of expected results means any of them is acceptable. ``explanation: DEFAULT`` is our
default explanation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
import yaml
from dns_server import BlackHole, NsdPool, ZoneData
from shared_data import require_shared

from mailcheck.net.dns import DnsClient
from mailcheck.spf import DEFAULT_EXPLANATION, check_host

TIMEOUT_SECONDS = 0.5


def _load() -> list[dict[str, Any]]:
    suite = require_shared("vectors", "spf", "rfc7208-tests.yml", module_level=True)
    with suite.open("rb") as fh:
        return list(yaml.safe_load_all(fh))


SCENARIOS = _load()


class Scenario:
    """One YAML document turned into zone data and the set of names that time out."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.zone: dict[str, list[tuple[str, Any]]] = {}
        self.timeouts: dict[str, set[str]] = {}  # name -> types that do get an answer
        for raw_name, entries in (doc.get("zonedata") or {}).items():
            name = str(raw_name).lower().rstrip(".")
            records: list[tuple[str, Any]] = []
            spf_values: list[Any] = []
            has_txt = False
            timeout = False
            for entry in entries:
                if entry == "TIMEOUT":
                    timeout = True
                    continue
                ((rtype, value),) = entry.items()
                rtype = str(rtype).upper()
                if rtype == "TXT":
                    has_txt = True
                if value == "NONE":
                    continue
                if rtype == "SPF":
                    spf_values.append(value)
                if rtype == "MX":
                    value = (int(value[0]), str(value[1]))
                records.append((rtype, value))
            if not has_txt:
                records.extend(("TXT", v) for v in spf_values)
            self.zone[name] = records
            if timeout:
                self.timeouts[name] = {t for t, _ in records}

    def router(self, hole: BlackHole) -> Any:
        def route(name: str, rdtype: str) -> Sequence[str] | None:
            answered = self.timeouts.get(name.lower().rstrip("."))
            if answered is not None and rdtype.upper() not in answered:
                return [hole.nameserver]
            return None

        return route


CASES = [
    pytest.param(index, name, id=f"{index:02d}-{name}")
    for index, doc in enumerate(SCENARIOS)
    for name in doc["tests"]
]


def test_suite_size() -> None:
    assert len(CASES) == 203
    assert len(SCENARIOS) == 16


@pytest.mark.network
@pytest.mark.parametrize(("index", "name"), CASES)
def test_rfc7208(index: int, name: str, nsd_pool: NsdPool, black_hole: BlackHole) -> None:
    doc = SCENARIOS[index]
    scenario = Scenario(doc)
    zone: ZoneData = scenario.zone
    server = nsd_pool.serve(f"rfc7208-{index}", zone)
    case = doc["tests"][name]

    async def run() -> Any:
        client = DnsClient([server.nameserver], TIMEOUT_SECONDS, router=scenario.router(black_hole))
        return await check_host(
            client, str(case["host"]), str(case["mailfrom"]), str(case.get("helo", ""))
        )

    got = asyncio.run(run())
    expected = case["result"]
    acceptable = expected if isinstance(expected, list) else [expected]
    assert got.result in acceptable, (got.result, got.reason, got.chain)
    if "explanation" in case:
        want = case["explanation"]
        want = DEFAULT_EXPLANATION if want == "DEFAULT" else want
        assert got.explanation == want
