"""Every offline finding over the shared data and the examples, one sorted line each.

Usage: python bench/findings_snapshot.py [TREE] [--shared ../shared] > findings.txt

The proof that a speed change changed nothing else: take a snapshot with the tree before the
change and one with the tree after it, and ``diff`` them. Each line is a campaign's source, a
finding's code, severity, message, every location and URL (or ``OK`` for a campaign without
findings, or a suppression comment). ``TREE`` (default: this repository) is where
``mailcheck check --offline --format json`` runs, every module imported from it
(``bench/tree.py``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from tests.shared_data import shared_root  # noqa: E402  (../shared, or above a worktree)

OFFLINE_JSON = ("--offline", "--format", "json")


def lines_of(tree: Path, target: Path) -> list[str]:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "tree.py"), str(tree), "check", str(target), *OFFLINE_JSON],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"mailcheck check {target}: exit {proc.returncode}\n{proc.stderr}")
    out = []
    for campaign in json.loads(proc.stdout)["campaigns"]:
        source = campaign["source"].replace(str(tree), "TREE")
        if not campaign["findings"]:
            out.append(f"{source}\tOK")
        for f in campaign["findings"]:
            fields = (f["code"], f["severity"], f["message"], "|".join(f["locations"]))
            out.append("\t".join((source, *fields, str(f["url"]))))
        for suppression in campaign["suppressions"]:
            out.append(f"{source}\tsuppression\t{json.dumps(suppression, sort_keys=True)}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tree", nargs="?", type=Path, default=REPO)
    ap.add_argument("--shared", type=Path, default=shared_root())
    args = ap.parse_args()
    tree, shared = args.tree.resolve(), args.shared
    targets = [shared / "corpus", shared / "realworld", tree / "examples"]
    missing = [str(t) for t in targets if not t.is_dir()]
    if missing:
        raise SystemExit(f"not found: {', '.join(missing)}")
    print("\n".join(sorted(line for t in targets for line in lines_of(tree, t))))


if __name__ == "__main__":
    main()
