"""Offline throughput: `mailcheck check CORPUS --offline` against a bare lxml parse.

Usage: python bench/bench_offline.py [CORPUS] [--runs 5] [--no-process]

Both sides read the same files: the inputs mailcheck discovers below CORPUS (.eml, .html, .htm,
saved messages without an extension). The baseline reads each file and parses it with
lxml.html (for a message: a compat32 MIME parse, the first text/html part's decoded payload;
the least any checker must do). mailcheck runs its whole engine offline
(discover, load, decode, render, parse, every offline rule) as `mailcheck check` calls it
(light results), with 1 process and with one per core.

Two measurements, medians of ``--runs``:

* in-process: both sides run in a fork of this interpreter, with every module imported but
  no run done yet (no cache filled) — the engine's own cost;
* process: each side as a fresh process, start-up and imports included — what a user waits
  for: ``python bench_offline.py --baseline FILE-LIST`` against
  ``mailcheck check CORPUS --offline --format json``.

CPU seconds (the run's process and its workers) and the fresh processes' peak resident
memory are printed too.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from installed import as_installed
from tree import installed_tree, use_tree

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from tests.shared_data import shared_root  # noqa: E402  (../shared, or above a worktree)


def corpus_files(root: Path) -> list[Path]:
    """The files mailcheck discovers below ``root`` (the baseline reads the same ones)."""
    from mailcheck.engine import discover

    return sorted(s.path for s in discover([str(root)]) if s.path.suffix != ".toml")


def bare_lxml(files: list[Path]) -> int:
    import lxml.html

    parsed = 0
    for path in files:
        data = path.read_bytes()
        if path.suffix.lower() in (".eml", ""):  # a saved message, named so or not
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
    import inspect

    from mailcheck import engine
    from mailcheck.config import Config
    from mailcheck.engine import run

    # as `mailcheck check` runs it: findings and light campaigns, no documents kept (older
    # engines, measured for comparison, said so with keep_documents, or had no such option)
    parameters = inspect.signature(run).parameters
    light: dict[str, Any] = {}  # keyword arguments of whichever engine is measured
    if "keep" in parameters:
        light = {"keep": engine.lightened}
    elif "keep_documents" in parameters:
        light = {"keep_documents": False}
    batch = run([str(root)], Config(root=REPO), offline=True, jobs=jobs, **light)
    return len(batch.results)


def warm_imports() -> None:
    """Import everything a run uses and load the Public Suffix List, but check nothing.

    A run then pays for its own work only, with no module import in it and no cache filled
    by an earlier run (each timed run is a fresh fork of this state: see :func:`forked`).
    """
    import importlib

    from mailcheck.registry import load_registry

    for name in (
        "mailcheck.engine",
        "mailcheck.loaders",
        "mailcheck.templating.render",
        "mailcheck.templating.jinja",
        "mailcheck.templating.liquid",
        "mailcheck.templating.handlebars",
        "mailcheck.templating.mailchimp",
    ):
        with contextlib.suppress(ImportError):  # an older tree, measured for comparison
            importlib.import_module(name)
    load_registry()
    from mailcheck.domains import org_domain

    org_domain("shop.example.co.uk")


def forked(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (the child and its workers) of ``fn()`` in a forked child."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: run, and leave without any clean-up of the parent's state
        code = 0
        try:
            fn()
        except BaseException:
            code = 1
        os._exit(code)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"benchmark run failed (status {status})")
    return wall, usage.ru_utime + usage.ru_stime


def medians(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(statistics.median(col) for col in zip(*rows, strict=True))


def process(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB, largest of the process and its workers).

    The command starts under GNU time when there is one: a child forked from this (large)
    process would count this process's memory as its own peak.
    """
    gnu_time = Path("/usr/bin/time")
    with tempfile.NamedTemporaryFile("r") as peak_file:
        prefix = [str(gnu_time), "-f", "%M", "-o", peak_file.name] if gnu_time.exists() else []
        start = time.perf_counter()
        child = subprocess.Popen(
            [*prefix, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, _, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        peak_kb = float(peak_file.read().strip().splitlines()[-1]) if prefix else usage.ru_maxrss
    return wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(shared_root() / "corpus"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-process", action="store_true", help="skip the fresh-process runs")
    ap.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)  # child mode
    args = ap.parse_args()
    if args.baseline:  # the fresh baseline process: nothing but its own work
        bare_lxml([Path(line) for line in Path(args.corpus).read_text().splitlines()])
        return
    root = Path(args.corpus)
    # This tree is measured, whichever one the environment has installed (bench/tree.py).
    installed = installed_tree() == REPO
    if not installed:
        use_tree(REPO)
    as_installed()  # bytecode as pip would compile it (see bench/installed.py)
    files = corpus_files(root)
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    print(f"files: {len(files)} ({root}); python {sys.version.split()[0]}, {cores} CPUs")

    # both sides start equal: the OS file cache warm, every module imported, no run's caches
    bare_lxml(files)
    warm_imports()
    python = sys.executable
    listed = Path(tempfile.mkstemp(prefix="bench-files-", suffix=".txt")[1])
    listed.write_text("".join(f"{p}\n" for p in files))
    baseline_cmd = [python, str(Path(__file__).resolve()), "--baseline", str(listed)]
    mailcheck = ["-m", "mailcheck"] if installed else [str(BENCH / "tree.py"), str(REPO)]
    check_cmd = [python, *mailcheck, "check", str(root), "--offline", "--format", "json"]
    # The sides take turns, run by run, so that a change in the machine's load hits them alike.
    rows: dict[str, list[tuple[float, ...]]] = {k: [] for k in ("base", "one", "many", "pb", "pm")}
    try:
        for _ in range(args.runs):
            rows["base"].append(forked(lambda: bare_lxml(files)))
            rows["one"].append(forked(lambda: mailcheck_run(root, 1)))
            rows["many"].append(forked(lambda: mailcheck_run(root, cores)))
            if not args.no_process:
                rows["pb"].append(process(baseline_cmd))
                rows["pm"].append(process(check_cmd))
    finally:
        listed.unlink()
    base, base_cpu = medians(rows["base"])
    one, one_cpu = medians(rows["one"])
    many, many_cpu = medians(rows["many"])
    print(f"in-process (imports done, caches cold: a fresh fork per run), median of {args.runs}:")
    print(f"  bare lxml parse:        {base:.3f} s  (CPU {base_cpu:.2f} s)")
    print(f"  mailcheck, 1 process:   {one:.3f} s  (CPU {one_cpu:.2f} s)  {one / base:.2f}x")
    print(
        f"  mailcheck, {cores} processes: {many:.3f} s  (CPU {many_cpu:.2f} s)  {many / base:.2f}x"
    )
    if args.no_process:
        return
    b_wall, b_cpu, b_rss = medians(rows["pb"])
    m_wall, m_cpu, m_rss = medians(rows["pm"])
    print(f"fresh process, median of {args.runs} (start-up and imports included):")
    print(f"  bare lxml script:         {b_wall:.3f} s  (CPU {b_cpu:.2f} s, peak {b_rss:.0f} MB)")
    print(
        f"  mailcheck check --offline: {m_wall:.3f} s  (CPU {m_cpu:.2f} s, peak {m_rss:.0f} MB)"
        f"  {m_wall / b_wall:.2f}x"
    )


if __name__ == "__main__":
    main()
