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

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
COLLECTED = re.compile(r"==(\d+)== Collected : (\d+)")


def command(tree: Path, target: str, out: Path, core: int | None) -> list[str]:
    check = [sys.executable, str(BENCH / "tree.py"), str(tree), "check", target, "--offline"]
    pin = ["taskset", "-c", str(core)] if core is not None else []
    # %p: a file per process, so that forked workers are counted apart from the parent
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/%p.out"]
    return [*pin, *valgrind, *check, "--format", "json"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trees", nargs="+", type=Path)
    ap.add_argument("--target", default="corpus", help="corpus (../shared/corpus) or a path")
    ap.add_argument("--workers", action="store_true", help="every CPU: parent and workers")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found (apt-get install valgrind)")
    target = str(REPO.parent / "shared" / "corpus") if args.target == "corpus" else args.target
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
        for tree, proc in zip(args.trees, running, strict=True):
            _, err = proc.communicate()
            counts = [int(n) / 1e9 for _, n in COLLECTED.findall(err)]
            if proc.returncode not in (0, 1) or not counts:
                raise SystemExit(f"{tree}: exit {proc.returncode}\n{err[-2000:]}")
            if args.workers:
                parent, *workers = counts[::-1]  # the parent ends last
                path = parent + max(workers, default=0.0)
                shown = " + ".join(f"{w:.2f}" for w in sorted(workers))
                print(
                    f"  {tree}: {sum(counts):.2f} in all (parent {parent:.2f}, workers {shown});"
                    f" critical path {path:.2f}"
                )
            else:
                print(f"  {tree}: {counts[0]:.2f}")


if __name__ == "__main__":
    main()
