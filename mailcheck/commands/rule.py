"""``mailcheck rule CODE``: print a rule's documentation."""

from __future__ import annotations

import argparse
import sys

HELP = "show what a rule finds, why it matters and how to fix it"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", metavar="CODE", help="a rule code, e.g. SUB002")


def run(args: argparse.Namespace) -> int:
    from mailcheck.registry import load_registry

    registry = load_registry()
    found = registry.get(args.code)
    if found is None:
        print(f"mailcheck: error: no rule {args.code!r}; see `mailcheck rules`", file=sys.stderr)
        return 2
    net = "yes" if found.network else "no"
    print(f"# {found.code} {found.name}\n")
    print(f"Default severity: {found.severity.value}. Needs the network: {net}.\n")
    print(found.doc or "(no documentation)")
    return 0
