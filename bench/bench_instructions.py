"""Instructions, not seconds: a fresh `mailcheck check --offline` of each tree under callgrind.

Usage: python bench/bench_instructions.py TREE [TREE ...] [--target corpus|PATH] [--workers]

CPU time on a shared machine moves by 10-30 % from run to run, which buries a change of a few
per cent; the number of instructions a run executes does not move (callgrind counts them, the
same total twice on a busy machine). Each tree runs as a new process (``bench/tree.py``: every
module from that tree), start-up included, each on a core of its own (the trees in parallel, at
about 50x the normal time: ~2 minutes for the corpus). By default the run is pinned to one CPU,
so it checks everything in one process; ``--workers`` lets it use every CPU (two on the
machine of docs/benchmarks.md) and prints each process's count (the parent and its workers;
the critical path is the parent plus the largest worker). Needs valgrind (Debian's package).

A forked child inherits callgrind's counters: its "Collected" total includes everything its
parent did before the fork (up to session 6 this script read those totals, which counted the
parent's start-up once more in each worker). The parent now dumps its counts as it enters
glibc's ``_Fork`` (``--dump-before``), which zeroes them before the child is made, and each
process's own work is the sum of the ``summary:`` lines of its dump files.

Each tree's bytecode is compiled first (``bench/installed.py``). Up to session 20 it was not:
with ``PYTHONDONTWRITEBYTECODE=1`` (this machine's environment) a fresh worktree compiled
every module from source on each run, ~0.7 x 10^9 instructions that the tree the tests had run
in did not pay, which biased every comparison of a new worktree against it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from installed import compile_tree

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from tests.shared_data import shared_root  # noqa: E402  (../shared, or above a worktree)

SUMMARY = re.compile(r"^summary: (\d+)$", re.MULTILINE)


def command(tree: Path, target: str, out: Path, core: int | None) -> list[str]:
    check = [sys.executable, str(BENCH / "tree.py"), str(tree), "check", target, "--offline"]
    pin = ["taskset", "-c", str(core)] if core is not None else []
    # %p: a file per process, so that forked workers are counted apart from the parent
    valgrind = [
        "valgrind",
        "--tool=callgrind",
        "--dump-before=_Fork",
        f"--callgrind-out-file={out}/%p.out",
    ]
    return [*pin, *valgrind, *check, "--format", "json"]


def own_counts(out: Path) -> tuple[float, float, list[float]]:
    """Instructions (10^9) of each process's own work: the parent's (all of it, and the part
    before its first fork) and each worker's. A process's work is the sum of its dump files:
    ``PID.out`` and, for the process that forked, ``PID.out.1``, ``PID.out.2`` ... (one dump
    as it enters each fork)."""
    counts: dict[int, float] = {}
    first_part: dict[int, float] = {}
    for dump in out.iterdir():
        pid, _, part = dump.name.partition(".out")
        total = sum(int(n) for n in SUMMARY.findall(dump.read_text(errors="replace"))) / 1e9
        counts[int(pid)] = counts.get(int(pid), 0.0) + total
        if part == ".1":
            first_part[int(pid)] = total
    if not counts:
        return 0.0, 0.0, []
    parent = min(first_part or counts)  # the one that forked (or the only one)
    return counts.pop(parent), first_part.get(parent, 0.0), list(counts.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trees", nargs="+", type=Path)
    ap.add_argument(
        "--target", default="corpus", help="corpus (shared/corpus beside the repository) or a path"
    )
    ap.add_argument("--workers", action="store_true", help="every CPU: parent and workers")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found (apt-get install valgrind)")
    target = str(shared_root() / "corpus") if args.target == "corpus" else args.target
    for tree in args.trees:  # each tree with its bytecode, as installed (bench/installed.py)
        compile_tree(tree.resolve())
    with tempfile.TemporaryDirectory(prefix="mailcheck-instr-") as tmp:
        running = []
        for index, tree in enumerate(args.trees):
            out = Path(tmp) / str(index)
            out.mkdir()
            core = None if args.workers else index % (os.cpu_count() or 1)
            running.append(
                subprocess.Popen(
                    command(tree.resolve(), target, out, core),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        print(f"{target}, instructions (10^9) of a fresh `mailcheck check --offline`:")
        for index, (tree, proc) in enumerate(zip(args.trees, running, strict=True)):
            _, err = proc.communicate()
            parent, before_fork, workers = own_counts(Path(tmp) / str(index))
            if proc.returncode not in (0, 1) or not parent:
                raise SystemExit(f"{tree}: exit {proc.returncode}\n{err[-2000:]}")
            if args.workers:
                # at most: the parent's work after the fork mostly overlaps the workers'
                path = parent + max(workers, default=0.0)
                shown = " + ".join(f"{w:.2f}" for w in sorted(workers))
                print(
                    f"  {tree}: {parent + sum(workers):.2f} in all (parent {parent:.2f},"
                    f" {before_fork:.2f} of it before the fork; workers {shown});"
                    f" critical path at most {path:.2f}"
                )
            else:
                print(f"  {tree}: {parent + sum(workers):.2f}")


if __name__ == "__main__":
    main()
