"""Start-up time: `mailcheck --version` and `mailcheck rules` against `python -c pass`.

Usage: python bench/bench_startup.py [--runs 10]

Each command runs as a fresh process (the interpreter of this virtualenv, `-m mailcheck`);
the figure is the median wall time of ``--runs`` runs, measured around ``subprocess.run``.
Also prints which heavy libraries each command imported (there should be none) and the
slowest imports reported by ``python -X importtime``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from installed import as_installed

COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "mailcheck --version": ["-m", "mailcheck", "--version"],
    "mailcheck rules": ["-m", "mailcheck", "rules"],
}
HEAVY = ("h11", "dns", "sqlalchemy", "jinja2", "liquid", "lxml", "dkim", "cryptography")


def one_run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def import_report(args: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Heavy top-level packages imported, and the five largest cumulative import times."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args], capture_output=True, text=True, check=True
    )
    rows: list[tuple[int, str]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), name.rstrip()))
    tops = {name.strip().split(".")[0] for _, name in rows}
    heavy = sorted(tops & set(HEAVY))
    top_level = [(us, name.strip()) for us, name in rows if not name.startswith("  ")]
    return heavy, sorted(top_level, reverse=True)[:5]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    as_installed()  # bytecode as pip would compile it (see bench/installed.py)
    for cmd in COMMANDS.values():  # warm the OS file cache and .pyc files
        subprocess.run([sys.executable, *cmd], capture_output=True)
    # the commands take turns, run by run, so that a change in the machine's load hits them alike
    times: dict[str, list[float]] = {label: [] for label in COMMANDS}
    for _ in range(args.runs):
        for label, cmd in COMMANDS.items():
            times[label].append(one_run(cmd))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.runs} runs")
    base = statistics.median(times["python -c pass"])
    for label, cmd in COMMANDS.items():
        median = statistics.median(times[label])
        spread = f"min {min(times[label]) * 1000:.0f} / max {max(times[label]) * 1000:.0f} ms"
        print(f"{label:<22} {median * 1000:6.0f} ms  ({median / base:.1f}x python)  {spread}")
        if cmd[0] == "-m":
            heavy, slowest = import_report(cmd)
            print(f"{'':<22} heavy imports: {', '.join(heavy) or 'none'}")
            shown = ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in slowest)
            print(f"{'':<22} largest imports: {shown}")


if __name__ == "__main__":
    main()
