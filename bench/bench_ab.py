"""A/B: the offline engine's CPU time in two source trees, taking turns.

Usage: python bench/bench_ab.py BEFORE_TREE AFTER_TREE [--target corpus|dirs|PATH]
                                [--rounds 4] [--runs 2]

How docs/benchmarks.md measures a change to the offline pass: make a tree of the code before it
(``git worktree add --detach ../before <commit>``), then run this from either tree. Each side
runs in its own interpreter with every mailcheck module, rules included, imported from its
tree (``bench/tree.py``) before the timing starts, and times ``--runs`` offline runs of one
process, each in a fresh fork (no cache filled by an earlier run), on the CPU clock of that
fork. The sides take turns round by round, so a change in the machine's load hits both alike;
the medians are printed with the load average.

``--target dirs`` checks campaign directories: this repository's ``examples/black-friday-ru``
and ``examples/welcome-en`` copied 100 times each into a temporary directory.
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.shared_data import shared_root  # noqa: E402  (../shared, or above a worktree)

EXAMPLE_DIRS = ("black-friday-ru", "welcome-en")
COPIES = 100


def child(tree: Path, target: str, runs: int) -> None:
    """In a fresh interpreter: CPU seconds of ``runs`` offline runs of ``tree``, as JSON."""
    from tree import assert_from, use_tree

    use_tree(tree)  # before bench_offline, which imports mailcheck
    from bench_offline import forked, warm_imports

    warm_imports()
    assert_from(tree)
    from mailcheck import engine
    from mailcheck.config import Config

    def once() -> None:
        engine.run([target], Config(root=tree), offline=True, jobs=1, keep=engine.lightened)

    print(json.dumps([forked(once)[1] for _ in range(runs)]))


def campaign_dirs(into: Path) -> Path:
    for n in range(COPIES):
        for name in EXAMPLE_DIRS:
            shutil.copytree(REPO / "examples" / name, into / f"{name}-{n}")
    return into


def side(tree: Path, target: str, runs: int) -> list[float]:
    script = str(Path(__file__).resolve())
    proc = subprocess.run(
        [sys.executable, script, "--child", target, "--tree", str(tree), "--runs", str(runs)],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        raise SystemExit(f"{tree}: {proc.stderr.strip()}")
    times: list[float] = json.loads(proc.stdout)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before", nargs="?", type=Path)
    ap.add_argument("after", nargs="?", type=Path)
    ap.add_argument("--target", default="corpus", help="corpus, dirs or a path to check")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--runs", type=int, default=2, help="runs per side and round")
    ap.add_argument("--child", help=argparse.SUPPRESS)  # the child mode: the path to check
    ap.add_argument("--tree", type=Path, help=argparse.SUPPRESS)  # and the tree it runs
    args = ap.parse_args()
    if args.child:
        child(args.tree, args.child, args.runs)
        return
    if args.before is None or args.after is None:
        ap.error("give the two trees to compare")
    trees = [args.before.resolve(), args.after.resolve()]
    with tempfile.TemporaryDirectory(prefix="mailcheck-ab-") as tmp:
        if args.target == "corpus":
            target = str(shared_root() / "corpus")
        elif args.target == "dirs":
            target = str(campaign_dirs(Path(tmp)))
        else:
            target = args.target
        results: dict[Path, list[float]] = {tree: [] for tree in trees}
        for round_ in range(args.rounds):
            for tree in trees if round_ % 2 == 0 else reversed(trees):
                results[tree] += side(tree, target, args.runs)
    print(f"{target}, {args.rounds} rounds of {args.runs} runs, one process, CPU seconds:")
    for tree, times in results.items():
        runs = ", ".join(f"{t:.3f}" for t in times)
        print(f"  {tree}: median {statistics.median(times):.3f} s  ({runs})")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
