"""Benchmark: 1,024 unique links over 16 loopback hosts, each answer after 50 ms.

mailcheck (concurrency 64, no cache) against linkinator 6 (``--concurrency 64``), median of 3
runs each. The floor is what perfect scheduling could do: 1,024 / 64 × 50 ms = 0.8 s.

    python bench/bench_links.py [--runs 3] [--links 1024] [--skip-linkinator]

linkinator is installed by this script into bench/.node/ (``npm install --prefix``). Every
request of both tools goes to 127.0.0.1–127.0.0.16 (and linkinator's own static server for the
page, on localhost); the script checks the server's request count after each run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server import BenchServer

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / ".node"
LINKINATOR = NODE_DIR / "node_modules" / ".bin" / "linkinator"
HOSTS = 16
DELAY = 0.05
CONCURRENCY = 64


def write_page(server: BenchServer, count: int, where: Path) -> Path:
    rows = "\n".join(
        f'<p><a href="{server.url(i, f"/page/{i}?utm_source=email&utm_medium=email")}">'
        f"Ссылка {i}</a></p>"
        for i in range(count)
    )
    page = where / "links.html"
    page.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Бенчмарк ссылок</title>"
        f"</head><body>\n{rows}\n</body></html>\n",
        encoding="utf-8",
    )
    return page


def ensure_linkinator() -> None:
    if LINKINATOR.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to install linkinator (or pass --skip-linkinator)")
    subprocess.run(
        [npm, "install", "--silent", "--prefix", str(NODE_DIR), "linkinator@6"], check=True
    )


# --- mailcheck, in a fresh process each run (as a user or CI would start it) ----------------

CHILD = """
import asyncio, json, sys, time
from pathlib import Path
from mailcheck.config import Config, LinksConfig
from mailcheck.model import Campaign, Document, Link, Rendered
from mailcheck.net.links import gather_links

urls = json.loads(Path(sys.argv[1]).read_text())
cfg = Config(root=Path(sys.argv[2]), links=LinksConfig(
    concurrency=int(sys.argv[3]), per_host=8, allow_private=True, timeout=10))
c = Campaign(id="bench", source="links.html", kind="html")
c.renders = [Rendered({}, "fallbacks", "s", None, "", None,
                      Document(links=[Link(u, "a", "link") for u in urls]))]
t = time.perf_counter()
results = asyncio.run(gather_links([c], cfg, use_cache=False))
took = time.perf_counter() - t
bad = [r.reason for r in results.values() if r.verdict != "ok"]
print(json.dumps({"gather": took, "checked": len(results), "bad": bad[:3], "nbad": len(bad)}))
"""


def run_mailcheck(urls_file: Path, state: Path) -> tuple[float, float]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(urls_file), str(state), str(CONCURRENCY)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wall = time.perf_counter() - started
    data = json.loads(out)
    if data["nbad"]:
        raise SystemExit(f"mailcheck reported {data['nbad']} failures, e.g. {data['bad']}")
    return wall, float(data["gather"])


def run_linkinator(page: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(LINKINATOR), str(page), "--concurrency", str(CONCURRENCY), "--format", "JSON"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_PROXY": "*", "HTTP_PROXY": "", "HTTPS_PROXY": ""},
    )
    wall = time.perf_counter() - started
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"linkinator failed: {done.stderr[-500:]}") from exc
    if not report.get("passed"):
        broken = [x for x in report.get("links", []) if x.get("state") == "BROKEN"]
        raise SystemExit(f"linkinator found {len(broken)} broken links, e.g. {broken[:2]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--links", type=int, default=1024)
    parser.add_argument("--skip-linkinator", action="store_true")
    args = parser.parse_args()
    floor = args.links / CONCURRENCY * DELAY
    if not args.skip_linkinator:
        ensure_linkinator()
    with BenchServer(HOSTS, DELAY) as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = write_page(server, args.links, work)
        urls = [
            server.url(i, f"/page/{i}?utm_source=email&utm_medium=email") for i in range(args.links)
        ]
        urls_file = work / "urls.json"
        urls_file.write_text(json.dumps(urls))

        walls, gathers = [], []
        for _ in range(args.runs):
            server.reset()
            wall, gathered = run_mailcheck(urls_file, work)
            assert server.total() == args.links, server.total()  # each URL once, nothing else
            walls.append(wall)
            gathers.append(gathered)
        mc_wall, mc_gather = statistics.median(walls), statistics.median(gathers)
        print(
            f"links: {args.links} unique over {HOSTS} loopback hosts, {DELAY * 1000:.0f} ms "
            f"per answer, concurrency {CONCURRENCY}; floor {floor:.2f} s"
        )
        print(
            f"mailcheck   median of {args.runs}: {mc_wall:.2f} s per process "
            f"(checking alone {mc_gather:.2f} s = {mc_gather / floor:.2f}× floor) "
            f"runs: {', '.join(f'{w:.2f}' for w in walls)}"
        )

        if not args.skip_linkinator:
            lk = []
            for _ in range(args.runs):
                server.reset()
                lk.append(run_linkinator(page))
                # linkinator may GET after HEAD; every request must have hit our loopback hosts
                assert server.total() >= args.links, server.total()
            lk_wall = statistics.median(lk)
            print(
                f"linkinator  median of {args.runs}: {lk_wall:.2f} s per process "
                f"runs: {', '.join(f'{w:.2f}' for w in lk)}"
            )
            print(f"ratio mailcheck/linkinator (process): {mc_wall / lk_wall:.2f}")


if __name__ == "__main__":
    main()
