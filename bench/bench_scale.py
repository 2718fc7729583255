"""Scaling: time and peak memory of `mailcheck check --offline` and `mailcheck report --offline`
by number of campaigns (1, 100, 1,000, 5,000 by default).

Usage: python bench/bench_scale.py [REALWORLD] [--campaigns 1,100,1000,5000] [--runs 3]
                                   [--commands check,report]

The campaigns are the real ones of ``shared/realworld`` (42 campaign folders: HTML, .eml,
Liquid/Jinja/Handlebars/Mailchimp templates, Russian and English), copied round-robin into
N folders so that every campaign is checked on its own. Each command runs as a fresh process
under GNU time (peak resident memory: the largest of the process and its workers), the sizes
taking turns run by run; medians of ``--runs``. Beside each size: the CPU time and memory
each campaign adds beyond the smallest size (start-up taken out), which shows whether the
cost stays linear: those figures should not grow with N. mailcheck uses one worker per CPU it
may run on: ``taskset -c 0 python bench/bench_scale.py …`` measures it on one core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import as_installed

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.shared_data import shared_root  # noqa: E402  (../shared, or above a worktree)


def default_realworld() -> Path:
    """The nearest ``shared/realworld`` beside the repository or above it (worktrees nest)."""
    for directory in REPO.parents:
        if (directory / "shared" / "realworld").is_dir():
            return directory / "shared" / "realworld"
    return shared_root() / "realworld"


def build_tree(realworld: Path, n: int, root: Path) -> Path:
    """N campaign folders below ``root``, copied round-robin from the real campaigns."""
    sources = sorted(p for p in realworld.iterdir() if p.is_dir())
    if not sources:
        raise SystemExit(f"no campaign folders in {realworld}")
    tree = root / f"campaigns-{n}"
    for i in range(n):
        source = sources[i % len(sources)]
        shutil.copytree(source, tree / f"{i:05d}-{source.name}")
    return tree


def measure(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (process and workers) and peak resident memory in MB."""
    with tempfile.NamedTemporaryFile("r") as peak_file:
        timed = ["/usr/bin/time", "-f", "%M", "-o", peak_file.name, *cmd]
        start = time.perf_counter()
        child = subprocess.Popen(
            timed, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # 1: findings, as expected of real campaigns
            raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
        peak_mb = float(peak_file.read().strip().splitlines()[-1]) / 1024
    return wall, usage.ru_utime + usage.ru_stime, peak_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("realworld", nargs="?", default=str(default_realworld()))
    ap.add_argument("--campaigns", default="1,100,1000,5000", help="comma-separated sizes")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--commands", default="check,report", help="check, report or both")
    args = ap.parse_args()
    if not Path("/usr/bin/time").exists():
        raise SystemExit("GNU time (/usr/bin/time) is needed for the peak memory")
    as_installed()  # bytecode as pip would compile it (see bench/installed.py)
    sizes = [int(n) for n in args.campaigns.split(",")]
    commands = args.commands.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "mailcheck.toml").write_text("", encoding="utf-8")  # no project config leaks in
        trees = {n: build_tree(Path(args.realworld), n, root) for n in sizes}
        cmds: dict[tuple[str, int], list[str]] = {}
        for n, tree in trees.items():
            for command in commands:
                out = ["-o", str(root / f"report-{n}.html")] if command == "report" else []
                fmt = ["--format", "json"] if command == "check" else []
                cmds[(command, n)] = [
                    sys.executable, "-m", "mailcheck", command, str(tree), "--offline",
                    *fmt, *out,
                ]  # fmt: skip
        rows: dict[tuple[str, int], list[tuple[float, float, float]]] = {k: [] for k in cmds}
        for _ in range(args.runs):
            for key, cmd in cmds.items():
                rows[key].append(measure(cmd, root))
        print(
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; medians of {args.runs}"
        )
        for command in commands:
            print(f"mailcheck {command} --offline:")
            first: tuple[int, float, float] | None = None
            for n in sorted(sizes):
                runs = rows[(command, n)]
                wall, cpu, peak = (statistics.median(col) for col in zip(*runs, strict=True))
                # the cost of each campaign beyond the smallest run (start-up taken out)
                extra = ""
                if first is not None and n > first[0]:
                    per_cpu = (cpu - first[1]) / (n - first[0]) * 1000
                    per_mb = (peak - first[2]) / (n - first[0]) * 1024
                    extra = f"; each further campaign {per_cpu:5.1f} ms CPU, {per_mb:6.1f} KB"
                first = first or (n, cpu, peak)
                print(
                    f"  {n:>5} campaigns: wall {wall:7.2f} s, CPU {cpu:7.2f} s,"
                    f" peak {peak:5.0f} MB{extra}"
                )


if __name__ == "__main__":
    main()
