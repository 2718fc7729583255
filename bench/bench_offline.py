"""Offline throughput: `mailcheck check CORPUS --offline` against a bare lxml parse.

Usage: python bench/bench_offline.py [CORPUS] [--runs 5]

Both sides read the same files (.eml/.html/.htm below CORPUS). The baseline reads each file
and parses it with lxml.html (for an .eml: parses the MIME message and its HTML part, the least
any checker must do). mailcheck runs its whole engine offline (load, decode, render, parse,
every offline rule) with 1 and with all cores. Prints medians, the ratio and peak memory.
"""

from __future__ import annotations

import argparse
import email
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def corpus_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".eml", ".html", ".htm")
    )


def bare_lxml(files: list[Path]) -> int:
    import lxml.html

    parsed = 0
    for path in files:
        data = path.read_bytes()
        if path.suffix.lower() == ".eml":
            # the cheapest decode there is: compat32, first text/html part, raw payload bytes
            msg = email.message_from_bytes(data)
            html_part = next((p for p in msg.walk() if p.get_content_type() == "text/html"), None)
            payload = html_part.get_payload(decode=True) if html_part is not None else b""
            data = payload if isinstance(payload, bytes) else b""
        if data.strip():
            try:
                lxml.html.document_fromstring(data)
                parsed += 1
            except Exception:
                pass
    return parsed


def mailcheck_run(root: Path, jobs: int) -> int:
    from mailcheck.config import Config
    from mailcheck.engine import run

    batch = run([str(root)], Config(root=REPO), offline=True, jobs=jobs)
    return len(batch.results)


def timed(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    root = Path(args.corpus)
    files = corpus_files(root)
    # warm imports and the OS file cache so both sides start equal
    bare_lxml(files)
    mailcheck_run(root, 1)
    base = timed(lambda: bare_lxml(files), args.runs)
    one = timed(lambda: mailcheck_run(root, 1), args.runs)
    cores = os.cpu_count() or 1
    many = timed(lambda: mailcheck_run(root, cores), args.runs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"files: {len(files)} ({root})")
    print(f"bare lxml parse:           {base:.3f} s (median of {args.runs})")
    print(f"mailcheck offline, 1 core: {one:.3f} s  ratio {one / base:.2f}x")
    print(f"mailcheck offline, {cores} cores: {many:.3f} s  ratio {many / base:.2f}x")
    print(f"peak RSS: {peak_mb:.0f} MB (this process), {peak_children_mb:.0f} MB (largest worker)")


if __name__ == "__main__":
    main()
