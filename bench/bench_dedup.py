"""Benchmark: 300 campaigns that share most of their links (an agency's month of newsletters).

Each campaign has the shared header, footer and social links plus a few of its own. The server
counts requests: the first run must request each unique URL exactly once; a second run with
the cache must make no request at all.

    python bench/bench_dedup.py [--campaigns 300]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from http_bench_server import BenchServer

from mailcheck.config import Config, LinksConfig
from mailcheck.model import Campaign, Document, Link, Rendered
from mailcheck.net.links import gather_links

SHARED = 60  # header, menu, footer, social, legal pages, product tiles reused all month
OWN = 6  # links only this campaign has
PICK = 34  # shared links each campaign uses


def campaigns(server: BenchServer, count: int) -> list[Campaign]:
    shared = [server.url(i, f"/shared/{i}") for i in range(SHARED)]
    made = []
    for n in range(count):
        links = [
            Link(f"{shared[(n + k) % SHARED]}?utm_source=email&utm_campaign=c{n % 12}", "a", "x")
            for k in range(PICK)
        ]
        links += [Link(server.url(n + k, f"/own/{n}/{k}"), "a", "Подробнее") for k in range(OWN)]
        links.append(Link(server.url(n, "/img/logo.png"), "img", "logo"))
        c = Campaign(id=f"newsletter-{n}", source=f"c{n}/campaign.toml", kind="toml")
        c.renders = [Rendered({}, "fallbacks", "s", None, "", None, Document(links=links))]
        made.append(c)
    return made


def run(batch: list[Campaign], cfg: Config, use_cache: bool) -> tuple[float, int]:
    started = time.perf_counter()
    results = asyncio.run(gather_links(batch, cfg, use_cache=use_cache))
    took = time.perf_counter() - started
    bad = [r for r in results.values() if r.verdict != "ok"]
    if bad:
        raise SystemExit(f"{len(bad)} links failed, e.g. {bad[0]}")
    return took, len(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--campaigns", type=int, default=300)
    args = parser.parse_args()
    with BenchServer(16, 0.05) as server, tempfile.TemporaryDirectory() as tmp:
        batch = campaigns(server, args.campaigns)
        total_links = sum(len(c.all_links()) for c in batch)
        cfg = Config(
            root=Path(tmp), links=LinksConfig(concurrency=64, per_host=8, allow_private=True)
        )
        cold, unique = run(batch, cfg, use_cache=True)
        stats = server.stats()
        paths = stats["paths"]
        assert isinstance(paths, dict)
        requested, once = server.total(), all(n == 1 for n in paths.values())
        print(f"{args.campaigns} campaigns, {total_links} links, {unique} unique URLs")
        print(
            f"run 1 (cold cache): {cold:.2f} s, {requested} requests, "
            f"each URL exactly once: {once and requested == unique}"
        )
        server.reset()
        warm, _ = run(batch, cfg, use_cache=True)
        print(f"run 2 (cache):      {warm:.2f} s, {server.total()} requests")
        if not once or requested != unique or server.total() != 0:
            raise SystemExit("FAILED: deduplication or cache did not hold")


if __name__ == "__main__":
    main()
