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
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from http_bench_server import BenchServer
from installed import as_installed

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / ".node"
LINKINATOR = NODE_DIR / "node_modules" / ".bin" / "linkinator"
HOSTS = 16
DELAY = 0.05
CONCURRENCY = 64


def timed(command: list[str], **kw: Any) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; its wall time and the CPU time (user + system) it and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, wall, cpu


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
from typing import Any

from mailcheck.config import Config, LinksConfig
from mailcheck.model import Campaign, Document, Link, Rendered
from mailcheck.net.links import gather_links

urls = json.loads(Path(sys.argv[1]).read_text())
cfg = Config(root=Path(sys.argv[2]), links=LinksConfig(
    concurrency=int(sys.argv[3]), per_host=8, allow_private=True, timeout=10))
c = Campaign(id="bench", source="links.html", kind="html")
c.renders = [Rendered({}, "fallbacks", "s", None, "", None,
                      Document(links=[Link(u, "a", "link") for u in urls]))]
t, cpu = time.perf_counter(), time.process_time()
results = asyncio.run(gather_links([c], cfg, use_cache=False))
took, cpu = time.perf_counter() - t, time.process_time() - cpu
bad = [r.reason for r in results.values() if r.verdict != "ok"]
print(json.dumps({"gather": took, "cpu": cpu, "bad": bad[:3], "nbad": len(bad)}))
"""


def run_mailcheck(urls_file: Path, state: Path) -> tuple[float, float]:
    """The link gathering alone (no HTML parsing, no rules), timed inside a fresh process."""
    done, _, _ = timed(
        [sys.executable, "-c", CHILD, str(urls_file), str(state), str(CONCURRENCY)], check=True
    )
    data = json.loads(done.stdout)
    if data["nbad"]:
        raise SystemExit(f"mailcheck reported {data['nbad']} failures, e.g. {data['bad']}")
    return float(data["gather"]), float(data["cpu"])


MAILCHECK_TOML = """\
[links]
allow-private = true   # the benchmark's hosts are 127.0.0.1-16
concurrency = 64
per-host = 8
"""


def run_mailcheck_cli(page: Path) -> tuple[float, float]:
    """``mailcheck check links.html --no-cache``: what a user or CI job runs."""
    (page.parent / "mailcheck.toml").write_text(MAILCHECK_TOML, encoding="utf-8")
    done, wall, cpu = timed(
        [sys.executable, "-m", "mailcheck", "check", page.name, "--no-cache", "--format", "json"],
        cwd=page.parent,
    )
    try:
        (campaign,) = json.loads(done.stdout)["campaigns"]
    except (json.JSONDecodeError, ValueError, KeyError) as exc:
        raise SystemExit(f"mailcheck check failed: {done.stderr[-800:]}") from exc
    failed = [f for f in campaign["findings"] if f["code"] in ("LNK001", "LNK002")]
    if failed:
        raise SystemExit(f"mailcheck reported {len(failed)} dead links, e.g. {failed[0]}")
    return wall, cpu


def run_linkinator(page: Path) -> tuple[float, float]:
    done, wall, cpu = timed(
        [str(LINKINATOR), str(page), "--concurrency", str(CONCURRENCY), "--format", "JSON"],
        env={**os.environ, "NO_PROXY": "*", "HTTP_PROXY": "", "HTTPS_PROXY": ""},
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"linkinator failed: {done.stderr[-500:]}") from exc
    if not report.get("passed"):
        broken = [x for x in report.get("links", []) if x.get("state") == "BROKEN"]
        raise SystemExit(f"linkinator found {len(broken)} broken links, e.g. {broken[:2]}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--links", type=int, default=1024)
    parser.add_argument("--skip-linkinator", action="store_true")
    args = parser.parse_args()
    as_installed()  # bytecode as pip would compile it (see bench/installed.py)
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

        # The tools take turns, run by run, so that both meet the same machine load. CPU
        # seconds are reported besides wall time: on a shared machine they vary far less.
        runs: dict[str, list[tuple[float, float]]] = {"gather": [], "cli": [], "linkinator": []}
        for _ in range(args.runs):
            server.reset()
            runs["gather"].append(run_mailcheck(urls_file, work))
            assert server.total() == args.links, server.total()  # each URL once, nothing else
            server.reset()
            runs["cli"].append(run_mailcheck_cli(page))
            assert server.total() == args.links, server.total()
            if not args.skip_linkinator:
                server.reset()
                runs["linkinator"].append(run_linkinator(page))
                # linkinator may GET after HEAD; every request must have hit our loopback hosts
                assert server.total() >= args.links, server.total()
        print(
            f"links: {args.links} unique over {HOSTS} loopback hosts, {DELAY * 1000:.0f} ms "
            f"per answer, concurrency {CONCURRENCY}; floor {floor:.2f} s; load average "
            f"{os.getloadavg()[0]:.1f}; median of {args.runs} runs"
        )
        medians = {}
        for name, label in (
            ("gather", "mailcheck link gathering "),
            ("cli", "mailcheck check (process)"),
            ("linkinator", "linkinator (process)     "),
        ):
            if not runs[name]:
                continue
            wall = statistics.median(w for w, _ in runs[name])
            cpu = statistics.median(c for _, c in runs[name])
            medians[name] = wall
            print(
                f"{label}  {wall:.2f} s wall ({wall / floor:.2f}x floor), {cpu:.2f} s CPU  "
                f"runs: {', '.join(f'{w:.2f}' for w, _ in runs[name])}"
            )
        if "linkinator" in medians:
            lk = medians["linkinator"]
            print(
                f"ratio to linkinator (wall): gathering {medians['gather'] / lk:.2f}, "
                f"whole mailcheck check {medians['cli'] / lk:.2f}"
            )


if __name__ == "__main__":
    main()
