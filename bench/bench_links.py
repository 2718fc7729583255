"""Benchmark: link checking on a realistic loopback web, mailcheck against linkinator and the floor.

The web (bench/real_web_server.py, its own process): 40 HTTPS hosts on 127.0.0.1-40 with a
throw-away CA; per-host latencies log-normal (median 250 ms, p95 ~1.5 s), two hosts at 3-8 s;
30 % of hosts refuse HEAD; 2 % of URLs never answer; 1-3 hop redirect chains; 80 % of links go
through a click-tracking host (host 1). Batches (each campaign 60 links):

    one    1 campaign
    hang   1 campaign, one of whose links never answers (about half of single campaigns)
    fifty  50 campaigns, 70 % of each campaign's links shared with the others
    many   300 campaigns, the same mix

Each tool runs at its own defaults, as its users get it: mailcheck 128 in flight and 16 per
host, linkinator 100 in flight (``--concurrency N`` gives both N, ``--linkinator-concurrency
N`` linkinator alone), both with a 10 s timeout; mailcheck runs as a user runs it (``mailcheck
check DIR --no-cache``), linkinator 6 on the same pages (installed into bench/.node by this
script). The floor is the batch's requests (one per hop; a hanging URL costs one timeout, no
retry) scheduled under mailcheck's limits (``--per-host N`` changes mailcheck's and the
floor's; linkinator has no such limit) with zero CPU: a simulation with asyncio's semaphores
and sleeps, run 10x faster than real time.

    python bench/bench_links.py [--batches one,hang,fifty,many] [--runs 1] [--concurrency 128]
                                [--linkinator-concurrency 100] [--per-host 16]
                                [--skip-linkinator]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from real_web_server import host_profile

from mailcheck.config import LinksConfig

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / ".node"
LINKINATOR = NODE_DIR / "node_modules" / ".bin" / "linkinator"
HOSTS = 40
SEED = 7
TIMEOUT = 10.0
LINKS = 60
SHARED = 0.7
BATCHES = {"one": 1, "hang": 1, "fifty": 50, "many": 300}
SIM_SPEEDUP = 10.0
LINKINATOR_DEFAULT_CONCURRENCY = 100  # what linkinator users get
LINKINATOR_LIMIT = 240  # seconds; a run still going then is reported as unfinished


def make_ca(where: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1-N (both tools trust it, nothing else does)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench loopback web")])
    now = datetime.datetime.now(datetime.UTC)
    ips = [x509.IPAddress(ipaddress.ip_address(f"127.0.0.{i}")) for i in range(1, HOSTS + 1)]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(ips), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = where / "ca.pem", where / "ca.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


# --- the workload ----------------------------------------------------------------------------

Hop = tuple[int, float]  # host index, seconds


class Workload:
    """Campaigns (lists of URLs) and, per URL, the hops a checker must make."""

    def __init__(self, port: int, campaigns: int, seed: int = SEED, hang: bool = False) -> None:
        self.port = port
        self.profile = host_profile(HOSTS, SEED)
        rng = random.Random(seed)
        self.hops: dict[str, list[Hop]] = {}
        self._next = 0
        pool = [self._link(rng) for _ in range(LINKS)]
        if hang:  # one link of the campaign never answers (a campaign in two has one)
            pool[0] = self.url(5, "/hang/only")
            self.hops[pool[0]] = [(5, TIMEOUT)]
        shared = round(LINKS * SHARED)
        self.campaigns = [
            rng.sample(pool, shared) + [self._link(rng) for _ in range(LINKS - shared)]
            for _ in range(campaigns)
        ]

    def url(self, host: int, path: str) -> str:
        return f"https://127.0.0.{host + 1}:{self.port}{path}"

    def _link(self, rng: random.Random) -> str:
        self._next += 1
        ident = f"{self._next}"
        host = rng.randrange(1, HOSTS)
        latency = self.profile[host].latency
        if rng.random() < 0.02:
            target, hops = self.url(host, f"/hang/{ident}"), [(host, TIMEOUT)]
        else:
            chain = rng.choices([0, 1, 2, 3], weights=[40, 30, 20, 10])[0]
            path = f"/r/{chain}/{ident}" if chain else f"/p/{ident}"
            target, hops = self.url(host, path), [(host, latency)] * (chain + 1)
        target += "?utm_source=email&utm_medium=email&utm_campaign=bench"
        if rng.random() < 0.8:
            tracked = self.url(0, f"/c/{ident}?u={quote(target, safe='')}")
            self.hops[tracked] = [(0, self.profile[0].latency), *hops]
            return tracked
        self.hops[target] = hops
        return target

    def hanging(self) -> int:
        """Links that never answer, counted per campaign (as findings are)."""
        return sum(1 for c in self.campaigns for u in c if self.hops[u][-1][1] >= TIMEOUT)

    def unique(self) -> list[str]:
        return list(dict.fromkeys(u for c in self.campaigns for u in c))

    def write(self, where: Path) -> list[Path]:
        pages = []
        for n, urls in enumerate(self.campaigns):
            rows = "\n".join(f'<p><a href="{u}">Ссылка {i}</a></p>' for i, u in enumerate(urls))
            page = where / f"campaign-{n:03}.html"
            page.write_text(
                "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Акция</title></head>"
                f"<body>\n{rows}\n</body></html>\n",
                encoding="utf-8",
            )
            pages.append(page)
        return pages

    def floor(self, concurrency: int, per_host: int) -> float:
        """The batch under the limits with zero CPU (simulated SIM_SPEEDUP times faster)."""

        async def run() -> float:
            everywhere = asyncio.Semaphore(concurrency)
            host_slots: dict[int, asyncio.Semaphore] = defaultdict(
                lambda: asyncio.Semaphore(per_host)
            )

            async def one(hops: list[Hop]) -> None:
                for host, seconds in hops:
                    async with host_slots[host], everywhere:
                        await asyncio.sleep(seconds / SIM_SPEEDUP)

            started = time.perf_counter()
            await asyncio.gather(*(one(self.hops[u]) for u in self.unique()))
            return (time.perf_counter() - started) * SIM_SPEEDUP

        return asyncio.run(run())


# --- the tools -------------------------------------------------------------------------------


def timed(command: list[str], **kw: Any) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; its wall time and the CPU time (user + system) it and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, wall, cpu


MAILCHECK_TOML = """\
select = ["LNK", "UTM004", "UNS004"]
[links]
allow-private = true   # the benchmark's hosts are 127.0.0.1-{hosts}
concurrency = {concurrency}
per-host = {per_host}
timeout = {timeout:g}
"""


def run_mailcheck(
    pages: list[Path], ca: Path, concurrency: int, per_host: int
) -> tuple[float, float, dict[str, int]]:
    where = pages[0].parent
    settings = MAILCHECK_TOML.format(
        hosts=HOSTS, concurrency=concurrency, per_host=per_host, timeout=TIMEOUT
    )
    (where / "mailcheck.toml").write_text(settings, encoding="utf-8")
    names = [p.name for p in pages]
    done, wall, cpu = timed(
        [sys.executable, "-m", "mailcheck", "check", *names, "--no-cache", "--format", "json"],
        cwd=where,
        env={**os.environ, "SSL_CERT_FILE": str(ca)},
    )
    try:
        campaigns = json.loads(done.stdout)["campaigns"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise SystemExit(f"mailcheck check failed: {done.stderr[-800:]}") from exc
    found: dict[str, int] = defaultdict(int)
    for campaign in campaigns:
        for finding in campaign["findings"]:
            found[f"{finding['code']} {finding['severity']}"] += 1
    return wall, cpu, dict(found)


def run_linkinator(pages: list[Path], ca: Path, concurrency: int) -> tuple[float, float, int]:
    try:
        # one start page linking to every campaign, crawled (--recurse stays on its own server).
        # linkinator must be given the folder: started on a file, it does not parse the pages
        # that file links to and checks nothing.
        index = pages[0].parent / "index.html"
        index.write_text(
            "<html><body>"
            + "".join(f'<a href="{p.name}">{p.name}</a>' for p in pages)
            + "</body></html>",
            encoding="utf-8",
        )
        done, wall, cpu = timed(
            [
                str(LINKINATOR),
                str(index.parent),
                "--recurse",
                "--concurrency",
                str(concurrency),
                "--timeout",
                str(int(TIMEOUT * 1000)),
                "--format",
                "JSON",
            ],
            env={**os.environ, "NODE_EXTRA_CA_CERTS": str(ca), "NO_PROXY": "*"},
            timeout=LINKINATOR_LIMIT,
        )
    except subprocess.TimeoutExpired:
        return float(LINKINATOR_LIMIT), float("nan"), -1
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"linkinator failed: {done.stderr[-500:]}") from exc
    broken = sum(1 for x in report.get("links", []) if x.get("state") == "BROKEN")
    return wall, cpu, broken


def ensure_linkinator() -> None:
    if LINKINATOR.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to install linkinator (or pass --skip-linkinator)")
    subprocess.run(
        [npm, "install", "--silent", "--prefix", str(NODE_DIR), "linkinator@6"], check=True
    )


def stats(port: int, what: str) -> int:
    with urllib.request.urlopen(  # our own loopback server, certificate checked by nobody
        f"https://127.0.0.1:{port}/__{what}", context=_insecure()
    ) as answer:
        return int(json.loads(answer.read()).get("total", 0))


def _insecure() -> Any:
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", default="one,hang,fifty,many")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip-linkinator", action="store_true")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=LinksConfig().concurrency,
        help="requests in flight: both tools and the floor",
    )
    parser.add_argument(
        "--linkinator-concurrency",
        type=int,
        default=LINKINATOR_DEFAULT_CONCURRENCY,
        help="linkinator's requests in flight (its own default, 100; --concurrency N for both)",
    )
    parser.add_argument(
        "--per-host",
        type=int,
        default=LinksConfig().per_host,
        help="mailcheck's and the floor's limit per host",
    )
    args = parser.parse_args()
    if "--concurrency" in sys.argv and "--linkinator-concurrency" not in sys.argv:
        args.linkinator_concurrency = args.concurrency
    if not args.skip_linkinator:
        ensure_linkinator()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ca, key = make_ca(work)
        server = subprocess.Popen(
            [sys.executable, str(HERE / "real_web_server.py"), "--hosts", str(HOSTS),
             "--cert", str(ca), "--key", str(key), "--seed", str(SEED)],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline().split()[1])
            print(
                f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs); "
                f"mailcheck: concurrency {args.concurrency}, {args.per_host} per host; linkinator: "
                f"concurrency {args.linkinator_concurrency}; timeout {TIMEOUT:g} s"
            )
            for name in args.batches.split(","):
                workload = Workload(port, BATCHES[name], hang=name == "hang")
                where = work / name
                where.mkdir()
                pages = workload.write(where)
                unique = workload.unique()
                requests = sum(len(workload.hops[u]) for u in unique)
                floor = workload.floor(args.concurrency, args.per_host)
                print(
                    f"\n{name}: {len(pages)} campaign(s), {len(unique)} unique URLs, "
                    f"{requests} requests at the least; floor {floor:.1f} s; "
                    f"{workload.hanging()} hanging links (per campaign)"
                )
                for _ in range(args.runs):
                    stats(port, "reset")
                    wall, cpu, found = run_mailcheck(pages, ca, args.concurrency, args.per_host)
                    sent = stats(port, "stats")
                    print(
                        f"  mailcheck   {wall:6.1f} s wall ({wall / floor:.2f}x floor), "
                        f"{cpu:5.1f} s CPU, {sent} requests "
                        f"({1000 * cpu / max(sent, 1):.1f} ms CPU each); load "
                        f"{os.getloadavg()[0]:.1f}; findings {found}"
                    )
                    if not args.skip_linkinator:
                        stats(port, "reset")
                        wall, cpu, broken = run_linkinator(pages, ca, args.linkinator_concurrency)
                        sent = stats(port, "stats")
                        if sent == 0 and broken >= 0:
                            raise SystemExit("linkinator made no request: its figures mean nothing")
                        print(
                            f"  linkinator  {wall:6.1f} s wall ({wall / floor:.2f}x floor), "
                            f"{cpu:5.1f} s CPU, {sent} requests; load "
                            f"{os.getloadavg()[0]:.1f}; {broken} broken"
                        )
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
