"""``mailcheck rule CODE``: print a rule's documentation."""

from __future__ import annotations

import argparse
import sys

HELP = "show what a rule finds, why it matters and how to fix it"

READS_CONFIG = False  # the rules as mailcheck and its plugins ship them


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "code", metavar="CODE", help="a rule code, e.g. SUB002, or a family (SUB: its rules)"
    )


def run(args: argparse.Namespace) -> int:
    from mailcheck.registry import load_registry

    registry = load_registry()
    found = registry.get(args.code)
    if found is None:
        wanted = args.code.strip().upper()
        family = [r for r in registry.sorted() if r.code.rstrip("0123456789") == wanted]
        if wanted and family:  # a family: its rules, one line each
            for r in family:
                print(f"{r.code:<9} {r.oneliner}")
            print(f"\n`mailcheck rule {family[0].code}` shows a rule's page.")
            return 0
        hint = _closest(wanted, list(registry.rules))
        also = f"; did you mean {' or '.join(hint)}?" if hint else ""
        print(
            f"mailcheck: error: no rule {args.code!r}{also} (see `mailcheck rules`)",
            file=sys.stderr,
        )
        return 2
    net = "yes" if found.network else "no"
    print(f"# {found.code} {found.name}\n")
    print(f"Default severity: {found.severity.value}. Needs the network: {net}.\n")
    print(found.doc or "(no documentation)")
    return 0


def _closest(wanted: str, codes: list[str]) -> list[str]:
    """The codes most like ``wanted`` (a typo, a digit too few or too many), best first: the
    few equally close, those of its family preferred."""
    import difflib

    def ratio(code: str) -> float:
        return difflib.SequenceMatcher(None, wanted, code).ratio()

    family = wanted.rstrip("0123456789")
    own = [c for c in codes if family and c.startswith(family)]
    for pool in (own, codes):
        scored = sorted((-ratio(c), c) for c in pool if ratio(c) >= 0.6)
        if scored:
            best = scored[0][0]
            return [c for r, c in scored[:3] if r == best]
    return []
