"""A real authoritative DNS server (NSD) on loopback for the SPF/DKIM/DMARC tests.

:class:`Nsd` writes a zone file from Python data, its own ``nsd.conf`` in a temp dir (no
privileges, no chroot, no database, no control socket), starts ``/usr/sbin/nsd -d`` on
127.0.0.1 with a free port and waits until it answers. NSD is authoritative for the root
zone ``.``, so any name the data holds is answered (NODATA for a missing type) and any other
name gets NXDOMAIN, just as the RFC 7208 suite's driver expects.

Zone data: ``{name: [(type, value), ...]}`` where type is A, AAAA, CNAME, PTR, MX (value
``(preference, host)``), TXT or SPF (value a str, bytes, or a list of strings: one record of
several character-strings).

:class:`BlackHole` is a UDP socket that reads queries and never answers: the resolver's only
honest way to meet a timeout (NSD always answers). :class:`QueryCounter` relays queries to an
NSD and counts them: what a run really sent. :class:`DelayRelay` holds each query for a while
before relaying it (a real resolver's round trip) and notes how many it held at once.

A missing or failing NSD makes the test fail with the reason, never skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dns.message
import dns.query
import dns.rdatatype
import pytest
from ports import free_port

NSD = "/usr/sbin/nsd"
ZoneValue = str | bytes | tuple[int, str] | list[str] | list[bytes]
ZoneData = Mapping[str, Sequence[tuple[str, ZoneValue]]]


def _escape_label(label: str) -> str:
    out = []
    raw = label.encode("idna") if not label.isascii() and label.strip() else label.encode()
    for byte in raw:
        ch = chr(byte)
        if ch.isascii() and (ch.isalnum() or ch in "-_*"):
            out.append(ch)
        else:
            out.append(f"\\{byte:03d}")
    return "".join(out)


def owner(name: str) -> str:
    """A zone-file owner name: every label escaped, absolute."""
    name = name.rstrip(".")
    if not name:
        return "."
    return ".".join(_escape_label(label) for label in name.split(".")) + "."


def _character_strings(value: ZoneValue) -> str:
    if isinstance(value, list):
        parts = [p.encode("utf-8") if isinstance(p, str) else p for p in value]
        if not parts:
            parts = [b""]  # a TXT record needs at least one string; "" joins to the same
    else:
        raw = value.encode("utf-8") if isinstance(value, str) else value
        assert isinstance(raw, bytes)
        parts = [raw[i : i + 255] for i in range(0, len(raw), 255)] or [b""]
    return " ".join('"' + "".join(_escape_byte(b) for b in p) + '"' for p in parts)


def _escape_byte(byte: int) -> str:
    if 0x20 <= byte < 0x7F and chr(byte) not in '"\\':
        return chr(byte)
    return f"\\{byte:03d}"


def _target(value: str) -> str:
    return owner(value) if value.strip(".") else "."


def zone_text(data: ZoneData, origin: str = ".") -> str:
    apex = owner(origin)
    lines = [
        "$TTL 60",
        f"{apex} IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60",
        f"{apex} IN NS ns.test.",
    ]
    for name, records in data.items():
        own = owner(name)
        for rtype, value in records:
            rtype = rtype.upper()
            if rtype in ("TXT", "SPF"):
                rdata = _character_strings(value)
            elif rtype == "MX":
                assert isinstance(value, tuple)
                rdata = f"{value[0]} {_target(value[1])}"
            elif rtype in ("CNAME", "PTR", "NS"):
                assert isinstance(value, str)
                rdata = _target(value)
            else:
                rdata = str(value)
            lines.append(f"{own} IN {rtype} {rdata}")
    return "\n".join(lines) + "\n"


class Nsd:
    """One NSD process serving ``data`` as the zone ``origin`` (the root zone by default:
    then every name is NSD's to answer) on ``address`` (127.0.0.1 or ::1)."""

    def __init__(self, data: ZoneData, origin: str = ".", address: str = "127.0.0.1") -> None:
        self.data = data
        self.origin = origin
        self.address = address
        self.port = 0
        self.dir = Path(tempfile.mkdtemp(prefix="mailcheck-nsd-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def nameserver(self) -> str:
        if ":" in self.address:
            return f"[{self.address}]:{self.port}"
        return f"{self.address}:{self.port}"

    def start(self) -> Nsd:
        if not Path(NSD).exists() and not shutil.which("nsd"):
            pytest.fail(f"NSD is not installed ({NSD}); run scripts/install-system-deps")
        binary = NSD if Path(NSD).exists() else str(shutil.which("nsd"))
        (self.dir / "root.zone").write_text(zone_text(self.data, self.origin), encoding="ascii")
        last_error = ""
        for _attempt in range(3):  # a port taken between probing and binding: try another
            self.port = free_port(self.address)
            self._write_conf()
            checkconf = Path(binary).with_name("nsd-checkconf")
            if checkconf.exists():
                check = subprocess.run(
                    [str(checkconf), str(self.dir / "nsd.conf")], capture_output=True, text=True
                )
                if check.returncode != 0:
                    pytest.fail(f"nsd.conf rejected: {check.stdout}{check.stderr}")
            log = (self.dir / "nsd.out").open("wb")
            self.proc = subprocess.Popen(
                [binary, "-d", "-c", str(self.dir / "nsd.conf")],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            if self._wait_ready():
                return self
            last_error = self._log()
            self.stop(keep_dir=True)
        pytest.fail(f"NSD did not start: {last_error}")

    def _write_conf(self) -> None:
        d = self.dir
        (d / "nsd.conf").write_text(
            f"""server:
    ip-address: {self.address}
    port: {self.port}
    do-ip4: {"no" if ":" in self.address else "yes"}
    do-ip6: {"yes" if ":" in self.address else "no"}
    username: ""
    chroot: ""
    zonesdir: "{d}"
    pidfile: "{d}/nsd.pid"
    database: ""
    zonelistfile: "{d}/zone.list"
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    logfile: "{d}/nsd.log"
    server-count: 1
    verbosity: 1
    hide-version: yes
    round-robin: no
    # no response-rate limiting: it drops answers to bursts of NXDOMAIN (blocklist, BIMI
    # names) from one source, and a test's or benchmark's whole batch is one source
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "{self.origin}"
    zonefile: "{d}/root.zone"
""",
            encoding="ascii",
        )

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 10
        query = dns.message.make_query(self.origin, dns.rdatatype.SOA)
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            try:
                reply = dns.query.udp(query, self.address, port=self.port, timeout=0.2)
            except (dns.exception.Timeout, OSError):
                time.sleep(0.05)
                continue
            if reply.answer:
                return True
            time.sleep(0.05)
        return False

    def _log(self) -> str:
        texts = []
        for name in ("nsd.out", "nsd.log"):
            path = self.dir / name
            if path.exists():
                texts.append(path.read_text(errors="replace")[-2000:])
        return "\n".join(texts) or "no output"

    def stop(self, keep_dir: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


class BlackHole:
    """A UDP 'nameserver' on loopback that reads every query and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.received = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _drain(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                self.sock.recv(4096)
                self.received += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


class QueryCounter:
    """A UDP relay on loopback in front of a real nameserver that counts what it is asked.

    Each query goes on to ``upstream`` (an :class:`Nsd`) and its answer comes back unchanged;
    ``queries`` lists (name, type) in arrival order. UDP only: keep the test's records small
    enough that no answer is truncated (a TCP retry would find no one listening here).
    The first ``lose`` queries are counted and then dropped, as a lossy network drops them.
    """

    def __init__(self, upstream: Nsd, lose: int = 0) -> None:
        self.upstream = (upstream.address, upstream.port)
        self.lose = lose
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.queries: list[tuple[str, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, client = self.sock.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            with contextlib.suppress(Exception):  # a malformed query is still counted
                question = dns.message.from_wire(data).question[0]
                self.queries.append(
                    (question.name.to_text(), dns.rdatatype.to_text(question.rdtype))
                )
            if self.lose > 0:
                self.lose -= 1
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
                out.settimeout(2)
                with contextlib.suppress(OSError):
                    out.sendto(data, self.upstream)
                    self.sock.sendto(out.recv(65535), client)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


class DelayRelay(asyncio.DatagramProtocol):
    """A UDP relay on loopback in front of an NSD that holds each query for ``delay`` seconds:
    the round trip to a real resolver, which loopback does not have.

    It runs in the event loop of the code it serves (made by :meth:`start` inside the test's
    coroutine), so ``max_in_flight`` (the most queries held or relayed at once) counts what
    the client really had outstanding; a query the kernel dropped because the socket's buffer
    was full is never received, so never counted.

    ``loss``: the share of queries dropped on the way, as a lossy network drops them (drawn
    from a seeded generator: the same queries are lost run after run).
    """

    def __init__(self, upstream: Nsd, delay: float, loss: float = 0.0) -> None:
        self.upstream = (upstream.address, upstream.port)
        self.delay = delay
        self.loss = loss
        self.lost = 0
        self._chance = random.Random(1)
        self.transport: Any = None
        self.port = 0
        self.received = 0
        self.in_flight = 0
        self.max_in_flight = 0

    @classmethod
    async def start(cls, upstream: Nsd, delay: float, loss: float = 0.0) -> DelayRelay:
        loop = asyncio.get_running_loop()
        _, relay = await loop.create_datagram_endpoint(
            lambda: cls(upstream, delay, loss), local_addr=("127.0.0.1", 0)
        )
        relay.port = int(relay.transport.get_extra_info("sockname")[1])
        return relay

    @property
    def nameserver(self) -> str:
        return f"127.0.0.1:{self.port}"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.received += 1
        if self.loss and self._chance.random() < self.loss:
            self.lost += 1
            return
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        asyncio.get_running_loop().call_later(
            self.delay, lambda: asyncio.ensure_future(self._relay(data, addr))
        )

    async def _relay(self, data: bytes, addr: tuple[str, int]) -> None:
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[bytes] = loop.create_future()

        class Upstream(asyncio.DatagramProtocol):
            def datagram_received(self, reply: bytes, _addr: tuple[str, int]) -> None:
                if not answered.done():
                    answered.set_result(reply)

        try:
            transport, _ = await loop.create_datagram_endpoint(Upstream, remote_addr=self.upstream)
            try:
                transport.sendto(data)
                reply = await asyncio.wait_for(answered, 5)
            finally:
                transport.close()
            if self.transport is not None:
                self.transport.sendto(reply, addr)
        finally:
            self.in_flight -= 1

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class NsdPool:
    """Session-scoped NSD processes, one per distinct zone data, started on first use."""

    def __init__(self) -> None:
        self._servers: dict[str, Nsd] = {}

    def serve(self, key: str, data: ZoneData, origin: str = ".", address: str = "127.0.0.1") -> Nsd:
        if key not in self._servers:
            self._servers[key] = Nsd(data, origin, address).start()
        return self._servers[key]

    def close(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()


@pytest.fixture(scope="session")
def nsd_pool() -> Iterator[NsdPool]:
    """NSD servers for this pytest process (each xdist worker has its own, on its own ports)."""
    pool = NsdPool()
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    try:
        yield hole
    finally:
        hole.close()
